#!/usr/bin/env bash
# `ppocr serve` at 1 and 16 concurrent clients on SROIE receipts (wrk, keep-alive,
# the bodies of bench/serve): throughput, p50/p99 latency, the ratio c16 / c1,
# and the server's RSS sampled every second during the c16 run (max) and its
# peak (VmHWM) at the end.
#
#   bench/throughput/serve_clients.sh             # WORKERS=2 CPU_THREADS=2 DURATION=60
set -euo pipefail
cd "$(dirname "$0")/../.."
SHARED=${PPOCR_SHARED_DIR:-../shared}
BIN=${BIN:-build/ppocr}
DET=${DET:-$SHARED/models/onnx/PP-OCRv6_tiny_det}
REC=${REC:-$SHARED/models/onnx/PP-OCRv6_tiny_rec}
WORKERS=${WORKERS:-2}
CPU_THREADS=${CPU_THREADS:-2}
DURATION=${DURATION:-60}
PORT=${PORT:-18491}
OUT=$(mktemp -d /tmp/ppocr-serve16.XXXX)
python3 bench/serve/make_bodies.py "$OUT/sroie" "$SHARED"/data/sroie/images/*.jpg > /dev/null
"$BIN" serve --port "$PORT" --workers "$WORKERS" --queue_size 64 --timeout_s 600 --visualize False \
  --text_detection_model_dir "$DET" --text_recognition_model_dir "$REC" --cpu_threads "$CPU_THREADS" \
  --use_doc_orientation_classify False --use_doc_unwarping False --use_textline_orientation False \
  2> "$OUT/server.log" &
SERVER=$!
trap 'kill -TERM $SERVER 2>/dev/null || true' EXIT
for _ in $(seq 100); do curl -sf "http://127.0.0.1:$PORT/health" > /dev/null && break; sleep 0.1; done
status() { awk -v k="$1:" '$1 == k {print $2}' "/proc/$SERVER/status"; }
echo "machine: $(nproc) cores; $(date -u '+%Y-%m-%d %H:%M UTC'); load $(cut -d' ' -f1-3 /proc/loadavg)"
echo "server: workers $WORKERS, cpu_threads $CPU_THREADS; RSS after start $(( $(status VmRSS) / 1024 )) MiB"
python3 bench/serve/load.py "127.0.0.1:$PORT" "$OUT/sroie" 50 2 > /dev/null   # warm-up: every receipt once
declare -A rate
for c in 1 16; do
  if [ "$c" = 16 ]; then
    ( while kill -0 $SERVER 2>/dev/null; do status VmRSS; sleep 1; done ) > "$OUT/rss16.txt" &
    SAMPLER=$!
  fi
  res=$(wrk -t"$(( c < 4 ? c : 4 ))" -c"$c" -d"${DURATION}s" --timeout 600s -s bench/serve/post_ocr.lua \
        "http://127.0.0.1:$PORT" -- "$OUT/sroie" | grep -E "responses|throughput|latency p50")
  [ "$c" = 16 ] && kill $SAMPLER 2>/dev/null || true
  rate[$c]=$(echo "$res" | sed -n 's/throughput: \([0-9.]*\).*/\1/p')
  echo "concurrency $c: $(echo "$res" | tr '\n' ';' | sed 's/;$//')"
done
echo "c16 / c1 throughput: $(awk -v a="${rate[16]}" -v b="${rate[1]}" 'BEGIN {printf "%.2f", a / b}')x"
echo "RSS during c16: max $(( $(sort -n "$OUT/rss16.txt" | tail -1) / 1024 )) MiB; peak (VmHWM) $(( $(status VmHWM) / 1024 )) MiB"
