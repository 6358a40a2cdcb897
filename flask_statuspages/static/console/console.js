/* The console, live: a change to the page (made here, by another operator, or through
   the API) reloads the screen's main part, unless the operator is typing in a form,
   in which case a notice offers the reload. Everything works without this file. */
(function () {
  "use strict";
  var body = document.body;
  var region = document.getElementById("live-region");
  var EVENTS = [
    "component.created", "component.updated", "component.deleted",
    "component.status_changed", "group.created", "group.updated", "group.deleted",
    "components.reordered", "groups.reordered", "incident.created", "incident.updated",
    "incident.resolved", "incident.deleted", "maintenance.created", "maintenance.updated",
    "maintenance.started", "maintenance.completed", "maintenance.deleted", "metric.created",
    "metric.updated", "metric.deleted", "metric.data", "page.updated", "page.deleted"
  ];
  var editing = false, timer = null;

  function announce(text) {
    if (!region) return;
    region.textContent = "";
    setTimeout(function () { region.textContent = text; }, 50);
  }

  document.addEventListener("input", function (event) {
    if (event.target.closest && event.target.closest("main form")) editing = true;
  });
  document.addEventListener("submit", function () { editing = false; });

  function staleNotice() {
    var notice = document.getElementById("stale-notice");
    if (notice) notice.hidden = false;
  }

  function refresh() {
    if (editing) { staleNotice(); return; }
    fetch(window.location.href, { credentials: "same-origin", headers: { "Accept": "text/html" } })
      .then(function (response) { return response.ok ? response.text() : null; })
      .then(function (html) {
        if (!html) return;
        var fresh = new DOMParser().parseFromString(html, "text/html").querySelector("main");
        var main = document.querySelector("main");
        if (!fresh || !main || editing) return;
        var focused = document.activeElement && document.activeElement.id;
        main.innerHTML = fresh.innerHTML;
        if (focused && document.getElementById(focused)) document.getElementById(focused).focus();
        document.dispatchEvent(new CustomEvent("console:refreshed"));
        announce(body.dataset.updatedText || "Updated.");
      });
  }

  var retry = 5000;
  function listen(url) {
    var source = new EventSource(url);
    EVENTS.forEach(function (name) {
      source.addEventListener(name, function () {
        retry = 5000;
        clearTimeout(timer);
        timer = setTimeout(refresh, 150);  // one reload for a burst of events
      });
    });
    // A refused stream (503 when the server holds too many) is not retried by the
    // browser: try again later, waiting longer each time (at most 2 minutes).
    source.addEventListener("error", function () {
      if (source.readyState !== EventSource.CLOSED) return;
      setTimeout(function () { listen(url); }, retry);
      retry = Math.min(retry * 2, 120000);
    });
  }

  document.addEventListener("click", function (event) {
    var button = event.target.closest && event.target.closest("[data-reload]");
    if (button) { editing = false; window.location.reload(); }
  });

  if (body.dataset.events && window.EventSource) listen(body.dataset.events);
})();
