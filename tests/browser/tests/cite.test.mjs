// "Cite this edition" (partials/cite.html): the copy buttons copy the citation
// and the BibTeX entry, with the Clipboard API and without it (the script
// falls back to a selection), served and from disk; without JavaScript the
// buttons stay hidden while the citation, the BibTeX entry and the downloads
// still work.

import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { describe, test } from "node:test";

import { fileUrl, NARROW, WIDE } from "../lib/harness.mjs";
import { useSites, visit } from "../lib/suite.mjs";

const env = useSites("browser");
const PAGES = ["harbour-report/index.html", "harbour-report/corrected/index.html"];
const bibtex = () => fs.readFileSync(path.join(env.sites.browser.out, "harbour-report/cite.bib"), "utf8");
// The copy is asynchronous: wait for the status line to say something before
// reading what it says.
const statusText = async (page) => {
  await page.waitForFunction(() => document.querySelector(".cite-status").textContent.trim() !== "", null, { timeout: 5000 });
  return (await page.textContent(".cite-status")).trim();
};
const citation = (page) => page.$eval("#cite-text", (el) => el.textContent.replace(/\s+/g, " ").trim());

describe("Cite this edition", () => {
  for (const rel of PAGES) {
    test(`${rel}: the buttons copy the citation and the BibTeX entry`, async () => {
      await visit(env.browser, env.sites.browser.url(rel), { viewport: WIDE }, async ({ page, context }) => {
        await context.grantPermissions(["clipboard-read", "clipboard-write"], { origin: new URL(page.url()).origin });
        const buttons = await page.$$(".cite button[data-copy]");
        assert.equal(buttons.length, 2);
        for (const b of buttons) assert.ok(await b.isVisible(), "a copy button stays hidden with JavaScript");
        await page.click('.cite button[data-copy="cite-text"]');
        const copied = await page.evaluate(() => navigator.clipboard.readText());
        assert.equal(copied, await citation(page));
        assert.match(copied, /Edited by .*\bhttps?:\/\/\S+harbour-report\//);
        assert.equal(await statusText(page), "Copied.");
        await page.click('.cite button[data-copy="cite-bibtex"]');
        assert.equal(await page.evaluate(() => navigator.clipboard.readText()), bibtex());
      });
    });
  }

  test("without the Clipboard API (older browsers, plain http) copying falls back to a selection", async () => {
    await visit(env.browser, env.sites.browser.url(PAGES[0]), { viewport: NARROW }, async ({ page, context }) => {
      await context.grantPermissions(["clipboard-read", "clipboard-write"], { origin: new URL(page.url()).origin });
      await page.evaluate(() => {
        window.realClipboard = navigator.clipboard;
        Object.defineProperty(navigator, "clipboard", { value: undefined, configurable: true });
      });
      await page.tap('.cite button[data-copy="cite-text"]');
      assert.equal(await statusText(page), "Copied.");
      assert.equal(await page.evaluate(() => window.realClipboard.readText()), await citation(page));
      assert.equal(await page.$$eval(".cite-scratch", (els) => els.length), 0, "the scratch text area is left behind");
    });
  });

  test("when the Clipboard API refuses to write, copying falls back to a selection; when that fails too, the page says so", async () => {
    await visit(env.browser, env.sites.browser.url(PAGES[0]), { viewport: WIDE }, async ({ page, context }) => {
      await context.grantPermissions(["clipboard-read", "clipboard-write"], { origin: new URL(page.url()).origin });
      await page.evaluate(() => {
        window.realClipboard = navigator.clipboard;
        const refusing = { writeText: () => Promise.reject(new DOMException("refused", "NotAllowedError")) };
        Object.defineProperty(navigator, "clipboard", { value: refusing, configurable: true });
      });
      await page.click('.cite button[data-copy="cite-text"]');
      assert.equal(await statusText(page), "Copied.");
      assert.equal(await page.evaluate(() => window.realClipboard.readText()), await citation(page));
      await page.evaluate(() => {
        document.querySelector(".cite-status").textContent = "";
        document.execCommand = () => false;
      });
      await page.click('.cite button[data-copy="cite-bibtex"]');
      assert.equal(await statusText(page), "Could not copy: select the text and copy it.");
    });
  });

  test("from disk, copying works", async () => {
    await visit(env.browser, fileUrl(env.sites.browser.out, PAGES[1]), { viewport: WIDE }, async ({ page }) => {
      await page.click('.cite button[data-copy="cite-bibtex"]');
      assert.equal(await statusText(page), "Copied.");
    });
  });

  test("without JavaScript the buttons stay hidden; the text, the BibTeX entry and the downloads work", async () => {
    for (const rel of PAGES) {
      await visit(env.browser, env.sites.browser.url(rel), { viewport: NARROW, js: false }, async ({ page }) => {
        for (const b of await page.$$(".cite button")) assert.equal(await b.isVisible(), false, "a button that cannot work is shown");
        assert.equal(await page.isVisible(".cite-actions"), false, "an empty row of buttons is shown");
        assert.ok(await page.isVisible("#cite-text"));
        assert.match(await page.textContent(".cite-caveat"), /restoration of a garbled copy/);
        await page.click(".cite-bibtex summary");
        assert.ok(await page.isVisible("#cite-bibtex"));
        assert.equal(await page.textContent("#cite-bibtex"), bibtex());
        const links = await page.$$eval(".cite-downloads a", (as) => as.map((a) => a.href));
        assert.equal(links.length, 4);
        for (const href of links) {
          const response = await page.request.get(href);
          assert.equal(response.status(), 200, href);
        }
      });
    }
  });
});
