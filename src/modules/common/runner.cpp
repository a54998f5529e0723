#include "modules/common/runner.h"

#include "formats/load.h"

namespace ppocr::modules {

Runner::Runner(const std::string& model_dir, const ModuleOptions& opts) : dir_(model_dir) {
  engine::ModelOptions mo;
  mo.num_threads = std::max(1, opts.cpu_threads);
  mo.fast_kernels = opts.enable_mkldnn;
  // Pipelines see many input shapes (detector image sizes, recogniser widths): keep more primitives than
  // the engine's default so they are not re-created per image (docs/performance.md, "Pipeline").
  mo.cache_capacity = 1024;
  if (opts.mkldnn_cache_capacity) mo.cache_shapes = std::max(0, *opts.mkldnn_cache_capacity);
  model_ = formats::load_model(model_dir, mo);
  PPOCR_CHECK(model_->graph().inputs.size() >= 1, "model ", model_dir, " has no inputs");
  PPOCR_CHECK(!model_->graph().outputs.empty(), "model ", model_dir, " has no outputs");
}

engine::Shape Runner::input_shape() const {
  const auto& g = model_->graph();
  const auto& v = g.values[g.inputs[0]];
  return v.has_shape ? v.shape : engine::Shape{};
}

std::vector<engine::Tensor> Runner::run(const engine::Tensor& input) const {
  const auto& g = model_->graph();
  engine::DType want = g.values[g.inputs[0]].dtype;
  std::vector<engine::Tensor> outs = model_->run({input.dtype() == want ? input : input.cast(want)});
  for (auto& t : outs)
    if (t.dtype() != engine::DType::Float32) t = t.cast(engine::DType::Float32);
  return outs;
}

}  // namespace ppocr::modules
