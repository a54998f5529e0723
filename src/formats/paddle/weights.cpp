// Weight providers: the .pdiparams file, or generated weights for weight-less graphs.
#include <cmath>

#include "formats/paddle/paddle_import.h"
#include "formats/paddle/pdiparams.h"

namespace ppocr::formats::paddle {

using engine::DType;
using engine::Tensor;

// Checks the records against the specs (count, shape; dtype converted).
static std::vector<Tensor> match(std::vector<Tensor> w, const std::vector<ParamSpec>& specs, const std::string& file) {
  if (w.size() != specs.size())
    fail(file, ": holds ", w.size(), " tensors but the program declares ", specs.size(), " parameters");
  for (size_t i = 0; i < specs.size(); ++i) {
    const ParamSpec& s = specs[i];
    bool ok = w[i].shape() == s.shape;
    if (!ok && !s.shape.empty() && w[i].numel() == engine::shape_numel(s.shape)) {
      w[i] = w[i].reshaped(s.shape);  // e.g. [] vs [1]
      ok = true;
    }
    if (!ok)
      fail(file, ": record ", i, " (parameter ", s.name, ") has shape ", engine::shape_str(w[i].shape()),
           " but the program declares ", engine::shape_str(s.shape));
    if (w[i].dtype() != s.dtype) w[i] = w[i].cast(s.dtype);
  }
  return w;
}

WeightProvider weights_from_file(const std::string& file) {
  return [file](const std::vector<ParamSpec>& specs) { return match(read_pdiparams(file), specs, file); };
}

WeightProvider weights_from_tensors(std::vector<Tensor> tensors, const std::string& label) {
  return [tensors, label](const std::vector<ParamSpec>& specs) { return match(tensors, specs, label); };
}

WeightProvider generated_weights(uint64_t seed) {
  return [seed](const std::vector<ParamSpec>& specs) {
    uint64_t state = seed * 0x9E3779B97F4A7C15ull + 1;
    auto next = [&state]() {  // splitmix64 -> [0, 1)
      uint64_t z = (state += 0x9E3779B97F4A7C15ull);
      z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
      z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
      z ^= z >> 31;
      return static_cast<double>(z >> 11) / 9007199254740992.0;
    };
    std::vector<Tensor> out;
    for (const ParamSpec& s : specs) {
      for (int64_t d : s.shape)
        if (d < 0) fail("parameter ", s.name, " has a dynamic shape ", engine::shape_str(s.shape));
      Tensor t(DType::Float32, s.shape);
      int64_t n = t.numel();
      float* p = t.data<float>();
      if (s.shape.size() >= 2) {
        double fan_in = static_cast<double>(n) / static_cast<double>(s.shape[0]);
        double a = 1.0 / std::sqrt(std::max(fan_in, 1.0));
        for (int64_t i = 0; i < n; ++i) p[i] = static_cast<float>((2 * next() - 1) * a);
      } else {
        for (int64_t i = 0; i < n; ++i) p[i] = static_cast<float>(0.5 + next());
      }
      out.push_back(s.dtype == DType::Float32 ? t : t.cast(s.dtype));
    }
    return out;
  };
}

}  // namespace ppocr::formats::paddle
