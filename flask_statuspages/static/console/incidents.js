/* Incident and maintenance forms, live: choosing a template fills the form at once,
   and the notice of whom a notification reaches follows the components chosen.
   Without this file, "Use template" and "Preview" submits do the same. */
(function () {
  "use strict";
  var COMPONENT = /^components\[(.+)\]$/;

  function chosenComponents(form) {
    var ids = (form.dataset.reachBase || "").split(",").filter(Boolean);
    Array.prototype.forEach.call(form.elements, function (field) {
      var match = field.name && field.name.match(COMPONENT);
      if (match && field.value && ids.indexOf(match[1]) < 0) ids.push(match[1]);
      if (field.name === "component_ids[]" && field.checked) ids.push(field.value);
    });
    return ids;
  }

  function updateReach(form) {
    var query = chosenComponents(form).map(function (id) {
      return "component_ids[]=" + encodeURIComponent(id);
    }).join("&");
    fetch(form.dataset.reachUrl + (query ? "?" + query : ""), { credentials: "same-origin" })
      .then(function (response) { return response.ok ? response.text() : null; })
      .then(function (html) {
        if (!html) return;
        var fresh = new DOMParser().parseFromString(html, "text/html").querySelector("[data-reach]");
        var current = form.querySelector("[data-reach]");
        if (fresh && current) {
          fresh.setAttribute("aria-live", "polite");
          current.replaceWith(fresh);
        }
      });
  }

  function useTemplate(picker) {
    var select = picker.querySelector("select");
    var url = picker.action + (select.value ? "?template_id=" + encodeURIComponent(select.value) : "");
    fetch(url, { credentials: "same-origin", headers: { "Accept": "text/html" } })
      .then(function (response) { return response.ok ? response.text() : null; })
      .then(function (html) {
        if (!html) return;
        var fresh = new DOMParser().parseFromString(html, "text/html").querySelector("form.incident-form");
        var current = document.querySelector("form.incident-form");
        if (!fresh || !current) return;
        current.replaceWith(fresh);
        prepare();
        if (window.history.replaceState) window.history.replaceState(null, "", url);
      });
  }

  function prepare() {
    document.querySelectorAll("form[data-reach-url] .preview-reach").forEach(function (button) {
      button.hidden = true;  // the notice follows the choice: no submit needed
    });
    document.querySelectorAll("[data-template-picker] button[type=submit]").forEach(function (button) {
      button.hidden = true;
    });
  }

  document.addEventListener("change", function (event) {
    var target = event.target;
    var picker = target.closest && target.closest("[data-template-picker]");
    if (picker) { useTemplate(picker); return; }
    var form = target.closest && target.closest("form[data-reach-url]");
    if (form && target.closest("[data-components]")) updateReach(form);
  });
  document.addEventListener("console:refreshed", prepare);
  prepare();
})();
