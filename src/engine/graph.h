// Graph IR. Values are named edges (graph inputs, constants, node outputs);
// nodes apply an operator to values. Operator names and semantics follow ONNX
// (opset 17 form: Slice/Reshape/Clip/Pad/Resize/Squeeze/Unsqueeze take their
// parameters as inputs). Importers of other formats map onto the same ops.
// Engine-specific extensions are documented in docs/engine.md (e.g. the fused
// `activation` attribute and residual input on Conv).
#pragma once
#include <map>
#include <string>
#include <variant>
#include <vector>

#include "engine/tensor.h"

namespace ppocr::engine {

using AttrValue = std::variant<std::monostate, int64_t, float, std::string, std::vector<int64_t>,
                               std::vector<float>, std::vector<std::string>, Tensor>;

class Attrs {
 public:
  bool has(const std::string& k) const { return m_.count(k) > 0; }
  void set(const std::string& k, AttrValue v) { m_[k] = std::move(v); }
  void erase(const std::string& k) { m_.erase(k); }
  // Typed getters; the default is returned when the key is absent, a wrong
  // type is an Error naming the key.
  int64_t i(const std::string& k, int64_t def = 0) const;
  float f(const std::string& k, float def = 0.f) const;
  std::string s(const std::string& k, const std::string& def = "") const;
  std::vector<int64_t> ints(const std::string& k, std::vector<int64_t> def = {}) const;
  std::vector<float> floats(const std::string& k, std::vector<float> def = {}) const;
  std::vector<std::string> strings(const std::string& k) const;
  const Tensor* tensor(const std::string& k) const;
  const std::map<std::string, AttrValue>& all() const { return m_; }

 private:
  std::map<std::string, AttrValue> m_;
};

struct Value {
  std::string name;
  DType dtype = DType::Float32;
  bool has_shape = false;  // shape known (dims may still be -1 = dynamic)
  Shape shape;
  Tensor constant;  // non-empty for initializers / folded constants
  bool is_constant() const { return !constant.empty(); }
};

struct Node {
  std::string op;
  std::string name;
  std::vector<int> inputs;   // value ids; -1 = optional input left out
  std::vector<int> outputs;  // value ids
  Attrs attrs;
};

class Graph {
 public:
  std::vector<Value> values;
  std::vector<Node> nodes;
  std::vector<int> inputs;   // value ids of runtime inputs
  std::vector<int> outputs;  // value ids of graph outputs

  // New value with a unique name (a suffix is added when taken).
  int add_value(const std::string& name);
  int add_constant(const std::string& name, Tensor t);
  // Value id by name, or -1.
  int find(const std::string& name) const;
  Node& add_node(const std::string& op, const std::string& name, std::vector<int> ins,
                 std::vector<int> outs);
  // Orders nodes so each follows its producers; Error on cycles or on values
  // used before anything produces them.
  void topo_sort();
  // Checks ids, single producers, every node's op is registered.
  void validate() const;
  // Removes nodes whose outputs no graph output needs, and unused values.
  void remove_dead();
  // node index producing each value (-1 for inputs/constants).
  std::vector<int> producers() const;
  // number of node inputs + graph outputs referring to each value.
  std::vector<int> use_counts() const;
  int64_t parameter_count() const;
  std::map<std::string, int> op_histogram() const;

 private:
  std::map<std::string, int> by_name_;
  void reindex();
  friend class GraphRewriter;
};

}  // namespace ppocr::engine
