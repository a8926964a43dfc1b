#!/usr/bin/env bash
# Runs each function's pytest suite in the project venv (.work/venv), one process per function
# (they each have a top-level `handler` module).
#
#   scripts/test-python.sh           all three; sets up the venv with torch (CPU) + transformers
#   scripts/test-python.sh --no-ml   dashboard and ingestion only (says so loudly)
#   extra arguments after -- go to pytest, e.g.  scripts/test-python.sh -- -k metrics
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
WITH_ML=1
PYTEST_ARGS=()
while [ $# -gt 0 ]; do
  case "$1" in
    --no-ml) WITH_ML=0 ;;
    --) shift; PYTEST_ARGS=("$@"); break ;;
    *) echo "test-python.sh: unknown argument '$1' (known: --no-ml, -- <pytest args>)" >&2; exit 2 ;;
  esac
  shift
done

if [ "$WITH_ML" = 1 ]; then bash scripts/setup-python.sh --ml; else bash scripts/setup-python.sh; fi
PY="${VENV_DIR:-$ROOT/.work/venv}/bin/python"

FUNCTIONS=(dashboard ingestion)
if [ "$WITH_ML" = 1 ]; then
  FUNCTIONS+=(analysis)
else
  echo "[test-python] NOT running lambdas/analysis/tests (--no-ml): torch/transformers were not set up" >&2
fi

failed=()
for fn in "${FUNCTIONS[@]}"; do
  echo "[test-python] lambdas/$fn/tests" >&2
  if ! (cd "lambdas/$fn" && "$PY" -m pytest -q -p no:cacheprovider tests ${PYTEST_ARGS[@]+"${PYTEST_ARGS[@]}"}); then
    failed+=("$fn")
  fi
done

if [ ${#failed[@]} -gt 0 ]; then
  echo "[test-python] FAILED: ${failed[*]}" >&2
  exit 1
fi
echo "[test-python] all passed: ${FUNCTIONS[*]}" >&2
