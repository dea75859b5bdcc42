#!/usr/bin/env bash
# terraform (or tofu) init -backend=false and validate on every synthesized stack: what the provider
# schemas say of our JSON. Needs the providers, so it runs in GitHub's workflow, not on machines without
# registry access. Usage: validate-stacks.sh [terraform|tofu] (after pnpm synth).
set -euo pipefail
bin=${1:-terraform}
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
shopt -s nullglob
dirs=("$root"/cdktf.out/stacks/*/)
if ((${#dirs[@]} == 0)); then
  echo "validate-stacks: no synthesized stacks under cdktf.out/stacks (run pnpm synth first)" >&2
  exit 2
fi
"$bin" version
failed=0
for dir in "${dirs[@]}"; do
  stack=$(basename "$dir")
  if "$bin" -chdir="$dir" init -backend=false -input=false -no-color >/dev/null &&
    "$bin" -chdir="$dir" validate -no-color; then
    echo "validate-stacks: $stack valid with $bin"
  else
    echo "validate-stacks: $stack INVALID with $bin" >&2
    failed=1
  fi
done
exit "$failed"
