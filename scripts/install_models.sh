#!/bin/sh
# Registers the shared models (../shared/models) in the model cache under
# their names, so `ppocr ocr` finds a default model set without network.
#   scripts/install_models.sh [--copy] [SHARED_MODELS_DIR]
# Cache: $PPOCR_HOME if set, else $PADDLE_PDX_CACHE_HOME/official_models if set,
# else ~/.paddlex/official_models (as ppocr uses).
# Symlinks by default; --copy copies. Existing entries are left alone.
set -eu
mode=link
if [ "${1:-}" = "--copy" ]; then mode=copy; shift; fi
here=$(cd "$(dirname "$0")/.." && pwd)
src=${1:-"$here/../shared/models"}
[ -d "$src" ] || { echo "error: shared models not found at $src" >&2; exit 1; }
src=$(cd "$src" && pwd)
if [ -n "${PPOCR_HOME:-}" ]; then cache=$PPOCR_HOME
elif [ -n "${PADDLE_PDX_CACHE_HOME:-}" ]; then cache=$PADDLE_PDX_CACHE_HOME/official_models
else cache=$HOME/.paddlex/official_models; fi
mkdir -p "$cache"

# name <- folder (first existing wins). Graph-only folders hold no weights and are not registered.
install_one() {
  name=$1; shift
  if [ -e "$cache/$name" ] || [ -L "$cache/$name" ]; then
    echo "kept      $cache/$name (already present)"; return 0
  fi
  for d in "$@"; do
    if [ -d "$src/$d" ]; then
      if [ "$mode" = copy ]; then cp -r "$src/$d" "$cache/$name"; else ln -s "$src/$d" "$cache/$name"; fi
      echo "installed $cache/$name -> $src/$d"; return 0
    fi
  done
  echo "skipped   $name (not in $src)"
}

install_one PP-OCRv6_tiny_det onnx/PP-OCRv6_tiny_det ncnn/PP-OCRv6_tiny_det
install_one PP-OCRv6_tiny_rec onnx/PP-OCRv6_tiny_rec ncnn/PP-OCRv6_tiny_rec
install_one PP-OCRv5_mobile_det onnx/PP-OCRv5_mobile_det ncnn/PP-OCRv5_mobile_det
install_one latin_PP-OCRv5_mobile_rec ncnn/latin_PP-OCRv5_mobile_rec
# The official PP-OCRv4 mobile pair (fp32; Paddle 2 files, the same weights as ONNX): --ocr_version PP-OCRv4 --lang ch
install_one PP-OCRv4_mobile_det paddle/PP-OCRv4_mobile_det onnx/PP-OCRv4_mobile_det
install_one PP-OCRv4_mobile_rec paddle/PP-OCRv4_mobile_rec onnx/PP-OCRv4_mobile_rec
install_one PP-LCNet_x1_0_textline_ori ncnn/PP-LCNet_x1_0_textline_ori
install_one PP-LCNet_x0_25_textline_ori paddle/PP-LCNet_x0_25_textline_ori
echo "model cache: $cache"
