#!/usr/bin/env bash
# `ppocr ocr --cpu_threads 1` vs `--cpu_threads 2` on a 2-core host with one
# busy process beside it (a shell loop spinning on a core), alternated runs:
# pages/s after model load (pipeline time), medians. Then the same with
# GNU OpenMP's own spinning (PPOCR_OMP_SPIN_DEFAULT=0) for comparison, and
# one image alone (intra-op threads) both ways.
#
#   bench/throughput/busy_host.sh [RUNS] [IMAGES]     # defaults 3, 20 ICDAR 2015 images
set -euo pipefail
cd "$(dirname "$0")/../.."
SHARED=${PPOCR_SHARED_DIR:-../shared}
BIN=${BIN:-build/ppocr}
DET=${DET:-$SHARED/models/onnx/PP-OCRv6_tiny_det}
REC=${REC:-$SHARED/models/onnx/PP-OCRv6_tiny_rec}
RUNS=${1:-3}
N=${2:-20}
OUT=$(mktemp -d /tmp/ppocr-busy.XXXX)
mkdir -p "$OUT/images"
ls "$SHARED/data/icdar2015/images" | sort | head -n "$N" | while read -r f; do
  ln -s "$(realpath "$SHARED/data/icdar2015/images/$f")" "$OUT/images/$f"; done
ARGS=(--text_detection_model_dir "$DET" --text_recognition_model_dir "$REC" --use_doc_orientation_classify False
      --use_doc_unwarping False --use_textline_orientation False -q --timing)
median() { printf '%s\n' "$@" | sort -g | awk '{v[NR]=$1} END {print (NR%2 ? v[(NR+1)/2] : (v[NR/2]+v[NR/2+1])/2)}'; }
rate() {  # NAME=VALUE ppocr-args... -> pages/s after model load
  local e=$1
  shift
  env "$e" "$BIN" ocr "${ARGS[@]}" "$@" 2>&1 | sed -n 's/.*after model load \([0-9.]*\);.*/\1/p'
}
echo "machine: $(nproc) cores; $(date -u '+%Y-%m-%d %H:%M UTC'); load before the busy loop $(cut -d' ' -f1-3 /proc/loadavg)"
sh -c 'while :; do :; done' &
BUSY=$!
trap 'kill $BUSY 2>/dev/null || true' EXIT
sleep 2
for mode in ours libgomp; do
  e=PPOCR_BENCH=1
  [ "$mode" = libgomp ] && e=PPOCR_OMP_SPIN_DEFAULT=0
  for what in folder one; do
    input="$OUT/images"
    [ "$what" = one ] && input="$OUT/images/$(ls "$OUT/images" | head -1)"
    one=() two=()
    for r in $(seq "$RUNS"); do
      one+=("$(rate "$e" -i "$input" --cpu_threads 1)")
      two+=("$(rate "$e" -i "$input" --cpu_threads 2)")
    done
    echo "busy loop beside, OpenMP waiting: $mode; $what ($([ "$what" = one ] && echo 1 || echo "$N") images): cpu_threads 1 $(median "${one[@]}") pages/s (${one[*]}), cpu_threads 2 $(median "${two[@]}") pages/s (${two[*]})"
  done
done
