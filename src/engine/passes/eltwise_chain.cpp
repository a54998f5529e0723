// fuse_eltwise_chains: a run of elementwise nodes on one activation, each
// intermediate read by the next node only, becomes one EltwiseChain node
// (ops/eltwise_chain.cpp) that reads and writes the tensor once. Steps:
// FakeQuant, Relu, HardSigmoid, Sigmoid, Clip (constant bounds), Mul/Add/Sub by
// a scalar constant, Mul/Add by a per-channel constant ([1,C,1,1] / [C,1,1]) or
// a BatchNormalization with constant parameters (on 4-D X from a 2-D Conv only),
// and y * HardSigmoid(y) (HardSwish as exported). Runs after the Conv epilogue
// fusion, which takes what a Conv can absorb first.
#include <algorithm>
#include <cmath>

#include "engine/passes/pass_util.h"
#include "engine/passes/passes.h"

namespace ppocr::engine {
namespace {

using pass::channel_const;
using pass::const_of;

struct Builder {
  std::vector<int64_t> steps;
  std::vector<float> params;
  std::vector<int> inputs;  // X first, then the channel vectors
  void add(int64_t kind, float a = 0, float b = 0, float c = 0, float d = 0) {
    steps.push_back(kind);
    params.insert(params.end(), {a, b, c, d});
  }
  void add_vector(Graph& g, int64_t kind, const std::string& name, std::vector<float> v) {
    const int id = g.add_constant(name, Tensor::from_vector<float>({static_cast<int64_t>(v.size())}, v));
    inputs.push_back(id);
    add(kind, static_cast<float>(inputs.size() - 1));
  }
};

enum : int64_t { kFakeQuant, kMulScalar, kAddScalar, kMulChannel, kAddChannel, kRelu, kHardSigmoid, kMulHardSigmoid,
                 kSigmoid, kClip };

// Appends node n (reading `x`) as steps; false if n is not a step.
bool add_step(Graph& g, const Node& n, int x, bool four_d, Builder& b) {
  if (n.outputs.size() != 1) return false;
  const std::string& op = n.op;
  if (op == "FakeQuant") {
    b.add(kFakeQuant, n.attrs.f("scale", 1.f), static_cast<float>(n.attrs.i("zero_point", 0)),
          static_cast<float>(n.attrs.i("qmin", 0)), static_cast<float>(n.attrs.i("qmax", 255)));
    return true;
  }
  if (op == "Relu" || op == "Sigmoid") {
    b.add(op == "Relu" ? kRelu : kSigmoid);
    return n.inputs.size() == 1;
  }
  if (op == "HardSigmoid") {
    b.add(kHardSigmoid, n.attrs.f("alpha", 0.2f), n.attrs.f("beta", 0.5f));
    return n.inputs.size() == 1;
  }
  if (op == "Clip") {
    float lo = n.attrs.f("min", std::numeric_limits<float>::lowest()), hi = n.attrs.f("max", std::numeric_limits<float>::max());
    for (size_t k = 1; k < n.inputs.size(); ++k) {
      if (n.inputs[k] < 0) continue;
      const Tensor* t = const_of(g, n.inputs[k]);
      if (!t || t->numel() != 1) return false;
      (k == 1 ? lo : hi) = t->to_f32()[0];
    }
    b.add(kClip, lo, hi);
    return true;
  }
  if (op == "Add" || op == "Mul" || op == "Sub") {
    if (n.inputs.size() != 2) return false;
    const int k = n.inputs[0] == x ? 1 : 0;
    if (n.inputs[1 - k] != x || (op == "Sub" && k != 1)) return false;  // x - c only
    const Tensor* t = const_of(g, n.inputs[k]);
    if (!t || t->dtype() != DType::Float32 || t->rank() > 4) return false;
    if (t->numel() == 1) {
      const float v = t->to_f32()[0];
      if (op == "Mul") b.add(kMulScalar, v);
      else b.add(kAddScalar, op == "Sub" ? -v : v);
      return true;
    }
    if (!four_d || channel_const(*t) < 0) return false;
    std::vector<float> v = t->to_f32();
    if (op == "Sub")
      for (float& e : v) e = -e;
    b.add_vector(g, op == "Mul" ? kMulChannel : kAddChannel, n.name + "_chan", v);
    return true;
  }
  if (op == "BatchNormalization") {
    if (!four_d || n.inputs.size() != 5) return false;
    std::vector<std::vector<float>> p;
    for (int k = 1; k < 5; ++k) {
      const Tensor* t = const_of(g, n.inputs[k]);
      if (!t || t->rank() != 1 || (!p.empty() && t->numel() != static_cast<int64_t>(p[0].size()))) return false;
      p.push_back(t->to_f32());
    }
    const float eps = n.attrs.f("epsilon", 1e-5f);
    std::vector<float> s(p[0].size()), sh(p[0].size());
    for (size_t c = 0; c < s.size(); ++c) {
      s[c] = p[0][c] / std::sqrt(p[3][c] + eps);
      sh[c] = p[1][c] - p[2][c] * s[c];
    }
    b.add_vector(g, kMulChannel, n.name + "_scale", s);
    b.add_vector(g, kAddChannel, n.name + "_shift", sh);
    return true;
  }
  return false;
}

bool conv2d_out(const Graph& g, const std::vector<int>& prod, int v) {
  if (v < 0 || prod[v] < 0) return false;
  const Node& p = g.nodes[prod[v]];
  if (p.op != "Conv" && p.op != "ConvTranspose" && p.op != "ChannelMul") return false;
  if (p.op == "ChannelMul") return true;
  const Tensor* w = p.inputs.size() > 1 ? const_of(g, p.inputs[1]) : nullptr;
  return w && w->rank() == 4;
}

}  // namespace

void fuse_eltwise_chains(Graph& g) {
  const std::vector<int> prod = g.producers();
  const pass::Uses u(g);
  const std::vector<int>& uses = u.count;
  const std::vector<std::vector<int>>& readers = u.consumers;
  std::vector<char> used(g.nodes.size(), 0);
  const size_t n0 = g.nodes.size();
  for (size_t i = 0; i < n0; ++i) {
    if (used[i] || g.nodes[i].inputs.empty() || g.nodes[i].inputs[0] < 0) continue;
    // The chain's input: the first non-constant input of the first node.
    int x = -1;
    for (int v : g.nodes[i].inputs)
      if (v >= 0 && !g.values[v].is_constant()) {
        x = v;
        break;
      }
    if (x < 0) continue;
    const bool four_d = conv2d_out(g, prod, x);
    Builder b;
    b.inputs.push_back(x);
    std::vector<int> members;
    int cur = x, at = static_cast<int>(i);
    while (at >= 0 && !used[at]) {
      const Node& n = g.nodes[at];
      // y * HardSigmoid(y): cur read by exactly a HardSigmoid (read only by the Mul) and that Mul.
      if (n.op == "HardSigmoid" && uses[cur] == 2 && readers[cur].size() == 2) {
        const int hs_out = n.outputs[0];
        const int other = readers[cur][0] == at ? readers[cur][1] : readers[cur][0];
        const Node& m = g.nodes[other];
        if (uses[hs_out] == 1 && m.op == "Mul" && m.inputs.size() == 2 &&
            ((m.inputs[0] == cur && m.inputs[1] == hs_out) || (m.inputs[1] == cur && m.inputs[0] == hs_out))) {
          b.add(kMulHardSigmoid, n.attrs.f("alpha", 0.2f), n.attrs.f("beta", 0.5f));
          members.push_back(at);
          members.push_back(other);
          cur = m.outputs[0];
        } else {
          break;
        }
      } else {
        if (std::find(n.inputs.begin(), n.inputs.end(), cur) == n.inputs.end()) break;
        if (!add_step(g, g.nodes[at], cur, four_d, b)) break;
        members.push_back(at);
        cur = g.nodes[at].outputs[0];
      }
      // Continue while cur goes to one node only (or to the HardSigmoid + Mul pair).
      if (uses[cur] == 1 && readers[cur].size() == 1) at = readers[cur][0];
      else if (uses[cur] == 2 && readers[cur].size() == 2 &&
               (g.nodes[readers[cur][0]].op == "HardSigmoid" || g.nodes[readers[cur][1]].op == "HardSigmoid"))
        at = g.nodes[readers[cur][0]].op == "HardSigmoid" ? readers[cur][0] : readers[cur][1];
      else at = -1;
    }
    if (members.size() < 2) continue;  // a single node stays itself
    Node& first = g.nodes[members[0]];
    const std::string name = first.name;
    for (size_t k = 1; k < members.size(); ++k) {
      used[members[k]] = 1;
      pass::kill(g.nodes[members[k]]);
    }
    used[members[0]] = 1;
    Node& chain = g.nodes[members[0]];
    chain.op = "EltwiseChain";
    chain.name = name + "_chain";
    chain.inputs = b.inputs;
    chain.outputs = {cur};
    chain.attrs = Attrs();
    chain.attrs.set("steps", b.steps);
    chain.attrs.set("params", b.params);
  }
  pass::erase_killed(g);
}

}  // namespace ppocr::engine
