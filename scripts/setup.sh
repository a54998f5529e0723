#!/usr/bin/env bash
# Installs ppocr's build dependencies (Debian packages only) and builds it.
#   scripts/setup.sh            install + release build in build/
#   PPOCR_NO_APT=1 scripts/setup.sh   build only
set -euo pipefail
cd "$(dirname "$0")/.."
if [ -z "${PPOCR_NO_APT:-}" ]; then
  missing=()
  while read -r pkg; do
    [ -z "$pkg" ] && continue
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
  done < scripts/deps.txt
  if [ ${#missing[@]} -gt 0 ]; then
    SUDO=""
    [ "$(id -u)" -ne 0 ] && SUDO="sudo"
    echo "Installing: ${missing[*]}"
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
  fi
fi
BUILD_DIR=${BUILD_DIR:-build}
cmake -S . -B "$BUILD_DIR" -G Ninja -DCMAKE_BUILD_TYPE=Release ${CMAKE_ARGS:-}
cmake --build "$BUILD_DIR" -j"$(nproc)"
# The Python package `ppocr` for Debian's python3 (docs/python.md), so that
# `python3 -c "import ppocr"` works after this script; only for the main build.
if [ "$BUILD_DIR" = build ] && [ -z "${PPOCR_NO_PY_INSTALL:-}" ] && [ -f "$BUILD_DIR/python/ppocr/__init__.py" ]; then
  SUDO=""
  [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO cmake --install "$BUILD_DIR" --component python >/dev/null && echo "Installed the Python package ppocr"
fi
