// Reductions, ArgMax, normalisations, quantisation, and LSTM against a direct
// implementation of the ONNX equations.
#include <cmath>

#include "op_util.h"

using namespace ot;
using ppocr::Error;

TEST(Reduce, MeanSumMaxArgMax) {
  Tensor x = iota({2, 3, 2});
  expect_values(run2("ReduceMean", attrs({{"axes", std::vector<int64_t>{1}}, {"keepdims", int64_t(0)}}), {x}), {2, 2},
                {2, 3, 8, 9});
  expect_values(run2("ReduceMean", attrs({{"axes", std::vector<int64_t>{-1}}}), {x}), {2, 3, 1}, {0.5f, 2.5f, 4.5f, 6.5f, 8.5f, 10.5f});
  expect_values(run2("ReduceSum", {}, {x, i64v({0, 2})}), {1, 3, 1}, {14, 22, 30});
  expect_values(run2("ReduceSum", attrs({{"keepdims", int64_t(0)}}), {x}), {}, {66});
  expect_values(run2("ReduceMax", attrs({{"axes", std::vector<int64_t>{0}}}), {x}), {1, 3, 2}, {6, 7, 8, 9, 10, 11});
  expect_values(run2("ReduceMin", attrs({{"axes", std::vector<int64_t>{2}}, {"keepdims", int64_t(0)}}), {x}), {2, 3},
                {0, 2, 4, 6, 8, 10});
  expect_values(run2("ReduceProd", attrs({{"axes", std::vector<int64_t>{1}}}), {f32({1, 2}, {3, 4})}), {1, 1}, {12});
  Tensor y = f32({2, 3}, {1, 5, 2, 7, 0, 7});
  EXPECT_EQ(run("ArgMax", attrs({{"axis", int64_t(1)}, {"keepdims", int64_t(0)}}), {y})[0].to_i64(),
            (std::vector<int64_t>{1, 0}));
  EXPECT_EQ(run("ArgMax", attrs({{"axis", int64_t(1)}, {"select_last_index", int64_t(1)}}), {y})[0].to_i64(),
            (std::vector<int64_t>{1, 2}));
  EXPECT_THROW(run("ReduceMean", attrs({{"axes", std::vector<int64_t>{3}}}), {x}), Error);
}

TEST(Norm, LayerAndInstanceNormalization) {
  Tensor x = f32({2, 2}, {1, 3, 2, 6});
  Tensor o = run("LayerNormalization", attrs({{"epsilon", 0.f}}), {x, f32({2}, {2, 1}), f32({2}, {0, 10})})[0];
  expect_values(o, {2, 2}, {-2, 11, -2, 11});
  Tensor i = iota({1, 2, 2, 2});
  Tensor n = run("InstanceNormalization", attrs({{"epsilon", 0.f}}), {i, f32({2}, {1, 2}), f32({2}, {0, 1})})[0];
  const float sd = std::sqrt(1.25f);
  expect_values(n, {1, 2, 2, 2}, {-1.5f / sd, -0.5f / sd, 0.5f / sd, 1.5f / sd, 1 - 3 / sd, 1 - 1 / sd, 1 + 1 / sd, 1 + 3 / sd}, 1e-5f);
  EXPECT_THROW(run("LayerNormalization", {}, {x, f32({3}, {1, 1, 1})}), Error);
}

TEST(Quantize, PerTensorAndPerAxis) {
  Tensor x = f32({2, 3}, {-1, 0.25f, 0.75f, 2.5f, 300, -300});
  Tensor q = run("QuantizeLinear", {}, {x, f32({}, {0.5f}), Tensor::from_vector<uint8_t>({}, {128})})[0];
  EXPECT_EQ(q.dtype(), DType::UInt8);
  // round half to even: 0.5 -> 0, 1.5 -> 2, 5 -> 5; saturation at 0 / 255
  EXPECT_EQ(q.to_i64(), (std::vector<int64_t>{126, 128, 130, 133, 255, 0}));
  Tensor d = run("DequantizeLinear", {}, {q, f32({}, {0.5f}), Tensor::from_vector<uint8_t>({}, {128})})[0];
  expect_values(d, {2, 3}, {-1, 0, 1, 2.5f, 63.5f, -64});
  Tensor s = f32({2}, {1, 0.1f});
  Tensor qi = run("QuantizeLinear", attrs({{"axis", int64_t(0)}}), {x, s, Tensor::from_vector<int8_t>({2}, {0, 0})})[0];
  EXPECT_EQ(qi.dtype(), DType::Int8);
  EXPECT_EQ(qi.to_i64(), (std::vector<int64_t>{-1, 0, 1, 25, 127, -128}));
  Tensor di = run("DequantizeLinear", attrs({{"axis", int64_t(0)}}), {qi, s, Tensor::from_vector<int8_t>({2}, {0, 0})})[0];
  expect_values(di, {2, 3}, {-1, 0, 1, 2.5f, 12.7f, -12.8f}, 1e-5f);
  EXPECT_THROW(run("QuantizeLinear", {}, {x, f32({4}, {1, 1, 1, 1})}), Error);
}

namespace {

float sigm(float v) { return 1.f / (1.f + std::exp(-v)); }

// Direct LSTM (one direction) from the ONNX equations, gates i, o, f, c.
void lstm_direct(const Tensor& X, const float* W, const float* R, const float* B, const float* h0, const float* c0,
                 bool reverse, int64_t H, std::vector<float>& Y, std::vector<float>& hT, std::vector<float>& cT) {
  const int64_t T = X.dim(0), N = X.dim(1), I = X.dim(2);
  Y.assign(T * N * H, 0.f);
  hT.assign(N * H, 0.f);
  cT.assign(N * H, 0.f);
  for (int64_t n = 0; n < N; ++n) {
    std::vector<float> h(h0 + n * H, h0 + (n + 1) * H), c(c0 + n * H, c0 + (n + 1) * H);
    for (int64_t s = 0; s < T; ++s) {
      const int64_t t = reverse ? T - 1 - s : s;
      std::vector<float> g(4 * H);
      for (int64_t k = 0; k < 4 * H; ++k) {
        double a = B[k] + B[4 * H + k];
        for (int64_t j = 0; j < I; ++j) a += W[k * I + j] * X.data<float>()[(t * N + n) * I + j];
        for (int64_t j = 0; j < H; ++j) a += R[k * H + j] * h[j];
        g[k] = static_cast<float>(a);
      }
      for (int64_t j = 0; j < H; ++j) {
        float i = sigm(g[j]), o = sigm(g[H + j]), f = sigm(g[2 * H + j]), cc = std::tanh(g[3 * H + j]);
        c[j] = f * c[j] + i * cc;
        h[j] = o * std::tanh(c[j]);
        Y[(t * N + n) * H + j] = h[j];
      }
    }
    std::copy(h.begin(), h.end(), hT.begin() + n * H);
    std::copy(c.begin(), c.end(), cT.begin() + n * H);
  }
}

}  // namespace

TEST(Lstm, BidirectionalMatchesDirectImplementation) {
  const int64_t T = 5, N = 2, I = 3, H = 4;
  Tensor X = rnd({T, N, I}, 21);
  Tensor W = rnd({2, 4 * H, I}, 22), R = rnd({2, 4 * H, H}, 23), B = rnd({2, 8 * H}, 24);
  Tensor h0 = rnd({2, N, H}, 25), c0 = rnd({2, N, H}, 26);
  Attrs a = attrs({{"direction", std::string("bidirectional")}, {"hidden_size", H}});
  for (bool fast : {false, true}) {
  SCOPED_TRACE(fast ? "fast" : "reference");
  auto out = run("LSTM", a, {X, W, R, B, Tensor(), h0, c0}, fast, 3);
  ASSERT_EQ(out[0].shape(), (Shape{T, 2, N, H}));
  for (int d = 0; d < 2; ++d) {
    std::vector<float> Y, hT, cT;
    lstm_direct(X, W.data<float>() + d * 4 * H * I, R.data<float>() + d * 4 * H * H, B.data<float>() + d * 8 * H,
                h0.data<float>() + d * N * H, c0.data<float>() + d * N * H, d == 1, H, Y, hT, cT);
    for (int64_t t = 0; t < T; ++t)
      for (int64_t k = 0; k < N * H; ++k)
        EXPECT_NEAR(out[0].data<float>()[(t * 2 + d) * N * H + k], Y[t * N * H + k], 1e-5);
    for (int64_t k = 0; k < N * H; ++k) {
      EXPECT_NEAR(out[1].data<float>()[d * N * H + k], hT[k], 1e-5);
      EXPECT_NEAR(out[2].data<float>()[d * N * H + k], cT[k], 1e-5);
    }
  }
  }
}

TEST(Lstm, ReverseWithoutBiasOrStates) {
  const int64_t T = 4, N = 1, I = 2, H = 3;
  Tensor X = rnd({T, N, I}, 31), W = rnd({1, 4 * H, I}, 32), R = rnd({1, 4 * H, H}, 33);
  auto out = run("LSTM", attrs({{"direction", std::string("reverse")}, {"hidden_size", H}}), {X, W, R}, false, 2);
  std::vector<float> zeros(8 * H, 0.f), Y, hT, cT;
  lstm_direct(X, W.data<float>(), R.data<float>(), zeros.data(), zeros.data(), zeros.data(), true, H, Y, hT, cT);
  for (size_t k = 0; k < Y.size(); ++k) EXPECT_NEAR(out[0].data<float>()[k], Y[k], 1e-5);
  for (size_t k = 0; k < hT.size(); ++k) EXPECT_NEAR(out[1].data<float>()[k], hT[k], 1e-5);
  EXPECT_THROW(run("LSTM", attrs({{"hidden_size", int64_t(5)}}), {X, W, R}), Error);
  EXPECT_THROW(run("LSTM", {}, {X, rnd({1, 4 * H, I + 1}, 1), R}), Error);
}
