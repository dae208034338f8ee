// Layout in the rendered page: the corrected text as continuous prose, the
// text as received beside it and aligned on a desktop (or hidden), stacked
// passage by passage without sideways overflow on a phone, and the list of
// changes never between passages. Saves screenshots of the article page
// at both widths into tests/browser/artifacts/.

import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { describe, test } from "node:test";

import { columnLabels, glossaryCompact, legend, noHorizontalOverflow, showOriginal, sideBySide, stacked } from "../lib/checks.mjs";
import { artifact, NARROW, REPO, WIDE } from "../lib/harness.mjs";
import { SITES } from "../lib/pages.mjs";
import { clean, pendingPage, useSites, visit } from "../lib/suite.mjs";

const env = useSites("browser", "bundled");
const MEDIUM = { width: 1000, height: 800 };
/** WCAG 1.4.10 (reflow): a 1280 px window zoomed to 400%. */
const REFLOW = { width: 320, height: 640 };

describe("at 1280 px each passage as received sits beside its correction, aligned, and no taller than its text", () => {
  test("fixture: rows stay aligned even after a row whose original is many times longer", async () => {
    await visit(env.browser, env.sites.browser.url("harbour-report/index.html"), { viewport: WIDE }, async ({ page }) => {
      const result = await sideBySide(page);
      clean(result.problems, "side-by-side layout");
      assert.equal(result.rows, 5);
      // The long deleted boilerplate makes one original cell several times
      // taller than its corrected cell: the passages after it must still align.
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
      // The text is most of the text area: no passage is inflated by its apparatus.
      const share = await page.evaluate(() => {
        const { textHeight } = window.__emendTest;
        const text = [...document.querySelectorAll(".col.corr > .cell")].reduce((sum, cell) => sum + textHeight(cell), 0);
        return text / document.querySelector(".grid").getBoundingClientRect().height;
      });
      assert.ok(share > 0.6, `the corrected text fills only ${Math.round(share * 100)}% of the text area`);
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

  test("at 1000 px the texts stay side by side and the list of changes follows the text", async () => {
    await visit(env.browser, env.sites.browser.url("harbour-report/index.html"), { viewport: MEDIUM }, async ({ page }) => {
      clean((await sideBySide(page)).problems, "side-by-side layout");
      const below = await page.evaluate(() => document.querySelector(".apparatus").getBoundingClientRect().top >= document.querySelector(".grid").getBoundingClientRect().bottom - 1);
      assert.ok(below, "the list of changes is not below the text at 1000 px");
      clean(await noHorizontalOverflow(page), "horizontal overflow");
    });
  });

  test("at 1280 px the list of changes is a column of its own beside the text, scrolling by itself", async () => {
    await visit(env.browser, env.sites.bundled.url("han-dong-two-michaels/index.html"), { viewport: WIDE }, async ({ page }) => {
      const app = await page.evaluate(() => {
        const a = document.querySelector(".apparatus").getBoundingClientRect();
        const g = document.querySelector(".grid").getBoundingClientRect();
        return { beside: a.left >= g.right, height: a.height, scrolls: document.querySelector(".apparatus").scrollHeight > document.querySelector(".apparatus").clientHeight };
      });
      assert.ok(app.beside, "the list of changes is not beside the text");
      assert.ok(app.height <= WIDE.height + 1, `the list of changes is ${app.height}px tall: it sets the page's height`);
      assert.ok(app.scrolls, "the list of changes does not scroll by itself");
    });
  });

  test("bundled site: the edition page is at most 1.6 times as tall as the reading view, and its first screen shows the text", async () => {
    const height = async (rel) => {
      let h = 0;
      await visit(env.browser, env.sites.bundled.url(rel), { viewport: WIDE }, async ({ page }) => {
        h = await page.evaluate(() => document.documentElement.scrollHeight);
        if (rel.endsWith("michaels/index.html")) {
          const top = await page.evaluate(() => document.querySelector(".col.corr > .cell").getBoundingClientRect().top);
          assert.ok(top < WIDE.height - 50, `the text starts at ${Math.round(top)}px, below the first screen`);
        }
      });
      return h;
    };
    const article = await height("han-dong-two-michaels/index.html");
    const reading = await height("han-dong-two-michaels/corrected/index.html");
    assert.ok(article <= 1.6 * reading, `the edition page is ${article}px tall, ${(article / reading).toFixed(2)} times the reading view's ${reading}px`);
  });
});

describe("the ordinary, dense and sparse fixture articles and the bundled one at 1280, 1024, 390 and 320 px", () => {
  const LAPTOP = { width: 1024, height: 768 };
  const articles = [
    ["browser", "harbour-report/index.html"],
    ["browser", "library-vote/index.html"],
    ["browser", "ferry-timetable/index.html"],
    ["bundled", "han-dong-two-michaels/index.html"],
  ];
  for (const [site, rel] of articles) {
    test(`${rel}: side by side and aligned at 1280 and 1024 px, stacked at 390 and 320 px, nothing overflowing`, async () => {
      for (const viewport of [WIDE, LAPTOP]) {
        // The bundled article's 1280 px layout is checked above, row by row.
        if (site === "bundled" && viewport === WIDE) continue;
        await visit(env.browser, env.sites[site].url(rel), { viewport }, async ({ page }) => {
          clean((await sideBySide(page)).problems, `side-by-side layout at ${viewport.width} px`);
          clean(await noHorizontalOverflow(page), `horizontal overflow at ${viewport.width} px`);
        });
      }
      for (const viewport of [NARROW, REFLOW]) {
        await visit(env.browser, env.sites[site].url(rel), { viewport }, async ({ page }) => {
          clean(await stacked(page, { original: false }), `corrected text alone at ${viewport.width} px`);
          clean(await noHorizontalOverflow(page), `horizontal overflow at ${viewport.width} px`);
          await showOriginal(page);
          clean(await stacked(page), `stacked layout at ${viewport.width} px`);
          clean(await noHorizontalOverflow(page), `horizontal overflow at ${viewport.width} px, text as received shown`);
        });
      }
    });
  }
});

describe("the glossary: one link per article, counts that say what they count, compact rows", () => {
  for (const site of ["browser", "bundled"]) {
    test(`${site} at 1280, 390 and 320 px`, async () => {
      for (const viewport of [WIDE, NARROW, REFLOW]) {
        await visit(env.browser, env.sites[site].url("glossary/index.html"), { viewport }, async ({ page }) => {
          clean(await glossaryCompact(page), `glossary at ${viewport.width} px`);
          if (viewport === NARROW && site === "bundled") await artifact(page, "glossary-390.png");
        });
      }
    });
  }
});

describe("the key says what the page shows, in the words of the strings table, right above the text (on the first screen at 1280 px)", () => {
  const strings = Object.fromEntries(
    [...fs.readFileSync(path.join(REPO, "themes/default/strings/en.yaml"), "utf8").matchAll(/^(legend_(?!title)\w+): "(.*)"$/gm)].map((m) => [m[1], m[2]]),
  );
  test("the strings table has the key's lines", () => assert.ok(Object.keys(strings).length >= 4, JSON.stringify(strings)));
  for (const viewport of [WIDE, NARROW]) {
    for (const [site, rel] of [["browser", "harbour-report/index.html"], ["bundled", "han-dong-two-michaels/index.html"]]) {
      test(`${site} at ${viewport.width} px, with and without JavaScript`, async () => {
        for (const js of [true, false]) {
          await visit(env.browser, env.sites[site].url(rel), { viewport, js }, async ({ page }) => {
            clean(await legend(page, strings, { firstScreen: viewport === WIDE }), "key");
          });
        }
      });
    }
  }
});

describe("screen readers hear which text a passage belongs to", () => {
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

describe("at 390 px the corrected text is continuous, the text as received comes on request passage by passage, and nothing overflows", () => {
  test("fixture article", async () => {
    await visit(env.browser, env.sites.browser.url("harbour-report/index.html"), { viewport: NARROW }, async ({ page }) => {
      clean(await stacked(page, { original: false }), "corrected text alone");
      clean(await noHorizontalOverflow(page), "horizontal overflow");
      await showOriginal(page);
      clean(await stacked(page), "stacked layout");
      clean(await noHorizontalOverflow(page), "horizontal overflow");
      await artifact(page, "fixture-article-390.png", { fullPage: true });
    });
  });

  test("bundled article", async () => {
    await visit(env.browser, env.sites.bundled.url("han-dong-two-michaels/index.html"), { viewport: NARROW }, async ({ page }) => {
      clean(await stacked(page, { original: false }), "corrected text alone");
      await artifact(page, "article-390-reading.png");
      if (process.env.EMEND_UPDATE_SCREENSHOT) {
        // The docs' phone screenshot: the bar above the text, the key and the
        // first passages, as a reader first sees them (text as received hidden).
        const top = await page.evaluate(() => document.querySelector(".text-bar").getBoundingClientRect().top + scrollY - 8);
        const shot = path.join(REPO, "docs/screenshot-article-phone.png");
        await page.screenshot({ path: shot, clip: { x: 0, y: top, width: NARROW.width, height: NARROW.height }, fullPage: true });
        const quant = spawnSync("pngquant", ["--quality=65-90", "--speed=1", "--strip", "--force", "--output", shot, shot]);
        assert.equal(quant.status, 0, `pngquant (apt-get install pngquant) failed: ${quant.error ?? quant.stderr}`);
      }
      await showOriginal(page);
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
