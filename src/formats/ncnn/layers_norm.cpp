// LayerNorm, Reduction and MultiHeadAttention (composed from engine ops).
#include <cmath>

#include "formats/ncnn/builder.h"

namespace ppocr::formats::ncnn {
namespace {

using engine::Attrs;
using V = std::vector<int64_t>;

// ncnn LayerNorm normalises each innermost row (affine_size == w), or for a
// 3-D/4-D blob whose w differs, each (h*w) plane of a channel.
void layer_norm(Builder& b) {
  const Layer& L = b.layer();
  b.require_inputs(1, 1);
  b.require_outputs(1);
  Blob x = b.in(0);
  int64_t n = L.geti(0, 0);
  if (n <= 0) b.error("LayerNorm needs affine_size > 0");
  std::vector<float> gamma, beta;
  if (L.geti(2, 1)) {
    gamma = b.weights(n, 1, "gamma_data");
    beta = b.weights(n, 1, "beta_data");
  } else {
    if (n > (int64_t(1) << 24)) b.error("implausible affine_size");
    gamma.assign(static_cast<size_t>(n), 1.f);
    beta.assign(static_cast<size_t>(n), 0.f);
  }
  Attrs a;
  a.set("axis", int64_t(-1));
  a.set("epsilon", L.getf(1, 0.001f));
  int g = b.const_f32("gamma", {n}, gamma), be = b.const_f32("beta", {n}, beta);
  int64_t w = x.dims.back();
  bool rows = x.rank <= 2 || w == n || w < 0;
  int y;
  if (rows) {
    y = b.op("LayerNormalization", {x.id, g, be}, a);
  } else {
    V shape = x.rank == 3 ? V{0, 0, -1} : V{0, 0, 0, -1};
    int flat = b.op("Reshape", {x.id, b.const_i64("flat", shape)});
    int z = b.op("LayerNormalization", {flat, g, be}, a);
    y = b.op("Reshape", {z, b.op("Shape", {x.id})});
  }
  b.set_out(0, y, x.rank, x.dims);
}
ConverterRegistrar r_ln({"LayerNorm"}, layer_norm);

void reduction(Builder& b) {
  const Layer& L = b.layer();
  b.require_inputs(1, 1);
  b.require_outputs(1);
  Blob x = b.in(0);
  int64_t op = L.geti(0, 0);
  bool all = L.geti(1, 1) != 0, keep = L.geti(4, 0) != 0;
  float coeff = L.getf(2, 1.f);
  std::vector<bool> red(static_cast<size_t>(x.rank), all);
  if (!all) {
    V axes = L.ints(3);
    for (auto k : axes) {
      if (k < 0) k += x.rank;
      if (k < 0 || k >= x.rank) b.error("reduction axis out of range");
      red[static_cast<size_t>(k)] = true;
    }
    if (x.rank == 1) red[0] = true;
  }
  V eaxes, dims;
  for (int k = 0; k < x.rank; ++k) {
    if (red[static_cast<size_t>(k)]) eaxes.push_back(k + 1);
    if (keep || !red[static_cast<size_t>(k)]) dims.push_back(red[static_cast<size_t>(k)] ? 1 : x.dims[static_cast<size_t>(k)]);
  }
  bool to_scalar = dims.empty();
  int64_t kd = (keep || to_scalar) ? 1 : 0;
  if (eaxes.empty()) {
    b.set_out(0, x);
    return;
  }
  auto attr_reduce = [&](const char* name, int v) {
    Attrs a;
    a.set("axes", eaxes);
    a.set("keepdims", kd);
    return b.op(name, {v}, a);
  };
  auto sum = [&](int v) {
    Attrs a;
    a.set("keepdims", kd);
    return b.op("ReduceSum", {v, b.const_i64("axes", eaxes)}, a);
  };
  int y;
  switch (op) {
    case 0: y = sum(x.id); break;
    case 1: case 7: y = sum(b.op("Abs", {x.id})); break;
    case 2: y = sum(b.op("Mul", {x.id, x.id})); break;
    case 3: y = attr_reduce("ReduceMean", x.id); break;
    case 4: y = attr_reduce("ReduceMax", x.id); break;
    case 5: y = attr_reduce("ReduceMin", x.id); break;
    case 6: y = attr_reduce("ReduceProd", x.id); break;
    case 8: y = b.op("Sqrt", {sum(b.op("Mul", {x.id, x.id}))}); break;
    case 9: y = b.op("Log", {sum(x.id)}); break;
    case 10: y = b.op("Log", {sum(b.op("Exp", {x.id}))}); break;
    default: b.error("unsupported reduction operation " + std::to_string(op));
  }
  if (coeff != 1.f) y = b.op("Mul", {y, b.scalar(coeff)});
  if (to_scalar) {
    y = b.op("Reshape", {y, b.const_i64("shape", {0, 1})});
    dims = {1};
  }
  b.set_out(0, y, static_cast<int>(dims.size()), dims);
}
ConverterRegistrar r_red({"Reduction"}, reduction);

// x [N, S, in] -> x W^T + bias, W stored [out][in]; `scale` folded into both.
int linear(Builder& b, int x, const std::string& tag, int64_t out, int64_t in, float scale) {
  auto w = b.weights(out * in, 0, tag + "_weight_data");
  auto bias = b.weights(out, 1, tag + "_bias_data");
  std::vector<float> wt(w.size());
  for (int64_t o = 0; o < out; ++o)
    for (int64_t i = 0; i < in; ++i) wt[static_cast<size_t>(i * out + o)] = w[static_cast<size_t>(o * in + i)] * scale;
  for (auto& v : bias) v *= scale;
  int y = b.op("MatMul", {x, b.const_f32(tag + "_weight", {in, out}, wt)});
  return b.op("Add", {y, b.const_f32(tag + "_bias", {out}, bias)});
}

int transpose(Builder& b, int x, V perm) {
  Attrs a;
  a.set("perm", std::move(perm));
  return b.op("Transpose", {x}, a);
}

void multi_head_attention(Builder& b) {
  const Layer& L = b.layer();
  b.require_outputs(1);
  int64_t E = L.geti(0, 0), H = L.geti(1, 1), wsize = L.geti(2, 0);
  bool mask = L.geti(5, 0) != 0;
  if (L.geti(7, 0)) b.error("MultiHeadAttention with kv_cache is not supported");
  if (L.geti(18, 0)) b.error("quantised MultiHeadAttention is not supported");
  if (E <= 0 || H <= 0 || E % H || wsize <= 0 || wsize % E) b.error("invalid embed_dim/num_heads/weight_data_size");
  int64_t qdim = wsize / E, kdim = L.geti(3, E), vdim = L.geti(4, E), hd = E / H;
  if (kdim <= 0 || vdim <= 0) b.error("invalid kdim/vdim");
  float scale = L.getf(6, 1.f / std::sqrt(static_cast<float>(hd)));
  size_t nin = L.bottoms.size() - (mask ? 1 : 0);
  b.require_inputs(mask ? 2 : 1, mask ? 4 : 3);
  Blob q = b.in(0), k = nin >= 2 ? b.in(1) : q, v = nin == 3 ? b.in(2) : (nin == 2 ? k : q);
  if (q.rank != 2 || k.rank != 2 || v.rank != 2) b.error("MultiHeadAttention inputs must be 2-D (seq, dim)");
  int Q = linear(b, q.id, "q", E, qdim, scale);
  int K = linear(b, k.id, "k", E, kdim, 1.f);
  int Vv = linear(b, v.id, "v", E, vdim, 1.f);
  int heads = b.const_i64("heads", {0, 0, H, hd});
  Q = transpose(b, b.op("Reshape", {Q, heads}), {0, 2, 1, 3});   // [N, H, S, hd]
  K = transpose(b, b.op("Reshape", {K, heads}), {0, 2, 3, 1});   // [N, H, hd, T]
  Vv = transpose(b, b.op("Reshape", {Vv, heads}), {0, 2, 1, 3}); // [N, H, T, hd]
  int att = b.op("MatMul", {Q, K});
  if (mask) {
    const Blob& m = b.in(L.bottoms.size() - 1);
    int mid = m.id;
    if (m.rank == 2) mid = b.op("Unsqueeze", {mid, b.const_i64("axes", {1})});
    else if (m.rank != 3) b.error("attention mask must be 2-D or 3-D");
    att = b.op("Add", {att, mid});
  }
  Attrs sa;
  sa.set("axis", int64_t(-1));
  att = b.op("Softmax", {att}, sa);
  int o = transpose(b, b.op("MatMul", {att, Vv}), {0, 2, 1, 3});
  o = b.op("Reshape", {o, b.const_i64("merge", {0, 0, E})});
  int y = linear(b, o, "out", qdim, E, 1.f);
  b.set_out(0, y, 2, V{q.dims[0], qdim});
}
ConverterRegistrar r_mha({"MultiHeadAttention"}, multi_head_attention);

}  // namespace
}  // namespace ppocr::formats::ncnn
