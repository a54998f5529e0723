// Older operator versions -> the opset-17 forms the engine runs: parameters
// that moved from attributes to inputs become constant inputs, Upsample and
// opset-10 Resize become opset-11 Resize, pre-13 Softmax keeps its 2-D
// coercion through the engine attribute `coerce_2d`.
#include "formats/onnx/onnx_internal.h"

namespace ppocr::formats::onnx_import {

using engine::Attrs;
using engine::Graph;
using engine::Tensor;

namespace {

int add_i64(Graph& g, const PendingNode& n, const std::string& what, const std::vector<int64_t>& v) {
  return g.add_constant(n.name + "__" + what, Tensor::from_vector<int64_t>({static_cast<int64_t>(v.size())}, v));
}
int add_f32(Graph& g, const PendingNode& n, const std::string& what, const std::vector<float>& v, bool scalar) {
  engine::Shape s = scalar ? engine::Shape{} : engine::Shape{static_cast<int64_t>(v.size())};
  return g.add_constant(n.name + "__" + what, Tensor::from_vector<float>(s, v));
}

// Sets input slot i (padding skipped slots with -1).
void set_input(PendingNode& n, size_t i, int id) {
  if (n.inputs.size() <= i) n.inputs.resize(i + 1, -1);
  n.inputs[i] = id;
}

// Moves an integer-list attribute into input slot i when present.
void ints_attr_to_input(PendingNode& n, const std::string& attr, size_t i, Graph& g) {
  if (!n.attrs.has(attr)) return;
  set_input(n, i, add_i64(g, n, attr, n.attrs.ints(attr)));
  n.attrs.erase(attr);
}

}  // namespace

void normalize_node(PendingNode& n, int64_t opset, Graph& g) {
  const std::string& op = n.op;
  if (op == "Clip" && opset < 11) {
    if (n.attrs.has("min")) set_input(n, 1, add_f32(g, n, "min", {n.attrs.f("min")}, true));
    if (n.attrs.has("max")) set_input(n, 2, add_f32(g, n, "max", {n.attrs.f("max")}, true));
    n.attrs.erase("min");
    n.attrs.erase("max");
  } else if (op == "Slice" && opset < 10) {
    std::vector<int64_t> starts = n.attrs.ints("starts"), ends = n.attrs.ints("ends");
    set_input(n, 1, add_i64(g, n, "starts", starts));
    set_input(n, 2, add_i64(g, n, "ends", ends));
    if (n.attrs.has("axes")) set_input(n, 3, add_i64(g, n, "axes", n.attrs.ints("axes")));
    for (const char* a : {"starts", "ends", "axes"}) n.attrs.erase(a);
  } else if ((op == "Squeeze" || op == "Unsqueeze" || op == "ReduceSum") && opset < 13) {
    ints_attr_to_input(n, "axes", 1, g);
  } else if (op == "Split" && opset < 13) {
    ints_attr_to_input(n, "split", 1, g);
  } else if (op == "Pad" && opset < 11) {
    ints_attr_to_input(n, "pads", 1, g);
    set_input(n, 2, add_f32(g, n, "value", {n.attrs.f("value", 0.f)}, true));
    n.attrs.erase("value");
  } else if (op == "Upsample" || (op == "Resize" && opset < 11)) {
    // (X, scales) or Upsample-7's `scales` attribute -> Resize(X, roi, scales).
    if (n.inputs.empty() || n.inputs[0] < 0) fail("node '", n.name, "' (", op, "): no input");
    int scales = n.inputs.size() > 1 ? n.inputs[1] : -1;
    if (scales < 0 && n.attrs.has("scales")) scales = add_f32(g, n, "scales", n.attrs.floats("scales"), false);
    if (scales < 0) fail("node '", n.name, "' (", op, "): no scales");
    n.attrs.erase("scales");
    std::string mode = n.attrs.s("mode", "nearest");
    if (mode == "bilinear") mode = "linear";
    n.attrs.set("mode", mode);
    n.attrs.set("coordinate_transformation_mode", std::string("asymmetric"));
    n.attrs.set("nearest_mode", std::string("simple"));
    n.op = "Resize";
    n.inputs = {n.inputs[0], -1, scales};
  } else if ((op == "Softmax" || op == "LogSoftmax" || op == "Hardmax") && opset < 13) {
    n.attrs.set("coerce_2d", int64_t(1));
    if (!n.attrs.has("axis")) n.attrs.set("axis", int64_t(1));
  }
}

}  // namespace ppocr::formats::onnx_import
