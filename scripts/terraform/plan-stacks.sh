#!/usr/bin/env bash
# terraform plan of every synthesized stack with S3 state, as the read-only plan role: no lock (the role
# cannot write one), and only the plan's text is kept (terraform redacts sensitive values there; a saved
# .tfplan would carry prior state in clear text). Appends a line per stack to REVIEW (a Markdown file).
# The dashboards stacks are skipped: their Grafana provider needs a token only a deploy may mint.
# Usage: plan-stacks.sh OUT_DIR REVIEW (after pnpm synth, with the plan role's credentials).
set -euo pipefail
out=${1:?usage: plan-stacks.sh OUT_DIR REVIEW}
review=${2:?usage: plan-stacks.sh OUT_DIR REVIEW}
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
mkdir -p "$out"
printf '\n### terraform plan\n\n' >>"$review"
for dir in "$root"/cdktf.out/stacks/*/; do
  stack=$(basename "$dir")
  if [[ "$stack" == *-dashboards ]]; then
    printf -- '- `%s`: not planned here (its Grafana provider needs a deploy-time token)\n' "$stack" >>"$review"
    continue
  fi
  if ! grep -q '"s3"' "$dir/cdk.tf.json"; then
    printf -- '- `%s`: local state, not planned here\n' "$stack" >>"$review"
    continue
  fi
  terraform -chdir="$dir" init -input=false -no-color >/dev/null
  terraform -chdir="$dir" plan -input=false -no-color -lock=false >"$out/$stack.txt"
  printf -- '- `%s`: %s\n' "$stack" "$(grep -E '^(Plan:|No changes)' "$out/$stack.txt" | head -1)" >>"$review"
done
