#!/usr/bin/env bash
# Makes a fresh machine ready for netreel: system libraries node-canvas compiles
# against, an ffmpeg (and ffprobe), then the locked npm dependencies.
# Installs only what is missing, so running it twice is safe.
#
#   bash scripts/setup.sh           what rendering and the tests need
#   bash scripts/setup.sh --bench   also Debian's python3-matplotlib, for `npm run bench -- matplotlib`
#                                   (the notebook's pipeline; the bench skips it, and says so, without)
set -euo pipefail
cd "$(dirname "$0")/.."

say() { printf 'setup: %s\n' "$*"; }

bench=0
for arg in "$@"; do
  case "$arg" in
    --bench) bench=1 ;;
    *) say "unknown option $arg (the only one is --bench)"; exit 2 ;;
  esac
done

# node-canvas has no prebuilt binary reachable here; it builds from source (node-gyp needs
# python3 and a compiler) against these. librsvg2-dev enables SVG images (equations);
# libgif-dev must be present because the base image ships the runtime libgif and the build
# then turns GIF support on. ca-certificates lets npm reach its registry over TLS.
CANVAS_DEBS=(ca-certificates python3 build-essential pkg-config libcairo2-dev libpango1.0-dev libgif-dev librsvg2-dev libjpeg-dev libpng-dev)

as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"; elif command -v sudo >/dev/null; then sudo "$@"; else
    say "need root to run: $*"; exit 1; fi
}

missing_debs() {
  local pkg
  for pkg in "$@"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed' || printf '%s ' "$pkg"
  done
}

apt_updated=0
apt_install() {
  [ "$apt_updated" -eq 1 ] || { say "apt-get update"; as_root apt-get update -qq; apt_updated=1; }
  say "installing Debian packages: $*"
  DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq --no-install-recommends "$@" >/dev/null
}

case "$(uname -s)" in
  Darwin)
    say "macOS: install the libraries and ffmpeg with Homebrew, then run npm ci:"
    echo "  brew install pkg-config cairo pango libpng jpeg giflib librsvg ffmpeg && npm ci"
    [ "$bench" -eq 0 ] || echo "  for the bench's matplotlib part: python3 -m pip install matplotlib"
    exit 0 ;;
  Linux)
    if ! command -v apt-get >/dev/null; then
      say "no apt-get: install cairo, pango, giflib, librsvg (development headers) and ffmpeg with your package manager, then run npm ci"
      exit 1
    fi ;;
  *) say "unsupported system $(uname -s)"; exit 1 ;;
esac

need=$(missing_debs "${CANVAS_DEBS[@]}")
if [ -n "$need" ]; then apt_install $need; else say "canvas build libraries: already installed"; fi

# ffmpeg-static's install script downloads a binary, which fails on a closed network; it is an
# optional dependency, so npm skips it, and netreel then finds ffmpeg through FFMPEG_PATH or PATH.
# ffprobe is not shipped by ffmpeg-static at all; the tests and render summaries use it.
if command -v ffmpeg >/dev/null && command -v ffprobe >/dev/null; then
  say "ffmpeg and ffprobe: found on the PATH ($(command -v ffmpeg))"
else
  apt_install ffmpeg
fi

# The bench's comparison with the course notebook's pipeline runs Debian's python3 (apt's
# packages are not seen by a python3 from pyenv or a venv) with Debian's matplotlib 3.6 and numpy.
if [ "$bench" -eq 1 ]; then
  need=$(missing_debs python3-matplotlib)
  if [ -n "$need" ]; then apt_install $need; else say "python3-matplotlib (for the bench): already installed"; fi
fi

if [ -d node_modules ] && [ node_modules/.package-lock.json -nt package-lock.json ] && [ -f node_modules/canvas/build/Release/canvas.node ]; then
  say "npm dependencies: up to date with package-lock.json"
else
  say "npm ci (node-canvas compiles from source when no prebuilt binary can be downloaded: ~30 s)"
  # With FFMPEG_BIN naming a local ffmpeg, ffmpeg-static's install script finds a binary and skips its
  # download (which this kind of network refuses); netreel checks the binary exists before using it.
  FFMPEG_BIN="${FFMPEG_BIN:-$(command -v ffmpeg)}" npm ci --no-audit --no-fund
fi

node -e "require('canvas')" 2>/dev/null || { say "node-canvas failed to load after install"; exit 1; }
# netreel runs from a bundle of src/ (scripts/bundle.cjs); built now, so that the first render
# (or the first test files, all at once) does not build it.
node -e "process.exit(require('./scripts/bundle.cjs').bundleDir() === null ? 1 : 0)" ||
  say "could not build netreel's bundle; it will run from src/ through tsx (slower to start)"
say "ready"
