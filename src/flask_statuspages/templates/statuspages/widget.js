/* Status widget: a script tag with src=".../widget.js" (async is fine), optional
   data-target="#id" (the element to fill) and data-theme="dark". */
(() => {
  "use strict";
  const urls = {{ urls|tojson }};
  const script = document.currentScript;
  const base = (script && script.src) || location.href;
  for (const key of Object.keys(urls)) urls[key] = new URL(urls[key], base).href;
  const theme = (script && script.dataset.theme) === "dark" ? "dark" : "light";
  const targetSelector = script && script.dataset.target;
  // Words for people, never the raw API values.
  const TEXT = {
    operational: "All systems operational",
    under_maintenance: "Under maintenance",
    degraded_performance: "Degraded performance",
    partial_outage: "Partial outage",
    major_outage: "Major outage",
  };
  // "identified" -> "Identified", "partial_outage" -> "Partial outage".
  const words = (value) => {
    const text = String(value || "").replace(/_/g, " ");
    return text.charAt(0).toUpperCase() + text.slice(1);
  };
  const EVENTS = ["state", "component.created", "component.updated", "component.deleted",
    "component.status_changed", "incident.created", "incident.updated", "incident.resolved",
    "incident.deleted", "page.updated", "page.deleted"];
  const CSS = `
:host{all:initial;display:block}
.w{box-sizing:border-box;max-width:360px;padding:10px 12px;border:1px solid #d0d7de;
  border-radius:8px;background:#fff;color:#1f2328;font:14px/1.4 system-ui,-apple-system,
  "Segoe UI",Roboto,sans-serif}
.w.dark{background:#161b22;color:#e6edf3;border-color:#30363d}
a{color:inherit;text-decoration:none}a:hover{text-decoration:underline}
.head{display:flex;align-items:center;gap:8px;font-weight:600}
.dot{flex:none;width:10px;height:10px;border-radius:50%;background:#8c959f}
.operational{background:#1f883d}.under_maintenance{background:#0969da}
.degraded_performance{background:#d4a72c}.partial_outage{background:#e16f24}
.major_outage{background:#cf222e}
ul{margin:6px 0 0;padding:0 0 0 18px}li{margin:2px 0}
.st{opacity:.75;font-size:12px}
.sr{position:absolute;width:1px;height:1px;margin:-1px;overflow:hidden;clip:rect(0,0,0,0);
  white-space:nowrap;border:0}
.more{display:block;margin-top:6px;font-size:12px;opacity:.8}`;

  const el = (tag, props, ...children) => {
    const node = document.createElement(tag);
    Object.assign(node, props);
    for (const child of children) node.append(child);
    return node;
  };

  const host = document.createElement("statuspages-widget");
  const root = host.attachShadow({ mode: "open" });
  root.append(el("style", { textContent: CSS }));
  // No landmark: a page may hold several widgets, and landmarks need distinct
  // names. The first link names the status page instead.
  const box = el("div", { className: "w " + theme });
  box.setAttribute("aria-live", "polite");
  root.append(box);

  const place = () => {
    const target = targetSelector && document.querySelector(targetSelector);
    const inBody = script && script.parentNode && script.parentNode !== document.head;
    if (target) target.append(host);
    else if (!targetSelector && inBody) script.after(host);
    else if (document.readyState === "loading") {
      document.addEventListener("DOMContentLoaded", place, { once: true });
    } else document.body.append(host);
  };
  place();

  const render = (page) => {
    const known = Object.prototype.hasOwnProperty.call(TEXT, page.overall_status);
    const status = known ? page.overall_status : "unknown";
    const link = el("a", { className: "head", href: urls.page, target: "_blank", rel: "noopener" },
      el("span", { className: "dot " + status }),
      el("span", {},
        el("span", { className: "sr", textContent: page.name + ": " }),
        known ? TEXT[status] : "Status unknown"));
    const parts = [link];
    const incidents = page.active_incidents || [];
    if (incidents.length) {
      parts.push(el("ul", {}, ...incidents.map((incident) => el("li", {},
        el("a", {
          href: urls.incident === urls.page ? urls.page
            : urls.incident + encodeURIComponent(incident.id),
          target: "_blank", rel: "noopener", textContent: incident.title,
        }),
        " ", el("span", { className: "st", textContent: words(incident.status) })))));
    }
    parts.push(el("a", { className: "more", href: urls.page, target: "_blank", rel: "noopener",
      textContent: page.name + " \u2192" }));
    box.replaceChildren(...parts);
  };

  const unavailable = () => {
    box.replaceChildren(el("span", { className: "head" }, el("span", { className: "dot" }),
      el("span", { textContent: "Status unavailable" })));
  };

  let pending = null;
  const refresh = () => {
    clearTimeout(pending);
    pending = setTimeout(async () => {
      try {
        const response = await fetch(urls.json, { cache: "no-cache" });
        if (!response.ok) throw new Error(String(response.status));
        render(await response.json());
      } catch (error) {
        unavailable();
      }
    }, 200);
  };

  let retry = 5000;
  const listen = () => {
    if (typeof EventSource !== "function") return;
    const source = new EventSource(urls.events);
    const onEvent = (event) => {
      retry = 5000;
      if (event.type === "state") {
        try { render(JSON.parse(event.data)); return; } catch (error) { /* fetch below */ }
      }
      refresh();
    };
    for (const name of EVENTS) source.addEventListener(name, onEvent);
    source.onmessage = onEvent;
    source.onerror = () => {
      if (source.readyState !== EventSource.CLOSED) return;  // the browser reconnects
      refresh();
      setTimeout(listen, retry);
      retry = Math.min(retry * 2, 300000);
    };
  };

  refresh();
  listen();
})();
