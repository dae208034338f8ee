// emend edition pages: highlight both halves of a change together, bring the
// partner into view, and move focus to notes. Everything still works without it.
(() => {
  "use strict";
  const edition = document.querySelector(".edition, .reading");
  if (!edition) return;

  let current = null;
  const clear = () => {
    document.querySelectorAll(".hl").forEach((el) => el.classList.remove("hl"));
    current = null;
  };
  const highlight = (n) => {
    if (n === current) return;
    clear();
    if (n == null) return;
    current = n;
    document.querySelectorAll(`[data-c="${CSS.escape(n)}"]`).forEach((el) => el.classList.add("hl"));
  };
  const changeOf = (target) => (target instanceof Element ? target.closest("[data-c]") : null);
  const inView = (el) => {
    const r = el.getBoundingClientRect();
    return r.bottom > 0 && r.top < window.innerHeight;
  };
  const smooth = window.matchMedia("(prefers-reduced-motion: no-preference)").matches ? "smooth" : "auto";

  edition.addEventListener("mouseover", (e) => {
    const el = changeOf(e.target);
    if (el) highlight(el.dataset.c);
  });
  edition.addEventListener("mouseout", (e) => {
    const from = changeOf(e.target);
    const to = changeOf(e.relatedTarget);
    if (from && (!to || to.dataset.c !== from.dataset.c)) clear();
  });
  edition.addEventListener("focusin", (e) => {
    const el = changeOf(e.target);
    if (el) highlight(el.dataset.c);
    else clear();
  });
  edition.addEventListener("click", (e) => {
    const mark = e.target instanceof Element ? e.target.closest("del.chg[data-c], ins.chg[data-c]") : null;
    if (!mark || mark.closest("a")) return;
    const n = mark.dataset.c;
    highlight(n);
    const partner = document.getElementById(`c${n}-${mark.tagName === "DEL" ? "c" : "o"}`);
    if (partner && !inView(partner)) partner.scrollIntoView({ block: "center", behavior: smooth });
  });
  document.addEventListener("keydown", (e) => {
    if (e.key === "Escape") clear();
  });

  // Following a note reference or back-link moves keyboard focus too, so the
  // next Tab continues from the note (or from the passage) instead of the old place.
  const focusTarget = () => {
    const id = decodeURIComponent(location.hash.slice(1));
    if (!/^(note|ref)-\d+$/.test(id)) return;
    const el = document.getElementById(id);
    if (el) el.focus({ preventScroll: true });
  };
  window.addEventListener("hashchange", focusTarget);
  if (location.hash) focusTarget();
})();
