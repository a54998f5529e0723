#!/usr/bin/env python3
"""Writes one POST /ocr JSON body per image (Base64 file, visualize false) into OUT_DIR,
plus OUT_DIR/list.txt naming them, for post_ocr.lua.
usage: make_bodies.py OUT_DIR IMAGE..."""
import base64
import json
import os
import sys

out = sys.argv[1]
os.makedirs(out, exist_ok=True)
names = []
for i, path in enumerate(sys.argv[2:]):
    with open(path, "rb") as f:
        b64 = base64.b64encode(f.read()).decode("ascii")
    name = os.path.join(out, f"{i:04d}.json")
    with open(name, "w") as f:
        json.dump({"file": b64, "visualize": False}, f)
    names.append(name)
with open(os.path.join(out, "list.txt"), "w") as f:
    f.write("\n".join(names) + "\n")
print(f"{len(names)} bodies in {out}")
