/* Components screen: drag and drop to reorder (components within and between groups),
   and the Move buttons sent without a reload, focus kept on the button pressed and
   the move announced. Without this file, the Move buttons are plain forms. */
(function () {
  "use strict";
  var region = document.getElementById("live-region");
  var dragged = null;
  var lastMove = null;  // {text, focus, at}: said again if the live reload follows it

  function announce(text) {
    if (!region || !text) return;
    region.textContent = "";
    setTimeout(function () { region.textContent = text; }, 50);
  }

  function body(form, submitter) {
    var data = new URLSearchParams(new FormData(form));
    if (submitter && submitter.name) data.append(submitter.name, submitter.value);
    return data;
  }

  // Post, then show the answer's <main> (the redirect's screen, or the form refused).
  function send(action, data, focusId) {
    return fetch(action, {
      method: "POST", credentials: "same-origin", body: data,
      headers: { "Content-Type": "application/x-www-form-urlencoded", "Accept": "text/html" }
    }).then(function (response) { return response.text(); }).then(function (html) {
      var fresh = new DOMParser().parseFromString(html, "text/html");
      var main = document.querySelector("main"), next = fresh.querySelector("main");
      if (!main || !next) return;
      main.innerHTML = next.innerHTML;
      setup();
      var target = focusId && document.getElementById(focusId);
      if (target) {
        var row = target.closest(".comp-row, .comp-section");
        if (row) row.classList.add("just-moved");
        target.focus();
      }
      var said = main.querySelector(".flashes li, [role=alert]");
      var text = said ? said.textContent.trim() : "";
      lastMove = { text: text, focus: focusId, at: Date.now() };
      announce(text);
    });
  }

  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form.matches || !form.matches("form[data-move]")) return;
    event.preventDefault();
    var submitter = event.submitter || document.activeElement;
    send(form.action, body(form, submitter), submitter && submitter.id);
  });

  function layout() {
    var data = new URLSearchParams();
    document.querySelectorAll(".comp-list").forEach(function (list) {
      list.querySelectorAll(".comp-row").forEach(function (row) {
        data.append("ids[]", row.dataset.id);
        data.append("groups[" + row.dataset.id + "]", list.dataset.group || "");
      });
    });
    return data;
  }

  function rowAfter(list, y) {
    var rows = Array.prototype.slice.call(list.querySelectorAll(".comp-row:not(.dragging)"));
    for (var i = 0; i < rows.length; i++) {
      var box = rows[i].getBoundingClientRect();
      if (y < box.top + box.height / 2) return rows[i];
    }
    return null;
  }

  function setup() {
    var root = document.querySelector("[data-reorder]");
    if (!root) return;
    root.querySelectorAll(".comp-row").forEach(function (row) { row.draggable = true; });
    root.querySelectorAll(".comp-section[id]").forEach(function (section) { section.draggable = true; });
  }

  document.addEventListener("dragstart", function (event) {
    var item = event.target.closest && event.target.closest(".comp-row, .comp-section[id]");
    if (!item) return;
    dragged = item;
    item.classList.add("dragging");
    event.dataTransfer.effectAllowed = "move";
    event.dataTransfer.setData("text/plain", item.dataset.id || item.dataset.group);
  });

  // A group goes before the group under the pointer; never after the ungrouped ones.
  function moveGroup(event) {
    var root = document.querySelector("[data-reorder]");
    var sections = Array.prototype.slice.call(root.querySelectorAll(".comp-section:not(.dragging)"));
    for (var i = 0; i < sections.length; i++) {
      var box = sections[i].getBoundingClientRect();
      if (!sections[i].id || event.clientY < box.top + box.height / 2) {
        root.insertBefore(dragged, sections[i]);
        return;
      }
    }
    root.appendChild(dragged);
  }

  document.addEventListener("dragover", function (event) {
    if (dragged && dragged.classList.contains("comp-section")) {
      event.preventDefault();
      moveGroup(event);
      return;
    }
    var list = dragged && event.target.closest && event.target.closest(".comp-list");
    if (!list) return;
    event.preventDefault();
    var empty = list.querySelector(".comp-empty");
    if (empty) empty.remove();
    var after = rowAfter(list, event.clientY);
    if (after) list.insertBefore(dragged, after); else list.appendChild(dragged);
  });

  document.addEventListener("drop", function (event) {
    if (!dragged) return;
    event.preventDefault();
  });

  function groupOrder() {
    var data = new URLSearchParams();
    document.querySelectorAll(".comp-section[id]").forEach(function (section) {
      data.append("ids[]", section.dataset.group);
    });
    return data;
  }

  document.addEventListener("dragend", function () {
    if (!dragged) return;
    var item = dragged, group = item.classList.contains("comp-section");
    item.classList.remove("dragging");
    dragged = null;
    var form = document.getElementById(group ? "group-order-form" : "reorder-form");
    var focus = "move-up-" + (group ? item.dataset.group : item.dataset.id);
    if (form) send(form.action, group ? groupOrder() : layout(), focus);
  });

  // The page's event stream reloads <main> after our own move too (console.js): keep
  // the operator's place and say the move again, after console.js's own notice.
  document.addEventListener("console:refreshed", function () {
    setup();
    if (!lastMove || Date.now() - lastMove.at > 5000) return;
    var move = lastMove;
    var target = move.focus && document.getElementById(move.focus);
    if (target) target.focus();
    setTimeout(function () { announce(move.text); }, 120);
  });
  setup();
})();
