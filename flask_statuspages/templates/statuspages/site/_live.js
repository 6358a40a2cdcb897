/* Live updates: when the page's event stream reports a change, fetch this
   page's own HTML again and swap the content of <main>, so the markup lives in
   the server's templates only. Form input, open groups, focus and scroll
   survive the swap; the new overall status is announced to screen readers. */
(function () {
  "use strict";
  var script = document.currentScript;
  var main = document.getElementById("main");
  var region = document.getElementById("live-region");
  var LOCAL = { year: "numeric", month: "short", day: "numeric", hour: "2-digit",
    minute: "2-digit", timeZoneName: "short" };

  // Times are written in the page's time zone; on hover, the visitor's own.
  function localTimes(root) {
    root.querySelectorAll("time[datetime]").forEach(function (time) {
      var moment = new Date(time.getAttribute("datetime"));
      if (isNaN(moment.getTime())) return;
      try { time.title = moment.toLocaleString(undefined, LOCAL); } catch (e) { /* old engine */ }
    });
  }
  localTimes(document);
  var TEXT = script && script.dataset.text ? JSON.parse(script.dataset.text)
    : { updated: "Status updated", colors: {} };

  // "Subscribe to updates" opens the form in a dialog (a link to the subscribe
  // page without this script); Escape and the close button shut it, and focus
  // goes back to the button that opened it.
  document.addEventListener("click", function (event) {
    var opener = event.target.closest && event.target.closest("[data-dialog]");
    var dialog = opener && document.getElementById(opener.dataset.dialog);
    if (dialog && dialog.showModal) {
      event.preventDefault();
      dialog.opener = opener;
      dialog.showModal();
      return;
    }
    var closer = event.target.closest && event.target.closest("dialog [data-close]");
    if (closer) closer.closest("dialog").close();
  });
  document.querySelectorAll("dialog").forEach(function (dialog) {
    dialog.addEventListener("close", function () {
      if (dialog.opener) dialog.opener.focus();
    });
    dialog.addEventListener("click", function (event) {
      if (event.target === dialog) dialog.close(); // a click on the backdrop
    });
  });

  // A day of an uptime bar tells its figures in a popover, on focus and on tap
  // (not only in a tooltip on hover); Escape, blur or a tap elsewhere hide it.
  var popover = document.createElement("div");
  popover.className = "popover";
  popover.id = "day-popover";
  popover.setAttribute("role", "tooltip");
  popover.hidden = true;
  // In a landmark (the footer: <main> is swapped by live updates).
  (document.querySelector("body > footer") || document.body).appendChild(popover);
  function dayOf(target) { return target.closest && target.closest(".bars rect"); }
  function showDay(rect) {
    var title = rect.querySelector("title");
    popover.textContent = title ? title.textContent : "";
    popover.hidden = false;
    var box = rect.getBoundingClientRect();
    var left = box.left + box.width / 2 - popover.offsetWidth / 2;
    left = Math.max(8, Math.min(left, document.documentElement.clientWidth - popover.offsetWidth - 8));
    popover.style.left = left + window.scrollX + "px";
    popover.style.top = box.top + window.scrollY - popover.offsetHeight - 8 + "px";
  }
  function hideDay() { popover.hidden = true; }
  document.addEventListener("focusin", function (event) {
    var rect = dayOf(event.target);
    if (rect) showDay(rect); else hideDay();
  });
  document.addEventListener("focusout", function (event) { if (dayOf(event.target)) hideDay(); });
  document.addEventListener("click", function (event) {
    var rect = dayOf(event.target);
    if (rect) showDay(rect); else hideDay();
  });
  document.addEventListener("keydown", function (event) {
    var rect = dayOf(event.target);
    if (event.key === "Escape") hideDay();
    else if (rect && (event.key === "Enter" || event.key === " ")) { event.preventDefault(); showDay(rect); }
  });

  // The default favicon follows the overall status.
  function favicon() {
    var icon = document.getElementById("favicon");
    var overall = main && main.querySelector("[data-status]");
    var color = overall && TEXT.colors[overall.dataset.status];
    // The same drawing as the server's (views/site.py: favicon).
    var href = color && "data:image/svg+xml," + encodeURIComponent("<svg xmlns='http://www.w3.org/2000/svg'"
      + " viewBox='0 0 16 16'><circle cx='8' cy='8' r='7' fill='" + color + "'/></svg>");
    if (icon && href && icon.getAttribute("href") !== href) icon.setAttribute("href", href);
  }

  if (!script || !main || !window.EventSource || !window.fetch || !window.DOMParser) return;
  var EVENTS = [
    "state", "component.created", "component.updated", "component.deleted",
    "component.status_changed", "group.created", "group.updated", "group.deleted",
    "components.reordered", "groups.reordered", "incident.created", "incident.updated",
    "incident.resolved", "incident.deleted", "maintenance.created", "maintenance.updated",
    "maintenance.started", "maintenance.completed", "maintenance.deleted", "metric.created",
    "metric.updated", "metric.deleted", "metric.data", "page.updated", "page.deleted"
  ];
  var initialState = true, timer = null, busy = false, again = false;

  function schedule() {
    if (timer) return;
    timer = setTimeout(function () { timer = null; refresh(); }, 300);
  }

  function refresh() {
    if (busy) { again = true; return; }
    busy = true;
    fetch(location.pathname + location.search, {
      credentials: "same-origin", cache: "no-store", headers: { Accept: "text/html" }
    }).then(function (response) {
      return response.status === 200 ? response.text() : null;
    }).then(function (html) {
      if (html) swap(html);
    }).catch(function () { /* offline for a moment: the next event tries again */ })
      .then(function () {
        busy = false;
        if (again) { again = false; schedule(); }
      });
  }

  // An input is known by its id or, like the component checkboxes, by name and value.
  function keyOf(input) { return input.id || input.name + "=" + input.value; }

  function inputs() {
    var found = {};
    main.querySelectorAll("input:not([type=hidden])").forEach(function (input) {
      found[keyOf(input)] = input;
    });
    return found;
  }

  function remember() {
    var state = { fields: {}, open: {}, focus: null, x: window.scrollX, y: window.scrollY };
    var fields = inputs();
    Object.keys(fields).forEach(function (key) {
      state.fields[key] = { value: fields[key].value, checked: fields[key].checked };
    });
    main.querySelectorAll("details[id]").forEach(function (details) {
      state.open[details.id] = details.open;
    });
    var active = document.activeElement;
    if (active && active !== main && main.contains(active)) {
      var key = active.tagName === "INPUT" ? keyOf(active) : active.id;
      if (key) state.focus = { key: key, start: active.selectionStart, end: active.selectionEnd };
    }
    return state;
  }

  function restore(state) {
    var fields = inputs();
    Object.keys(state.fields).forEach(function (key) {
      var input = fields[key];
      if (!input) return;
      input.value = state.fields[key].value;
      input.checked = state.fields[key].checked;
    });
    Object.keys(state.open).forEach(function (id) {
      var details = document.getElementById(id);
      if (details && main.contains(details)) details.open = state.open[id];
    });
    if (state.focus) {
      var target = fields[state.focus.key] || document.getElementById(state.focus.key);
      if (target) {
        target.focus({ preventScroll: true });
        try { target.setSelectionRange(state.focus.start, state.focus.end); } catch (e) { /* not text */ }
      }
    }
    window.scrollTo(state.x, state.y);
  }

  function swap(html) {
    // Only <main> is parsed: the new page's <style> has another nonce, and parsing
    // it would report a CSP violation for nothing.
    var start = html.indexOf("<main"), end = html.lastIndexOf("</main>");
    if (start < 0 || end < start) return;
    var next = new DOMParser().parseFromString(html.slice(start, end + 7), "text/html")
      .getElementById("main");
    if (!next) return;
    var state = remember();
    main.replaceChildren.apply(main, Array.prototype.map.call(next.childNodes, function (node) {
      return document.importNode(node, true);
    }));
    restore(state);
    localTimes(main);
    favicon();
    var overall = main.querySelector("[data-overall]");
    announce(TEXT.updated + (overall ? ": " + overall.textContent.trim() : "."));
  }

  function announce(text) {
    region.textContent = "";
    setTimeout(function () { region.textContent = text; }, 100);
  }

  var retry = 30000;
  function listen() {
    var source = new EventSource(script.dataset.events);
    EVENTS.forEach(function (name) {
      source.addEventListener(name, function (event) {
        retry = 30000;
        // The first state is the page as served, unless a change came between
        // serving it and connecting (its version then differs); a later one
        // follows a reconnection that could not replay what was missed.
        if (name === "state" && initialState) {
          initialState = false;
          if (String(JSON.parse(event.data).version) === script.dataset.version) return;
        }
        initialState = false;
        schedule();
      });
    });
    // A refused stream (503 when the server holds as many as it may) is not
    // retried by the browser: open it again later, backing off.
    source.addEventListener("error", function () {
      if (source.readyState !== EventSource.CLOSED) return;
      setTimeout(listen, retry);
      retry = Math.min(retry * 2, 300000);
    });
  }
  listen();
})();
