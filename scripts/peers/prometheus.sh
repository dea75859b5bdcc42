#!/usr/bin/env bash
# Installs Debian's prometheus package (prometheus and promtool) into .cache/peers/prometheus without
# touching the system: the .deb is downloaded with apt and unpacked, so no service is registered or started.
# Prints the directory that holds both binaries. Idempotent: an unpacked copy of the pinned version is reused.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
# Debian 12's package; its remote-write receiver stands in for Amazon Managed Prometheus.
version="2.42.0+ds-5+deb12u1"
dir="$root/.cache/peers/prometheus"
bin="$dir/usr/bin"
if [[ -x "$bin/prometheus" && -x "$bin/promtool" && "$(cat "$dir/.version" 2>/dev/null)" == "$version" ]]; then
  echo "$bin"
  exit 0
fi
command -v apt-get >/dev/null || { echo "prometheus peer: needs apt-get (Debian's prometheus package)" >&2; exit 1; }
rm -rf "$dir"
mkdir -p "$dir/download"
download() { (cd "$dir/download" && apt-get download "prometheus=$version" >&2 2>/dev/null); }
if ! download; then
  # A fresh machine may have no package lists yet.
  if [[ $(id -u) -eq 0 ]]; then apt-get update -qq >&2; else sudo apt-get update -qq >&2; fi
  download || { echo "prometheus peer: apt-get download prometheus=$version failed" >&2; exit 1; }
fi
dpkg-deb -x "$dir"/download/prometheus_*.deb "$dir"
rm -rf "$dir/download"
"$bin/promtool" --version >&2
echo "$version" > "$dir/.version"
echo "$bin"
