// Without JavaScript the pages stay complete (content, notes, round trips);
// from disk (file://) every link works and the pages behave as when served.

import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { describe, test } from "node:test";
import { fileURLToPath } from "node:url";

import { changePartner, noteRoundTrip, settle, sideBySide, stacked } from "../lib/checks.mjs";
import { fileUrl, NARROW, WIDE } from "../lib/harness.mjs";
import { SITES } from "../lib/pages.mjs";
import { clean, pendingPage, useSites, visit } from "../lib/suite.mjs";

const env = useSites("browser", "bundled");

/** Problems with the text of the page: empty or invisible cells and notes. */
const unreadable = (page) =>
  page.evaluate(() => {
    const problems = [];
    const shown = (el) => {
      const style = getComputedStyle(el);
      const r = el.getBoundingClientRect();
      return r.width > 0 && r.height > 0 && style.visibility !== "hidden" && Number(style.opacity) > 0;
    };
    for (const el of document.querySelectorAll(".cell, .notes > ol > li, .reading-text")) {
      if (el.textContent.trim() && !shown(el)) problems.push(`${el.className || el.id} is not shown`);
    }
    for (const li of document.querySelectorAll(".notes > ol > li")) {
      if (!li.querySelector('[role="doc-backlink"]')) problems.push(`note ${li.id} has no back-link`);
    }
    return problems;
  });

describe("with JavaScript disabled the pages are complete", () => {
  for (const { site, label, pages } of SITES) {
    for (const { name, path: rel, pending, article } of pages) {
      test(`${label}: ${name}`, async (t) => {
        if (pendingPage(t, env.sites[site], rel, pending)) return;
        for (const viewport of [WIDE, NARROW]) {
          await visit(env.browser, env.sites[site].url(rel), { viewport, js: false }, async ({ page }) => {
            assert.equal(await page.evaluate(() => document.querySelector("main")?.textContent.trim().length > 0), true, "no content");
            clean(await unreadable(page), `readability at ${viewport.width} px`);
            if (article) {
              const layout = viewport === WIDE ? (await sideBySide(page)).problems : await stacked(page);
              clean(layout, `layout at ${viewport.width} px`);
            }
            // The browser follows note links and focuses their targets by itself.
            const notes = await page.$$eval('[role="doc-noteref"]', (els) => els.map((el) => Number(el.id.slice(4))));
            for (const n of notes.slice(0, viewport === WIDE ? 8 : 2)) clean(await noteRoundTrip(page, n, "keyboard"), `note ${n} at ${viewport.width} px`);
          });
        }
      });
    }
  }

  test("the reading guide still opens", async () => {
    await visit(env.browser, env.sites.browser.url("harbour-report/index.html"), { js: false }, async ({ page }) => {
      await page.click(".legend summary");
      assert.equal(await page.$eval(".legend", (d) => d.open), true);
      assert.ok(await page.$eval(".legend p", (p) => p.getBoundingClientRect().height > 0));
    });
  });
});

describe("from disk (file://)", () => {
  for (const { site, label, pages } of SITES) {
    test(`${label}: every link of every page leads to a file or an element that exists`, async () => {
      const { out } = env.sites[site];
      // The 404 page links from the site's root path on purpose: it is served
      // for any missing address, so relative links would break there.
      const rels = pages.filter((p) => !p.pending && p.name !== "404").map((p) => p.path);
      for (const rel of rels) {
        await visit(env.browser, fileUrl(out, rel), {}, async ({ page }) => {
          const links = await page.$$eval("a[href], link[href], script[src]", (els) =>
            els.map((el) => {
              const url = new URL(el.href || el.src);
              const local = url.protocol === "file:";
              const same = local && url.pathname === location.pathname;
              return { href: el.getAttribute("href") || el.getAttribute("src"), url: url.href, local, fragment: same && url.hash ? decodeURIComponent(url.hash.slice(1)) : null, exists: same && url.hash ? !!document.getElementById(decodeURIComponent(url.hash.slice(1))) : null };
            }),
          );
          assert.ok(links.length > 3, `only ${links.length} links in ${rel}`);
          const broken = [];
          for (const link of links) {
            if (!link.local) continue;
            if (link.fragment !== null) {
              if (!link.exists) broken.push(`${link.href}: no element with that id`);
              continue;
            }
            const file = fileURLToPath(link.url.replace(/#.*$/, ""));
            const target = fs.existsSync(file) && fs.statSync(file).isDirectory() ? path.join(file, "index.html") : file;
            if (!fs.existsSync(target)) broken.push(`${link.href}: ${target} does not exist`);
          }
          clean(broken, `broken links in ${rel}`);
        });
      }
    });
  }

  test("fixture: index → article → reading view → article → index, with styles and scripts working", async () => {
    const { out } = env.sites.browser;
    await visit(env.browser, fileUrl(out, "index.html"), { viewport: WIDE }, async ({ page }) => {
      await page.click('.article-list a[href$="harbour-report/index.html"]');
      await page.waitForURL(/harbour-report\/index\.html$/);
      assert.equal(await page.$eval(".row", (el) => getComputedStyle(el).display), "grid", "style.css did not load");
      clean((await sideBySide(page)).problems, "layout");
      clean((await changePartner(page, 1, "o")).problems, "edition.js");
      clean(await noteRoundTrip(page, 1, "click"), "note round trip");
      await page.click(".ed-links a >> text=Read the corrected text");
      await page.waitForURL(/harbour-report\/corrected\/index\.html$/);
      assert.ok(await page.$eval(".reading-text", (el) => el.textContent.includes("according to three different sources")));
      clean(await noteRoundTrip(page, 1, "click"), "note round trip in the reading view");
      await page.click(".ed-links a");
      await page.waitForURL(/harbour-report\/index\.html$/);
      await page.click(".site-title");
      await page.waitForURL(/\/index\.html$/);
      await settle(page);
      assert.equal(await page.title(), "Browser Fixture Editions");
    });
  });
});
