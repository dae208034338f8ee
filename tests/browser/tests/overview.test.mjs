// The overview at the head of the list of changes: the filter that shows or
// hides changes by kind (shown only when JavaScript runs, never in print) and
// the density strip whose cells link to their passages (plain links, so they
// work without JavaScript), on the bundled article and on the fixture's
// ordinary, dense and sparse articles, at 1280, 1024, 390 and 320 px.

import { describe, test } from "node:test";

import { densityStrip, kindFilter } from "../lib/checks.mjs";
import { NARROW, WIDE } from "../lib/harness.mjs";
import { clean, useSites, visit } from "../lib/suite.mjs";

const env = useSites("browser", "bundled");
const MEDIUM = { width: 1024, height: 768 };
const REFLOW = { width: 320, height: 640 };
const ARTICLES = [
  ["browser", "harbour-report/index.html"],
  ["browser", "library-vote/index.html"],
  ["browser", "ferry-timetable/index.html"],
  ["bundled", "han-dong-two-michaels/index.html"],
];

describe("the filter by kind and the density strip", () => {
  for (const [site, rel] of ARTICLES) {
    test(`${rel}: with JavaScript at 1280, 1024, 390 and 320 px`, async () => {
      for (const viewport of [WIDE, MEDIUM, NARROW, REFLOW]) {
        await visit(env.browser, env.sites[site].url(rel), { viewport }, async ({ page }) => {
          clean(await kindFilter(page), `filter by kind at ${viewport.width} px`);
          clean(await densityStrip(page), `density strip at ${viewport.width} px`);
        });
      }
    });

    test(`${rel}: without JavaScript every change is shown, the filter is not, and the strip's links work`, async () => {
      for (const viewport of [WIDE, NARROW]) {
        await visit(env.browser, env.sites[site].url(rel), { viewport, js: false }, async ({ page }) => {
          clean(await kindFilter(page), `filter by kind at ${viewport.width} px`);
          clean(await densityStrip(page), `density strip at ${viewport.width} px`);
        });
      }
    });

    test(`${rel}: in print neither is shown`, async () => {
      await visit(env.browser, env.sites[site].url(rel), { viewport: WIDE }, async ({ page }) => {
        await page.emulateMedia({ media: "print" });
        clean(await kindFilter(page, { print: true }), "filter by kind in print");
        clean(await densityStrip(page, { print: true }), "density strip in print");
      });
    });
  }
});
