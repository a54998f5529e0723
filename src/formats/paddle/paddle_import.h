// Internal API of the Paddle importers: both program formats are read into
// PdOp records (Paddle 2 op types and slot names; Paddle 3 ops are renamed
// onto them), which the converters (convert_*.cpp) lower to engine
// (ONNX-semantics) nodes. Weights come from a WeightProvider, so that tests can
// run weight-less graphs with generated weights; the public importers always
// read the .pdiparams file.
#pragma once
#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "engine/graph.h"

namespace ppocr::formats::paddle {

// A parameter the program declares: name, element type and shape.
struct ParamSpec {
  std::string name;
  engine::DType dtype = engine::DType::Float32;
  engine::Shape shape;
};

// Returns one tensor per spec, in the order given (the sorted-name order the
// .pdiparams file uses). Must check counts/shapes and fail with an Error.
using WeightProvider = std::function<std::vector<engine::Tensor>(const std::vector<ParamSpec>&)>;

// Reads `pdiparams` and checks that its records match the specs.
WeightProvider weights_from_file(const std::string& pdiparams);
// The same over records already read (`label` names them in errors).
WeightProvider weights_from_tensors(std::vector<engine::Tensor> tensors, const std::string& label);
// Deterministic pseudo-random weights of the declared shapes (for weight-less
// graphs): multi-dimensional tensors uniform in +-1/sqrt(fan_in), vectors in
// [0.5, 1.5] (valid as BatchNorm variance).
WeightProvider generated_weights(uint64_t seed = 1);

engine::Graph import_paddle2_program(const std::string& pdmodel_file, const WeightProvider& weights);
engine::Graph import_paddle3_program(const std::string& json_file, const WeightProvider& weights);
// The same from bytes already in memory (`label` names the source in errors).
engine::Graph import_paddle2_bytes(const std::string& bytes, const std::string& label, const WeightProvider& weights);
engine::Graph import_paddle3_bytes(const std::string& bytes, const std::string& label, const WeightProvider& weights);

// The bytes of a file (Error naming it when unreadable).
std::string read_whole_file(const std::string& path);

// One Paddle operator with its inputs/outputs resolved to graph value ids.
struct PdOp {
  std::string type;  // Paddle 2 op type (conv2d, elementwise_add, ...)
  std::string name;  // for messages and node names
  std::map<std::string, std::vector<int>> in, out;
  engine::Attrs attrs;
};

// Emits engine nodes for PdOps into a graph.
class Builder {
 public:
  explicit Builder(engine::Graph& g) : g(g) {}
  engine::Graph& g;

  // Value id of input slot `slot` (index i), or -1 when absent.
  int in(const PdOp& op, const std::string& slot, size_t i = 0) const;
  // Like in(), Error when absent.
  int req(const PdOp& op, const std::string& slot, size_t i = 0) const;
  const std::vector<int>& ins(const PdOp& op, const std::string& slot) const;
  // Output value id (Error when absent); opt_out returns -1 instead.
  int out(const PdOp& op, const std::string& slot = "Out") const;
  int opt_out(const PdOp& op, const std::string& slot) const;

  // Adds a node; returns its output id (`out` when >= 0, else a new value).
  int node(const std::string& op, std::vector<int> ins, engine::Attrs attrs = {}, int out = -1);
  int const_i64(const std::vector<int64_t>& v);
  int const_f32(float v);
  int const_tensor(engine::Tensor t);

  bool is_const(int v) const { return v >= 0 && g.values[v].is_constant(); }
  std::vector<int64_t> const_ints(int v) const;
  float const_float(int v) const;
  // Known rank/shape of a value (from the program's declarations); Error when unknown.
  int rank(int v, const PdOp& op) const;
  const engine::Shape& shape(int v, const PdOp& op) const;
  bool has_shape(int v) const { return v >= 0 && g.values[v].has_shape; }

  std::string prefix;  // name prefix of the node being converted
  int counter = 0;
};

using ConvertFn = void (*)(Builder&, const PdOp&);

// Registration (one call per op type, from the convert_*.cpp files).
struct ConverterReg {
  ConverterReg(const char* type, ConvertFn fn);
};
const ConvertFn* find_converter(const std::string& type);
std::vector<std::string> supported_ops();

// Converts a program's ops (in order); Error naming every unsupported op type first.
void convert_all(Builder& b, const std::vector<PdOp>& ops, const std::string& label);

// Onnx TensorProto element type codes used by the engine's Cast.
int onnx_dtype(engine::DType t);

}  // namespace ppocr::formats::paddle
