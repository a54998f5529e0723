"""Scale-out: ppocr.dask on a local dask.distributed cluster of 2 worker processes gives the CLI's JSON."""
import json
import os
import subprocess

import pytest

from conftest import IMG, icdar_images, shared_path, tiny_kwargs

distributed = pytest.importorskip("distributed", reason="python3-distributed is not installed")


def test_local_cluster_matches_cli(tmp_path, ppocr_bin):
    from ppocr.dask import map_files
    paths = icdar_images(3) + [shared_path(IMG)]
    kw = tiny_kwargs(cpu_threads=1)
    out = tmp_path / "dask"
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None,
                                  local_directory=str(tmp_path / "dask-scratch")) as cluster, \
            distributed.Client(cluster) as client:
        summaries = map_files(client, paths, str(out), ocr_kwargs=kw, chunk_size=2)
        # the two chunks ran in the two worker processes, each with its own pipeline
        pids = client.run(os.getpid)
        assert len(set(pids.values())) == 2
    assert [s["input"] for s in summaries] == paths
    assert all(s["error"] is None and s["pages"] == 1 for s in summaries), summaries

    cli_out = tmp_path / "cli"
    cmd = [ppocr_bin, "ocr", "-q", "--no_progress", "--save_path", str(cli_out), "--cpu_threads", "1",
           "--text_detection_model_dir", kw["text_detection_model_dir"],
           "--text_recognition_model_dir", kw["text_recognition_model_dir"],
           "--use_doc_orientation_classify", "False", "--use_doc_unwarping", "False",
           "--use_textline_orientation", "False"]
    for p in paths:
        cmd += ["-i", p]
    r = subprocess.run(cmd, capture_output=True, text=True, timeout=600)
    assert r.returncode == 0, r.stderr
    for p in paths:
        name = os.path.splitext(os.path.basename(p))[0] + "_res.json"
        a = json.loads((out / name).read_text())["res"]
        b = json.loads((cli_out / name).read_text())["res"]
        assert a["rec_texts"] == b["rec_texts"], name
        assert a["rec_boxes"] == b["rec_boxes"], name
        assert a == b, name


def test_worker_function_alone(tmp_path):
    """The same function without Dask (what a Ray task or Spark's mapPartitions calls)."""
    from ppocr import dask as ppdask
    kw = tiny_kwargs(cpu_threads=1)
    bad = str(tmp_path / "missing.jpg")
    res = list(ppdask.ocr_partition(iter([shared_path(IMG), bad]), str(tmp_path / "o"), ocr_kwargs=kw,
                                    save_img=True))
    assert res[0]["error"] is None and len(res[0]["files"]) == 2
    assert res[1]["error"].startswith("FileNotFoundError") and res[1]["pages"] == 0
    first = ppdask.get_ocr(kw)
    assert ppdask.get_ocr(dict(kw)) is first  # loaded once per process
