// emend serve: accept / edit / reject controls for suggested changes. `emend
// serve` adds this script to article pages it serves on loopback; a build
// never contains it, so published pages are unchanged.
(function () {
  "use strict";
  var me = document.currentScript;
  if (!me) return;
  var slug = me.getAttribute("data-slug");
  var version = me.getAttribute("data-version");
  var token = me.getAttribute("data-token");
  var busy = false;

  function status(li, text, bad) {
    var s = li.querySelector(".emend-review-status");
    if (!s) {
      s = document.createElement("span");
      s.className = "emend-review-status";
      s.setAttribute("role", "status");
      li.appendChild(s);
    }
    s.textContent = " " + text;
    s.style.color = bad ? "#b42318" : "#067647";
  }

  function send(li, body) {
    if (busy) return;
    busy = true;
    body.slug = slug;
    body.version = version;
    body.change = parseInt(li.getAttribute("data-c"), 10);
    status(li, "saving…");
    fetch("/__emend/review", {
      method: "POST",
      headers: { "Content-Type": "application/json", "X-Emend-Token": token },
      body: JSON.stringify(body),
      credentials: "same-origin",
    })
      .then(function (r) {
        return r.json().then(function (j) {
          return { status: r.status, body: j };
        });
      })
      .then(function (r) {
        if (r.body.ok) {
          status(li, r.body.message + " (reloading)");
          // The rebuild reloads the page; reload anyway if it does not come.
          setTimeout(function () { location.reload(); }, 4000);
        } else {
          busy = false;
          status(li, r.body.message, true);
          if (r.status === 409 || r.status === 403) {
            setTimeout(function () { location.reload(); }, 2500);
          }
        }
      })
      .catch(function (e) {
        busy = false;
        status(li, "could not reach emend serve: " + e, true);
      });
  }

  function button(label, title, onclick) {
    var b = document.createElement("button");
    b.type = "button";
    b.className = "emend-review-" + label.toLowerCase();
    b.textContent = label;
    b.title = title;
    b.style.cssText = "margin-left:.4em;font:inherit;font-size:.85em;padding:0 .45em;cursor:pointer";
    b.addEventListener("click", onclick);
    return b;
  }

  var items = document.querySelectorAll(".changes li.sug[data-c]");
  Array.prototype.forEach.call(items, function (li) {
    var box = document.createElement("span");
    box.className = "emend-review";
    box.appendChild(
      button("Accept", "Accept this suggestion: remove its `status: suggested` line", function () {
        send(li, { action: "accept" });
      })
    );
    box.appendChild(
      button("Edit", "Change the replacement (it stays a suggestion until accepted)", function () {
        var ins = li.querySelector(".pair ins");
        var now = ins ? ins.textContent : "";
        var next = window.prompt("Replace with:", now);
        if (next === null || next === now) return;
        send(li, { action: "edit", replace: next });
      })
    );
    box.appendChild(
      button("Reject", "Remove this suggestion and never suggest it again in this article", function () {
        send(li, { action: "reject" });
      })
    );
    li.appendChild(box);
  });
})();
