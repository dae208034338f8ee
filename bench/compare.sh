#!/usr/bin/env bash
# Side-by-side build benchmark: emend vs Hugo on the same synthetic texts.
#
#   bash bench/compare.sh                 # N = 1,000 and 10,000
#   bash bench/compare.sh 1000            # one size
#   RUNS=5 WORK=/tmp/emend-bench bash bench/compare.sh 1000 10000
#
# For each N it generates (once, deterministically) an emend site and the same
# originals as a Hugo site with `cargo run --release --example gen_site`, times
# clean builds of both with hyperfine (a warm-up run, then $RUNS runs, output
# folder removed before each), measures peak RSS of one more clean build of
# each with GNU time, and prints a table with the emend/Hugo ratios.
# Installs hugo, hyperfine and time from the distribution's packages if absent.
set -euo pipefail
cd "$(dirname "$0")/.."

SIZES=("$@")
[ ${#SIZES[@]} -gt 0 ] || SIZES=(1000 10000)
RUNS=${RUNS:-3}
# tmpfs keeps the disk out of the comparison when there is one.
if [ -z "${WORK:-}" ]; then
  if [ -d /dev/shm ] && [ -w /dev/shm ]; then WORK=/dev/shm/emend-bench; else WORK=$PWD/target/bench; fi
fi
mkdir -p "$WORK"

SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO=sudo
missing=()
command -v hugo >/dev/null || missing+=(hugo)
command -v hyperfine >/dev/null || missing+=(hyperfine)
[ -x /usr/bin/time ] || missing+=(time)
if [ ${#missing[@]} -gt 0 ]; then
  echo "== installing ${missing[*]}" >&2
  $SUDO apt-get update -qq
  $SUDO apt-get install -y -qq "${missing[@]}" >&2
fi

echo "== building emend (release)" >&2
cargo build --release --locked --quiet --bin emend --example gen_site
EMEND=$PWD/target/release/emend
GEN=$PWD/target/release/examples/gen_site

peak_rss_mb() { # command... → peak RSS of one run in MB
  /usr/bin/time -f '%M' -o "$WORK/rss" "$@" >/dev/null 2>&1
  awk '{ printf "%.0f", $1 / 1024 }' "$WORK/rss"
}

rows=()
for n in "${SIZES[@]}"; do
  site=$WORK/emend-$n hsite=$WORK/hugo-$n
  if [ ! -d "$site" ]; then
    echo "== generating $n articles in $WORK" >&2
    "$GEN" "$site" "$n" --hugo "$hsite" >&2
  fi
  out=$WORK/emend-$n-public hout=$WORK/hugo-$n-public
  echo "== N = $n: hyperfine, 1 warm-up + $RUNS runs each" >&2
  hyperfine --style basic --warmup 1 --runs "$RUNS" \
    --export-json "$WORK/times-$n.json" \
    -n emend --prepare "rm -rf '$out'" "cd '$site' && '$EMEND' build --quiet --output '$out'" \
    -n hugo --prepare "rm -rf '$hout'" "hugo --quiet --source '$hsite' --destination '$hout'" >&2
  rm -rf "$out" "$hout"
  erss=$(cd "$site" && peak_rss_mb "$EMEND" build --quiet --output "$out")
  rm -rf "$hout"
  hrss=$(peak_rss_mb hugo --quiet --source "$hsite" --destination "$hout")
  files=$(find "$out" -type f | wc -l)
  hfiles=$(find "$hout" -type f | wc -l)
  # Hugo skips future-dated and draft pages silently: make sure it built them all.
  hpages=$(find "$hout" -name index.html | wc -l)
  if [ "$hpages" -le "$n" ]; then
    echo "Hugo built only $hpages pages for $n articles; the comparison would be unfair" >&2
    exit 1
  fi
  rows+=("$n $erss $hrss $files $hfiles")
done

echo
echo "machine: $(nproc) cores, $(awk '/MemTotal/ { printf "%.0f GiB", $2 / 1048576 }' /proc/meminfo), $(uname -sr)"
echo "emend:   $("$EMEND" --version), $(rustc --version)"
echo "hugo:    $(hugo version | cut -d' ' -f2)"
echo "runs:    hyperfine 1 warm-up + $RUNS, clean output folder each run, work folder $WORK"
echo
echo "CPU is user + system time (mean): less sensitive than wall time to other load on the machine."
echo
printf '| %8s | %-5s | %14s | %14s | %10s | %14s | %13s | %9s |\n' N tool "wall (s)" "wall/article" "CPU (s)" "CPU/article" "peak RSS" "files out"
printf '|%s|%s|%s|%s|%s|%s|%s|%s|\n' ---------: :------ ---------------: ---------------: -----------: ---------------: --------------: ----------:
for row in "${rows[@]}"; do
  read -r n erss hrss files hfiles <<<"$row"
  python3 - "$WORK/times-$n.json" "$n" "$erss" "$hrss" "$files" "$hfiles" <<'PY'
import json, sys
path, n, erss, hrss, files, hfiles = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]), sys.argv[5], sys.argv[6]
r = {x["command"]: x for x in json.load(open(path))["results"]}
e, h = r["emend"], r["hugo"]
cpu = lambda x: x["user"] + x["system"]
for name, x, rss, f in (("emend", e, erss, files), ("hugo", h, hrss, hfiles)):
    print(f"| {n:>8,} | {name:<5} | {x['mean']:7.2f} ± {x['stddev'] or 0:4.2f} | {x['mean'] / n * 1000:11.3f} ms "
          f"| {cpu(x):10.2f} | {cpu(x) / n * 1000:11.3f} ms | {rss:10} MB | {f:>9} |")
print(f"| {n:>8,} | ratio | {e['mean'] / h['mean']:14.2f} | {'':>14} | {cpu(e) / cpu(h):10.2f} | {'':>14} | {erss / hrss:13.2f} | {'':>9} |")
PY
done
if [ ${#rows[@]} -ge 2 ]; then
  python3 - "$WORK" "${SIZES[0]}" "${SIZES[-1]}" <<'PY'
import json, sys
work, a, b = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
def emend(n):
    return next(x for x in json.load(open(f"{work}/times-{n}.json"))["results"] if x["command"] == "emend")
wall = lambda n: emend(n)["mean"] / n
cpu = lambda n: (emend(n)["user"] + emend(n)["system"]) / n
print(f"\nemend per-article cost at {b:,} / at {a:,}: wall {wall(b) / wall(a):.2f}, CPU {cpu(b) / cpu(a):.2f}")
PY
fi
