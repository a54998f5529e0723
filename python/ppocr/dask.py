"""Scale-out: OCR many files across worker processes (Dask, Ray, Spark, multiprocessing).

The unit of work is ``ocr_files(paths, output_dir, ocr_kwargs)``: a plain function of picklable
arguments that OCRs a list of paths (image files, folders, PDFs, URLs) with the one PaddleOCR of the
calling process, writing ``{name}_res.json`` (and, with ``save_img``, ``{name}_ocr_res_img.{ext}``) into
``output_dir``, and returns one small summary dict per input. The PaddleOCR is created on first use in
each worker process and kept in a module global, so models load once per process, not per task.

    from dask.distributed import Client, LocalCluster
    from ppocr.dask import map_files

    with LocalCluster(n_workers=4, threads_per_worker=1) as cluster, Client(cluster) as client:
        summaries = map_files(client, paths, "out", ocr_kwargs={"cpu_threads": 2})

Only this helper imports dask (``map_files``); ``ocr_files`` / ``ocr_partition`` need nothing but ppocr.
"""
import json
import os
import threading

from ._pipeline import PaddleOCR

_lock = threading.Lock()
_ocr = None
_ocr_key = None


def _key(ocr_kwargs):
    return json.dumps(ocr_kwargs or {}, sort_keys=True, default=str)


def get_ocr(ocr_kwargs=None):
    """This process's PaddleOCR for these constructor arguments, created on first use and then reused.

    A call with different arguments replaces it (one pipeline per process keeps memory bounded).
    """
    global _ocr, _ocr_key
    key = _key(ocr_kwargs)
    with _lock:
        if _ocr is None or _ocr_key != key:
            _ocr = None  # free the old models before loading new ones
            _ocr = PaddleOCR(**(ocr_kwargs or {}))
            _ocr_key = key
        return _ocr


def ocr_files(paths, output_dir, ocr_kwargs=None, predict_kwargs=None, save_img=False):
    """OCRs each path (image, folder, PDF or URL) and writes its results into output_dir.

    Returns one dict per path: {"input": path, "pages": n, "files": [written files], "error": None or
    "ExceptionType: message"}. A failing input is reported in its dict and the others go on. Inputs whose
    file names are equal write the same {name}_res.json: give each its own output_dir if that can happen.
    """
    if isinstance(paths, (str, os.PathLike)):
        paths = [paths]
    os.makedirs(output_dir, exist_ok=True)
    ocr = get_ocr(ocr_kwargs)
    out = []
    for p in paths:
        p = os.fspath(p)
        summary = {"input": p, "pages": 0, "files": [], "error": None}
        try:
            for res in ocr.predict_iter(p, **(predict_kwargs or {})):
                summary["files"].append(res.save_to_json(output_dir))
                if save_img:
                    summary["files"].extend(res.save_to_img(output_dir))
                summary["pages"] += 1
        except (KeyboardInterrupt, SystemExit):
            raise
        except Exception as e:  # noqa: BLE001 - reported per input; the batch goes on
            summary["error"] = f"{type(e).__name__}: {e}"
        out.append(summary)
    return out


def ocr_partition(paths, output_dir, ocr_kwargs=None, predict_kwargs=None, save_img=False):
    """``ocr_files`` for an iterator of paths, yielding the summaries (Spark's mapPartitions shape)."""
    for p in paths:
        yield from ocr_files([p], output_dir, ocr_kwargs, predict_kwargs, save_img)


def chunks(paths, size):
    """paths cut into lists of at most size (the tasks of map_files)."""
    paths = list(paths)
    return [paths[i:i + size] for i in range(0, len(paths), size)]


def map_files(client, paths, output_dir, ocr_kwargs=None, predict_kwargs=None, save_img=False, chunk_size=4):
    """Runs ocr_files over paths on a dask.distributed Client, chunk_size paths per task.

    output_dir must be reachable by every worker (a shared file system for a real cluster). Returns the
    summaries in the order of paths.
    """
    futures = client.map(ocr_files, chunks(paths, chunk_size), output_dir=output_dir, ocr_kwargs=ocr_kwargs,
                         predict_kwargs=predict_kwargs, save_img=save_img, pure=False)
    return [s for part in client.gather(futures) for s in part]
