// The keyboard alone: every page walked with Tab (every stop reached, in
// order, visible, with a focus ring), the skip link, and the checkbox of the
// text as received. (Split from interaction.test.mjs so that each file keeps
// within the suite's time limit per file.)

import assert from "node:assert/strict";
import { describe, test } from "node:test";

import { keyboardWalk } from "../lib/checks.mjs";
import { NARROW, WIDE } from "../lib/harness.mjs";
import { SITES } from "../lib/pages.mjs";
import { clean, pendingPage, useSites, visit } from "../lib/suite.mjs";

const env = useSites("browser", "bundled");
const HARBOUR = "harbour-report/index.html";

describe("the pages are usable with the keyboard alone, with visible focus", () => {
  for (const { site, label, pages } of SITES) {
    for (const { name, path: rel, pending } of pages.filter((p) => p.walk !== false)) {
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

  test("the text as received is shown and hidden with Space on its checkbox", async () => {
    await visit(env.browser, env.sites.browser.url(HARBOUR), { viewport: WIDE }, async ({ page }) => {
      const shown = () => page.$eval(".col.orig", (el) => el.getClientRects().length > 0);
      assert.equal(await shown(), true, "shown at first on a wide screen");
      await page.focus("#show-original");
      await page.keyboard.press("Space");
      assert.equal(await shown(), false);
      await page.keyboard.press("Space");
      assert.equal(await shown(), true);
    });
  });
});
