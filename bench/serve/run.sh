#!/usr/bin/env bash
# Load test of `ppocr serve` with wrk: throughput and p50/p99 latency at
# concurrency 1, 4 and 16 on SROIE receipts, then a long run (default 10,000
# requests) watching the server's RSS.
#
#   bench/serve/run.sh                 # everything, defaults below
#   DURATION=60 TOTAL=10000 bench/serve/run.sh
#
# Env: BIN (ppocr binary), DET/REC (model dirs), WORKERS, CPU_THREADS, DURATION
# (seconds per concurrency level), LEVELS (concurrency levels, "" skips them),
# TOTAL (requests of the RSS run, 0 skips it), RSS_IMAGES ("sroie": receipts;
# "words": ICDAR 2015 word crops, fast), PORT.
set -euo pipefail
cd "$(dirname "$0")/../.."
SHARED=${PPOCR_SHARED_DIR:-../shared}
BIN=${BIN:-build/ppocr}
DET=${DET:-$SHARED/models/onnx/PP-OCRv6_tiny_det}
REC=${REC:-$SHARED/models/onnx/PP-OCRv6_tiny_rec}
WORKERS=${WORKERS:-2}
CPU_THREADS=${CPU_THREADS:-1}
DURATION=${DURATION:-60}
TOTAL=${TOTAL:-10000}
RSS_IMAGES=${RSS_IMAGES:-sroie}
LEVELS=${LEVELS-1 4 16}
PORT=${PORT:-18490}
OUT=${OUT:-$(mktemp -d /tmp/ppocr-serve-bench.XXXX)}

python3 bench/serve/make_bodies.py "$OUT/sroie" "$SHARED"/data/sroie/images/*.jpg
python3 bench/serve/make_bodies.py "$OUT/words" $(ls "$SHARED"/data/icdar2015_words/images/*.png | head -200)

"$BIN" serve --port "$PORT" --workers "$WORKERS" --queue_size 64 --timeout_s 600 --visualize False \
  --text_detection_model_dir "$DET" --text_recognition_model_dir "$REC" --cpu_threads "$CPU_THREADS" \
  --use_doc_orientation_classify False --use_doc_unwarping False --use_textline_orientation False \
  2> "$OUT/server.log" &
SERVER=$!
trap 'kill -TERM $SERVER 2>/dev/null || true' EXIT
for _ in $(seq 100); do curl -sf "http://127.0.0.1:$PORT/health" > /dev/null && break; sleep 0.1; done
rss() { awk '/VmRSS/ {print $2}' "/proc/$SERVER/status"; }

echo "machine: $(nproc) cores; $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)"
echo "server: workers $WORKERS, cpu_threads $CPU_THREADS, det $(basename "$DET"), rec $(basename "$REC")"
echo "== warm-up: every SROIE receipt once"
python3 bench/serve/load.py "127.0.0.1:$PORT" "$OUT/sroie" 50 2
for c in $LEVELS; do
  t=$(( c < 4 ? c : 4 ))
  echo "== SROIE receipts, concurrency $c, ${DURATION}s"
  wrk -t"$t" -c"$c" -d"${DURATION}s" --timeout 600s -s bench/serve/post_ocr.lua "http://127.0.0.1:$PORT" -- "$OUT/sroie" \
    | grep -E "responses|throughput|latency p50|Socket errors"
done
[ "$TOTAL" -gt 0 ] || exit 0
echo "== RSS over $TOTAL requests ($RSS_IMAGES), concurrency 4"
echo "rss_kb_start: $(rss)"
( while kill -0 $SERVER 2>/dev/null; do echo "$(date +%s) $(rss)"; sleep 5; done ) > "$OUT/rss.txt" &
SAMPLER=$!
python3 bench/serve/load.py "127.0.0.1:$PORT" "$OUT/$RSS_IMAGES" "$TOTAL" 4
echo "rss_kb_end: $(rss)"
kill $SAMPLER 2>/dev/null || true
echo "rss samples (unix time, kB): $OUT/rss.txt"
python3 bench/serve/rss_summary.py "$OUT/rss.txt"
