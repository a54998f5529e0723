// Runs a graph: nodes in topological order, each intermediate tensor dropped
// (its buffer back to the pool) right after its last consumer.
#pragma once
#include <vector>

#include "engine/graph.h"
#include "engine/op.h"

namespace ppocr::engine {

struct ExecOptions {
  int num_threads = 1;
  bool fast_kernels = true;
  PrimitiveCache* cache = nullptr;
  BufferPool* pool = nullptr;
};

std::vector<Tensor> execute(const Graph& g, const std::vector<Tensor>& inputs,
                            const ExecOptions& opts);

// Runs one node on given inputs (used by constant folding and tests).
std::vector<Tensor> run_node(const Node& n, const std::vector<const Tensor*>& inputs,
                             const ExecOptions& opts);

}  // namespace ppocr::engine
