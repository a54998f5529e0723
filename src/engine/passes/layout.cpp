// assign_conv_layouts: keeps 4-D activations in NHWC, the layout oneDNN's
// convolutions run in, wherever every producer and reader can take it, instead
// of reordering NCHW -> NHWC -> NCHW around every Conv (docs/engine.md, "Layouts").
//  1. ReduceMean over axes {2,3} (keepdims) of a Conv output -> GlobalAveragePool.
//  2. The Mul of a squeeze-and-excitation block, X * S with S computed by 1x1
//     Convs from GlobalAveragePool(...) and having X's channel count -> ChannelMul.
//  3. A tensor produced by a 2-D Conv or ChannelMul and read only by 2-D Convs
//     (as X or residual R), ChannelMul (as X) and GlobalAveragePool is stored
//     [N,H,W,C]; the nodes get x_layout / r_layout / y_layout = "NHWC".
// Every other operator keeps seeing NCHW. PPOCR_NHWC=0 disables the pass.
#include <cstdlib>
#include <string>

#include "engine/passes/passes.h"

namespace ppocr::engine {
namespace {

const Tensor* const_of(const Graph& g, int id) {
  return id >= 0 && g.values[id].is_constant() ? &g.values[id].constant : nullptr;
}

bool conv2d(const Graph& g, const Node& n) {
  if (n.op != "Conv" || n.inputs.size() < 2 || n.outputs.size() != 1) return false;
  const Tensor* w = const_of(g, n.inputs[1]);
  return w && w->rank() == 4;
}

int64_t conv_channels(const Graph& g, const Node& n) { return const_of(g, n.inputs[1])->dim(0); }

// ReduceMean(x, axes {2,3}, keepdims=1) of a 4-D x -> GlobalAveragePool(x).
void reduce_mean_to_gap(Graph& g, const std::vector<int>& prod) {
  for (Node& n : g.nodes) {
    if (n.op != "ReduceMean" || n.inputs.empty() || n.inputs[0] < 0 || n.outputs.size() != 1) continue;
    const int p = prod[n.inputs[0]];
    if (p < 0 || !conv2d(g, g.nodes[p]) || n.attrs.i("keepdims", 1) != 1) continue;
    std::vector<int64_t> axes = n.attrs.ints("axes", {});
    if (n.inputs.size() > 1 && n.inputs[1] >= 0) {
      const Tensor* a = const_of(g, n.inputs[1]);
      if (!a) continue;
      axes = a->to_i64();
    }
    for (int64_t& a : axes)
      if (a < 0) a += 4;
    if (!(axes == std::vector<int64_t>{2, 3} || axes == std::vector<int64_t>{3, 2})) continue;
    n.op = "GlobalAveragePool";
    n.inputs.resize(1);
    n.attrs = Attrs();
  }
}

// Output of node `id` is [N, C, 1, 1]: a 1x1 unpadded Conv of such a tensor,
// or GlobalAveragePool of a 2-D Conv's output.
bool one_by_one(const Graph& g, const std::vector<int>& prod, int node, int depth) {
  if (node < 0 || depth > 4) return false;
  const Node& n = g.nodes[node];
  if (n.op == "GlobalAveragePool") {
    const int p = n.inputs.empty() || n.inputs[0] < 0 ? -1 : prod[n.inputs[0]];
    return p >= 0 && (conv2d(g, g.nodes[p]) || g.nodes[p].op == "ChannelMul");
  }
  if (!conv2d(g, n) || n.inputs.size() > 3) return false;
  const Tensor* w = const_of(g, n.inputs[1]);
  if (w->dim(2) != 1 || w->dim(3) != 1) return false;
  for (int64_t p : n.attrs.ints("pads", {}))
    if (p != 0) return false;
  const std::string ap = n.attrs.s("auto_pad", "NOTSET");
  if (ap != "NOTSET" && ap != "VALID") return false;
  for (int64_t d : n.attrs.ints("dilations", {}))
    if (d != 1) return false;
  return n.inputs[0] >= 0 && one_by_one(g, prod, prod[n.inputs[0]], depth + 1);
}

void se_mul_to_channel_mul(Graph& g, const std::vector<int>& prod) {
  for (Node& n : g.nodes) {
    if (n.op != "Mul" || n.inputs.size() != 2 || n.outputs.size() != 1) continue;
    for (int k = 0; k < 2; ++k) {
      const int x = n.inputs[k], s = n.inputs[1 - k];
      if (x < 0 || s < 0 || prod[x] < 0 || prod[s] < 0) continue;
      const Node& px = g.nodes[prod[x]];
      const Node& ps = g.nodes[prod[s]];
      if (!conv2d(g, px) || !conv2d(g, ps) || conv_channels(g, px) != conv_channels(g, ps)) continue;
      if (!one_by_one(g, prod, prod[s], 0)) continue;
      n.op = "ChannelMul";
      n.inputs = {x, s};
      n.attrs = Attrs();
      break;
    }
  }
}

}  // namespace

void assign_conv_layouts(Graph& g) {
  const char* env = std::getenv("PPOCR_NHWC");
  if (env && std::string(env) == "0") return;
  std::vector<int> prod = g.producers();
  reduce_mean_to_gap(g, prod);
  se_mul_to_channel_mul(g, prod);

  std::vector<std::vector<std::pair<int, int>>> uses(g.values.size());  // (node, input index)
  for (size_t i = 0; i < g.nodes.size(); ++i)
    for (size_t k = 0; k < g.nodes[i].inputs.size(); ++k)
      if (g.nodes[i].inputs[k] >= 0) uses[g.nodes[i].inputs[k]].push_back({static_cast<int>(i), static_cast<int>(k)});
  std::vector<char> is_output(g.values.size(), 0);
  for (int o : g.outputs) is_output[o] = 1;
  auto reader_ok = [&](const Node& r, int k) {
    if (conv2d(g, r)) return k == 0 || k == 3;
    if (r.op == "ChannelMul" || r.op == "GlobalAveragePool") return k == 0;
    return false;
  };
  for (Node& p : g.nodes) {
    if (!conv2d(g, p) && p.op != "ChannelMul") continue;
    const int v = p.outputs[0];
    if (is_output[v] || uses[v].empty()) continue;
    bool ok = true;
    for (auto [ni, k] : uses[v]) ok = ok && reader_ok(g.nodes[ni], k);
    if (!ok) continue;
    p.attrs.set("y_layout", std::string("NHWC"));
    for (auto [ni, k] : uses[v]) g.nodes[ni].attrs.set(k == 3 ? "r_layout" : "x_layout", std::string("NHWC"));
  }
}

}  // namespace ppocr::engine
