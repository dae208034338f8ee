// Automated accessibility audit (axe-core, injected into the page) of every
// page in lib/pages.mjs at 1280 and 390 px; colour contrast again in dark mode and in print,
// also for the states a reader creates (a highlighted change, a targeted note).

import assert from "node:assert/strict";
import { describe, test } from "node:test";

import { axe } from "../lib/checks.mjs";
import { NARROW, WIDE } from "../lib/harness.mjs";
import { SITES } from "../lib/pages.mjs";
import { clean, pendingPage, useSites, visit } from "../lib/suite.mjs";

const env = useSites("browser", "bundled");

/** Light and dark colour schemes on screen, and print. */
const MEDIA = [
  { label: "light", options: { colorScheme: "light" } },
  { label: "dark", options: { colorScheme: "dark" } },
  { label: "print", options: { colorScheme: "light" }, print: true },
];

describe("axe-core reports no violations", () => {
  for (const { site, label, pages } of SITES) {
    for (const { name, path: rel, pending, article } of pages) {
      // axe's contrast rule takes seconds on the long bundled article; its
      // styles are the fixture articles', which are checked in all media.
      const schemes = site === "bundled" && article ? MEDIA.slice(0, 1) : MEDIA;
      const title = schemes.length > 1 ? "(all rules, light, at 1280 and 390 px); contrast in dark mode and print" : "(all rules, light, at 1280 and 390 px)";
      test(`${label}: ${name} ${title}`, async (t) => {
        if (pendingPage(t, env.sites[site], rel, pending)) return;
        await visit(env.browser, env.sites[site].url(rel), { viewport: WIDE }, async ({ page }) => {
          for (const { label: media, options, print } of schemes) {
            await page.emulateMedia({ media: print ? "print" : "screen", ...options });
            const rules = media === "light" ? undefined : ["color-contrast"];
            clean(await axe(page, { rules }), `axe, ${media}`);
          }
        });
        // On a phone (layout, tap targets) all rules again, light.
        await visit(env.browser, env.sites[site].url(rel), { viewport: NARROW }, async ({ page }) => {
          clean(await axe(page), "axe at 390 px, light");
        });
      });
    }
  }
});

describe("highlights and targets stay readable", () => {
  // The fixture only: the bundled site has the same templates and styles, and
  // axe takes seconds per run on its long article.
  for (const [site, rel] of [["browser", "harbour-report/index.html"]]) {
    test(`${site}: change 1 lit up, with a targeted reference, note, change and row; light, dark and print`, async () => {
      for (const { label: media, options, print } of MEDIA) {
        await visit(env.browser, env.sites[site].url(rel), { viewport: WIDE, ...options }, async ({ page }) => {
          for (const hash of ["#ref-1", "#note-1", "#c1-c", "#c1", "#p1"]) {
            await page.evaluate((h) => {
              location.hash = h;
            }, hash);
            await page.locator("#c1-o").click();
            const lit = await page.$$eval(".hl, :target", (els) => els.length);
            assert.ok(lit >= 3, `${hash}: only ${lit} highlighted or targeted elements`);
            if (print) await page.emulateMedia({ media: "print" });
            clean(await axe(page, { rules: ["color-contrast"], include: [".hl", ":target"] }), `contrast with ${hash} targeted, ${media}`);
            if (print) await page.emulateMedia({ media: "screen" });
          }
        });
      }
    });
  }
});
