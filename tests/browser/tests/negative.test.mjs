// The checks can fail: each test builds the fixture with one deliberate
// regression, layered over the default theme the way a user overrides it
// (templates/, static/), and asserts that the check meant to catch it
// reports exactly that.

import assert from "node:assert/strict";
import { after, describe, test } from "node:test";

import { axe, changePartner, changeRoundTrip, columnLabels, copyAcross, densityStrip, glossaryCompact, kindFilter, keyboardWalk, legend, noHorizontalOverflow, noteRoundTrip, sideBySide, stacked } from "../lib/checks.mjs";
import { buildSite, NARROW, open, patch, serve, themeFile } from "../lib/harness.mjs";
import { useSites } from "../lib/suite.mjs";

const env = useSites(); // just the browser
const servers = [];
after(async () => {
  for (const server of servers) await server.close();
});

const ARTICLE = "harbour-report/index.html";

/** Builds the fixture with `overrides`, opens `rel` and returns the session. */
async function broken(overrides, options = {}, rel = ARTICLE) {
  const { out, prefix } = buildSite("browser", overrides);
  const server = await serve(out, prefix);
  servers.push(server);
  return open(env.browser, server.base + rel, options);
}

/** The default stylesheet with `css` appended. */
const styleWith = (css) => ({ "static/style.css": `${themeFile("static/style.css")}\n${css}\n` });

/** Asserts that some problem matches `pattern`. */
function reports(problems, pattern) {
  assert.ok(problems.some((p) => pattern.test(p)), `expected a problem matching ${pattern}, got:\n  ${problems.join("\n  ") || "(none)"}`);
}

describe("each check fails on a page broken for it", () => {
  test("misaligned rows: the corrected column starts lower", async () => {
    const s = await broken(styleWith(".cell.corr > :first-child { margin-top: 1.5rem; }"));
    reports((await sideBySide(s.page)).problems, /^passage #p1: the original starts at \d+px, the corrected text at \d+px$/);
    await s.close();
  });

  test("misaligned rows at 1024 px only", async () => {
    const s = await broken(styleWith("@media (max-width: 65rem) { .cell.corr > :first-child { margin-top: 1.5rem; } }"), { viewport: { width: 1024, height: 768 } });
    reports((await sideBySide(s.page)).problems, /^passage #p1: the original starts at \d+px, the corrected text at \d+px$/);
    await s.close();
  });

  test("sideways overflow of the dense article at 320 px only", async () => {
    const s = await broken(styleWith("@media (max-width: 22.5rem) { .cell.corr { min-width: 22rem; } }"), { viewport: { width: 320, height: 640 } }, "library-vote/index.html");
    reports(await noHorizontalOverflow(s.page), /^the page is \d+px wide in a 320px viewport$/);
    await s.close();
  });

  test("columns that do not sit side by side at 1280 px", async () => {
    const s = await broken(styleWith(".grid { display: block; }"));
    reports((await sideBySide(s.page)).problems, /^passage #p1: the cells are not side by side/);
    await s.close();
  });

  test("a passage made taller than its text (as a list of changes beside it would)", async () => {
    const s = await broken(styleWith(".col.corr > .cell:first-child { padding-bottom: 30rem; }"));
    reports((await sideBySide(s.page)).problems, /^passage #p1: the passage is \d+px tall for \d+px of text$/);
    await s.close();
  });

  test("a short, dense article's passages stretched to the height of the list of changes beside it", async () => {
    const s = await broken(styleWith(".grid { align-content: normal; }"), {}, "library-vote/index.html");
    reports((await sideBySide(s.page)).problems, /^passage #p1: the passage is \d+px tall for \d+px of text$/);
    await s.close();
  });

  test("the list of changes between passages on a phone", async () => {
    const article = patch(themeFile("templates/article.html"), "{{ row.corrected | safe }}</div>", '{{ row.corrected | safe }}</div><ol class="changes">{% for c in row.changes %}<li>{{ c.why }}</li>{% endfor %}</ol>');
    const s = await broken({ "templates/article.html": article }, { viewport: NARROW });
    reports(await stacked(s.page, { original: false }), /^passage #p\d+: \d+px of page between it and the passage before$/);
    await s.close();
  });

  test("hiding the text as received at 1280 px leaves its column empty, or lines too long to read", async () => {
    const hidden = ".edition:has(#show-original:not(:checked)) .grid";
    const empty = await broken(styleWith(`${hidden} { grid-template-columns: var(--cols); column-gap: 2rem; }`));
    await empty.page.click("#show-original");
    reports(await stacked(empty.page, { original: false }), /^passage #p1: the corrected cell starts \d+px right of the text area's edge$/);
    await empty.close();
    const wide = await broken(styleWith(`${hidden} { grid-template-columns: 0 minmax(0, 1fr); }`));
    await wide.page.click("#show-original");
    reports(await stacked(wide.page, { original: false }), /^passage #p1: the corrected cell's lines are \d+\.\dem long, more than a 45em reading measure$/);
    await wide.close();
  });

  test("the text as received between corrected passages pollutes a copy", async () => {
    // Each passage as received follows its correction in the corrected
    // column, which gets the rows for them (else the extra cells pile up in
    // its last row and the copy comes out short, not polluted). With the
    // text as received beside it hidden, as a reader would hide it, the first
    // two corrected passages and the one between them fit on one screen.
    const inserted = patch(themeFile("templates/article.html"), "{{ row.corrected | safe }}</div>", '{{ row.corrected | safe }}</div><div class="cell orig">{{ row.original | safe }}</div>');
    const article = patch(inserted, "--rows: {{ rows | length }}", "--rows: {{ rows | length * 2 }}");
    const s = await broken({ "templates/article.html": article });
    await s.page.click("#show-original");
    const { problems, copied } = await copyAcross(s.page, 1);
    reports(problems, /^copying passages 1 and 2 gave \d+ characters instead of \d+/);
    // Polluted, not cut short: more characters than the two passages have,
    // among them the passage as received between them.
    const [, got, want] = problems[0].match(/gave (\d+) characters instead of (\d+)/);
    assert.ok(Number(got) > Number(want), problems[0]);
    const between = await s.page.$eval(".col.corr > .cell.orig", (el) => el.textContent.replace(/\s+/g, " ").trim());
    assert.ok(copied.replace(/\s+/g, " ").includes(between), `the copy does not hold the passage as received “${between}”`);
    await s.close();
  });

  test("a change entry whose number does not lead back to the change", async () => {
    const article = patch(themeFile("templates/article.html"), '<a class="num" href="#{{ c.ids.corrected }}"', '<a class="num" href="#{{ c.ids.entry }}"');
    const s = await broken({ "templates/article.html": article });
    reports(await changeRoundTrip(s.page, 1, "keyboard"), /^the entry of change 1 led back to “#c1”, not #c1-c$/);
    await s.close();
  });

  test("a key that does not say what the page shows", async () => {
    const article = patch(themeFile("templates/article.html"), "{{ t.legend_note }}", "Underlined passages have a note");
    const s = await broken({ "templates/article.html": article });
    reports(await legend(s.page, { legend_note: "note: context and sources" }), /^the key does not say “note: context and sources” \(legend_note\)$/);
    await s.close();
  });

  test("a script that throws on a malformed fragment is reported", async () => {
    const script = patch(themeFile("static/edition.js"), "} catch {\n      return; // a malformed fragment", "} catch (e) {\n      throw e; // a malformed fragment");
    const s = await broken({ "static/edition.js": script }, {}, `${ARTICLE}#%E0%A4%A`);
    assert.ok(s.errors.some((e) => /^uncaught exception: URI malformed$/.test(e)), s.errors.join("\n"));
    await s.close();
  });

  test("sideways overflow at 390 px", async () => {
    const s = await broken(styleWith(".grid { min-width: 30rem; }"), { viewport: NARROW });
    const problems = await noHorizontalOverflow(s.page);
    reports(problems, /^the page is \d+px wide in a 390px viewport$/);
    reports(problems, /^div\.grid “.*” spans 16–\d+px of a 390px viewport$/);
    await s.close();
  });

  test("cells that do not name their column to screen readers", async () => {
    const s = await broken(styleWith(".cell::before { content: none; }"));
    reports(await columnLabels(s.page), /^passage #p1-o: the orig cell is not announced as “As received” \(its accessibility tree starts “- paragraph:”\)$/);
    await s.close();
  });

  test("a broken footnote back-link", async () => {
    const article = patch(themeFile("templates/article.html"), 'href="#{{ n.ref_id }}" role="doc-backlink"', 'href="#ref{{ n.number }}" role="doc-backlink"');
    const s = await broken({ "templates/article.html": article });
    const problems = await noteRoundTrip(s.page, 1, "click");
    reports(problems, /^the back-link of note 1 led to “#ref1”, not #ref-1$/);
    reports(problems, /^the back-link of note 1 left the focus on .*, not on the reference$/);
    await s.close();
  });

  test("a back-link whose target ends up under the sticky bar above the text", async () => {
    const s = await broken(styleWith("html { scroll-padding-top: 0; }"));
    reports(await noteRoundTrip(s.page, 1, "click"), /^after the back-link of note 1, the reference is covered by (span\.col-name “Corrected”|div\.text-bar|label)/);
    await s.close();
  });

  test("a change mark that no longer highlights its partner", async () => {
    const s = await broken({ "static/edition.js": "// highlighting removed\n" });
    reports((await changePartner(s.page, 1, "o")).problems, /^activating #c1-o did not highlight #c1-c/);
    await s.close();
  });

  test("an image without alt text", async () => {
    const withImage = (img) => ({
      "templates/article.html": patch(themeFile("templates/article.html"), '<p class="kicker">', `${img}\n  <p class="kicker">`),
    });
    const bad = await broken(withImage('<img src="{{ page.root }}favicon.svg" width="32" height="32">'));
    reports(await axe(bad.page), /^image-alt \(critical\): Images must have alternative text — img: .*does not have an alt attribute/);
    await bad.close();
    // The same image with alt text passes: the audit fails for the missing alt, not the image.
    const good = await broken(withImage('<img src="{{ page.root }}favicon.svg" width="32" height="32" alt="emend">'));
    assert.deepEqual(await axe(good.page), []);
    await good.close();
  });

  test("invisible keyboard focus", async () => {
    const s = await broken(styleWith(":focus-visible { outline: none; }"), {}, "index.html");
    const { problems } = await keyboardWalk(s.page);
    reports(problems, /^Tab stop 1, a\.skip “Skip to content”, has no visible focus outline/);
    reports(problems, /^Tab stop 2, a\.site-title .*: focusing it changes no pixel$/);
    await s.close();
  });

  test("a link the keyboard cannot reach", async () => {
    const article = patch(themeFile("templates/article.html"), '<a href="corrected/{{ page.index }}">', '<a href="corrected/{{ page.index }}" tabindex="-1">');
    const s = await broken({ "templates/article.html": article });
    reports((await keyboardWalk(s.page, { pixelSamples: 0 })).problems, /^Tab never reaches a “Read the corrected text”$/);
    await s.close();
  });

  test("unreadable contrast in dark mode", async () => {
    const s = await broken(styleWith("@media (prefers-color-scheme: dark) { :root { --muted: #5b564e; } }"), { colorScheme: "dark" });
    reports(await axe(s.page, { rules: ["color-contrast"] }), /^color-contrast \(serious\)/);
    await s.close();
  });

  test("unreadable contrast in print", async () => {
    const s = await broken(styleWith("@media print { :root { --fg: #bbb; } }"));
    await s.page.emulateMedia({ media: "print" });
    reports(await axe(s.page, { rules: ["color-contrast"] }), /^color-contrast \(serious\)/);
    await s.close();
  });

  test("a filter by kind shown without JavaScript, where it cannot work", async () => {
    const article = patch(themeFile("templates/article.html"), '<fieldset class="filters" hidden>', '<fieldset class="filters">');
    const s = await broken({ "templates/article.html": article }, { js: false });
    reports(await kindFilter(s.page), /^the filter by kind is shown without JavaScript, where it cannot work$/);
    await s.close();
  });

  test("a filter by kind that hides nothing", async () => {
    const script = patch(themeFile("static/edition.js"), 'el.classList.toggle("off", !box.checked)', "void el");
    const s = await broken({ "static/edition.js": script });
    const problems = await kindFilter(s.page);
    reports(problems, /^unticking synonym left 10 of its entries shown$/);
    reports(problems, /^unticking synonym left \d+ of its numbers in the text$/);
    reports(problems, /^unticking synonym left \d+ of its marks struck through or underlined$/);
    await s.close();
  });

  test("a filter by kind whose counts say something else than the list", async () => {
    const article = patch(themeFile("templates/article.html"), '<span class="count">{{ k.count }}</span>', '<span class="count">{{ k.count + 1 }}</span>');
    const s = await broken({ "templates/article.html": article });
    reports(await kindFilter(s.page), /^label “Synonym swaps 11” says 11 for 10 entries of kind synonym$/);
    await s.close();
  });

  test("the overview shown in print", async () => {
    const style = patch(themeFile("static/style.css"), ".back, .density, .filters { display: none; }", ".back { display: none; }");
    const s = await broken({ "static/style.css": style });
    await s.page.evaluate(() => {
      document.querySelector(".filters").hidden = false; // as the script shows it
    });
    await s.page.emulateMedia({ media: "print" });
    reports(await kindFilter(s.page, { print: true }), /^the filter by kind is shown in print, where it cannot work$/);
    reports(await densityStrip(s.page, { print: true }), /^the density strip is shown in print/);
    await s.close();
  });

  test("overview targets under 24×24 px", async () => {
    const s = await broken(styleWith(".density .strip > * { width: 12px; height: 12px; } .filters label { min-height: 0; line-height: 1; }"));
    reports(await densityStrip(s.page), /^cell 1 of the density strip is a 12×12px target, under 24×24$/);
    reports(await kindFilter(s.page), /^label “Synonym swaps 10” is a \d+×\d+px target, under 24×24$/);
    await s.close();
  });

  test("a density strip whose cells lead elsewhere, or are not named with their count", async () => {
    const article = patch(themeFile("templates/article.html"), 'href="#{{ row.id }}" aria-label="{{ row.overview_label }}"', 'href="#p1" aria-label="{{ row.number }}"');
    const s = await broken({ "templates/article.html": article });
    const problems = await densityStrip(s.page);
    reports(problems, /^cell 2 of the density strip \(a\.d4\) links to “#p1”, not #p2$/);
    reports(problems, /^cell 2 of the density strip is named “2”, without its 4 changes$/);
    await s.close();
  });

  test("a passage reached from the density strip lands under the bar above the text at 320 px", async () => {
    const s = await broken(styleWith("@media (max-width: 22.5rem) { .text-bar { white-space: normal; } .text-bar .col-name { display: block; } }"), { viewport: { width: 320, height: 640 } });
    reports(await densityStrip(s.page), /^after following cell 5 of the density strip, passage #p5 is covered by /);
    await s.close();
  });

  test("a glossary that repeats each article's title in every row", async () => {
    const glossary = patch(themeFile("templates/glossary.html"), "<li>{% if many %}<span class=\"ed-key\" title", "<li><a href=\"{{ page.root }}{{ a.path }}{{ page.index }}\">{{ a.title }}</a>: {% if many %}<span class=\"ed-key\" title");
    const s = await broken({ "templates/glossary.html": glossary }, { viewport: NARROW }, "glossary/index.html");
    const problems = await glossaryCompact(s.page);
    reports(problems, /^\/fixture\/harbour-report\/ is linked \d+ times, not once$/);
    reports(problems, /^tr\.k-synonym “.*”: where it occurs takes \d+px, more than one line of 24px targets$/);
    await s.close();
  });

  test("glossary counts without their meaning on a phone, and change numbers too small to tap", async () => {
    const s = await broken(styleWith("@media (max-width: 47.5rem) { .glossary .unit { display: none; } } .glossary a.occ { min-width: 0; min-height: 0; line-height: 1.2; }"), { viewport: NARROW }, "glossary/index.html");
    const problems = await glossaryCompact(s.page);
    reports(problems, /^tr\.k-synonym “.*”: its count reads “1”, which does not say what it counts$/);
    reports(problems, /^a\.occ “\d+” is a \d+×\d+px target, under 24×24$/);
    await s.close();
  });

  test("a script error is reported", async () => {
    const s = await broken({ "static/edition.js": 'throw new Error("boom");\n' });
    await s.page.waitForLoadState("load");
    assert.deepEqual(s.errors, ["uncaught exception: boom"]);
    await s.close();
  });

  test("a missing stylesheet is reported", async () => {
    const base = patch(themeFile("templates/base.html"), 'href="{{ page.root }}style.css"', 'href="{{ page.root }}styles.css"');
    const s = await broken({ "templates/base.html": base });
    assert.ok(s.errors.some((e) => /^HTTP 404: .*\/styles\.css$/.test(e)), s.errors.join("\n"));
    await s.close();
  });
});
