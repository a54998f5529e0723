"""PaddleOCR: the general OCR pipeline with PaddleOCR 3.x's constructor, predict and predict_iter."""
import os
import warnings

from . import _inputs, _ppocr
from ._result import OCRResult


def option_table():
    """The pipeline's options, PaddleOCR()'s keyword arguments: a list of dicts with name, type, default,
    help, runtime (also a predict() argument), aliases (deprecated PaddleOCR 2.x names) and choices."""
    return _ppocr.option_table()


class PaddleOCR:
    """PaddleOCR 3.x's general OCR pipeline (document orientation, unwarping, text detection, text-line
    orientation, text recognition) on ppocr's native engine.

    Keyword arguments are PaddleOCR's (``option_table()`` lists them): model names and directories
    (``text_detection_model_dir``, ...), ``lang``, ``ocr_version``, the ``use_*`` switches, detection and
    recognition settings, ``device`` (cpu only), ``cpu_threads``, ``enable_mkldnn``, ...; ``None`` means
    "not given". ``paddlex_config`` is a PaddleX OCR pipeline config (a YAML path, or a dict of the same
    layout); keyword arguments override it. Deprecated PaddleOCR 2.x names (``use_angle_cls``,
    ``det_db_thresh``, ``rec_model_dir``, ...) work with a DeprecationWarning.

    Loading happens here, once. ``predict`` and ``predict_iter`` may be called from many threads at once.
    """

    def __init__(self, paddlex_config=None, **kwargs):
        self._native = _ppocr.OCR(kwargs, paddlex_config)

    def predict_iter(self, input, **kwargs):
        """Yields one OCRResult per page as it is done: an image file gives one, a PDF one per page, a folder
        one per image (sorted). Pages are read only when the generator reaches them.

        input: a path (str or os.PathLike) to an image, a folder, a PDF or an http(s) URL; a numpy array
        (HxW gray or HxWx3 BGR uint8; other dtypes are converted); encoded image/PDF bytes; or a list of
        these. kwargs: predict()'s overrides (use_doc_orientation_classify, use_doc_unwarping,
        use_textline_orientation, text_det_limit_side_len, text_det_limit_type, text_det_thresh,
        text_det_box_thresh, text_det_unclip_ratio, text_rec_score_thresh, return_word_box). Types and
        argument names are checked now (TypeError / ValueError); unreadable inputs raise when reached.
        """
        params = _ppocr.OCR.params(kwargs)
        sources = _inputs.normalize(input)
        return self._iter(sources, params)

    def _iter(self, sources, params):
        # Pages run in C++ a few at a time (cpu_threads cores), read as they come: nothing starts before
        # the first next(), and closing the generator stops what is still running.
        stream = self._native.stream(sources, params)
        try:
            for r in stream:
                yield OCRResult(r)
        finally:
            stream.close()

    def predict(self, input, **kwargs):
        """A list of OCRResult, one per page (see predict_iter)."""
        return list(self.predict_iter(input, **kwargs))

    def ocr(self, img, **kwargs):
        """PaddleOCR 2.x's method name: deprecated, use predict()."""
        warnings.warn("Please use `predict` instead.", DeprecationWarning, stacklevel=2)
        return self.predict(img, **kwargs)

    def export_paddlex_config_to_yaml(self, yaml_path):
        """Writes the effective settings as a PaddleX OCR pipeline config (YAML)."""
        with open(os.fspath(yaml_path), "w", encoding="utf-8") as f:
            f.write(self._native.export_paddlex_config_yaml())

    @property
    def effective_options(self):
        """Every option's value in force (model directories resolved, defaults applied; None = unset)."""
        return self._native.effective_options()

    @property
    def model_notes(self):
        """One line per loaded stage: which model, from where and why."""
        return list(self._native.model_notes)

    def release_buffers(self):
        """Frees the buffers the models keep between calls (for a process going idle)."""
        self._native.release_buffers()

    def close(self):
        """Frees the models now (the object cannot predict afterwards)."""
        self._native = None

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()
