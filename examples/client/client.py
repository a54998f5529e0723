#!/usr/bin/env python3
"""Calls `ppocr serve` with nothing but the standard library: sends a file (image or
PDF) as Base64, prints the recognised texts one per line, and saves the OCR
visualisation of the first page when OUT is given.

usage: client.py [URL] FILE [OUT.jpg]      URL defaults to http://127.0.0.1:8080
"""
import base64
import json
import sys
import urllib.error
import urllib.request

args = sys.argv[1:]
url = args.pop(0) if args and args[0].startswith("http") else "http://127.0.0.1:8080"
path, out = args[0], (args[1] if len(args) > 1 else None)

with open(path, "rb") as f:
    payload = {"file": base64.b64encode(f.read()).decode("ascii"), "visualize": out is not None}
request = urllib.request.Request(
    url + "/ocr", data=json.dumps(payload).encode(), headers={"Content-Type": "application/json"}
)
try:
    with urllib.request.urlopen(request) as response:
        result = json.load(response)["result"]
except urllib.error.HTTPError as e:  # the body is still PaddleX's JSON envelope
    print(f"error {e.code}: {json.load(e)['errorMsg']}", file=sys.stderr)
    sys.exit(1)

for page in result["ocrResults"]:
    for text in page["prunedResult"]["rec_texts"]:
        print(text)
if out and result["ocrResults"][0]["ocrImage"]:
    with open(out, "wb") as f:
        f.write(base64.b64decode(result["ocrResults"][0]["ocrImage"]))
