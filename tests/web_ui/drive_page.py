#!/usr/bin/env python3
"""Drives `ppocr serve`'s web page in headless Chromium over the DevTools protocol.

usage: drive_page.py --chromium PATH --url http://127.0.0.1:PORT/ --file IMAGE_OR_PDF --out DIR

Starts Chromium (headless, no sandbox, GPU, sync, background networking, first-run or
component updates; a fresh profile), opens the page, puts FILE into the page's file input
as a user would (DOM.setFileInputFiles fires the change event), waits for the page to
report done or error, then prints one JSON object:
  {"state", "status", "pages": [{"texts": [...], "canvas": [w, h], "box_pixels": n}],
   "download": bool, "screenshot": "DIR/page.png", "screenshot_size": [w, h], "screenshot_bytes": n}
Every wait is bounded; Chromium is killed on the way out.
"""
import argparse
import base64
import json
import os
import shutil
import signal
import struct
import subprocess
import sys
import tempfile
import time
import urllib.request

import websocket  # Debian python3-websocket

VIEW_W, VIEW_H = 1280, 900

STATE_JS = "document.body ? document.body.dataset.state : ''"
RESULT_JS = r"""
(() => {
  const pages = [];
  for (let i = 0; ; ++i) {
    const list = document.getElementById('texts-' + i);
    const canvas = document.getElementById('canvas-' + i);
    if (!list || !canvas) break;
    const texts = Array.from(list.querySelectorAll('li .text')).map((e) => e.textContent);
    // Pure red box outline pixels the page drew (rgb(230, 0, 0)).
    let red = 0;
    const data = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
    for (let p = 0; p < data.length; p += 4)
      if (data[p] > 200 && data[p + 1] < 40 && data[p + 2] < 40) ++red;
    pages.push({ texts, canvas: [canvas.width, canvas.height], box_pixels: red });
  }
  const a = document.getElementById('download');
  return JSON.stringify({
    state: document.body.dataset.state,
    status: document.getElementById('status').textContent,
    pages,
    download: !a.hidden && a.href.startsWith('blob:') && a.download.endsWith('_res.json'),
  });
})()
"""


class DevTools:
    def __init__(self, ws_url, timeout_s):
        self.ws = websocket.create_connection(ws_url, timeout=timeout_s, suppress_origin=True)
        self.next_id = 0

    def call(self, method, params=None, timeout_s=30):
        self.next_id += 1
        my_id = self.next_id
        self.ws.send(json.dumps({"id": my_id, "method": method, "params": params or {}}))
        deadline = time.time() + timeout_s
        while time.time() < deadline:
            msg = json.loads(self.ws.recv())
            if msg.get("id") == my_id:
                if "error" in msg:
                    raise RuntimeError("%s: %s" % (method, msg["error"]))
                return msg.get("result", {})
        raise TimeoutError(method)

    def evaluate(self, expression):
        r = self.call("Runtime.evaluate", {"expression": expression, "returnByValue": True})
        if "exceptionDetails" in r:
            raise RuntimeError("page script failed: %s" % r["exceptionDetails"])
        return r["result"].get("value")


def png_size(path):
    with open(path, "rb") as f:
        head = f.read(24)
    if head[:8] != b"\x89PNG\r\n\x1a\n":
        return None
    return list(struct.unpack(">II", head[16:24]))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--chromium", required=True)
    ap.add_argument("--url", required=True)
    ap.add_argument("--file", required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--timeout", type=float, default=120)
    a = ap.parse_args()
    os.makedirs(a.out, exist_ok=True)
    profile = tempfile.mkdtemp(prefix="ppocr-chromium-")
    cmd = [a.chromium, "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
           "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-extensions",
           "--disable-default-apps", "--mute-audio", "--hide-scrollbars",
           "--user-data-dir=" + profile, "--remote-debugging-port=0", "--remote-debugging-address=127.0.0.1",
           "--window-size=%d,%d" % (VIEW_W, VIEW_H), "about:blank"]
    log = open(os.path.join(a.out, "chromium.log"), "wb")
    proc = subprocess.Popen(cmd, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        # Chromium writes its DevTools port into the profile once it listens.
        port_file = os.path.join(profile, "DevToolsActivePort")
        deadline = time.time() + 60
        while not os.path.exists(port_file) or os.path.getsize(port_file) == 0:
            if proc.poll() is not None:
                raise RuntimeError("chromium exited with %s (see %s)" % (proc.returncode, log.name))
            if time.time() > deadline:
                raise TimeoutError("chromium did not open its DevTools port")
            time.sleep(0.1)
        port = int(open(port_file).read().split()[0])
        targets = []
        while time.time() < deadline:
            with urllib.request.urlopen("http://127.0.0.1:%d/json/list" % port, timeout=10) as r:
                targets = [t for t in json.load(r) if t.get("type") == "page"]
            if targets:
                break
            time.sleep(0.1)
        if not targets:
            raise RuntimeError("no page target")
        dt = DevTools(targets[0]["webSocketDebuggerUrl"], timeout_s=60)
        dt.call("Page.enable")
        dt.call("Runtime.enable")
        dt.call("Emulation.setDeviceMetricsOverride",
                {"width": VIEW_W, "height": VIEW_H, "deviceScaleFactor": 1, "mobile": False})
        dt.call("Page.navigate", {"url": a.url})
        deadline = time.time() + 30
        while dt.evaluate(STATE_JS) != "ready":
            if time.time() > deadline:
                raise TimeoutError("the page did not load")
            time.sleep(0.1)
        doc = dt.call("DOM.getDocument")
        node = dt.call("DOM.querySelector", {"nodeId": doc["root"]["nodeId"], "selector": "#file"})
        dt.call("DOM.setFileInputFiles", {"nodeId": node["nodeId"], "files": [os.path.abspath(a.file)]})
        deadline = time.time() + a.timeout
        state = ""
        while True:
            state = dt.evaluate(STATE_JS)
            if state in ("done", "error") or time.time() > deadline:
                break
            time.sleep(0.2)
        result = json.loads(dt.evaluate(RESULT_JS))
        shot = dt.call("Page.captureScreenshot", {"format": "png"}, timeout_s=60)
        png = os.path.join(a.out, "page.png")
        with open(png, "wb") as f:
            f.write(base64.b64decode(shot["data"]))
        result["screenshot"] = png
        result["screenshot_size"] = png_size(png)
        result["screenshot_bytes"] = os.path.getsize(png)
        print(json.dumps(result))
        return 0
    finally:
        try:
            os.killpg(proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        proc.wait(timeout=30)
        log.close()
        shutil.rmtree(profile, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
