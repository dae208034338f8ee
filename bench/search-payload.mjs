// What a browser downloads to answer one search query on a built emend site.
//
//   node bench/search-payload.mjs OUTPUT_DIR [QUERY...]
//
// Runs the theme's real search.js (as copied into the output) in a Node `vm`
// context with the few DOM pieces it uses, on the output's search/index.html:
// every <script> element it adds (and any fetch()) is served from OUTPUT_DIR
// and recorded, the loaded file is run in the same context as a browser would,
// and the query is done when the status line shows the result. Each query runs
// in a fresh page (cold cache). So the files counted are exactly those search.js
// asks for: meta.js, the term shards, and for the results shown their slug
// chunks (search/s/, index format 2) and passages.
// Prints per query: files and bytes by group, raw and as a server would send
// them compressed (gzip -6, brotli q11), and the index size.
import fs from 'node:fs';
import path from 'node:path';
import vm from 'node:vm';
import zlib from 'node:zlib';

const [outDir, ...argQueries] = process.argv.slice(2);
if (!outDir) {
  console.error('usage: node bench/search-payload.mjs OUTPUT_DIR [QUERY...]');
  process.exit(2);
}
const pageRel = 'search/index.html';
const pageFile = path.join(outDir, pageRel);
const html = fs.readFileSync(pageFile, 'utf8');

const gz = (b) => zlib.gzipSync(b, { level: 6 }).length;
const br = (b) => zlib.brotliCompressSync(b, {
  params: { [zlib.constants.BROTLI_PARAM_QUALITY]: 11, [zlib.constants.BROTLI_PARAM_SIZE_HINT]: b.length },
}).length;
const sizeCache = new Map();
function sizes(file) {
  if (!sizeCache.has(file)) {
    const b = fs.readFileSync(file);
    sizeCache.set(file, { raw: b.length, gzip: gz(b), br: br(b) });
  }
  return sizeCache.get(file);
}

// Resolves a URL as the page would (relative to search/index.html) to a file.
function resolve(src) {
  const u = new URL(src, 'file:///site/' + pageRel);
  return path.join(outDir, decodeURIComponent(u.pathname.replace(/^\/site\//, '')));
}

// The page itself and what it loads before any query: stylesheets, icon, scripts.
function pageAssets() {
  const files = [pageFile];
  for (const m of html.matchAll(/<link\b[^>]*>/g)) {
    const rel = /\brel="([^"]*)"/.exec(m[0]);
    const href = /\bhref="([^"]*)"/.exec(m[0]);
    if (rel && href && /\b(stylesheet|icon)\b/.test(rel[1])) files.push(resolve(href[1]));
  }
  for (const m of html.matchAll(/<script\b[^>]*\bsrc="([^"]*)"/g)) files.push(resolve(m[1]));
  return files;
}

function attr(re) {
  const m = re.exec(html);
  return m ? m[1].replace(/&amp;/g, '&').replace(/&quot;/g, '"') : null;
}

// A tiny DOM: enough for search.js, which reads a few elements, adds <script>
// elements to <head> and builds the result list.
class Node {
  constructor(tag) { this.tagName = tag; this.children = []; this.attrs = {}; this._text = ''; this.listeners = {}; }
  getAttribute(n) { return n in this.attrs ? this.attrs[n] : null; }
  setAttribute(n, v) { this.attrs[n] = String(v); }
  appendChild(c) { this.children.push(c); if (this.onAppend) this.onAppend(c); return c; }
  addEventListener(t, f) { (this.listeners[t] ||= []).push(f); }
  focus() {}
  querySelector() { return null; }
  get textContent() { return this._text + this.children.map((c) => c.textContent).join(''); }
  set textContent(v) { this._text = String(v); this.children = []; if (this.onText) this.onText(this._text); }
}

async function runQuery(query, searchJs) {
  const loaded = [];
  const errors = [];
  let context;
  let finish;
  const done = new Promise((r) => { finish = r; });

  function serve(src) {
    const file = resolve(src);
    if (!fs.existsSync(file)) return null;
    loaded.push(file);
    return file;
  }
  const head = new Node('head');
  head.onAppend = (el) => {
    if (el.tagName !== 'script') return;
    // Network: asynchronous, like a browser.
    setTimeout(() => {
      const file = serve(el.src);
      if (!file) { errors.push('missing ' + el.src); if (el.onerror) el.onerror(new Error('404')); return; }
      try {
        vm.runInContext(fs.readFileSync(file, 'utf8'), context, { filename: file });
        if (el.onload) el.onload();
      } catch (e) { errors.push(file + ': ' + e.message); if (el.onerror) el.onerror(e); }
    }, 0);
  };
  const box = new Node('section');
  box.attrs['data-root'] = attr(/class="search"[^>]*data-root="([^"]*)"/) ?? '';
  box.attrs['data-index'] = attr(/class="search"[^>]*data-index="([^"]*)"/) ?? '';
  const form = new Node('form');
  const input = new Node('input');
  input.value = '';
  const status = new Node('p');
  const list = new Node('ol');
  status.onText = (t) => { if (t && t !== 'Searching…') finish(t); };
  box.querySelector = (sel) => ({ '.search-form': form, 'input[name="q"]': input, '.search-status': status, '.search-results': list })[sel] ?? null;
  const document = {
    head,
    querySelector: (sel) => (sel === '.search[data-root]' ? box : null),
    createElement: (tag) => new Node(tag.toLowerCase()),
    createTextNode: (t) => ({ textContent: String(t) }),
  };
  context = {
    document,
    location: { search: '?q=' + encodeURIComponent(query), href: 'file:///site/' + pageRel },
    history: { replaceState() {} },
    URL, URLSearchParams, Promise, console, setTimeout, clearTimeout, queueMicrotask,
    TextDecoder, TextEncoder, Uint8Array, ArrayBuffer, DataView,
    fetch: async (src) => {
      const file = serve(String(src));
      if (!file) return { ok: false, status: 404 };
      const body = fs.readFileSync(file);
      return {
        ok: true, status: 200,
        text: async () => body.toString('utf8'),
        json: async () => JSON.parse(body.toString('utf8')),
        arrayBuffer: async () => body.buffer.slice(body.byteOffset, body.byteOffset + body.byteLength),
      };
    },
  };
  context.window = context;
  context.self = context;
  vm.createContext(context);
  vm.runInContext(searchJs, context, { filename: 'search.js' });
  const timeout = setTimeout(() => finish('(timed out)'), 60000);
  const statusText = await done;
  clearTimeout(timeout);
  return { statusText, loaded, errors, results: list.children.length };
}

function group(file) {
  const rel = path.relative(outDir, file);
  if (rel === 'search/meta.js') return 'meta';
  if (rel.startsWith('search/t/')) return 'shards';
  if (rel.startsWith('search/d/')) return 'docs';
  if (rel.startsWith('search/s/')) return 'slugs';
  return 'other';
}
const kb = (n) => (n / 1000).toFixed(1);

const searchJsFile = resolve(attr(/<script\b[^>]*\bsrc="([^"]*search\.js)"/) ?? '../search.js');
const searchJs = fs.readFileSync(searchJsFile, 'utf8');

const queries = argQueries.length ? argQueries : ['the', 'of', 'inquiry', 'minister', 'national security', '4321', 'minister 4321', '777', 'zebra', 'rev', 'sec', '4'];

// The whole index: everything under search/ but the search page itself.
let index = { files: 0, raw: 0, gzip: 0, br: 0 };
const byDir = {};
(function walk(dir) {
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) walk(p);
    else if (path.relative(outDir, p) !== pageRel) {
      const raw = fs.statSync(p).size;
      const g = group(p);
      const d = (byDir[g] ||= { files: 0, raw: 0 });
      d.files++; d.raw += raw; index.files++; index.raw += raw;
    }
  }
})(path.join(outDir, 'search'));

const shell = pageAssets().map(sizes).reduce((a, s) => ({ raw: a.raw + s.raw, gzip: a.gzip + s.gzip, br: a.br + s.br }), { raw: 0, gzip: 0, br: 0 });

console.log(`site: ${outDir}`);
console.log(`search index on disk: ${index.files.toLocaleString('en')} files, ${(index.raw / 1e6).toFixed(1)} MB ` +
  `(meta.js ${kb(byDir.meta?.raw ?? 0)} KB; term shards: ${byDir.shards?.files ?? 0} files, ${((byDir.shards?.raw ?? 0) / 1e6).toFixed(1)} MB; ` +
  (byDir.slugs ? `slug chunks: ${byDir.slugs.files} files, ${(byDir.slugs.raw / 1e6).toFixed(1)} MB; ` : '') +
  `passages: ${byDir.docs?.files ?? 0} files, ${((byDir.docs?.raw ?? 0) / 1e6).toFixed(1)} MB)`);
console.log(`search page before any query (search/index.html, style.css, favicon, search.js): ${kb(shell.raw)} KB raw, ${kb(shell.gzip)} KB gzip, ${kb(shell.br)} KB brotli`);
console.log('');
console.log('KB are 1,000 bytes. "index data" = meta.js + shards + slug chunks and passages of the results shown; "total" adds the page before the query.');
console.log('');
console.log('| query | editions found | shards (files, KB) | slug chunks (files, KB) | passages (files, KB) | meta.js KB | index data KB raw | gzip | brotli | total KB raw | total gzip |');
console.log('|:--|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|');
const rows = [];
for (const q of queries) {
  const r = await runQuery(q, searchJs);
  if (r.errors.length) { console.error(`query ${q}: ${r.errors.join('; ')}`); process.exitCode = 1; }
  const g = { meta: [], shards: [], slugs: [], docs: [], other: [] };
  for (const f of r.loaded) g[group(f)].push(f);
  const sum = (fs_, k) => fs_.reduce((a, f) => a + sizes(f)[k], 0);
  const data = r.loaded;
  const row = {
    query: q, status: r.statusText, shown: r.results,
    shards: g.shards.length, shardsRaw: sum(g.shards, 'raw'),
    slugs: g.slugs.length, slugsRaw: sum(g.slugs, 'raw'),
    docs: g.docs.length, docsRaw: sum(g.docs, 'raw'),
    meta: sum(g.meta, 'raw'), other: sum(g.other, 'raw'),
    raw: sum(data, 'raw'), gzip: sum(data, 'gzip'), br: sum(data, 'br'),
  };
  rows.push(row);
  const found = (/^(\d+) edition/.exec(r.statusText) || [null, r.statusText.startsWith('No results') ? '0' : '?'])[1];
  console.log(`| ${q} | ${Number(found).toLocaleString('en')} | ${row.shards}, ${kb(row.shardsRaw)} | ${row.slugs}, ${kb(row.slugsRaw)} | ${row.docs}, ${kb(row.docsRaw)} | ${kb(row.meta)} ` +
    `| **${kb(row.raw)}** | ${kb(row.gzip)} | ${kb(row.br)} | ${kb(row.raw + shell.raw)} | ${kb(row.gzip + shell.gzip)} |`);
}
const worst = rows.reduce((a, r) => (r.raw > a.raw ? r : a), rows[0]);
console.log('');
const verdict = (n) => (n <= 300000 ? 'met' : 'NOT met');
console.log(`largest query: "${worst.query}", ${kb(worst.raw)} KB of index data raw, ${kb(worst.raw + shell.raw)} KB with the page; ` +
  `gzip ${kb(worst.gzip)} / ${kb(worst.gzip + shell.gzip)} KB.`);
console.log(`target ≤ 300 KB for one query: index data raw → ${verdict(worst.raw)}; with the page raw → ${verdict(worst.raw + shell.raw)}; ` +
  `with the page gzip → ${verdict(worst.gzip + shell.gzip)}`);
fs.writeFileSync(path.join(outDir, '..', 'search-payload.json'), JSON.stringify({ outDir, index, byDir, shell, rows }, null, 1));
