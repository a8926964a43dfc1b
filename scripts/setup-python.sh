#!/usr/bin/env bash
# Creates (or refreshes) the project's Python virtualenv at .work/venv.
#
#   scripts/setup-python.sh          moto server + the functions' test dependencies
#   scripts/setup-python.sh --ml     also torch (CPU-only) + transformers, for the analysis tests
#                                    and the tiny model script (scripts/model/make_tiny_model.py)
#
# Idempotent and quick when nothing changed: a stamp file holds the hash of the requirement
# files it was made from, and pip only runs again when that hash changes.
# Environment: PYTHON (interpreter for the venv, default python3), VENV_DIR (default .work/venv).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
PYTHON="${PYTHON:-python3}"
VENV_DIR="${VENV_DIR:-$ROOT/.work/venv}"
WITH_ML=0
for arg in "$@"; do
  case "$arg" in
    --ml) WITH_ML=1 ;;
    -h|--help) sed -n '2,12p' "$0"; exit 0 ;;
    *) echo "setup-python.sh: unknown argument '$arg' (known: --ml)" >&2; exit 2 ;;
  esac
done

log() { echo "[setup-python] $*" >&2; }

if ! command -v "$PYTHON" >/dev/null 2>&1; then
  log "no '$PYTHON' on PATH. Install Python 3.11+ (Debian: apt-get install python3 python3-venv) or set PYTHON=/path/to/python3."
  exit 1
fi

if [ ! -x "$VENV_DIR/bin/python" ]; then
  log "creating $VENV_DIR with $($PYTHON --version 2>&1)"
  mkdir -p "$(dirname "$VENV_DIR")"
  if ! "$PYTHON" -m venv "$VENV_DIR"; then
    log "'$PYTHON -m venv' failed. On Debian install python3-venv (apt-get install python3-venv)."
    exit 1
  fi
fi
VPY="$VENV_DIR/bin/python"
# -qq: the machine's extra file indexes make pip warn once per package; errors still show.
PIP=("$VPY" -m pip --disable-pip-version-check -qq)

hash_of() { cat "$@" | sha256sum | cut -c1-16; }

# --- base: moto server, pytest, the ZIP functions' requirements -----------------------------
BASE_FILES=(requirements-dev.txt lambdas/dashboard/requirements.txt lambdas/ingestion/requirements.txt)
BASE_STAMP="$VENV_DIR/.stamp-base"
BASE_HASH="$(hash_of "${BASE_FILES[@]}")"
if [ "$(cat "$BASE_STAMP" 2>/dev/null || true)" != "$BASE_HASH" ]; then
  log "installing requirements-dev.txt (moto server, pytest, function dependencies)"
  "${PIP[@]}" install -r requirements-dev.txt
  echo "$BASE_HASH" > "$BASE_STAMP"
else
  log "base packages up to date ($VENV_DIR)"
fi

# --- optional: torch CPU + transformers ------------------------------------------------------
if [ "$WITH_ML" = 1 ]; then
  ML_FILES=(lambdas/analysis/requirements.txt)
  ML_STAMP="$VENV_DIR/.stamp-ml"
  ML_HASH="$(hash_of "${ML_FILES[@]}")"
  if [ "$(cat "$ML_STAMP" 2>/dev/null || true)" != "$ML_HASH" ]; then
    PYTAG="$("$VPY" -c 'import sys; print(f"cp{sys.version_info[0]}{sys.version_info[1]}")')"
    # PyPI's Linux torch is the CUDA build (GBs of nvidia wheels); use a local CPU wheel when the
    # machine has one (pip find-links, e.g. /opt/wheels), else PyTorch's CPU index.
    LINKS="${PIP_FIND_LINKS:-$("$VPY" -m pip config get global.find-links 2>/dev/null || true)}"
    TORCH_WHEEL=""
    for dir in $LINKS; do
      dir="${dir#file://}"
      [ -d "$dir" ] || continue
      candidate="$(ls "$dir"/torch-*+cpu-"$PYTAG"-"$PYTAG"-*linux*_x86_64.whl 2>/dev/null | sort -V | tail -1 || true)"
      if [ -n "$candidate" ]; then TORCH_WHEEL="$candidate"; fi
    done
    if [ -n "$TORCH_WHEEL" ]; then
      log "installing CPU torch from local wheel $TORCH_WHEEL"
      "${PIP[@]}" install "$TORCH_WHEEL"
    else
      log "no local CPU torch wheel for $PYTAG; using https://download.pytorch.org/whl/cpu"
      "${PIP[@]}" install torch --index-url https://download.pytorch.org/whl/cpu
    fi
    # torch is already satisfied, so this never pulls the CUDA build from PyPI.
    log "installing lambdas/analysis/requirements.txt (transformers)"
    grep -v -E '^\s*torch([=<>! ]|$)' lambdas/analysis/requirements.txt > "$VENV_DIR/.analysis-requirements-no-torch.txt"
    "${PIP[@]}" install -r "$VENV_DIR/.analysis-requirements-no-torch.txt"
    echo "$ML_HASH" > "$ML_STAMP"
  else
    log "ML packages up to date ($VENV_DIR)"
  fi
fi

log "ready: $VENV_DIR"
