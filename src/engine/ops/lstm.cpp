// LSTM (ONNX semantics): gates in i, o, f, c order; directions forward,
// reverse, bidirectional; optional bias, sequence_lens, initial_h/initial_c
// and peepholes; activations (default Sigmoid, Tanh, Tanh) with
// activation_alpha/beta; clip; input_forget; layout 0 and 1.
// Outputs: Y [seq, dirs, batch, H] (layout 1: [batch, seq, dirs, H]), Y_h, Y_c.
#include <algorithm>
#include <cmath>
#include <functional>

#include "engine/ops/fast_math.h"
#include "engine/ops/op_helpers.h"

namespace ppocr::engine::ops {
namespace {

using Act = std::function<float(float)>;

Act make_act(const KernelContext& c, const std::string& name, const std::vector<float>& alphas,
             const std::vector<float>& betas, size_t& ai, size_t& bi) {
  auto next = [](const std::vector<float>& v, size_t& i, float def) { return i < v.size() ? v[i++] : def; };
  if (name == "Sigmoid") return [](float x) { return 1.f / (1.f + std::exp(-x)); };
  if (name == "Tanh") return [](float x) { return std::tanh(x); };
  if (name == "Relu") return [](float x) { return std::max(0.f, x); };
  if (name == "Softsign") return [](float x) { return x / (1.f + std::fabs(x)); };
  if (name == "Softplus") return [](float x) { return std::log1p(std::exp(x)); };
  if (name == "HardSigmoid") {
    float a = next(alphas, ai, 0.2f), b = next(betas, bi, 0.5f);
    return [a, b](float x) { return std::min(1.f, std::max(0.f, a * x + b)); };
  }
  if (name == "LeakyRelu") {
    float a = next(alphas, ai, 0.01f);
    return [a](float x) { return x >= 0.f ? x : a * x; };
  }
  if (name == "ThresholdedRelu") {
    float a = next(alphas, ai, 1.f);
    return [a](float x) { return x > a ? x : 0.f; };
  }
  if (name == "Elu") {
    float a = next(alphas, ai, 1.f);
    return [a](float x) { return x >= 0.f ? x : a * (std::exp(x) - 1.f); };
  }
  if (name == "Affine") {
    float a = next(alphas, ai, 1.f), b = next(betas, bi, 0.f);
    return [a, b](float x) { return a * x + b; };
  }
  if (name == "ScaledTanh") {
    float a = next(alphas, ai, 1.f), b = next(betas, bi, 1.f);
    return [a, b](float x) { return a * std::tanh(b * x); };
  }
  c.error("unsupported activation '" + name + "'");
}

Tensor f32_input(const KernelContext& c, size_t i) {
  return c.has_input(i) ? as_f32(c, c.in(i)) : Tensor();
}

void check_shape(const KernelContext& c, const Tensor& t, const Shape& want, const char* what) {
  if (!t.empty() && t.shape() != want)
    c.error(std::string(what) + " must have shape " + shape_str(want) + ", got " + t.desc());
}

// Dot product; the fast kernel lets the compiler reorder the sum (vectorised).
template <bool Fast>
inline float dot(const float* a, const float* b, int64_t n) {
  float acc = 0.f;
  if constexpr (Fast) {
#pragma omp simd reduction(+ : acc)
    for (int64_t j = 0; j < n; ++j) acc += a[j] * b[j];
  } else {
    for (int64_t j = 0; j < n; ++j) acc += a[j] * b[j];
  }
  return acc;
}

template <bool Fast>
void lstm(KernelContext& c) {
  const Attrs& at = c.node.attrs;
  const int layout = static_cast<int>(at.i("layout", 0));
  Tensor X = as_f32(c, c.in(0));
  if (X.rank() != 3) c.error("X must be 3-D, got " + X.desc());
  const int64_t seq = layout ? X.dim(1) : X.dim(0), batch = layout ? X.dim(0) : X.dim(1), isz = X.dim(2);
  Tensor W = as_f32(c, c.in(1)), R = as_f32(c, c.in(2));
  const std::string direction = at.s("direction", "forward");
  const int dirs = direction == "bidirectional" ? 2 : 1;
  if (direction != "forward" && direction != "reverse" && direction != "bidirectional")
    c.error("unknown direction '" + direction + "'");
  if (W.rank() != 3 || W.dim(0) != dirs || W.dim(1) % 4 != 0) c.error("bad W shape " + W.desc());
  const int64_t H = at.i("hidden_size", W.dim(1) / 4);
  if (H <= 0 || H * 4 != W.dim(1)) c.error("hidden_size does not match W " + W.desc());
  check_shape(c, W, {dirs, 4 * H, isz}, "W");
  check_shape(c, R, {dirs, 4 * H, H}, "R");
  Tensor B = f32_input(c, 3), h0 = f32_input(c, 5), c0 = f32_input(c, 6), P = f32_input(c, 7);
  check_shape(c, B, {dirs, 8 * H}, "B");
  const Shape state = layout ? Shape{batch, dirs, H} : Shape{dirs, batch, H};
  check_shape(c, h0, state, "initial_h");
  check_shape(c, c0, state, "initial_c");
  check_shape(c, P, {dirs, 3 * H}, "P");
  std::vector<int64_t> lens(batch, seq);
  if (c.has_input(4)) {
    lens = int_input(c, 4);
    if (static_cast<int64_t>(lens.size()) != batch) c.error("sequence_lens must have batch entries");
    for (int64_t l : lens)
      if (l < 0 || l > seq) c.error("sequence_lens value out of range");
  }
  const float clip = at.f("clip", 0.f);
  const bool input_forget = at.i("input_forget", 0) != 0;
  std::vector<std::string> names = at.strings("activations");
  if (names.empty())
    for (int d = 0; d < dirs; ++d) names.insert(names.end(), {"Sigmoid", "Tanh", "Tanh"});
  if (static_cast<int>(names.size()) != 3 * dirs) c.error("activations must list 3 per direction");
  std::vector<float> alphas = at.floats("activation_alpha"), betas = at.floats("activation_beta");
  size_t ai = 0, bi = 0;
  std::vector<Act> acts;
  for (auto& n : names) {
    acts.push_back(make_act(c, n, alphas, betas, ai, bi));
    // The fast kernel uses the vectorisable approximations for the defaults.
    if (Fast && n == "Sigmoid") acts.back() = [](float x) { return fast_sigmoid(x); };
    if (Fast && n == "Tanh") acts.back() = [](float x) { return fast_tanh(x); };
  }

  // Outputs in layout 0; converted at the end when layout = 1.
  Tensor Y = Tensor::zeros(DType::Float32, {seq, dirs, batch, H});
  Tensor Yh = Tensor::zeros(DType::Float32, {dirs, batch, H});
  Tensor Yc = Tensor::zeros(DType::Float32, {dirs, batch, H});
  const float* x = X.data<float>();
  auto xat = [&](int64_t t, int64_t b) { return x + (layout ? (b * seq + t) : (t * batch + b)) * isz; };
  auto state_at = [&](const Tensor& s, int d, int64_t b) {
    return s.data<float>() + (layout ? (b * dirs + d) : (d * batch + b)) * H;
  };
  std::vector<float> gates(4 * H);
  for (int d = 0; d < dirs; ++d) {
    const bool reverse = direction == "reverse" || d == 1;
    const float* w = W.data<float>() + d * 4 * H * isz;
    const float* rw = R.data<float>() + d * 4 * H * H;
    const float* bias = B.empty() ? nullptr : B.data<float>() + d * 8 * H;
    const float* peep = P.empty() ? nullptr : P.data<float>() + d * 3 * H;
    const Act &f = acts[3 * d], &g = acts[3 * d + 1], &h = acts[3 * d + 2];
    for (int64_t b = 0; b < batch; ++b) {
      std::vector<float> hs(H, 0.f), cs(H, 0.f);
      if (!h0.empty()) std::copy_n(state_at(h0, d, b), H, hs.begin());
      if (!c0.empty()) std::copy_n(state_at(c0, d, b), H, cs.begin());
      const int64_t len = lens[b];
      for (int64_t s = 0; s < len; ++s) {
        const int64_t t = reverse ? len - 1 - s : s;
        const float* xt = xat(t, b);
        for (int64_t k = 0; k < 4 * H; ++k) {
          const float b0 = bias ? bias[k] + bias[4 * H + k] : 0.f;
          gates[k] = b0 + dot<Fast>(w + k * isz, xt, isz) + dot<Fast>(rw + k * H, hs.data(), H);
        }
        float* yt = Y.data<float>() + ((t * dirs + d) * batch + b) * H;
        for (int64_t j = 0; j < H; ++j) {
          float gi = gates[j], go = gates[H + j], gf = gates[2 * H + j], gc = gates[3 * H + j];
          if (peep) {
            gi += peep[j] * cs[j];
            gf += peep[2 * H + j] * cs[j];
          }
          if (clip > 0.f) {
            gi = std::clamp(gi, -clip, clip);
            gf = std::clamp(gf, -clip, clip);
            gc = std::clamp(gc, -clip, clip);
          }
          const float it = f(gi);
          const float ft = input_forget ? 1.f - it : f(gf);
          const float ct = g(gc);
          cs[j] = ft * cs[j] + it * ct;
          if (peep) go += peep[H + j] * cs[j];
          if (clip > 0.f) go = std::clamp(go, -clip, clip);
          hs[j] = f(go) * h(cs[j]);
          yt[j] = hs[j];
        }
      }
      std::copy(hs.begin(), hs.end(), Yh.data<float>() + (d * batch + b) * H);
      std::copy(cs.begin(), cs.end(), Yc.data<float>() + (d * batch + b) * H);
    }
  }
  if (layout) {
    // [seq, dirs, batch, H] -> [batch, seq, dirs, H]; [dirs, batch, H] -> [batch, dirs, H]
    Tensor y1(DType::Float32, {batch, seq, dirs, H});
    for (int64_t t = 0; t < seq; ++t)
      for (int d = 0; d < dirs; ++d)
        for (int64_t b = 0; b < batch; ++b)
          std::copy_n(Y.data<float>() + ((t * dirs + d) * batch + b) * H, H,
                      y1.data<float>() + ((b * seq + t) * dirs + d) * H);
    Y = y1;
    for (Tensor* s : {&Yh, &Yc}) {
      Tensor s1(DType::Float32, {batch, dirs, H});
      for (int d = 0; d < dirs; ++d)
        for (int64_t b = 0; b < batch; ++b)
          std::copy_n(s->data<float>() + (d * batch + b) * H, H, s1.data<float>() + (b * dirs + d) * H);
      *s = s1;
    }
  }
  if (c.outputs.size() > 0) c.outputs[0] = Y;
  if (c.outputs.size() > 1) c.outputs[1] = Yh;
  if (c.outputs.size() > 2) c.outputs[2] = Yc;
}

PPOCR_OP(LSTM).reference(lstm<false>).fast(lstm<true>).inputs(3, 8);

}  // namespace
}  // namespace ppocr::engine::ops
