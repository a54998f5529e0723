// Model: an optimised graph ready to run. Immutable after creation; run() is
// thread-safe and may be called from many threads at once (each call has its
// own intermediate buffers; oneDNN primitives are shared through a bounded cache).
#pragma once
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "engine/graph.h"
#include "engine/op.h"

namespace ppocr::engine {

struct ModelOptions {
  int num_threads = 1;          // intra-op threads per run() call
  bool fast_kernels = true;     // false: plain C++ reference kernels only (--enable_mkldnn False)
  bool optimize = true;         // graph passes (folding, fusion)
  size_t cache_capacity = 1024;  // oneDNN primitive cache entries (per model)
  // Paddle's mkldnn_cache_capacity, counted in input shapes: when >= 0 it
  // replaces cache_capacity with room for that many shapes' primitives
  // (cache_shapes_capacity(); 0 = no bound). < 0: cache_capacity as set.
  int cache_shapes = -1;
  // When a run ends, cached intermediate buffers that no run of this model has used
  // for pool_keep_ms milliseconds are given back to the system (< 0: kept, up to
  // the pools' cap of 256 MB each).
  int pool_keep_ms = 2000;
};

struct RunStats {
  double ms = 0;
};

// The primitive cache capacity for `shapes` input shapes of graph g: each node
// whose fast kernel caches oneDNN objects (Conv, ConvTranspose, MatMul, Gemm,
// pooling) may hold its packed weights, a primitive per shape and a chunked
// one, so shapes + 2 entries per such node (at least 1). 0 shapes = no bound.
size_t cache_shapes_capacity(const Graph& g, int shapes);

class Model {
 public:
  // Takes an imported graph, validates it and runs the passes.
  static std::shared_ptr<Model> from_graph(Graph g, const ModelOptions& opts = {},
                                           const std::string& format = "graph");
  const Graph& graph() const { return graph_; }
  const std::string& format() const { return format_; }
  const ModelOptions& options() const { return opts_; }
  std::vector<std::string> input_names() const;
  std::vector<std::string> output_names() const;

  // Inputs in graph-input order; outputs in graph-output order.
  std::vector<Tensor> run(const std::vector<Tensor>& inputs) const;
  std::map<std::string, Tensor> run(const std::map<std::string, Tensor>& inputs) const;
  // Bytes of freed intermediate buffers that the idle runs' pools keep for reuse.
  size_t cached_bytes() const;
  // Frees those buffers now (runs in progress keep theirs); later runs make them again.
  void release_buffers() const;

 private:
  Model() = default;
  Graph graph_;
  std::string format_;
  ModelOptions opts_;
  std::unique_ptr<PrimitiveCache> cache_;
  // Buffer pools of finished calls, reused by the next ones (one per concurrent call).
  mutable std::mutex pools_mu_;
  mutable std::vector<std::shared_ptr<BufferPool>> idle_pools_;
};

}  // namespace ppocr::engine
