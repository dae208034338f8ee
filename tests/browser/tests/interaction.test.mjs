// Interaction: change marks and their partners, the change and note round
// trips, copying the text and malformed fragments (the whole page with the
// keyboard alone is keyboard.test.mjs).

import assert from "node:assert/strict";
import { describe, test } from "node:test";

import { changePartner, changeRoundTrip, copyAcross, noteRoundTrip, placeAtTop, settle, showOriginal } from "../lib/checks.mjs";
import { NARROW, WIDE } from "../lib/harness.mjs";
import { clean, useSites, visit } from "../lib/suite.mjs";

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
      await showOriginal(page);
      // The boilerplate deleted from passage 2 puts the corrected half of
      // change 4 (after the passage as received) out of sight when the
      // corrected half is at the top. (The other way round, both halves now
      // fit on one screen, so that direction would not show scrolling.)
      for (const [side, other] of [["c", "o"]]) {
        await placeAtTop(page, `#c4-${side}`);
        const { problems, partnerWasInView } = await changePartner(page, 4, side, { tap: true });
        assert.equal(partnerWasInView, false, `#c4-${other} was already in view: the test would not show scrolling`);
        clean(problems, `change 4, tapping #c4-${side}`);
      }
    });
  });

  test("bundled article at 390 px: tapping a mark highlights its partner", async () => {
    await visit(env.browser, env.sites.bundled.url(BUNDLED), { viewport: NARROW }, async ({ page }) => {
      await showOriginal(page);
      const all = await changes(page);
      assert.ok(all.length > 100, `only ${all.length} changes`);
      for (const n of all.slice(0, 30)) clean((await changePartner(page, n, "o", { tap: true })).problems, `change ${n}`);
    });
  });

  test("at 390 px, a mouse cursor left resting on another change does not take the highlight from the change tapped", async () => {
    await visit(env.browser, env.sites.bundled.url(BUNDLED), { viewport: NARROW }, async ({ page }) => {
      await showOriginal(page);
      // Two changes in one passage as received, close enough to share a screen.
      const pair = await page.evaluate(() => {
        const marks = [...document.querySelectorAll(".col.orig del.chg[data-partner]")];
        for (let i = 0; i + 1 < marks.length; i += 1) {
          const [a, b] = [marks[i], marks[i + 1]];
          if (a.closest(".cell") === b.closest(".cell") && a.dataset.c !== b.dataset.c && Math.abs(b.getBoundingClientRect().top - a.getBoundingClientRect().top) < 200) return [a.dataset.c, b.dataset.c];
        }
        return null;
      });
      assert.ok(pair, "no two changes in one passage as received");
      const [rest, tapped] = pair;
      await page.evaluate((id) => document.getElementById(id).scrollIntoView({ block: "center", behavior: "instant" }), `c${tapped}-o`);
      await settle(page);
      const at = (id) => page.evaluate((i) => {
        const r = document.getElementById(i).getClientRects()[0];
        return { x: r.left + Math.min(r.width / 2, 20), y: r.top + r.height / 2 };
      }, id);
      const cursor = await at(`c${rest}-o`);
      await page.mouse.move(cursor.x, cursor.y);
      const spot = await at(`c${tapped}-o`);
      await page.touchscreen.tap(spot.x, spot.y);
      await settle(page);
      const lit = await page.$$eval(".chg.hl", (els) => [...new Set(els.map((el) => el.dataset.c))]);
      assert.deepEqual(lit, [tapped], `after tapping change ${tapped} with the mouse cursor resting on change ${rest}, the lit changes are ${JSON.stringify(lit)}`);
    });
  });

  test("with the keyboard, a change's number in the apparatus highlights both halves and leads to the correction", async () => {
    await visit(env.browser, env.sites.browser.url(HARBOUR), { viewport: WIDE }, async ({ page }) => {
      await page.focus("#c2 a.num");
      const lit = await page.$$eval(".hl", (els) => els.map((el) => el.id).filter(Boolean).sort());
      assert.deepEqual(lit, ["c2", "c2-c", "c2-o"]);
      const numbers = await page.$$eval(".hl.sig", (els) => els.map((el) => el.closest(".col").classList.contains("orig") ? "orig" : "corr").sort());
      assert.deepEqual(numbers, ["corr", "orig"], "the change's number in both texts lights up too");
      await page.keyboard.press("Enter");
      await settle(page);
      assert.equal(await page.evaluate(() => location.hash), "#c2-c");
      await page.keyboard.press("Escape");
      assert.deepEqual(await page.$$eval(".hl", (els) => els.length), 0, "Escape leaves highlights");
    });
  });
});

describe("a change's number in the text → its entry → back to the change moves focus and scroll", () => {
  for (const [label, viewport] of [["1280", WIDE], ["390", NARROW]]) {
    test(`fixture, every change, by mouse and by keyboard, at ${label} px`, async () => {
      for (const rel of [HARBOUR, "council-notes/index.html"]) {
        await visit(env.browser, env.sites.browser.url(rel), { viewport }, async ({ page }) => {
          const all = await changes(page);
          assert.ok(all.length > 3, `only ${all.length} changes in ${rel}`);
          for (const n of all) {
            clean(await changeRoundTrip(page, n, "click"), `${rel}: change ${n} by mouse`);
            clean(await changeRoundTrip(page, n, "keyboard"), `${rel}: change ${n} by keyboard`);
          }
        });
      }
    });
  }

  test("bundled article, every tenth change, by keyboard, at 1280 px (the list of changes beside the text)", async () => {
    await visit(env.browser, env.sites.bundled.url(BUNDLED), { viewport: WIDE }, async ({ page }) => {
      const all = await changes(page);
      for (const n of all.filter((_, i) => i % 10 === 0)) clean(await changeRoundTrip(page, n, "keyboard"), `change ${n}`);
    });
  });

  test("every mark in the text carries its change's number, in both texts, drawn by the stylesheet", async () => {
    for (const [site, rel] of [["browser", HARBOUR], ["browser", "council-notes/index.html"], ["bundled", BUNDLED]]) {
      await visit(env.browser, env.sites[site].url(rel), { viewport: WIDE }, async ({ page }) => {
        const problems = await page.evaluate(() => {
          const out = [];
          for (const col of ["orig", "corr"]) {
            const marks = new Set([...document.querySelectorAll(`.col.${col} .chg[data-c]`)].map((el) => el.dataset.c));
            const numbers = [...document.querySelectorAll(`.col.${col} a.sig[data-c]`)];
            const shown = new Set(numbers.filter((el) => getComputedStyle(el, "::after").content === `"${el.dataset.c}"` && el.getBoundingClientRect().width > 0).map((el) => el.dataset.c));
            for (const n of marks) if (!shown.has(n)) out.push(`change ${n} has no visible number in the ${col} text`);
            for (const el of numbers) if (el.textContent !== "") out.push(`the number of change ${el.dataset.c} is text (“${el.textContent}”), which copying would pick up`);
          }
          return out;
        });
        clean(problems, `change numbers in ${rel}`);
      });
    }
  });
});

describe("copying the corrected text gives its words only", () => {
  for (const [site, rel, from] of [["browser", HARBOUR, 1], ["bundled", BUNDLED, 2], ["bundled", BUNDLED, 20]]) {
    test(`${site}: two consecutive passages, selected with the mouse and copied, from passage ${from}`, async () => {
      await visit(env.browser, env.sites[site].url(rel), { viewport: WIDE }, async ({ page }) => {
        const { problems, copied } = await copyAcross(page, from);
        clean(problems, "copied text");
        assert.doesNotMatch(copied, /[A-Za-z]\d/, "a number is glued to a word");
      });
    });
  }
});

describe("a malformed fragment never breaks the page", () => {
  for (const rel of [HARBOUR, "harbour-report/corrected/index.html"]) {
    test(`${rel}: opened with #%E0%A4%A, then following it`, async () => {
      // visit() fails on any uncaught exception (URIError).
      await visit(env.browser, `${env.sites.browser.url(rel)}#%E0%A4%A`, { viewport: WIDE }, async ({ page }) => {
        await page.evaluate(() => {
          location.hash = "#%E0%A4%A";
        });
        await page.evaluate(() => new Promise((resolve) => setTimeout(resolve, 50)));
        clean(await noteRoundTrip(page, 1, "click"), "notes still work");
      });
    });
  }
});

describe("note reference → note → back-link moves focus and scroll", () => {
  for (const [label, viewport] of [["1280", WIDE], ["390", NARROW]]) {
    test(`fixture, every note, by mouse and by keyboard, at ${label} px`, async () => {
      for (const rel of [HARBOUR, "council-notes/index.html", "harbour-report/corrected/index.html"]) {
        await visit(env.browser, env.sites.browser.url(rel), { viewport }, async ({ page }) => {
          // (On a phone the text as received, with its notes, is hidden at first.)
          const notes = await page.$$eval('[role="doc-noteref"]', (els) => els.filter((el) => el.getClientRects().length > 0).map((el) => Number(el.id.slice(4))));
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
