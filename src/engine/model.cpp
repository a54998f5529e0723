#include "engine/model.h"

#include <algorithm>
#include <chrono>
#include <limits>

#include "engine/executor.h"
#include "engine/passes/passes.h"
#include "engine/threads.h"

namespace ppocr::engine {

static uint64_t now_ms() {
  using namespace std::chrono;
  return static_cast<uint64_t>(duration_cast<milliseconds>(steady_clock::now().time_since_epoch()).count()) + 1;
}

size_t cache_shapes_capacity(const Graph& g, int shapes) {
  if (shapes <= 0) return std::numeric_limits<size_t>::max();
  size_t nodes = 0;
  for (const Node& n : g.nodes)
    nodes += n.op == "Conv" || n.op == "ConvTranspose" || n.op == "MatMul" || n.op == "Gemm" || n.op == "MaxPool" ||
             n.op == "AveragePool";
  return std::max<size_t>(1, nodes * (size_t(shapes) + 2));
}

std::shared_ptr<Model> Model::from_graph(Graph g, const ModelOptions& opts, const std::string& format) {
  g.topo_sort();
  g.validate();
  if (opts.optimize) optimize_graph(g);
  else g.remove_dead();
  g.topo_sort();
  g.validate();
  std::shared_ptr<Model> m(new Model());
  m->graph_ = std::move(g);
  m->format_ = format;
  m->opts_ = opts;
  if (opts.cache_shapes >= 0) m->opts_.cache_capacity = cache_shapes_capacity(m->graph_, opts.cache_shapes);
  m->cache_ = std::make_unique<PrimitiveCache>(m->opts_.cache_capacity);
  return m;
}

std::vector<std::string> Model::input_names() const {
  std::vector<std::string> v;
  for (int i : graph_.inputs) v.push_back(graph_.values[i].name);
  return v;
}

std::vector<std::string> Model::output_names() const {
  std::vector<std::string> v;
  for (int i : graph_.outputs) v.push_back(graph_.values[i].name);
  return v;
}

std::vector<Tensor> Model::run(const std::vector<Tensor>& inputs) const {
  // Each concurrent call takes its own buffer pool; buffers are recycled within
  // the call as intermediates die, and across calls through the idle pools.
  // Blocks that no recent run used are freed when a run ends, so that a server
  // seeing inputs of many sizes holds the recent working set, not every size seen.
  std::shared_ptr<BufferPool> pool;
  {
    std::lock_guard<std::mutex> lk(pools_mu_);
    if (!idle_pools_.empty()) {
      pool = std::move(idle_pools_.back());
      idle_pools_.pop_back();
    }
  }
  if (!pool) pool = BufferPool::create(size_t(256) << 20);  // idle memory kept per pool
  pool->set_tick(now_ms());  // blocks returned in this run are stamped with its start
  struct GiveBack {
    const Model* m;
    std::shared_ptr<BufferPool>& p;
    ~GiveBack() {
      std::vector<std::shared_ptr<BufferPool>> idle;
      {
        std::lock_guard<std::mutex> lk(m->pools_mu_);
        if (m->idle_pools_.size() < 8) m->idle_pools_.push_back(std::move(p));
        idle = m->idle_pools_;
      }
      const int keep = m->opts_.pool_keep_ms;
      const uint64_t now = now_ms();
      if (keep < 0 || now <= static_cast<uint64_t>(keep)) return;
      for (auto& q : idle) q->trim(now - keep);  // outside the lock: pools are thread-safe
    }
  } give_back{this, pool};
  ExecOptions eo;
  eo.num_threads = run_threads(opts_.num_threads);  // a ThreadBudget's share when the caller is inside one
  eo.fast_kernels = opts_.fast_kernels;
  eo.cache = cache_.get();
  eo.pool = pool.get();
  return execute(graph_, inputs, eo);
}

size_t Model::cached_bytes() const {
  std::lock_guard<std::mutex> lk(pools_mu_);
  size_t n = 0;
  for (auto& p : idle_pools_) n += p->cached_bytes();
  return n;
}

void Model::release_buffers() const {
  std::vector<std::shared_ptr<BufferPool>> idle;
  {
    std::lock_guard<std::mutex> lk(pools_mu_);
    idle.swap(idle_pools_);
  }
  // The pools (and their blocks) go here, outside the lock; tensors still holding
  // a block of one free it themselves (their pool reference is weak).
}

std::map<std::string, Tensor> Model::run(const std::map<std::string, Tensor>& inputs) const {
  std::vector<Tensor> in;
  for (int id : graph_.inputs) {
    auto it = inputs.find(graph_.values[id].name);
    if (it == inputs.end()) fail("missing model input '", graph_.values[id].name, "'");
    in.push_back(it->second);
  }
  auto out = run(in);
  std::map<std::string, Tensor> m;
  for (size_t i = 0; i < out.size(); ++i) m[graph_.values[graph_.outputs[i]].name] = out[i];
  return m;
}

}  // namespace ppocr::engine
