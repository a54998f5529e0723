"""ppocr: PaddleOCR 3.x's Python API on ppocr's native engine (no Paddle).

    from ppocr import PaddleOCR

    ocr = PaddleOCR(use_doc_orientation_classify=False, use_doc_unwarping=False,
                    use_textline_orientation=False)
    for res in ocr.predict("img.jpg"):
        res.print()
        res.save_to_img("output")
        res.save_to_json("output")

The pipeline (``PaddleOCR``) and the modules (``TextDetection``,
``TextRecognition``, ``TextLineOrientationClassification``,
``DocImgOrientationClassification``, ``TextImageUnwarping``) take PaddleOCR's
keyword arguments. Inference releases the GIL and one object may be shared by
many threads. Errors: ``ValueError`` (bad argument or input),
``FileNotFoundError``, ``TypeError`` (unknown keyword, wrong input type) and
``PPOCRError`` (a ``RuntimeError``: model files, unsupported device, ...).
See docs/python.md.
"""
try:
    from ._ppocr import PPOCRError, __version__
except ImportError as e:  # e.g. the source folder python/ppocr shadowing the built package
    raise ImportError(f"ppocr's native module is missing or cannot load from {__path__[0]} ({e}); build ppocr "
                      "and use the package in build/python (PYTHONPATH=build/python) or an installed one "
                      "(docs/python.md)") from e
from ._pipeline import PaddleOCR, option_table
from ._modules import (
    DocImgOrientationClassification,
    TextDetection,
    TextImageUnwarping,
    TextLineOrientationClassification,
    TextRecognition,
)
from ._result import ModuleResult, OCRResult, render_outputs, save_outputs

PPOCRError.__module__ = "ppocr"

__all__ = [
    "PaddleOCR",
    "TextDetection",
    "TextRecognition",
    "TextLineOrientationClassification",
    "DocImgOrientationClassification",
    "TextImageUnwarping",
    "OCRResult",
    "ModuleResult",
    "PPOCRError",
    "option_table",
    "render_outputs",
    "save_outputs",
    "__version__",
]
