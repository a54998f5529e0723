// Robustness of the compute kernels (runs in the sanitizer build too): bad
// shapes and attributes end in ppocr::Error for both kernel sets, and one Model
// runs correctly from several threads at once (shared primitive cache).
#include <thread>

#include "engine/model.h"
#include "kernels/kernel_test_util.h"

using namespace kt;

TEST(KernelsRobust, BadAttributesAndShapes) {
  Tensor x = rnd({1, 4, 6, 6}, 1), w = rnd({4, 4, 3, 3}, 2);
  for (bool fast : {false, true}) {
    SCOPED_TRACE(fast ? "fast" : "reference");
    Attrs s0;
    s0.set("strides", std::vector<int64_t>{0, 1});
    EXPECT_THROW(run("Conv", s0, {x, w}, fast), ppocr::Error);
    Attrs d0;
    d0.set("dilations", std::vector<int64_t>{1, -1});
    EXPECT_THROW(run("Conv", d0, {x, w}, fast), ppocr::Error);
    Attrs neg;
    neg.set("pads", std::vector<int64_t>{-1, 0, 0, 0});
    EXPECT_THROW(run("Conv", neg, {x, w}, fast), ppocr::Error);
    Attrs ap;
    ap.set("auto_pad", std::string("SAME_MIDDLE"));
    EXPECT_THROW(run("Conv", ap, {x, w}, fast), ppocr::Error);
    Attrs lay;
    lay.set("x_layout", std::string("NCWH"));
    EXPECT_THROW(run("Conv", lay, {x, w}, fast), ppocr::Error);
    EXPECT_THROW(run("Conv", {}, {rnd({4, 6, 6}, 3), w}, fast), ppocr::Error);
    EXPECT_THROW(run("Conv", {}, {Tensor::from_vector<int64_t>({1, 1, 1, 1}, {1}), rnd({1, 1, 1, 1}, 3)}, fast),
                 ppocr::Error);
    Attrs ks;
    ks.set("kernel_shape", std::vector<int64_t>{5, 5});
    EXPECT_THROW(run("Conv", ks, {x, w}, fast), ppocr::Error);
    EXPECT_THROW(run("MaxPool", {}, {x}, fast), ppocr::Error);  // kernel_shape required
    Attrs big;
    big.set("kernel_shape", std::vector<int64_t>{9, 9});
    EXPECT_THROW(run("AveragePool", big, {x}, fast), ppocr::Error);
    Attrs opad;
    opad.set("output_shape", std::vector<int64_t>{100, 100});
    EXPECT_THROW(run("ConvTranspose", opad, {x, w}, fast), ppocr::Error);
    EXPECT_THROW(run("Gemm", {}, {rnd({2, 3, 4}, 1), rnd({4, 2}, 2)}, fast), ppocr::Error);
    EXPECT_THROW(run("MatMul", {}, {Tensor(DType::Float32, Shape{}), rnd({2}, 2)}, fast), ppocr::Error);
    EXPECT_THROW(run("BatchNormalization", {}, {x, rnd({4}, 1), rnd({4}, 1), rnd({4}, 1)}, fast), ppocr::Error);
    EXPECT_THROW(run("ChannelMul", {}, {x, rnd({1, 3, 1, 1}, 1)}, fast), ppocr::Error);
  }
}

TEST(KernelsRobust, ConcurrentRunsShareTheCache) {
  Graph g;
  int x = g.add_value("x");
  g.inputs = {x};
  int y = g.add_value("y"), z = g.add_value("z");
  Node& c1 = g.add_node("Conv", "c1", {x, g.add_constant("w1", rnd({16, 8, 3, 3}, 1)), g.add_constant("b1", rnd({16}, 2))}, {y});
  c1.attrs.set("pads", std::vector<int64_t>{1, 1, 1, 1});
  c1.attrs.set("activation", std::string("Relu"));
  Node& c2 = g.add_node("Conv", "c2", {y, g.add_constant("w2", rnd({16, 1, 3, 3}, 3))}, {z});
  c2.attrs.set("pads", std::vector<int64_t>{1, 1, 1, 1});
  c2.attrs.set("group", int64_t(16));
  g.outputs = {z};
  ModelOptions ref;
  ref.fast_kernels = false;
  std::vector<Tensor> inputs;
  std::vector<Tensor> want;
  for (int i = 0; i < 4; ++i) {
    inputs.push_back(rnd({1, 8, 10 + i, 12}, 10 + i));  // different shapes: different cache entries
    want.push_back(Model::from_graph(g, ref)->run(std::vector<Tensor>{inputs.back()})[0]);
  }
  ModelOptions fast;
  fast.cache_capacity = 3;  // smaller than the number of shapes: entries get evicted while in use
  auto model = Model::from_graph(g, fast);
  std::vector<std::vector<Tensor>> got(4);
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t)
    threads.emplace_back([&, t] {
      for (int r = 0; r < 5; ++r) got[t].push_back(model->run(std::vector<Tensor>{inputs[(t + r) % 4]})[0]);
    });
  for (auto& th : threads) th.join();
  for (int t = 0; t < 4; ++t)
    for (int r = 0; r < 5; ++r) expect_close(got[t][r], want[(t + r) % 4], 1e-4f, 1e-4f);
}
