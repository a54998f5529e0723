"""predict()'s ``input``: checked when predict is called, read page by page later."""
import os

import numpy as np

from . import _ppocr


def normalize(input):
    """The input as a list of (kind, value, name) sources; TypeError for what predict cannot take.

    kind is "array" (a numpy image), "path" (file, folder, PDF or URL) or "bytes" (an encoded image or
    PDF in memory). In-memory inputs have no name: the pipeline names their saved files as PaddleX does
    ("{unix time}_{4 random digits}").
    """
    is_list = isinstance(input, (list, tuple))
    items = list(input) if is_list else [input]
    sources = []
    for i, x in enumerate(items):
        where = f"input[{i}]" if is_list else "input"
        if isinstance(x, np.ndarray):
            sources.append(("array", x, ""))
        elif isinstance(x, (str, os.PathLike)):
            path = os.fspath(x)
            if isinstance(path, bytes):
                path = os.fsdecode(path)
            if not path:
                raise ValueError(f"{where} is an empty path")
            sources.append(("path", path, ""))
        elif isinstance(x, (bytes, bytearray, memoryview)):
            sources.append(("bytes", bytes(x), ""))
        else:
            what = "a list element" if is_list else "input"
            raise TypeError(
                f"{what} must be a path (str or os.PathLike: image file, folder, PDF or URL), a numpy.ndarray "
                f"image (HxW or HxWx3 BGR) or encoded bytes, got {type(x).__name__}"
                + ("" if is_list else "; or a list of these"))
    return sources


def pages(sources, open_path, open_bytes):
    """Pages of the sources, one at a time: nothing is read before the consumer asks for it."""
    for kind, value, name in sources:
        if kind == "array":
            yield _ppocr.page_from_array(value, name)
        elif kind == "path":
            yield from open_path(value)
        else:
            yield from open_bytes(value, name)
