#!/usr/bin/env bash
# Load on `emend serve`: wrk hammers an article page of the bundled site while
# the article's corrections.yaml is touched halfway through, so a rebuild and
# the swap to its snapshot happen under load. Prints requests per second,
# answers other than 2xx, socket errors, the rebuild (from serve's log),
# and the server's memory (VmRSS now, VmHWM peak) before and after.
#
#   bench/serve-load.sh [SECONDS] [CONNECTIONS]     default 10 s, 200 connections
#
# A benchmark, not a test: it asserts nothing about speed. It installs wrk
# with apt when missing and builds emend in release mode.
set -euo pipefail
cd "$(dirname "$0")/.."

secs=${1:-10}
conns=${2:-200}
threads=2
slug=han-dong-two-michaels

if ! command -v wrk > /dev/null; then
    SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO=sudo
    $SUDO apt-get update -qq
    $SUDO apt-get install -y -qq wrk > /dev/null
fi
cargo build --release --locked --quiet
bin="$(cd "${CARGO_TARGET_DIR:-target}" && pwd)/release/emend"

work=$(mktemp -d)
server=""
cleanup() {
    [ -n "$server" ] && kill "$server" 2> /dev/null && wait "$server" 2> /dev/null
    rm -rf "$work"
}
trap cleanup EXIT

# A copy of the bundled site, so the edit below never touches the repository.
mkdir -p "$work/site"
cp -r site.yaml content "$work/site/"
[ -d themes ] && cp -r themes "$work/site/"

"$bin" --root "$work/site" serve --port 0 > "$work/stdout" 2> "$work/stderr" &
server=$!
for _ in $(seq 1 600); do
    url=$(grep -o 'http://[^ ]*' "$work/stdout" 2> /dev/null | head -1 || true)
    [ -n "$url" ] && break
    kill -0 "$server" 2> /dev/null || { cat "$work/stderr"; exit 1; }
    sleep 0.1
done
[ -n "$url" ] || { echo "serve printed no URL"; cat "$work/stderr"; exit 1; }
page="${url}${slug}/"

mem() { # VmRSS and VmHWM of the server, in MB
    awk '/^VmRSS:/ { rss = $2 } /^VmHWM:/ { hwm = $2 }
         END { printf "VmRSS %.1f MB, VmHWM %.1f MB", rss / 1024, hwm / 1024 }' "/proc/$server/status"
}
generation() {
    curl -s "${url}__emend/status" | sed -n 's/.*"generation":\([0-9]*\).*/\1/p'
}

status=$(curl -s -o /dev/null -w '%{http_code}' "$page")
[ "$status" = 200 ] || { echo "GET $page answered $status"; exit 1; }
gen_before=$(generation)
mem_before=$(mem)

# Counts every answer that is not 2xx (wrk's own counter lumps 3xx in with 2xx).
cat > "$work/count.lua" << 'LUA'
local threads = {}
function setup(thread) table.insert(threads, thread) end
function init(args) non2xx = 0 end
function response(status, headers, body)
    if status < 200 or status > 299 then non2xx = non2xx + 1 end
end
function done(summary, latency, requests)
    local n = 0
    for _, t in ipairs(threads) do n = n + t:get("non2xx") end
    io.write(string.format("answers other than 2xx: %d\n", n))
end
LUA

(sleep "$((secs / 2))" && touch "$work/site/content/$slug/corrections.yaml") &
toucher=$!
(cd "$work" && wrk -t"$threads" -c"$conns" -d"${secs}s" --latency -s count.lua "$page") > "$work/wrk.txt"
wait "$toucher"
# The rebuild may finish just after the load: wait for its log line (at most 30 s).
for _ in $(seq 1 300); do
    grep -q 'changed: rebuilt' "$work/stderr" && break
    sleep 0.1
done
gen_after=$(generation)
mem_after=$(mem)

echo "== emend serve under load: GET ${slug}/ for ${secs} s, ${conns} connections, ${threads} wrk threads"
echo "   ($(nproc) cores; emend $("$bin" --version | cut -d' ' -f2), $(wrk --version 2>&1 | head -1 | cut -d' ' -f1-2))"
grep -E 'Requests/sec|Transfer/sec|requests in|Socket errors|Non-2xx|answers other than 2xx' "$work/wrk.txt" | sed 's/^ */   /'
grep -q 'Socket errors' "$work/wrk.txt" || echo "   Socket errors: none"
grep -A4 'Latency Distribution' "$work/wrk.txt" | tail -4 | sed 's/^ */   latency p/'
rebuilt=$(grep 'changed: rebuilt' "$work/stderr" | sed 's/^/   /' || true)
echo "   rebuild during the load:"
echo "${rebuilt:-   NONE: the touch was not picked up}"
# A touch rewrites no bytes, so the served generation (and open pages) stay.
echo "   served generation ${gen_before} -> ${gen_after}"
echo "   memory before: ${mem_before}"
echo "   memory after:  ${mem_after}"
kill -0 "$server" 2> /dev/null || { echo "the server died"; exit 1; }
