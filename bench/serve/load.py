#!/usr/bin/env python3
"""Sends exactly TOTAL POST /ocr requests (bodies from make_bodies.py, in turn) over
CONCURRENCY keep-alive connections; prints throughput, p50/p99 latency and errors.
usage: load.py HOST:PORT BODY_DIR TOTAL CONCURRENCY"""
import http.client
import sys
import threading
import time

host, port = sys.argv[1].split(":")
body_dir, total, conc = sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
bodies = [open(p.strip(), "rb").read() for p in open(f"{body_dir}/list.txt") if p.strip()]
lock = threading.Lock()
next_i = 0
latencies, errors = [], []


def worker():
    global next_i
    conn = http.client.HTTPConnection(host, int(port), timeout=600)
    while True:
        with lock:
            if next_i >= total:
                break
            i = next_i
            next_i += 1
        t0 = time.perf_counter()
        try:
            conn.request("POST", "/ocr", bodies[i % len(bodies)], {"Content-Type": "application/json"})
            r = conn.getresponse()
            r.read()
            status = r.status
        except Exception as e:  # count and reconnect
            status = repr(e)
            conn.close()
            conn = http.client.HTTPConnection(host, int(port), timeout=600)
        dt = time.perf_counter() - t0
        with lock:
            latencies.append(dt)
            if status != 200:
                errors.append(status)


start = time.perf_counter()
threads = [threading.Thread(target=worker) for _ in range(conc)]
for t in threads:
    t.start()
for t in threads:
    t.join()
wall = time.perf_counter() - start
latencies.sort()
pct = lambda p: latencies[min(len(latencies) - 1, int(p / 100 * len(latencies)))] * 1000
print(f"responses: {len(latencies)}, non-200: {len(errors)}" + (f" (first: {errors[0]})" if errors else ""))
print(f"throughput: {len(latencies) / wall:.2f} req/s over {wall:.1f} s")
print(f"latency p50: {pct(50):.1f} ms, p99: {pct(99):.1f} ms, max: {latencies[-1] * 1000:.1f} ms")
