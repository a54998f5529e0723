"""The module classes and paddlex_config."""
import json
import os

import numpy as np
import pytest

from conftest import DET, IMG, REC, shared_path, tiny_kwargs


def test_text_detection_matches_pipeline(ocr, tmp_path):
    from ppocr import TextDetection
    det = TextDetection(model_dir=shared_path(DET), cpu_threads=2)
    out = det.predict(shared_path(IMG))
    assert len(out) == 1
    r = out[0]
    pipe = ocr.predict(shared_path(IMG))[0]
    assert r["dt_polys"].dtype == np.int16 and r["dt_polys"].shape == (len(pipe["dt_polys"]), 4, 2)
    assert r["dt_polys"].tolist() == [p.tolist() for p in pipe["dt_polys"]]
    assert r["input_path"] == shared_path(IMG) and len(r["dt_scores"]) == len(pipe["dt_polys"])
    # per-call override, as PaddleOCR's module predict() takes them
    fewer = det.predict(shared_path(IMG), box_thresh=0.95)[0]
    assert len(fewer["dt_polys"]) < len(r["dt_polys"])
    f = r.save_to_json(tmp_path)
    assert json.load(open(f)) == r.json
    imgs = r.save_to_img(tmp_path)
    assert imgs == [str(tmp_path / "img_12_res.jpg")] and os.path.getsize(imgs[0]) > 1000
    with pytest.raises(ValueError, match=r"thresh must be in \[0, 1\]"):
        TextDetection(model_dir=shared_path(DET), thresh=2)
    with pytest.raises(TypeError, match="unexpected keyword argument 'foo'"):
        TextDetection(model_dir=shared_path(DET), foo=1)


def test_text_recognition_batches():
    from ppocr import TextRecognition
    words = shared_path("data/paddleocr_demo/imgs_words/en")
    files = sorted(os.path.join(words, f) for f in os.listdir(words) if f.endswith((".png", ".jpg")))[:4]
    rec = TextRecognition(model_dir=shared_path(REC), cpu_threads=2)
    one = [rec.predict(f)[0]["rec_text"] for f in files]
    batched = [r["rec_text"] for r in rec.predict(files, batch_size=3)]
    assert one == batched and all(one)
    r = rec.predict(files[0])[0]
    assert set(r.json["res"]) == {"input_path", "page_index", "rec_text", "rec_score"}
    assert 0 < r["rec_score"] <= 1
    with pytest.raises(ValueError, match="batch_size"):
        rec.predict(files, batch_size=0)
    with pytest.raises(TypeError):
        rec.predict(files, thresh=0.5)


def test_textline_orientation(ocr):
    from ppocr import TextLineOrientationClassification
    m = TextLineOrientationClassification(model_dir=shared_path("models/ncnn/PP-LCNet_x1_0_textline_ori"))
    word = shared_path("data/paddleocr_demo/imgs_words/en/word_1.png")
    up = m.predict(word)[0]
    assert up["label_names"] == ["0_degree"], up.json
    assert set(up.json["res"]) == {"input_path", "page_index", "class_ids", "scores", "label_names"}
    bgr = ocr.predict(word)[0].image  # the decoded word image
    down = m.predict(np.ascontiguousarray(bgr[::-1, ::-1]))[0]
    assert down["label_names"] == ["180_degree"], down.json
    assert down["input_path"] is None


def test_module_model_errors(tmp_path):
    from ppocr import DocImgOrientationClassification, PPOCRError, TextImageUnwarping
    with pytest.raises((FileNotFoundError, PPOCRError)):
        DocImgOrientationClassification(model_dir=str(tmp_path / "none"))
    with pytest.raises(PPOCRError, match="device 'gpu' is not supported"):
        TextImageUnwarping(model_dir=str(tmp_path), device="gpu")


def test_module_defaults_are_paddleocr_37s(tmp_path, monkeypatch):
    """Given no model, each module class looks for PaddleOCR 3.7's default (the same table as the CLI)."""
    import ppocr
    monkeypatch.setenv("PPOCR_HOME", str(tmp_path))                   # an empty cache
    monkeypatch.setenv("PPOCR_MODEL_SOURCE", "http://127.0.0.1:9")    # downloads fail at once
    for cls, name in [(ppocr.TextDetection, "PP-OCRv6_medium_det"), (ppocr.TextRecognition, "PP-OCRv6_medium_rec"),
                      (ppocr.TextLineOrientationClassification, "PP-LCNet_x1_0_textline_ori"),
                      (ppocr.DocImgOrientationClassification, "PP-LCNet_x1_0_doc_ori"),
                      (ppocr.TextImageUnwarping, "UVDoc")]:
        with pytest.raises(Exception, match=name):
            cls()


def test_paddlex_config(tmp_path):
    from ppocr import PaddleOCR
    cfg = tmp_path / "OCR.yaml"
    cfg.write_text("pipeline_name: OCR\nSubModules:\n  TextDetection:\n    thresh: 0.25\n    box_thresh: 0.5\n")
    kw = tiny_kwargs(text_det_box_thresh=0.55)  # keyword arguments win over the file
    ocr = PaddleOCR(paddlex_config=str(cfg), **kw)
    eff = ocr.effective_options
    assert abs(eff["text_det_thresh"] - 0.25) < 1e-6 and abs(eff["text_det_box_thresh"] - 0.55) < 1e-6
    out = tmp_path / "export.yaml"
    ocr.export_paddlex_config_to_yaml(out)
    again = PaddleOCR(paddlex_config=str(out))
    assert again.effective_options["text_det_box_thresh"] == eff["text_det_box_thresh"]
    # a dict in the same layout
    d = PaddleOCR(paddlex_config={"pipeline_name": "OCR", "SubModules": {"TextDetection": {"thresh": 0.2}}}, **kw)
    assert abs(d.effective_options["text_det_thresh"] - 0.2) < 1e-6
    with pytest.raises(ValueError):
        PaddleOCR(paddlex_config={"pipeline_name": "OCR", "SubModules": {"TextDetection": {"thresh": 7}}}, **kw)
