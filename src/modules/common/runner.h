// Loads a model directory once and runs it on one float32 NCHW tensor,
// converting to/from the graph's input/output dtype (fp16 models). Thread-safe.
#pragma once
#include <memory>
#include <string>
#include <vector>

#include "engine/model.h"
#include "ppocr/modules.h"

namespace ppocr::modules {

class Runner {
 public:
  Runner(const std::string& model_dir, const ModuleOptions& opts);
  // Returns every graph output as float32.
  std::vector<engine::Tensor> run(const engine::Tensor& input) const;
  engine::Tensor run1(const engine::Tensor& input) const { return run(input).at(0); }
  const std::string& dir() const { return dir_; }
  void release_buffers() const { model_->release_buffers(); }
  // The graph input's declared shape (dims -1 when dynamic); empty if unknown.
  engine::Shape input_shape() const;

 private:
  std::string dir_;
  std::shared_ptr<engine::Model> model_;
};

}  // namespace ppocr::modules
