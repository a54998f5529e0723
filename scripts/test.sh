#!/usr/bin/env bash
# The test command: installs dependencies, builds (release + sanitizer build), runs CTest.
# Shared models/data are found through PPOCR_SHARED_DIR (default ../shared); tests
# that need them skip with a message when absent.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
jobs=$(nproc)
(cd build && ctest --output-on-failure -j"$jobs" --timeout 900)
if [ -z "${PPOCR_SKIP_SANITIZE:-}" ]; then
  # AddressSanitizer + UBSan build; runs the labelled robustness/unit subset.
  PPOCR_NO_APT=1 BUILD_DIR=build-asan CMAKE_ARGS="-DCMAKE_BUILD_TYPE=Release -DPPOCR_SANITIZE=ON -DPPOCR_BUILD_BENCH=OFF" scripts/setup.sh
  (cd build-asan && ASAN_OPTIONS=detect_leaks=1 ctest --output-on-failure -j"$jobs" --timeout 1500 -L "${PPOCR_SANITIZE_LABELS:-engine|robust}")
fi
