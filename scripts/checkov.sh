#!/usr/bin/env bash
# `npm run checkov`: checkov (from PyPI, pinned, in its own virtualenv under .work/) on every
# synthesized stack. A failed check fails unless stacks/checkov-skips.json lists it with a reason.
#   bash scripts/checkov.sh                 synthesize every stack for review, then scan it
#   bash scripts/checkov.sh --skip-synth    scan what is already in .work/stack-review
set -euo pipefail
cd "$(dirname "$0")/.."
CHECKOV_VERSION=3.3.30
VENV=.work/checkov-venv
OUTDIR=${CHECKOV_STACKS_DIR:-.work/stack-review}
started=$(date +%s)

if [ ! -x "$VENV/bin/checkov" ] || [ "$("$VENV/bin/pip" show checkov 2>/dev/null | sed -n 's/^Version: //p')" != "$CHECKOV_VERSION" ]; then
  echo "[checkov] installing checkov==$CHECKOV_VERSION from PyPI into $VENV"
  rm -rf "$VENV"
  python3 -m venv "$VENV"
  # pip warns about find-links directories of this machine that do not exist; keep only real errors.
  "$VENV/bin/pip" install --quiet --disable-pip-version-check "checkov==$CHECKOV_VERSION" 2> >(grep -v "is ignored: it is neither a file nor a directory" >&2)
fi
installed=$(date +%s)

if [ "${1:-}" != "--skip-synth" ]; then
  # Every stack, offline, from a placeholder manifest: checkov judges the stacks' shape, not the artifacts.
  node --import tsx scripts/check-stacks.ts --placeholder-manifest --outdir "$OUTDIR"
fi

node --import tsx scripts/checkov-report.ts --checkov "$VENV/bin/checkov" --outdir "$OUTDIR"
echo "[checkov] install $(( installed - started ))s, total $(( $(date +%s) - started ))s"
