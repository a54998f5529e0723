// Loads a model directory once and runs it on one float32 NCHW tensor,
// converting to/from the graph's input/output dtype (fp16 models). Thread-safe.
#pragma once
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "engine/model.h"
#include "ppocr/modules.h"

namespace ppocr::modules {

class Runner {
 public:
  // `prepare`, when given, may rewrite the graph after the engine's passes
  // and before the model is made (e.g. engine::WidthPadding::attach).
  Runner(const std::string& model_dir, const ModuleOptions& opts,
         const std::function<void(engine::Graph&)>& prepare = {});
  // Returns every graph output as float32.
  std::vector<engine::Tensor> run(const engine::Tensor& input) const;
  engine::Tensor run1(const engine::Tensor& input) const { return run(input).at(0); }
  // Inputs in graph order (input 0 is converted to the graph's dtype).
  std::vector<engine::Tensor> run(std::vector<engine::Tensor> inputs) const;
  const std::string& dir() const { return dir_; }
  void release_buffers() const { model_->release_buffers(); }
  // The graph input's declared shape (dims -1 when dynamic); empty if unknown.
  engine::Shape input_shape() const;

 private:
  std::string dir_;
  std::shared_ptr<engine::Model> model_;
};

}  // namespace ppocr::modules
