// The page at GET /: pick (or drop) an image or a PDF, the page posts it to
// /ocr as PaddleX clients do, draws the text boxes over the page on a canvas,
// lists the texts beside it, and offers the answer as a JSON download. OCR
// texts only ever go into the page through textContent.
#include "server/web_ui.h"

namespace ppocr::server {
namespace {

constexpr std::string_view kIndexHtml = R"HTML(<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>ppocr</title>
<link rel="stylesheet" href="/app.css">
</head>
<body data-state="idle">
<header>
  <h1>ppocr</h1>
  <span class="sub">PaddleOCR's general OCR pipeline, served by <code>ppocr serve</code></span>
</header>
<section id="controls">
  <label class="picker">Choose an image or PDF
    <input type="file" id="file" accept="image/*,application/pdf,.pdf">
  </label>
  <span class="hint">or drop it on the page</span>
  <label class="key">API key <input type="password" id="apikey" autocomplete="off" placeholder="if the server needs one"></label>
  <a id="download" class="button" hidden>Download JSON</a>
</section>
<p id="status" role="status">No file yet.</p>
<main id="pages"></main>
<script src="/app.js"></script>
</body>
</html>
)HTML";

constexpr std::string_view kAppCss = R"CSS(* { box-sizing: border-box; }
body { font: 15px/1.45 system-ui, sans-serif; margin: 0; color: #1d232a; background: #f6f7f9; }
header { display: flex; align-items: baseline; gap: 1em; padding: 0.8em 1.2em; background: #1d3557; color: #fff; }
header h1 { margin: 0; font-size: 1.4em; }
header .sub { opacity: 0.8; }
header code { color: #fff; }
#controls { display: flex; flex-wrap: wrap; align-items: center; gap: 1em; padding: 0.8em 1.2em; background: #fff;
  border-bottom: 1px solid #dde1e6; }
.picker { display: inline-block; padding: 0.45em 0.9em; background: #457b9d; color: #fff; border-radius: 4px; cursor: pointer; }
.picker input { display: block; margin-top: 0.3em; color: #fff; }
.hint { color: #6b7280; }
.key input { width: 14em; }
.button { padding: 0.45em 0.9em; background: #2a9d8f; color: #fff; border-radius: 4px; text-decoration: none; }
#status { margin: 0.8em 1.2em; }
#status.error { color: #b00020; font-weight: 600; }
body.dragging { outline: 4px dashed #457b9d; outline-offset: -8px; }
.page { margin: 0 1.2em 1.5em; padding: 0.8em; background: #fff; border: 1px solid #dde1e6; border-radius: 6px; }
.page h2 { margin: 0 0 0.5em; font-size: 1.05em; }
.row { display: flex; gap: 1em; align-items: flex-start; }
.figure { flex: 3; min-width: 0; }
.figure canvas { max-width: 100%; height: auto; border: 1px solid #ccd; display: block; }
.note { color: #6b7280; font-size: 0.9em; }
.texts { flex: 2; margin: 0; padding-left: 2.2em; max-height: 80vh; overflow: auto; }
.texts li { padding: 0.1em 0.3em; border-radius: 3px; cursor: default; }
.texts li:hover, .texts li.hot { background: #ffe8a3; }
.texts .score { color: #6b7280; font-size: 0.8em; margin-left: 0.5em; }
@media (max-width: 800px) { .row { flex-direction: column; } }
)CSS";

constexpr std::string_view kAppJs = R"JS("use strict";
// ppocr's page: posts the chosen file to /ocr (PaddleX's serving API) and shows the result.
(function () {
  const $ = (id) => document.getElementById(id);
  const setState = (s) => { document.body.dataset.state = s; };
  const keyInput = $("apikey");
  let downloadUrl = null;
  try { keyInput.value = sessionStorage.getItem("ppocr-api-key") || ""; } catch (e) { /* storage may be off */ }
  keyInput.addEventListener("change", () => {
    try { sessionStorage.setItem("ppocr-api-key", keyInput.value); } catch (e) { /* ignore */ }
  });

  function setStatus(text, isError) {
    const s = $("status");
    s.textContent = text;
    s.className = isError ? "error" : "";
  }

  function readAsBase64(file) {
    return new Promise((resolve, reject) => {
      const r = new FileReader();
      r.onload = () => { const s = String(r.result); resolve(s.slice(s.indexOf(",") + 1)); };
      r.onerror = () => reject(new Error("cannot read the file"));
      r.readAsDataURL(file);
    });
  }

  function loadImage(src) {
    return new Promise((resolve, reject) => {
      const img = new Image();
      img.onload = () => resolve(img);
      img.onerror = () => reject(new Error("the browser cannot display this image"));
      img.src = src;
    });
  }

  const isPdf = (file) => file.type === "application/pdf" || /\.pdf$/i.test(file.name);

  function drawPage(canvas, img, size, polys, hot) {
    const ctx = canvas.getContext("2d");
    ctx.fillStyle = "#fff";
    ctx.fillRect(0, 0, canvas.width, canvas.height);
    if (img) ctx.drawImage(img, 0, 0, size.width, size.height);
    const lw = Math.max(2, Math.round(size.width / 600));
    polys.forEach((poly, k) => {
      if (!Array.isArray(poly) || poly.length < 2) return;
      ctx.beginPath();
      poly.forEach((p, j) => (j ? ctx.lineTo(p[0], p[1]) : ctx.moveTo(p[0], p[1])));
      ctx.closePath();
      if (k === hot) {
        ctx.fillStyle = "rgba(255, 200, 0, 0.35)";
        ctx.fill();
      }
      ctx.lineWidth = k === hot ? lw * 2 : lw;
      ctx.strokeStyle = k === hot ? "rgb(255, 140, 0)" : "rgb(230, 0, 0)";
      ctx.stroke();
    });
  }

  async function renderPage(index, item, info, localUrl) {
    const pr = item.prunedResult || {};
    const texts = pr.rec_texts || [];
    const scores = pr.rec_scores || [];
    const polys = pr.rec_polys || [];
    const size = info.type === "pdf" ? info.pages[index] : { width: info.width, height: info.height };
    const section = document.createElement("section");
    section.className = "page";
    const h = document.createElement("h2");
    h.textContent = info.type === "pdf" ? "Page " + (index + 1) : "Image";
    section.appendChild(h);
    const row = document.createElement("div");
    row.className = "row";
    const figure = document.createElement("div");
    figure.className = "figure";
    const canvas = document.createElement("canvas");
    canvas.id = "canvas-" + index;
    const list = document.createElement("ol");
    list.className = "texts";
    list.id = "texts-" + index;
    figure.appendChild(canvas);
    row.appendChild(figure);
    row.appendChild(list);
    section.appendChild(row);
    $("pages").appendChild(section);

    if (pr.doc_preprocessor_res && item.ocrImage) {
      // The boxes refer to the page after orientation/unwarping: show the server's own drawing.
      const img = await loadImage("data:image/jpeg;base64," + item.ocrImage);
      canvas.width = img.naturalWidth;
      canvas.height = img.naturalHeight;
      canvas.getContext("2d").drawImage(img, 0, 0);
      const note = document.createElement("p");
      note.className = "note";
      note.textContent = "Document preprocessing ran: the boxes are drawn by the server on the corrected page.";
      figure.appendChild(note);
    } else {
      const src = localUrl || (item.inputImage ? "data:image/jpeg;base64," + item.inputImage : null);
      const img = src ? await loadImage(src) : null;
      canvas.width = size.width;
      canvas.height = size.height;
      drawPage(canvas, img, size, polys, -1);
      list.addEventListener("mouseover", (e) => {
        const li = e.target.closest("li");
        if (li) drawPage(canvas, img, size, polys, Number(li.dataset.index));
      });
      list.addEventListener("mouseleave", () => drawPage(canvas, img, size, polys, -1));
    }
    texts.forEach((t, k) => {
      const li = document.createElement("li");
      li.dataset.index = String(k);
      const span = document.createElement("span");
      span.className = "text";
      span.textContent = t;
      li.appendChild(span);
      if (typeof scores[k] === "number") {
        const s = document.createElement("span");
        s.className = "score";
        s.textContent = scores[k].toFixed(3);
        li.appendChild(s);
      }
      list.appendChild(li);
    });
    return texts.length;
  }

  function offerDownload(name, text) {
    if (downloadUrl) URL.revokeObjectURL(downloadUrl);
    downloadUrl = URL.createObjectURL(new Blob([text], { type: "application/json" }));
    const a = $("download");
    a.href = downloadUrl;
    a.download = name.replace(/\.[^.]*$/, "") + "_res.json";
    a.hidden = false;
  }

  async function run(file) {
    setState("busy");
    $("pages").textContent = "";
    $("download").hidden = true;
    setStatus("Reading " + file.name + " ...");
    try {
      const pdf = isPdf(file);
      const b64 = await readAsBase64(file);
      setStatus("Recognising " + file.name + " ...");
      const headers = { "Content-Type": "application/json" };
      if (keyInput.value) headers["Authorization"] = "Bearer " + keyInput.value;
      const t0 = performance.now();
      const res = await fetch("/ocr", {
        method: "POST",
        headers,
        body: JSON.stringify({ file: b64, fileType: pdf ? 0 : 1, visualize: true }),
      });
      const text = await res.text();
      let body = null;
      try { body = JSON.parse(text); } catch (e) { /* reported below */ }
      if (!body) throw new Error("HTTP " + res.status + ": the answer is not JSON");
      if (res.status !== 200) throw new Error("HTTP " + res.status + ": " + body.errorMsg);
      const ms = Math.round(performance.now() - t0);
      const localUrl = pdf ? null : URL.createObjectURL(file);
      const results = body.result.ocrResults;
      let lines = 0;
      for (let i = 0; i < results.length; ++i) lines += await renderPage(i, results[i], body.result.dataInfo, localUrl);
      offerDownload(file.name, text);
      const plural = (n, w) => n + " " + w + (n === 1 ? "" : "s");
      setStatus(plural(lines, "text line") + " on " + plural(results.length, "page") + " in " + ms + " ms");
      setState("done");
    } catch (e) {
      setStatus(String((e && e.message) || e), true);
      setState("error");
    }
  }

  $("file").addEventListener("change", (e) => {
    const f = e.target.files && e.target.files[0];
    if (f) run(f);
  });
  document.addEventListener("dragover", (e) => { e.preventDefault(); document.body.classList.add("dragging"); });
  document.addEventListener("dragleave", () => document.body.classList.remove("dragging"));
  document.addEventListener("drop", (e) => {
    e.preventDefault();
    document.body.classList.remove("dragging");
    const f = e.dataTransfer && e.dataTransfer.files && e.dataTransfer.files[0];
    if (f) run(f);
  });
  setState("ready");
})();
)JS";

const WebAsset kAssets[] = {
    {"/", "text/html; charset=utf-8", kIndexHtml},
    {"/index.html", "text/html; charset=utf-8", kIndexHtml},
    {"/app.js", "text/javascript; charset=utf-8", kAppJs},
    {"/app.css", "text/css; charset=utf-8", kAppCss},
};

}  // namespace

const char* const kWebUiCsp =
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; connect-src 'self'; "
    "base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

const WebAsset* find_web_asset(std::string_view path) {
  for (const WebAsset& a : kAssets)
    if (a.path == path) return &a;
  return nullptr;
}

}  // namespace ppocr::server
