#!/usr/bin/env bash
# Every figure in BENCHMARKS.md, in one run: the side-by-side comparison with the peers,
# the scaling table, serve latency and memory, and check against lychee alone.
#
#   bash bench/all.sh [--install-peers] [--sizes 500,5000,50000]
#
# Peers are used when installed; --install-peers installs them from the registries this
# machine reaches (mdBook and lychee from crates.io, Hugo from Debian). Run it on a quiet
# machine: the figures are wall times.
set -euo pipefail
cd "$(dirname "$0")/.."

sizes=50,500,5000,50000
install=no
while [ $# -gt 0 ]; do
  case "$1" in
    --install-peers) install=yes ;;
    --sizes) sizes="$2"; shift ;;
    *) echo "unknown option: $1" >&2; exit 2 ;;
  esac
  shift
done

if [ "$install" = yes ]; then
  command -v mdbook >/dev/null || cargo install mdbook --locked
  command -v lychee >/dev/null || cargo install lychee --locked
  command -v hugo >/dev/null || apt-get install -y hugo
fi

cargo build --release --quiet
corpus=/tmp/pathbook-bench/corpus-5000
# Built sites stay until the end: for a minute or more after a deletion, ext4 makes every
# file created slower (see bench/compare.py), which would be measured as the next build's.
mkdir -p /tmp/pathbook-bench
trap 'rm -rf /tmp/pathbook-bench/runs-* /tmp/pathbook-bench/scale-* /tmp/pathbook-bench/site-*' EXIT

echo "## Build and check, side by side"
python3 bench/compare.py --modules 5000 --paths 20 --runs 2 --keep

echo
echo "## check and lychee alone, alternating"
if command -v lychee >/dev/null; then
  python3 bench/check_vs_lychee.py "$corpus" --runs 15
else
  echo "lychee is not installed (bash bench/all.sh --install-peers)"
fi

echo
echo "## Stage profile of a cold build"
# A new output folder, as in compare.py: not one whose files were just deleted.
site=$(mktemp -d -p /tmp/pathbook-bench site-XXXX)
XDG_CACHE_HOME=$(mktemp -d) ./target/release/pathbook build -v "$corpus" --dest-dir "$site/book"

echo
echo "## What a browser downloads for a first search (needs chromium: scripts/test.sh installs it)"
PATHBOOK_SEARCH_SITE="$site/book" cargo test --release --test learner_browser -- --ignored --nocapture search_downloads_on_a_large_site

echo
echo "## How cost grows"
python3 bench/scale.py --sizes "$sizes" --keep

echo
echo "## serve: from a saved file to the reload message"
python3 bench/serve_latency.py . --module mlops-basics --edits 30 --rebuilds 1000
python3 bench/serve_latency.py "$corpus" --module accessibility-005 --edits 20

echo
echo "## serve under load"
python3 bench/serve_load.py . --clients 8 --requests 1500
