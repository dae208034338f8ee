// Interaction: change marks and their partners, the note round trip, and the
// whole page with the keyboard alone.

import assert from "node:assert/strict";
import { describe, test } from "node:test";

import { changePartner, keyboardWalk, noteRoundTrip, placeAtTop, settle } from "../lib/checks.mjs";
import { NARROW, WIDE } from "../lib/harness.mjs";
import { SITES } from "../lib/pages.mjs";
import { clean, pendingPage, useSites, visit } from "../lib/suite.mjs";

const env = useSites("browser", "bundled");
const HARBOUR = "harbour-report/index.html";
const BUNDLED = "han-dong-two-michaels/index.html";

/** The change numbers on a page. */
const changes = (page) => page.$$eval("ins.chg[data-c]", (els) => els.map((el) => Number(el.dataset.c)));

describe("activating a change mark highlights its partner in the other column", () => {
  test("at 1280 px, clicking either half highlights the other beside it", async () => {
    await visit(env.browser, env.sites.browser.url(HARBOUR), { viewport: WIDE }, async ({ page }) => {
      for (const n of await changes(page)) {
        for (const side of ["o", "c"]) {
          // A deletion leaves an empty <ins class="gone"> mark: click its visible caret too.
          const { problems } = await changePartner(page, n, side);
          clean(problems, `change ${n}, ${side === "o" ? "original" : "corrected"} half`);
        }
      }
    });
  });

  test("at 390 px, tapping a mark scrolls its partner into view when it is out of sight", async () => {
    await visit(env.browser, env.sites.browser.url(HARBOUR), { viewport: NARROW }, async ({ page }) => {
      // The boilerplate deleted from row 2 puts the halves of change 4 more
      // than a screen apart once the pair stacks; both directions.
      for (const [side, other] of [["o", "c"], ["c", "o"]]) {
        await placeAtTop(page, `#c4-${side}`);
        const { problems, partnerWasInView } = await changePartner(page, 4, side, { tap: true });
        assert.equal(partnerWasInView, false, `#c4-${other} was already in view: the test would not show scrolling`);
        clean(problems, `change 4, tapping #c4-${side}`);
      }
    });
  });

  test("bundled article at 390 px: tapping a mark highlights its partner", async () => {
    await visit(env.browser, env.sites.bundled.url(BUNDLED), { viewport: NARROW }, async ({ page }) => {
      const all = await changes(page);
      assert.ok(all.length > 100, `only ${all.length} changes`);
      for (const n of all.slice(0, 30)) clean((await changePartner(page, n, "o", { tap: true })).problems, `change ${n}`);
    });
  });

  test("with the keyboard, a change's number in the apparatus highlights both halves and leads to the correction", async () => {
    await visit(env.browser, env.sites.browser.url(HARBOUR), { viewport: WIDE }, async ({ page }) => {
      await page.focus("#c2 a.num");
      const lit = await page.$$eval(".hl", (els) => els.map((el) => el.id).sort());
      assert.deepEqual(lit, ["c2", "c2-c", "c2-o"]);
      await page.keyboard.press("Enter");
      await settle(page);
      assert.equal(await page.evaluate(() => location.hash), "#c2-c");
      await page.keyboard.press("Escape");
      assert.deepEqual(await page.$$eval(".hl", (els) => els.length), 0, "Escape leaves highlights");
    });
  });
});

describe("note reference → note → back-link moves focus and scroll", () => {
  for (const [label, viewport] of [["1280", WIDE], ["390", NARROW]]) {
    test(`fixture, every note, by mouse and by keyboard, at ${label} px`, async () => {
      for (const rel of [HARBOUR, "council-notes/index.html", "harbour-report/corrected/index.html"]) {
        await visit(env.browser, env.sites.browser.url(rel), { viewport }, async ({ page }) => {
          const notes = await page.$$eval('[role="doc-noteref"]', (els) => els.map((el) => Number(el.id.slice(4))));
          assert.ok(notes.length > 0, `no note references in ${rel}`);
          for (const n of notes) {
            clean(await noteRoundTrip(page, n, "click"), `${rel}: note ${n} by mouse`);
            clean(await noteRoundTrip(page, n, "keyboard"), `${rel}: note ${n} by keyboard`);
          }
        });
      }
    });
  }

  test("bundled article, every note, at 1280 px", async () => {
    await visit(env.browser, env.sites.bundled.url(BUNDLED), { viewport: WIDE }, async ({ page }) => {
      const notes = await page.$$eval('[role="doc-noteref"]', (els) => els.map((el) => Number(el.id.slice(4))));
      assert.ok(notes.length > 20, `only ${notes.length} note references`);
      for (const n of notes) clean(await noteRoundTrip(page, n, "keyboard"), `note ${n}`);
    });
  });
});

describe("the pages are usable with the keyboard alone, with visible focus", () => {
  for (const { site, label, pages } of SITES) {
    for (const { name, path: rel, pending } of pages) {
      test(`${label}: ${name}`, async (t) => {
        if (pendingPage(t, env.sites[site], rel, pending)) return;
        // Every Tab stop gets the computed-outline check; pixels are compared
        // for the first few stops of each kind of element. The bundled site's
        // pages share the fixture's templates, so there one width and the
        // first 150 stops (header, guide, the first rows; the article has
        // hundreds of links of a handful of kinds) are enough.
        const bundled = site === "bundled";
        for (const viewport of bundled ? [WIDE] : [WIDE, NARROW]) {
          await visit(env.browser, env.sites[site].url(rel), { viewport }, async ({ page }) => {
            const walk = await keyboardWalk(page, { pixelSamples: 4, maxStops: bundled ? 150 : Infinity });
            clean(walk.problems, `keyboard walk at ${viewport.width} px`);
            assert.equal(walk.stops, bundled ? Math.min(150, walk.expected) : walk.expected);
          });
        }
      });
    }
  }

  test("the first Tab shows the skip link, which moves focus to the content", async () => {
    await visit(env.browser, env.sites.browser.url(HARBOUR), { viewport: WIDE }, async ({ page }) => {
      await page.keyboard.press("Tab");
      const skip = await page.evaluate(() => {
        const el = document.activeElement;
        const r = el.getBoundingClientRect();
        return { cls: el.className, top: r.top, bottom: r.bottom };
      });
      assert.equal(skip.cls, "skip");
      assert.ok(skip.top >= 0 && skip.bottom <= 800, `the focused skip link is off screen (${skip.top}–${skip.bottom}px)`);
      await page.keyboard.press("Enter");
      assert.equal(await page.evaluate(() => document.activeElement.id), "main");
      await page.keyboard.press("Tab");
      const next = await page.evaluate(() => document.activeElement.closest("main") !== null);
      assert.ok(next, "Tab after the skip link does not continue inside the content");
    });
  });

  test("the reading guide opens with Enter and Space", async () => {
    await visit(env.browser, env.sites.browser.url(HARBOUR), { viewport: WIDE }, async ({ page }) => {
      await page.focus(".legend summary");
      await page.keyboard.press("Enter");
      assert.equal(await page.$eval(".legend", (d) => d.open), true);
      await page.keyboard.press("Space");
      assert.equal(await page.$eval(".legend", (d) => d.open), false);
    });
  });
});
