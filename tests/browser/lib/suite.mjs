// Shared setup of the test files: sites built once per file, served over
// HTTP, one browser; and `visit`, which opens a page, runs a body and then
// requires that nothing went wrong in the page (console errors, exceptions,
// failed requests) — so every visit also checks for console errors.

import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { after, before } from "node:test";

import { buildSite, launch, open, serve } from "./harness.mjs";

/**
 * Registers before/after hooks that build `sites` (fixture names or
 * "bundled"), serve them and launch Chromium. Returns an object filled in
 * by the hook: `{ browser, sites: { name: { out, url(rel) } } }`.
 */
export function useSites(...names) {
  const env = { browser: null, sites: {} };
  const servers = [];
  before(async () => {
    for (const name of names) {
      const { out, prefix } = buildSite(name);
      const server = await serve(out, prefix);
      servers.push(server);
      env.sites[name] = { out, url: (rel = "") => server.base + rel, exists: (rel) => fs.existsSync(path.join(out, rel)) };
    }
    env.browser = await launch();
  });
  after(async () => {
    await env.browser?.close();
    for (const server of servers) await server.close();
  });
  return env;
}

/**
 * Opens `url`, runs `body({ page, errors })`, then asserts that the page
 * logged no console error or warning, threw nothing and loaded every resource.
 */
export async function visit(browser, url, options, body) {
  const session = await open(browser, url, options);
  try {
    await body(session);
    assert.deepEqual(session.errors, [], `errors in ${url}`);
  } finally {
    await session.close();
  }
}

/** Asserts a check found nothing, printing its findings if it did. */
export function clean(problems, what) {
  assert.deepEqual(problems, [], `${what}:\n  ${problems.join("\n  ")}`);
}

/**
 * For an audited page marked `pending` (see lib/pages.mjs): skips the test
 * with the reason while the page does not exist, fails once it does. Returns
 * whether the caller should stop.
 */
export function pendingPage(t, site, rel, pending) {
  if (!pending) return false;
  assert.ok(!site.exists(rel), `${rel} now exists: remove \`pending\` from its entry in tests/browser/lib/pages.mjs`);
  t.skip(pending);
  return true;
}
