#!/usr/bin/env bash
# Installs Debian's prometheus package (prometheus and promtool) into .cache/peers/prometheus without
# touching the system: the .deb is downloaded with apt and unpacked, so no service is registered or started.
# Prints the directory that holds both binaries. Idempotent: an unpacked copy of the pinned version is reused.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
# shellcheck source=debian-package.sh
source "$root/scripts/peers/debian-package.sh"
# Debian 12's package; its remote-write receiver stands in for Amazon Managed Prometheus.
version="2.42.0+ds-5+deb12u1"
dir="$root/.cache/peers/prometheus"
bin="$dir/usr/bin"
if [[ -x "$bin/prometheus" && -x "$bin/promtool" && "$(cat "$dir/.version" 2>/dev/null)" == "$version" ]]; then
  echo "$bin"
  exit 0
fi
unpack_debian_package prometheus "$version" "$dir"
"$bin/promtool" --version >&2
echo "$version" > "$dir/.version"
echo "$bin"
