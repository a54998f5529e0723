"""Documents out from Python: the same txt/hOCR/PDF as the C++ API (docs/outputs.md)."""
import re
import subprocess

import pytest

import ppocr
from conftest import IMG, shared_path


def test_render_outputs_of_a_pdf_gives_one_document_per_input(ocr, tmp_path):
    pdf = shared_path("data/pdf/pdflatex-4-pages.pdf")
    pages = [r for _, r in zip(range(2), ocr.predict_iter(pdf))]  # the first two pages only
    docs = ppocr.render_outputs(pages, "txt,hocr,pdf")
    assert set(docs) == {"txt", "hocr", "pdf"}
    text = docs["txt"].decode("utf-8")
    for page in pages:
        for line in page["rec_texts"][:3]:
            assert line.split()[0] in text
    assert docs["pdf"].startswith(b"%PDF-")
    assert b"ocr_page" in docs["hocr"]
    files = ppocr.save_outputs(pages, tmp_path, ["txt", "pdf"])
    assert sorted(f.rsplit("/", 1)[1] for f in files) == ["pdflatex-4-pages.txt", "pdflatex-4-pages_ocr.pdf"]
    info = subprocess.run(["pdfinfo", str(tmp_path / "pdflatex-4-pages_ocr.pdf")], capture_output=True, text=True)
    if info.returncode == 0:  # poppler-utils present
        assert re.search(r"^Pages:\s+2$", info.stdout, re.M), info.stdout


def test_bad_outputs_arguments_raise(ocr):
    res = ocr.predict(shared_path(IMG))
    with pytest.raises(ValueError, match="docx"):
        ppocr.render_outputs(res, "txt,docx")
    with pytest.raises(TypeError):
        ppocr.render_outputs(["not a result"], "txt")
    with pytest.raises(ValueError):
        ppocr.render_outputs([], "txt")
