#!/usr/bin/env bash
# Installs Debian's prometheus-alertmanager package (prometheus-alertmanager and amtool) into
# .cache/peers/alertmanager: the .deb is downloaded with apt and unpacked, so no service is registered or
# started. The one write outside .cache: the package's two default templates, copied (as root) to the fixed
# path Debian's build reads them from. Prints the directory that holds both binaries. Idempotent: an
# unpacked copy of the pinned version is reused.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
# shellcheck source=debian-package.sh
source "$root/scripts/peers/debian-package.sh"
# Debian 12's package; it stands in for the alert manager of Amazon Managed Prometheus.
version="0.25.0-1+b4"
dir="$root/.cache/peers/alertmanager"
bin="$dir/usr/bin"
if [[ -x "$bin/prometheus-alertmanager" && -x "$bin/amtool" && "$(cat "$dir/.version" 2>/dev/null)" == "$version" ]] &&
  cmp -s "$dir/usr/share/prometheus/alertmanager/default.tmpl" /usr/share/prometheus/alertmanager/default.tmpl; then
  echo "$bin"
  exit 0
fi
unpack_debian_package prometheus-alertmanager "$version" "$dir"
# Debian builds Alertmanager to read its default notification templates from this fixed path (the upstream
# binary embeds them); without them every notification fails. They are the package's own files, copied where
# `apt-get install` would put them; nothing else is written outside .cache.
templates=/usr/share/prometheus/alertmanager
if ! cmp -s "$dir$templates/default.tmpl" "$templates/default.tmpl"; then
  as_root mkdir -p "$templates"
  as_root cp "$dir$templates/default.tmpl" "$dir$templates/email.tmpl" "$templates/"
fi
"$bin/prometheus-alertmanager" --version >&2
echo "$version" > "$dir/.version"
echo "$bin"
