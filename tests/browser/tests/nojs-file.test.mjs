// Without JavaScript the pages stay complete (content, notes, round trips);
// from disk (file://) every link works and the pages behave as when served.

import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { describe, test } from "node:test";
import { fileURLToPath } from "node:url";

import { changePartner, changeRoundTrip, noteRoundTrip, settle, sideBySide, stacked } from "../lib/checks.mjs";
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
            // The browser follows note and change links and focuses their targets by itself.
            if (article) {
              const first = await page.$eval(".col.corr a.sig", (el) => el.dataset.c);
              clean(await changeRoundTrip(page, first, "keyboard"), `change ${first} at ${viewport.width} px`);
            }
            const notes = await page.$$eval('[role="doc-noteref"]', (els) => els.map((el) => Number(el.id.slice(4))));
            for (const n of notes.slice(0, viewport === WIDE ? 8 : 2)) clean(await noteRoundTrip(page, n, "keyboard"), `note ${n} at ${viewport.width} px`);
          });
        }
      });
    }
  }

  test("the checkbox still hides the text as received, leaving the corrected text continuous", async () => {
    for (const viewport of [WIDE, NARROW]) {
      await visit(env.browser, env.sites.browser.url("harbour-report/index.html"), { viewport, js: false }, async ({ page }) => {
        await page.click("#show-original");
        assert.equal(await page.$eval(".col.orig", (el) => el.getClientRects().length), 0, "the text as received is still shown");
        clean(await stacked(page, { original: false }), `corrected text alone at ${viewport.width} px`);
      });
    }
  });

  test("where the story stands, the revisions, the title note and each source's type, access date and archived copy are shown", async () => {
    await visit(env.browser, env.sites.browser.url("harbour-report/index.html"), { viewport: WIDE, js: false }, async ({ page }) => {
      const found = await page.evaluate(() => {
        const status = document.querySelector(".status");
        const grid = document.querySelector(".grid");
        const text = (sel) => document.querySelector(sel)?.textContent.replace(/\s+/g, " ").trim() ?? "";
        return {
          before: !!status && status.getBoundingClientRect().top < grid.getBoundingClientRect().top,
          status: text(".status"),
          revisions: text(".revisions summary"),
          revisionItems: document.querySelectorAll(".revisions li").length,
          titleNote: text(".title-note"),
          sources: text("#note-1 .sources"),
        };
      });
      assert.ok(found.before, "“Where the story stands” is not above the text");
      assert.match(found.status, /^Where the story stands As of 2 May 2024 The contract was signed in April\./);
      assert.equal(found.revisions, "Revised on 2 May 2024");
      assert.equal(found.revisionItems, 2);
      assert.match(found.titleNote, /the copy we received had “Harbour authority postpones the ferry agreement”/);
      assert.match(found.sources, /^primary document Annual report 2023, Harbour Authority, 30 June 2023; accessed 1 March 2024 · archived copy$/);
    });
    await visit(env.browser, env.sites.bundled.url("han-dong-two-michaels/index.html"), { viewport: WIDE, js: false }, async ({ page }) => {
      const status = await page.$eval(".status", (el) => el.textContent.replace(/\s+/g, " "));
      assert.match(status, /Where the story stands As of 7 December 2026 The central allegation of this report was not borne out\./);
      assert.equal(await page.$eval(".revisions summary", (el) => el.textContent.trim()), "Revised on 7 December 2026");
      assert.ok((await page.$$(".title-note")).length === 1, "no title note");
      const types = await page.$$eval(".notes .src-type", (els) => new Set(els.map((el) => el.textContent)).size);
      assert.ok(types >= 2, `only ${types} kinds of source named`);
      assert.ok((await page.$$eval(".notes .sources", (els) => els.filter((el) => el.textContent.includes("accessed")).length)) > 10, "access dates are not shown");
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
      assert.equal(await page.$eval(".grid", (el) => getComputedStyle(el).display), "grid", "style.css did not load");
      clean((await sideBySide(page)).problems, "layout");
      clean((await changePartner(page, 1, "o")).problems, "edition.js");
      clean(await noteRoundTrip(page, 1, "click"), "note round trip");
      clean(await changeRoundTrip(page, 1, "click"), "change round trip");
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
