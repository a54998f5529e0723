#include "engine/model.h"

#include "engine/executor.h"
#include "engine/passes/passes.h"

namespace ppocr::engine {

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
  m->cache_ = std::make_unique<PrimitiveCache>(opts.cache_capacity);
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
  std::shared_ptr<BufferPool> pool;
  {
    std::lock_guard<std::mutex> lk(pools_mu_);
    if (!idle_pools_.empty()) {
      pool = std::move(idle_pools_.back());
      idle_pools_.pop_back();
    }
  }
  if (!pool) pool = BufferPool::create(size_t(256) << 20);  // idle memory kept per pool
  struct GiveBack {
    const Model* m;
    std::shared_ptr<BufferPool>& p;
    ~GiveBack() {
      std::lock_guard<std::mutex> lk(m->pools_mu_);
      if (m->idle_pools_.size() < 8) m->idle_pools_.push_back(std::move(p));
    }
  } give_back{this, pool};
  ExecOptions eo;
  eo.num_threads = opts_.num_threads;
  eo.fast_kernels = opts_.fast_kernels;
  eo.cache = cache_.get();
  eo.pool = pool.get();
  return execute(graph_, inputs, eo);
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
