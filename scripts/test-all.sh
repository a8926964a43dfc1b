#!/usr/bin/env bash
# README's test command: type-check, unit tests, the stacks (synthesized, our stack rules, then
# checkov from PyPI against stacks/checkov-skips.json), the functions' pytest suites, then the
# integration tests against the real Docker engine, Terraform CLI and moto server.
set -euo pipefail
cd "$(dirname "$0")/.."
export CHECKPOINT_DISABLE=1 DISABLE_VERSION_CHECK=1
step() { echo; echo "=== $* ==="; }
step "type-check";            npx tsc --noEmit -p .
step "unit tests";            npx jest --selectProjects unit
step "stack rules + checkov"; bash scripts/checkov.sh
step "python function tests"; bash scripts/test-python.sh
step "integration tests";     npx jest --selectProjects integration --runInBand
