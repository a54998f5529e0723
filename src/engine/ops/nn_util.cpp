#include "engine/ops/nn_util.h"

#include <limits>

namespace ppocr::engine::nn {

bool activation_known(const std::string& a) {
  return a.empty() || a == "Relu" || a == "Clip" || a == "HardSigmoid" || a == "HardSwish" ||
         a == "Sigmoid" || a == "LeakyRelu" || a == "Tanh" || a == "Swish" || a == "Gelu";
}

Epilogue parse_epilogue(const KernelContext& c) {
  Epilogue e;
  const std::string a = c.node.attrs.s("activation", "");
  const auto& at = c.node.attrs;
  e.post_scale = at.f("post_scale", 1.f);
  e.post_shift = at.f("post_shift", 0.f);
  if (a.empty()) return e;
  if (a == "Relu") e.act = Act::Relu;
  else if (a == "Clip") {
    e.act = Act::Clip;
    e.alpha = at.f("activation_alpha", -std::numeric_limits<float>::infinity());
    e.beta = at.f("activation_beta", std::numeric_limits<float>::infinity());
  } else if (a == "HardSigmoid") {
    e.act = Act::HardSigmoid;
    e.alpha = at.f("activation_alpha", 0.2f);
    e.beta = at.f("activation_beta", 0.5f);
  } else if (a == "HardSwish") e.act = Act::HardSwish;
  else if (a == "Sigmoid") e.act = Act::Sigmoid;
  else if (a == "LeakyRelu") {
    e.act = Act::LeakyRelu;
    e.alpha = at.f("activation_alpha", 0.01f);
  } else if (a == "Tanh") e.act = Act::Tanh;
  else if (a == "Swish") e.act = Act::Swish;
  else if (a == "Gelu") e.act = Act::Gelu;
  else c.error("unknown fused activation '" + a + "'");
  return e;
}

namespace {

struct Common {
  std::vector<int64_t> strides, dil, pads;
  std::string auto_pad;
};

Common read_common(const KernelContext& c, int nsp, bool use_dilations) {
  const auto& at = c.node.attrs;
  Common m;
  m.strides = at.ints("strides", std::vector<int64_t>(nsp, 1));
  m.dil = use_dilations ? at.ints("dilations", std::vector<int64_t>(nsp, 1)) : std::vector<int64_t>(nsp, 1);
  m.pads = at.ints("pads", std::vector<int64_t>(2 * nsp, 0));
  m.auto_pad = at.s("auto_pad", "NOTSET");
  if (static_cast<int>(m.strides.size()) != nsp) c.error("strides must have " + std::to_string(nsp) + " values");
  if (static_cast<int>(m.dil.size()) != nsp) c.error("dilations must have " + std::to_string(nsp) + " values");
  if (static_cast<int>(m.pads.size()) != 2 * nsp) c.error("pads must have " + std::to_string(2 * nsp) + " values");
  for (int i = 0; i < nsp; ++i) {
    if (m.strides[i] < 1) c.error("strides must be >= 1");
    if (m.dil[i] < 1) c.error("dilations must be >= 1");
  }
  if (m.auto_pad != "NOTSET" && m.auto_pad != "SAME_UPPER" && m.auto_pad != "SAME_LOWER" && m.auto_pad != "VALID")
    c.error("unknown auto_pad '" + m.auto_pad + "'");
  return m;
}

int spatial_rank(const KernelContext& c, const Shape& x, const std::vector<int64_t>& kernel) {
  const int nsp = static_cast<int>(x.size()) - 2;
  if (nsp < 1 || nsp > 3) c.error("input must have rank 3, 4 or 5, got " + shape_str(x));
  if (static_cast<int>(kernel.size()) != nsp)
    c.error("kernel has " + std::to_string(kernel.size()) + " spatial dims, input " + shape_str(x));
  for (int64_t k : kernel)
    if (k < 1) c.error("kernel dims must be >= 1");
  return nsp;
}

}  // namespace

Window forward_window(const KernelContext& c, const Shape& x, const std::vector<int64_t>& kernel, bool ceil_mode,
                      bool use_dilations) {
  const int nsp = spatial_rank(c, x, kernel);
  Common m = read_common(c, nsp, use_dilations);
  Window w;
  w.nsp = nsp;
  const int off = 3 - nsp;
  for (int i = 0; i < nsp; ++i) {
    const int j = off + i;
    w.in[j] = x[2 + i];
    w.k[j] = kernel[i];
    w.s[j] = m.strides[i];
    w.d[j] = m.dil[i];
    const int64_t ext = (w.k[j] - 1) * w.d[j] + 1;
    if (m.auto_pad == "SAME_UPPER" || m.auto_pad == "SAME_LOWER") {
      w.out[j] = (w.in[j] + w.s[j] - 1) / w.s[j];
      int64_t total = std::max<int64_t>(0, (w.out[j] - 1) * w.s[j] + ext - w.in[j]);
      w.pb[j] = m.auto_pad == "SAME_UPPER" ? total / 2 : total - total / 2;
      w.pe[j] = total - w.pb[j];
      continue;
    }
    if (m.auto_pad == "NOTSET") {
      w.pb[j] = m.pads[i];
      w.pe[j] = m.pads[nsp + i];
      if (w.pb[j] < 0 || w.pe[j] < 0) c.error("negative pads are not supported");
    }
    const int64_t span = w.in[j] + w.pb[j] + w.pe[j] - ext;
    if (span < 0) c.error("kernel extent " + std::to_string(ext) + " exceeds padded input " + shape_str(x));
    if (ceil_mode) {
      w.out[j] = (span + w.s[j] - 1) / w.s[j] + 1;
      // The last window must start inside the input or the leading padding.
      if ((w.out[j] - 1) * w.s[j] >= w.in[j] + w.pb[j]) --w.out[j];
    } else {
      w.out[j] = span / w.s[j] + 1;
    }
  }
  return w;
}

Window transpose_window(const KernelContext& c, const Shape& x, const std::vector<int64_t>& kernel) {
  const int nsp = spatial_rank(c, x, kernel);
  Common m = read_common(c, nsp, true);
  const auto& at = c.node.attrs;
  std::vector<int64_t> opad = at.ints("output_padding", std::vector<int64_t>(nsp, 0));
  std::vector<int64_t> oshape = at.ints("output_shape", {});
  if (static_cast<int>(opad.size()) != nsp) c.error("output_padding must have " + std::to_string(nsp) + " values");
  if (oshape.size() == static_cast<size_t>(nsp + 2)) oshape.erase(oshape.begin(), oshape.begin() + 2);
  if (!oshape.empty() && static_cast<int>(oshape.size()) != nsp)
    c.error("output_shape must have " + std::to_string(nsp) + " values");
  Window w;
  w.nsp = nsp;
  const int off = 3 - nsp;
  for (int i = 0; i < nsp; ++i) {
    const int j = off + i;
    w.in[j] = x[2 + i];
    w.k[j] = kernel[i];
    w.s[j] = m.strides[i];
    w.d[j] = m.dil[i];
    if (opad[i] < 0 || opad[i] >= std::max(w.s[j], w.d[j])) c.error("output_padding must be in [0, max(stride, dilation))");
    const int64_t ext = (w.k[j] - 1) * w.d[j] + 1;
    const int64_t full = w.s[j] * (w.in[j] - 1) + opad[i] + ext;
    int64_t target = -1;
    if (!oshape.empty()) target = oshape[i];
    else if (m.auto_pad == "SAME_UPPER" || m.auto_pad == "SAME_LOWER") target = w.in[j] * w.s[j];
    if (target >= 0) {
      const int64_t total = full - target;
      if (total < 0) c.error("output_shape is larger than the convolution can produce");
      if (m.auto_pad == "SAME_UPPER") {
        w.pb[j] = total / 2;
        w.pe[j] = total - total / 2;
      } else {
        w.pb[j] = total - total / 2;
        w.pe[j] = total / 2;
      }
      w.out[j] = target;
    } else {
      if (m.auto_pad == "NOTSET") {
        w.pb[j] = m.pads[i];
        w.pe[j] = m.pads[nsp + i];
        if (w.pb[j] < 0 || w.pe[j] < 0) c.error("negative pads are not supported");
      }
      w.out[j] = full - w.pb[j] - w.pe[j];
    }
    if (w.out[j] < 1) c.error("output would be empty");
  }
  return w;
}

Shape window_shape(int64_t n, int64_t ch, const Window& w) {
  Shape s{n, ch};
  for (int i = 3 - w.nsp; i < 3; ++i) s.push_back(w.out[i]);
  return s;
}

}  // namespace ppocr::engine::nn

namespace ppocr::engine::nn {

void add_broadcast(const KernelContext& c, float* y, const Shape& ys, const Tensor& bt, float scale) {
  const Shape& bs = bt.shape();
  if (bs.size() > ys.size()) c.error("cannot broadcast " + bt.desc() + " to " + shape_str(ys));
  const int r = static_cast<int>(ys.size()), off = r - static_cast<int>(bs.size());
  std::vector<int64_t> bstride(r, 0);
  int64_t st = 1;
  for (int i = r - 1; i >= off; --i) {
    const int64_t d = bs[i - off];
    if (d != 1 && d != ys[i]) c.error("cannot broadcast " + bt.desc() + " to " + shape_str(ys));
    bstride[i] = d == 1 ? 0 : st;
    st *= d;
  }
  Tensor bf = bt.dtype() == DType::Float32 ? bt : bt.cast(DType::Float32);
  const float* b = bf.data<float>();
  const int64_t n = shape_numel(ys);
  if (r == 0) {
    if (n) y[0] += scale * b[0];
    return;
  }
  const int64_t inner = ys[r - 1], bs_in = bstride[r - 1];
#pragma omp parallel for schedule(static)
  for (int64_t row = 0; row < n / std::max<int64_t>(inner, 1); ++row) {
    int64_t rem = row, boff = 0;
    for (int i = r - 2; i >= 0; --i) {
      boff += (rem % ys[i]) * bstride[i];
      rem /= ys[i];
    }
    float* yr = y + row * inner;
    for (int64_t j = 0; j < inner; ++j) yr[j] += scale * b[boff + j * bs_in];
  }
}

static Tensor permute4(const Tensor& t, BufferPool* pool, bool to_nhwc) {
  PPOCR_CHECK(t.rank() == 4 && t.dtype() == DType::Float32, "layout change needs a float32 4-D tensor, got ", t.desc());
  const Shape& s = t.shape();
  // Source dims (a, b, c, d); NCHW->NHWC moves b to the end, NHWC->NCHW moves d to position 1.
  const int64_t n = s[0];
  const int64_t C = to_nhwc ? s[1] : s[3], H = to_nhwc ? s[2] : s[1], W = to_nhwc ? s[3] : s[2];
  Tensor out(DType::Float32, to_nhwc ? Shape{n, H, W, C} : Shape{n, C, H, W}, pool);
  const float* src = t.data<float>();
  float* dst = out.data<float>();
#pragma omp parallel for collapse(2) schedule(static)
  for (int64_t b = 0; b < n; ++b)
    for (int64_t h = 0; h < H; ++h)
      for (int64_t w = 0; w < W; ++w)
        for (int64_t c = 0; c < C; ++c) {
          const int64_t nchw = ((b * C + c) * H + h) * W + w, nhwc = ((b * H + h) * W + w) * C + c;
          if (to_nhwc) dst[nhwc] = src[nchw];
          else dst[nchw] = src[nhwc];
        }
  return out;
}

Tensor nchw_to_nhwc(const Tensor& t, BufferPool* pool) { return permute4(t, pool, true); }
Tensor nhwc_to_nchw(const Tensor& t, BufferPool* pool) { return permute4(t, pool, false); }

bool nhwc_attr(const KernelContext& c, const char* name) {
  const std::string v = c.node.attrs.s(name, "");
  if (!v.empty() && v != "NCHW" && v != "NHWC") c.error(std::string(name) + " must be NCHW or NHWC, got " + v);
  return v == "NHWC";
}

Shape logical_shape(const Tensor& t, bool nhwc) {
  if (!nhwc) return t.shape();
  const Shape& s = t.shape();
  return {s[0], s[3], s[1], s[2]};
}

void apply_act_inplace(const Epilogue& e, float* y, int64_t n) {
  if (e.none()) return;
  const int64_t chunk = 16384, chunks = (n + chunk - 1) / chunk;
#pragma omp parallel for schedule(static)
  for (int64_t k = 0; k < chunks; ++k) apply_act_inplace_serial(e, y + k * chunk, std::min(chunk, n - k * chunk));
}

}  // namespace ppocr::engine::nn
