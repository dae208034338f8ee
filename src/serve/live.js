// emend serve: live reload and the error overlay. `emend serve` adds this
// script to the pages it serves; a build never contains it.
(function () {
  "use strict";
  var me = document.currentScript;
  var served = me ? me.getAttribute("data-path") : null;
  var generation = me ? me.getAttribute("data-generation") : null;

  // The site file this address shows (what the server resolves it to).
  function requested() {
    var p;
    try {
      p = decodeURIComponent(location.pathname).replace(/^\//, "");
    } catch (e) {
      return null;
    }
    return p === "" || p.slice(-1) === "/" ? p + "index.html" : p;
  }

  function concerns(changed) {
    var mine = requested();
    return changed.some(function (c) {
      // Pages are reloaded when they themselves change; assets (CSS, scripts,
      // images) may be used by any page.
      return c === served || c === mine || !/\.(html|txt|md)$/.test(c);
    });
  }

  var host = null;

  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined) e.textContent = text;
    return e;
  }

  var STYLE =
    ":host{all:initial}" +
    ".box{position:fixed;inset:auto 1rem 1rem 1rem;max-height:70vh;overflow:auto;z-index:2147483647;" +
    "background:#1e1e1e;color:#eee;border-left:6px solid #e5484d;border-radius:6px;" +
    "box-shadow:0 8px 30px rgba(0,0,0,.4);font:14px/1.45 ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;padding:1rem 1.25rem}" +
    ".head{display:flex;justify-content:space-between;gap:1rem;font-weight:bold;margin-bottom:.5rem}" +
    ".where{color:#7cc4ff}.msg{margin:.25rem 0 .5rem}pre{margin:0 0 1rem;white-space:pre-wrap;color:#ccc}" +
    "button{all:unset;cursor:pointer;padding:0 .4rem;font-size:18px}";

  function show(errors) {
    hide();
    if (!errors.length) return;
    host = el("emend-overlay");
    var root = host.attachShadow ? host.attachShadow({ mode: "open" }) : host;
    root.appendChild(el("style", null, STYLE));
    var box = el("div", "box");
    box.setAttribute("role", "alert");
    var head = el("div", "head");
    head.appendChild(
      el(
        "span",
        null,
        "emend: " + errors.length + (errors.length === 1 ? " error" : " errors") +
          " \u2014 this is the last good version of the page; save a fix to update it"
      )
    );
    var close = el("button", null, "\u00d7");
    close.setAttribute("aria-label", "Hide until the next change");
    close.addEventListener("click", hide);
    head.appendChild(close);
    box.appendChild(head);
    errors.forEach(function (d) {
      if (d.file) box.appendChild(el("div", "where", d.file + ":" + d.line + ":" + d.column));
      box.appendChild(el("div", "msg", "error[" + d.code + "]: " + d.message));
      box.appendChild(el("pre", null, d.rendered));
    });
    root.appendChild(box);
    document.documentElement.appendChild(host);
  }

  function hide() {
    if (host && host.parentNode) host.parentNode.removeChild(host);
    host = null;
  }

  if (!window.EventSource) return;
  var source = new EventSource("/__emend/events");
  source.addEventListener("reload", function (e) {
    var data = JSON.parse(e.data);
    if (concerns(data.changed)) {
      source.close();
      location.reload();
    } else {
      generation = String(data.generation);
    }
  });
  source.addEventListener("status", function (e) {
    var data = JSON.parse(e.data);
    // Changed while this page was loading, or the server restarted.
    if (generation !== null && String(data.generation) !== generation) {
      source.close();
      location.reload();
      return;
    }
    show(data.errors);
  });
})();
