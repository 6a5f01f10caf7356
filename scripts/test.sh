#!/usr/bin/env bash
# Set up a virtualenv with Covet, its extras and the covet-accel wheel (built by cargo), then run the test suite.
# Usage: bash scripts/test.sh [pytest args...]
set -euo pipefail
cd "$(dirname "$0")/.."

PYTHON="${PYTHON:-python3}"
VENV="${VENV:-.venv}"

if [ ! -x "$VENV/bin/python" ]; then
    "$PYTHON" -m venv "$VENV"
fi
"$VENV/bin/python" -m pip install --quiet --upgrade pip
"$VENV/bin/python" -m pip install --quiet -e ".[dev,postgres,redis]"
if [ -d accel ] && [ -f accel/pyproject.toml ]; then
    echo "Building covet-accel (Rust, release mode)..."
    "$VENV/bin/python" -m pip install --quiet ./accel
fi

echo "Running the test suite..."
exec "$VENV/bin/python" -m pytest "$@"
