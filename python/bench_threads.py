#!/usr/bin/env python3
"""Wall time of N Python threads sharing one PaddleOCR against one thread, over the same images.

    PYTHONPATH=build/python /usr/bin/python3 python/bench_threads.py [--images 20] [--threads 4]
        [--cpu_threads 1,2] [--det DIR --rec DIR] [--shared ../shared]

For each cpu_threads value (intra-op threads per inference) one PaddleOCR is loaded, warmed up on one
image, then runs the images one after another in one thread, and spread over --threads threads
(ThreadPoolExecutor.map). Prints both wall times, the speedup and whether the texts are the same.
Defaults: the shared PP-OCRv6_tiny models, ICDAR 2015 img_1..img_N, doc preprocessing and text-line
orientation off.
"""
import argparse
import os
import sys
import time
from concurrent.futures import ThreadPoolExecutor

# This file sits beside the package's sources (python/ppocr, without the native module): import the
# built package from PYTHONPATH instead.
_here = os.path.dirname(os.path.abspath(__file__))
sys.path = [p for p in sys.path if os.path.abspath(p or ".") != _here]


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--shared", default=os.environ.get("PPOCR_SHARED_DIR")
                    or os.path.join(os.path.dirname(__file__), "..", "..", "shared"))
    ap.add_argument("--images", type=int, default=20, help="ICDAR 2015 images img_1..img_N")
    ap.add_argument("--threads", type=int, default=4)
    ap.add_argument("--cpu_threads", default="1,2", help="comma-separated values to try")
    ap.add_argument("--det", help="detection model dir (default: shared PP-OCRv6_tiny_det)")
    ap.add_argument("--rec", help="recognition model dir (default: shared PP-OCRv6_tiny_rec)")
    args = ap.parse_args()

    from ppocr import PaddleOCR

    det = args.det or os.path.join(args.shared, "models/onnx/PP-OCRv6_tiny_det")
    rec = args.rec or os.path.join(args.shared, "models/onnx/PP-OCRv6_tiny_rec")
    paths = [os.path.join(args.shared, f"data/icdar2015/images/img_{i}.jpg") for i in range(1, args.images + 1)]
    missing = [p for p in [det, rec] + paths if not os.path.exists(p)]
    if missing:
        sys.exit(f"not found: {missing[0]} (pass --shared or --det/--rec)")

    print(f"{len(paths)} images, {os.cpu_count()} CPUs, models {os.path.basename(det)} + {os.path.basename(rec)}")
    print(f"{'cpu_threads':>11} {'1 thread (s)':>13} {f'{args.threads} threads (s)':>14} {'speedup':>8}  same texts")
    for ct in [int(x) for x in args.cpu_threads.split(",")]:
        ocr = PaddleOCR(text_detection_model_dir=det, text_recognition_model_dir=rec,
                        use_doc_orientation_classify=False, use_doc_unwarping=False,
                        use_textline_orientation=False, cpu_threads=ct)
        texts = lambda p: ocr.predict(p)[0]["rec_texts"]  # noqa: E731
        texts(paths[0])  # warm-up: primitives, buffers
        t0 = time.perf_counter()
        one = [texts(p) for p in paths]
        t_one = time.perf_counter() - t0
        t0 = time.perf_counter()
        with ThreadPoolExecutor(args.threads) as ex:
            many = list(ex.map(texts, paths))
        t_many = time.perf_counter() - t0
        print(f"{ct:>11} {t_one:>13.2f} {t_many:>14.2f} {t_one / t_many:>7.2f}x  {many == one}")
        del ocr


if __name__ == "__main__":
    main()
