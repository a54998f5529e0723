"""PaddleOCR (the pipeline): the spec's example, inputs, results, laziness, threads, Ctrl-C."""
import json
import os
import pathlib
import re
import shutil
import signal
import subprocess
import sys
import textwrap
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pytest

from conftest import IMG, IMG2, icdar_images, shared_path, tiny_kwargs


def test_names():
    import ppocr
    for name in ["PaddleOCR", "TextDetection", "TextRecognition", "TextLineOrientationClassification",
                 "DocImgOrientationClassification", "TextImageUnwarping"]:
        assert isinstance(getattr(ppocr, name), type), name
    assert issubclass(ppocr.PPOCRError, RuntimeError)
    assert ppocr.__version__


# The constructor arguments of the spec (../shared/spec, "2.2 Python Script Integration", PaddleOCR()'s
# table), deprecated 2.x names included: each is an option of the table, name for name.
SPEC_ARGS = """doc_orientation_classify_model_name doc_orientation_classify_model_dir doc_unwarping_model_name
doc_unwarping_model_dir text_detection_model_name text_detection_model_dir textline_orientation_model_name
textline_orientation_model_dir textline_orientation_batch_size text_recognition_model_name
text_recognition_model_dir text_recognition_batch_size use_doc_orientation_classify use_doc_unwarping
use_textline_orientation text_det_limit_side_len text_det_limit_type text_det_thresh text_det_box_thresh
text_det_unclip_ratio text_det_input_shape text_rec_score_thresh text_rec_input_shape lang ocr_version device
enable_hpi use_tensorrt precision enable_mkldnn mkldnn_cache_capacity cpu_threads min_subgraph_size
det_model_dir det_limit_side_len det_limit_type det_db_thresh det_db_box_thresh det_db_unclip_ratio
rec_model_dir rec_batch_num use_angle_cls cls_model_dir cls_batch_num""".split()
SPEC_PREDICT_ARGS = """use_doc_orientation_classify use_doc_unwarping use_textline_orientation
text_det_limit_side_len text_det_limit_type text_det_thresh text_det_box_thresh text_det_unclip_ratio
text_rec_score_thresh""".split()


def test_spec_arguments_are_options():
    import ppocr
    table = ppocr.option_table()
    names = {t["name"] for t in table} | {a for t in table for a in t["aliases"]}
    assert sorted(set(SPEC_ARGS) - names) == []
    runtime = {t["name"] for t in table if t["runtime"]}
    assert sorted(set(SPEC_PREDICT_ARGS) - runtime) == []


# The spec's example (PaddleOCR's docs, "2.2 Python Script Integration") with the import line changed;
# its input, a URL of PaddleOCR's demo image, is a shared image here (no network).
SPEC_EXAMPLE = '''
from ppocr import PaddleOCR

ocr = PaddleOCR(
    use_doc_orientation_classify=False,
    use_doc_unwarping=False,
    use_textline_orientation=False)

# Run OCR inference on a sample image
result = ocr.predict(
    input="{input}")

# Visualize the results and save the JSON results
for res in result:
    res.print()
    res.save_to_img("output")
    res.save_to_json("output")
'''


def test_spec_example_matches_cli(tmp_path, ppocr_bin):
    img = shared_path(IMG)
    # The default models: the shared tiny pair registered in a model cache of our own (as
    # scripts/install_models.sh does), found by name like PaddleOCR's defaults.
    cache = tmp_path / "models"
    cache.mkdir()
    for name, rel in [("PP-OCRv6_tiny_det", "models/onnx/PP-OCRv6_tiny_det"),
                      ("PP-OCRv6_tiny_rec", "models/onnx/PP-OCRv6_tiny_rec")]:
        os.symlink(shared_path(rel), cache / name)
    # PaddleOCR's default pair is not in that cache; a model source that refuses at once makes its download
    # fail fast on machines with network too, so both fall back to the cached pair.
    env = dict(os.environ, PPOCR_HOME=str(cache), PPOCR_MODEL_SOURCE="http://127.0.0.1:9")
    (tmp_path / "example.py").write_text(SPEC_EXAMPLE.format(input=img))
    py = subprocess.run([sys.executable, "example.py"], cwd=tmp_path, env=env, capture_output=True, text=True,
                        timeout=300)
    assert py.returncode == 0, py.stderr
    cli = subprocess.run([ppocr_bin, "ocr", "-i", img, "--use_doc_orientation_classify", "False",
                          "--use_doc_unwarping", "False", "--use_textline_orientation", "False",
                          "--save_path", "cli_output"], cwd=tmp_path, env=env, capture_output=True, text=True,
                         timeout=300)
    assert cli.returncode == 0, cli.stderr
    for f in ["img_12_res.json", "img_12_ocr_res_img.jpg"]:
        a, b = (tmp_path / "output" / f).read_bytes(), (tmp_path / "cli_output" / f).read_bytes()
        assert a == b, f"{f} differs from ppocr ocr's"
    printed = json.loads(py.stdout)
    assert printed == json.loads((tmp_path / "cli_output" / "img_12_res.json").read_text())
    assert printed["res"]["rec_texts"], "no text recognised"


def test_result_fields(ocr, tmp_path):
    res = ocr.predict(shared_path(IMG))
    assert len(res) == 1
    r = res[0]
    saved = r.save_to_json(tmp_path)
    assert saved == str(tmp_path / "img_12_res.json")
    with open(saved, encoding="utf-8") as f:
        text = f.read()
    on_disk = json.loads(text)
    assert r.json == on_disk
    assert list(r.json["res"]) == list(on_disk["res"])  # PaddleOCR's key order
    assert r["input_path"] == shared_path(IMG) and r["page_index"] is None
    assert r["rec_texts"] == on_disk["res"]["rec_texts"] and len(r["rec_texts"]) > 3
    assert r["rec_scores"] == on_disk["res"]["rec_scores"]
    boxes = r["rec_boxes"]
    assert isinstance(boxes, np.ndarray) and boxes.dtype == np.int16 and boxes.shape == (len(r["rec_texts"]), 4)
    assert boxes.tolist() == on_disk["res"]["rec_boxes"]
    for key in ["dt_polys", "rec_polys"]:
        assert all(isinstance(p, np.ndarray) and p.dtype == np.int16 and p.shape == (4, 2) for p in r[key])
        assert [p.tolist() for p in r[key]] == on_disk["res"][key]
    assert r["text_det_params"] == on_disk["res"]["text_det_params"]
    # .json is a fresh copy each time
    j = r.json
    j["res"]["rec_texts"].append("x")
    assert r.json == on_disk


def test_img_and_save_to_img(ocr, tmp_path):
    r = ocr.predict(shared_path(IMG))[0]
    img = r.img
    assert set(img) == {"ocr_res_img"}
    vis = img["ocr_res_img"]
    h, w = r.image.shape[:2]
    assert vis.dtype == np.uint8 and vis.ndim == 3 and vis.shape[2] == 3 and vis.shape[0] == h and vis.shape[1] >= w
    files = r.save_to_img(str(tmp_path))
    assert files == [str(tmp_path / "img_12_ocr_res_img.jpg")] and os.path.getsize(files[0]) > 1000
    # With document preprocessing on (orientation classifier not available here: unwarping alone is not
    # in shared/ either), preprocessed_img is not checked.


def test_print(ocr, capsys):
    r = ocr.predict(shared_path(IMG))[0]
    r.print()
    out = capsys.readouterr().out
    assert json.loads(out) == r.json
    assert out.startswith('{\n    "res": {\n        "input_path"')
    r.print(format_json=False)
    assert capsys.readouterr().out.strip() == str(r.json)
    r.print(indent=2, ensure_ascii=True)
    assert capsys.readouterr().out.startswith('{\n  "res"')


def test_predict_numpy_array(ocr, tmp_path):
    ref = ocr.predict(shared_path(IMG))[0]
    bgr = ref.image
    assert bgr.dtype == np.uint8 and bgr.ndim == 3
    r = ocr.predict(bgr)[0]
    assert r["input_path"] is None and r["page_index"] is None
    assert r["rec_texts"] == ref["rec_texts"]
    assert np.array_equal(r["rec_boxes"], ref["rec_boxes"])
    # A strided view (not C-contiguous) and float images in [0, 1] are converted.
    wide = np.zeros((bgr.shape[0], bgr.shape[1] * 2, 3), np.uint8)
    wide[:, ::2] = bgr
    assert ocr.predict(wide[:, ::2])[0]["rec_texts"] == ref["rec_texts"]
    assert ocr.predict(bgr.astype(np.float32) / 255.0)[0]["rec_texts"] == ref["rec_texts"]
    gray = (bgr.astype(np.float32) @ np.array([0.114, 0.587, 0.299], np.float32)).round().astype(np.uint8)
    assert len(ocr.predict(gray)[0]["rec_texts"]) >= len(ref["rec_texts"]) // 2
    # A list of arrays: one result each, saved under PaddleX's names for in-memory inputs.
    rs = ocr.predict([bgr, bgr[:, :, :1]])
    assert len(rs) == 2
    names = [os.path.basename(x.save_to_json(tmp_path)) for x in rs]
    assert all(re.fullmatch(r"\d+_\d{4}_res\.json", n) for n in names) and names[0] != names[1], names


def test_predict_path_pathlike_list_and_bytes(ocr):
    p = shared_path(IMG)
    a = ocr.predict(p)[0]
    b = ocr.predict(pathlib.Path(p))[0]
    assert a.json == b.json
    both = ocr.predict([p, pathlib.Path(shared_path(IMG2))])
    assert [r["input_path"] for r in both] == [p, shared_path(IMG2)]
    with open(p, "rb") as f:
        c = ocr.predict(f.read())[0]
    assert c["input_path"] is None and c["rec_texts"] == a["rec_texts"]


def test_predict_folder(ocr, tmp_path):
    for name in ["b.jpg", "a.jpg"]:
        shutil.copy(shared_path(IMG2), tmp_path / name)
    (tmp_path / "notes.txt").write_text("not an image")
    rs = ocr.predict(str(tmp_path))
    assert [os.path.basename(r["input_path"]) for r in rs] == ["a.jpg", "b.jpg"]
    assert rs[0]["rec_texts"] == rs[1]["rec_texts"] == ocr.predict(shared_path(IMG2))[0]["rec_texts"] != []


def test_predict_pdf(ocr, tmp_path):
    pdf = shared_path("data/pdf/pdflatex-4-pages.pdf")
    rs = ocr.predict(pdf)
    assert [r["page_index"] for r in rs] == [0, 1, 2, 3]
    assert all(r["input_path"] == pdf for r in rs)
    assert sum(len(r["rec_texts"]) for r in rs) > 10
    assert os.path.basename(rs[2].save_to_json(tmp_path)) == "pdflatex-4-pages_2_res.json"


def _tiff(pages):
    """An uncompressed multi-page TIFF (8-bit grey) of 2-D numpy arrays, written by hand: no imaging library here."""
    import struct
    out = bytearray(b"II*\0" + struct.pack("<I", 0))
    link = 4  # where the previous "next directory" pointer is
    for img in pages:
        h, w = img.shape
        data_at = len(out)
        out += img.astype("uint8").tobytes()
        if len(out) % 2:
            out += b"\0"
        ifd_at = len(out)
        struct.pack_into("<I", out, link, ifd_at)
        tags = [(256, 4, w), (257, 4, h), (258, 3, 8), (259, 3, 1), (262, 3, 1), (273, 4, data_at), (277, 3, 1),
                (278, 4, h), (279, 4, w * h)]
        out += struct.pack("<H", len(tags))
        for tag, typ, val in tags:
            out += struct.pack("<HHI", tag, typ, 1) + (struct.pack("<HH", val, 0) if typ == 3 else struct.pack("<I", val))
        link = len(out)
        out += struct.pack("<I", 0)
    return bytes(out)


def test_pdf_page_range_and_multipage_tiff(tmp_path):
    """pdf_page_range picks pages (1-based, "2,4-") of PDFs and multi-page TIFFs; a TIFF gives every page."""
    import numpy as np
    from ppocr import PaddleOCR
    pdf = shared_path("data/pdf/pdflatex-4-pages.pdf")
    ranged = PaddleOCR(**tiny_kwargs(pdf_page_range="2,4-"))
    assert [r["page_index"] for r in ranged.predict(pdf)] == [1, 3]
    pages = [np.full((40 + 10 * i, 64), 255 - 40 * i, np.uint8) for i in range(3)]
    tif = tmp_path / "scan.tif"
    tif.write_bytes(_tiff(pages))
    rs = PaddleOCR(**tiny_kwargs()).predict(str(tif))
    assert [r["page_index"] for r in rs] == [0, 1, 2]
    assert all(r["input_path"] == str(tif) for r in rs)
    assert [r["page_index"] for r in ranged.predict(str(tif))] == [1]
    with pytest.raises(ValueError, match="pdf_page_range"):
        PaddleOCR(**tiny_kwargs(pdf_page_range="3-1"))


def test_predict_iter_is_lazy_and_pipelined():
    """Nothing is read before the generator is first asked; pages then run ahead in C++ (cpu_threads 2: two
    at a time), come out in input order and equal predict()'s; closing the generator early stops the rest."""
    from ppocr import PaddleOCR
    ocr = PaddleOCR(**tiny_kwargs(pdf_max_pages=3))
    gen = ocr.predict_iter("/nonexistent/page.png")  # the call reads nothing: the error comes with next()
    with pytest.raises(FileNotFoundError):
        next(gen)
    pdf = shared_path("data/pdf/pdflatex-4-pages.pdf")
    imgs = [shared_path(f"data/icdar2015/images/img_{i}.jpg") for i in (1, 2, 3)]
    want = ocr.predict(imgs + [pdf])
    got = list(ocr.predict_iter(imgs + [pdf]))
    assert [(r["input_path"], r["page_index"]) for r in got] == [(p, None) for p in imgs] + [(pdf, i) for i in range(3)]
    assert [r["rec_texts"] for r in got] == [r["rec_texts"] for r in want]
    gen = ocr.predict_iter(imgs + [pdf])
    assert next(gen)["input_path"] == imgs[0]
    gen.close()  # the pages still running are stopped and dropped
    # A bad input among good ones raises in its turn, after the results before it.
    it = ocr.predict_iter([imgs[0], "/nonexistent/x.png", imgs[1]])
    assert next(it)["input_path"] == imgs[0]
    with pytest.raises(FileNotFoundError):
        next(it)


def test_runtime_overrides(ocr):
    p = shared_path(IMG)
    base = ocr.predict(p)[0]
    thresh = round(sorted(base["rec_scores"])[len(base["rec_scores"]) // 2], 3)  # the median score
    hi = ocr.predict(p, text_rec_score_thresh=thresh)[0]
    assert hi["text_rec_score_thresh"] == thresh
    assert all(s >= thresh for s in hi["rec_scores"])
    assert len(hi["rec_texts"]) < len(base["rec_texts"])
    small = ocr.predict(p, text_det_limit_side_len=320, text_det_limit_type="max")[0]
    assert small["text_det_params"]["limit_side_len"] == 320
    # None means "not given"
    assert ocr.predict(p, text_det_thresh=None)[0].json == base.json
    words = ocr.predict(p, return_word_box=True)[0]
    assert words["return_word_box"] is True and len(words["text_word_boxes"]) == len(words["rec_texts"])
    assert ["".join(w) for w in words["text_word"]] == words["rec_texts"]


def test_threads_share_one_pipeline(ocr):
    """4 Python threads on one PaddleOCR give the texts one thread gives (the GIL is released inside)."""
    paths = icdar_images(12)
    one = [ocr.predict(p)[0]["rec_texts"] for p in paths]
    active = []
    peak = [0]
    lock = threading.Lock()

    def run(p):
        with lock:
            active.append(p)
            peak[0] = max(peak[0], len(active))
        try:
            return ocr.predict(p)[0]["rec_texts"]
        finally:
            with lock:
                active.remove(p)

    with ThreadPoolExecutor(4) as ex:
        four = list(ex.map(run, paths))
    assert four == one
    assert peak[0] > 1


def test_gil_released_during_predict():
    """While one thread is inside predict, another runs Python code: the GIL is not held by inference."""
    from ppocr import PaddleOCR
    ocr = PaddleOCR(**tiny_kwargs(cpu_threads=1))  # one core for inference, one for the spinner
    p = shared_path(IMG2)
    ocr.predict(p)  # warm up
    stamps = []
    done = threading.Event()

    def spin():
        while not done.is_set():
            stamps.append(time.perf_counter())
            time.sleep(0.001)

    t = threading.Thread(target=spin)
    t.start()
    try:
        t0 = time.perf_counter()
        for _ in range(3):
            ocr.predict(p)
        per_call = (time.perf_counter() - t0) / 3
    finally:
        done.set()
        t.join()
    gap = max(b - a for a, b in zip(stamps, stamps[1:]))
    # Holding the GIL through inference would stall the spinner for a whole call.
    assert gap < per_call / 2, f"spinner stalled {gap * 1000:.0f} ms; one predict takes {per_call * 1000:.0f} ms"


CTRL_C_SCRIPT = r'''
import signal, sys, time
signal.signal(signal.SIGINT, signal.default_int_handler)  # even when started with SIGINT ignored
from ppocr import PaddleOCR
ocr = PaddleOCR(**{kwargs!r})
print("loaded", flush=True)
done = 0
try:
    for r in ocr.predict_iter({folder!r}):  # what predict() runs
        done += 1
except KeyboardInterrupt:
    print("interrupted", done, flush=True)
    sys.exit(3)
print("finished", done, flush=True)
'''


def test_ctrl_c_interrupts_predict(tmp_path):
    folder = os.path.dirname(icdar_images(1)[0])
    script = CTRL_C_SCRIPT.format(kwargs=tiny_kwargs(cpu_threads=1), folder=folder)
    proc = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        assert proc.stdout.readline().strip() == "loaded"
        time.sleep(1.0)
        t0 = time.perf_counter()
        proc.send_signal(signal.SIGINT)
        out, err = proc.communicate(timeout=60)
        stop_s = time.perf_counter() - t0
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == 3, (out, err)
    n = int(out.split()[-1])
    assert 0 < n < 100, out
    print(f"stopped {stop_s:.2f}s after SIGINT, after {n} of 100 pages")
