#!/usr/bin/env bash
# Latency of our engine vs ONNX Runtime on every model in ../shared/models/onnx
# with its golden input, at 1 and 2 threads; our peak RSS; agreement with the
# golden output. Writes the table between the compare_ort markers of
# docs/performance.md (the rest of that file is kept) and prints it.
#
#   bench/compare_ort.sh [--repeat 20] [--threads "1 2"] [--models "A B"] [--no-write]
#
# Needs build/ppocr and build/bench/npy_compare (cmake --build build --target ppocr_cli npy_compare),
# node, and onnxruntime-node (installed on first use by ort_run.js).
set -euo pipefail
cd "$(dirname "$0")/.."
SHARED=${PPOCR_SHARED_DIR:-../shared}
REPEAT=20
THREADS="1 2"
MODELS=""
WRITE=1
while [ $# -gt 0 ]; do
  case "$1" in
    --repeat) REPEAT=$2; shift 2 ;;
    --threads) THREADS=$2; shift 2 ;;
    --models) MODELS=$2; shift 2 ;;
    --no-write) WRITE=0; shift ;;
    *) echo "unknown argument $1" >&2; exit 2 ;;
  esac
done
PPOCR=build/ppocr
CMP=build/bench/npy_compare
for f in "$PPOCR" "$CMP"; do [ -x "$f" ] || { echo "missing $f (build it first)" >&2; exit 1; }; done
[ -d "$SHARED/models/onnx" ] || { echo "no $SHARED/models/onnx" >&2; exit 1; }

input_for() {
  case "$1" in
    *_det|*_det_int8) echo "$SHARED/golden/inputs/det_1x3x640x416.npy" ;;
    PP-OCRv6_tiny_rec) echo "$SHARED/golden/inputs/rec_4x3x48x160.npy" ;;
    en_number_mobile_v2.0_rec) echo "$SHARED/golden/inputs/rec_4x3x32x160.npy" ;;
    *_cls) echo "$SHARED/golden/inputs/cls_4x3x48x192.npy" ;;
    *) echo "" ;;
  esac
}

TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
[ -n "$MODELS" ] || MODELS=$(ls "$SHARED/models/onnx")
LOAD_BEFORE=$(cut -d' ' -f1-3 /proc/loadavg)
ROWS=""
for m in $MODELS; do
  dir="$SHARED/models/onnx/$m"
  in=$(input_for "$m")
  [ -n "$in" ] && [ -f "$in" ] && [ -f "$dir/inference.onnx" ] || { echo "skip $m (no golden input)" >&2; continue; }
  for n in $THREADS; do
    ours_ms="error"; rss="-"; cpu="-"; acc="-"
    if /usr/bin/time -v -o "$TMP/time" "$PPOCR" model run "$dir" -i "$in" -o "$TMP/out.npy" \
        --repeat "$REPEAT" --threads "$n" > "$TMP/ours" 2> "$TMP/err"; then
      ours_ms=$(sed -n 's/^median_ms: \([0-9.]*\).*/\1/p' "$TMP/ours")
      rss=$(awk -F': ' '/Maximum resident/ {printf "%.0f", $2/1024}' "$TMP/time")
      cpu=$(awk -F': ' -v r="$REPEAT" '/User time/ {u=$2} /System time/ {s=$2} END {printf "%.1f", (u+s)*1000/(r+1)}' "$TMP/time")
      golden="$SHARED/golden/onnx/$m.npy"
      if [ -f "$golden" ]; then
        acc=$("$CMP" "$TMP/out.npy" "$golden" | awk '{printf "max %.2g, bin %s, argmax %s", $2, $6, $8}')
      fi
    else
      echo "ours failed on $m: $(tail -1 "$TMP/err")" >&2
    fi
    ort_ms=$(node "$SHARED/tools/ort_run.js" "$dir/inference.onnx" "$in" --threads "$n" --repeat "$REPEAT" 2> /dev/null |
      sed -n 's/.*"median_ms":\([0-9.]*\).*/\1/p' || true)
    [ -n "$ort_ms" ] || ort_ms="error"
    ratio=$(awk -v a="$ours_ms" -v b="$ort_ms" 'BEGIN { if (a+0 > 0 && b+0 > 0) printf "%.2f", a/b; else print "-" }')
    row="| $m | $(basename "$in" .npy) | $n | $ours_ms | $ort_ms | $ratio | $cpu | $rss | $acc |"
    echo "$row"
    ROWS="$ROWS$row"$'\n'
  done
done
LOAD_AFTER=$(cut -d' ' -f1-3 /proc/loadavg)

TABLE="Measured $(date -u '+%Y-%m-%d %H:%M UTC') on $(nproc) cores ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')),
load average before/after: $LOAD_BEFORE / $LOAD_AFTER; median of $REPEAT runs after one warm-up.
\`cpu ms/run\` is our process's user+system CPU time divided by the runs (includes loading the model):
on a shared, busy machine it is steadier than wall-clock latency.

| model | input | threads | ours ms | ORT ms | ours/ORT | cpu ms/run | peak RSS MiB | vs golden (max abs, binarised map %, argmax %) |
| --- | --- | --- | --- | --- | --- | --- | --- | --- |
$ROWS"

if [ "$WRITE" = 1 ]; then
  DOC=docs/performance.md
  mkdir -p docs
  [ -f "$DOC" ] || printf '# Performance\n\n<!-- compare_ort:begin -->\n<!-- compare_ort:end -->\n' > "$DOC"
  printf '%s\n' "$TABLE" > "$TMP/table"
  awk -v tf="$TMP/table" '
    /<!-- compare_ort:begin -->/ { print; while ((getline l < tf) > 0) print l; skip = 1; next }
    /<!-- compare_ort:end -->/ { skip = 0 }
    !skip { print }' "$DOC" > "$TMP/doc" && cp "$TMP/doc" "$DOC"
  echo "wrote $DOC" >&2
fi
