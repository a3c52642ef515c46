#!/usr/bin/env bash
# Installs everything the project needs on a fresh Debian machine, and nothing twice:
#   1. Debian packages (speech tools, Chromium, Redis, PostgreSQL, SIP peers, cgo libraries)
#   2. pnpm and the workspace's node modules
#   3. the pinned LiveKit binaries (built from the Go module proxy, cached)
# Idempotent: every step checks first. When it cannot install something (not root, no Go),
# it says exactly what is missing and exits non-zero.
set -euo pipefail
cd "$(dirname "$0")/.."

say() { printf '\033[1m[setup]\033[0m %s\n' "$*"; }
die() { printf '\033[1;31m[setup] %s\033[0m\n' "$*" >&2; exit 1; }

# --- Node ---------------------------------------------------------------------------
node_ok=$(node -e 'const [a,b]=process.versions.node.split(".").map(Number); console.log(a>20||(a===20&&b>=19)?1:0)' 2>/dev/null || echo 0)
[ "$node_ok" = 1 ] || die "Node.js >= 20.19 is required (found: $(node -v 2>/dev/null || echo none)). Install it from https://nodejs.org or your distribution."

# --- Debian packages ------------------------------------------------------------------
# Runtime: pocketsphinx + model (speech to text), espeak-ng + flite + sox (speech; flite's voices
# also speak bench:amd's greetings), chromium (tests, benchmarks), redis-server (LiveKit SIP),
# postgresql (tests on a real server), baresip-core and sip-tester (phone callers in tests).
# Build: pkg-config + opus/soxr headers for livekit-sip (cgo).
APT_PACKAGES=(
  pocketsphinx pocketsphinx-en-us pocketsphinx-testdata espeak-ng flite sox
  chromium redis-server postgresql baresip-core sip-tester
  pkg-config libopus-dev libopusfile-dev libsoxr-dev
)
missing=()
for p in "${APT_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    say "installing Debian packages: ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq || say "apt-get update failed; trying the install with the current lists"
    apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  else
    die "missing Debian packages: ${missing[*]}
  install them with: sudo apt-get install -y --no-install-recommends ${missing[*]}"
  fi
fi
# Debian starts these as system services on install; the project runs its own on other ports.
if [ "$(id -u)" = 0 ] && command -v systemctl >/dev/null && [ -d /run/systemd/system ]; then
  systemctl disable --now redis-server postgresql >/dev/null 2>&1 || true
fi

# --- pnpm and node modules ------------------------------------------------------------
if ! command -v pnpm >/dev/null || ! pnpm -v 2>/dev/null | grep -q '^10\.'; then
  say "installing pnpm 10 (npm i -g pnpm@10)"
  npm i -g pnpm@10 >/dev/null 2>&1 || die "could not install pnpm with 'npm i -g pnpm@10' (try it yourself, or with sudo)"
fi
# onnxruntime-node's install script otherwise tries to download CUDA libraries.
export ONNXRUNTIME_NODE_INSTALL_CUDA=skip
if [ ! -f node_modules/.modules.yaml ] || [ pnpm-lock.yaml -nt node_modules/.modules.yaml ]; then
  say "installing node modules"
  pnpm install --frozen-lockfile --reporter=silent
fi

# --- LiveKit binaries -------------------------------------------------------------------
bash scripts/install-livekit.sh
