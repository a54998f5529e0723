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
#include "engine/passes/passes.h"

namespace ppocr::engine {
namespace {

constexpr const char* kDead = "__fused";

// Consumers of each value (node indices) and use counts, rebuilt after each rewrite.
struct Uses {
  std::vector<std::vector<int>> consumers;
  std::vector<int> count;
  explicit Uses(const Graph& g) : consumers(g.values.size()), count(g.use_counts()) {
    for (size_t i = 0; i < g.nodes.size(); ++i)
      for (int in : g.nodes[i].inputs)
        if (in >= 0) consumers[in].push_back(static_cast<int>(i));
  }
  // The single consumer of v when v has exactly one use (and is no graph output).
  int sole(int v) const { return count[v] == 1 && consumers[v].size() == 1 ? consumers[v][0] : -1; }
};

const Tensor* const_of(const Graph& g, int id) {
  return id >= 0 && g.values[id].is_constant() ? &g.values[id].constant : nullptr;
}

void kill(Node& n) {
  n.op = kDead;
  n.inputs.clear();
  n.outputs.clear();
}

// Node `into` takes over `from`'s output; `from` is removed.
void absorb(Node& into, Node& from) {
  into.outputs[0] = from.outputs[0];
  kill(from);
}

void erase_dead(Graph& g) {
  g.nodes.erase(std::remove_if(g.nodes.begin(), g.nodes.end(), [](const Node& n) { return n.op == kDead; }),
                g.nodes.end());
}

bool fold_bn(Graph& g, int ci, int bi) {
  {
    const Node& conv = g.nodes[ci];
    const Node& bn = g.nodes[bi];
    if (bn.inputs.size() != 5 || bn.outputs.empty() || bn.inputs[0] != conv.outputs[0]) return false;
    for (size_t k = 1; k < bn.outputs.size(); ++k)
      if (bn.outputs[k] >= 0) return false;  // training outputs requested
    if (conv.attrs.has("activation") || conv.inputs.size() > 3 || conv.inputs.size() < 2) return false;
  }
  const Tensor* w = const_of(g, g.nodes[ci].inputs[1]);
  const bool has_b = g.nodes[ci].inputs.size() > 2 && g.nodes[ci].inputs[2] >= 0;
  const Tensor* b = has_b ? const_of(g, g.nodes[ci].inputs[2]) : nullptr;
  if (!w || (has_b && !b)) return false;
  if (w->rank() < 3 || (w->dtype() != DType::Float32 && w->dtype() != DType::Float16)) return false;
  std::vector<float> p[4];
  for (int k = 0; k < 4; ++k) {
    const Tensor* t = const_of(g, g.nodes[bi].inputs[1 + k]);
    if (!t) return false;
    p[k] = t->to_f32();
  }
  const bool transpose = g.nodes[ci].op == "ConvTranspose";
  const int64_t group = g.nodes[ci].attrs.i("group", 1);
  if (group < 1 || (transpose && w->dim(0) % group != 0)) return false;
  const int64_t m = transpose ? w->dim(1) * group : w->dim(0);
  for (auto& v : p)
    if (static_cast<int64_t>(v.size()) != m) return false;
  if (b && b->numel() != m) return false;
  const float eps = g.nodes[bi].attrs.f("epsilon", 1e-5f);
  std::vector<float> mul(m), add(m);
  for (int64_t k = 0; k < m; ++k) {
    mul[k] = p[0][k] / std::sqrt(p[3][k] + eps);
    add[k] = p[1][k] - p[2][k] * mul[k];
  }
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
  const std::string base = g.nodes[ci].name.empty() ? std::string("conv") : g.nodes[ci].name;
  const int wid = g.add_constant(base + "_bn_weight", nw);
  const int bid = g.add_constant(base + "_bn_bias", Tensor::from_vector<float>({m}, nb));
  Node& conv = g.nodes[ci];
  conv.inputs.resize(3);
  conv.inputs[1] = wid;
  conv.inputs[2] = bid;
  absorb(conv, g.nodes[bi]);
  return true;
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

// Tries to fuse what follows node i; true when the graph changed.
bool fuse_after(Graph& g, int i, const Uses& u) {
  Node& n = g.nodes[i];
  if (n.outputs.size() != 1 || n.attrs.has("activation")) return false;
  const int y = n.outputs[0];
  const int c = u.sole(y);
  if (c < 0) return fuse_gated(g, i, u);
  Node& next = g.nodes[c];
  if (next.outputs.size() != 1) return false;
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
    if (changed) erase_dead(g);
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
    if (changed) erase_dead(g);
  }
  g.topo_sort();
}

}  // namespace ppocr::engine
