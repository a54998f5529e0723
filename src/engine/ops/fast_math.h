// Branch-free float approximations of exp, erf, sigmoid and tanh for the fast
// kernels: plain arithmetic that the compiler vectorises (libm calls are not).
// exp: Cephes-style range reduction + degree-6 polynomial (relative error
// ~2e-7); erf: Abramowitz & Stegun 7.1.26 (absolute error <= 1.5e-7 + exp's).
// The reference kernels keep using <cmath>.
#pragma once
#include <cstdint>
#include <cstring>

namespace ppocr::engine::ops {

__attribute__((always_inline)) inline float fast_exp(float x) {
  x = x < -87.f ? -87.f : (x > 88.f ? 88.f : x);
  const float t = x * 1.44269504088896341f;
  const int32_t n = static_cast<int32_t>(t + (t >= 0.f ? 0.5f : -0.5f));
  const float fn = static_cast<float>(n);
  const float r = (x - fn * 0.693359375f) + fn * 2.12194440e-4f;
  float p = 1.9875691500e-4f;
  p = p * r + 1.3981999507e-3f;
  p = p * r + 8.3334519073e-3f;
  p = p * r + 4.1665795894e-2f;
  p = p * r + 1.6666665459e-1f;
  p = p * r + 5.0000001201e-1f;
  const float y = p * r * r + r + 1.f;
  const int32_t bits = (n + 127) << 23;
  float scale;
  std::memcpy(&scale, &bits, 4);
  return y * scale;
}

__attribute__((always_inline)) inline float fast_erf(float x) {
  const float ax = x < 0.f ? -x : x;
  const float t = 1.f / (1.f + 0.3275911f * ax);
  float p = 1.061405429f;
  p = p * t - 1.453152027f;
  p = p * t + 1.421413741f;
  p = p * t - 0.284496736f;
  p = p * t + 0.254829592f;
  const float e = 1.f - p * t * fast_exp(-ax * ax);
  return x < 0.f ? -e : e;
}

__attribute__((always_inline)) inline float fast_sigmoid(float x) { return 1.f / (1.f + fast_exp(-x)); }

__attribute__((always_inline)) inline float fast_tanh(float x) {
  // tanh(x) = sign(x) * (1 - e) / (1 + e), e = exp(-2|x|): no cancellation for large |x|.
  const float ax = x < 0.f ? -x : x;
  const float e = fast_exp(-2.f * ax);
  const float v = (1.f - e) / (1.f + e);
  return x < 0.f ? -v : v;
}

}  // namespace ppocr::engine::ops
