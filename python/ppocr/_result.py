"""Result objects: PaddleOCR's print / save_to_json / save_to_img / json / img."""
import json
import os

import numpy as np

from . import _ppocr

def _ocr_res(native):
    # The C++ JSON is ordered as PaddleOCR orders it (the file's order).
    return native.to_json()["res"]


def _path(save_path):
    if isinstance(save_path, (str, os.PathLike)):
        p = os.fspath(save_path)
        return os.fsdecode(p) if isinstance(p, bytes) else p
    raise TypeError(f"save_path must be a path (str or os.PathLike), got {type(save_path).__name__}")


class _ResultBase(dict):
    """A dict of the result's fields (PaddleOCR's in-memory types) with PaddleOCR's result methods."""

    @property
    def json(self):
        """The result as saved by save_to_json: {"res": {...}} with plain lists (a new dict each time)."""
        raise NotImplementedError

    def _to_str(self, format_json=True, indent=4, ensure_ascii=False):
        if format_json:
            return json.dumps(self.json, indent=indent, ensure_ascii=ensure_ascii)
        return str(self.json)

    def print(self, format_json=True, indent=4, ensure_ascii=False):
        """Prints the result's JSON to stdout (indented when format_json)."""
        print(self._to_str(format_json, indent, ensure_ascii))

    def __str__(self):
        return self._to_str()

    def __reduce__(self):
        # Pickles (e.g. returned from a Dask/Ray/Spark task) as a plain dict of its fields.
        return (dict, (dict(self),))


class OCRResult(_ResultBase):
    """One page's OCR result.

    res["rec_texts"], res["rec_scores"], ...: the fields, with dt_polys / rec_polys as lists of (4, 2)
    int16 arrays and rec_boxes an (n, 4) int16 array, as PaddleOCR has them; res.json: the same as the
    saved JSON (lists); res.img: {"ocr_res_img": ..., "preprocessed_img": ...} as BGR numpy arrays.
    """

    def __init__(self, native):
        self._native = native
        super().__init__(_ocr_res(native))
        self.update(native.arrays())

    @property
    def json(self):
        return {"res": _ocr_res(self._native)}

    @property
    def img(self):
        """{"ocr_res_img": HxWx3 uint8 BGR, "preprocessed_img": ... (with document preprocessing)}."""
        return self._native.img()

    @property
    def image(self):
        """The page the coordinates refer to (after document preprocessing), HxWx3 uint8 BGR."""
        return self._native.image

    def save_to_json(self, save_path, indent=4, ensure_ascii=False):
        """Writes {name}_res.json into the directory save_path (or to save_path when it ends in .json).

        Returns the file written.
        """
        return self._native.save_to_json(_path(save_path), -1 if indent is None else int(indent), bool(ensure_ascii))

    def save_to_img(self, save_path):
        """Writes {name}_ocr_res_img.{ext} (+ the preprocessed image, with doc preprocessing) into save_path.

        Returns the files written.
        """
        return self._native.save_to_img(_path(save_path))


class ModuleResult(_ResultBase):
    """A module's result for one image: the fields of PaddleX's module JSON, print/save_to_json/save_to_img."""

    def __init__(self, out):
        self._json = out["json"]
        self._vis = out["vis"]
        self._stem = out["stem"]
        self._ext = out["ext"]
        super().__init__(self._json["res"])
        if "dt_polys" in out:
            polys = out["dt_polys"]
            self["dt_polys"] = np.array(polys) if polys else np.zeros((0, 4, 2), np.int16)
        if "doctr_img" in out:
            self["doctr_img"] = out["doctr_img"]

    @property
    def json(self):
        return json.loads(json.dumps(self._json))

    @property
    def img(self):
        """{"res": the visualisation as an HxWx3 uint8 BGR array}."""
        return {"res": self._vis} if self._vis is not None else {}

    def save_to_json(self, save_path, indent=4, ensure_ascii=False):
        """Writes {name}_res.json into the directory save_path (or to save_path when it ends in .json)."""
        p = _path(save_path)
        if not p.endswith(".json") or os.path.isdir(p):
            os.makedirs(p, exist_ok=True)
            p = os.path.join(p, self._stem + "_res.json")
        elif os.path.dirname(p):
            os.makedirs(os.path.dirname(p), exist_ok=True)
        with open(p, "w", encoding="utf-8") as f:
            f.write(json.dumps(self._json, indent=indent, ensure_ascii=ensure_ascii) + "\n")
        return p

    def save_to_img(self, save_path):
        """Writes the visualisation {name}_res.{ext} into the directory save_path (or to save_path itself)."""
        if self._vis is None:
            return []
        p = _path(save_path)
        ext = os.path.splitext(p)[1].lower()
        if os.path.isdir(p) or ext not in (".jpg", ".jpeg", ".png", ".bmp", ".webp", ".tif", ".tiff"):
            os.makedirs(p, exist_ok=True)
            p = os.path.join(p, self._stem + "_res" + self._ext)
        elif os.path.dirname(p):
            os.makedirs(os.path.dirname(p), exist_ok=True)
        _ppocr.imwrite(p, self._vis)
        return [p]


def _natives(results):
    if isinstance(results, OCRResult):
        results = [results]
    natives = []
    for r in results:
        if not isinstance(r, OCRResult):
            raise TypeError(f"expected OCRResult objects (from PaddleOCR.predict), got {type(r).__name__}")
        natives.append(r._native)
    if not natives:
        raise ValueError("no results given")
    return natives


def _formats(formats):
    if isinstance(formats, str):
        return formats
    return ",".join(formats)


def render_outputs(results, formats=("txt", "md", "hocr", "alto", "pdf")):
    """One input's page results (in order) as documents: {"txt": bytes, "md": ..., "hocr": ..., "alto": ...,
    "pdf": ...} for the formats asked ("txt,pdf" or a list). Lines follow the reading order (docs/outputs.md)."""
    return _ppocr.render_outputs(_natives(results), _formats(formats))


def save_outputs(results, save_path, formats=("txt", "md", "hocr", "alto", "pdf")):
    """Writes render_outputs' documents into the folder save_path as {name}.txt, {name}.md, {name}.hocr,
    {name}_alto.xml and {name}_ocr.pdf (name: the input's); returns the files written."""
    return _ppocr.save_outputs(_natives(results), _path(save_path), _formats(formats))
