#!/usr/bin/env bash
# Times release builds of the huge inputs tests/huge_inputs.rs checks for
# correctness: a 50 MB original, 10,000 corrections (10 to a paragraph, and
# all in one paragraph), and 10,000 corrections that all miss. Prints wall
# time and peak memory of each; asserts nothing (figures, not tests).
#
#   bench/huge.sh                    uses target/release/emend (builds it)
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release --quiet
bin="${CARGO_TARGET_DIR:-target}/release/emend"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

site() { # site DIR
    mkdir -p "$1/content/a"
    printf 'title: "Huge"\nbase_url: "https://example.org/"\n' > "$1/site.yaml"
    printf 'title: "Huge"\n' > "$1/content/a/meta.yaml"
}
measure() { # measure LABEL ARGS...
    local label=$1; shift
    /usr/bin/time -f "%e %M" -o "$work/time" "$bin" -q "$@" > /dev/null 2>&1 || true
    read -r secs kb < <(tail -1 "$work/time")
    printf '  %-48s %6.2f s  %6d MB peak\n' "$label" "$secs" "$((kb / 1024))"
}

site "$work/big"
awk 'BEGIN { f = "The MP said the matter was raised with officials in the usual way, and that nothing in the record suggested otherwise; sources familiar with the file described it the same way. ";
  for (i = 0; i < 92000; i++) { printf "Paragraph %d: %s%s%s", i, f, f, f;
    if (i == 46000) printf "Middle Celebration here."; print "" } }' > "$work/big/content/a/original.txt"
printf -- '- {find: Middle Celebration, replace: Middle Party, why: w}\n' > "$work/big/content/a/corrections.yaml"

many() { # many DIR WORDS_PER_PARAGRAPH [PREFIX]
    site "$1"
    awk -v per="$2" -v p="${3:-w}" 'BEGIN { for (i = 0; i < 10000; i++) { printf "%s%05dx and ", p, i; if ((i + 1) % per == 0) print "end." } print "end." }' > "$1/content/a/original.txt"
    awk 'BEGIN { for (i = 0; i < 10000; i++) printf "- find: w%05dx\n  replace: W%d\n  kind: spelling\n  why: \"Entry %d.\"\n", i, i, i }' > "$1/content/a/corrections.yaml"
}
many "$work/ten" 10
many "$work/one" 10000
many "$work/miss" 10 v
site "$work/occ"
awk 'BEGIN { for (i = 0; i < 10000; i++) { printf "the x%d ", i; if ((i + 1) % 10 == 0) print "" } print "" }' > "$work/occ/content/a/original.txt"
awk 'BEGIN { for (i = 1; i <= 10000; i++) printf "- {find: the, replace: The, occurrence: %d, why: w}\n", i }' > "$work/occ/content/a/corrections.yaml"

echo "== release build times ($(nproc) cores)"
measure "50 MB original: check" check --root "$work/big"
measure "50 MB original: build" build --root "$work/big"
measure "10,000 corrections, 10 a paragraph: build" build --root "$work/ten"
measure "10,000 corrections in one paragraph: build" build --root "$work/one"
measure "10,000 corrections that all miss: check" check --root "$work/miss"
measure "10,000 occurrence: N entries of one word: build" build --root "$work/occ"
