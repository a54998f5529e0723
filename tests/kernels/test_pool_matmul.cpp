// Pooling, BatchNormalization, MatMul, Gemm: known answers, semantics checked
// against naive loops written here, fast vs reference, errors.
#include "kernel_test_util.h"

using namespace kt;

TEST(MaxPool, CeilModeAndIndices) {
  Attrs a;
  a.set("kernel_shape", std::vector<int64_t>{3, 3});
  a.set("strides", std::vector<int64_t>{2, 2});
  a.set("ceil_mode", int64_t(1));
  Tensor x = iota({1, 1, 4, 4}, 1.f);
  for (bool fast : {false, true})
    expect_close(run("MaxPool", a, {x}, fast)[0], Tensor::from_vector<float>({1, 1, 2, 2}, {11, 12, 15, 16}));
  a.set("ceil_mode", int64_t(0));
  expect_close(run("MaxPool", a, {x}, true)[0], Tensor::from_vector<float>({1, 1, 1, 1}, {11}));
  // Indices: flat positions in the input.
  Tensor x2 = rnd({2, 3, 6, 6}, 3);
  Attrs b;
  b.set("kernel_shape", std::vector<int64_t>{2, 2});
  b.set("strides", std::vector<int64_t>{2, 2});
  auto out = run("MaxPool", b, {x2}, true, 2);
  ASSERT_EQ(out[1].dtype(), DType::Int64);
  for (int64_t i = 0; i < out[0].numel(); ++i)
    EXPECT_EQ(x2.data<float>()[out[1].data<int64_t>()[i]], out[0].data<float>()[i]);
}

TEST(AveragePool, CountIncludePad) {
  Attrs a;
  a.set("kernel_shape", std::vector<int64_t>{2, 2});
  a.set("pads", std::vector<int64_t>{1, 1, 1, 1});
  Tensor x = Tensor::from_vector<float>({1, 1, 2, 2}, {1, 2, 3, 4});
  for (bool fast : {false, true}) {
    a.set("count_include_pad", int64_t(0));
    expect_close(run("AveragePool", a, {x}, fast)[0],
                 Tensor::from_vector<float>({1, 1, 3, 3}, {1, 1.5f, 2, 2, 2.5f, 3, 3, 3.5f, 4}));
    a.set("count_include_pad", int64_t(1));
    expect_close(run("AveragePool", a, {x}, fast)[0],
                 Tensor::from_vector<float>({1, 1, 3, 3}, {0.25f, 0.75f, 0.5f, 1, 2.5f, 1.5f, 0.75f, 1.75f, 1}));
  }
}

TEST(Pool, FastMatchesReference) {
  Tensor x = rnd({2, 5, 13, 11}, 9);
  for (const char* op : {"MaxPool", "AveragePool"}) {
    for (int ceil : {0, 1})
      for (int inc : {0, 1}) {
        Attrs a;
        a.set("kernel_shape", std::vector<int64_t>{3, 2});
        a.set("strides", std::vector<int64_t>{2, 3});
        a.set("pads", std::vector<int64_t>{1, 0, 1, 1});
        a.set("ceil_mode", int64_t(ceil));
        a.set("count_include_pad", int64_t(inc));
        SCOPED_TRACE(std::string(op) + " ceil " + std::to_string(ceil) + " inc " + std::to_string(inc));
        check_fast_vs_ref(op, a, {x}, 1e-5f, 1e-6f);
      }
    Attrs s;
    s.set("kernel_shape", std::vector<int64_t>{3, 3});
    s.set("auto_pad", std::string("SAME_UPPER"));
    s.set("strides", std::vector<int64_t>{2, 2});
    EXPECT_EQ(run(op, s, {x}, false)[0].shape(), (Shape{2, 5, 7, 6}));
    check_fast_vs_ref(op, s, {x}, 1e-5f, 1e-6f);
  }
}

TEST(GlobalPool, MeanAndMax) {
  Tensor x = rnd({2, 3, 4, 5}, 4);
  auto avg = run("GlobalAveragePool", {}, {x}, true)[0];
  auto mx = run("GlobalMaxPool", {}, {x}, true)[0];
  ASSERT_EQ(avg.shape(), (Shape{2, 3, 1, 1}));
  for (int p = 0; p < 6; ++p) {
    double s = 0;
    float m = -1e30f;
    for (int i = 0; i < 20; ++i) {
      s += x.data<float>()[p * 20 + i];
      m = std::max(m, x.data<float>()[p * 20 + i]);
    }
    EXPECT_NEAR(avg.data<float>()[p], s / 20, 1e-6);
    EXPECT_EQ(mx.data<float>()[p], m);
  }
  EXPECT_THROW(run("GlobalAveragePool", {}, {rnd({3, 4}, 1)}, true), ppocr::Error);
}

TEST(BatchNormalization, Formula) {
  Tensor x = rnd({2, 3, 4, 4}, 1), sc = rnd({3}, 2), b = rnd({3}, 3), m = rnd({3}, 4), v = rnd({3}, 5, 0.1f, 2.f);
  Attrs a;
  a.set("epsilon", 1e-3f);
  for (bool fast : {false, true}) {
    auto y = run("BatchNormalization", a, {x, sc, b, m, v}, fast)[0];
    for (int64_t i = 0; i < x.numel(); ++i) {
      int c = static_cast<int>((i / 16) % 3);
      float want = sc.data<float>()[c] * (x.data<float>()[i] - m.data<float>()[c]) /
                       std::sqrt(v.data<float>()[c] + 1e-3f) + b.data<float>()[c];
      EXPECT_NEAR(y.data<float>()[i], want, 1e-5);
    }
  }
  EXPECT_THROW(run("BatchNormalization", a, {x, rnd({4}, 1), b, m, v}, false), ppocr::Error);
}

namespace {
// Naive numpy-style matmul for rank >= 2 operands of equal rank with broadcast batch dims.
Tensor naive_matmul(const Tensor& a, const Tensor& b, const Shape& ys) {
  Tensor y(DType::Float32, ys);
  const int r = static_cast<int>(ys.size());
  const int64_t M = ys[r - 2], N = ys[r - 1], K = a.dim(-1);
  int64_t batches = y.numel() / (M * N);
  for (int64_t bi = 0; bi < batches; ++bi) {
    int64_t rem = bi, ao = 0, bo = 0, as = 1, bs = 1;
    for (int i = r - 3; i >= 0; --i) {
      int64_t idx = rem % ys[i];
      rem /= ys[i];
      ao += (a.shape()[i] == 1 ? 0 : idx) * as;
      bo += (b.shape()[i] == 1 ? 0 : idx) * bs;
      as *= a.shape()[i];
      bs *= b.shape()[i];
    }
    for (int64_t i = 0; i < M; ++i)
      for (int64_t j = 0; j < N; ++j) {
        double s = 0;
        for (int64_t k = 0; k < K; ++k) s += a.data<float>()[ao * M * K + i * K + k] * b.data<float>()[bo * K * N + k * N + j];
        y.data<float>()[bi * M * N + i * N + j] = static_cast<float>(s);
      }
  }
  return y;
}
}  // namespace

TEST(MatMul, BroadcastAndOneD) {
  for (bool fast : {false, true}) {
    Tensor a = rnd({2, 1, 3, 4}, 1), b = rnd({1, 5, 4, 6}, 2);
    expect_close(run("MatMul", {}, {a, b}, fast)[0], naive_matmul(a, b, {2, 5, 3, 6}));
    Tensor a3 = rnd({3, 4, 5}, 3), b2 = rnd({5, 2}, 4);
    expect_close(run("MatMul", {}, {a3, b2}, fast)[0], naive_matmul(a3, b2.reshaped({1, 5, 2}), {3, 4, 2}));
    // 1-D operands
    Tensor v = rnd({5}, 5);
    expect_close(run("MatMul", {}, {a3, v}, fast)[0], naive_matmul(a3, v.reshaped({1, 5, 1}), {3, 4, 1}).reshaped({3, 4}));
    Tensor u = rnd({4}, 6);
    expect_close(run("MatMul", {}, {u, a3}, fast)[0], naive_matmul(u.reshaped({1, 1, 4}), a3, {3, 1, 5}).reshaped({3, 5}));
    auto dot = run("MatMul", {}, {v, v}, fast)[0];
    EXPECT_EQ(dot.rank(), 0);
    // fused bias + activation
    Attrs f;
    f.set("activation", std::string("Relu"));
    Tensor bias = rnd({2}, 7);
    auto y = run("MatMul", f, {a3, b2, bias}, fast)[0];
    Tensor want = naive_matmul(a3, b2.reshaped({1, 5, 2}), {3, 4, 2});
    for (int64_t i = 0; i < want.numel(); ++i)
      want.data<float>()[i] = std::max(0.f, want.data<float>()[i] + bias.data<float>()[i % 2]);
    expect_close(y, want);
    Tensor bias2 = rnd({4, 1}, 8);  // not a row bias: broadcast add path
    auto y2 = run("MatMul", {}, {a3, b2, bias2}, fast)[0];
    Tensor want2 = naive_matmul(a3, b2.reshaped({1, 5, 2}), {3, 4, 2});
    for (int64_t i = 0; i < want2.numel(); ++i) want2.data<float>()[i] += bias2.data<float>()[(i / 2) % 4];
    expect_close(y2, want2);
  }
  EXPECT_THROW(run("MatMul", {}, {rnd({3, 4}, 1), rnd({5, 2}, 2)}, true), ppocr::Error);
  EXPECT_THROW(run("MatMul", {}, {rnd({2, 3, 4}, 1), rnd({3, 4, 2}, 2)}, true), ppocr::Error);
}

TEST(Gemm, TransposesAlphaBeta) {
  Tensor a = rnd({4, 3}, 1), b = rnd({5, 4}, 2), c = rnd({5}, 3);
  Attrs at;
  at.set("transA", int64_t(1));
  at.set("transB", int64_t(1));
  at.set("alpha", 0.5f);
  at.set("beta", 2.f);
  for (bool fast : {false, true}) {
    auto y = run("Gemm", at, {a, b, c}, fast)[0];
    ASSERT_EQ(y.shape(), (Shape{3, 5}));
    for (int i = 0; i < 3; ++i)
      for (int j = 0; j < 5; ++j) {
        double s = 0;
        for (int k = 0; k < 4; ++k) s += a.data<float>()[k * 3 + i] * b.data<float>()[j * 4 + k];
        EXPECT_NEAR(y.data<float>()[i * 5 + j], 0.5 * s + 2.0 * c.data<float>()[j], 1e-5);
      }
  }
  Tensor a2 = rnd({6, 7}, 4), b2 = rnd({7, 3}, 5), c2 = rnd({6, 1}, 6);
  check_fast_vs_ref("Gemm", {}, {a2, b2, c2});
  check_fast_vs_ref("Gemm", {}, {a2, b2});
  EXPECT_THROW(run("Gemm", {}, {a2, rnd({6, 3}, 1)}, true), ppocr::Error);
  EXPECT_THROW(run("Gemm", {}, {a2, b2, rnd({2, 3}, 1)}, true), ppocr::Error);
}
