#!/usr/bin/env bash
# CPU time of two emend binaries' clean builds of the same site, alternated
# (A, B, A, B, …) so that a load that comes and goes hits both alike, and
# whether their output folders are byte-identical.
#
#   bash bench/ab-cpu.sh OLD_BIN NEW_BIN SITE_DIR [RUNS]    # RUNS = 5
#
# e.g. before and after a change, on a synthetic site:
#   cargo run --release --example gen_site -- /dev/shm/perf-site 1000
#   cp target/release/emend /dev/shm/emend-before   # then change, rebuild
#   bash bench/ab-cpu.sh /dev/shm/emend-before target/release/emend /dev/shm/perf-site 10
#
# Each run builds into a fresh output folder (next to the site, removed right
# after: at 10,000 articles an output is about 3 GB, and /dev/shm is memory).
# CPU is user + system from /usr/bin/time; on a shared machine it moves much
# less than wall time. First, one build with each binary is compared with
# `diff -r` (nothing excluded) and the script stops if they differ.
set -euo pipefail

OLD=$(realpath "$1")
NEW=$(realpath "$2")
SITE=$(realpath "$3")
RUNS=${4:-5}
WORK=$(mktemp -d "$(dirname "$SITE")/ab-cpu.XXXXXX")
trap 'rm -rf "$WORK"' EXIT
cd "$SITE"

build() { # build BIN OUT: a clean build; prints "user system"
  rm -rf "$2"
  /usr/bin/time -o "$WORK/time" -f '%U %S' "$1" build -o "$2" >/dev/null 2>&1
  cat "$WORK/time"
}

build "$OLD" "$WORK/old" >/dev/null
build "$NEW" "$WORK/new" >/dev/null
if diff -r "$WORK/old" "$WORK/new" >/dev/null; then
  echo "diff -r: identical ($(find "$WORK/new" -type f | wc -l) files)"
else
  echo "diff -r: the outputs differ ($WORK/old, $WORK/new)" >&2
  trap - EXIT
  exit 1
fi
rm -rf "$WORK/old" "$WORK/new"

for _ in $(seq 1 "$RUNS"); do
  echo "old $(build "$OLD" "$WORK/out")"
  rm -rf "$WORK/out"
  echo "new $(build "$NEW" "$WORK/out")"
  rm -rf "$WORK/out"
done | awk '
  { cpu = $2 + $3; sum[$1] += cpu; sq[$1] += cpu * cpu; n[$1]++; print }
  END {
    for (k in sum) {
      m[k] = sum[k] / n[k]
      printf "%s: mean CPU %.3f s, sd %.3f (%d runs)\n", k, m[k], sqrt(sq[k] / n[k] - m[k] * m[k]), n[k]
    }
    printf "new / old: %.3f\n", m["new"] / m["old"]
  }'
