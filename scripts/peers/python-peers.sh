#!/usr/bin/env bash
# Installs one Python test peer into its own virtualenv under .cache/peers/<name> and prints its bin
# directory. Peers: moto (the AWS API emulator), checkov (the Terraform policy scanner). Each has its own
# venv because their pins conflict: checkov holds botocore at a version whose CloudWatch model knows only
# the query protocol, while moto needs a current botocore to answer the JSON 1.0 protocol our SDK speaks.
# Idempotent: a venv whose requirements stamp matches is reused.
set -euo pipefail
name=${1:?usage: python-peers.sh moto|checkov}
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
requirements="$root/scripts/peers/$name.requirements.txt"
[[ -f "$requirements" ]] || { echo "python-peers: no requirements for peer '$name'" >&2; exit 2; }
venv="$root/.cache/peers/$name"
stamp="$venv/.requirements.sha256"
want=$(sha256sum "$requirements" | cut -d' ' -f1)
if [[ -x "$venv/bin/python" && -f "$stamp" && "$(cat "$stamp")" == "$want" ]]; then
  echo "$venv/bin"
  exit 0
fi
python=${PYTHON:-python3}
command -v "$python" >/dev/null || { echo "python-peers: $python not found (moto and checkov need Python 3.9+)" >&2; exit 1; }
rm -rf "$venv"
"$python" -m venv "$venv" >&2
"$venv/bin/pip" install --quiet --disable-pip-version-check -r "$requirements" >&2
echo "$want" > "$stamp"
echo "$venv/bin"
