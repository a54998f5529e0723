// ConvTranspose (ONNX opset 17: groups, dilations, strides, pads, auto_pad,
// output_padding, output_shape; 1-D..3-D) plus the fused activation
// attributes of Conv (docs/engine.md): Y = act(convT(X, W) + B).
// W is [C, M/group, k...]. Reference: scatter loop; fast: cached oneDNN deconvolution,
// GEMM + scatter when kernel == stride. Engine attributes x_layout / y_layout =
// "NHWC" (assign_conv_layouts): X / Y are 4-D tensors stored [N,H,W,C].
#include <cstring>

#include "engine/ops/dnnl_util.h"
#include "engine/ops/fast_math.h"
#include "engine/ops/nn_util.h"

namespace ppocr::engine {
namespace {

struct DeconvArgs {
  Tensor x, w, b;
  int64_t n = 0, c = 0, m = 0, group = 1;
  nn::Window win;
  nn::Epilogue epi;
  Shape y_shape;              // logical NCHW
  bool x_nhwc = false, y_nhwc = false;  // engine layout attributes (assign_conv_layouts)
};

DeconvArgs deconv_args(const KernelContext& c) {
  DeconvArgs a;
  a.x = nn::f32_input(c, 0);
  a.w = nn::f32_input(c, 1);
  if (c.has_input(2)) a.b = nn::f32_input(c, 2);
  a.x_nhwc = nn::nhwc_attr(c, "x_layout");
  a.y_nhwc = nn::nhwc_attr(c, "y_layout");
  if ((a.x_nhwc || a.y_nhwc) && a.x.rank() != 4) c.error("NHWC layout needs a 4-D X, got " + a.x.desc());
  const Shape xs = nn::logical_shape(a.x, a.x_nhwc);
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
  if (a.x_nhwc) a.x = nn::nhwc_to_nchw(a.x, c.pool);
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
  if (a.y_nhwc) c.outputs[0] = nn::nchw_to_nhwc(c.outputs[0], c.pool);
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
  auto p = std::make_shared<DeconvPrim>();
  const dnn::WindowDims wd = dnn::window_dims(a.win);
  p->plain_src = dnn::plain_desc(a.x.shape());
  p->plain_dst = dnn::plain_desc(a.y_shape);
  p->plain_wei = onnx_deconv_weights(a);
  // oneDNN 2.6's deconvolution is slow with a bias or post-ops (a reference
  // epilogue); both are applied afterwards in one pass over the output instead.
  dnnl::deconvolution_forward::desc desc(dnnl::prop_kind::forward_inference, dnnl::algorithm::deconvolution_direct,
                                         dnn::any_desc(dnn::dims_of(a.x.shape())), dnn::any_desc(p->plain_wei.dims()),
                                         dnn::any_desc(dnn::dims_of(a.y_shape)), wd.strides, wd.dilates, wd.pad_l,
                                         wd.pad_r);
  dnnl::deconvolution_forward::primitive_desc pd(desc, dnn::make_attr(nn::Epilogue{}, false), dnn::cpu());
  p->prim = dnnl::deconvolution_forward(pd);
  p->src = pd.src_desc();
  p->wei = pd.weights_desc();
  p->dst = pd.dst_desc();
  p->scratch = pd.scratchpad_desc();
  if (const_w) {
    p->weights = dnn::reordered(p->plain_wei, a.w.raw(), p->wei);
    p->weights_cached = true;
  }
  return p;
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

// group == 1 and kernel == stride: per image one GEMM (oneDNN matmul)
//   T[M*KH*KW, H*W] = W^T[M*KH*KW, C] x X[C, H*W]
// then every T column is scattered to its KH x KW output block (+ bias, activation).
struct GemmPrim {
  dnnl::matmul prim;
  dnnl::memory::desc wt, x, t, scratch;
};

// The matmul T = WT x X as a oneDNN primitive (no post-ops).
std::shared_ptr<GemmPrim> make_gemm(const dnnl::memory::desc& wt, const dnnl::memory::desc& x,
                                    const dnnl::memory::desc& t) {
  auto p = std::make_shared<GemmPrim>();
  p->wt = wt;
  p->x = x;
  p->t = t;
  dnnl::matmul::primitive_desc pd(dnnl::matmul::desc(wt, x, t), dnn::make_attr(nn::Epilogue{}, false), dnn::cpu());
  p->prim = dnnl::matmul(pd);
  p->scratch = pd.scratchpad_desc();
  return p;
}

void deconv_gemm(KernelContext& c, const DeconvArgs& a) {
  const nn::Window& w = a.win;
  Tensor& y = c.alloc_output(0, DType::Float32, a.y_shape);
  const int64_t H = w.in[1], Wd = w.in[2], KH = w.k[1], KW = w.k[2], OW = w.out[2], HW = H * Wd;
  const int64_t rows = a.m * KH * KW;
  Tensor t(DType::Float32, {rows, HW}, c.pool);
  const float* B = a.b.empty() ? nullptr : a.b.data<float>();
  float* T = t.data<float>();
  // src = W^T as a strided view of W [C, rows], weights = one image's X [C, H*W], dst = T [rows, H*W].
  auto make = [&] {
    return std::static_pointer_cast<void>(make_gemm(
        dnnl::memory::desc({rows, a.c}, dnnl::memory::data_type::f32, dnnl::memory::dims{1, rows}),
        dnn::plain_desc({a.c, HW}), dnn::plain_desc({rows, HW})));
  };
  auto g = std::static_pointer_cast<GemmPrim>(c.cache ? c.cache->get_or_create(dnn::node_key(c, "gemm"), make) : make());
  for (int64_t n = 0; n < a.n; ++n) {
    const float* X = a.x.data<float>() + n * a.c * HW;
    dnn::execute(g->prim, g->scratch,
                 {{DNNL_ARG_SRC, dnnl::memory(g->wt, dnn::cpu(), const_cast<float*>(a.w.data<float>()))},
                  {DNNL_ARG_WEIGHTS, dnnl::memory(g->x, dnn::cpu(), const_cast<float*>(X))},
                  {DNNL_ARG_DST, dnnl::memory(g->t, dnn::cpu(), T)}});
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

// NHWC X, group == 1 and kernel == stride: every input pixel p gives a KH x KW
// block of output pixels, T[p, (kh, kw, m)] = X[p, :] x Wr[:, (kh, kw, m)] with
// Wr the weights reordered once [C, KH, KW, M]. Computed as oneDNN matmuls over
// chunks of 2^k input pixels (one cached primitive per chunk size, T stays in
// cache), each chunk scattered to Y (NHWC: M-vectors; NCHW: single values) with
// the bias; the activation runs over whole output rows once they are complete.
struct ScatterDims {
  int64_t H, W, KH, KW, OH, OW, M;
  bool y_nhwc;
};

// T rows p0 .. p0 + rows - 1 (input pixels (n, ih, iw) in order) + bias to their
// output blocks (n, ih*KH + kh, iw*KW + kw).
__attribute__((target_clones("avx2", "default"))) void scatter_rows(const ScatterDims& d, const float* T, int64_t p0,
                                                                     int64_t rows, const float* bias, float* Y) {
  const int64_t M = d.M, NC = d.KH * d.KW * M, plane = d.OH * d.OW;
  int64_t n = p0 / (d.H * d.W), ih = (p0 / d.W) % d.H, iw = p0 % d.W;  // divided once, then stepped
  for (int64_t r = 0; r < rows; ++r) {
    const float* t = T + r * NC;
    for (int64_t kh = 0; kh < d.KH; ++kh) {
      const int64_t orow = (n * d.OH + ih * d.KH + kh) * d.OW + iw * d.KW;  // NHWC pixel index
      for (int64_t kw = 0; kw < d.KW; ++kw) {
        const float* src = t + (kh * d.KW + kw) * M;
        if (d.y_nhwc) {
          float* o = Y + (orow + kw) * M;
#pragma omp simd
          for (int64_t m = 0; m < M; ++m) o[m] = src[m] + bias[m];
        } else {
          float* o = Y + n * (M - 1) * plane + orow + kw;  // NCHW: (n * M + m) * plane + oh * OW + ow
          for (int64_t m = 0; m < M; ++m) o[m * plane] = src[m] + bias[m];
        }
      }
    }
    if (++iw == d.W) {
      iw = 0;
      if (++ih == d.H) ih = 0, ++n;
    }
  }
}

__attribute__((target_clones("avx2", "default"))) void sigmoid_inplace(float* v, int64_t n) {
#pragma omp simd
  for (int64_t i = 0; i < n; ++i) v[i] = ops::fast_sigmoid(v[i]);
}

// One output channel, 2x2 kernel (the DB head's last layer): per input pixel the
// four outputs are dot products with its C-vector, accumulated four at a time.
// Writes rows oh = 2*ih, 2*ih + 1 of the (single-channel) output plane.
__attribute__((target_clones("avx2", "default"))) void deconv_single_2x2(const float* X, const float* wr, float bias,
                                                                          int64_t W, int64_t C, float* row0,
                                                                          float* row1) {
  for (int64_t iw = 0; iw < W; ++iw) {
    const float* x = X + iw * C;
    float acc[4] = {bias, bias, bias, bias};
    for (int64_t ci = 0; ci < C; ++ci) {
      const float v = x[ci];
      const float* w = wr + ci * 4;
#pragma omp simd
      for (int q = 0; q < 4; ++q) acc[q] += v * w[q];
    }
    row0[2 * iw] = acc[0];
    row0[2 * iw + 1] = acc[1];
    row1[2 * iw] = acc[2];
    row1[2 * iw + 1] = acc[3];
  }
}

struct DeconvRows {
  Tensor wr;  // [C, KH*KW*M]
};

void deconv_nhwc_gemm(KernelContext& c, const DeconvArgs& a) {
  const nn::Window& w = a.win;
  const int64_t H = w.in[1], Wd = w.in[2], KH = w.k[1], KW = w.k[2], OH = w.out[1], OW = w.out[2];
  const int64_t C = a.c, M = a.m, KK = KH * KW, NC = KK * M, P = a.n * H * Wd;
  auto make_w = [&]() -> std::shared_ptr<void> {
    auto r = std::make_shared<DeconvRows>();
    r->wr = Tensor(DType::Float32, {C, NC});
    const float* W = a.w.data<float>();
    float* D = r->wr.data<float>();
    for (int64_t ci = 0; ci < C; ++ci)
      for (int64_t m = 0; m < M; ++m)
        for (int64_t q = 0; q < KK; ++q) D[ci * NC + q * M + m] = W[(ci * M + m) * KK + q];
    return r;
  };
  const bool const_w = c.input_is_constant(1);
  auto wr = std::static_pointer_cast<DeconvRows>(c.cache && const_w
                                                     ? c.cache->get_or_create(dnn::node_id_key(c, "deconv_wr"), make_w)
                                                     : make_w());
  Tensor& y = c.alloc_output(0, DType::Float32, a.y_nhwc ? Shape{a.n, OH, OW, M} : a.y_shape);
  const float* X = a.x.data<float>();
  const float* B = a.b.empty() ? nullptr : a.b.data<float>();
  float* Y = y.data<float>();
  if (M == 1 && KH == 2 && KW == 2) {  // NHWC and NCHW agree for one channel
    const int64_t rows = a.n * H;
#pragma omp parallel for schedule(static) if (rows * Wd * C >= (1 << 16))
    for (int64_t r = 0; r < rows; ++r) {
      float* row0 = Y + r * 2 * OW;  // (n, 2*ih) with r = n*H + ih, OH = 2H
      deconv_single_2x2(X + r * Wd * C, wr->wr.data<float>(), B ? B[0] : 0.f, Wd, C, row0, row0 + OW);
      if (a.epi.act == nn::Act::Sigmoid && a.epi.post_scale == 1.f && a.epi.post_shift == 0.f)
        sigmoid_inplace(row0, 2 * OW);
      else
        nn::apply_act_inplace_serial(a.epi, row0, 2 * OW);
    }
    return;
  }
  std::vector<float> bias(M, 0.f);
  if (B) std::copy_n(B, M, bias.data());
  const ScatterDims d{H, Wd, KH, KW, OH, OW, M, a.y_nhwc};
  auto scatter = [&](const float* T, int64_t p0, int64_t rows) { scatter_rows(d, T, p0, rows, bias.data(), Y); };
  // The activation, vectorised over the output rows of input rows [r0, r1) (rows counted over N*H), once
  // they are complete.
  auto act_run = [&](float* v, int64_t len) {
    if (a.epi.act == nn::Act::Sigmoid && a.epi.post_scale == 1.f && a.epi.post_shift == 0.f) sigmoid_inplace(v, len);
    else nn::apply_act_inplace_serial(a.epi, v, len);
  };
  auto activate = [&](int64_t r0, int64_t r1) {
    if (a.epi.none()) return;
    for (int64_t r = r0; r < r1; ++r) {
      const int64_t n = r / H, oh = (r % H) * KH;
      if (a.y_nhwc) {
        act_run(Y + (n * OH + oh) * OW * M, KH * OW * M);
      } else {
        for (int64_t m = 0; m < M; ++m) act_run(Y + ((n * M + m) * OH + oh) * OW, KH * OW);
      }
    }
  };
  int64_t activated = 0;
  // Input pixels per matmul: T (kChunk x NC floats, <= 256 KB) stays in L2.
  int64_t kChunk = dnn::kMinRows;
  while (kChunk * 2 * NC <= 65536 && kChunk * 2 <= dnn::kMaxRows) kChunk *= 2;
  auto run_chunk = [&](const float* xs, float* t, int64_t rows) {
    auto make = [&]() -> std::shared_ptr<void> {
      return make_gemm(dnn::plain_desc({rows, C}), dnn::plain_desc({C, NC}), dnn::plain_desc({rows, NC}));
    };
    auto g = std::static_pointer_cast<GemmPrim>(
        c.cache ? c.cache->get_or_create(dnn::node_id_key(c, "deconv_rows") + std::to_string(rows), make) : make());
    dnn::execute(g->prim, g->scratch,
                 {{DNNL_ARG_SRC, dnnl::memory(g->wt, dnn::cpu(), const_cast<float*>(xs))},
                  {DNNL_ARG_WEIGHTS, dnnl::memory(g->x, dnn::cpu(), wr->wr.data<float>())},
                  {DNNL_ARG_DST, dnnl::memory(g->t, dnn::cpu(), t)}});
  };
  Tensor t(DType::Float32, {std::min(P, kChunk) + dnn::kMinRows, NC}, c.pool);
  const int64_t done = dnn::for_row_chunks(P, kChunk, [&](int64_t p0, int64_t rows) {
    run_chunk(X + p0 * C, t.data<float>(), rows);
    scatter(t.data<float>(), p0, rows);
    activate(activated, (p0 + rows) / Wd);
    activated = (p0 + rows) / Wd;
  });
  if (done < P) {  // the last few pixels: a zero-padded chunk of kMinRows
    Tensor tail(DType::Float32, {dnn::kMinRows, C}, c.pool);
    std::fill_n(tail.data<float>(), tail.numel(), 0.f);
    std::copy_n(X + done * C, (P - done) * C, tail.data<float>());
    run_chunk(tail.data<float>(), t.data<float>(), dnn::kMinRows);
    scatter(t.data<float>(), done, P - done);
  }
  activate(activated, a.n * H);
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

void deconv_nchw(KernelContext& c, const DeconvArgs& a);

void deconv_fast(KernelContext& c) {
  const DType dt = c.in(0).dtype();
  DeconvArgs a = deconv_args(c);
  if (a.x_nhwc && kernel_is_stride(a) && a.group == 1) {
    deconv_nhwc_gemm(c, a);
    return nn::restore_dtype(c, dt);
  }
  if (a.x_nhwc) a.x = nn::nhwc_to_nchw(a.x, c.pool);  // the paths below are NCHW
  const bool y_nhwc = a.y_nhwc;
  deconv_nchw(c, a);
  if (y_nhwc) c.outputs[0] = nn::nchw_to_nhwc(c.outputs[0], c.pool);
  nn::restore_dtype(c, dt);
}

void deconv_nchw(KernelContext& c, const DeconvArgs& a) {
  if (kernel_is_stride(a) && a.group == 1) {
    deconv_gemm(c, a);
    return;
  }
  if (kernel_is_stride(a) && a.m / a.group <= 4) {
    deconv_unpool(c, a);
    return;
  }
  const bool const_w = c.input_is_constant(1);
  std::shared_ptr<DeconvPrim> p;
  auto make = [&] { return std::static_pointer_cast<void>(make_deconv(a, const_w)); };
  if (c.cache) p = std::static_pointer_cast<DeconvPrim>(c.cache->get_or_create(dnn::node_key(c, const_w ? "cw" : "w"), make));
  else p = make_deconv(a, const_w);

  Tensor& y = c.alloc_output(0, DType::Float32, a.y_shape);
  Tensor src_blk, dst_blk;
  const dnnl::memory src = dnn::staged(dnn::wrap(p->plain_src, a.x), p->src, c.pool, src_blk, true);
  const dnnl::memory dst = dnn::staged(dnn::wrap(p->plain_dst, y), p->dst, c.pool, dst_blk, false);
  const dnnl::memory wei = p->weights_cached ? p->weights : dnn::as_layout(dnn::wrap(p->plain_wei, a.w), p->wei);
  std::unordered_map<int, dnnl::memory> args{{DNNL_ARG_SRC, src}, {DNNL_ARG_WEIGHTS, wei}, {DNNL_ARG_DST, dst}};
  dnn::execute(p->prim, p->scratch, args);
  if (p->dst != p->plain_dst) dnn::reorder(dst, dnn::wrap(p->plain_dst, y));
  bias_act(a, y);
}

}  // namespace

PPOCR_OP(ConvTranspose).reference(deconv_ref).fast(deconv_fast).inputs(2, 3);

}  // namespace ppocr::engine
