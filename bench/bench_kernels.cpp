// Google Benchmark of single Conv / ConvTranspose nodes with shapes from PP-OCR
// detectors (one-node models, so primitives and packed weights are cached as in
// real runs; the graph passes do not run, so layouts are as given).
//   build/bench/bench_kernels --benchmark_filter=Conv
//   build/bench/bench_kernels --benchmark_filter=ConvTranspose
#include <benchmark/benchmark.h>

#include <random>

#include "engine/model.h"

using namespace ppocr::engine;

namespace {

Tensor rnd(const Shape& s, uint32_t seed) {
  Tensor t(DType::Float32, s);
  std::mt19937 g(seed);
  std::uniform_real_distribution<float> d(-1.f, 1.f);
  for (int64_t i = 0; i < t.numel(); ++i) t.data<float>()[i] = d(g);
  return t;
}

// args: C_in, C_out, H, W, k, stride, group, fast, threads
void BM_Conv(benchmark::State& st) {
  const int64_t ci = st.range(0), co = st.range(1), h = st.range(2), w = st.range(3), k = st.range(4),
                s = st.range(5), group = st.range(6);
  Graph g;
  int x = g.add_value("x");
  g.inputs = {x};
  int wt = g.add_constant("w", rnd({co, ci / group, k, k}, 1));
  int b = g.add_constant("b", rnd({co}, 2));
  int y = g.add_value("y");
  Node& n = g.add_node("Conv", "conv", {x, wt, b}, {y});
  n.attrs.set("pads", std::vector<int64_t>(4, k / 2));
  n.attrs.set("strides", std::vector<int64_t>{s, s});
  n.attrs.set("group", group);
  n.attrs.set("activation", std::string("Relu"));
  g.outputs = {y};
  ModelOptions o;
  o.fast_kernels = st.range(7) != 0;
  o.num_threads = static_cast<int>(st.range(8));
  auto m = Model::from_graph(g, o);
  std::vector<Tensor> in{rnd({1, ci, h, w}, 3)};
  m->run(in);
  for (auto _ : st) benchmark::DoNotOptimize(m->run(in));
  const double flops = 2.0 * co * (ci / group) * k * k * (h / s) * (w / s);
  st.counters["GFLOPS"] = benchmark::Counter(flops, benchmark::Counter::kIsIterationInvariantRate, benchmark::Counter::kIs1000);
}

void conv_shapes(benchmark::internal::Benchmark* b) {
  for (int fast : {1, 0})
    for (auto v : std::vector<std::vector<int64_t>>{{3, 16, 640, 416, 3, 2, 1},
                                                    {32, 64, 160, 104, 1, 1, 1},
                                                    {64, 64, 160, 104, 3, 1, 64},
                                                    {64, 64, 160, 104, 5, 1, 64},
                                                    {64, 16, 160, 104, 3, 1, 1},
                                                    {160, 320, 20, 13, 1, 1, 1}}) {
      v.push_back(fast);
      v.push_back(1);
      b->Args(v);
    }
}

// DB-head up-sampling: ConvTranspose 2x2 stride 2 + activation (+ a GlobalAveragePool reading it).
// args: C_in, C_out, H, W, x NHWC, y NHWC, sigmoid (else Relu)
void BM_ConvTranspose(benchmark::State& st) {
  const int64_t ci = st.range(0), co = st.range(1), h = st.range(2), w = st.range(3);
  const bool xn = st.range(4) != 0, yn = st.range(5) != 0;
  Graph g;
  int x = g.add_value("x");
  g.inputs = {x};
  int wt = g.add_constant("w", rnd({ci, co, 2, 2}, 1));
  int b = g.add_constant("b", rnd({co}, 2));
  int y = g.add_value("y");
  Node& n = g.add_node("ConvTranspose", "deconv", {x, wt, b}, {y});
  n.attrs.set("strides", std::vector<int64_t>{2, 2});
  n.attrs.set("activation", std::string(st.range(6) ? "Sigmoid" : "Relu"));
  if (xn) n.attrs.set("x_layout", std::string("NHWC"));
  if (yn) n.attrs.set("y_layout", std::string("NHWC"));
  // A small reader, so that Y is an intermediate from the run's buffer pool as in a real head.
  int z = g.add_value("z");
  g.add_node("GlobalAveragePool", "gap", {y}, {z}).attrs.set("x_layout", std::string(yn ? "NHWC" : "NCHW"));
  g.outputs = {z};
  ModelOptions o;
  o.optimize = false;  // keep the layouts given here
  o.num_threads = 1;
  auto m = Model::from_graph(g, o);
  std::vector<Tensor> in{rnd(xn ? Shape{1, h, w, ci} : Shape{1, ci, h, w}, 3)};
  m->run(in);
  for (auto _ : st) benchmark::DoNotOptimize(m->run(in));
}

}  // namespace

BENCHMARK(BM_ConvTranspose)
    ->Args({16, 16, 160, 104, 0, 0, 0})
    ->Args({16, 16, 160, 104, 1, 1, 0})
    ->Args({16, 16, 160, 104, 1, 0, 0})
    ->Args({16, 1, 320, 208, 0, 0, 1})
    ->Args({16, 1, 320, 208, 1, 0, 1})
    ->Args({24, 24, 160, 104, 0, 0, 0})
    ->Args({24, 24, 160, 104, 1, 1, 0})
    ->Args({24, 1, 320, 208, 0, 0, 1})
    ->Args({24, 1, 320, 208, 1, 0, 1})
    ->Unit(benchmark::kMillisecond)
    ->MinTime(0.2);
BENCHMARK(BM_Conv)->Apply(conv_shapes)->Unit(benchmark::kMillisecond)->MinTime(0.2);
BENCHMARK_MAIN();
