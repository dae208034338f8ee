#!/usr/bin/env bash
# Runs each fuzz target for a bounded time and reports executions and crashes.
#
#   fuzz/run.sh [SECONDS]        default 30 s per target (CI uses 20)
#   TARGETS="engine" fuzz/run.sh 600
#
# Needs cargo-fuzz (`cargo install cargo-fuzz --locked`). cargo-fuzz needs
# nightly features; RUSTC_BOOTSTRAP=1 enables them on stable. Targets are built
# without a sanitizer (emend is safe Rust: panics, overflows, debug assertions,
# timeouts and the invariant checks in fuzz/src/check.rs are what we hunt);
# set SANITIZER=address to build with AddressSanitizer instead.
#
# A crash is minimised into fuzz/artifacts/<target>/ and decoded into
# fuzz/regressions/<target>/ (review it, fix the bug, commit the regression:
# tests/fuzz_regressions.rs then runs it on every `cargo test`). The script
# exits non-zero if any target crashed.
set -euo pipefail
cd "$(dirname "$0")/.."

secs=${1:-30}
targets=${TARGETS:-yaml engine render}
sanitizer=${SANITIZER:-none}
target_dir=${FUZZ_TARGET_DIR:-fuzz/target}
export RUSTC_BOOTSTRAP=1

fuzz() {
    cargo fuzz "$@" --sanitizer="$sanitizer" --target-dir="$target_dir"
}
mkdir -p fuzz/artifacts

echo "== building fuzz targets (sanitizer: $sanitizer)"
fuzz build
bin_dir="$target_dir/$(rustc -vV | sed -n 's/^host: //p')/release"

# Seeds: every YAML file in the repository, prefixed with its kind byte (the
# yaml target's first byte picks meta/corrections/annotations/site).
mkdir -p fuzz/corpus/yaml fuzz/corpus/engine fuzz/corpus/render
kind_byte() {
    case "$1" in
        meta.yaml) printf '\x00' ;;
        corrections.yaml) printf '\x01' ;;
        annotations.yaml) printf '\x02' ;;
        site.yaml) printf '\x03' ;;
    esac
}
while IFS= read -r f; do
    name=$(basename "$f")
    seed="fuzz/corpus/yaml/seed-$(printf '%s' "$f" | cksum | cut -d' ' -f1)"
    { kind_byte "$name"; cat "$f"; } > "$seed"
done < <(find content tests -type f -name '*.yaml' \( -name meta.yaml -o -name corrections.yaml -o -name annotations.yaml -o -name site.yaml \))

failed=0
summary=()
for t in $targets; do
    echo "== fuzzing $t for ${secs}s"
    log="fuzz/artifacts/$t.log"
    mkdir -p "fuzz/artifacts/$t"
    extra=()
    [ "$t" = yaml ] && extra=(-dict=fuzz/dict/yaml.dict)
    set +e
    # The binary directly (not `cargo fuzz run`), so every target runs exactly
    # what was built above.
    "$bin_dir/$t" "fuzz/corpus/$t" -artifact_prefix="fuzz/artifacts/$t/" \
        -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 -max_len=8192 \
        -print_final_stats=1 "${extra[@]}" > "$log" 2>&1
    status=$?
    set -e
    runs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$' | tail -1)
    if [ -z "$runs" ]; then
        runs=$(grep -oE '^#[0-9]+' "$log" | tail -1 | tr -d '#')
    fi
    if [ "$status" -ne 0 ]; then
        failed=1
        artifact=$(grep -oE "fuzz/artifacts/$t/(crash|timeout|oom|slow-unit|leak)-[0-9a-f]+" "$log" | head -1 || true)
        summary+=("$t: CRASH after ${runs:-?} executions: ${artifact:-see $log}")
        grep -A15 "panicked at" "$log" | head -20 || tail -30 "$log"
        if [ -n "$artifact" ]; then
            name=$(basename "$artifact")
            tmp=$(mktemp -d)
            EMEND_FUZZ_DUMP="$tmp" "$bin_dir/$t" "$artifact" > /dev/null 2>&1 || true
            if [ "$t" = yaml ]; then
                for f in "$tmp"/case.*; do
                    [ -e "$f" ] && cp "$f" "fuzz/regressions/yaml/$name.${f##*/case.}"
                done
            else
                mkdir -p "fuzz/regressions/$t/$name" && cp "$tmp"/* "fuzz/regressions/$t/$name/"
            fi
            rm -rf "$tmp"
            echo "decoded into fuzz/regressions/$t/ as $name"
        fi
    else
        summary+=("$t: ${runs:-?} executions, no crash (corpus: $(ls "fuzz/corpus/$t" | wc -l) inputs)")
    fi
done

echo "== fuzz summary (${secs}s per target)"
printf '  %s\n' "${summary[@]}"
exit "$failed"
