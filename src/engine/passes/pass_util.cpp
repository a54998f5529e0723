#include "engine/passes/pass_util.h"

#include <algorithm>

namespace ppocr::engine::pass {

namespace {
constexpr const char* kKilled = "__killed";
}

const Tensor* const_of(const Graph& g, int id) {
  return id >= 0 && g.values[id].is_constant() ? &g.values[id].constant : nullptr;
}

int64_t channel_const(const Tensor& t) {
  const Shape& s = t.shape();
  if (s.size() == 4 && s[0] == 1 && s[2] == 1 && s[3] == 1) return s[1];
  if (s.size() == 3 && s[1] == 1 && s[2] == 1) return s[0];
  return -1;
}

Uses::Uses(const Graph& g) : consumers(g.values.size()), count(g.use_counts()) {
  for (size_t i = 0; i < g.nodes.size(); ++i)
    for (int in : g.nodes[i].inputs)
      if (in >= 0) consumers[in].push_back(static_cast<int>(i));
}

void kill(Node& n) {
  n.op = kKilled;
  n.inputs.clear();
  n.outputs.clear();
}

void erase_killed(Graph& g) {
  g.nodes.erase(std::remove_if(g.nodes.begin(), g.nodes.end(), [](const Node& n) { return n.op == kKilled; }),
                g.nodes.end());
}

}  // namespace ppocr::engine::pass
