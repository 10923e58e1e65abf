#!/usr/bin/env bash
# System packages the capture daemon needs, installed only when missing (idempotent):
#   tesseract-ocr      OCR for the screen source (pytesseract calls the binary)
#   tesseract-ocr-eng  the English language data
#   xvfb               a virtual X display for the screen tests and scripts/bench_daemon.py
#   libtk8.6           Tk, for the test window that shows known text under Xvfb
#   fonts-dejavu-core  a font that window can draw its text with
#   xdotool            the active window's title and geometry on X11
#   x11-utils          xprop: the active window's process or class (for excluded apps)
#   libxcb-screensaver0  how long the user has been idle (captures slow down meanwhile)
# Debian/Ubuntu only (apt-get); elsewhere it prints what to install and exits 0.
set -euo pipefail

PACKAGES=(tesseract-ocr tesseract-ocr-eng xvfb xdotool x11-utils libxcb-screensaver0 libtk8.6
          fonts-dejavu-core)

if ! command -v apt-get >/dev/null 2>&1; then
    echo "system-deps: no apt-get here; install these yourself: ${PACKAGES[*]}" >&2
    echo "  macOS: brew install tesseract (the screen source needs no X server there)" >&2
    exit 0
fi

missing=()
for pkg in "${PACKAGES[@]}"; do
    if ! dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed"; then
        missing+=("$pkg")
    fi
done

if [ ${#missing[@]} -eq 0 ]; then
    echo "system-deps: all present (${PACKAGES[*]})"
    exit 0
fi

SUDO=""
if [ "$(id -u)" -ne 0 ]; then
    if command -v sudo >/dev/null 2>&1; then
        SUDO="sudo"
    else
        echo "system-deps: need root to install: ${missing[*]}" >&2
        exit 1
    fi
fi

echo "system-deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
