// shape_change MODEL_DIR C H W0 W1 STEP [THREADS [PASSES]]: runs the model on 1xCxHxW for W = W0, W0+STEP, ..., W1,
// twice over, and prints the median time of a run on a width not seen before (oneDNN primitives created)
// and of a run on a width already seen (primitives cached): the cost of a new input shape, which the
// recognition stage of the pipeline pays for each distinct crop width.
#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <iostream>
#include <vector>

#include "engine/model.h"
#include "formats/load.h"

using namespace ppocr;

static double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v.empty() ? 0 : v[v.size() / 2];
}

int main(int argc, char** argv) {
  if (argc < 7) {
    std::cerr << "usage: shape_change MODEL_DIR C H W0 W1 STEP [THREADS [PASSES]]\n";
    return 2;
  }
  try {
    engine::ModelOptions o;
    o.num_threads = argc > 7 ? std::atoi(argv[7]) : 1;
    o.cache_capacity = 100000;
    const int passes = argc > 8 ? std::max(1, std::atoi(argv[8])) : 4;
    auto m = formats::load_model(argv[1], o);
    const int C = std::atoi(argv[2]), H = std::atoi(argv[3]), W0 = std::atoi(argv[4]), W1 = std::atoi(argv[5]),
              step = std::max(1, std::atoi(argv[6]));
    std::vector<std::vector<double>> ms_of(passes);
    for (int pass = 0; pass < passes; ++pass)
      for (int w = W0; w <= W1; w += step) {
        engine::Tensor x(engine::DType::Float32, {1, C, H, w});
        float* p = x.data<float>();
        for (int64_t i = 0; i < x.numel(); ++i) p[i] = float((i * 7919) % 255) / 255.f - 0.5f;
        auto t0 = std::chrono::steady_clock::now();
        m->run({x});
        double ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
        ms_of[pass].push_back(ms);
      }
    std::cout << ms_of[0].size() << " widths, median ms per run in pass";
    for (int pass = 0; pass < passes; ++pass) std::cout << ' ' << pass + 1 << ": " << median(ms_of[pass]);
    std::cout << '\n';
  } catch (const std::exception& e) {
    std::cerr << "error: " << e.what() << "\n";
    return 1;
  }
}
