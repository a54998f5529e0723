// Fusion passes (fused forms in docs/engine.md):
//  - fuse_batchnorm: BatchNormalization after a Conv / ConvTranspose with constant
//    weights (whose output nothing else reads) is folded into its weights and bias.
//  - fuse_conv_epilogues: Conv [+ Add(residual)] [+ activation] -> one Conv with
//    input 3 = residual and the `activation` attributes; ConvTranspose / MatMul /
//    Gemm + activation; MatMul + Add(constant bias) -> MatMul with input 2 = bias.
#include <algorithm>
#include <cmath>
#include <limits>

#include "engine/op.h"
#include "engine/passes/pass_util.h"
#include "engine/passes/passes.h"

namespace ppocr::engine {
namespace {

using pass::const_of;
using pass::kill;
using pass::Uses;

// Node `into` takes over `from`'s output; `from` is removed.
void absorb(Node& into, Node& from) {
  into.outputs[0] = from.outputs[0];
  kill(from);
}

// Output channels of a Conv / ConvTranspose with constant weights (0 if unknown).
int64_t out_channels(const Graph& g, const Node& n) {
  const Tensor* w = n.inputs.size() > 1 ? const_of(g, n.inputs[1]) : nullptr;
  if (!w || w->rank() < 3) return 0;
  return n.op == "ConvTranspose" ? w->dim(1) * n.attrs.i("group", 1) : w->dim(0);
}

// y' = y * mul[m] + add[m] folded into the weights and bias of Conv /
// ConvTranspose node ci (constant weights, no residual, no activation); node
// `into` (the BatchNormalization / Mul) is absorbed. False when not possible.
bool fold_channel_affine(Graph& g, int ci, int into, const std::vector<float>& mul, const std::vector<float>& add) {
  const Node& conv = g.nodes[ci];
  if (conv.attrs.has("activation") || conv.inputs.size() > 3 || conv.inputs.size() < 2) return false;
  const Tensor* w = const_of(g, conv.inputs[1]);
  const bool has_b = conv.inputs.size() > 2 && conv.inputs[2] >= 0;
  const Tensor* b = has_b ? const_of(g, conv.inputs[2]) : nullptr;
  if (!w || (has_b && !b)) return false;
  if (w->rank() < 3 || (w->dtype() != DType::Float32 && w->dtype() != DType::Float16)) return false;
  const bool transpose = conv.op == "ConvTranspose";
  const int64_t group = conv.attrs.i("group", 1);
  if (group < 1 || (transpose && w->dim(0) % group != 0)) return false;
  const int64_t m = out_channels(g, conv);
  if (static_cast<int64_t>(mul.size()) != m || static_cast<int64_t>(add.size()) != m) return false;
  if (b && b->numel() != m) return false;
  Tensor nw = w->cast(DType::Float32).clone();
  float* W = nw.data<float>();
  const int64_t d0 = nw.dim(0), d1 = nw.dim(1), ksz = nw.numel() / (d0 * d1);
  if (!transpose) {
    for (int64_t o = 0; o < m; ++o)
      for (int64_t i = 0; i < d1 * ksz; ++i) W[o * d1 * ksz + i] *= mul[o];
  } else {
    const int64_t cg = d0 / group;
    for (int64_t c = 0; c < d0; ++c)
      for (int64_t mo = 0; mo < d1; ++mo)
        for (int64_t k = 0; k < ksz; ++k) W[(c * d1 + mo) * ksz + k] *= mul[(c / cg) * d1 + mo];
  }
  std::vector<float> ob = b ? b->to_f32() : std::vector<float>(m, 0.f), nb(m);
  for (int64_t k = 0; k < m; ++k) nb[k] = ob[k] * mul[k] + add[k];
  const std::string base = conv.name.empty() ? std::string("conv") : conv.name;
  const int wid = g.add_constant(base + "_folded_weight", nw);
  const int bid = g.add_constant(base + "_folded_bias", Tensor::from_vector<float>({m}, nb));
  Node& c2 = g.nodes[ci];
  c2.inputs.resize(3);
  c2.inputs[1] = wid;
  c2.inputs[2] = bid;
  absorb(c2, g.nodes[into]);
  return true;
}

bool fold_bn(Graph& g, int ci, int bi) {
  const Node& conv = g.nodes[ci];
  const Node& bn = g.nodes[bi];
  if (bn.inputs.size() != 5 || bn.outputs.empty() || bn.inputs[0] != conv.outputs[0]) return false;
  for (size_t k = 1; k < bn.outputs.size(); ++k)
    if (bn.outputs[k] >= 0) return false;  // training outputs requested
  std::vector<float> p[4];
  for (int k = 0; k < 4; ++k) {
    const Tensor* t = const_of(g, bn.inputs[1 + k]);
    if (!t) return false;
    p[k] = t->to_f32();
  }
  const int64_t m = out_channels(g, conv);
  for (auto& v : p)
    if (m == 0 || static_cast<int64_t>(v.size()) != m) return false;
  const float eps = bn.attrs.f("epsilon", 1e-5f);
  std::vector<float> mul(m), add(m);
  for (int64_t k = 0; k < m; ++k) {
    mul[k] = p[0][k] / std::sqrt(p[3][k] + eps);
    add[k] = p[1][k] - p[2][k] * mul[k];
  }
  return fold_channel_affine(g, ci, bi, mul, add);
}

// A constant broadcasting per output channel of an output of rank `rank`:
// [1,M,1,1], [M,1,1], or a single value. Returns the M values (empty if not).
std::vector<float> channel_values(const Tensor* c, int rank, int64_t m) {
  if (!c || c->rank() > rank || m <= 0 || (c->dtype() != DType::Float32 && c->dtype() != DType::Float16)) return {};
  Shape s = c->shape();
  s.insert(s.begin(), rank - s.size(), 1);
  for (size_t i = 0; i < s.size(); ++i)
    if (s[i] != 1 && !(i == 1 && s[i] == m)) return {};
  std::vector<float> v = c->to_f32();
  if (v.size() == 1) v.assign(m, v[0]);
  return v;
}

// Activation node -> (name, alpha, beta); false when not fusable.
bool activation_of(const Graph& g, const Node& n, std::string& name, float& alpha, float& beta) {
  name = n.op;
  alpha = beta = 0.f;
  if (n.inputs.empty() || n.outputs.size() != 1) return false;
  if (n.op == "Relu" || n.op == "Sigmoid" || n.op == "Tanh" || n.op == "HardSwish") return n.inputs.size() == 1;
  if (n.op == "LeakyRelu") {
    alpha = n.attrs.f("alpha", 0.01f);
    return n.inputs.size() == 1;
  }
  if (n.op == "HardSigmoid") {
    alpha = n.attrs.f("alpha", 0.2f);
    beta = n.attrs.f("beta", 0.5f);
    return n.inputs.size() == 1;
  }
  if (n.op == "Clip") {
    if (n.inputs.size() > 3) return false;
    alpha = n.attrs.f("min", std::numeric_limits<float>::lowest());
    beta = n.attrs.f("max", std::numeric_limits<float>::max());
    for (size_t k = 1; k < n.inputs.size(); ++k) {
      if (n.inputs[k] < 0) continue;
      const Tensor* t = const_of(g, n.inputs[k]);
      if (!t || t->numel() != 1) return false;
      (k == 1 ? alpha : beta) = t->to_f32()[0];
    }
    return true;
  }
  return false;
}

// y -> Sigmoid(y) -> Mul(y, s) is Swish; y -> HardSigmoid(y, 1/6, 0.5) -> Mul(y, h)
// is HardSwish. y must be used exactly by these two nodes.
bool fuse_gated(Graph& g, int i, const Uses& u) {
  const int y = g.nodes[i].outputs[0];
  if (u.count[y] != 2 || u.consumers[y].size() != 2) return false;
  int si = -1, mi = -1;
  std::string act;
  for (int k : u.consumers[y]) {
    const Node& cn = g.nodes[k];
    if (cn.op == "Sigmoid" && cn.inputs.size() == 1) {
      si = k;
      act = "Swish";
    } else if (cn.op == "HardSigmoid" && cn.inputs.size() == 1 &&
               std::abs(cn.attrs.f("alpha", 0.2f) - 1.f / 6.f) < 1e-6f && cn.attrs.f("beta", 0.5f) == 0.5f) {
      si = k;
      act = "HardSwish";
    } else if (cn.op == "Mul") {
      mi = k;
    }
  }
  if (si < 0 || mi < 0 || g.nodes[si].outputs.size() != 1) return false;
  const int s = g.nodes[si].outputs[0];
  const Node& mul = g.nodes[mi];
  if (u.sole(s) != mi || mul.inputs.size() != 2 || mul.outputs.size() != 1) return false;
  if (!((mul.inputs[0] == y && mul.inputs[1] == s) || (mul.inputs[0] == s && mul.inputs[1] == y))) return false;
  g.nodes[i].attrs.set("activation", act);
  kill(g.nodes[si]);
  absorb(g.nodes[i], g.nodes[mi]);
  return true;
}

bool scalar_is(const Graph& g, int id, float want, float tol) {
  const Tensor* t = const_of(g, id);
  return t && t->numel() == 1 && std::abs(t->to_f32()[0] - want) <= tol;
}

// The other input of a two-input node, or -1 when `v` is not one of them.
int other_input(const Node& n, int v) {
  if (n.inputs.size() != 2) return -1;
  if (n.inputs[0] == v) return n.inputs[1];
  if (n.inputs[1] == v) return n.inputs[0];
  return -1;
}

// GELU (erf form) as exported by paddle2onnx / torch (the constants may be
// float16-rounded, hence the tolerances):
//   e = Erf(Div(y, sqrt2) | Mul(y, 1/sqrt2)); a = Add(e, 1);
//   out = Mul(Mul(y, a), 0.5) | Mul(Mul(y, 0.5), a)
bool fuse_gelu(Graph& g, int i, const Uses& u) {
  const int y = g.nodes[i].outputs[0];
  if (u.count[y] != 2 || u.consumers[y].size() != 2) return false;
  int scale = -1, other = -1;
  for (int k : u.consumers[y]) {
    const Node& n = g.nodes[k];
    const int o = other_input(n, y);
    if (n.op == "Div" && n.inputs[0] == y && scalar_is(g, o, 1.41421356f, 2e-3f)) scale = k;
    else if (n.op == "Mul" && scalar_is(g, o, 0.70710678f, 1e-3f)) scale = k;
    else other = k;
  }
  if (scale < 0 || other < 0) return false;
  auto next = [&](int node, const char* op) -> int {
    if (g.nodes[node].outputs.size() != 1) return -1;
    const int c = u.sole(g.nodes[node].outputs[0]);
    return c >= 0 && g.nodes[c].op == op ? c : -1;
  };
  const int erf = next(scale, "Erf");
  const int add = erf >= 0 ? next(erf, "Add") : -1;
  if (add < 0 || !scalar_is(g, other_input(g.nodes[add], g.nodes[erf].outputs[0]), 1.f, 1e-6f)) return false;
  const int a = g.nodes[add].outputs[0];
  const Node& m1 = g.nodes[other];
  if (m1.op != "Mul" || m1.outputs.size() != 1) return false;
  const int m1o = m1.outputs[0];
  std::vector<int> dead{scale, erf, add, other};
  int last = -1;
  if (other_input(m1, y) == a) {  // Mul(y, a) then * 0.5
    last = next(other, "Mul");
    if (last < 0 || !scalar_is(g, other_input(g.nodes[last], m1o), 0.5f, 1e-6f)) return false;
  } else if (scalar_is(g, other_input(m1, y), 0.5f, 1e-6f)) {  // Mul(y, 0.5) then * a
    last = u.sole(m1o);
    if (last < 0 || g.nodes[last].op != "Mul" || other_input(g.nodes[last], m1o) != a || u.sole(a) != last)
      return false;
  } else {
    return false;
  }
  if (g.nodes[last].outputs.size() != 1) return false;
  if (other_input(m1, y) == a && u.sole(a) != other) return false;
  g.nodes[i].attrs.set("activation", std::string("Gelu"));
  for (int k : dead) kill(g.nodes[k]);
  absorb(g.nodes[i], g.nodes[last]);
  return true;
}

// Add / Mul of a per-channel constant after a Conv / ConvTranspose (no
// activation yet): folded into its bias / weights.
bool fold_channel_op(Graph& g, int i, int next, int y) {
  const Node& n = g.nodes[i];
  const Node& op = g.nodes[next];
  const Tensor* w = n.inputs.size() > 1 ? const_of(g, n.inputs[1]) : nullptr;
  if (!w) return false;
  const int64_t m = out_channels(g, n);
  std::vector<float> v = channel_values(const_of(g, other_input(op, y)), w->rank(), m);
  if (v.empty()) return false;
  if (op.op == "Mul") return fold_channel_affine(g, i, next, v, std::vector<float>(m, 0.f));
  if (op.op != "Add") return false;
  if (n.inputs.size() > 3 && n.inputs[3] >= 0) {  // (conv + B + R) + c: add c to B
    std::vector<float> nb = v;
    if (n.inputs[2] >= 0) {
      const Tensor* b = const_of(g, n.inputs[2]);
      if (!b || b->numel() != m) return false;
      std::vector<float> ob = b->to_f32();
      for (int64_t k = 0; k < m; ++k) nb[k] += ob[k];
    }
    Node& c = g.nodes[i];
    c.inputs[2] = g.add_constant((c.name.empty() ? std::string("conv") : c.name) + "_bias_add",
                                 Tensor::from_vector<float>({m}, nb));
    absorb(c, g.nodes[next]);
    return true;
  }
  return fold_channel_affine(g, i, next, std::vector<float>(m, 1.f), v);
}

// After a fused activation: Mul / Add by a single constant value becomes the
// fused form's post-activation affine (post_scale, post_shift).
bool fuse_post_affine(Graph& g, Node& n, Node& next, int y) {
  if (next.op != "Mul" && next.op != "Add") return false;
  const Tensor* c = const_of(g, other_input(next, y));
  const Tensor* w = n.inputs.size() > 1 ? const_of(g, n.inputs[1]) : nullptr;
  if (!c || !w || c->numel() != 1 || c->rank() > w->rank()) return false;
  if (c->dtype() != DType::Float32 && c->dtype() != DType::Float16) return false;
  const float v = c->to_f32()[0];
  float scale = n.attrs.f("post_scale", 1.f), shift = n.attrs.f("post_shift", 0.f);
  if (next.op == "Mul") {
    scale *= v;
    shift *= v;
  } else {
    shift += v;
  }
  n.attrs.set("post_scale", scale);
  n.attrs.set("post_shift", shift);
  absorb(n, next);
  return true;
}

// HardSwish as exported from Paddle (PP-OCRv3): Div(Mul(y, Clip(Add(y, 3), 0, 6)), 6).
bool fuse_hardswish_clip(Graph& g, int i, const Uses& u) {
  const int y = g.nodes[i].outputs[0];
  if (u.count[y] != 2 || u.consumers[y].size() != 2) return false;
  int add = -1, mul = -1;
  for (int k : u.consumers[y]) {
    const Node& cn = g.nodes[k];
    if (cn.op == "Add" && scalar_is(g, other_input(cn, y), 3.f, 1e-6f)) add = k;
    else if (cn.op == "Mul") mul = k;
  }
  if (add < 0 || mul < 0 || g.nodes[add].outputs.size() != 1) return false;
  const int clip = u.sole(g.nodes[add].outputs[0]);
  if (clip < 0 || g.nodes[clip].op != "Clip" || g.nodes[clip].outputs.size() != 1) return false;
  std::string name;
  float lo, hi;
  if (!activation_of(g, g.nodes[clip], name, lo, hi) || lo != 0.f || hi != 6.f) return false;
  if (other_input(g.nodes[mul], y) != g.nodes[clip].outputs[0] || u.sole(g.nodes[clip].outputs[0]) != mul) return false;
  if (g.nodes[mul].outputs.size() != 1) return false;
  const int last = u.sole(g.nodes[mul].outputs[0]);
  if (last < 0 || g.nodes[last].outputs.size() != 1) return false;
  const Node& l = g.nodes[last];
  const int mo = g.nodes[mul].outputs[0];
  const bool div6 = l.op == "Div" && l.inputs.size() == 2 && l.inputs[0] == mo && scalar_is(g, l.inputs[1], 6.f, 1e-6f);
  const bool mul6 = l.op == "Mul" && scalar_is(g, other_input(l, mo), 1.f / 6.f, 1e-6f);
  if (!div6 && !mul6) return false;
  g.nodes[i].attrs.set("activation", std::string("HardSwish"));
  kill(g.nodes[add]);
  kill(g.nodes[clip]);
  kill(g.nodes[mul]);
  absorb(g.nodes[i], g.nodes[last]);
  return true;
}

// Tries to fuse what follows node i; true when the graph changed.
bool fuse_after(Graph& g, int i, const Uses& u) {
  Node& n = g.nodes[i];
  if (n.outputs.size() != 1) return false;
  const int y = n.outputs[0];
  const int c = u.sole(y);
  if (n.attrs.has("activation")) {
    if (c < 0 || g.nodes[c].outputs.size() != 1 || n.op == "MatMul" || n.op == "Gemm") return false;
    return fuse_post_affine(g, n, g.nodes[c], y);
  }
  if (c < 0) return fuse_gated(g, i, u) || fuse_gelu(g, i, u) || fuse_hardswish_clip(g, i, u);
  Node& next = g.nodes[c];
  if (next.outputs.size() != 1) return false;
  // Add of a constant per-channel tensor ([1,M,1,1], [M,1,1], scalar when M = 1)
  // into a Conv / ConvTranspose: folded into the bias.
  if ((n.op == "Conv" || n.op == "ConvTranspose") && next.op == "BatchNormalization") return fold_bn(g, i, c);
  if ((n.op == "Conv" || n.op == "ConvTranspose") && (next.op == "Add" || next.op == "Mul") &&
      fold_channel_op(g, i, c, y))
    return true;
  // Residual Add into Conv (added before any activation).
  if (n.op == "Conv" && next.op == "Add" && next.inputs.size() == 2 && n.inputs.size() <= 3) {
    const int r = next.inputs[0] == y ? next.inputs[1] : next.inputs[0];
    if (r == y || r < 0) return false;
    n.inputs.resize(4, -1);
    n.inputs[3] = r;
    absorb(n, next);
    return true;
  }
  // Bias Add into MatMul: a constant 1-D bias matching B's last dim.
  if (n.op == "MatMul" && next.op == "Add" && next.inputs.size() == 2 && n.inputs.size() == 2) {
    const int r = next.inputs[0] == y ? next.inputs[1] : next.inputs[0];
    const Tensor* bias = const_of(g, r);
    const Tensor* b = const_of(g, n.inputs[1]);
    if (!bias || !b || bias->rank() != 1 || b->rank() < 2 || bias->dim(0) != b->dim(-1)) return false;
    n.inputs.push_back(r);
    absorb(n, next);
    return true;
  }
  std::string act;
  float alpha, beta;
  if (activation_of(g, next, act, alpha, beta) && next.inputs[0] == y) {
    n.attrs.set("activation", act);
    n.attrs.set("activation_alpha", alpha);
    n.attrs.set("activation_beta", beta);
    absorb(n, next);
    return true;
  }
  return false;
}

}  // namespace

void constant_weights_to_f32(Graph& g) {
  for (Node& n : g.nodes) {
    if (n.op != "Conv" && n.op != "ConvTranspose" && n.op != "MatMul" && n.op != "Gemm") continue;
    for (size_t k = 1; k < n.inputs.size() && k < 3; ++k) {
      const int id = n.inputs[k];
      if (id < 0 || !g.values[id].is_constant() || g.values[id].constant.dtype() != DType::Float16) continue;
      n.inputs[k] = g.add_constant(g.values[id].name + "_f32", g.values[id].constant.cast(DType::Float32));
    }
  }
}

void remove_identities(Graph& g) {
  std::vector<char> is_output(g.values.size(), 0);
  for (int o : g.outputs) is_output[o] = 1;
  std::vector<int> alias(g.values.size());
  for (size_t v = 0; v < alias.size(); ++v) alias[v] = static_cast<int>(v);
  bool any = false;
  for (Node& n : g.nodes) {
    if (n.op != "Identity" || n.inputs.size() != 1 || n.outputs.size() != 1 || n.inputs[0] < 0) continue;
    if (is_output[n.outputs[0]]) continue;  // keeps the output's name
    alias[n.outputs[0]] = n.inputs[0];
    kill(n);
    any = true;
  }
  if (!any) return;
  auto root = [&](int v) {
    while (alias[v] != v) v = alias[v];
    return v;
  };
  for (Node& n : g.nodes)
    for (int& in : n.inputs)
      if (in >= 0) in = root(in);
  pass::erase_killed(g);
}

void fuse_batchnorm(Graph& g) {
  bool changed = true;
  while (changed) {
    changed = false;
    Uses u(g);
    for (size_t i = 0; i < g.nodes.size() && !changed; ++i) {
      const Node& n = g.nodes[i];
      if ((n.op != "Conv" && n.op != "ConvTranspose") || n.outputs.size() != 1) continue;
      const int c = u.sole(n.outputs[0]);
      if (c >= 0 && g.nodes[c].op == "BatchNormalization") changed = fold_bn(g, static_cast<int>(i), c);
    }
    if (changed) pass::erase_killed(g);
  }
}

void fuse_conv_epilogues(Graph& g) {
  bool changed = true;
  while (changed) {
    changed = false;
    Uses u(g);
    for (size_t i = 0; i < g.nodes.size() && !changed; ++i) {
      const std::string& op = g.nodes[i].op;
      if (op == "Conv" || op == "ConvTranspose" || op == "MatMul" || op == "Gemm")
        changed = fuse_after(g, static_cast<int>(i), u);
    }
    if (changed) pass::erase_killed(g);
  }
  g.topo_sort();
}

}  // namespace ppocr::engine
