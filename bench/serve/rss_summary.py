#!/usr/bin/env python3
"""Summarises the RSS samples of bench/serve/run.sh ("unix_time kB" per line): min/median/max per tenth
of the run, and the least-squares trend after the first tenth (warm-up excluded), in MiB per minute.
usage: rss_summary.py rss.txt"""
import statistics
import sys

rows = [line.split() for line in open(sys.argv[1])]
samples = [(int(t), int(kb) / 1024) for t, kb in (r for r in rows if len(r) == 2 and r[1].isdigit())]
n = len(samples)
if n < 10:
    sys.exit(f"only {n} samples")
print(f"{n} samples")
for d in range(10):
    part = [mb for _, mb in samples[d * n // 10:(d + 1) * n // 10]]
    print(f"  {d * 10:3d}-{(d + 1) * 10:3d}%: min {min(part):6.0f}  median {statistics.median(part):6.0f}"
          f"  max {max(part):6.0f} MiB")
rest = samples[n // 10:]
t0 = rest[0][0]
xs = [(t - t0) / 60 for t, _ in rest]
ys = [mb for _, mb in rest]
mx, my = statistics.fmean(xs), statistics.fmean(ys)
slope = sum((x - mx) * (y - my) for x, y in zip(xs, ys)) / sum((x - mx) ** 2 for x in xs)
print(f"after the first 10%: mean {my:.0f} MiB, trend {slope:+.2f} MiB/min over {xs[-1]:.1f} min"
      f" ({slope * xs[-1]:+.0f} MiB)")
