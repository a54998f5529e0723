#!/usr/bin/env bash
# Calls `ppocr serve` with curl: sends IMAGE (or PDF) as Base64, prints the
# recognised texts, one per line, and saves the OCR visualisation of page 1.
# usage: curl.sh [URL] IMAGE [OUT.jpg]        URL defaults to http://127.0.0.1:8080
set -euo pipefail
URL=${1:-http://127.0.0.1:8080}
IMAGE=$2
OUT=${3:-}
body=$(mktemp)
trap 'rm -f "$body" "$body.out"' EXIT
printf '{"file": "%s", "visualize": %s}' "$(base64 -w0 "$IMAGE")" "$([ -n "$OUT" ] && echo true || echo false)" > "$body"
status=$(curl -sS -o "$body.out" -w '%{http_code}' -H 'Content-Type: application/json' --data-binary @"$body" "$URL/ocr")
if [ "$status" != 200 ]; then
  echo "error $status: $(python3 -c 'import json,sys; print(json.load(sys.stdin)["errorMsg"])' < "$body.out")" >&2
  exit 1
fi
python3 - "$body.out" "$OUT" <<'PY'
import base64, json, sys
res = json.load(open(sys.argv[1]))["result"]
for page in res["ocrResults"]:
    for text in page["prunedResult"]["rec_texts"]:
        print(text)
if sys.argv[2] and res["ocrResults"][0]["ocrImage"]:
    open(sys.argv[2], "wb").write(base64.b64decode(res["ocrResults"][0]["ocrImage"]))
PY
