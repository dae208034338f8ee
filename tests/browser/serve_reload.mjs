// `emend serve` in a real browser: the page reloads after an edit, the error
// overlay appears (without a reload) and clears, and an edit to another
// article leaves the page alone. Not part of `cargo test` (it needs Chromium
// and Node 20+); run it by hand after changing src/serve/live.js:
//
//   cargo build && node --experimental-websocket tests/browser/serve_reload.mjs [EMEND] [CHROMIUM]
//
// Drives headless Chromium over the DevTools protocol; no npm packages.
import { spawn } from "node:child_process";
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";

const repo = new URL("../..", import.meta.url).pathname;
const emend = process.argv[2] ?? join(process.env.CARGO_TARGET_DIR ?? join(repo, "target"), "debug/emend");
const browser = process.argv[3] ?? "chromium";
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
let failed = 0;
const check = (what, ok) => {
  console.log(`${ok ? "ok  " : "FAIL"} ${what}`);
  if (!ok) failed++;
};

const site = mkdtempSync(join(tmpdir(), "emend-browser-"));
cpSync(join(repo, "tests/fixtures/basic"), site, { recursive: true });
const server = spawn(emend, ["serve", "--port", "0", "-q"], { cwd: site, stdio: ["ignore", "pipe", "inherit"] });
const url = await new Promise((resolve) =>
  createInterface({ input: server.stdout }).once("line", (l) => resolve(l.split(" ").find((w) => w.startsWith("http://")))),
);
const port = 9300 + Math.floor(Math.random() * 600);
const profile = mkdtempSync(join(tmpdir(), "emend-chrome-"));
const chrome = spawn(browser, ["--headless", "--no-sandbox", "--disable-gpu", `--remote-debugging-port=${port}`, `--user-data-dir=${profile}`, "about:blank"], { stdio: "ignore" });
const exited = (child) => new Promise((r) => (child.exitCode !== null ? r() : child.once("exit", r)));
const cleanup = async () => {
  chrome.kill();
  server.kill();
  await Promise.all([exited(chrome), exited(server)]);
  rmSync(site, { recursive: true, force: true });
  rmSync(profile, { recursive: true, force: true });
};

try {
  let targets;
  for (let i = 0; i < 100 && !targets; i++) {
    try { targets = await (await fetch(`http://127.0.0.1:${port}/json`)).json(); } catch { await sleep(100); }
  }
  const ws = new WebSocket(targets.find((t) => t.type === "page").webSocketDebuggerUrl);
  await new Promise((r) => ws.addEventListener("open", r));
  let id = 0;
  const pending = new Map();
  ws.addEventListener("message", (m) => {
    const d = JSON.parse(m.data);
    if (d.id && pending.has(d.id)) { pending.get(d.id)(d.result); pending.delete(d.id); }
  });
  const send = (method, params = {}) => new Promise((r) => { const i = ++id; pending.set(i, r); ws.send(JSON.stringify({ id: i, method, params })); });
  const js = async (e) => (await send("Runtime.evaluate", { expression: e, returnByValue: true })).result.value;
  // Polls until `e` is true (generous: a rebuild, an event and a reload).
  const until = async (e) => { for (let i = 0; i < 100; i++) { if (await js(e).catch(() => false)) return true; await sleep(100); } return false; };

  const corrections = join(site, "content/alpha/corrections.yaml");
  const good = readFileSync(corrections, "utf8");
  await send("Page.navigate", { url: `${url}alpha/` });
  check("page loads", await until("document.readyState === 'complete' && !!document.querySelector('.cell.corr')"));
  check("no overlay on a good build", !(await js("!!document.querySelector('emend-overlay')")));

  await js("window.__before = 1");
  writeFileSync(corrections, good.replace("replace: two", "replace: a pair of"));
  check("an edit reloads the page with the new text", await until("window.__before === undefined && document.querySelector('.cell.corr').textContent.includes('a pair of')"));

  await js("window.__before = 2");
  writeFileSync(corrections, good.replace("find: mentioned", "find: mentoined"));
  check("a mistake shows the overlay", await until("!!document.querySelector('emend-overlay')"));
  check("… naming file, line and column", (await js("document.querySelector('emend-overlay').shadowRoot.querySelector('.where').textContent")) === "content/alpha/corrections.yaml:2:9");
  check("… without reloading the last good page", await js("window.__before === 2"));

  writeFileSync(corrections, good);
  check("the fix clears the overlay", await until("!document.querySelector('emend-overlay') && document.querySelector('.cell.corr').textContent.includes('two sources')"));

  await js("window.__before = 3");
  const beta = join(site, "content/beta/meta.yaml");
  writeFileSync(beta, readFileSync(beta, "utf8").replace("Beta: a Markdown edition", "Beta, renamed"));
  await sleep(1500);
  check("an edit to another article does not reload this page", await js("window.__before === 3"));
} finally {
  await cleanup();
}
process.exit(failed ? 1 : 0);
