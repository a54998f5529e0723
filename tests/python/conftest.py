"""Fixtures of the Python package's tests (run from CTest as `python3 -m pytest tests/python`).

The package is imported from $PYTHONPATH (CTest sets build/python); run by hand, build/python of the
checkout is used. Shared models and data: $PPOCR_SHARED_DIR, else $PPOCR_DEFAULT_SHARED_DIR (set by
CTest), else ../shared beside the checkout; tests that need them skip with a message when absent.
"""
import os
import sys

import pytest

REPO = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
BUILD = os.environ.get("PPOCR_BINARY_DIR") or os.path.join(REPO, "build")

# Make `import ppocr` work for this process and for the processes it starts (dask workers, scripts,
# which may run in other directories: PYTHONPATH is made absolute).
_pkg = os.path.join(BUILD, "python")
if not any(os.path.isfile(os.path.join(p, "ppocr", "__init__.py")) for p in sys.path if p):
    sys.path.insert(0, _pkg)
    os.environ["PYTHONPATH"] = os.pathsep.join(filter(None, [_pkg, os.environ.get("PYTHONPATH")]))
os.environ["PYTHONPATH"] = os.pathsep.join(os.path.abspath(p) for p in os.environ["PYTHONPATH"].split(os.pathsep) if p)


def shared_dir():
    d = (os.environ.get("PPOCR_SHARED_DIR") or os.environ.get("PPOCR_DEFAULT_SHARED_DIR")
         or os.path.join(REPO, "..", "shared"))
    return os.path.abspath(d) if os.path.isdir(d) else None


SHARED = shared_dir()


def shared_path(rel):
    """A path under shared/, or skip the test with a message when it is not there."""
    if SHARED is None:
        pytest.skip("shared material not found (set PPOCR_SHARED_DIR to the shared/ directory)")
    p = os.path.join(SHARED, rel)
    if not os.path.exists(p):
        pytest.skip(f"shared material not found: {p} (set PPOCR_SHARED_DIR to the shared/ directory)")
    return p


DET = "models/onnx/PP-OCRv6_tiny_det"
REC = "models/onnx/PP-OCRv6_tiny_rec"
IMG = "data/paddleocr_demo/imgs_en/img_12.jpg"
IMG2 = "data/icdar2015/images/img_5.jpg"  # img_1 has no text the tiny models find


def tiny_kwargs(**more):
    """PaddleOCR() arguments for the shared tiny models, doc preprocessing and text-line orientation off."""
    kw = dict(text_detection_model_dir=shared_path(DET), text_recognition_model_dir=shared_path(REC),
              use_doc_orientation_classify=False, use_doc_unwarping=False, use_textline_orientation=False,
              cpu_threads=2)
    kw.update(more)
    return kw


@pytest.fixture(scope="session")
def ocr():
    """One PaddleOCR on the tiny models, shared by the tests (it is thread-safe)."""
    from ppocr import PaddleOCR
    return PaddleOCR(**tiny_kwargs())


@pytest.fixture(scope="session")
def ppocr_bin():
    """The built `ppocr` program."""
    p = os.path.join(BUILD, "ppocr")
    if not os.access(p, os.X_OK):
        pytest.skip(f"{p} not built")
    return p


def icdar_images(n):
    d = shared_path("data/icdar2015/images")
    return [os.path.join(d, f"img_{i}.jpg") for i in range(1, n + 1)]
