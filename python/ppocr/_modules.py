"""The pipeline's modules alone, with PaddleOCR 3.x's module classes and arguments."""
from . import _inputs, _ppocr
from ._result import ModuleResult


class _Module:
    _kind = ""

    def __init__(self, model_name=None, model_dir=None, **kwargs):
        """model_name (looked up in the model cache, downloaded when missing; default PaddleOCR 3.7's: PP-OCRv6_medium_det
        / _rec, PP-LCNet_x1_0_textline_ori / _doc_ori, UVDoc) or model_dir (wins); device
        (cpu only), cpu_threads, enable_mkldnn, precision; module settings (see the class)."""
        kwargs["model_name"] = model_name
        kwargs["model_dir"] = model_dir
        self._native = _ppocr.Module(self._kind, kwargs)

    @property
    def model_dir(self):
        return self._native.model_dir

    def predict_iter(self, input, batch_size=1, **kwargs):
        """Yields one ModuleResult per image (input as PaddleOCR.predict_iter takes it)."""
        if isinstance(batch_size, bool) or not isinstance(batch_size, int) or batch_size < 1:
            raise ValueError(f"batch_size must be an integer >= 1, got {batch_size!r}")
        sources = _inputs.normalize(input)
        if kwargs and self._kind != "text_detection":
            raise TypeError(f"predict() got an unexpected keyword argument '{next(iter(kwargs))}'")
        return self._iter(sources, batch_size, kwargs)

    def _iter(self, sources, batch_size, overrides):
        native = self._native
        batch = []
        for page in _inputs.pages(sources, _ppocr.open_path, _ppocr.open_bytes):
            batch.append(page)
            if len(batch) == batch_size:
                yield from (ModuleResult(o) for o in native.predict(batch, overrides))
                batch = []
        if batch:
            yield from (ModuleResult(o) for o in native.predict(batch, overrides))

    def predict(self, input, batch_size=1, **kwargs):
        """A list of ModuleResult, one per image."""
        return list(self.predict_iter(input, batch_size=batch_size, **kwargs))

    def release_buffers(self):
        self._native.release_buffers()


class TextDetection(_Module):
    """Text detection (DB). Settings: limit_side_len, limit_type, thresh, box_thresh, unclip_ratio,
    input_shape, max_side_limit (constructor); the first five also per predict() call. Result: dt_polys,
    dt_scores."""

    _kind = "text_detection"


class TextRecognition(_Module):
    """Text recognition (CTC) of text-line crops. Setting: input_shape. Result: rec_text, rec_score."""

    _kind = "text_recognition"


class TextLineOrientationClassification(_Module):
    """Text-line orientation (0 / 180 degrees). Result: class_ids, scores, label_names."""

    _kind = "textline_orientation_classification"


class DocImgOrientationClassification(_Module):
    """Document image orientation (0 / 90 / 180 / 270 degrees). Result: class_ids, scores, label_names."""

    _kind = "doc_img_orientation_classification"


class TextImageUnwarping(_Module):
    """Document unwarping (UVDoc). Result: doctr_img (the unwarped image, BGR numpy)."""

    _kind = "text_image_unwarping"
