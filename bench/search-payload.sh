#!/usr/bin/env bash
# Bytes a browser fetches for one search query on the synthetic site of N
# articles (default 10,000), for a fixed list of queries (stop words, common
# words, a rare word ("4321": one title at 10,000), two-word queries, prefixes
# ("777", "rev", "sec", "4"), a word that is absent ("zebra")), plus
# the size of the whole index. See bench/search-payload.mjs: it runs the
# theme's own search.js on the built output and records every file it loads.
#
#   bash bench/search-payload.sh                  # N = 10,000
#   bash bench/search-payload.sh 1000 10000
#   QUERIES="the|national security|777" bash bench/search-payload.sh
#
# Uses the output bench/compare.sh leaves in the work folder ($WORK/emend-N-public);
# builds it (clean) if absent. Needs node (18 or later).
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/lib.sh

SIZES=("$@")
[ ${#SIZES[@]} -gt 0 ] || SIZES=(10000)
command -v node >/dev/null || apt_install nodejs
build_emend
queries=()
if [ -n "${QUERIES:-}" ]; then IFS='|' read -r -a queries <<<"$QUERIES"; fi
for n in "${SIZES[@]}"; do
  ensure_sites "$n"
  out=$WORK/emend-$n-public
  if [ ! -f "$out/.emend-output" ]; then
    echo "== building emend's output for $n articles" >&2
    "$EMEND" build --quiet --root "$WORK/emend-$n" --output "$out"
  fi
  echo
  echo "emend code at $(code_rev), $n articles, $(date -u '+%Y-%m-%d %H:%M UTC')"
  node bench/search-payload.mjs "$out" "${queries[@]}"
done | tee "$WORK/search-payload-report.md"
