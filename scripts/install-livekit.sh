#!/usr/bin/env bash
# Puts pinned livekit-server and livekit-sip binaries in the cache folder, building them from
# the Go module proxy only when the pin changes. LiveKit publishes no npm or Debian package.
#
#   LIVEKIT_SERVER_VERSION  module version of github.com/livekit/livekit-server (default below)
#   LIVEKIT_SIP_VERSION     module version of github.com/livekit/sip            (default below)
#   VOICE_WIDGET_CACHE      cache folder (default ~/.cache/voice-widget)
#   SKIP_LIVEKIT_SIP=1      skip livekit-sip (it needs cgo and the opus/soxr headers)
#
# A binary already on PATH with the pinned version is used as is.
# Prints the two binary paths on its last two lines: "livekit-server=<path>", "livekit-sip=<path>".
set -euo pipefail
cd "$(dirname "$0")/.."

SERVER_VERSION="${LIVEKIT_SERVER_VERSION:-$(cat scripts/versions/livekit-server)}"
SIP_VERSION="${LIVEKIT_SIP_VERSION:-$(cat scripts/versions/livekit-sip)}"
CACHE="${VOICE_WIDGET_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/voice-widget}"
BIN="$CACHE/bin"
mkdir -p "$BIN"

say() { printf '\033[1m[livekit]\033[0m %s\n' "$*" >&2; }
die() { printf '\033[1;31m[livekit] %s\033[0m\n' "$*" >&2; exit 1; }

find_go() {
  local go
  go=$(command -v go || true)
  [ -n "$go" ] || { [ -x /usr/local/go/bin/go ] && go=/usr/local/go/bin/go; }
  [ -n "$go" ] || return 1
  # Both modules declare `go 1.26` in go.mod.
  "$go" env GOVERSION | awk -F'[go.]' '{ exit !($3 > 1 || ($3 == 1 && $4 >= 26)) }' || return 1
  echo "$go"
}

need_go() {
  find_go || die "neither '$1' $2 on PATH nor Go >= 1.26 to build it.
  Install Go >= 1.26 (https://go.dev/dl/) and run this again, or put a '$1' $2 binary on PATH."
}

# Builds a main package of a module version inside the module cache. `go install pkg@version`
# would be simpler, but it reads the module's version list (for deprecation notices), which some
# proxies refuse; building from `go mod download`'s folder needs only the pinned version.
build_module() { # module version package output [cgo]
  local module=$1 version=$2 pkg=$3 out=$4 cgo=${5:-0} go dir tmp
  go=$(need_go "$(basename "$out" | sed 's/-v[0-9].*//')" "$version")
  say "building $module@$version (first time only; takes a few minutes)"
  dir=$("$go" mod download -json "$module@$version" | sed -n 's/^\t"Dir": "\(.*\)",$/\1/p')
  [ -n "$dir" ] || die "go mod download $module@$version failed (is the Go module proxy reachable?)"
  tmp="$out.tmp.$$"
  (cd "$dir" && CGO_ENABLED=$cgo GOFLAGS=-buildvcs=false "$go" build -trimpath -o "$tmp" "./$pkg") \
    || die "building $module@$version failed"
  mv "$tmp" "$out"
}

# livekit-server ------------------------------------------------------------------------
server="$BIN/livekit-server-$SERVER_VERSION"
if [ ! -x "$server" ]; then
  onpath=$(command -v livekit-server || true)
  if [ -n "$onpath" ] && "$onpath" --version 2>/dev/null | grep -q "${SERVER_VERSION#v}"; then
    server=$onpath
  else
    build_module github.com/livekit/livekit-server "$SERVER_VERSION" cmd/server "$server"
  fi
fi

# livekit-sip ---------------------------------------------------------------------------
sip="$BIN/livekit-sip-$SIP_VERSION"
if [ "${SKIP_LIVEKIT_SIP:-0}" = 1 ]; then
  sip=""
elif [ ! -x "$sip" ]; then
  onpath=$(command -v livekit-sip || true)
  if [ -n "$onpath" ]; then
    sip=$onpath
  else
    pkg-config --exists opus opusfile soxr 2>/dev/null \
      || die "livekit-sip needs cgo headers: install pkg-config libopus-dev libopusfile-dev libsoxr-dev (or set SKIP_LIVEKIT_SIP=1)"
    build_module github.com/livekit/sip "$SIP_VERSION" cmd/livekit-sip "$sip" 1
  fi
fi

echo "livekit-server=$server"
echo "livekit-sip=$sip"
