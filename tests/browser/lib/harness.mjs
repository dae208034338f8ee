// Plumbing for the browser suite: the emend binary, fixture sites built into
// temp folders (optionally with a deliberately broken theme file), a static
// HTTP server, and Debian's headless Chromium driven by playwright-core.

import { spawnSync } from "node:child_process";
import fs from "node:fs";
import http from "node:http";
import os from "node:os";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

import { chromium } from "playwright-core";

export const SUITE = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
export const REPO = path.resolve(SUITE, "../..");
export const ARTIFACTS = path.join(SUITE, "artifacts");
export const DEFAULT_THEME = path.join(REPO, "themes/default");

/** Chromium flags for a closed network, running as root in a container. */
const CHROMIUM_ARGS = [
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--disable-dev-shm-usage",
  // Same fonts and hinting on every run, so screenshots compare.
  "--font-render-hinting=none",
];

/** The Chromium executable: $CHROMIUM, else Debian's. */
export function chromiumPath() {
  return process.env.CHROMIUM || "/usr/bin/chromium";
}

let cachedBin;
/**
 * The emend binary: $EMEND_BIN (set by `cargo test`), else built now with
 * `cargo build` (honours $CARGO_TARGET_DIR).
 */
export function emendBin() {
  if (cachedBin) return cachedBin;
  if (process.env.EMEND_BIN) return (cachedBin = process.env.EMEND_BIN);
  const out = spawnSync("cargo", ["build", "--quiet", "--bin", "emend", "--message-format=json"], {
    cwd: REPO,
    encoding: "utf8",
    stdio: ["ignore", "pipe", "inherit"],
    maxBuffer: 64 << 20,
  });
  if (out.status !== 0) throw new Error("cargo build failed; set EMEND_BIN to an emend binary");
  for (const line of out.stdout.split("\n")) {
    if (!line.startsWith("{")) continue;
    const msg = JSON.parse(line);
    if (msg.reason === "compiler-artifact" && msg.target?.name === "emend" && msg.executable) {
      cachedBin = msg.executable;
    }
  }
  if (!cachedBin) throw new Error("cargo build did not report the emend executable");
  return cachedBin;
}

const tempRoots = [];
process.on("exit", () => {
  if (process.env.EMEND_KEEP_SITES) return;
  for (const dir of tempRoots) fs.rmSync(dir, { recursive: true, force: true });
});

/** The text of a file of the default theme, e.g. `templates/article.html`. */
export function themeFile(rel) {
  return fs.readFileSync(path.join(DEFAULT_THEME, rel), "utf8");
}

/**
 * `text` with `find` replaced by `replace`; throws when `find` is missing, so a
 * deliberately broken variant can never silently stop being broken.
 */
export function patch(text, find, replace) {
  if (!text.includes(find)) throw new Error(`patch: ${JSON.stringify(find)} not found`);
  return text.replace(find, replace);
}

/**
 * Builds a site into a fresh temp folder and returns `{ root, out }`.
 *
 * `source` is a fixture name under tests/fixtures/ or "bundled" (the repo's own
 * site). `overrides` maps site-relative paths (`templates/article.html`,
 * `static/style.css`) to file contents, layered over the theme the way users
 * override it.
 */
export function buildSite(source, overrides = {}) {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), `emend-browser-${source}-`));
  tempRoots.push(root);
  if (source === "bundled") {
    for (const item of ["site.yaml", "content", "pages", "themes", "templates", "static"]) {
      const from = path.join(REPO, item);
      if (fs.existsSync(from)) fs.cpSync(from, path.join(root, item), { recursive: true });
    }
  } else {
    fs.cpSync(path.join(REPO, "tests/fixtures", source), root, { recursive: true });
  }
  for (const [rel, text] of Object.entries(overrides)) {
    fs.mkdirSync(path.dirname(path.join(root, rel)), { recursive: true });
    fs.writeFileSync(path.join(root, rel), text);
  }
  const out = path.join(root, "public");
  const run = spawnSync(emendBin(), ["build", "--quiet", "--root", root, "--output", out], {
    encoding: "utf8",
    env: { ...process.env, NO_COLOR: "1" },
  });
  if (run.status !== 0) throw new Error(`emend build of ${source} failed:\n${run.stderr}`);
  // Serve the site under the path of its base_url, as it will be published:
  // the 404 page links from there; every other link is relative.
  const baseUrl = fs.readFileSync(path.join(root, "site.yaml"), "utf8").match(/^base_url:\s*"?([^"\s]+)/m);
  const prefix = baseUrl ? new URL(baseUrl[1]).pathname.replace(/\/?$/, "/") : "/";
  return { root, out, prefix };
}

const TYPES = {
  ".html": "text/html; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".txt": "text/plain; charset=utf-8",
  ".md": "text/markdown; charset=utf-8",
};

/**
 * Serves `dir` under the sub-path `prefix` (as on a project page host, so
 * links that assume the domain root break) on a free local port. Folders
 * serve their index.html; anything missing gets the site's 404.html with
 * status 404, like common static hosts.
 */
export async function serve(dir, prefix = "/") {
  const server = http.createServer((req, res) => {
    const url = new URL(req.url, "http://localhost");
    let rel = decodeURIComponent(url.pathname);
    let file = null;
    if (rel.startsWith(prefix)) {
      file = path.join(dir, rel.slice(prefix.length));
      if (!file.startsWith(dir)) file = null;
      else if (fs.existsSync(file) && fs.statSync(file).isDirectory()) {
        if (!rel.endsWith("/")) {
          res.writeHead(301, { Location: `${rel}/` }).end();
          return;
        }
        file = path.join(file, "index.html");
      }
    }
    if (file && fs.existsSync(file) && fs.statSync(file).isFile()) {
      res.writeHead(200, { "Content-Type": TYPES[path.extname(file)] || "application/octet-stream" });
      fs.createReadStream(file).pipe(res);
    } else {
      res.writeHead(404, { "Content-Type": TYPES[".html"] });
      res.end(fs.readFileSync(path.join(dir, "404.html")));
    }
  });
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  const base = `http://127.0.0.1:${server.address().port}${prefix}`;
  return { base, close: () => new Promise((resolve) => server.close(resolve)) };
}

/** The `file://` URL of a built page. */
export function fileUrl(out, rel) {
  return pathToFileURL(path.join(out, rel)).href;
}

/** Launches headless Chromium. */
export function launch() {
  return chromium.launch({ executablePath: chromiumPath(), args: CHROMIUM_ARGS });
}

/** Pages opened with JavaScript disabled (their callbacks never run). */
export const scriptsOff = new WeakSet();

/** Viewports used throughout: a desktop and a phone (iPhone 12–15 width). */
export const WIDE = { width: 1280, height: 800 };
export const NARROW = { width: 390, height: 844, isMobile: true, hasTouch: true };

/**
 * Opens `url` in a fresh browser context and records everything that went
 * wrong while the page lived: console errors and warnings, uncaught
 * exceptions, failed requests and HTTP errors (`session.errors`).
 */
export async function open(browser, url, options = {}) {
  const { viewport = WIDE, js = true, colorScheme = "light", reducedMotion = "reduce" } = options;
  const { width, height, isMobile = false, hasTouch = false } = viewport;
  const context = await browser.newContext({
    viewport: { width, height },
    isMobile,
    hasTouch,
    deviceScaleFactor: 1,
    javaScriptEnabled: js,
    colorScheme,
    reducedMotion,
  });
  const page = await context.newPage();
  if (!js) scriptsOff.add(page);
  const errors = [];
  page.on("console", (m) => {
    if (m.type() === "error" || m.type() === "warning") errors.push(`console.${m.type()}: ${m.text()}`);
  });
  page.on("pageerror", (e) => errors.push(`uncaught exception: ${e.message}`));
  page.on("requestfailed", (r) => errors.push(`request failed: ${r.url()} (${r.failure()?.errorText})`));
  page.on("response", (r) => {
    if (r.status() >= 400) errors.push(`HTTP ${r.status()}: ${r.url()}`);
  });
  await page.goto(url, { waitUntil: "load" });
  return { page, context, errors, close: () => context.close() };
}

/** Saves a screenshot into tests/browser/artifacts/ and returns its path. */
export async function artifact(page, name, options = {}) {
  fs.mkdirSync(ARTIFACTS, { recursive: true });
  const file = path.join(ARTIFACTS, name);
  await page.screenshot({ path: file, animations: "disabled", caret: "hide", ...options });
  return file;
}
