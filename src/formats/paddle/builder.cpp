// Builder helpers and the converter registry shared by both Paddle importers.
#include <algorithm>
#include <memory>
#include <set>

#include "formats/paddle/paddle_import.h"

namespace ppocr::formats::paddle {

using engine::DType;
using engine::Tensor;

static std::map<std::string, ConvertFn>& registry() {
  static std::map<std::string, ConvertFn> r;
  return r;
}

ConverterReg::ConverterReg(const char* type, ConvertFn fn) { registry()[type] = fn; }

const ConvertFn* find_converter(const std::string& type) {
  auto it = registry().find(type);
  return it == registry().end() ? nullptr : &it->second;
}

std::vector<std::string> supported_ops() {
  std::vector<std::string> v;
  for (auto& [k, f] : registry()) v.push_back(k);
  return v;
}

static const std::vector<int> kNone;

const std::vector<int>& Builder::ins(const PdOp& op, const std::string& slot) const {
  auto it = op.in.find(slot);
  return it == op.in.end() ? kNone : it->second;
}

int Builder::in(const PdOp& op, const std::string& slot, size_t i) const {
  const auto& v = ins(op, slot);
  return i < v.size() ? v[i] : -1;
}

int Builder::req(const PdOp& op, const std::string& slot, size_t i) const {
  int v = in(op, slot, i);
  if (v < 0) fail("Paddle op ", op.type, " '", op.name, "': missing input ", slot);
  return v;
}

int Builder::opt_out(const PdOp& op, const std::string& slot) const {
  auto it = op.out.find(slot);
  return it == op.out.end() || it->second.empty() ? -1 : it->second[0];
}

int Builder::out(const PdOp& op, const std::string& slot) const {
  int v = opt_out(op, slot);
  if (v < 0) fail("Paddle op ", op.type, " '", op.name, "': missing output ", slot);
  return v;
}

int Builder::node(const std::string& opname, std::vector<int> ins, engine::Attrs attrs, int out) {
  while (!ins.empty() && ins.back() < 0) ins.pop_back();
  std::string base = prefix.empty() ? opname : prefix;
  if (out < 0) out = g.add_value(base + "/" + opname + "_" + std::to_string(counter++));
  engine::Node& n = g.add_node(opname, base + "/" + std::to_string(counter++), std::move(ins), {out});
  n.attrs = std::move(attrs);
  return out;
}

int Builder::const_tensor(Tensor t) {
  std::string base = prefix.empty() ? "const" : prefix;
  return g.add_constant(base + "/c" + std::to_string(counter++), std::move(t));
}

int Builder::const_i64(const std::vector<int64_t>& v) {
  return const_tensor(Tensor::from_vector<int64_t>({static_cast<int64_t>(v.size())}, v));
}

int Builder::const_f32(float v) { return const_tensor(Tensor::scalar_f32(v)); }

std::vector<int64_t> Builder::const_ints(int v) const {
  PPOCR_CHECK(is_const(v), "value ", v >= 0 ? g.values[v].name : "?", " must be a constant");
  return g.values[v].constant.to_i64();
}

float Builder::const_float(int v) const {
  PPOCR_CHECK(is_const(v), "value ", v >= 0 ? g.values[v].name : "?", " must be a constant");
  auto f = g.values[v].constant.to_f32();
  PPOCR_CHECK(f.size() == 1, "value ", g.values[v].name, " must be a single number");
  return f[0];
}

const engine::Shape& Builder::shape(int v, const PdOp& op) const {
  if (v < 0 || !g.values[v].has_shape)
    fail("Paddle op ", op.type, " '", op.name, "': the shape of input ", v >= 0 ? g.values[v].name : "?",
         " is not declared");
  return g.values[v].shape;
}

int Builder::rank(int v, const PdOp& op) const { return static_cast<int>(shape(v, op).size()); }

void convert_all(Builder& b, const std::vector<PdOp>& ops, const std::string& label) {
  std::set<std::string> unknown;
  for (const PdOp& op : ops)
    if (!find_converter(op.type)) unknown.insert(op.type);
  if (!unknown.empty()) {
    std::string list;
    for (auto& u : unknown) list += (list.empty() ? "" : ", ") + u;
    fail(label, ": unsupported Paddle operator(s): ", list);
  }
  for (const PdOp& op : ops) {
    b.prefix = op.name;
    try {
      (*find_converter(op.type))(b, op);
    } catch (const Error& e) {
      std::string m = e.what();
      if (m.find(op.name) == std::string::npos) fail(label, ": Paddle op ", op.type, " '", op.name, "': ", m);
      fail(label, ": ", m);
    }
  }
  b.prefix.clear();
}

int onnx_dtype(DType t) {
  switch (t) {
    case DType::Float32: return 1;
    case DType::UInt8: return 2;
    case DType::Int8: return 3;
    case DType::Int32: return 6;
    case DType::Int64: return 7;
    case DType::Bool: return 9;
    case DType::Float16: return 10;
  }
  return 1;
}

}  // namespace ppocr::formats::paddle
