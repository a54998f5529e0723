// BinaryOp (with ncnn's rank broadcasting and the scalar form) and Eltwise.
#include "formats/ncnn/builder.h"

namespace ppocr::formats::ncnn {
namespace {

// Expands a lower-rank operand the way ncnn does before broadcasting: a 1-D
// operand lines up with the other's outermost axis when the lengths match,
// else with its innermost axis; 2-D and 3-D operands line up with the
// outermost axes (ncnn reshapes them to (.., 1)). Same-rank operands follow
// numpy broadcasting, which is what the engine's ops do.
int expand_to(Builder& b, const Blob& a, const Blob& other) {
  int out = other.rank;
  std::vector<int64_t> axes;
  if (a.rank == 1) {
    int64_t len = a.dims[0], outer = other.dims[0], inner = other.dims.back();
    bool outer_match = len > 0 && len == outer;
    bool inner_match = len > 0 && len == inner;
    if (!outer_match && !inner_match) {
      if (len == 1) outer_match = true;  // a one-element vector broadcasts either way
      else
        b.error("cannot resolve ncnn broadcasting of a 1-D operand (length unknown at import)");
    }
    if (outer_match)
      for (int k = 2; k <= out; ++k) axes.push_back(k);
    else
      for (int k = 1; k < out; ++k) axes.push_back(k);
  } else {
    for (int k = a.rank + 1; k <= out; ++k) axes.push_back(k);
  }
  return b.op("Unsqueeze", {a.id, b.const_i64("axes", axes)});
}

int apply(Builder& b, int64_t t, int x, int y) {
  switch (t) {
    case 0: return b.op("Add", {x, y});
    case 1: return b.op("Sub", {x, y});
    case 2: return b.op("Mul", {x, y});
    case 3: return b.op("Div", {x, y});
    case 4: return b.op("Max", {x, y});
    case 5: return b.op("Min", {x, y});
    case 6: return b.op("Pow", {x, y});
    case 7: return b.op("Sub", {y, x});
    case 8: return b.op("Div", {y, x});
    case 9: return b.op("Pow", {y, x});
    default: b.error("unsupported BinaryOp op_type " + std::to_string(t));
  }
}

void binary_op(Builder& b) {
  const Layer& L = b.layer();
  b.require_outputs(1);
  int64_t t = L.geti(0, 0);
  if (L.geti(1, 0)) {
    b.require_inputs(1, 1);
    Blob x = b.in(0);
    b.set_out(0, apply(b, t, x.id, b.scalar(L.getf(2, 0.f))), x.rank, x.dims);
    return;
  }
  b.require_inputs(2, 2);
  Blob x = b.in(0), y = b.in(1);
  int xi = x.id, yi = y.id;
  if (x.rank < y.rank) xi = expand_to(b, x, y);
  if (y.rank < x.rank) yi = expand_to(b, y, x);
  const Blob& big = x.rank >= y.rank ? x : y;
  std::vector<int64_t> dims = big.dims;
  if (x.rank == y.rank)
    for (size_t k = 0; k < dims.size(); ++k) {
      int64_t p = x.dims[k], q = y.dims[k];
      dims[k] = (p > 1 ? p : q > 1 ? q : (p == 1 && q == 1) ? 1 : -1);
    }
  b.set_out(0, apply(b, t, xi, yi), big.rank, dims);
}
ConverterRegistrar r_binary({"BinaryOp"}, binary_op);

void eltwise(Builder& b) {
  const Layer& L = b.layer();
  b.require_inputs(1, 64);
  b.require_outputs(1);
  int64_t t = L.geti(0, 0);
  std::vector<float> coeffs = L.floats(1);
  if (!coeffs.empty() && coeffs.size() != L.bottoms.size()) b.error("coeffs count differs from input count");
  if (!coeffs.empty() && t != 1) b.error("coeffs are only allowed with SUM");
  Blob x0 = b.in(0);
  auto term = [&](size_t i) {
    int v = b.in(i).id;
    if (!coeffs.empty() && coeffs[i] != 1.f) v = b.op("Mul", {v, b.scalar(coeffs[i])});
    return v;
  };
  int acc = term(0);
  for (size_t i = 1; i < L.bottoms.size(); ++i) {
    if (b.in(i).rank != x0.rank) b.error("Eltwise inputs differ in rank");
    int v = term(i);
    if (t == 0) acc = b.op("Mul", {acc, v});
    else if (t == 1) acc = b.op("Add", {acc, v});
    else if (t == 2) acc = b.op("Max", {acc, v});
    else b.error("unsupported Eltwise op_type " + std::to_string(t));
  }
  if (L.bottoms.size() == 1) acc = b.op("Identity", {acc});
  b.set_out(0, acc, x0.rank, x0.dims);
}
ConverterRegistrar r_eltwise({"Eltwise"}, eltwise);

}  // namespace
}  // namespace ppocr::formats::ncnn
