// Model directories: format detection and loading. Every tool and module takes
// a model directory (or a model file) and nothing else.
#pragma once
#include <memory>
#include <string>

#include "engine/model.h"

namespace ppocr::formats {

enum class ModelFormat { Onnx, Paddle2, Paddle3, Ncnn };
const char* format_name(ModelFormat f);

struct ModelFiles {
  ModelFormat format = ModelFormat::Onnx;
  std::string dir;     // the model directory
  std::string model;   // inference.onnx / .pdmodel / .json / .ncnn.param
  std::string params;  // .pdiparams / .ncnn.bin (empty for ONNX)
  std::string yml;     // inference.yml if present, else empty
};

// `path` is a model directory or one of its model files. Precedence inside a
// directory: inference.json (Paddle 3), inference.pdmodel (Paddle 2),
// inference.onnx / *.onnx, inference.ncnn.param / *.param. Error when none fits.
ModelFiles find_model_files(const std::string& path);

engine::Graph import_graph(const ModelFiles& files);
std::shared_ptr<engine::Model> load_model(const std::string& path, const engine::ModelOptions& opts = {});

}  // namespace ppocr::formats
