#!/usr/bin/env bash
# Cold start and memory of `ppocr ocr` with the tiny models: one image end to
# end (process start to its JSON on stdout, then exit) and peak RSS, medians of
# RUNS runs at 1 and 2 threads; then the peak RSS of whole-folder runs (pages
# in flight are bounded: cpu_threads + 1).
#
#   bench/throughput/cold_start.sh [RUNS]      # default 10
#
# Env: BIN, DET, REC, IMAGE (default ICDAR 2015 img_10.jpg), FOLDERS.
set -euo pipefail
cd "$(dirname "$0")/../.."
SHARED=${PPOCR_SHARED_DIR:-../shared}
BIN=${BIN:-build/ppocr}
DET=${DET:-$SHARED/models/onnx/PP-OCRv6_tiny_det}
REC=${REC:-$SHARED/models/onnx/PP-OCRv6_tiny_rec}
IMAGE=${IMAGE:-$SHARED/data/icdar2015/images/img_10.jpg}
FOLDERS=${FOLDERS:-"$SHARED/data/icdar2015/images $SHARED/data/sroie/images"}
RUNS=${1:-10}
OUT=$(mktemp -d /tmp/ppocr-cold.XXXX)
ARGS=(--text_detection_model_dir "$DET" --text_recognition_model_dir "$REC" --use_doc_orientation_classify False
      --use_doc_unwarping False --use_textline_orientation False)
median() { printf '%s\n' "$@" | sort -g | awk '{v[NR]=$1} END {print (NR%2 ? v[(NR+1)/2] : (v[NR/2]+v[NR/2+1])/2)}'; }

echo "machine: $(nproc) cores; $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs); $(date -u '+%Y-%m-%d %H:%M UTC'); load $(cut -d' ' -f1-3 /proc/loadavg)"
echo "one image: $(basename "$IMAGE"); $RUNS runs each (the page cache is warm: the first run is not counted)"
"$BIN" ocr -i "$IMAGE" "${ARGS[@]}" > /dev/null 2>&1
for t in 1 2; do
  walls=() rss=() version=()
  for r in $(seq "$RUNS"); do
    /usr/bin/time -f "%e %M" -o "$OUT/time" "$BIN" ocr -i "$IMAGE" "${ARGS[@]}" --cpu_threads "$t" > "$OUT/out.json" 2> /dev/null
    grep -q '"rec_texts"' "$OUT/out.json" || { echo "no JSON on stdout" >&2; exit 1; }
    read -r w m < "$OUT/time"
    walls+=("$w") rss+=("$m")
    /usr/bin/time -f "%e" -o "$OUT/time" "$BIN" --version > /dev/null
    version+=("$(cat "$OUT/time")")
  done
  echo "cpu_threads $t: process start to JSON $(median "${walls[@]}") s (runs: ${walls[*]}); peak RSS $(( $(median "${rss[@]}") / 1024 )) MiB; \`ppocr --version\` alone $(median "${version[@]}") s"
done
for dir in $FOLDERS; do
  for t in 1 2; do
    /usr/bin/time -f "%e %M" -o "$OUT/time" "$BIN" ocr -i "$dir" "${ARGS[@]}" --cpu_threads "$t" -q --timing 2> "$OUT/err"
    read -r w m < "$OUT/time"
    echo "folder $(basename "$(dirname "$dir")") ($(ls "$dir" | wc -l) images), cpu_threads $t: wall $w s, peak RSS $(( m / 1024 )) MiB; $(grep timing: "$OUT/err" | sed 's/.*; \([0-9.]* pages\/s (after model load [^)]*)\)/\1/')"
  done
done
