// The checks of the browser suite. Each takes a Playwright page in the state
// to check and returns a list of problems (plain sentences naming the element
// and the measured numbers); an empty list means the check passed. Tests
// assert the list is empty on good pages and non-empty on deliberately broken
// variants, so every check is shown to be able to fail.

import fs from "node:fs";
import { createRequire } from "node:module";

import { scriptsOff } from "./harness.mjs";

const require = createRequire(import.meta.url);
const AXE = require.resolve("axe-core/axe.min.js");

/** How far (CSS px) two edges may differ and still count as aligned. */
const TOLERANCE = 2;

/** In-page helpers, installed once per document by `helpers(page)`. */
function installHelpers() {
  if (window.__emendTest) return;
  const describe = (el) => {
    if (!el || el.nodeType !== 1) return String(el);
    let s = el.tagName.toLowerCase();
    if (el.id) s += `#${el.id}`;
    for (const c of el.classList) s += `.${c}`;
    const text = (el.textContent || "").trim().replace(/\s+/g, " ");
    if (text) s += ` “${text.length > 40 ? `${text.slice(0, 40)}…` : text}”`;
    return s;
  };
  // The box of an element's first line of text (or the element's box when it
  // has no text): where a reader's eye lands.
  const firstLine = (el) => {
    // (No filter callback: with JavaScript disabled, page callbacks do not run.)
    const walker = document.createTreeWalker(el, NodeFilter.SHOW_TEXT);
    let node = walker.nextNode();
    while (node && !node.textContent.trim()) node = walker.nextNode();
    if (node) {
      const range = document.createRange();
      range.selectNodeContents(node);
      const rect = range.getClientRects()[0];
      if (rect) return rect;
    }
    return el.getBoundingClientRect();
  };
  // Whether a reader can see `el` now: its first box is inside the viewport
  // and not hidden under something else (a sticky header, say).
  const seen = (el) => {
    const rect = el.getClientRects()[0] || el.getBoundingClientRect();
    const x = Math.min(Math.max(rect.left + Math.min(8, rect.width / 2), 0), innerWidth - 1);
    const y = rect.top + Math.min(8, rect.height / 2);
    if (rect.width === 0 || rect.height === 0) return { ok: false, why: "has no size" };
    if (y < 0 || y >= innerHeight) return { ok: false, why: `is out of view (top at ${Math.round(rect.top)}px of a ${innerHeight}px viewport)` };
    const hit = document.elementFromPoint(x, y);
    if (hit && hit !== el && !el.contains(hit) && !hit.contains(el))
      return { ok: false, why: `is covered by ${describe(hit)} (top at ${Math.round(rect.top)}px)` };
    return { ok: true, why: "" };
  };
  const parse = (c) => {
    const m = c.match(/rgba?\(([^)]+)\)/);
    if (!m) return null;
    const [r, g, b, a = 1] = m[1].split(/[ ,/]+/).filter(Boolean).map(Number);
    return { r, g, b, a };
  };
  // The opaque colour behind an element: the first non-transparent
  // background among it and its ancestors.
  const backdrop = (el) => {
    for (let e = el; e; e = e.parentElement) {
      const c = parse(getComputedStyle(e).backgroundColor);
      if (c && c.a > 0.5) return c;
    }
    return { r: 255, g: 255, b: 255, a: 1 };
  };
  const luminance = ({ r, g, b }) => {
    const lin = (v) => ((v /= 255) <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4);
    return 0.2126 * lin(r) + 0.7152 * lin(g) + 0.0722 * lin(b);
  };
  const contrast = (a, b) => {
    const [x, y] = [luminance(a), luminance(b)].sort((p, q) => q - p);
    return (x + 0.05) / (y + 0.05);
  };
  const focusable = () =>
    [...document.querySelectorAll('a[href], button, input, select, textarea, summary, [tabindex]:not([tabindex="-1"])')].filter(
      // (Not the contents of a closed <details>: they are reached once it is opened.)
      (el) => el.getClientRects().length > 0 && getComputedStyle(el).visibility !== "hidden" && !el.closest("[inert]") && !(el.tagName !== "SUMMARY" && el.closest("details:not([open])")),
    );
  // The passages as `{ name, orig, corr }`: the two cells of each, in order.
  const passages = () => {
    const orig = [...document.querySelectorAll(".grid .col.orig > .cell")];
    const corr = [...document.querySelectorAll(".grid .col.corr > .cell")];
    return corr.map((c, i) => ({ name: `passage #${c.id}`, orig: orig[i], corr: c }));
  };
  // The height of the text in an element (its contents' box).
  const textHeight = (el) => {
    const range = document.createRange();
    range.selectNodeContents(el);
    return range.getBoundingClientRect().height;
  };
  window.__emendTest = { describe, firstLine, seen, backdrop, contrast, parse, focusable, passages, textHeight };
}

async function helpers(page) {
  await page.evaluate(installHelpers);
}

/** Waits until the page has stopped scrolling (smooth scrolling, focus). */
export async function settle(page) {
  if (scriptsOff.has(page)) {
    // No animation frames without JavaScript: poll instead.
    let last = -1;
    for (let i = 0; i < 40; i += 1) {
      const y = await page.evaluate(() => scrollY);
      if (y === last) return;
      last = y;
      await page.waitForTimeout(30);
    }
    return;
  }
  await page.evaluate(
    () =>
      new Promise((resolve) => {
        let last = -1;
        let still = 0;
        const tick = () => {
          if (scrollY === last) still += 1;
          else still = 0;
          last = scrollY;
          if (still >= 3) resolve();
          else requestAnimationFrame(tick);
        };
        requestAnimationFrame(tick);
      }),
  );
}

/**
 * Side-by-side layout: in every passage the original and corrected cells sit
 * side by side and their first lines start at the same height, and the
 * passage is no taller than its longer text needs (nothing else, like a list
 * of changes, sets its height: `slack` px at most). Also returns `tallest`,
 * the largest ratio of the heights of the two cells' contents, so a test can
 * show it covered a passage where one side is much longer than the other.
 */
export async function sideBySide(page, { slack = 48 } = {}) {
  await helpers(page);
  return page.evaluate(
    ([tolerance, slack]) => {
      const { firstLine, passages, textHeight } = window.__emendTest;
      const problems = [];
      let tallest = 1;
      const rows = passages();
      if (rows.length === 0) problems.push("no passages (.grid .col.corr > .cell) on the page");
      for (const { name, orig, corr } of rows) {
        if (!orig) {
          problems.push(`${name}: no passage as received beside it`);
          continue;
        }
        const o = orig.getBoundingClientRect();
        const c = corr.getBoundingClientRect();
        if (o.right > c.left + tolerance || o.bottom <= c.top || c.bottom <= o.top)
          problems.push(`${name}: the cells are not side by side (original ${Math.round(o.left)}–${Math.round(o.right)}px, corrected ${Math.round(c.left)}–${Math.round(c.right)}px, tops ${Math.round(o.top)}/${Math.round(c.top)}px)`);
        const [lo, lc] = [firstLine(orig).top, firstLine(corr).top];
        if (Math.abs(lo - lc) > tolerance)
          problems.push(`${name}: the original starts at ${Math.round(lo + scrollY)}px, the corrected text at ${Math.round(lc + scrollY)}px`);
        const [ho, hc] = [orig, corr].map(textHeight);
        const height = Math.max(o.bottom, c.bottom) - Math.min(o.top, c.top);
        if (height - Math.max(ho, hc) > slack)
          problems.push(`${name}: the passage is ${Math.round(height)}px tall for ${Math.round(Math.max(ho, hc))}px of text`);
        if (ho > 0 && hc > 0) tallest = Math.max(tallest, ho / hc, hc / ho);
      }
      return { problems, rows: rows.length, tallest };
    },
    [TOLERANCE, slack],
  );
}

/**
 * Narrow layout, or the corrected text alone at any width. With the text as
 * received shown (`original: true`), each corrected passage comes just below
 * its passage as received and both take the full width; without it, the
 * corrected passages follow one another down one column with nothing between
 * them (at most `gap` px). Every corrected passage starts at the left edge of
 * the text area (no empty column is left where the text as received was), in
 * line with the one before, and is as wide as the text area or, where that is
 * wider than a comfortable line, at a reading measure: at least `measure[0]`
 * em of its own type (about 60 characters) and never more than `measure[1]`
 * em (about 90). Either way the list of changes comes after the last passage
 * or, on a wide screen, beside the text; never between passages or over them.
 */
export async function stacked(page, { original = true, gap = 48, measure = [30, 45] } = {}) {
  await helpers(page);
  return page.evaluate(
    ([tolerance, original, gap, [least, most]]) => {
      const { passages } = window.__emendTest;
      const problems = [];
      const rows = passages();
      if (rows.length === 0) problems.push("no passages (.grid .col.corr > .cell) on the page");
      const grid = document.querySelector(".grid").getBoundingClientRect();
      const width = grid.width;
      let last = null;
      for (const { name, orig, corr } of rows) {
        const c = corr.getBoundingClientRect();
        const o = orig?.getBoundingClientRect();
        const shown = o && o.height > 0;
        if (original && !shown) problems.push(`${name}: the passage as received is not shown`);
        if (!original && shown) problems.push(`${name}: the passage as received is shown between corrected passages`);
        if (shown) {
          if (c.top < o.bottom - tolerance) problems.push(`${name}: the corrected cell (top ${Math.round(c.top)}px) does not follow the original (bottom ${Math.round(o.bottom)}px)`);
          if (o.width < width * 0.9) problems.push(`${name}: the original cell is ${Math.round(o.width)}px wide in a ${Math.round(width)}px column`);
        } else if (last && c.top - last.bottom > gap) problems.push(`${name}: ${Math.round(c.top - last.bottom)}px of page between it and the passage before`);
        if (c.left - grid.left > tolerance) problems.push(`${name}: the corrected cell starts ${Math.round(c.left - grid.left)}px right of the text area's edge`);
        else if (last && (Math.abs(c.left - last.left) > tolerance || Math.abs(c.width - last.width) > tolerance))
          problems.push(`${name}: the corrected cell (${Math.round(c.left)}–${Math.round(c.right)}px) is not in line with the one before (${Math.round(last.left)}–${Math.round(last.right)}px)`);
        const ems = c.width / parseFloat(getComputedStyle(corr).fontSize);
        if (c.width < width * 0.9 && ems < least)
          problems.push(`${name}: the corrected cell is ${Math.round(c.width)}px wide in a ${Math.round(width)}px column (${ems.toFixed(1)}em, short of a ${least}em reading measure)`);
        if (ems > most) problems.push(`${name}: the corrected cell's lines are ${ems.toFixed(1)}em long, more than a ${most}em reading measure`);
        last = c;
      }
      const app = document.querySelector(".apparatus")?.getBoundingClientRect();
      const beside = app && (app.left >= grid.right - tolerance || app.right <= grid.left + tolerance);
      if (app && last && app.top < last.bottom - tolerance && !beside) problems.push("the list of changes comes neither after the last passage nor beside the text");
      return problems;
    },
    [TOLERANCE, original, gap, measure],
  );
}

/** Shows (or hides) the text as received with the page's checkbox. */
export async function showOriginal(page, show = true) {
  const box = page.locator("#show-original");
  if ((await box.isChecked()) !== show) await box.click();
}

/**
 * The change round trip: change `n`'s number in the corrected text (a link)
 * leads to its entry in the list of changes (URL, focus, in view and not
 * covered), and the entry's number leads back to the change in the text the
 * same way. `how` is "click" or "keyboard".
 */
export async function changeRoundTrip(page, n, how = "click") {
  await helpers(page);
  const problems = [];
  const entry = `#c${n}`;
  const mark = `#c${n}-c`;
  const siglum = `.col.corr a.sig[href="${entry}"]`;
  if (!(await page.$(siglum))) return [`change ${n} has no number (${siglum}) in the corrected text`];
  await page.evaluate((sel) => document.querySelector(sel).scrollIntoView({ block: "center", behavior: "instant" }), siglum);
  await settle(page);
  const landed = (target) =>
    page.evaluate((sel) => {
      const { describe, seen } = window.__emendTest;
      const el = document.querySelector(sel);
      if (!el) return { missing: true };
      return { hash: location.hash, focused: document.activeElement === el, active: describe(document.activeElement), seen: seen(el) };
    }, target);
  await activate(page, siglum, how);
  const atEntry = await landed(entry);
  if (atEntry.missing) return [`the number of change ${n} points at ${entry}, which does not exist`];
  if (atEntry.hash !== entry) problems.push(`following the number of change ${n} led to “${atEntry.hash}”, not ${entry}`);
  if (!atEntry.focused) problems.push(`following the number of change ${n} left the focus on ${atEntry.active}, not on its entry`);
  if (!atEntry.seen.ok) problems.push(`after following the number of change ${n}, its entry ${atEntry.seen.why}`);
  const back = `${entry} a.num`;
  if (!(await page.$(back))) return [...problems, `the entry of change ${n} has no number linking back (a.num)`];
  await activate(page, back, how);
  const atMark = await landed(mark);
  if (atMark.hash !== mark) problems.push(`the entry of change ${n} led back to “${atMark.hash}”, not ${mark}`);
  if (!atMark.focused) problems.push(`the entry of change ${n} left the focus on ${atMark.active}, not on the change`);
  if (!atMark.seen.ok) problems.push(`after the entry of change ${n}, the change ${atMark.seen.why}`);
  return problems;
}

/**
 * The key above the text says what the page shows, in the words of the
 * strings table (`strings`: key → text): each `legend_*` line is there, next
 * to a sample drawn the way the text draws it (struck through, underlined,
 * a change number, a note number), and a new reader meets it: right above
 * the text and, with `firstScreen`, on the first screen.
 */
export async function legend(page, strings, { firstScreen = false } = {}) {
  return page.evaluate(([s, firstScreen]) => {
    const problems = [];
    const key = document.querySelector(".legend");
    if (!key) return ["there is no key (.legend)"];
    const text = key.textContent.replace(/\s+/g, " ");
    for (const [name, value] of Object.entries(s)) if (!text.includes(value)) problems.push(`the key does not say “${value}” (${name})`);
    const deco = (sel) => {
      const el = key.querySelector(sel);
      return el ? getComputedStyle(el).textDecorationLine : "missing";
    };
    if (!deco("del").includes("line-through")) problems.push(`the key's deleted sample is not struck through (${deco("del")})`);
    if (!deco("ins").includes("underline")) problems.push(`the key's restored sample is not underlined (${deco("ins")})`);
    const r = key.getBoundingClientRect();
    const text0 = document.querySelector(".grid")?.getBoundingClientRect();
    if (r.height === 0) problems.push("the key is not shown");
    if (text0 && (r.bottom > text0.top + 1 || text0.top - r.bottom > 48)) problems.push(`the key is not right above the text (key ${Math.round(r.top + scrollY)}–${Math.round(r.bottom + scrollY)}px, text from ${Math.round(text0.top + scrollY)}px)`);
    if (firstScreen && r.top + scrollY > innerHeight) problems.push(`the key is not on the first screen (top at ${Math.round(r.top + scrollY)}px)`);
    return problems;
  }, [strings, firstScreen]);
}

/**
 * Nothing sticks out sideways: the page is no wider than the viewport and no
 * element reaches past its edges (except inside its own scroll box, like a
 * code block).
 */
export async function noHorizontalOverflow(page) {
  await helpers(page);
  return page.evaluate(() => {
    const { describe } = window.__emendTest;
    const problems = [];
    const vw = document.documentElement.clientWidth;
    const sw = document.documentElement.scrollWidth;
    if (sw > vw) problems.push(`the page is ${sw}px wide in a ${vw}px viewport`);
    const scrolls = (el) => {
      for (let e = el.parentElement; e && e !== document.body; e = e.parentElement) {
        if (/(auto|scroll|hidden|clip)/.test(getComputedStyle(e).overflowX)) return true;
      }
      return false;
    };
    for (const el of document.body.querySelectorAll("*")) {
      const r = el.getBoundingClientRect();
      if (r.width === 0 || r.height === 0 || r.bottom < -1) continue; // hidden, or parked above the page (skip link)
      if ((r.right > vw + 1 || r.left < -1) && !scrolls(el)) {
        problems.push(`${describe(el)} spans ${Math.round(r.left)}–${Math.round(r.right)}px of a ${vw}px viewport`);
        if (problems.length > 10) break;
      }
    }
    return problems;
  });
}

/**
 * Screen readers hear which text each passage belongs to: the accessibility
 * tree of every shown cell (up to `limit` per text) starts with its
 * `data-label` ("As received", "Corrected"), at any width.
 */
export async function columnLabels(page, { limit = Infinity } = {}) {
  const problems = [];
  const cells = await page.$$eval(".grid .cell[data-label]", (els) =>
    els.filter((el) => el.getClientRects().length > 0).map((el) => ({ id: el.id, side: el.classList.contains("orig") ? "orig" : "corr", label: el.dataset.label })),
  );
  if (cells.length === 0) problems.push("no labelled cells (.cell[data-label]) on the page");
  for (const { id, side, label } of cells.slice(0, limit * 2)) {
    const tree = await page.locator(`[id="${id}"]`).ariaSnapshot();
    const first = tree.split("\n")[0];
    // (Text that follows without an element of its own joins the label's line.)
    if (![`- text: ${label}`, `- text: "${label}`].some((start) => first === start || first.startsWith(`${start} `))) problems.push(`passage #${id}: the ${side} cell is not announced as “${label}” (its accessibility tree starts “${first}”)`);
  }
  return problems;
}

async function pointOf(page, selector) {
  return page.evaluate((sel) => {
    const el = document.querySelector(sel);
    const r = el.getClientRects()[0];
    return { x: r.left + Math.min(r.width / 2, 20), y: r.top + r.height / 2 };
  }, selector);
}

/**
 * Activating (clicking, or tapping on a touch screen) the half `side` ("o" or
 * "c") of change `n` highlights its partner in the other column, visibly (its
 * background changes), and the partner is in view afterwards. Returns
 * `{ problems, partnerWasInView }`. The mark is scrolled to the middle of the
 * viewport if it is out of view; a caller that wants the partner out of view
 * places the mark first (see `placeAtTop`).
 */
export async function changePartner(page, n, side, { tap = false } = {}) {
  await helpers(page);
  const mark = `#c${n}-${side}`;
  const partner = `#c${n}-${side === "o" ? "c" : "o"}`;
  const before = await page.evaluate(
    ([m, p]) => {
      const el = document.querySelector(p);
      if (!document.querySelector(m) || !el) return null;
      // Its background when not highlighted (an earlier activation may have lit it).
      const lit = el.classList.contains("hl");
      el.classList.remove("hl");
      const bg = getComputedStyle(el).backgroundColor;
      if (lit) el.classList.add("hl");
      return { bg, seen: window.__emendTest.seen(el).ok };
    },
    [mark, partner],
  );
  if (!before) return { problems: [`change ${n} has no ${mark} and ${partner}`], partnerWasInView: false };
  const scrolled = await page.evaluate((m) => {
    const el = document.querySelector(m);
    if (window.__emendTest.seen(el).ok) return false;
    el.scrollIntoView({ block: "center", behavior: "instant" });
    return true;
  }, mark);
  if (scrolled) {
    await settle(page);
    before.seen = await page.evaluate((p) => window.__emendTest.seen(document.querySelector(p)).ok, partner);
  }
  const { x, y } = await pointOf(page, mark);
  if (tap) await page.touchscreen.tap(x, y);
  else await page.mouse.click(x, y);
  await settle(page);
  const after = await page.evaluate((p) => {
    const el = document.querySelector(p);
    return { bg: getComputedStyle(el).backgroundColor, hl: el.classList.contains("hl"), seen: window.__emendTest.seen(el) };
  }, partner);
  const problems = [];
  if (!after.hl || after.bg === before.bg)
    problems.push(`activating ${mark} did not highlight ${partner} (class hl: ${after.hl}, background ${before.bg} → ${after.bg})`);
  if (!after.seen.ok) problems.push(`after activating ${mark}, its partner ${partner} ${after.seen.why}`);
  return { problems, partnerWasInView: before.seen };
}

/** Scrolls `selector` to the top of the viewport (instantly). */
export async function placeAtTop(page, selector) {
  await page.evaluate((sel) => {
    const el = document.querySelector(sel);
    window.scrollTo({ top: el.getBoundingClientRect().top + scrollY - 60, behavior: "instant" });
  }, selector);
  await settle(page);
}

async function activate(page, selector, how) {
  if (how === "keyboard") {
    await page.focus(selector);
    await page.keyboard.press("Enter");
  } else {
    const { x, y } = await pointOf(page, selector);
    await page.mouse.click(x, y);
  }
  await settle(page);
}

/**
 * The note round trip: following note reference `n` lands on the note (URL,
 * focus, in view and not hidden under a sticky header), and the note's
 * back-link returns to the reference the same way. `how` is "click" or
 * "keyboard" (focus the link, press Enter).
 */
export async function noteRoundTrip(page, n, how = "click") {
  await helpers(page);
  const problems = [];
  const ref = `#ref-${n}`;
  if (!(await page.$(ref))) return [`there is no note reference ${ref}`];
  await page.evaluate((sel) => document.querySelector(sel).scrollIntoView({ block: "center", behavior: "instant" }), ref);
  await settle(page);
  const landed = async (target) =>
    page.evaluate((sel) => {
      const { describe, seen } = window.__emendTest;
      const el = document.querySelector(sel);
      if (!el) return { missing: true };
      const active = document.activeElement;
      return {
        hash: location.hash,
        focused: active === el,
        active: describe(active),
        seen: seen(el),
      };
    }, target);

  await activate(page, ref, how);
  const note = `#note-${n}`;
  const atNote = await landed(note);
  if (atNote.missing) return [`note reference ${ref} points at ${note}, which does not exist`];
  if (atNote.hash !== note) problems.push(`following ${ref} led to “${atNote.hash}”, not ${note}`);
  if (!atNote.focused) problems.push(`following ${ref} left the focus on ${atNote.active}, not on the note`);
  if (!atNote.seen.ok) problems.push(`after following ${ref}, the note ${atNote.seen.why}`);

  const back = `${note} [role="doc-backlink"]`;
  if (!(await page.$(back))) return [...problems, `note ${n} has no back-link ([role=doc-backlink])`];
  await activate(page, back, how);
  const atRef = await landed(ref);
  if (atRef.hash !== ref) problems.push(`the back-link of note ${n} led to “${atRef.hash}”, not ${ref}`);
  if (!atRef.focused) problems.push(`the back-link of note ${n} left the focus on ${atRef.active}, not on the reference`);
  if (!atRef.seen.ok) problems.push(`after the back-link of note ${n}, the reference ${atRef.seen.why}`);
  return problems;
}

/**
 * Walks the page with the Tab key from the top and returns
 * `{ problems, stops }`. Checks that every focusable element is reached, in
 * document order, without a trap; that each focused element is in view and
 * not covered; and that focus is visible. Visibility is checked two ways:
 * the computed outline (at least 2px, 3:1 against the backdrop) for every
 * stop, and, for up to `pixelSamples` stops of each kind of element, that the
 * pixels around it actually change when focus leaves. `maxStops` ends the
 * walk early (then only the elements before the last stop must be reached).
 */
export async function keyboardWalk(page, { pixelSamples = Infinity, maxStops = Infinity } = {}) {
  await helpers(page);
  const expected = await page.evaluate(() =>
    window.__emendTest.focusable().map((el, i) => {
      el.dataset.kbIndex = String(i);
      return window.__emendTest.describe(el);
    }),
  );
  const problems = [];
  const reached = [];
  const sampled = new Map();
  await page.evaluate(() => {
    // Start from the top of the page, even where a script focused something
    // on load (the search page its box): focusing a probe at the start of the
    // body moves the point Tab continues from there.
    const probe = document.createElement("span");
    probe.tabIndex = -1;
    document.body.prepend(probe);
    probe.focus({ preventScroll: true });
    probe.blur();
    probe.remove();
    window.scrollTo({ top: 0, behavior: "instant" });
  });
  for (let step = 0; step <= Math.min(expected.length + 5, maxStops - 1); step += 1) {
    await page.keyboard.press("Tab");
    const info = await page.evaluate(() => {
      const { describe, seen, backdrop, contrast, parse } = window.__emendTest;
      const el = document.activeElement;
      if (!el || el === document.body || el.dataset.kbIndex === undefined) return null;
      const style = getComputedStyle(el);
      const width = parseFloat(style.outlineWidth) || 0;
      const color = parse(style.outlineColor);
      const ring = style.outlineStyle !== "none" && width >= 2 && color ? contrast(color, backdrop(el.parentElement || el)) : 0;
      const r = el.getBoundingClientRect();
      const pad = Math.max(4, width + (parseFloat(style.outlineOffset) || 0) + 2);
      const clip = {
        x: Math.max(0, r.left - pad),
        y: Math.max(0, r.top - pad),
        width: Math.min(innerWidth, r.right + pad) - Math.max(0, r.left - pad),
        height: Math.min(innerHeight, r.bottom + pad) - Math.max(0, r.top - pad),
      };
      const kind = `${el.tagName}.${[...el.classList].join(".")}<${el.parentElement?.tagName}.${[...(el.parentElement?.classList || [])].join(".")}`;
      return { index: Number(el.dataset.kbIndex), name: describe(el), seen: seen(el), ring, kind, clip };
    });
    if (info === null || reached.includes(info.index)) break; // left the page, or wrapped around
    reached.push(info.index);
    if (!info.seen.ok) problems.push(`Tab stop ${reached.length}, ${info.name}, ${info.seen.why}`);
    if (info.ring < 3) problems.push(`Tab stop ${reached.length}, ${info.name}, has no visible focus outline (2px, 3:1 against its background)`);
    const n = sampled.get(info.kind) || 0;
    if (n < pixelSamples && info.clip.width > 0 && info.clip.height > 0) {
      sampled.set(info.kind, n + 1);
      const focused = await page.screenshot({ clip: info.clip, caret: "hide" });
      await page.evaluate(() => document.activeElement.blur());
      const blurred = await page.screenshot({ clip: info.clip, caret: "hide" });
      await page.evaluate((i) => document.querySelector(`[data-kb-index="${i}"]`).focus({ preventScroll: true }), info.index);
      if (focused.equals(blurred)) problems.push(`Tab stop ${reached.length}, ${info.name}: focusing it changes no pixel`);
    }
  }
  // With `maxStops`, only the elements before the last stop reached are due.
  const due = reached.length >= maxStops ? Math.max(...reached) + 1 : expected.length;
  const missed = expected.slice(0, due).filter((_, i) => !reached.includes(i));
  for (const name of missed.slice(0, 10)) problems.push(`Tab never reaches ${name}`);
  const order = reached.findIndex((v, i) => i > 0 && v < reached[i - 1]);
  if (order > 0) problems.push(`Tab order leaves document order at stop ${order + 1} (${expected[reached[order]]})`);
  return { problems, stops: reached.length, expected: expected.length };
}

/**
 * Runs axe-core in the page and returns its violations as sentences. `rules`
 * limits the run to some rule ids (e.g. ["color-contrast"]); `include` to
 * some elements.
 */
export async function axe(page, { rules, include } = {}) {
  if (!(await page.evaluate(() => typeof window.axe === "object"))) {
    // With JavaScript disabled, <script> tags do not run; evaluate the source instead.
    await page.evaluate(fs.readFileSync(AXE, "utf8"));
  }
  const options = { resultTypes: ["violations"] };
  if (rules) options.runOnly = { type: "rule", values: rules };
  const result = await page.evaluate(
    ([only, opts]) => window.axe.run(only ? { include: only } : document, opts),
    [include || null, options],
  );
  return result.violations.flatMap((v) =>
    v.nodes.map((node) => `${v.id} (${v.impact}): ${v.help} — ${node.target.join(" ")}: ${(node.failureSummary || "").replace(/\s+/g, " ")}`),
  );
}

/**
 * Copy hygiene: selects two consecutive passages of the corrected text with
 * the mouse (press at the first word of one, release after the last word of
 * the next; the first such pair, from passage `from` on, that fits on the
 * screen), copies with the keyboard and returns `{ problems, copied,
 * expected }`: what the clipboard holds and the words of the two passages
 * (without note or change numbers). A problem is reported when they differ
 * (beyond white space).
 */
export async function copyAcross(page, from = 1) {
  await helpers(page);
  await page.context().grantPermissions(["clipboard-read", "clipboard-write"]).catch(() => {});
  const pick = await page.evaluate((start) => {
    const { firstLine } = window.__emendTest;
    const cells = [...document.querySelectorAll(".cell.corr")].filter((c) => c.textContent.trim());
    for (let i = start - 1; i + 1 < cells.length; i += 1) {
      const [a, b] = [cells[i], cells[i + 1]];
      const top = a.getBoundingClientRect().top;
      const bottom = b.getBoundingClientRect().bottom;
      if (bottom - top > innerHeight - 120) continue;
      window.scrollTo({ top: top + scrollY - 60, behavior: "instant" });
      const first = firstLine(a);
      // The end of the last line of text in b.
      const walker = document.createTreeWalker(b, NodeFilter.SHOW_TEXT);
      let last = null;
      for (let n = walker.nextNode(); n; n = walker.nextNode()) if (n.textContent.trim()) last = n;
      const range = document.createRange();
      range.selectNodeContents(last);
      const rects = range.getClientRects();
      const end = rects[rects.length - 1];
      const words = (cell) => {
        const copy = cell.cloneNode(true);
        copy.querySelectorAll("sup.nref, .sig").forEach((el) => el.remove());
        return copy.textContent;
      };
      return {
        start: { x: first.left + 1, y: first.top + first.height / 2 },
        end: { x: end.right - 1, y: end.top + end.height / 2 },
        expected: `${words(a)}\n${words(b)}`,
        index: i + 1,
      };
    }
    return null;
  }, from);
  if (!pick) return { problems: ["no two consecutive corrected passages fit on the screen"], copied: "", expected: "" };
  await page.mouse.move(pick.start.x, pick.start.y);
  await page.mouse.down();
  await page.mouse.move((pick.start.x + pick.end.x) / 2, (pick.start.y + pick.end.y) / 2, { steps: 5 });
  await page.mouse.move(pick.end.x, pick.end.y, { steps: 5 });
  await page.mouse.up();
  const selected = await page.evaluate(() => String(getSelection()));
  await page.keyboard.press("Control+C");
  const clipboard = await page.evaluate(() => navigator.clipboard.readText().catch(() => null));
  const copied = clipboard ?? selected;
  const norm = (s) => s.replace(/\s+/g, " ").trim();
  const problems = [];
  // The drag starts a pixel into the first letter and ends a pixel before the
  // last one's end, so allow a character at each end.
  const [c, e] = [norm(copied), norm(pick.expected)];
  if (!(e.includes(c.slice(1, -1)) && c.length >= e.length - 2 && c.length <= e.length))
    problems.push(`copying passages ${pick.index} and ${pick.index + 1} gave ${c.length} characters instead of ${e.length}: “${c.slice(0, 200)}…”`);
  return { problems, copied, expected: pick.expected, index: pick.index };
}

/**
 * The filter by kind. Without JavaScript, and in print, it is not shown and
 * every change is. With JavaScript it is a named group of boxes, each a target
 * of at least 24×24 px labelled with a kind and that kind's count of entries;
 * unticking the first kind with the keyboard (Space on its focused box) hides
 * that kind's numbers and entries and takes the marks off its words, and
 * nothing of the other kinds; ticking it again brings everything back.
 */
export async function kindFilter(page, { print = false } = {}) {
  await helpers(page);
  const state = () =>
    page.evaluate(() => {
      const shown = (el) => el.getClientRects().length > 0 && getComputedStyle(el).visibility !== "hidden";
      const kindOf = (el) => [...el.classList].find((c) => c.startsWith("k-"))?.slice(2);
      const entries = [...document.querySelectorAll(".changes li[data-c]")];
      const marks = [...document.querySelectorAll(".grid .chg[data-c]:not(.gone)")];
      const sigla = [...document.querySelectorAll(".grid a.sig")];
      const tally = (els, test) => {
        const out = {};
        for (const el of els) if (test(el)) out[kindOf(el)] = (out[kindOf(el)] || 0) + 1;
        return out;
      };
      const filter = document.querySelector(".filters");
      return {
        filter: filter && shown(filter),
        entries: tally(entries, shown),
        allEntries: tally(entries, () => true),
        marked: tally(marks, (el) => getComputedStyle(el).textDecorationLine !== "none"),
        sigla: tally(sigla, shown),
      };
    });
  const problems = [];
  const before = await state();
  const total = (t) => Object.values(t).reduce((a, b) => a + b, 0);
  const all = total(before.allEntries);
  if (total(before.entries) !== all) problems.push(`only ${total(before.entries)} of ${all} entries are shown at first`);
  if (scriptsOff.has(page) || print) {
    if (before.filter) problems.push(`the filter by kind is shown ${print ? "in print" : "without JavaScript"}, where it cannot work`);
    return problems;
  }
  if (!before.filter) return [...problems, "the filter by kind is not shown"];
  const boxes = await page.evaluate(() => {
    const { describe } = window.__emendTest;
    const filter = document.querySelector(".filters");
    const legend = filter.querySelector("legend")?.textContent.trim();
    return {
      legend,
      boxes: [...filter.querySelectorAll("input[type=checkbox]")].map((box) => {
        const label = box.closest("label") || document.querySelector(`label[for="${box.id}"]`);
        const r = (label || box).getBoundingClientRect();
        return { kind: box.dataset.kind, checked: box.checked, name: describe(label || box), text: (label?.textContent || "").replace(/\s+/g, " ").trim(), width: r.width, height: r.height };
      }),
    };
  });
  if (!boxes.legend) problems.push("the filter by kind has no name (legend)");
  if (boxes.boxes.length === 0) return [...problems, "the filter by kind has no boxes"];
  for (const b of boxes.boxes) {
    if (!b.checked) problems.push(`${b.name} is not ticked at first`);
    if (b.width < 24 || b.height < 24) problems.push(`${b.name} is a ${Math.round(b.width)}×${Math.round(b.height)}px target, under 24×24`);
    const count = Number(b.text.match(/(\d+)$/)?.[1]);
    if (count !== (before.allEntries[b.kind] || 0)) problems.push(`${b.name} says ${count} for ${before.allEntries[b.kind] || 0} entries of kind ${b.kind}`);
  }
  const kind = boxes.boxes[0].kind;
  const box = page.locator(`.filters input[data-kind="${kind}"]`);
  await box.focus();
  await page.keyboard.press("Space");
  const off = await state();
  if (off.entries[kind]) problems.push(`unticking ${kind} left ${off.entries[kind]} of its entries shown`);
  if (off.sigla[kind]) problems.push(`unticking ${kind} left ${off.sigla[kind]} of its numbers in the text`);
  if (off.marked[kind]) problems.push(`unticking ${kind} left ${off.marked[kind]} of its marks struck through or underlined`);
  for (const [k, n] of Object.entries(before.entries)) if (k !== kind && off.entries[k] !== n) problems.push(`unticking ${kind} also changed the entries of ${k} shown (${off.entries[k] || 0} of ${n})`);
  for (const [k, n] of Object.entries(before.marked)) if (k !== kind && off.marked[k] !== n) problems.push(`unticking ${kind} also changed the marks of ${k} (${off.marked[k] || 0} of ${n})`);
  await page.keyboard.press("Space");
  const on = await state();
  for (const what of ["entries", "marked", "sigla"]) {
    if (JSON.stringify(on[what]) !== JSON.stringify(before[what])) problems.push(`ticking ${kind} again did not bring back its ${what} (${JSON.stringify(on[what])} instead of ${JSON.stringify(before[what])})`);
  }
  return problems;
}

/**
 * The density strip: one cell per passage, in order; the cell of each changed
 * passage is a link to it, named with its number of entries, a target of at
 * least 24×24 px; the others are not links. Following the last link (a click,
 * which works without JavaScript too) brings its passage into view. In print
 * the strip is not shown.
 */
export async function densityStrip(page, { print = false, follow = true } = {}) {
  await helpers(page);
  const info = await page.evaluate(() => {
    const { describe } = window.__emendTest;
    const strip = document.querySelector(".density");
    if (!strip) return null;
    const rows = [...document.querySelectorAll(".grid .col.corr > .cell")].map((cell) => ({
      id: cell.id,
      changes: document.querySelectorAll(`.app-group[data-row="${cell.id}"] .changes li[data-c]`).length,
    }));
    const cells = [...strip.querySelectorAll(".strip > *")].map((el) => {
      const r = el.getBoundingClientRect();
      return { name: describe(el), link: el.matches("a[href]"), href: el.getAttribute("href"), label: el.getAttribute("aria-label") || "", width: r.width, height: r.height };
    });
    return { shown: strip.getClientRects().length > 0, rows, cells };
  });
  if (!info) return ["there is no density strip (.density)"];
  if (print) return info.shown ? ["the density strip is shown in print, where its links cannot be followed"] : [];
  const problems = [];
  if (!info.shown) problems.push("the density strip is not shown");
  if (info.cells.length !== info.rows.length) problems.push(`the density strip has ${info.cells.length} cells for ${info.rows.length} passages`);
  info.rows.forEach((row, i) => {
    const cell = info.cells[i];
    if (!cell) return;
    if (row.changes > 0) {
      if (!cell.link || cell.href !== `#${row.id}`) problems.push(`cell ${i + 1} of the density strip (${cell.name}) links to “${cell.href}”, not #${row.id}`);
      if (!new RegExp(`\\b${row.changes}\\b`).test(cell.label)) problems.push(`cell ${i + 1} of the density strip is named “${cell.label}”, without its ${row.changes} changes`);
      if (cell.width < 24 || cell.height < 24) problems.push(`cell ${i + 1} of the density strip is a ${Math.round(cell.width)}×${Math.round(cell.height)}px target, under 24×24`);
    } else if (cell.link) problems.push(`cell ${i + 1} of the density strip links to ${cell.href}, a passage without changes`);
  });
  const last = [...info.cells.keys()].filter((i) => info.cells[i].link).pop();
  if (follow && last !== undefined && problems.length === 0) {
    await page.locator(".density .strip > *").nth(last).click();
    await settle(page);
    const want = `#${info.rows[last].id}`;
    const landed = await page.evaluate((id) => {
      const { seen } = window.__emendTest;
      return { hash: location.hash, seen: seen(document.getElementById(id)) };
    }, want.slice(1));
    if (landed.hash !== want) problems.push(`following cell ${last + 1} of the density strip led to “${landed.hash}”, not ${want}`);
    else if (!landed.seen.ok) problems.push(`after following cell ${last + 1} of the density strip, passage ${want} ${landed.seen.why}`);
  }
  return problems;
}

/**
 * The glossary on a phone (or anywhere): one link per article (only change
 * numbers are repeated, each a target of at least 24×24 px), every count
 * saying what it counts (“2 changes”) where the table's header is not shown,
 * and compact rows: where a pair with at most three change numbers occurs
 * takes one line (32 px at most), not a title and then the numbers.
 */
export async function glossaryCompact(page) {
  await helpers(page);
  return page.evaluate(() => {
    const { describe } = window.__emendTest;
    const problems = [];
    const perArticle = new Map();
    for (const a of document.querySelectorAll("main a[href]")) {
      if (a.matches(".occ") || a.closest(".glossary-kinds")) continue;
      const url = new URL(a.href);
      const key = url.pathname.replace(/index\.html$/, "");
      perArticle.set(key, (perArticle.get(key) || 0) + 1);
    }
    for (const [path, n] of perArticle) if (n > 1) problems.push(`${path} is linked ${n} times, not once`);
    const headerShown = [...document.querySelectorAll("table.glossary thead")].some((el) => el.getClientRects().length > 0);
    let tall = 0;
    for (const tr of document.querySelectorAll("table.glossary tbody tr")) {
      const count = tr.querySelector("td.count");
      const text = count.innerText.replace(/\s+/g, " ").trim();
      if (!headerShown && !/^\d+ changes?$/.test(text)) problems.push(`${describe(tr)}: its count reads “${text}”, which does not say what it counts`);
      const links = tr.querySelectorAll("a.occ");
      for (const a of links) {
        const r = a.getBoundingClientRect();
        if (r.width < 24 || r.height < 24) problems.push(`${describe(a)} is a ${Math.round(r.width)}×${Math.round(r.height)}px target, under 24×24`);
      }
      const h = tr.querySelector("td.where .occurrences").getBoundingClientRect().height;
      if (links.length <= 3 && h > 32 && tall < 5) {
        tall += 1;
        problems.push(`${describe(tr)}: where it occurs takes ${Math.round(h)}px, more than one line of 24px targets`);
      }
      if (problems.length > 20) break;
    }
    return problems;
  });
}
