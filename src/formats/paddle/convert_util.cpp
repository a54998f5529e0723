#include "formats/paddle/convert_util.h"

namespace ppocr::formats::paddle {

using engine::DType;

DType dtype_from_paddle(int64_t code, const std::string& where) {
  switch (code) {
    case 0: return DType::Bool;
    case 2: return DType::Int64;  // int32, widened
    case 3: return DType::Int64;
    case 4: return DType::Float32;  // fp16 computed in fp32
    case 5: return DType::Float32;
    case 6: return DType::Float32;  // fp64 computed in fp32
    case 20: return DType::UInt8;
    case 21: return DType::Int8;
    default: fail(where, ": unsupported Paddle data type ", code);
  }
}

void require_nchw(const PdOp& op) {
  for (const char* k : {"data_format", "data_layout"}) {
    std::string f = op.attrs.s(k, "NCHW");
    if (f != "NCHW" && f != "NCDHW" && f != "NCL" && f != "AnyLayout")
      fail("Paddle op ", op.type, " '", op.name, "': data format ", f, " is not supported (only channel-first)");
  }
}

std::vector<int64_t> ints_from(Builder& b, const PdOp& op, const std::string& attr, const std::string& slot,
                               std::vector<int64_t> def) {
  int v = slot.empty() ? -1 : b.in(op, slot);
  if (v >= 0) {
    if (!b.is_const(v))
      fail("Paddle op ", op.type, " '", op.name, "': input ", slot, " must be a constant");
    return b.const_ints(v);
  }
  if (op.attrs.has(attr)) return op.attrs.ints(attr);
  return def;
}

int to_i64(Builder& b, int v) {
  if (b.g.values[v].dtype == DType::Int64 && (b.is_const(v) || b.g.values[v].has_shape)) return v;
  engine::Attrs a;
  a.set("to", int64_t(7));
  return b.node("Cast", {v}, a);
}

int concat_scalars(Builder& b, const std::vector<int>& vals) {
  bool all_const = true;
  for (int v : vals) all_const = all_const && b.is_const(v);
  if (all_const) {
    std::vector<int64_t> dims;
    for (int v : vals) {
      auto x = b.const_ints(v);
      PPOCR_CHECK(x.size() == 1, "shape list element must hold one value");
      dims.push_back(x[0]);
    }
    return b.const_i64(dims);
  }
  std::vector<int> parts;
  int one = b.const_i64({1});
  for (int v : vals) parts.push_back(b.node("Reshape", {to_i64(b, v), one}));
  engine::Attrs a;
  a.set("axis", int64_t(0));
  return b.node("Concat", parts, a);
}

}  // namespace ppocr::formats::paddle
