#include "modules/common/runner.h"

#include "engine/passes/passes.h"
#include "engine/threads.h"
#include "formats/load.h"

namespace ppocr::modules {

Runner::Runner(const std::string& model_dir, const ModuleOptions& opts,
               const std::function<void(engine::Graph&)>& prepare)
    : dir_(model_dir) {
  engine::ModelOptions mo;
  // Intra-op threads: cpu_threads, at most the CPUs this process may use (inside an OCR pipeline the
  // pipeline's ThreadBudget decides per run instead).
  mo.num_threads = std::max(1, std::min(opts.cpu_threads, engine::available_cpus()));
  mo.fast_kernels = opts.enable_mkldnn;
  // Pipelines see many input shapes (detector image sizes, recogniser widths): keep more primitives than
  // the engine's default so they are not re-created per image (docs/performance.md, "Pipeline").
  mo.cache_capacity = 1024;
  if (opts.mkldnn_cache_capacity) mo.cache_shapes = std::max(0, *opts.mkldnn_cache_capacity);
  if (prepare) {
    formats::ModelFiles f = formats::find_model_files(model_dir);
    engine::Graph g = formats::import_graph(f);
    g.topo_sort();
    g.validate();
    engine::optimize_graph(g);
    g.topo_sort();
    prepare(g);
    engine::ModelOptions done = mo;
    done.optimize = false;  // the passes ran above
    model_ = engine::Model::from_graph(std::move(g), done, formats::format_name(f.format));
  } else {
    model_ = formats::load_model(model_dir, mo);
  }
  PPOCR_CHECK(model_->graph().inputs.size() >= 1, "model ", model_dir, " has no inputs");
  PPOCR_CHECK(!model_->graph().outputs.empty(), "model ", model_dir, " has no outputs");
}

engine::Shape Runner::input_shape() const {
  const auto& g = model_->graph();
  const auto& v = g.values[g.inputs[0]];
  return v.has_shape ? v.shape : engine::Shape{};
}

std::vector<engine::Tensor> Runner::run(const engine::Tensor& input) const {
  return run(std::vector<engine::Tensor>{input});
}

std::vector<engine::Tensor> Runner::run(std::vector<engine::Tensor> inputs) const {
  const auto& g = model_->graph();
  engine::DType want = g.values[g.inputs[0]].dtype;
  if (!inputs.empty() && inputs[0].dtype() != want) inputs[0] = inputs[0].cast(want);
  std::vector<engine::Tensor> outs = model_->run(inputs);
  for (auto& t : outs)
    if (t.dtype() != engine::DType::Float32) t = t.cast(engine::DType::Float32);
  return outs;
}

}  // namespace ppocr::modules
