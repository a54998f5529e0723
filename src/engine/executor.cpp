#include "engine/executor.h"

#include <omp.h>

#include <chrono>

#include "engine/profile.h"

namespace ppocr::engine {

static const OpDef& def_of(const Node& n) {
  const OpDef* d = OpRegistry::get().find(n.op);
  if (!d) fail("node '", n.name, "': operator '", n.op, "' is not supported");
  return *d;
}

static void run_kernel(const OpDef& def, KernelContext& ctx, bool fast) {
  const KernelFn& fn = (fast && def.fast) ? def.fast : def.reference;
  if (!fn) ctx.error("no kernel");
  fn(ctx);
  for (size_t i = 0; i < ctx.outputs.size(); ++i)
    if (ctx.outputs[i].empty()) ctx.error("kernel produced no output " + std::to_string(i));
}

std::vector<Tensor> run_node(const Node& n, const std::vector<const Tensor*>& inputs,
                             const ExecOptions& opts) {
  KernelContext ctx{n, inputs, std::vector<Tensor>(n.outputs.size()), opts.pool, opts.cache,
                    opts.num_threads};
  run_kernel(def_of(n), ctx, opts.fast_kernels);
  return std::move(ctx.outputs);
}

std::vector<Tensor> execute(const Graph& g, const std::vector<Tensor>& inputs, const ExecOptions& opts) {
  if (inputs.size() != g.inputs.size())
    fail("model takes ", g.inputs.size(), " input(s), got ", inputs.size());
  const int saved_threads = omp_get_max_threads();
  omp_set_num_threads(opts.num_threads > 0 ? opts.num_threads : 1);
  struct Restore {
    int n;
    ~Restore() { omp_set_num_threads(n); }
  } restore{saved_threads};

  std::vector<Tensor> vals(g.values.size());
  std::vector<int> uses = g.use_counts();
  for (size_t i = 0; i < inputs.size(); ++i) {
    const Value& v = g.values[g.inputs[i]];
    const Tensor& t = inputs[i];
    if (t.empty()) fail("input '", v.name, "' is empty");
    Tensor in = t;
    if (t.dtype() != v.dtype) {
      if (v.dtype == DType::Float32 && t.dtype() == DType::Float16) in = t.cast(DType::Float32);
      else fail("input '", v.name, "' must be ", dtype_name(v.dtype), ", got ", t.desc());
    }
    if (v.has_shape) {
      if (static_cast<size_t>(t.rank()) != v.shape.size())
        fail("input '", v.name, "' must have rank ", v.shape.size(), " (", shape_str(v.shape), "), got ",
             t.desc());
      for (int d = 0; d < t.rank(); ++d)
        if (v.shape[d] >= 0 && v.shape[d] != t.dim(d))
          fail("input '", v.name, "' must have shape ", shape_str(v.shape), " (-1 = any), got ", t.desc());
    }
    vals[g.inputs[i]] = in;
  }
  for (size_t i = 0; i < g.values.size(); ++i)
    if (g.values[i].is_constant()) vals[i] = g.values[i].constant;

  for (const Node& n : g.nodes) {
    const OpDef& def = def_of(n);
    KernelContext ctx{n, {}, std::vector<Tensor>(n.outputs.size()), opts.pool, opts.cache,
                      opts.num_threads};
    ctx.graph = &g;
    ctx.inputs.reserve(n.inputs.size());
    for (int id : n.inputs) {
      if (id < 0) {
        ctx.inputs.push_back(nullptr);
        continue;
      }
      if (vals[id].empty()) fail("node '", n.name, "': input '", g.values[id].name, "' has no value");
      ctx.inputs.push_back(&vals[id]);
    }
    if (profile_level() > 0) {
      auto t0 = std::chrono::steady_clock::now();
      const double c0 = thread_cpu_ms();
      run_kernel(def, ctx, opts.fast_kernels);
      profile_record(ctx, std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count(),
                     thread_cpu_ms() - c0);
    } else {
      run_kernel(def, ctx, opts.fast_kernels);
    }
    for (size_t k = 0; k < n.outputs.size(); ++k) vals[n.outputs[k]] = std::move(ctx.outputs[k]);
    // Drop inputs whose last consumer this was (constants stay in the graph).
    for (int id : n.inputs)
      if (id >= 0 && --uses[id] == 0 && !g.values[id].is_constant()) vals[id] = Tensor();
    for (int id : n.outputs)
      if (uses[id] == 0) vals[id] = Tensor();
  }
  std::vector<Tensor> out;
  for (int o : g.outputs) {
    if (vals[o].empty()) fail("output '", g.values[o].name, "' was not computed");
    out.push_back(vals[o]);
  }
  return out;
}

}  // namespace ppocr::engine
