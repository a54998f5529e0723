// Entry points of the format importers (each in its folder). They return an
// engine graph in ONNX-semantics operators, with weights as fp32 constants.
#pragma once
#include <string>

#include "engine/graph.h"

namespace ppocr::formats {

engine::Graph import_onnx(const std::string& onnx_file);
engine::Graph import_paddle2(const std::string& pdmodel_file, const std::string& pdiparams_file);
engine::Graph import_paddle3(const std::string& json_file, const std::string& pdiparams_file);
engine::Graph import_ncnn(const std::string& param_file, const std::string& bin_file);

}  // namespace ppocr::formats
