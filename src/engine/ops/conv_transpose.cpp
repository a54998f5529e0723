// ConvTranspose (ONNX opset 17: groups, dilations, strides, pads, auto_pad,
// output_padding, output_shape; 1-D..3-D) plus the fused activation
// attributes of Conv (docs/engine.md): Y = act(convT(X, W) + B).
// W is [C, M/group, k...]. Reference: scatter loop; fast: cached oneDNN deconvolution.
#include <cstring>

#include "engine/ops/dnnl_util.h"
#include "engine/ops/nn_util.h"

namespace ppocr::engine {
namespace {

struct DeconvArgs {
  Tensor x, w, b;
  int64_t n = 0, c = 0, m = 0, group = 1;
  nn::Window win;
  nn::Epilogue epi;
  Shape y_shape;
};

DeconvArgs deconv_args(const KernelContext& c) {
  DeconvArgs a;
  a.x = nn::f32_input(c, 0);
  a.w = nn::f32_input(c, 1);
  if (c.has_input(2)) a.b = nn::f32_input(c, 2);
  const Shape& xs = a.x.shape();
  const Shape& ws = a.w.shape();
  if (xs.size() < 3 || xs.size() > 5) c.error("X must have rank 3..5, got " + a.x.desc());
  if (ws.size() != xs.size()) c.error("W rank must match X: X " + a.x.desc() + ", W " + a.w.desc());
  a.group = c.node.attrs.i("group", 1);
  a.n = xs[0];
  a.c = xs[1];
  if (a.group < 1 || a.c % a.group != 0) c.error("group must divide the input channels");
  if (ws[0] != a.c) c.error("W " + a.w.desc() + " does not match X " + a.x.desc());
  a.m = ws[1] * a.group;
  std::vector<int64_t> kernel(ws.begin() + 2, ws.end());
  auto ks = c.node.attrs.ints("kernel_shape", kernel);
  if (ks != kernel) c.error("kernel_shape does not match W " + a.w.desc());
  a.win = nn::transpose_window(c, xs, kernel);
  if (!a.b.empty() && (a.b.rank() != 1 || a.b.dim(0) != a.m)) c.error("B must be [" + std::to_string(a.m) + "], got " + a.b.desc());
  a.y_shape = nn::window_shape(a.n, a.m, a.win);
  a.epi = nn::parse_epilogue(c);
  return a;
}

void deconv_ref(KernelContext& c) {
  const DType dt = c.in(0).dtype();
  DeconvArgs a = deconv_args(c);
  const nn::Window& w = a.win;
  Tensor& y = c.alloc_output(0, DType::Float32, a.y_shape);
  const float* X = a.x.data<float>();
  const float* W = a.w.data<float>();
  const float* B = a.b.empty() ? nullptr : a.b.data<float>();
  float* Y = y.data<float>();
  const int64_t cg = a.c / a.group, mg = a.m / a.group;
  const int64_t in_sp = w.in_numel(), out_sp = w.out_numel(), ksz = w.k_numel();
#pragma omp parallel for schedule(static)
  for (int64_t nm = 0; nm < a.n * a.m; ++nm) {
    const int64_t n = nm / a.m, m = nm % a.m, g = m / mg, mo = m % mg;
    float* out = Y + nm * out_sp;
    for (int64_t i = 0; i < out_sp; ++i) out[i] = B ? B[m] : 0.f;
    for (int64_t ci = 0; ci < cg; ++ci) {
      const int64_t cin = g * cg + ci;
      const float* in = X + (n * a.c + cin) * in_sp;
      const float* wk = W + (cin * mg + mo) * ksz;
      for (int64_t id = 0; id < w.in[0]; ++id)
        for (int64_t ih = 0; ih < w.in[1]; ++ih)
          for (int64_t iw = 0; iw < w.in[2]; ++iw) {
            const float xv = in[(id * w.in[1] + ih) * w.in[2] + iw];
            for (int64_t kd = 0; kd < w.k[0]; ++kd) {
              const int64_t od = id * w.s[0] - w.pb[0] + kd * w.d[0];
              if (od < 0 || od >= w.out[0]) continue;
              for (int64_t kh = 0; kh < w.k[1]; ++kh) {
                const int64_t oh = ih * w.s[1] - w.pb[1] + kh * w.d[1];
                if (oh < 0 || oh >= w.out[1]) continue;
                for (int64_t kw = 0; kw < w.k[2]; ++kw) {
                  const int64_t ow = iw * w.s[2] - w.pb[2] + kw * w.d[2];
                  if (ow < 0 || ow >= w.out[2]) continue;
                  out[(od * w.out[1] + oh) * w.out[2] + ow] += xv * wk[(kd * w.k[1] + kh) * w.k[2] + kw];
                }
              }
            }
          }
    }
    for (int64_t i = 0; i < out_sp; ++i) out[i] = nn::apply_act(a.epi, out[i]);
  }
  nn::restore_dtype(c, dt);
}

// ---- oneDNN ------------------------------------------------------------------

struct DeconvPrim {
  dnnl::deconvolution_forward prim;
  dnnl::memory::desc src, wei, dst, scratch, plain_src, plain_dst, plain_wei;
  dnnl::memory weights;
  bool weights_cached = false;
};

// ONNX weights [C, M/g, k...] as oneDNN's logical [g?, M/g, C/g, k...] with strides.
dnnl::memory::desc onnx_deconv_weights(const DeconvArgs& a) {
  const int64_t cg = a.c / a.group, mg = a.m / a.group;
  int64_t ksz = 1;
  dnnl::memory::dims kd, ks;
  for (int i = 3 - a.win.nsp; i < 3; ++i) kd.push_back(a.win.k[i]);
  for (int i = static_cast<int>(kd.size()) - 1; i >= 0; --i) {
    ks.insert(ks.begin(), ksz);
    ksz *= kd[i];
  }
  dnnl::memory::dims dims, strides;
  if (a.group > 1) {
    dims = {a.group, mg, cg};
    strides = {cg * mg * ksz, ksz, mg * ksz};
  } else {
    dims = {mg, cg};
    strides = {ksz, mg * ksz};
  }
  dims.insert(dims.end(), kd.begin(), kd.end());
  strides.insert(strides.end(), ks.begin(), ks.end());
  return dnnl::memory::desc(dims, dnnl::memory::data_type::f32, strides);
}

std::shared_ptr<DeconvPrim> make_deconv(const DeconvArgs& a, bool const_w) {
  using md = dnnl::memory::desc;
  using dt = dnnl::memory::data_type;
  using tag = dnnl::memory::format_tag;
  auto p = std::make_shared<DeconvPrim>();
  const nn::Window& w = a.win;
  dnnl::memory::dims strides, dil, pl, pr;
  for (int i = 3 - w.nsp; i < 3; ++i) {
    strides.push_back(w.s[i]);
    dil.push_back(w.d[i] - 1);
    pl.push_back(w.pb[i]);
    pr.push_back(w.pe[i]);
  }
  p->plain_src = dnn::plain_desc(a.x.shape());
  p->plain_dst = dnn::plain_desc(a.y_shape);
  p->plain_wei = onnx_deconv_weights(a);
  md wany(p->plain_wei.dims(), dt::f32, tag::any);
  md sany(dnn::dims_of(a.x.shape()), dt::f32, tag::any), dany(dnn::dims_of(a.y_shape), dt::f32, tag::any);
  // oneDNN 2.6's deconvolution is slow with a bias or post-ops (a reference
  // epilogue); both are applied afterwards in one pass over the output instead.
  dnnl::deconvolution_forward::desc desc(dnnl::prop_kind::forward_inference, dnnl::algorithm::deconvolution_direct,
                                         sany, wany, dany, strides, dil, pl, pr);
  dnnl::deconvolution_forward::primitive_desc pd(desc, dnn::make_attr(nn::Epilogue{}, false), dnn::cpu());
  p->prim = dnnl::deconvolution_forward(pd);
  p->src = pd.src_desc();
  p->wei = pd.weights_desc();
  p->dst = pd.dst_desc();
  p->scratch = pd.scratchpad_desc();
  if (const_w) {
    p->weights = dnnl::memory(p->wei, dnn::cpu());
    dnnl::memory src(p->plain_wei, dnn::cpu(), const_cast<void*>(a.w.raw()));
    dnnl::reorder(src, p->weights).execute(dnn::stream(), src, p->weights);
    dnn::stream().wait();
    p->weights_cached = true;
  }
  return p;
}

void reorder(dnnl::memory from, dnnl::memory to) {
  dnnl::reorder(from, to).execute(dnn::stream(), from, to);
  dnn::stream().wait();
}

// ConvTranspose whose kernel equals its stride (no padding, no dilation: the
// up-sampling layers of detection heads) with few output channels per group
// (oneDNN pads output channels to 16): every output pixel reads one input
// pixel per input channel of its group. A direct NCHW loop.
bool kernel_is_stride(const DeconvArgs& a) {
  const nn::Window& w = a.win;
  if (w.nsp != 2) return false;
  for (int i = 1; i < 3; ++i)
    if (w.k[i] != w.s[i] || w.d[i] != 1 || w.pb[i] != 0 || w.pe[i] != 0 || w.out[i] != w.in[i] * w.s[i]) return false;
  return true;
}

// group == 1 and kernel == stride: per image one GEMM
//   T[M*KH*KW, H*W] = W^T[M*KH*KW, C] x X[C, H*W]
// then every T column is scattered to its KH x KW output block (+ bias, activation).
void deconv_gemm(KernelContext& c, const DeconvArgs& a) {
  const nn::Window& w = a.win;
  Tensor& y = c.alloc_output(0, DType::Float32, a.y_shape);
  const int64_t H = w.in[1], Wd = w.in[2], KH = w.k[1], KW = w.k[2], OW = w.out[2], HW = H * Wd;
  const int64_t rows = a.m * KH * KW;
  Tensor t(DType::Float32, {rows, HW}, c.pool);
  const float* B = a.b.empty() ? nullptr : a.b.data<float>();
  float* T = t.data<float>();
  for (int64_t n = 0; n < a.n; ++n) {
    const float* X = a.x.data<float>() + n * a.c * HW;
    auto st = dnnl::sgemm('T', 'N', rows, HW, a.c, 1.f, a.w.data<float>(), rows, X, HW, 0.f, T, HW);
    if (st != dnnl::status::success) c.error("oneDNN sgemm failed");
    float* Y = y.data<float>() + n * a.m * H * KH * OW;
#pragma omp parallel for collapse(2) schedule(static)
    for (int64_t m = 0; m < a.m; ++m)
      for (int64_t ih = 0; ih < H; ++ih) {
        const float bias = B ? B[m] : 0.f;
        for (int64_t kh = 0; kh < KH; ++kh) {
          float* orow = Y + (m * H * KH + ih * KH + kh) * OW;
          for (int64_t kw = 0; kw < KW; ++kw) {
            const float* src = T + ((m * KH + kh) * KW + kw) * HW + ih * Wd;
            for (int64_t iw = 0; iw < Wd; ++iw) orow[iw * KW + kw] = src[iw] + bias;
          }
          nn::apply_act_inplace_serial(a.epi, orow, OW);
        }
      }
  }
}

void deconv_unpool(KernelContext& c, const DeconvArgs& a) {
  const nn::Window& w = a.win;
  Tensor& y = c.alloc_output(0, DType::Float32, a.y_shape);
  const float* X = a.x.data<float>();
  const float* W = a.w.data<float>();
  const float* B = a.b.empty() ? nullptr : a.b.data<float>();
  float* Y = y.data<float>();
  const int64_t H = w.in[1], Wd = w.in[2], KH = w.k[1], KW = w.k[2], OW = w.out[2];
  const int64_t cg = a.c / a.group, mg = a.m / a.group;
#pragma omp parallel for collapse(2) schedule(static)
  for (int64_t nm = 0; nm < a.n * a.m; ++nm)
    for (int64_t ih = 0; ih < H; ++ih) {
      const int64_t n = nm / a.m, m = nm % a.m, g = m / mg, mo = m % mg;
      float* out = Y + nm * H * KH * OW;
      for (int64_t kh = 0; kh < KH; ++kh) {
        float* orow = out + (ih * KH + kh) * OW;
        for (int64_t ow = 0; ow < OW; ++ow) orow[ow] = B ? B[m] : 0.f;
        for (int64_t ci = 0; ci < cg; ++ci) {
          const int64_t cin = g * cg + ci;
          const float* in = X + ((n * a.c + cin) * H + ih) * Wd;
          const float* wr = W + ((cin * mg + mo) * KH + kh) * KW;
          for (int64_t kw = 0; kw < KW; ++kw) {
            const float wv = wr[kw];
            float* o = orow + kw;
            for (int64_t iw = 0; iw < Wd; ++iw) o[iw * KW] += in[iw] * wv;
          }
        }
        nn::apply_act_inplace_serial(a.epi, orow, OW);
      }
    }
}

// y = act(y + B[channel]) over an NCHW output.
void bias_act(const DeconvArgs& a, Tensor& y) {
  if (a.b.empty() && a.epi.none()) return;
  const int64_t planes = a.n * a.m, sp = a.win.out_numel();
  const float* B = a.b.empty() ? nullptr : a.b.data<float>();
  float* Y = y.data<float>();
#pragma omp parallel for schedule(static)
  for (int64_t pl = 0; pl < planes; ++pl) {
    float* o = Y + pl * sp;
    if (B) {
      const float bv = B[pl % a.m];
      for (int64_t i = 0; i < sp; ++i) o[i] += bv;
    }
    nn::apply_act_inplace_serial(a.epi, o, sp);
  }
}

void deconv_fast(KernelContext& c) {
  const DType dt = c.in(0).dtype();
  DeconvArgs a = deconv_args(c);
  if (kernel_is_stride(a) && a.group == 1) {
    deconv_gemm(c, a);
    return nn::restore_dtype(c, dt);
  }
  if (kernel_is_stride(a) && a.m / a.group <= 4) {
    deconv_unpool(c, a);
    return nn::restore_dtype(c, dt);
  }
  const bool const_w = c.input_is_constant(1) && c.in(1).dtype() == DType::Float32;
  std::shared_ptr<DeconvPrim> p;
  auto make = [&] { return std::static_pointer_cast<void>(make_deconv(a, const_w)); };
  if (c.cache) p = std::static_pointer_cast<DeconvPrim>(c.cache->get_or_create(dnn::node_key(c, const_w ? "cw" : "w"), make));
  else p = make_deconv(a, const_w);

  Tensor& y = c.alloc_output(0, DType::Float32, a.y_shape);
  dnnl::memory src = dnn::wrap(p->plain_src, a.x);
  Tensor src_blk, dst_blk;
  if (p->src != p->plain_src) {
    src_blk = Tensor(DType::UInt8, {static_cast<int64_t>(p->src.get_size())}, c.pool);
    dnnl::memory m(p->src, dnn::cpu(), src_blk.raw());
    reorder(src, m);
    src = m;
  }
  dnnl::memory dst = dnn::wrap(p->plain_dst, y);
  const bool rdst = p->dst != p->plain_dst;
  if (rdst) {
    dst_blk = Tensor(DType::UInt8, {static_cast<int64_t>(p->dst.get_size())}, c.pool);
    dst = dnnl::memory(p->dst, dnn::cpu(), dst_blk.raw());
  }
  dnnl::memory wei;
  if (p->weights_cached) wei = p->weights;
  else {
    wei = dnnl::memory(p->wei, dnn::cpu());
    reorder(dnn::wrap(p->plain_wei, a.w), wei);
  }
  std::unordered_map<int, dnnl::memory> args{{DNNL_ARG_SRC, src}, {DNNL_ARG_WEIGHTS, wei}, {DNNL_ARG_DST, dst}};
  dnn::execute(p->prim, p->scratch, args);
  if (rdst) reorder(dst, dnn::wrap(p->plain_dst, y));
  bias_act(a, y);
  nn::restore_dtype(c, dt);
}

}  // namespace

PPOCR_OP(ConvTranspose).reference(deconv_ref).fast(deconv_fast).inputs(2, 3);

}  // namespace ppocr::engine
