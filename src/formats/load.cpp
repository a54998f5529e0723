#include "formats/load.h"

#include <filesystem>

#include "formats/importers.h"

namespace fs = std::filesystem;

namespace ppocr::formats {

const char* format_name(ModelFormat f) {
  switch (f) {
    case ModelFormat::Onnx: return "onnx";
    case ModelFormat::Paddle2: return "paddle2";
    case ModelFormat::Paddle3: return "paddle3";
    case ModelFormat::Ncnn: return "ncnn";
  }
  return "?";
}

static bool ends_with(const std::string& s, const std::string& suf) {
  return s.size() >= suf.size() && s.compare(s.size() - suf.size(), suf.size(), suf) == 0;
}

static std::string first_with_suffix(const fs::path& dir, const std::string& suf) {
  std::error_code ec;
  std::string best;
  for (auto& e : fs::directory_iterator(dir, ec)) {
    std::string n = e.path().filename().string();
    if (ends_with(n, suf) && (best.empty() || n < best)) best = n;
  }
  return best.empty() ? "" : (dir / best).string();
}

static ModelFiles from_model_file(const fs::path& file) {
  ModelFiles m;
  std::string n = file.filename().string();
  fs::path dir = file.parent_path();
  if (dir.empty()) dir = ".";
  m.dir = dir.string();
  m.model = file.string();
  std::error_code ec;
  if (fs::exists(dir / "inference.yml", ec)) m.yml = (dir / "inference.yml").string();
  std::string stem;
  if (ends_with(n, ".onnx")) {
    m.format = ModelFormat::Onnx;
    return m;
  }
  if (ends_with(n, ".pdmodel") || ends_with(n, ".json")) {
    m.format = ends_with(n, ".json") ? ModelFormat::Paddle3 : ModelFormat::Paddle2;
    stem = n.substr(0, n.rfind('.'));
    m.params = (dir / (stem + ".pdiparams")).string();
    if (!fs::exists(m.params, ec)) fail_as(ErrorCode::kNotFound, "model ", file.string(), ": weights file ", m.params, " not found");
    return m;
  }
  if (ends_with(n, ".param")) {
    m.format = ModelFormat::Ncnn;
    stem = n.substr(0, n.size() - 6);
    m.params = (dir / (stem + ".bin")).string();
    if (!fs::exists(m.params, ec)) fail_as(ErrorCode::kNotFound, "model ", file.string(), ": weights file ", m.params, " not found");
    return m;
  }
  fail("model file ", file.string(), ": unknown format (expected .onnx, .pdmodel, .json or .param)");
}

ModelFiles find_model_files(const std::string& path) {
  std::error_code ec;
  fs::path p(path);
  if (!fs::exists(p, ec)) fail_as(ErrorCode::kNotFound, "model path ", path, " does not exist");
  if (!fs::is_directory(p, ec)) return from_model_file(p);
  for (const char* name : {"inference.json", "inference.pdmodel", "inference.onnx", "inference.ncnn.param"}) {
    if (fs::exists(p / name, ec)) return from_model_file(p / name);
  }
  for (const char* suf : {".pdmodel", ".onnx", ".param"}) {
    std::string f = first_with_suffix(p, suf);
    if (!f.empty()) return from_model_file(f);
  }
  fail_as(ErrorCode::kNotFound, "model directory ", path,
       " holds no model (inference.json + .pdiparams, inference.pdmodel + .pdiparams, *.onnx, or *.param + *.bin)");
}

engine::Graph import_graph(const ModelFiles& f) {
  switch (f.format) {
    case ModelFormat::Onnx: return import_onnx(f.model);
    case ModelFormat::Paddle2: return import_paddle2(f.model, f.params);
    case ModelFormat::Paddle3: return import_paddle3(f.model, f.params);
    case ModelFormat::Ncnn: return import_ncnn(f.model, f.params);
  }
  fail("unknown model format");
}

std::shared_ptr<engine::Model> load_model(const std::string& path, const engine::ModelOptions& opts) {
  ModelFiles f = find_model_files(path);
  return engine::Model::from_graph(import_graph(f), opts, format_name(f.format));
}

}  // namespace ppocr::formats
