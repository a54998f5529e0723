// Paddle 3 inference models: inference.json (PIR program, compact JSON
// encoding) + inference.pdiparams. See docs/formats/paddle.md.
#include <algorithm>
#include <nlohmann/json.hpp>
#include <set>

#include "formats/importers.h"
#include "formats/paddle/convert_util.h"

namespace ppocr::formats::paddle {

using engine::DType;
using nlohmann::json;

namespace {

// PIR op (dialect prefix removed) -> Paddle 2 op type and positional slot names.
struct PirOp {
  const char* type;
  std::vector<const char*> ins;
  std::vector<const char*> outs;
};

const std::map<std::string, PirOp>& pir_ops() {
  static const std::map<std::string, PirOp> m{
      {"conv2d", {"conv2d", {"Input", "Filter"}, {"Output"}}},
      {"depthwise_conv2d", {"depthwise_conv2d", {"Input", "Filter"}, {"Output"}}},
      {"conv2d_transpose", {"conv2d_transpose", {"Input", "Filter", "OutputSize"}, {"Output"}}},
      {"depthwise_conv2d_transpose", {"depthwise_conv2d_transpose", {"Input", "Filter", "OutputSize"}, {"Output"}}},
      {"batch_norm", {"batch_norm", {"X", "Mean", "Variance", "Scale", "Bias"}, {"Y"}}},
      {"batch_norm_", {"batch_norm", {"X", "Mean", "Variance", "Scale", "Bias"}, {"Y"}}},
      {"layer_norm", {"layer_norm", {"X", "Scale", "Bias"}, {"Y"}}},
      {"add", {"elementwise_add", {"X", "Y"}, {"Out"}}},
      {"add_", {"elementwise_add", {"X", "Y"}, {"Out"}}},
      {"subtract", {"elementwise_sub", {"X", "Y"}, {"Out"}}},
      {"multiply", {"elementwise_mul", {"X", "Y"}, {"Out"}}},
      {"divide", {"elementwise_div", {"X", "Y"}, {"Out"}}},
      {"elementwise_pow", {"elementwise_pow", {"X", "Y"}, {"Out"}}},
      {"maximum", {"elementwise_max", {"X", "Y"}, {"Out"}}},
      {"minimum", {"elementwise_min", {"X", "Y"}, {"Out"}}},
      {"matmul", {"matmul_v2", {"X", "Y"}, {"Out"}}},
      {"relu", {"relu", {"X"}, {"Out"}}},
      {"relu_", {"relu", {"X"}, {"Out"}}},
      {"relu6", {"relu6", {"X"}, {"Out"}}},
      {"sigmoid", {"sigmoid", {"X"}, {"Out"}}},
      {"tanh", {"tanh", {"X"}, {"Out"}}},
      {"exp", {"exp", {"X"}, {"Out"}}},
      {"sqrt", {"sqrt", {"X"}, {"Out"}}},
      {"abs", {"abs", {"X"}, {"Out"}}},
      {"floor", {"floor", {"X"}, {"Out"}}},
      {"hardswish", {"hard_swish", {"X"}, {"Out"}}},
      {"hardsigmoid", {"hard_sigmoid", {"X"}, {"Out"}}},
      {"swish", {"swish", {"X"}, {"Out"}}},
      {"silu", {"silu", {"X"}, {"Out"}}},
      {"gelu", {"gelu", {"X"}, {"Out"}}},
      {"leaky_relu", {"leaky_relu", {"X"}, {"Out"}}},
      {"prelu", {"prelu", {"X", "Alpha"}, {"Out"}}},
      {"softmax", {"softmax", {"X"}, {"Out"}}},
      {"scale", {"scale", {"X", "ScaleTensor"}, {"Out"}}},
      {"clip", {"clip", {"X", "Min", "Max"}, {"Out"}}},
      {"cast", {"cast", {"X"}, {"Out"}}},
      {"assign", {"assign", {"X"}, {"Out"}}},
      {"dropout", {"dropout", {"X", "Seed", "P"}, {"Out"}}},
      {"pool2d", {"pool2d", {"X", "KSize"}, {"Out"}}},
      {"nearest_interp", {"nearest_interp_v2", {"X", "OutSize", "SizeTensor", "Scale"}, {"Out"}}},
      {"bilinear_interp", {"bilinear_interp_v2", {"X", "OutSize", "SizeTensor", "Scale"}, {"Out"}}},
      {"pad3d", {"pad3d", {"X", "Paddings"}, {"Out"}}},
      {"grid_sample", {"grid_sampler", {"X", "Grid"}, {"Output"}}},
      {"reshape", {"reshape2", {"X", "Shape"}, {"Out"}}},
      {"flatten", {"flatten_contiguous_range", {"X"}, {"Out"}}},
      {"transpose", {"transpose2", {"X"}, {"Out"}}},
      {"squeeze", {"squeeze2", {"X", "AxesTensor"}, {"Out"}}},
      {"unsqueeze", {"unsqueeze2", {"X", "AxesTensor"}, {"Out"}}},
      {"slice", {"slice", {"Input", "StartsTensor", "EndsTensor"}, {"Out"}}},
      {"strided_slice", {"strided_slice", {"Input", "StartsTensor", "EndsTensor", "StridesTensor"}, {"Out"}}},
      {"shape", {"shape", {"Input"}, {"Out"}}},
      {"shape64", {"shape", {"Input"}, {"Out"}}},
      {"gather", {"gather", {"X", "Index", "Axis"}, {"Out"}}},
      {"concat", {"concat", {"X", "AxisTensor"}, {"Out"}}},
      {"stack", {"stack", {"X"}, {"Out"}}},
      {"split", {"split", {"X", "SectionsTensorList", "AxisTensor"}, {"Out"}}},
      {"split_with_num", {"split", {"X", "AxisTensor"}, {"Out"}}},
      {"full", {"fill_constant", {}, {"Out"}}},
      {"full_int_array", {"full_int_array", {}, {"Out"}}},
  };
  return m;
}

// Attribute renames from PIR to the Paddle 2 names the converters read.
std::string rename_attr(const std::string& type, const std::string& k) {
  if (type == "matmul_v2" && k == "transpose_x") return "trans_x";
  if (type == "matmul_v2" && k == "transpose_y") return "trans_y";
  if (type == "transpose2" && k == "perm") return "axis";
  if (type == "cast" && k == "dtype") return "out_dtype";
  if (type == "pool2d" && k == "kernel_size") return "ksize";
  if (type == "grid_sampler" && k == "mode") return "mode";
  return k;
}

int64_t paddle_dtype_code(const std::string& s) {
  static const std::map<std::string, int64_t> m{{"bool", 0},    {"int16", 1},   {"int32", 2},  {"int64", 3},
                                                {"float16", 4}, {"float32", 5}, {"float64", 6}, {"uint8", 20},
                                                {"int8", 21},   {"bfloat16", 22}};
  auto it = m.find(s);
  if (it == m.end()) fail("unsupported PIR data type ", s);
  return it->second;
}

DType dtype_from_tag(const std::string& tag) {
  if (tag == "0.t_f32" || tag == "0.t_f16" || tag == "0.t_f64" || tag == "0.t_bf16") return DType::Float32;
  if (tag == "0.t_i64" || tag == "0.t_i32" || tag == "0.t_i16") return DType::Int64;
  if (tag == "0.t_bool") return DType::Bool;
  if (tag == "0.t_ui8") return DType::UInt8;
  if (tag == "0.t_i8") return DType::Int8;
  fail("unsupported PIR element type ", tag);
}

// The PIR attribute encoding {"#": type tag, "D": data} -> engine attribute.
engine::AttrValue attr_value(const json& at) {
  const std::string tag = at.at("#").get<std::string>();
  const json& d = at.at("D");
  if (tag == "0.a_bool") return int64_t(d.get<bool>() ? 1 : 0);
  if (tag == "0.a_i32" || tag == "0.a_i64") return d.get<int64_t>();
  if (tag == "0.a_f32" || tag == "0.a_f64") return d.get<float>();
  if (tag == "0.a_str") return d.get<std::string>();
  if (tag == "1.a_dtype") return paddle_dtype_code(d.get<std::string>());
  if (tag == "1.a_intarray") return d.get<std::vector<int64_t>>();
  if (tag == "0.a_array") {
    if (!d.is_array()) fail("PIR array attribute without a list");
    if (d.empty()) return std::monostate{};  // an empty list means "not set"
    bool ints = true, floats = true, strs = true;
    for (const json& e : d) {
      std::string t = e.at("#").get<std::string>();
      ints = ints && (t == "0.a_i32" || t == "0.a_i64" || t == "0.a_bool");
      floats = floats && (t == "0.a_f32" || t == "0.a_f64");
      strs = strs && t == "0.a_str";
    }
    if (ints) {
      std::vector<int64_t> v;
      for (const json& e : d) v.push_back(e.at("D").is_boolean() ? int64_t(e.at("D").get<bool>()) : e.at("D").get<int64_t>());
      return v;
    }
    if (floats) {
      std::vector<float> v;
      for (const json& e : d) v.push_back(e.at("D").get<float>());
      return v;
    }
    if (strs) {
      std::vector<std::string> v;
      for (const json& e : d) v.push_back(e.at("D").get<std::string>());
      return v;
    }
    return std::monostate{};
  }
  return std::monostate{};  // places, layouts, ...: not needed
}

std::string op_name(const json& op) {
  std::string n = op.at("#").get<std::string>();
  for (const char* p : {"1.", "0.", "pd_op.", "builtin."})
    if (n.rfind(p, 0) == 0) return n.substr(std::string(p).size());
  return n;
}

// Value id and dense-tensor type of an op result entry {"%": id, "TT": type}.
struct Result {
  int64_t id = 0;
  bool tensor = false;
  DType dtype = DType::Float32;
  engine::Shape shape;
};

Result result(const json& o) {
  Result r;
  r.id = o.at("%").get<int64_t>();
  if (o.contains("TT")) {
    const json& tt = o.at("TT");
    if (tt.at("#").get<std::string>() == "0.t_dtensor") {
      const json& d = tt.at("D");
      r.tensor = true;
      r.dtype = dtype_from_tag(d.at(0).at("#").get<std::string>());
      r.shape = d.at(1).get<engine::Shape>();
    }
  }
  return r;
}

}  // namespace

static engine::Graph import_pir(const json& root, const std::string& label, const WeightProvider& weights) {
  if (!root.is_object() || !root.contains("program")) fail(label, ": not a PIR program (no \"program\")");
  if (root.contains("base_code")) {
    const json& bc = root.at("base_code");
    if (bc.contains("magic") && bc.at("magic") != "pir") fail(label, ": not a PIR program (magic is not \"pir\")");
  }
  const json& regions = root.at("program").at("regions");
  if (!regions.is_array() || regions.empty()) fail(label, ": the program has no regions");
  const json& blocks = regions.at(0).at("blocks");
  if (!blocks.is_array() || blocks.empty()) fail(label, ": the program has no blocks");
  const json& jops = blocks.at(0).at("ops");
  if (!jops.is_array()) fail(label, ": block ops is not a list");

  engine::Graph g;
  std::map<int64_t, int> ids;                     // PIR value id -> graph value id
  std::map<int64_t, std::vector<int>> vectors;    // builtin.combine results
  std::map<int64_t, std::pair<size_t, std::string>> vec_outputs;  // vector results of ops -> (op, slot)
  auto define = [&](const Result& r, const std::string& name) {
    if (r.id <= 0) fail(label, ": bad value id ", r.id);
    if (ids.count(r.id) || vectors.count(r.id)) fail(label, ": value %", r.id, " defined twice");
    int id = g.add_value(name);
    if (r.tensor) {
      g.values[id].dtype = r.dtype;
      g.values[id].has_shape = true;
      g.values[id].shape = r.shape;
    }
    ids[r.id] = id;
    return id;
  };
  auto lookup = [&](int64_t pid) {
    auto it = ids.find(pid);
    if (it == ids.end()) fail(label, ": value %", pid, " is used before it is defined");
    return it->second;
  };

  // Parameters first: the .pdiparams records follow their sorted names.
  struct Param {
    std::string name;
    Result r;
  };
  std::vector<Param> params;
  std::set<std::string> unknown;
  for (const json& op : jops) {
    std::string n = op_name(op);
    if (n == "p" || n == "parameter") {
      std::string pname;
      for (const json& a : op.at("A"))
        if (a.is_string()) pname = a.get<std::string>();
      if (pname.empty()) fail(label, ": parameter op without a name");
      const json& o = op.at("O");
      params.push_back({pname, result(o.is_array() ? o.at(0) : o)});
      if (!params.back().r.tensor) fail(label, ": parameter ", pname, " is not a dense tensor");
    } else if (n != "data" && n != "fetch" && n != "combine" && n != "split" && !pir_ops().count(n)) {
      unknown.insert(op.at("#").get<std::string>());
    }
  }
  if (!unknown.empty()) {
    std::string list;
    for (auto& u : unknown) list += (list.empty() ? "" : ", ") + u;
    fail(label, ": unsupported Paddle operator(s): ", list);
  }
  std::sort(params.begin(), params.end(), [](const Param& a, const Param& b) { return a.name < b.name; });
  std::vector<ParamSpec> specs;
  for (const Param& p : params) {
    if (!specs.empty() && specs.back().name == p.name) fail(label, ": parameter ", p.name, " declared twice");
    specs.push_back({p.name, p.r.dtype, p.r.shape});
  }
  std::vector<engine::Tensor> w = weights(specs);
  PPOCR_CHECK(w.size() == specs.size(), label, ": weight provider returned ", w.size(), " tensors for ",
              specs.size(), " parameters");
  for (size_t i = 0; i < params.size(); ++i) {
    if (ids.count(params[i].r.id)) fail(label, ": value %", params[i].r.id, " defined twice");
    ids[params[i].r.id] = g.add_constant(params[i].name, w[i]);
  }

  std::vector<std::pair<int64_t, int>> fetches;
  std::vector<PdOp> ops;
  for (const json& op : jops) {
    std::string n = op_name(op);
    if (n == "p" || n == "parameter") continue;
    engine::Attrs attrs;
    if (op.contains("A") && op.at("A").is_array())
      for (const json& a : op.at("A")) {
        if (!a.is_object() || !a.contains("N") || !a.contains("AT")) continue;
        engine::AttrValue v = attr_value(a.at("AT"));
        if (!std::holds_alternative<std::monostate>(v)) attrs.set(a.at("N").get<std::string>(), std::move(v));
      }
    const json& ins = op.contains("I") ? op.at("I") : json::array();
    const json& outs = op.contains("O") ? op.at("O") : json::array();
    if (!ins.is_array() || !outs.is_array()) fail(label, ": op ", n, ": inputs/outputs are not lists");
    if (n == "data") {
      if (outs.size() != 1) fail(label, ": data op with ", outs.size(), " results");
      g.inputs.push_back(define(result(outs.at(0)), attrs.s("name", "x")));
      continue;
    }
    if (n == "fetch") {
      if (ins.size() != 1) fail(label, ": fetch op with ", ins.size(), " inputs");
      int src = lookup(ins.at(0).at("%").get<int64_t>());
      fetches.push_back({attrs.i("col", static_cast<int64_t>(fetches.size())), src});
      continue;
    }
    if (n == "combine") {
      if (outs.size() != 1) fail(label, ": combine op with ", outs.size(), " results");
      std::vector<int> v;
      for (const json& i : ins) v.push_back(lookup(i.at("%").get<int64_t>()));
      int64_t rid = result(outs.at(0)).id;
      if (rid <= 0 || ids.count(rid) || vectors.count(rid)) fail(label, ": bad combine result %", rid);
      vectors[rid] = v;
      continue;
    }
    if (n == "split") {  // builtin.split: the elements of a vector result
      if (ins.size() != 1) fail(label, ": builtin.split with ", ins.size(), " inputs");
      auto it = vec_outputs.find(ins.at(0).at("%").get<int64_t>());
      if (it == vec_outputs.end()) fail(label, ": builtin.split of an unknown vector");
      std::vector<int>& dst = ops[it->second.first].out[it->second.second];
      if (!dst.empty()) fail(label, ": vector split twice");
      for (const json& o : outs) dst.push_back(define(result(o), "t" + std::to_string(result(o).id)));
      continue;
    }
    const PirOp& spec = pir_ops().at(n);
    PdOp p;
    p.type = spec.type;
    for (auto& [k, v] : attrs.all()) p.attrs.set(rename_attr(p.type, k), v);
    if (n == "full_int_array" || n == "full") p.attrs.erase("place");
    if (ins.size() > spec.ins.size())
      fail(label, ": op ", n, " has ", ins.size(), " inputs, expected at most ", spec.ins.size());
    for (size_t i = 0; i < ins.size(); ++i) {
      int64_t pid = ins.at(i).at("%").get<int64_t>();
      if (pid == 0) continue;  // optional input left out
      auto vit = vectors.find(pid);
      if (vit != vectors.end()) p.in[spec.ins[i]] = vit->second;
      else p.in[spec.ins[i]].push_back(lookup(pid));
    }
    for (size_t i = 0; i < outs.size(); ++i) {
      Result r = result(outs.at(i));
      if (r.id == 0) continue;
      const char* slot = i < spec.outs.size() ? spec.outs[i] : nullptr;
      std::string vname = "t" + std::to_string(r.id);
      if (p.name.empty()) p.name = n + "_" + std::to_string(r.id);
      if (!slot) {  // side results (batch_norm statistics, masks): unused
        define(r, vname);
        continue;
      }
      if (!r.tensor && outs.at(i).contains("TT")) {  // a vector result, split later
        vec_outputs[r.id] = {ops.size(), slot};
        continue;
      }
      p.out[slot].push_back(define(r, vname));
    }
    if (p.name.empty()) p.name = n + "_" + std::to_string(ops.size());
    ops.push_back(std::move(p));
  }
  if (g.inputs.empty()) fail(label, ": the program has no data (input) op");
  if (fetches.empty()) fail(label, ": the program has no fetch (output) op");

  Builder b(g);
  convert_all(b, ops, label);
  std::sort(fetches.begin(), fetches.end());
  for (auto& f : fetches) g.outputs.push_back(f.second);
  g.topo_sort();
  g.remove_dead();
  return g;
}

engine::Graph import_paddle3_bytes(const std::string& bytes, const std::string& label, const WeightProvider& weights) {
  json root = json::parse(bytes, nullptr, false);
  if (root.is_discarded()) fail(label, ": not valid JSON (corrupt or truncated PIR program)");
  try {
    return import_pir(root, label, weights);
  } catch (const json::exception& e) {
    fail(label, ": malformed PIR program: ", e.what());
  }
}

engine::Graph import_paddle3_program(const std::string& json_file, const WeightProvider& weights) {
  return import_paddle3_bytes(read_whole_file(json_file), json_file, weights);
}

}  // namespace ppocr::formats::paddle

namespace ppocr::formats {

engine::Graph import_paddle3(const std::string& json_file, const std::string& pdiparams_file) {
  return paddle::import_paddle3_program(json_file, paddle::weights_from_file(pdiparams_file));
}

}  // namespace ppocr::formats
