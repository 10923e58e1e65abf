#!/usr/bin/env bash
# Install Amber into ./.venv (created if missing) and put `amber` on PATH via ~/.local/bin.
# Usage: scripts/setup.sh [--dev]     (--dev adds the test and lint tools)
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON=${PYTHON:-python3}
VENV=${AMBER_VENV:-.venv}

if [ ! -x "$VENV/bin/python" ]; then
  "$PYTHON" -m venv "$VENV"
fi
"$VENV/bin/python" -m pip install --quiet --upgrade pip
extra=""
[ "${1:-}" = "--dev" ] && extra="[dev]"
"$VENV/bin/python" -m pip install --quiet -e ".${extra}"

# A stable `amber` on PATH that points into this checkout's environment.
mkdir -p "$HOME/.local/bin"
ln -sf "$PWD/$VENV/bin/amber" "$HOME/.local/bin/amber"
case ":$PATH:" in
  *":$HOME/.local/bin:"*) ;;
  *) echo "note: add ~/.local/bin to PATH (or run $PWD/$VENV/bin/amber)" >&2 ;;
esac
echo "amber installed: $("$VENV/bin/amber" version)"
