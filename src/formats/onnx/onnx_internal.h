// Internals of the ONNX importer (src/formats/onnx/): tensor conversion and
// the normalisation of older operator versions to the opset-17 forms the
// engine runs.
#pragma once
#include <onnx/onnx_pb.h>

#include <string>

#include "engine/graph.h"

namespace ppocr::formats::onnx_import {

// ONNX element type -> engine dtype for value types (float16/double -> float32).
// Error naming `where` for types the engine cannot hold.
engine::DType value_dtype(int elem_type, const std::string& where);

// An initializer / attribute tensor as an engine tensor: fp16 and double become
// float32, bool is normalised to 0/1. Sizes are checked against dims before
// anything is allocated; external data, strings and segments are Errors.
engine::Tensor to_tensor(const onnx::TensorProto& t, const std::string& where);

// A node being imported: op name, input/output value ids, attributes.
struct PendingNode {
  std::string op, name;
  std::vector<int> inputs, outputs;
  engine::Attrs attrs;
};

// Rewrites `n` from its opset (`opset` = default-domain version) to the
// engine's opset-17 form, adding constant inputs to `g` where parameters move
// from attributes to inputs.
void normalize_node(PendingNode& n, int64_t opset, engine::Graph& g);

}  // namespace ppocr::formats::onnx_import
