#!/usr/bin/env bash
# Builds TrackGraph's collector distribution from ocb/manifest.yaml with the OpenTelemetry Collector
# Builder, into .cache/collector/: the same manifest, builder version and component versions the deployed
# images are built from (images/Dockerfile), so the local plane and the e2e tests run what we deploy.
# Cached: rebuilt only when the manifest changes (and reused from the per-user cache below when another
# checkout built the same manifest). Prints the binary's path. Needs Go (the builder and every component
# come from the Go module proxy).
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
root=$(cd "$here/../.." && pwd)
cache="$root/.cache/collector"
manifest="$here/ocb/manifest.yaml"
version=$(awk '/^  version:/ {print $2; exit}' "$manifest")
binary="$cache/build/otelcol-trackgraph"
stamp="$cache/manifest.sha256"
want=$(sha256sum "$manifest" | cut -d' ' -f1)
# Test files and workspaces run in parallel and each may ask for the binary: one builds, the others wait
# for it and then find it cached, instead of building into the same directory at once.
mkdir -p "$cache"
exec 9>"$cache/.lock"
flock 9
if [[ -x "$binary" && -f "$stamp" && "$(cat "$stamp")" == "$want" ]]; then
  echo "$binary"
  exit 0
fi
# A second, per-user cache keyed by the manifest's hash, so a fresh clone on a machine that built this
# manifest before (a CI runner, a second checkout) skips the build. Never required: a miss just builds.
shared="${TRACKGRAPH_CACHE_HOME:-${XDG_CACHE_HOME:-$HOME/.cache}/trackgraph}/collector/otelcol-trackgraph-$want"
if [[ -x "$shared" ]]; then
  mkdir -p "$(dirname "$binary")"
  cp "$shared" "$binary"
  echo "$want" > "$stamp"
  echo "$binary"
  exit 0
fi
command -v go >/dev/null || { echo "build-collector: Go is needed to build the collector" >&2; exit 1; }
mkdir -p "$cache/bin"
if [[ ! -x "$cache/bin/builder" || "$("$cache/bin/builder" version 2>/dev/null | awk '{print $NF}')" != "v$version" ]]; then
  GOBIN="$cache/bin" go install "go.opentelemetry.io/collector/cmd/builder@v$version" >&2
fi
# The checksum database answers 404 for many collector modules through the module proxy this project's
# machines reach, so checksum lookups are off for this build only (modules still come over TLS from the
# proxy). The image build (images/Dockerfile) keeps them on and verifies every module. CGO_ENABLED=0 as
# there: a static binary, the one the distroless image runs.
(cd "$here/ocb" && CGO_ENABLED=0 GOFLAGS=-mod=mod GOSUMDB=off "$cache/bin/builder" --config manifest.yaml >&2)
echo "$want" > "$stamp"
mkdir -p "$(dirname "$shared")" && cp "$binary" "$shared.tmp" && mv "$shared.tmp" "$shared" || true
echo "$binary"
