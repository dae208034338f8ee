// emend edition pages. Without this script the pages are complete: the
// numbers in the text link to the list of changes and the notes, which link
// back, and the text as received is shown or hidden with a checkbox. This adds:
// highlighting both halves of a change and its entry together, bringing them
// into view, keeping the list of changes beside the text in step with the
// passage being read, moving keyboard focus to the target of an in-page link,
// hiding the text as received on phones unless the reader asked for it, and
// the filter that shows or hides changes by kind.
//
// No id is built or parsed here: each mark names its partner and its entry in
// data attributes (data-c, data-partner, data-entry; entries carry data-mark),
// which emend writes from the one place that spells the ids (src/anchors.rs).
(() => {
  "use strict";
  const edition = document.querySelector(".edition, .reading");
  if (!edition) return;
  const byId = (id) => (id ? document.getElementById(id) : null);
  const smooth = window.matchMedia("(prefers-reduced-motion: no-preference)").matches ? "smooth" : "auto";
  const apparatus = edition.querySelector(".apparatus");
  const toggle = edition.querySelector("#show-original");

  // --- The text as received: shown or hidden, remembered for the visit.
  const KEY = "emend-show-original";
  const remembered = () => {
    try {
      return sessionStorage.getItem(KEY);
    } catch {
      return null; // storage can be off (file://, privacy settings)
    }
  };
  if (toggle) {
    const saved = remembered();
    if (saved !== null) toggle.checked = saved === "1";
    else if (window.matchMedia("(max-width: 47.5rem)").matches) toggle.checked = false;
    toggle.addEventListener("change", () => {
      try {
        sessionStorage.setItem(KEY, toggle.checked ? "1" : "0");
      } catch {
        // not remembered; nothing else to do
      }
    });
  }
  /** Shows the text as received if `el` is in it and it is hidden. */
  const reveal = (el) => {
    if (toggle && !toggle.checked && el.closest(".col.orig")) toggle.checked = true;
  };

  // --- Highlighting a change: its two halves, its numbers and its entry.
  let current = null;
  // A change activated by a click or a tap stays lit (after a tap the
  // finger's pointer leaves at once) until another is activated, focus moves
  // on, or Escape.
  let pinned = null;
  const clear = () => {
    edition.querySelectorAll(".hl").forEach((el) => el.classList.remove("hl"));
    current = null;
  };
  const highlight = (n) => {
    if (n === current) return;
    clear();
    if (n == null) return;
    current = n;
    edition.querySelectorAll(`[data-c="${CSS.escape(n)}"]`).forEach((el) => el.classList.add("hl"));
  };
  const changeOf = (target) => (target instanceof Element ? target.closest("[data-c]:not(.off)") : null);
  const inView = (el) => {
    const r = el.getBoundingClientRect();
    return r.height > 0 && r.bottom > 0 && r.top < window.innerHeight;
  };
  /** Whether the list of changes is a column of its own beside the text. */
  const beside = () => apparatus && getComputedStyle(apparatus).position === "sticky" && apparatus.scrollHeight > apparatus.clientHeight;
  /** Scrolls the list of changes (only it) so that `el` is near its top. */
  let syncPausedUntil = 0;
  const showInList = (el) => {
    if (!el || !beside()) return;
    const head = apparatus.querySelector("h2");
    const top = el.getBoundingClientRect().top - apparatus.getBoundingClientRect().top + apparatus.scrollTop;
    apparatus.scrollTo({ top: Math.max(0, top - (head ? head.offsetHeight : 0) - 8), behavior: smooth });
  };

  // Hovering is a mouse's (or a pen's): pointer events say which pointer
  // moved. The mouse events a browser makes up around a tap (and the hover it
  // gives back afterwards to wherever a mouse cursor was left resting) are not
  // pointer events, so they never light another change over the one tapped.
  const hovering = (e) => e.pointerType === "mouse" || e.pointerType === "pen";
  edition.addEventListener("pointerover", (e) => {
    if (!hovering(e)) return;
    const el = changeOf(e.target);
    if (el) highlight(el.dataset.c);
  });
  edition.addEventListener("pointerout", (e) => {
    if (!hovering(e)) return;
    const from = changeOf(e.target);
    const to = changeOf(e.relatedTarget);
    if (from && (!to || to.dataset.c !== from.dataset.c)) {
      if (pinned == null) clear();
      else highlight(pinned);
    }
  });
  edition.addEventListener("focusin", (e) => {
    const el = changeOf(e.target);
    if (el) highlight(el.dataset.c);
    else {
      pinned = null;
      clear();
    }
  });
  edition.addEventListener("click", (e) => {
    const mark = e.target instanceof Element ? e.target.closest("del.chg[data-partner]:not(.off), ins.chg[data-partner]:not(.off)") : null;
    if (!mark || mark.closest("a")) return;
    pinned = mark.dataset.c;
    highlight(pinned);
    const partner = byId(mark.dataset.partner);
    if (partner && partner.getClientRects().length > 0 && !inView(partner)) partner.scrollIntoView({ block: "center", behavior: smooth });
    syncPausedUntil = Date.now() + 1500;
    showInList(byId(mark.dataset.entry));
  });
  document.addEventListener("keydown", (e) => {
    if (e.key === "Escape") {
      pinned = null;
      clear();
    }
  });

  // --- The filter by kind: each box shows or hides the changes of its kind
  // (their marks, numbers and entries carry the class `k-<kind>`). Without
  // this script the filter stays hidden and every change is shown.
  const filters = edition.querySelector(".filters");
  if (filters) {
    const apply = (box) => {
      edition.querySelectorAll(`.k-${CSS.escape(box.dataset.kind)}`).forEach((el) => el.classList.toggle("off", !box.checked));
      if (!box.checked) {
        pinned = null;
        clear();
      }
    };
    const boxes = [...filters.querySelectorAll("input[data-kind]")];
    // A browser may restore the boxes' states on going back to the page.
    boxes.filter((box) => !box.checked).forEach(apply);
    filters.addEventListener("change", (e) => {
      if (e.target instanceof HTMLInputElement && e.target.dataset.kind) apply(e.target);
    });
    filters.hidden = false;
  }

  // --- Following an in-page link (a change's number, a note reference, a
  // back-link) moves keyboard focus to its target too, so the next Tab goes on
  // from there; a change's entry lights up its change.
  const focusTarget = () => {
    let id;
    try {
      id = decodeURIComponent(location.hash.slice(1));
    } catch {
      return; // a malformed fragment (`#%E0%A4%A`) names nothing on the page
    }
    const el = byId(id);
    if (!el || !edition.contains(el)) return;
    syncPausedUntil = Date.now() + 1500;
    if (el.closest(".col.orig") && toggle && !toggle.checked) {
      reveal(el);
      el.scrollIntoView({ block: "center", behavior: "auto" });
    }
    if (el.dataset.c) highlight(el.dataset.c);
    if (el.matches("[tabindex], a[href]")) el.focus({ preventScroll: true });
  };
  window.addEventListener("hashchange", focusTarget);
  if (location.hash) focusTarget();

  // --- The list of changes beside the text follows the passage being read.
  if (apparatus) {
    const groups = [...apparatus.querySelectorAll(".app-group[data-row]")]
      .map((group) => ({ group, cell: byId(group.dataset.row) }))
      .filter((g) => g.cell);
    let shown = null;
    let queued = false;
    const sync = () => {
      queued = false;
      if (!beside() || Date.now() < syncPausedUntil || apparatus.matches(":hover, :focus-within")) return;
      const bar = edition.querySelector(".text-bar");
      const line = bar ? bar.getBoundingClientRect().bottom : 0;
      const first = groups.find((g) => g.cell.getBoundingClientRect().bottom > line + 24);
      if (!first || first.group === shown) return;
      shown = first.group;
      showInList(first.group);
    };
    window.addEventListener("scroll", () => {
      if (!queued) {
        queued = true;
        requestAnimationFrame(sync);
      }
    }, { passive: true });
  }
})();
