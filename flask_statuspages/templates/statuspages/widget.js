{#- Status widget: a script tag with src=".../widget.js" (async is fine), optional
    data-target="#id" (the element to fill) and data-theme="dark".
    Comments are Jinja's, so visitors do not download them (the script stays under 9 KiB,
    with the status embed's notice; leading spaces are dropped when served). -#}
(() => {
  "use strict";
  const urls = {{ urls|tojson }};
  const script = document.currentScript;
  const base = (script && script.src) || location.href;
  for (const key of Object.keys(urls)) urls[key] = new URL(urls[key], base).href;
  const theme = (script && script.dataset.theme) === "dark" ? "dark" : "light";
  const targetSelector = script && script.dataset.target;
  {#- Words for people, never the raw API values: the status page's own. #}
  const TEXT = {{ overall_labels|tojson }};
  const UNDER_MAINTENANCE = {{ maintenance_label|tojson }};
  const WORDS = {{ {"unknown": _sp("Status unknown"), "unavailable": _sp("Status unavailable"),
    "scheduled": _sp("Scheduled: "), "status": _sp("%(name)s status"), "dismiss": _sp("Dismiss")}|tojson }};
  {#- "identified" -> "Identified", "partial_outage" -> "Partial outage". #}
  const words = (value) =>
    String(value || "").replace(/_/g, " ").replace(/^./, (c) => c.toUpperCase());
  const EVENTS = ["state", "component.status_changed", "incident.resolved", "maintenance.started",
    "maintenance.completed", "page.updated", "page.deleted",
    ...["component", "incident", "maintenance"].flatMap(
      (kind) => ["created", "updated", "deleted"].map((what) => `${kind}.${what}`))];
  {#- Maintenance pages sit beside the incidents' (with the site off, all go to the page). #}
  const itemUrl = (kind, id) => urls[kind] === urls.page ? urls.page
    : urls[kind] + encodeURIComponent(id);
  {#- "2 Mar 2026, 14:05 UTC", as on the status page. #}
  const when = (value) => new Date(value).toLocaleString("en-GB",
    { timeZone: "UTC", dateStyle: "medium", timeStyle: "short" }) + " UTC";
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
  const out = (props, ...children) => el("a", { target: "_blank", rel: "noopener", ...props },
    ...children);

  const host = document.createElement("statuspages-widget");
  const root = host.attachShadow({ mode: "open" });
  root.append(el("style", { textContent: CSS }));
  {#- No landmark: a page may hold several widgets, and landmarks need distinct
      names. The first link names the status page instead. #}
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
    const link = out({ className: "head", href: urls.page },
      el("span", { className: "dot " + status }),
      el("span", {},
        el("span", { className: "sr", textContent: page.name + ": " }),
        known ? TEXT[status] : WORDS.unknown));
    const parts = [link];
    const item = (kind, entry, lead, ...rest) => el("li", {}, lead,
      out({ href: itemUrl(kind, entry.id), textContent: entry.title }), ...rest);
    const st = (textContent) => el("span", { className: "st", textContent });
    const items = [
      ...(page.active_incidents || []).map((i) => item("incident", i, "", " ",
        st(words(i.status)), ...(i.affected_components || []).length ? [el("div",
          { className: "st", textContent: i.affected_components.map((c) => c.name).join(", ") })]
          : [])),
      ...(page.active_maintenances || []).map((m) => item("maintenance", m, "", " ",
        st(UNDER_MAINTENANCE))),
    ];
    const next = (page.upcoming_maintenances || [])[0];
    if (next) {
      items.push(item("maintenance", next, WORDS.scheduled, ", ", st(when(next.scheduled_for))));
    }
    if (items.length) parts.push(el("ul", {}, ...items));
    parts.push(out({ className: "more", href: urls.page, textContent: page.name + " \u2192" }));
    box.replaceChildren(...parts);
    showNotice(page);
  };

  {#- The status embed: a notice in a corner of the host page while an incident is open
      (else a maintenance is in progress), in the page's configured position and colours.
      Dismissed, it stays away until something else is open. #}
  const notice = document.createElement("statuspages-notice");
  const noticeRoot = notice.attachShadow({ mode: "open" });
  let dismissed = "", shown = "";
  const NOTICE_CSS = `
.n{position:fixed;z-index:99999;box-sizing:border-box;max-width:min(360px,calc(100vw - 32px));
  padding:12px 40px 12px 14px;border-radius:8px;box-shadow:0 4px 16px #0004;
  font:14px/1.4 system-ui,sans-serif}
.top-left,.top-right{top:16px}.bottom-left,.bottom-right{bottom:16px}
.top-left,.bottom-left{left:16px}.top-right,.bottom-right{right:16px}
a,button{color:inherit;font:inherit}a{font-weight:600}p{margin:4px 0 0}
button{position:absolute;top:6px;right:6px;width:28px;height:28px;border:0;background:none;
  cursor:pointer;font-size:18px}
:focus-visible{outline:2px solid;outline-offset:2px}`;
  const showNotice = (page) => {
    const config = page.status_embed_config || {};
    const incidents = page.active_incidents || [];
    const kind = incidents.length ? "incident" : "maintenance";
    const open = incidents.length ? incidents : page.active_maintenances || [];
    const key = kind + open.map((entry) => entry.id);
    if (!open.length || key === dismissed) return notice.remove();
    {#- Unchanged: left as it is, so a live update never takes the keyboard's focus away. #}
    const seen = [key, config.position, config[kind + "_background_color"],
      config[kind + "_text_color"], open[0].title, open[0].status].join();
    if (seen === shown && notice.isConnected) return;
    shown = seen;
    const box = el("div", { className: "n " + config.position });
    box.setAttribute("role", "region");
    box.setAttribute("aria-label", WORDS.status.replace("%(name)s", page.name));
    box.style.background = config[kind + "_background_color"];
    box.style.color = config[kind + "_text_color"];
    const close = () => {
      dismissed = key;
      notice.remove();
    };
    const button = el("button", { type: "button", textContent: "\u00d7", onclick: close });
    button.setAttribute("aria-label", WORDS.dismiss);
    box.onkeydown = (event) => { if (event.key === "Escape") close(); };
    box.append(out({ href: itemUrl(kind, open[0].id), textContent: open[0].title }),
      el("p", { textContent: (incidents.length ? words(open[0].status) : UNDER_MAINTENANCE)
        + (open.length > 1 ? ` (+${open.length - 1})` : "") }), button);
    noticeRoot.replaceChildren(el("style", { textContent: NOTICE_CSS }), box);
    if (!notice.isConnected) (document.body || document.documentElement).append(notice);
  };

  const unavailable = () => {
    box.replaceChildren(el("span", { className: "head" }, el("span", { className: "dot" }),
      el("span", { textContent: WORDS.unavailable })));
  };

  let pending = null;
  const refresh = () => {
    clearTimeout(pending);
    pending = setTimeout(async () => {
      try {
        const response = await fetch(urls.json, { cache: "no-cache" });
        if (response.ok) render(await response.json());
        else unavailable();
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
        try { render(JSON.parse(event.data)); return; } catch (error) { {#- fetch below #} }
      }
      refresh();
    };
    for (const name of EVENTS) source.addEventListener(name, onEvent);
    source.onmessage = onEvent;
    source.onerror = () => {
      if (source.readyState !== EventSource.CLOSED) return; {#- the browser reconnects #}
      refresh();
      setTimeout(listen, retry);
      retry = Math.min(retry * 2, 300000);
    };
  };

  refresh();
  listen();
})();
