// assign_conv_layouts: keeps 4-D activations in NHWC, the layout oneDNN's
// convolutions run in, wherever every producer and reader can take it, instead
// of reordering NCHW -> NHWC -> NCHW around every Conv (docs/engine.md, "Layouts").
//  1. ReduceMean over axes {2,3} (keepdims) of a Conv output -> GlobalAveragePool.
//  2. The Mul of a squeeze-and-excitation block, X * S with S computed by 1x1
//     Convs from GlobalAveragePool(...) and having X's channel count -> ChannelMul;
//     Add(X, ChannelMul(X, S)) -> ChannelMul with residual = 1 (Y = X * S + X).
//  3. Candidates for NHWC storage ([N,H,W,C]) are the outputs of 2-D Convs,
//     up-sampling ConvTransposes (kernel == stride), ChannelMul and
//     "pass-through" nodes: Concat on the channel axis, 2-D MaxPool, 4-D Resize,
//     Cast to float, FakeQuant, Relu / HardSigmoid / Sigmoid, and Add/Sub/Mul/Div
//     of two activations or of an activation and a scalar or per-channel
//     constant (the latter re-shaped to [1,1,1,C]). A candidate is dropped while
//     it is a graph output or has a reader that cannot take NHWC at that input
//     (readers that can: 2-D Conv as X or residual R, up-sampling ConvTranspose
//     as X, ChannelMul as X, GlobalAveragePool, pass-through nodes), and a
//     pass-through node keeps NHWC only if all its activation inputs and its
//     output do (it computes in one layout). Repeated until nothing changes; the
//     survivors get x_layout / r_layout / y_layout = "NHWC" (Conv, ConvTranspose,
//     ChannelMul, GAP) or layout = "NHWC" (pass-through nodes).
//  4. An NHWC MaxPool read only by an NHWC Concat is computed inside the Concat
//     (pool_input + the pool's attributes): PP-HGNet stems no longer write and
//     re-read the pooled map.
// Every other operator keeps seeing NCHW. PPOCR_NHWC=0 disables the pass.
#include <cstdlib>
#include <string>

#include "engine/passes/pass_util.h"
#include "engine/passes/passes.h"

namespace ppocr::engine {
namespace {

using pass::channel_const;
using pass::const_of;

bool conv2d(const Graph& g, const Node& n) {
  if (n.op != "Conv" || n.inputs.size() < 2 || n.outputs.size() != 1) return false;
  const Tensor* w = const_of(g, n.inputs[1]);
  return w && w->rank() == 4;
}

// A 2-D ConvTranspose whose kernel equals its stride (no padding, dilation or
// output padding, one group): the up-sampling of DB heads, which has an NHWC kernel.
bool deconv_up2d(const Graph& g, const Node& n) {
  if (n.op != "ConvTranspose" || n.inputs.size() < 2 || n.outputs.size() != 1) return false;
  const Tensor* w = const_of(g, n.inputs[1]);
  if (!w || w->rank() != 4 || n.attrs.i("group", 1) != 1 || n.attrs.has("output_shape")) return false;
  if (n.attrs.s("auto_pad", "NOTSET") != "NOTSET") return false;
  if (n.attrs.ints("strides", {1, 1}) != std::vector<int64_t>{w->dim(2), w->dim(3)}) return false;
  for (const char* name : {"pads", "output_padding"})
    for (int64_t v : n.attrs.ints(name, {}))
      if (v != 0) return false;
  for (int64_t d : n.attrs.ints("dilations", {}))
    if (d != 1) return false;
  return true;
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

// Add(X, ChannelMul(X, S)) (the residual squeeze-and-excitation of PP-OCRv3's
// RSE neck) -> ChannelMul(X, S) with residual = 1: Y = X * S + X in one pass.
void se_residual_into_channel_mul(Graph& g) {
  const std::vector<int> prod = g.producers();
  const std::vector<int> uses = g.use_counts();
  for (Node& add : g.nodes) {
    if (add.op != "Add" || add.inputs.size() != 2 || add.outputs.size() != 1) continue;
    for (int k = 0; k < 2; ++k) {
      const int x = add.inputs[k], m = add.inputs[1 - k];
      if (x < 0 || m < 0 || prod[m] < 0 || uses[m] != 1) continue;
      Node& cm = g.nodes[prod[m]];
      if (cm.op != "ChannelMul" || cm.inputs[0] != x || cm.attrs.i("residual", 0) != 0) continue;
      cm.attrs.set("residual", int64_t{1});
      cm.outputs[0] = add.outputs[0];
      pass::kill(add);
      break;
    }
  }
  pass::erase_killed(g);
}

// Nodes that compute the same way in NHWC as in NCHW once their inputs and
// output all are NHWC (their kernels read the `layout` attribute).
bool pass_through(const Graph& g, const Node& n) {
  if (n.outputs.size() != 1 || n.inputs.empty()) return false;
  for (int v : n.inputs)
    if (v < 0) return false;
  if (n.op == "Add" || n.op == "Sub" || n.op == "Mul" || n.op == "Div") {
    if (n.inputs.size() != 2) return false;
    int consts = 0;
    for (int v : n.inputs)
      if (g.values[v].is_constant()) {
        ++consts;  // a scalar broadcasts the same in any layout; a per-channel one is re-shaped for NHWC
        if (g.values[v].constant.numel() != 1 && channel_const(g.values[v].constant) < 0) return false;
      }
    return consts < 2;
  }
  if (n.op == "Cast") return n.inputs.size() == 1 && n.attrs.i("to", 0) == 1;  // to FLOAT
  if (n.op == "FakeQuant" || n.op == "Relu" || n.op == "HardSigmoid" || n.op == "Sigmoid")
    return n.inputs.size() == 1;
  if (n.op == "EltwiseChain") {  // X, then 1-D constant channel vectors (the kernel reads `layout`)
    for (size_t k = 1; k < n.inputs.size(); ++k)
      if (!g.values[n.inputs[k]].is_constant()) return false;
    return true;
  }
  if (n.op == "Concat") {
    const int64_t axis = n.attrs.i("axis", 0);
    return axis == 1 || axis == -3;
  }
  if (n.op == "MaxPool")
    return n.inputs.size() == 1 && n.attrs.ints("kernel_shape", {}).size() == 2 &&
           n.attrs.i("storage_order", 0) == 0;
  if (n.op == "Resize") {
    const std::string mode = n.attrs.s("mode", "nearest");
    return !n.attrs.has("axes") && (mode == "nearest" || mode == "linear") &&
           n.attrs.s("coordinate_transformation_mode", "half_pixel") != "tf_crop_and_resize";
  }
  return false;
}

// Whether input k of a pass-through node carries an activation (Resize: X only;
// elementwise ops: the non-constant operands).
bool activation_input(const Graph& g, const Node& n, size_t k) {
  if (k >= n.inputs.size()) return false;
  if (n.op == "Resize") return k == 0;
  return !g.values[n.inputs[k]].is_constant();
}

}  // namespace

void pool_into_concat(Graph& g);

void assign_conv_layouts(Graph& g) {
  const char* env = std::getenv("PPOCR_NHWC");
  if (env && std::string(env) == "0") return;
  std::vector<int> prod = g.producers();
  reduce_mean_to_gap(g, prod);
  se_mul_to_channel_mul(g, prod);
  se_residual_into_channel_mul(g);
  prod = g.producers();

  std::vector<std::vector<std::pair<int, int>>> uses(g.values.size());  // (node, input index)
  for (size_t i = 0; i < g.nodes.size(); ++i)
    for (size_t k = 0; k < g.nodes[i].inputs.size(); ++k)
      if (g.nodes[i].inputs[k] >= 0) uses[g.nodes[i].inputs[k]].push_back({static_cast<int>(i), static_cast<int>(k)});
  std::vector<char> is_output(g.values.size(), 0);
  for (int o : g.outputs) is_output[o] = 1;
  std::vector<char> through(g.nodes.size(), 0);
  for (size_t i = 0; i < g.nodes.size(); ++i) through[i] = pass_through(g, g.nodes[i]);
  auto reader_ok = [&](int ni, int k) {
    const Node& r = g.nodes[ni];
    if (conv2d(g, r)) return k == 0 || k == 3;
    if (deconv_up2d(g, r)) return k == 0;
    if (r.op == "ChannelMul" || r.op == "GlobalAveragePool") return k == 0;
    return through[ni] && activation_input(g, r, static_cast<size_t>(k));
  };

  // Candidate values, then drop until stable.
  std::vector<char> nhwc(g.values.size(), 0);
  for (size_t i = 0; i < g.nodes.size(); ++i) {
    const Node& n = g.nodes[i];
    if (conv2d(g, n) || deconv_up2d(g, n) || n.op == "ChannelMul" || through[i]) nhwc[n.outputs[0]] = 1;
  }
  for (bool changed = true; changed;) {
    changed = false;
    for (size_t v = 0; v < g.values.size(); ++v) {
      if (!nhwc[v]) continue;
      bool ok = !is_output[v] && !uses[v].empty();
      for (auto [ni, k] : uses[v]) ok = ok && reader_ok(ni, k);
      if (!ok) nhwc[v] = 0, changed = true;
    }
    for (size_t i = 0; i < g.nodes.size(); ++i) {
      if (!through[i]) continue;
      const Node& n = g.nodes[i];
      bool all = nhwc[n.outputs[0]];
      for (size_t k = 0; k < n.inputs.size(); ++k) all = all && (!activation_input(g, n, k) || nhwc[n.inputs[k]]);
      if (all) continue;
      if (nhwc[n.outputs[0]]) nhwc[n.outputs[0]] = 0, changed = true;
      for (size_t k = 0; k < n.inputs.size(); ++k)
        if (activation_input(g, n, k) && nhwc[n.inputs[k]]) nhwc[n.inputs[k]] = 0, changed = true;
    }
  }

  for (size_t i = 0; i < g.nodes.size(); ++i) {
    Node& n = g.nodes[i];
    if (through[i]) {
      if (!nhwc[n.outputs[0]]) continue;
      n.attrs.set("layout", std::string("NHWC"));
      for (int& v : n.inputs) {  // per-channel constants [1,C,1,1] -> [1,1,1,C] (same values)
        if (!g.values[v].is_constant()) continue;
        const int64_t ch = channel_const(g.values[v].constant);
        if (ch < 0 || g.values[v].constant.numel() == 1) continue;
        Tensor t = g.values[v].constant.clone();
        t = t.reshaped({1, 1, 1, ch});
        v = g.add_constant(g.values[v].name + "_nhwc", t);
      }
      continue;
    }
    const bool conv_like = conv2d(g, n) || deconv_up2d(g, n) || n.op == "ChannelMul";
    if (conv_like && nhwc[n.outputs[0]]) n.attrs.set("y_layout", std::string("NHWC"));
    if (conv_like || n.op == "GlobalAveragePool")
      for (size_t k = 0; k < n.inputs.size(); ++k) {
        const int v = n.inputs[k];
        if (v < 0 || !nhwc[v] || !reader_ok(static_cast<int>(i), static_cast<int>(k))) continue;
        n.attrs.set(k == 3 ? "r_layout" : "x_layout", std::string("NHWC"));
      }
  }
  pool_into_concat(g);
}

void pool_into_concat(Graph& g) {
  const std::vector<int> prod = g.producers();
  const std::vector<int> uses = g.use_counts();
  for (Node& cat : g.nodes) {
    if (cat.op != "Concat" || cat.attrs.s("layout", "") != "NHWC" || cat.attrs.has("pool_input")) continue;
    for (size_t k = 0; k < cat.inputs.size(); ++k) {
      const int v = cat.inputs[k];
      if (v < 0 || prod[v] < 0 || uses[v] != 1) continue;
      Node& mp = g.nodes[prod[v]];
      if (mp.op != "MaxPool" || mp.attrs.s("layout", "") != "NHWC" || mp.outputs.size() != 1) continue;
      cat.attrs.set("pool_input", static_cast<int64_t>(k));
      for (const char* name : {"kernel_shape", "strides", "pads", "dilations"})
        if (mp.attrs.has(name)) cat.attrs.set(name, mp.attrs.ints(name, {}));
      cat.attrs.set("ceil_mode", mp.attrs.i("ceil_mode", 0));
      if (mp.attrs.has("auto_pad")) cat.attrs.set("auto_pad", mp.attrs.s("auto_pad", "NOTSET"));
      cat.inputs[k] = mp.inputs[0];
      pass::kill(mp);
      break;
    }
  }
  pass::erase_killed(g);
}

}  // namespace ppocr::engine
