// Helpers shared by the graph passes: constants, per-channel constants, node
// readers, and removing nodes a rewrite has absorbed.
#pragma once
#include <vector>

#include "engine/graph.h"

namespace ppocr::engine::pass {

// The constant tensor of value `id`, or nullptr (also for id < 0).
const Tensor* const_of(const Graph& g, int id);
// C if t is a per-channel constant of a 4-D NCHW tensor ([1,C,1,1] or [C,1,1]), else -1.
int64_t channel_const(const Tensor& t);

// Readers (node indices) and use counts of each value; rebuild after a rewrite.
struct Uses {
  std::vector<std::vector<int>> consumers;
  std::vector<int> count;  // graph outputs count as a use
  explicit Uses(const Graph& g);
  // The single reader of v when v has exactly one use (and is no graph output), else -1.
  int sole(int v) const { return count[v] == 1 && consumers[v].size() == 1 ? consumers[v][0] : -1; }
};

// Marks n for removal (op "__killed", no inputs or outputs); erase_killed drops the marked nodes.
void kill(Node& n);
void erase_killed(Graph& g);

}  // namespace ppocr::engine::pass
