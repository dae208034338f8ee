// Reviewing suggestions in the browser: on a page served by `emend serve`,
// the accept / edit / reject buttons write corrections.yaml and the page
// reloads with the result; the built page has no buttons.

import assert from "node:assert/strict";
import { spawn, spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { createInterface } from "node:readline";
import { after, before, describe, test } from "node:test";

import { emendBin, launch, open } from "../lib/harness.mjs";

const STORY =
  "Both sources mentioned the MP urged Beijing to act, in response to two nationwide safety sources.\n" +
  "International Information reported that the Liberal Celebration was dealing with an uproar.\n" +
  "As mentioned above, the 2 officials spoke on the identical time.\n";

/** The corrected column's text, every row. */
const CORRECTED = '[...document.querySelectorAll(".cell.corr")].map((c) => c.textContent).join("\\n")';

const item = (page, find) => page.locator(".changes li.sug", { has: page.locator(`.pair del:text-is("${find}")`) });

describe("review in the browser (emend serve)", () => {
  let site;
  let server;
  let url;
  let browser;

  before(async () => {
    site = fs.mkdtempSync(path.join(os.tmpdir(), "emend-review-"));
    fs.writeFileSync(path.join(site, "site.yaml"), "title: Review\nbase_url: https://example.org/\n");
    const dir = path.join(site, "content/story");
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(path.join(dir, "original.txt"), STORY);
    fs.writeFileSync(path.join(dir, "meta.yaml"), "title: Story\n");
    const wrote = spawnSync(emendBin(), ["suggest", "story", "--write"], { cwd: site });
    assert.equal(wrote.status, 0, String(wrote.stderr));
    server = spawn(emendBin(), ["serve", "--port", "0", "-q"], { cwd: site, stdio: ["ignore", "pipe", "inherit"] });
    url = await new Promise((resolve) =>
      createInterface({ input: server.stdout }).once("line", (l) => resolve(l.split(" ").find((w) => w.startsWith("http://")))),
    );
    browser = await launch();
  });

  after(async () => {
    await browser?.close();
    server?.kill();
    fs.rmSync(site, { recursive: true, force: true });
  });

  test("accept, edit and reject write the file and the page reloads with it", async () => {
    const corrections = path.join(site, "content/story/corrections.yaml");
    const session = await open(browser, `${url}story/`);
    const { page } = session;
    try {
      const suggested = await page.locator(".changes li.sug").count();
      assert.ok(suggested >= 5, `${suggested} suggestions`);
      assert.equal(await page.locator(".changes li.sug .emend-review button").count(), 3 * suggested);

      // Accept: the entry loses its status line; the page reloads without the badge.
      await item(page, "mentioned").locator("button.emend-review-accept").click();
      await page.waitForFunction(
        () => ![...document.querySelectorAll(".changes li.sug .pair del")].some((d) => d.textContent === "mentioned"),
        null,
        { timeout: 30000 },
      );
      const accepted = fs.readFileSync(corrections, "utf8");
      const entry = accepted.slice(accepted.indexOf('- find: "mentioned"'));
      assert.ok(!entry.slice(0, entry.indexOf("\n- ")).includes("status: suggested"), entry);

      // Edit: a prompt asks for the new text; the corrected column shows it.
      page.once("dialog", (d) => d.accept("Gathering"));
      await item(page, "Celebration").locator("button.emend-review-edit").click();
      await page.waitForFunction(`${CORRECTED}.includes("Liberal Gathering")`, null, { timeout: 30000 });
      assert.match(fs.readFileSync(corrections, "utf8"), /- find: "Celebration"\n {2}replace: "Gathering"\n/);

      // Reject: the entry goes and the site's dictionary remembers the
      // change as it stood (the edited one).
      await item(page, "Celebration").locator("button.emend-review-reject").click();
      await page.waitForFunction(`!${CORRECTED}.includes("Gathering")`, null, { timeout: 30000 });
      assert.ok(!fs.readFileSync(corrections, "utf8").includes("Celebration"));
      assert.match(fs.readFileSync(path.join(site, "dictionary.yaml"), "utf8"), /find: "Celebration"\n {4}replace: "Gathering"\n {4}article: "story"/);
      assert.deepEqual(
        session.errors.filter((e) => !e.includes("net::ERR_ABORTED")),
        [],
      );
    } finally {
      await session.close();
    }
  });

  test("a built page has no review controls", async () => {
    const out = path.join(site, "public");
    const built = spawnSync(emendBin(), ["build", "--output", out], { cwd: site });
    assert.equal(built.status, 0, String(built.stderr));
    const html = fs.readFileSync(path.join(out, "story/index.html"), "utf8");
    assert.ok(!html.includes("__emend"));
    assert.ok(!html.includes("emend-review"));
  });
});
