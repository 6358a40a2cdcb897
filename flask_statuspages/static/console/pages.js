/* The branding preview follows the inputs as they change (without this file it shows
   the saved colours, or those of a "Preview" submit). */
(function () {
  "use strict";
  var form = document.querySelector("[data-branding]");
  var preview = document.querySelector(".brand-preview");
  if (!form || !preview) return;

  function rgb(hex) {
    var digits = hex.replace("#", "");
    if (digits.length === 3) digits = digits.replace(/(.)/g, "$1$1");
    return [0, 2, 4].map(function (i) { return parseInt(digits.substr(i, 2), 16) / 255; });
  }
  function luminance(hex) {
    var c = rgb(hex).map(function (v) { return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); });
    return 0.2126 * c[0] + 0.7152 * c[1] + 0.0722 * c[2];
  }
  function textOn(hex) {  // black or white, the one of more contrast (as the server's)
    var l = luminance(hex);
    return (l + 0.05) / 0.05 >= 1.05 / (l + 0.05) ? "#000000" : "#ffffff";
  }
  function valid(hex) { return /^#([0-9a-f]{3}){1,2}$/i.test(hex || ""); }
  function field(name) { return form.querySelector('[name="theme[' + name + ']"]'); }

  function update() {
    var primary = field("primary_color").value, background = field("background_color").value;
    if (valid(primary)) {
      preview.style.setProperty("--brand", primary);
      preview.style.setProperty("--on-brand", textOn(primary));
    }
    if (valid(background)) {
      preview.style.setProperty("--brand-bg", background);
      preview.style.setProperty("--brand-text", textOn(background));
    }
    preview.dataset.scheme = field("color_scheme").value;
  }
  form.addEventListener("input", update);
  form.addEventListener("change", update);
})();
