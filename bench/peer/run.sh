#!/usr/bin/env bash
# ppocr against ppu-paddle-ocr (npm, ONNX Runtime through onnxruntime-node) on
# the same images with the same ONNX files: pages/s of each (medians of
# alternated runs) and each one's accuracy with ../shared/tools/ocr_score.py.
#
#   bench/peer/run.sh [--sets "icdar2015 sroie"] [--threads "1 2"] [--runs 3] [--limit N]
#
# - ppocr: `ppocr ocr -i DIR -q --timing --cpu_threads T`, pages/s "after model
#   load" (reading, decoding, inference; nothing written).
# - peer: bench/peer/ppu_ocr.mjs (batchRecognize over the folder with ONNX
#   Runtime's intraOpNumThreads = T, its default concurrency; nothing written
#   while timed).
# - Both run under `taskset -c 0..T-1`, so T threads means T cores for both
#   (Node's own threads included).
# - Runs alternate (ppocr first in odd runs, the peer first in even ones); the
#   load average is printed before each set. Then one more run of each writes
#   result JSON for the scores.
# The peer is installed once into $PEER_DIR (default ~/.cache/ppocr-peer):
# npm install --ignore-scripts ppu-paddle-ocr@6.3.0 onnxruntime-node@1.30.0.
# It is a benchmark tool only, never a dependency of ppocr.
set -euo pipefail
cd "$(dirname "$0")/../.."
SHARED=${PPOCR_SHARED_DIR:-../shared}
BIN=${BIN:-build/ppocr}
DET=${DET:-$SHARED/models/onnx/PP-OCRv6_tiny_det}
REC=${REC:-$SHARED/models/onnx/PP-OCRv6_tiny_rec}
PEER_DIR=${PEER_DIR:-$HOME/.cache/ppocr-peer}
SETS="icdar2015 sroie"
THREADS="1 2"
RUNS=3
LIMIT=0
while [ $# -gt 0 ]; do
  case "$1" in
    --sets) SETS=$2; shift 2 ;;
    --threads) THREADS=$2; shift 2 ;;
    --runs) RUNS=$2; shift 2 ;;
    --limit) LIMIT=$2; shift 2 ;;
    *) echo "unknown argument $1" >&2; exit 2 ;;
  esac
done
[ -x "$BIN" ] || { echo "missing $BIN (cmake --build build --target ppocr_cli)" >&2; exit 1; }
if [ ! -d "$PEER_DIR/node_modules/ppu-paddle-ocr" ] || [ ! -d "$PEER_DIR/node_modules/onnxruntime-node" ]; then
  mkdir -p "$PEER_DIR"
  [ -f "$PEER_DIR/package.json" ] || echo '{"private": true}' > "$PEER_DIR/package.json"
  (cd "$PEER_DIR" && npm install --silent --no-audit --no-fund --ignore-scripts ppu-paddle-ocr@6.3.0 onnxruntime-node@1.30.0)
fi
OUT=$(mktemp -d /tmp/ppocr-peer.XXXX)
# The recogniser's dictionary as the peer reads it: one character per line (it adds the blank and the space).
DICT="$OUT/dict.txt"
python3 - "$REC/inference.yml" "$DICT" <<'EOF'
import sys, yaml
chars = yaml.safe_load(open(sys.argv[1]))["PostProcess"]["character_dict"]
open(sys.argv[2], "w", encoding="utf-8").write("".join(c + "\n" for c in chars))
EOF

# A folder with the first LIMIT images of a set (all when 0).
images_of() {
  local src="$SHARED/data/$1/images"
  if [ "$LIMIT" -gt 0 ]; then
    local d="$OUT/images_$1"
    if [ ! -d "$d" ]; then
      mkdir -p "$d"
      ls "$src" | sort | head -n "$LIMIT" | while read -r f; do ln -s "$(realpath "$src/$f")" "$d/$f"; done
    fi
    echo "$d"
  else
    echo "$src"
  fi
}
cores() { echo "0-$(( $1 - 1 ))"; }
run_ppocr() {  # set threads [save_dir] -> pages/s
  local save=()
  [ -n "${3:-}" ] && save=(--save_path "$3")
  taskset -c "$(cores "$2")" "$BIN" ocr -i "$(images_of "$1")" -q --timing --cpu_threads "$2" "${save[@]}" \
    --text_detection_model_dir "$DET" --text_recognition_model_dir "$REC" \
    --use_doc_orientation_classify False --use_doc_unwarping False --use_textline_orientation False 2>&1 |
    sed -n 's/.*after model load \([0-9.]*\);.*/\1/p'
}
run_peer() {  # set threads [out_dir] -> pages/s
  local out=()
  [ -n "${3:-}" ] && out=(--out "$3")
  PEER_DIR="$PEER_DIR" taskset -c "$(cores "$2")" node bench/peer/ppu_ocr.mjs --images "$(images_of "$1")" \
    --det "$DET/inference.onnx" --rec "$REC/inference.onnx" --dict "$DICT" --threads "$2" "${out[@]}" |
    python3 -c 'import json,sys; print(json.loads(sys.stdin.read())["pages_per_s"])'
}
median() { printf '%s\n' "$@" | sort -g | awk '{v[NR]=$1} END {print (NR%2 ? v[(NR+1)/2] : (v[NR/2]+v[NR/2+1])/2)}'; }
score() {  # set dir -> summary
  if [ "$1" = icdar2015 ]; then
    python3 "$SHARED/tools/ocr_score.py" icdar2015 --gt "$SHARED/data/icdar2015/gt" --pred "$2" |
      python3 -c 'import json,sys; m=json.load(sys.stdin); print("det hmean %.3f / e2e hmean %.3f / word F1 %.3f" % (m["det_hmean"], m["e2e_hmean"], m["word_f1"]))'
  else
    python3 "$SHARED/tools/ocr_score.py" quads --gt "$SHARED/data/$1/gt" --pred "$2" |
      python3 -c 'import json,sys; m=json.load(sys.stdin); print("det hmean %.3f / char acc %.3f / word F1 %.3f" % (m["det_hmean"], m["char_acc"], m["word_f1"]))'
  fi
}

PEER_NAME="ppu-paddle-ocr $(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["version"])' "$PEER_DIR/node_modules/ppu-paddle-ocr/package.json") (onnxruntime-node $(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["version"])' "$PEER_DIR/node_modules/onnxruntime-node/package.json"))"
echo "machine: $(nproc) cores; $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs); $(date -u '+%Y-%m-%d %H:%M UTC')"
echo "models: $(basename "$DET") + $(basename "$REC"); peer: $PEER_NAME; $RUNS alternated runs per row"
ROWS=()
for set in $SETS; do
  n=$(ls "$(images_of "$set")" | wc -l)
  for t in $THREADS; do
    load=$(cut -d' ' -f1-3 /proc/loadavg)
    ours=() peer=()
    for r in $(seq "$RUNS"); do
      if [ $(( r % 2 )) -eq 1 ]; then ours+=("$(run_ppocr "$set" "$t")"); peer+=("$(run_peer "$set" "$t")")
      else peer+=("$(run_peer "$set" "$t")"); ours+=("$(run_ppocr "$set" "$t")"); fi
    done
    mo=$(median "${ours[@]}") mp=$(median "${peer[@]}")
    ratio=$(awk -v a="$mo" -v b="$mp" 'BEGIN {printf "%.2f", a / b}')
    echo "$set ($n pages), $t thread(s), load before $load: ppocr ${ours[*]} pages/s, peer ${peer[*]} pages/s -> medians $mo / $mp = ${ratio}x"
    ROWS+=("| $set ($n) | $t | $mo | $mp | ${ratio}x | ${ours[*]} | ${peer[*]} | $load |")
  done
done
echo
echo "| data (pages) | threads = cores | ppocr pages/s | peer pages/s | ppocr / peer | ppocr runs | peer runs | load before |"
echo "| --- | --- | --- | --- | --- | --- | --- | --- |"
printf '%s\n' "${ROWS[@]}"
echo
t1=$(echo "$THREADS" | awk '{print $1}')
for set in $SETS; do
  run_ppocr "$set" "$t1" "$OUT/ppocr_$set" > /dev/null
  run_peer "$set" "$t1" "$OUT/peer_$set" > /dev/null
  echo "$set accuracy: ppocr $(score "$set" "$OUT/ppocr_$set"); peer $(score "$set" "$OUT/peer_$set")"
done
echo "(result JSON under $OUT)"
