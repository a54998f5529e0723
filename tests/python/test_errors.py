"""Bad arguments and bad inputs raise clear Python exceptions (and never crash the interpreter)."""
import os
import warnings

import numpy as np
import pytest

from conftest import DET, IMG, REC, shared_path, tiny_kwargs


def make(**kw):
    from ppocr import PaddleOCR
    return PaddleOCR(**tiny_kwargs(**kw))


# ---- constructor and predict() keyword arguments ----

def test_unknown_kwarg_is_type_error():
    with pytest.raises(TypeError, match=r"unexpected keyword argument 'text_det_thres'.*did you mean 'text_det_thresh'"):
        make(text_det_thres=0.3)
    with pytest.raises(TypeError, match="'use_gpu'"):
        make(use_gpu=False)


def test_bad_values_are_value_errors():
    cases = [
        (dict(text_det_thresh=5), r"text_det_thresh must be in \[0, 1\], got 5"),
        (dict(text_det_thresh="high"), r"text_det_thresh must be a number or null, got string"),
        (dict(text_det_thresh=True), r"text_det_thresh must be a number or null, got boolean"),
        (dict(text_det_limit_type="mid"), r"text_det_limit_type must be one of min, max, got 'mid'"),
        (dict(text_det_limit_side_len=0.5), r"text_det_limit_side_len must be an integer or null"),
        (dict(cpu_threads=0), r"cpu_threads must be in \[1, 1024\], got 0"),
        (dict(use_doc_unwarping="yes"), r"use_doc_unwarping must be a boolean or null, got string"),
        (dict(text_rec_input_shape=(3, 48)), r"text_rec_input_shape must be 3 numbers C,H,W"),
        (dict(ocr_version="PP-OCRv9"), r"ocr_version must be one of"),
        (dict(cpu_threads=2**70), r"cpu_threads is out of range"),
    ]
    for kw, msg in cases:
        with pytest.raises(ValueError, match=msg):
            make(**kw)


def test_unsupported_value_type_is_type_error():
    with pytest.raises(TypeError, match="text_det_thresh: unsupported value of type object"):
        make(text_det_thresh=object())


def test_numpy_scalars_and_tuples_are_accepted():
    ocr = make(text_det_thresh=np.float32(0.3), text_det_limit_side_len=np.int64(960),
               text_rec_input_shape=(3, 48, 320), use_doc_unwarping=np.bool_(False))
    eff = ocr.effective_options
    assert eff["text_det_limit_side_len"] == 960 and eff["text_rec_input_shape"] == [3, 48, 320]
    assert abs(eff["text_det_thresh"] - 0.3) < 1e-6


def test_deprecated_names_warn_and_conflict():
    with pytest.warns(DeprecationWarning, match="`det_db_thresh` is deprecated.*use `text_det_thresh`") as w:
        ocr = make(det_db_thresh=0.4)
    assert any(os.path.basename(x.filename) == "test_errors.py" for x in w), "warning not attributed to the caller"
    assert abs(ocr.effective_options["text_det_thresh"] - 0.4) < 1e-6
    kw = tiny_kwargs()
    kw["use_angle_cls"] = kw.pop("use_textline_orientation")
    with pytest.warns(DeprecationWarning, match="use `use_textline_orientation`"):
        from ppocr import PaddleOCR
        PaddleOCR(**kw)
    with pytest.raises(ValueError, match="`use_angle_cls` and `use_textline_orientation` are mutually exclusive"):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            make(use_angle_cls=False)


def test_predict_kwargs(ocr):
    p = shared_path(IMG)
    with pytest.raises(TypeError, match="unexpected keyword argument 'cpu_threads'.*not per predict"):
        ocr.predict(p, cpu_threads=2)
    with pytest.raises(TypeError, match="unexpected keyword argument 'foo'"):
        ocr.predict(p, foo=1)
    with pytest.raises(ValueError, match=r"text_det_box_thresh must be in \[0, 1\], got -1"):
        ocr.predict(p, text_det_box_thresh=-1)
    with pytest.raises(ValueError, match="text_det_limit_type must be one of"):
        ocr.predict_iter(p, text_det_limit_type="both")  # checked when called, before iterating


def test_unsupported_device_and_stage():
    from ppocr import PPOCRError
    with pytest.raises(PPOCRError, match="device 'gpu:0' is not supported"):
        make(device="gpu:0")
    with pytest.raises(PPOCRError, match="enable_hpi True is not supported"):
        make(enable_hpi=True)


def test_model_dir_errors(tmp_path):
    from ppocr import PaddleOCR, PPOCRError
    with pytest.raises((FileNotFoundError, PPOCRError), match="nonexistent"):
        make(text_detection_model_dir=str(tmp_path / "nonexistent"))
    (tmp_path / "empty").mkdir()
    with pytest.raises((FileNotFoundError, PPOCRError), match="empty"):
        make(text_detection_model_dir=str(tmp_path / "empty"))
    with pytest.raises(FileNotFoundError, match="missing.yaml"):
        PaddleOCR(paddlex_config=str(tmp_path / "missing.yaml"), **tiny_kwargs())
    with pytest.raises(TypeError, match="paddlex_config must be a path"):
        PaddleOCR(paddlex_config=3, **tiny_kwargs())


# ---- inputs ----

def test_wrong_input_types(ocr):
    for bad in [123, None, 1.5, {"a": 1}, [shared_path(IMG), 5], [[shared_path(IMG)]]]:
        with pytest.raises(TypeError, match="must be a path"):
            ocr.predict(bad)
    assert ocr.predict([]) == []


def test_missing_file(ocr, tmp_path):
    missing = str(tmp_path / "nope.jpg")
    with pytest.raises(FileNotFoundError, match="nope.jpg"):
        ocr.predict(missing)
    gen = ocr.predict_iter([shared_path(IMG), missing])
    assert next(gen)["rec_texts"]  # the good input first
    with pytest.raises(FileNotFoundError):
        next(gen)


def test_corrupt_inputs(ocr, tmp_path):
    bad = tmp_path / "bad.jpg"
    bad.write_bytes(b"\xff\xd8\xff\xe0 this is not really a jpeg" * 10)
    with pytest.raises(ValueError, match="bad.jpg"):
        ocr.predict(str(bad))
    with pytest.raises(ValueError):
        ocr.predict(b"GIF89a garbage")
    with pytest.raises(ValueError):
        ocr.predict(b"")
    pdf = tmp_path / "broken.pdf"
    pdf.write_bytes(b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\n")
    with pytest.raises(ValueError, match="broken.pdf"):
        ocr.predict(str(pdf))
    empty_dir = tmp_path / "empty"
    empty_dir.mkdir()
    with pytest.raises(FileNotFoundError, match="no image or PDF files"):
        ocr.predict(str(empty_dir))


def test_bad_arrays(ocr):
    cases = [np.zeros((10,), np.uint8), np.zeros((0, 5, 3), np.uint8), np.zeros((4, 4, 2), np.uint8),
             np.zeros((2, 4, 4, 3), np.uint8), np.zeros((8, 8, 3), np.complex64), np.zeros((8, 8, 3), object),
             np.zeros((8, 8, 3), np.int64), np.zeros((8, 8, 3), ">u2")]
    for a in cases:
        with pytest.raises(ValueError, match="input array"):
            ocr.predict(a)
    # Tiny but valid images are fine (no text).
    assert ocr.predict(np.zeros((1, 1, 3), np.uint8))[0]["rec_texts"] == []
    assert ocr.predict(np.full((3, 500), 255, np.uint8))[0]["rec_texts"] == []


def test_bad_save_paths(ocr, tmp_path):
    r = ocr.predict(shared_path(IMG))[0]
    blocker = tmp_path / "file"
    blocker.write_text("x")
    from ppocr import PPOCRError
    with pytest.raises(PPOCRError, match="cannot"):
        r.save_to_json(str(blocker / "sub"))
    with pytest.raises(TypeError):
        r.save_to_img(5)
