// assign_conv_layouts: tensors that only flow from one 2-D Conv into other 2-D
// Convs (as input X or residual R) are kept in NHWC, the layout oneDNN's
// convolutions run in, instead of being reordered NCHW -> NHWC -> NCHW around
// every Conv. The Conv attributes x_layout / r_layout / y_layout = "NHWC" say
// which of its tensors are stored [N,H,W,C] (docs/engine.md). Every other
// operator keeps seeing NCHW. PPOCR_NHWC=0 disables the pass (experiments).
#include <cstdlib>
#include <string>

#include "engine/passes/passes.h"

namespace ppocr::engine {

static bool conv2d(const Graph& g, const Node& n) {
  if (n.op != "Conv" || n.inputs.size() < 2 || n.outputs.size() != 1 || n.inputs[1] < 0) return false;
  const Value& w = g.values[n.inputs[1]];
  return w.is_constant() && w.constant.rank() == 4;
}

void assign_conv_layouts(Graph& g) {
  const char* env = std::getenv("PPOCR_NHWC");
  if (env && std::string(env) == "0") return;
  std::vector<std::vector<std::pair<int, int>>> uses(g.values.size());  // (node, input index)
  for (size_t i = 0; i < g.nodes.size(); ++i)
    for (size_t k = 0; k < g.nodes[i].inputs.size(); ++k)
      if (g.nodes[i].inputs[k] >= 0) uses[g.nodes[i].inputs[k]].push_back({static_cast<int>(i), static_cast<int>(k)});
  std::vector<char> is_output(g.values.size(), 0);
  for (int o : g.outputs) is_output[o] = 1;
  for (Node& p : g.nodes) {
    if (!conv2d(g, p)) continue;
    const int v = p.outputs[0];
    if (is_output[v] || uses[v].empty()) continue;
    bool ok = true;
    for (auto [ni, k] : uses[v])
      if (!conv2d(g, g.nodes[ni]) || (k != 0 && k != 3)) ok = false;
    if (!ok) continue;
    p.attrs.set("y_layout", std::string("NHWC"));
    for (auto [ni, k] : uses[v]) g.nodes[ni].attrs.set(k == 0 ? "x_layout" : "r_layout", std::string("NHWC"));
  }
}

}  // namespace ppocr::engine
