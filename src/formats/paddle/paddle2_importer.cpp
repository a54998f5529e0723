// Paddle 2 inference models: inference.pdmodel (a serialized ProgramDesc,
// schema in framework.proto) + inference.pdiparams.
#include <algorithm>
#include <fstream>
#include <set>
#include <sstream>

#include "formats/importers.h"
#include "formats/paddle/convert_util.h"
#include "framework.pb.h"

namespace ppocr::formats::paddle {

using engine::DType;
namespace pb = ::paddle::framework::proto;

namespace {

// Output slots that only carry training state or shape bookkeeping.
bool ignored_output(const std::string& type, const std::string& slot) {
  static const std::set<std::string> s{"XShape",        "MeanOut",      "VarianceOut", "SavedMean",
                                       "SavedVariance", "ReserveSpace", "Mask"};
  if (s.count(slot)) return true;
  return type == "layer_norm" && (slot == "Mean" || slot == "Variance");
}

engine::AttrValue attr_value(const pb::OpDesc::Attr& a) {
  switch (a.type()) {
    case pb::INT: return int64_t(a.i());
    case pb::LONG: return int64_t(a.l());
    case pb::BOOLEAN: return int64_t(a.b() ? 1 : 0);
    case pb::FLOAT: return a.f();
    case pb::FLOAT64: return static_cast<float>(a.float64());
    case pb::STRING: return a.s();
    case pb::INTS: return std::vector<int64_t>(a.ints().begin(), a.ints().end());
    case pb::LONGS: return std::vector<int64_t>(a.longs().begin(), a.longs().end());
    case pb::BOOLEANS: return std::vector<int64_t>(a.bools().begin(), a.bools().end());
    case pb::FLOATS: return std::vector<float>(a.floats().begin(), a.floats().end());
    case pb::FLOAT64S: return std::vector<float>(a.float64s().begin(), a.float64s().end());
    case pb::STRINGS: return std::vector<std::string>(a.strings().begin(), a.strings().end());
    case pb::SCALAR:
      if (a.scalar().type() == pb::Scalar::LONG) return int64_t(a.scalar().i());
      if (a.scalar().type() == pb::Scalar::BOOLEAN) return int64_t(a.scalar().b());
      return static_cast<float>(a.scalar().r());
    default: return std::monostate{};
  }
}

const pb::VarType::TensorDesc* tensor_desc(const pb::VarDesc& v) {
  if (v.type().type() == pb::VarType::LOD_TENSOR && v.type().has_lod_tensor())
    return &v.type().lod_tensor().tensor();
  return nullptr;
}

}  // namespace

engine::Graph import_paddle2_bytes(const std::string& bytes, const std::string& label, const WeightProvider& weights) {
  pb::ProgramDesc prog;
  if (bytes.empty() || !prog.ParseFromString(bytes)) fail(label, ": not a valid Paddle ProgramDesc (corrupt or truncated)");
  if (prog.blocks_size() < 1) fail(label, ": the program has no blocks");
  const pb::BlockDesc& block = prog.blocks(0);

  engine::Graph g;
  std::map<std::string, const pb::VarDesc*> vars;
  for (const auto& v : block.vars()) vars[v.name()] = &v;
  std::map<std::string, int> ids;  // variable name -> current value id

  auto declare = [&](int id, const std::string& name) {
    auto it = vars.find(name);
    if (it == vars.end()) return;
    const auto* td = tensor_desc(*it->second);
    if (!td) return;
    engine::Value& val = g.values[id];
    if (!val.is_constant()) {
      val.dtype = dtype_from_paddle(td->data_type(), label + ": variable " + name);
      val.has_shape = true;
      val.shape.assign(td->dims().begin(), td->dims().end());
    }
  };

  // Parameters: persistable tensors other than feed/fetch, in sorted-name order.
  std::vector<ParamSpec> specs;
  for (const auto& [name, v] : vars) {
    if (!v->persistable() || name == "feed" || name == "fetch") continue;
    const auto* td = tensor_desc(*v);
    if (!td) continue;
    ParamSpec s;
    s.name = name;
    s.dtype = dtype_from_paddle(td->data_type(), label + ": parameter " + name);
    s.shape.assign(td->dims().begin(), td->dims().end());
    specs.push_back(std::move(s));
  }
  std::vector<engine::Tensor> w = weights(specs);
  PPOCR_CHECK(w.size() == specs.size(), label, ": weight provider returned ", w.size(), " tensors for ",
              specs.size(), " parameters");
  for (size_t i = 0; i < specs.size(); ++i) ids[specs[i].name] = g.add_constant(specs[i].name, w[i]);

  std::vector<std::pair<int64_t, int>> feeds, fetches;
  std::vector<PdOp> ops;
  for (const auto& od : block.ops()) {
    const std::string& type = od.type();
    auto slot_args = [&](const google::protobuf::RepeatedPtrField<pb::OpDesc::Var>& vs, const std::string& slot) {
      for (const auto& v : vs)
        if (v.parameter() == slot) return std::vector<std::string>(v.arguments().begin(), v.arguments().end());
      return std::vector<std::string>{};
    };
    int64_t col = 0;
    for (const auto& a : od.attrs())
      if (a.name() == "col") col = a.i();
    if (type == "feed") {
      for (const auto& n : slot_args(od.outputs(), "Out")) {
        int id = g.add_value(n);
        declare(id, n);
        ids[n] = id;
        feeds.push_back({col, id});
      }
      continue;
    }
    if (type == "fetch") {
      for (const auto& n : slot_args(od.inputs(), "X")) {
        auto it = ids.find(n);
        if (it == ids.end()) fail(label, ": fetch of undefined variable ", n);
        fetches.push_back({col, it->second});
      }
      continue;
    }
    PdOp op;
    op.type = type;
    for (const auto& v : od.inputs()) {
      std::vector<int>& dst = op.in[v.parameter()];
      for (const auto& n : v.arguments()) {
        auto it = ids.find(n);
        if (it == ids.end()) fail(label, ": op ", type, " reads variable ", n, " before anything writes it");
        dst.push_back(it->second);
      }
      if (dst.empty()) op.in.erase(v.parameter());
    }
    for (const auto& v : od.outputs()) {
      if (ignored_output(type, v.parameter())) continue;
      std::vector<int>& dst = op.out[v.parameter()];
      for (const auto& n : v.arguments()) {
        int id = g.add_value(n);
        declare(id, n);
        ids[n] = id;
        dst.push_back(id);
        if (op.name.empty()) op.name = n;
      }
    }
    if (op.name.empty()) op.name = type + "_" + std::to_string(ops.size());
    for (const auto& a : od.attrs()) {
      if (a.name() == "op_callstack" || a.name() == "op_namescope" || a.name() == "op_role_var") continue;
      engine::AttrValue av = attr_value(a);
      if (!std::holds_alternative<std::monostate>(av)) op.attrs.set(a.name(), std::move(av));
    }
    ops.push_back(std::move(op));
  }
  if (feeds.empty()) fail(label, ": the program has no feed (input) op");
  if (fetches.empty()) fail(label, ": the program has no fetch (output) op");

  Builder b(g);
  convert_all(b, ops, label);
  std::sort(feeds.begin(), feeds.end());
  std::sort(fetches.begin(), fetches.end());
  for (auto& f : feeds) g.inputs.push_back(f.second);
  for (auto& f : fetches) g.outputs.push_back(f.second);
  g.topo_sort();
  g.remove_dead();
  return g;
}

static std::string read_file(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  if (!f) fail(path, ": cannot open model file");
  std::ostringstream ss;
  ss << f.rdbuf();
  return ss.str();
}

engine::Graph import_paddle2_program(const std::string& pdmodel_file, const WeightProvider& weights) {
  return import_paddle2_bytes(read_file(pdmodel_file), pdmodel_file, weights);
}

std::string read_whole_file(const std::string& path) { return read_file(path); }

}  // namespace ppocr::formats::paddle

namespace ppocr::formats {

engine::Graph import_paddle2(const std::string& pdmodel_file, const std::string& pdiparams_file) {
  return paddle::import_paddle2_program(pdmodel_file, paddle::weights_from_file(pdiparams_file));
}

}  // namespace ppocr::formats
