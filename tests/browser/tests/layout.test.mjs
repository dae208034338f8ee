// Layout in the rendered page: side by side and aligned on a desktop, stacked
// without sideways overflow on a phone. Saves screenshots of the article page
// at both widths into tests/browser/artifacts/.

import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { describe, test } from "node:test";

import { columnLabels, noHorizontalOverflow, sideBySide, stacked } from "../lib/checks.mjs";
import { artifact, NARROW, REPO, WIDE } from "../lib/harness.mjs";
import { SITES } from "../lib/pages.mjs";
import { clean, pendingPage, useSites, visit } from "../lib/suite.mjs";

const env = useSites("browser", "bundled");
const MEDIUM = { width: 1000, height: 800 };
/** WCAG 1.4.10 (reflow): a 1280 px window zoomed to 400%. */
const REFLOW = { width: 320, height: 640 };

describe("at 1280 px each original/corrected pair sits side by side, aligned", () => {
  test("fixture: rows stay aligned even after a row whose original is many times longer", async () => {
    await visit(env.browser, env.sites.browser.url("harbour-report/index.html"), { viewport: WIDE }, async ({ page }) => {
      const result = await sideBySide(page);
      clean(result.problems, "side-by-side layout");
      assert.equal(result.rows, 5);
      // The long deleted boilerplate makes one original cell several times
      // taller than its corrected cell: the rows after it must still align.
      assert.ok(result.tallest > 3, `tallest row ratio only ${result.tallest.toFixed(2)}`);
      await artifact(page, "fixture-article-1280.png", { fullPage: true });
    });
  });

  test("fixture: Markdown blocks (heading, list, table, quote, code, source footnotes)", async () => {
    await visit(env.browser, env.sites.browser.url("council-notes/index.html"), { viewport: WIDE }, async ({ page }) => {
      const result = await sideBySide(page);
      clean(result.problems, "side-by-side layout");
      assert.ok(result.rows >= 7, `only ${result.rows} rows`);
    });
  });

  test("bundled site: every row of the long article", async () => {
    await visit(env.browser, env.sites.bundled.url("han-dong-two-michaels/index.html"), { viewport: WIDE }, async ({ page }) => {
      const result = await sideBySide(page);
      clean(result.problems, "side-by-side layout");
      assert.ok(result.rows > 40, `only ${result.rows} rows`);
      // The whole long page as JPEG (PNG takes seconds to encode), the first screen as PNG.
      await artifact(page, "article-1280-full.jpg", { fullPage: true, type: "jpeg", quality: 80 });
      await artifact(page, "article-1280.png");
      if (process.env.EMEND_UPDATE_SCREENSHOT) {
        // The README's screenshot: the head of the article and its first rows,
        // with one change lit up as a reader pointing at it sees it.
        await page.locator("#c4-o").click();
        const top = await page.evaluate(() => document.querySelector(".ed-head .kicker").getBoundingClientRect().top + scrollY - 16);
        fs.mkdirSync(path.join(REPO, "docs"), { recursive: true });
        const shot = path.join(REPO, "docs/screenshot-article.png");
        await page.screenshot({ path: shot, clip: { x: 0, y: top, width: 1280, height: 900 }, fullPage: true });
        // The README shows it: keep it small (about 65 KB instead of 200 KB) with a palette.
        const quant = spawnSync("pngquant", ["--quality=65-90", "--speed=1", "--strip", "--force", "--output", shot, shot]);
        assert.equal(quant.status, 0, `pngquant (apt-get install pngquant) failed: ${quant.error ?? quant.stderr}`);
      }
    });
  });

  test("at 1000 px the pair stays side by side and the apparatus moves under it", async () => {
    await visit(env.browser, env.sites.browser.url("harbour-report/index.html"), { viewport: MEDIUM }, async ({ page }) => {
      clean((await sideBySide(page)).problems, "side-by-side layout");
      const below = await page.evaluate(() =>
        [...document.querySelectorAll(".row")].every((row) => {
          const app = row.querySelector(".app").getBoundingClientRect();
          return app.height === 0 || app.top >= row.querySelector(".cell.orig").getBoundingClientRect().bottom - 1;
        }),
      );
      assert.ok(below, "the apparatus is not below the pair at 1000 px");
      clean(await noHorizontalOverflow(page), "horizontal overflow");
    });
  });
});

describe("screen readers hear which column a cell belongs to", () => {
  for (const viewport of [WIDE, NARROW]) {
    test(`at ${viewport.width} px`, async () => {
      for (const [site, rel, limit] of [["browser", "harbour-report/index.html", Infinity], ["browser", "council-notes/index.html", Infinity], ["bundled", "han-dong-two-michaels/index.html", 10]]) {
        await visit(env.browser, env.sites[site].url(rel), { viewport }, async ({ page }) => {
          clean(await columnLabels(page, { limit }), `column labels in ${rel}`);
        });
      }
    });
  }
});

describe("at 390 px the pairs stack and nothing overflows horizontally", () => {
  test("fixture article", async () => {
    await visit(env.browser, env.sites.browser.url("harbour-report/index.html"), { viewport: NARROW }, async ({ page }) => {
      clean(await stacked(page), "stacked layout");
      clean(await noHorizontalOverflow(page), "horizontal overflow");
      await artifact(page, "fixture-article-390.png", { fullPage: true });
    });
  });

  test("bundled article", async () => {
    await visit(env.browser, env.sites.bundled.url("han-dong-two-michaels/index.html"), { viewport: NARROW }, async ({ page }) => {
      clean(await stacked(page), "stacked layout");
      clean(await noHorizontalOverflow(page), "horizontal overflow");
      await artifact(page, "article-390-full.jpg", { fullPage: true, type: "jpeg", quality: 80 });
      await artifact(page, "article-390.png");
    });
  });

  for (const { site, label, pages } of SITES) {
    for (const { name, path: rel, pending } of pages) {
      test(`${label}: ${name} fits 320 px (400% zoom), 390 px and 1280 px`, async (t) => {
        if (pendingPage(t, env.sites[site], rel, pending)) return;
        for (const viewport of [REFLOW, NARROW, WIDE]) {
          await visit(env.browser, env.sites[site].url(rel), { viewport }, async ({ page }) => {
            clean(await noHorizontalOverflow(page), `horizontal overflow at ${viewport.width} px`);
          });
        }
      });
    }
  }
});
