// ONNX importer: reads a .onnx file (protobuf ModelProto) into an engine graph.
// Initializers become constants (fp16/double weights converted to float32),
// Constant nodes become constants, older operator versions are normalised to
// the opset-17 forms (onnx_normalize.cpp). See docs/formats/onnx.md.
#include <google/protobuf/io/coded_stream.h>

#include <fstream>
#include <sstream>

#include "formats/importers.h"
#include "formats/onnx/onnx_internal.h"

namespace ppocr::formats {

using engine::AttrValue;
using engine::Graph;
using engine::Tensor;
using namespace onnx_import;

namespace {

constexpr size_t kMaxFileBytes = size_t(2000) << 20;  // protobuf's 2 GB message limit

onnx::ModelProto parse_file(const std::string& file) {
  std::ifstream in(file, std::ios::binary);
  if (!in) fail(file, ": cannot open the ONNX model");
  in.seekg(0, std::ios::end);
  const std::streamoff size = in.tellg();
  if (size < 0) fail(file, ": cannot read the ONNX model");
  if (static_cast<size_t>(size) > kMaxFileBytes) fail(file, ": larger than 2 GB (external data is not supported)");
  in.seekg(0);
  std::string bytes(static_cast<size_t>(size), '\0');
  if (size > 0 && !in.read(&bytes[0], size)) fail(file, ": cannot read the ONNX model");
  if (bytes.empty()) fail(file, ": empty file, not an ONNX model");
  onnx::ModelProto m;
  google::protobuf::io::CodedInputStream cis(reinterpret_cast<const uint8_t*>(bytes.data()),
                                             static_cast<int>(bytes.size()));
  cis.SetTotalBytesLimit(static_cast<int>(kMaxFileBytes));
  cis.SetRecursionLimit(64);
  if (!m.ParseFromCodedStream(&cis) || !cis.ConsumedEntireMessage())
    fail(file, ": not a valid ONNX model (protobuf parse failed; truncated or corrupt file?)");
  if (!m.has_graph()) fail(file, ": the ONNX model has no graph");
  return m;
}

AttrValue convert_attr(const onnx::AttributeProto& a, const std::string& where) {
  using A = onnx::AttributeProto;
  const std::string what = where + " attribute '" + a.name() + "'";
  switch (a.type()) {
    case A::FLOAT: return a.f();
    case A::INT: return static_cast<int64_t>(a.i());
    case A::STRING: return a.s();
    case A::TENSOR: return to_tensor(a.t(), what);
    case A::FLOATS: return std::vector<float>(a.floats().begin(), a.floats().end());
    case A::INTS: return std::vector<int64_t>(a.ints().begin(), a.ints().end());
    case A::STRINGS: return std::vector<std::string>(a.strings().begin(), a.strings().end());
    case A::GRAPH:
    case A::GRAPHS: fail(what, ": subgraphs (If/Loop/Scan) are not supported");
    case A::UNDEFINED: {
      // Files written without the type field: infer from what is set.
      if (a.has_f()) return a.f();
      if (a.has_i()) return static_cast<int64_t>(a.i());
      if (a.has_s()) return a.s();
      if (a.has_t()) return to_tensor(a.t(), what);
      if (a.ints_size()) return std::vector<int64_t>(a.ints().begin(), a.ints().end());
      if (a.floats_size()) return std::vector<float>(a.floats().begin(), a.floats().end());
      fail(what, ": has no type");
    }
    default: fail(what, ": type ", static_cast<int>(a.type()), " is not supported");
  }
}

// dtype and shape from a ValueInfoProto (dims without a value -> -1).
void apply_type(engine::Value& v, const onnx::ValueInfoProto& vi, bool strict) {
  if (!vi.has_type() || !vi.type().has_tensor_type()) {
    if (strict) fail("graph input '", vi.name(), "' is not a tensor");
    return;
  }
  const auto& tt = vi.type().tensor_type();
  if (tt.elem_type() != 0) {
    try {
      v.dtype = value_dtype(tt.elem_type(), "value '" + vi.name() + "'");
    } catch (const Error&) {
      if (strict) throw;
    }
  }
  if (tt.has_shape()) {
    v.has_shape = true;
    v.shape.clear();
    for (const auto& d : tt.shape().dim())
      v.shape.push_back(d.has_dim_value() && d.dim_value() >= 0 ? d.dim_value() : -1);
  }
}

// Identity (and single-output Dropout) nodes are pass-throughs: their
// consumers read the source directly, unless the value is a graph output.
// Done at import so that they do not stand between a Conv and its epilogue.
void drop_identities(Graph& g) {
  std::vector<int> alias(g.values.size());
  for (size_t i = 0; i < alias.size(); ++i) alias[i] = static_cast<int>(i);
  std::vector<char> is_output(g.values.size(), 0);
  for (int o : g.outputs) is_output[o] = 1;
  std::vector<char> drop(g.nodes.size(), 0);
  for (size_t k = 0; k < g.nodes.size(); ++k) {
    const engine::Node& n = g.nodes[k];
    const bool pass = n.op == "Identity" || (n.op == "Dropout" && n.outputs.size() == 1);
    if (!pass || n.inputs.empty() || n.inputs[0] < 0 || n.outputs.size() != 1 || is_output[n.outputs[0]]) continue;
    alias[n.outputs[0]] = n.inputs[0];
    drop[k] = 1;
  }
  auto resolve = [&](int v) {
    for (size_t steps = 0; alias[v] != v; ++steps) {
      if (steps > alias.size()) fail("the graph has a cycle of Identity nodes");
      v = alias[v];
    }
    return v;
  };
  std::vector<engine::Node> kept;
  for (size_t k = 0; k < g.nodes.size(); ++k) {
    if (drop[k]) continue;
    for (int& in : g.nodes[k].inputs)
      if (in >= 0) in = resolve(in);
    kept.push_back(std::move(g.nodes[k]));
  }
  g.nodes = std::move(kept);
}

int64_t default_opset(const onnx::ModelProto& m, const std::string& file) {
  int64_t v = -1;
  for (const auto& o : m.opset_import())
    if (o.domain().empty() || o.domain() == "ai.onnx") v = o.version();
  if (m.opset_import_size() == 0) fail(file, ": the model has no opset_import (truncated or not an ONNX model?)");
  if (v < 0) v = 1;  // ONNX: a missing default-domain entry means opset 1
  if (v < 7) fail(file, ": opset ", v, " is too old (7..17 are supported; 9..17 are tested)");
  return v;
}

Graph build_graph(const onnx::ModelProto& m, const std::string& file) {
  const onnx::GraphProto& gp = m.graph();
  const int64_t opset = default_opset(m, file);
  Graph g;
  // Initializers -> constants.
  for (const auto& init : gp.initializer()) {
    if (init.name().empty()) fail(file, ": an initializer has no name");
    if (g.find(init.name()) >= 0) fail(file, ": initializer '", init.name(), "' is defined twice");
    g.add_constant(init.name(), to_tensor(init, file + ": initializer"));
  }
  if (gp.sparse_initializer_size()) fail(file, ": sparse initializers are not supported");
  // Runtime inputs (those that are not initializers).
  for (const auto& in : gp.input()) {
    if (g.find(in.name()) >= 0) {
      if (!g.values[g.find(in.name())].is_constant()) fail(file, ": graph input '", in.name(), "' is listed twice");
      continue;
    }
    if (in.name().empty()) fail(file, ": a graph input has no name");
    int id = g.add_value(in.name());
    apply_type(g.values[id], in, true);
    g.inputs.push_back(id);
  }
  // Node outputs first (files are usually but not always topologically ordered).
  std::vector<PendingNode> pending;
  pending.reserve(gp.node_size());
  for (int i = 0; i < gp.node_size(); ++i) {
    const auto& np = gp.node(i);
    PendingNode n;
    n.op = np.op_type();
    n.name = np.name().empty() ? n.op + "_" + std::to_string(i) : np.name();
    const std::string where = file + ": node '" + n.name + "' (" + n.op + ")";
    if (!np.domain().empty() && np.domain() != "ai.onnx")
      fail(where, ": operator domain '", np.domain(), "' is not supported");
    for (const auto& a : np.attribute()) {
      if (a.name().empty()) fail(where, ": an attribute has no name");
      if (!a.ref_attr_name().empty()) fail(where, ": attribute references are not supported");
      n.attrs.set(a.name(), convert_attr(a, where));
    }
    for (const auto& o : np.output()) {
      if (o.empty()) {
        n.outputs.push_back(g.add_value(n.name + "__unused_output"));
        continue;
      }
      if (g.find(o) >= 0) fail(where, ": output '", o, "' is already produced by an input, initializer or node");
      n.outputs.push_back(g.add_value(o));
    }
    pending.push_back(std::move(n));
  }
  // Inputs, normalisation, Constant nodes.
  for (int i = 0; i < gp.node_size(); ++i) {
    const auto& np = gp.node(i);
    PendingNode& n = pending[i];
    const std::string where = file + ": node '" + n.name + "' (" + n.op + ")";
    for (const auto& in : np.input()) {
      if (in.empty()) {
        n.inputs.push_back(-1);
        continue;
      }
      int id = g.find(in);
      if (id < 0) fail(where, ": input '", in, "' is not produced by any node, input or initializer");
      n.inputs.push_back(id);
    }
    if (n.op == "Constant") {
      if (n.outputs.size() != 1) fail(where, ": needs exactly one output");
      Tensor t;
      const auto& at = n.attrs;
      if (at.tensor("value")) t = *at.tensor("value");
      else if (at.has("value_float")) t = Tensor::scalar_f32(at.f("value_float"));
      else if (at.has("value_int")) t = Tensor::scalar_i64(at.i("value_int"));
      else if (at.has("value_floats")) {
        auto v = at.floats("value_floats");
        t = Tensor::from_vector<float>({static_cast<int64_t>(v.size())}, v);
      } else if (at.has("value_ints")) {
        auto v = at.ints("value_ints");
        t = Tensor::from_vector<int64_t>({static_cast<int64_t>(v.size())}, v);
      } else {
        fail(where, ": no supported value attribute (sparse and string constants are not supported)");
      }
      engine::Value& v = g.values[n.outputs[0]];
      v.constant = t;
      v.dtype = t.dtype();
      v.has_shape = true;
      v.shape = t.shape();
      n.op.clear();  // consumed
      continue;
    }
    try {
      normalize_node(n, opset, g);
    } catch (const Error& e) {
      fail(where, ": ", e.what());
    }
  }
  for (auto& n : pending) {
    if (n.op.empty()) continue;
    engine::Node& node = g.add_node(n.op, n.name, n.inputs, n.outputs);
    node.attrs = std::move(n.attrs);
  }
  // Shapes recorded in value_info / outputs.
  auto note = [&](const onnx::ValueInfoProto& vi) {
    int id = g.find(vi.name());
    if (id >= 0 && !g.values[id].is_constant()) apply_type(g.values[id], vi, false);
  };
  for (const auto& vi : gp.value_info()) note(vi);
  for (const auto& out : gp.output()) {
    int id = g.find(out.name());
    if (id < 0) fail(file, ": graph output '", out.name(), "' is not produced by anything");
    note(out);
    g.outputs.push_back(id);
  }
  if (g.outputs.empty()) fail(file, ": the graph has no outputs");
  return g;
}

}  // namespace

engine::Graph import_onnx(const std::string& file) {
  onnx::ModelProto m = parse_file(file);
  Graph g = build_graph(m, file);
  try {
    drop_identities(g);
    g.topo_sort();
    g.validate();
  } catch (const Error& e) {
    fail(file, ": ", e.what());
  }
  return g;
}

}  // namespace ppocr::formats
