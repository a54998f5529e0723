// Conv (ONNX opset 17: groups/depthwise, dilations, strides, pads, auto_pad;
// 1-D, 2-D and 3-D) plus the engine's fused form:
//   inputs X, W, B?, R?   attrs activation / activation_alpha / activation_beta
//   Y = act(conv(X, W) + B + R)
// The reference kernel is a direct loop; the fast kernel is a cached oneDNN
// convolution with weights reordered once per (node, shapes).
#include <cstring>

#include "engine/ops/dnnl_util.h"
#include "engine/ops/nn_util.h"
#include "engine/ops/op_helpers.h"

namespace ppocr::engine {
namespace {

struct ConvArgs;
void conv_compute(KernelContext& c, const ConvArgs& a);

struct ConvArgs {
  Tensor x, w, b, r;  // float32; b and r may be empty
  bool x_nhwc = false, r_nhwc = false, y_nhwc = false;  // engine layout attributes (docs/engine.md)
  int64_t n = 0, c = 0, m = 0, group = 1;
  nn::Window win;
  nn::Epilogue epi;
  Shape y_shape;
};

// `to_nchw`: convert NHWC-stored inputs to NCHW tensors (reference path).
ConvArgs conv_args(const KernelContext& c, bool to_nchw) {
  ConvArgs a;
  a.x = nn::f32_input(c, 0);
  a.w = nn::f32_input(c, 1);
  if (c.has_input(2)) a.b = nn::f32_input(c, 2);
  if (c.has_input(3)) a.r = nn::f32_input(c, 3);
  a.x_nhwc = nn::nhwc_attr(c, "x_layout");
  a.r_nhwc = nn::nhwc_attr(c, "r_layout") && !a.r.empty();
  a.y_nhwc = nn::nhwc_attr(c, "y_layout");
  if ((a.x_nhwc && a.x.rank() != 4) || (a.r_nhwc && a.r.rank() != 4)) c.error("NHWC layout needs 4-D tensors");
  if (to_nchw && a.x_nhwc) {
    a.x = nn::nhwc_to_nchw(a.x, c.pool);
    a.x_nhwc = false;
  }
  if (to_nchw && a.r_nhwc) {
    a.r = nn::nhwc_to_nchw(a.r, c.pool);
    a.r_nhwc = false;
  }
  const Shape xs = nn::logical_shape(a.x, a.x_nhwc);
  const Shape& ws = a.w.shape();
  if (xs.size() < 3 || xs.size() > 5) c.error("X must have rank 3..5, got " + a.x.desc());
  if (ws.size() != xs.size()) c.error("W rank must match X: X " + a.x.desc() + ", W " + a.w.desc());
  a.group = c.node.attrs.i("group", 1);
  a.n = xs[0];
  a.c = xs[1];
  a.m = ws[0];
  if (a.group < 1 || a.c % a.group != 0 || a.m % a.group != 0)
    c.error("group " + std::to_string(a.group) + " must divide channels (X " + a.x.desc() + ", W " + a.w.desc() + ")");
  if (ws[1] * a.group != a.c)
    c.error("W " + a.w.desc() + " does not match X " + a.x.desc() + " with group " + std::to_string(a.group));
  std::vector<int64_t> kernel(ws.begin() + 2, ws.end());
  auto ks = c.node.attrs.ints("kernel_shape", kernel);
  if (ks != kernel) c.error("kernel_shape does not match W " + a.w.desc());
  a.win = nn::forward_window(c, xs, kernel, false);
  if (!a.b.empty() && (a.b.rank() != 1 || a.b.dim(0) != a.m)) c.error("B must be [" + std::to_string(a.m) + "], got " + a.b.desc());
  a.y_shape = nn::window_shape(a.n, a.m, a.win);
  if (a.y_nhwc && a.y_shape.size() != 4) c.error("NHWC layout needs 4-D tensors");
  a.epi = nn::parse_epilogue(c);
  return a;
}

// Y = act(conv + R) when R's shape differs from the conv's (numpy broadcasting
// both ways, as the Add it came from would do).
void broadcast_residual(KernelContext& c, const ConvArgs& a) {
  Tensor conv = c.outputs[0];
  Shape ys = ops::broadcast_shapes(c, conv.shape(), a.r.shape());
  Tensor& y = c.alloc_output(0, DType::Float32, ys);
  std::fill(y.data<float>(), y.data<float>() + y.numel(), 0.f);
  nn::add_broadcast(c, y.data<float>(), ys, a.r);
  nn::add_broadcast(c, y.data<float>(), ys, conv);
  nn::apply_act_inplace(a.epi, y.data<float>(), y.numel());
}

void conv_ref(KernelContext& c) {
  const DType dt = c.in(0).dtype();
  ConvArgs a = conv_args(c, true);
  if (!a.r.empty() && a.r.shape() != a.y_shape) {
    ConvArgs plain = a;
    plain.r = Tensor();
    plain.epi = nn::Epilogue{};
    conv_compute(c, plain);
    broadcast_residual(c, a);
  } else {
    conv_compute(c, a);
  }
  if (a.y_nhwc) c.outputs[0] = nn::nchw_to_nhwc(c.outputs[0], c.pool);
  nn::restore_dtype(c, dt);
}

void conv_compute(KernelContext& c, const ConvArgs& a) {
  const nn::Window& w = a.win;
  Tensor& y = c.alloc_output(0, DType::Float32, a.y_shape);
  const float* X = a.x.data<float>();
  const float* W = a.w.data<float>();
  const float* B = a.b.empty() ? nullptr : a.b.data<float>();
  const float* R = a.r.empty() ? nullptr : a.r.data<float>();
  float* Y = y.data<float>();
  const int64_t cg = a.c / a.group, mg = a.m / a.group;
  const int64_t in_sp = w.in_numel(), out_sp = w.out_numel(), ksz = w.k_numel();
#pragma omp parallel for schedule(static)
  for (int64_t nm = 0; nm < a.n * a.m; ++nm) {
    const int64_t n = nm / a.m, m = nm % a.m, g = m / mg;
    float* out = Y + nm * out_sp;
    for (int64_t i = 0; i < out_sp; ++i) out[i] = B ? B[m] : 0.f;
    for (int64_t ci = 0; ci < cg; ++ci) {
      const float* in = X + (n * a.c + g * cg + ci) * in_sp;
      const float* wk = W + (m * cg + ci) * ksz;
      for (int64_t kd = 0; kd < w.k[0]; ++kd)
        for (int64_t kh = 0; kh < w.k[1]; ++kh)
          for (int64_t kw = 0; kw < w.k[2]; ++kw) {
            const float wv = wk[(kd * w.k[1] + kh) * w.k[2] + kw];
            for (int64_t od = 0; od < w.out[0]; ++od) {
              const int64_t id = od * w.s[0] - w.pb[0] + kd * w.d[0];
              if (id < 0 || id >= w.in[0]) continue;
              for (int64_t oh = 0; oh < w.out[1]; ++oh) {
                const int64_t ih = oh * w.s[1] - w.pb[1] + kh * w.d[1];
                if (ih < 0 || ih >= w.in[1]) continue;
                const float* row = in + (id * w.in[1] + ih) * w.in[2];
                float* orow = out + (od * w.out[1] + oh) * w.out[2];
                for (int64_t ow = 0; ow < w.out[2]; ++ow) {
                  const int64_t iw = ow * w.s[2] - w.pb[2] + kw * w.d[2];
                  if (iw >= 0 && iw < w.in[2]) orow[ow] += wv * row[iw];
                }
              }
            }
          }
    }
    const float* res = R ? R + nm * out_sp : nullptr;
    for (int64_t i = 0; i < out_sp; ++i) out[i] = nn::apply_act(a.epi, out[i] + (res ? res[i] : 0.f));
  }
}

// ---- oneDNN ------------------------------------------------------------------

struct ConvPrim {
  dnnl::convolution_forward prim;
  dnnl::memory::desc src, wei, dst, scratch;
  dnnl::memory::desc user_src, user_dst;  // the tensors' layouts (NCHW or NHWC)
  bool reorder_src = false, reorder_dst = false;
  dnnl::memory weights, bias;  // cached when constant
  bool weights_cached = false;
};

// Layout policy: the tensors' own layouts (NCHW / NHWC) when oneDNN has a JIT
// kernel for them, else the layout oneDNN prefers (with reorders in and out).
// PPOCR_CONV_LAYOUT=plain|any overrides (for experiments).
const char* layout_policy() {
  static const char* p = [] {
    const char* e = std::getenv("PPOCR_CONV_LAYOUT");
    return e ? e : "auto";
  }();
  return p;
}

// W's plain descriptor as oneDNN takes it: [M, C/g, k...], grouped [g, M/g, C/g, k...].
dnnl::memory::desc weights_desc(const ConvArgs& a) {
  Shape ws = a.w.shape();
  if (a.group > 1) {
    ws[0] /= a.group;
    ws.insert(ws.begin(), a.group);
  }
  return dnn::plain_desc(ws);
}

// `xs`: X's logical NCHW shape, `ys`: Y's (those of `a`, or of a chunk of rows for the pointwise path).
std::shared_ptr<ConvPrim> make_conv(const ConvArgs& a, const Shape& xs, const Shape& ys, bool const_w, bool const_b,
                                    const KernelContext* c) {
  using md = dnnl::memory::desc;
  auto p = std::make_shared<ConvPrim>();
  const dnn::WindowDims wd = dnn::window_dims(a.win);
  const md wplain = weights_desc(a);
  p->user_src = dnn::desc_of(xs, a.x_nhwc);
  p->user_dst = dnn::desc_of(ys, a.y_nhwc);
  const md wany = dnn::any_desc(wplain.dims());
  const md bmd = dnn::plain_desc({a.m});
  auto attr = dnn::make_attr(a.epi, !a.r.empty());
  auto make_pd = [&](const md& s, const md& d) {
    auto desc = a.b.empty() ? dnnl::convolution_forward::desc(dnnl::prop_kind::forward_inference,
                                                              dnnl::algorithm::convolution_direct, s, wany, d,
                                                              wd.strides, wd.dilates, wd.pad_l, wd.pad_r)
                            : dnnl::convolution_forward::desc(dnnl::prop_kind::forward_inference,
                                                              dnnl::algorithm::convolution_direct, s, wany, bmd, d,
                                                              wd.strides, wd.dilates, wd.pad_l, wd.pad_r);
    return dnnl::convolution_forward::primitive_desc(desc, attr, dnn::cpu());
  };
  const std::string pol = layout_policy();
  dnnl::convolution_forward::primitive_desc pd;
  bool chosen = false;
  if (pol != "any") {
    pd = make_pd(p->user_src, p->user_dst);
    std::string impl = pd.impl_info_str();
    chosen = pol == "plain" || (impl.find("gemm") == std::string::npos && impl.find("ref") == std::string::npos);
  }
  if (!chosen) pd = make_pd(dnn::any_desc(dnn::dims_of(xs)), dnn::any_desc(dnn::dims_of(ys)));
  p->prim = dnnl::convolution_forward(pd);
  p->src = pd.src_desc();
  p->wei = pd.weights_desc();
  p->dst = pd.dst_desc();
  p->scratch = pd.scratchpad_desc();
  p->reorder_src = p->src != p->user_src;
  p->reorder_dst = p->dst != p->user_dst;
  if (const_w) {
    p->weights = dnn::shared_reordered(c, "convw", wplain, a.w.raw(), p->wei);
    p->weights_cached = true;
  }
  if (const_b && !a.b.empty()) {
    p->bias = dnnl::memory(bmd, dnn::cpu());
    std::memcpy(p->bias.get_data_handle(), a.b.raw(), a.b.bytes());
  }
  return p;
}

// ---- convolutions as chunks of rows -------------------------------------------
// A 1x1, stride-1, unpadded, ungrouped convolution of NHWC tensors is a product of X [rows, C] (rows = N*H*W)
// and the weights. oneDNN's primitives are made for one shape, and making one (JIT code) costs more than
// running it on a recognition crop, while the pipeline sees a new shape for every crop width and page size.
// So such a convolution runs in chunks of 2^k rows (kMinRows..kMaxRows) with one cached primitive per chunk
// size and node, whatever the input shape; a last chunk of fewer than kMinRows rows goes through a padded
// buffer. A convolution with few inputs per output (C*KH*KW <= kMaxPatch: the stems) runs the same way on
// patches gathered per chunk (im2col). The chunks are slower than one primitive made for the shape (about 1.2x
// on PP-OCRv6_tiny_rec), so a shape that recurs (dnn::shape_recurs: a third call) gets its own primitive.
// PPOCR_CONV_ROWS=0 turns the chunks off (one primitive per shape).
using dnn::kMaxRows;
using dnn::kMinRows;
constexpr int64_t kMaxPatchRows = 2048, kMaxPatch = 256;

// NHWC out (and in, for pointwise ones), 2-D, ungrouped, residual (if any) of Y's shape and layout.
bool rows_layout(const ConvArgs& a) {
  if (!dnn::rows_enabled() || a.win.nsp != 2 || a.group != 1 || !a.y_nhwc) return false;
  if (!a.r.empty() && (!a.r_nhwc || nn::logical_shape(a.r, true) != a.y_shape)) return false;
  return a.y_shape[0] * a.y_shape[2] * a.y_shape[3] >= kMinRows;
}

bool pointwise(const ConvArgs& a) {
  const nn::Window& w = a.win;
  if (!a.x_nhwc) return false;
  for (int i = 1; i < 3; ++i)
    if (w.k[i] != 1 || w.s[i] != 1 || w.d[i] != 1 || w.pb[i] != 0 || w.pe[i] != 0) return false;
  return true;
}

// Runs the pointwise convolution `pa` (inputs pa.c, outputs pa.m) on `rows` rows into Y ([rows, pa.m], holding
// the residual if any): `src(r0, n, buf)` gives rows r0..r0+n of its input, in `buf` (room for max(n, kMinRows)
// rows) or elsewhere. `key` names the node.
template <class Src>
void run_rows(KernelContext& c, const ConvArgs& pa, const std::string& key, int64_t rows, int64_t max_rows,
              float* Y, Src src) {
  const int64_t C = pa.c, M = pa.m;
  auto run = [&](int64_t n, const float* x, float* out) {
    auto p = std::static_pointer_cast<ConvPrim>(c.cache->get_or_create(key + std::to_string(n), [&] {
      return std::static_pointer_cast<void>(make_conv(pa, {1, C, 1, n}, {1, M, 1, n}, true, true, &c));
    }));
    PPOCR_CHECK(!p->reorder_src && !p->reorder_dst, "conv rows: unexpected oneDNN layout");
    std::unordered_map<int, dnnl::memory> args{
        {DNNL_ARG_SRC, dnnl::memory(p->user_src, dnn::cpu(), const_cast<float*>(x))},
        {DNNL_ARG_WEIGHTS, p->weights},
        {DNNL_ARG_DST, dnnl::memory(p->user_dst, dnn::cpu(), out)}};
    if (!pa.b.empty()) args[DNNL_ARG_BIAS] = p->bias;
    dnn::execute(p->prim, p->scratch, args);
  };
  Tensor buf(DType::Float32, {std::min(max_rows, rows) + kMinRows, C}, c.pool);
  const int64_t done = dnn::for_row_chunks(
      rows, max_rows, [&](int64_t r0, int64_t n) { run(n, src(r0, n, buf.data<float>()), Y + r0 * M); });
  if (done < rows) {
    const int64_t t = rows - done;
    float* xb = buf.data<float>();
    const float* x = src(done, t, xb);
    if (x != xb) std::memcpy(xb, x, sizeof(float) * t * C);
    std::fill(xb + t * C, xb + kMinRows * C, 0.f);
    Tensor yb(DType::Float32, {kMinRows, M}, c.pool);
    if (!pa.r.empty()) std::memcpy(yb.raw(), Y + done * M, sizeof(float) * t * M);
    run(kMinRows, xb, yb.data<float>());
    std::memcpy(Y + done * M, yb.raw(), sizeof(float) * t * M);
  }
}

Tensor& alloc_rows_output(KernelContext& c, const ConvArgs& a) {
  Tensor& y = c.alloc_output(0, DType::Float32, {a.y_shape[0], a.y_shape[2], a.y_shape[3], a.y_shape[1]});
  if (!a.r.empty()) std::memcpy(y.raw(), a.r.raw(), a.r.bytes());  // the `sum` post-op adds it
  return y;
}

void conv_pointwise(KernelContext& c, const ConvArgs& a) {
  const int64_t rows = a.y_shape[0] * a.y_shape[2] * a.y_shape[3];
  Tensor& y = alloc_rows_output(c, a);
  const float* X = a.x.data<float>();
  run_rows(c, a, dnn::node_id_key(c, "convrows"), rows, kMaxRows, y.data<float>(),
           [&](int64_t r0, int64_t, float*) { return X + r0 * a.c; });
}

void conv_patches(KernelContext& c, const ConvArgs& a) {
  const nn::Window& w = a.win;
  const int64_t OH = a.y_shape[2], OW = a.y_shape[3], C = a.c, M = a.m;
  const int64_t KH = w.k[1], KW = w.k[2], IH = w.in[1], IW = w.in[2];
  const int64_t K = (C * KH * KW + 15) / 16 * 16;  // zero-padded to oneDNN's channel block (its 1x1 NHWC kernels)
  // Weights [M, C, KH, KW] -> [M, KH, KW, C] + zeros (the patch order), once per node.
  auto wt = std::static_pointer_cast<Tensor>(c.cache->get_or_create(dnn::node_id_key(c, "convpatchw"), [&] {
    auto t = std::make_shared<Tensor>(DType::Float32, Shape{M, K, 1, 1});
    const float* W = a.w.data<float>();
    float* T = t->data<float>();
    std::fill(T, T + M * K, 0.f);
    for (int64_t m = 0; m < M; ++m)
      for (int64_t ci = 0; ci < C; ++ci)
        for (int64_t k = 0; k < KH * KW; ++k) T[m * K + k * C + ci] = W[(m * C + ci) * KH * KW + k];
    return std::static_pointer_cast<void>(t);
  }));
  ConvArgs pa = a;
  pa.w = *wt;
  pa.c = K;
  pa.x_nhwc = true;  // the patches
  pa.win = nn::Window{};
  pa.win.nsp = 2;
  Tensor& y = alloc_rows_output(c, a);
  // An NCHW input (the stems: 3 channels) is put in NHWC once, so that each
  // kernel row of a patch is one run of KW * C floats (with dilation 1).
  const float* X = a.x.data<float>();
  Tensor xt;
  if (!a.x_nhwc) {
    const int64_t N = a.y_shape[0], HW = IH * IW;
    xt = Tensor(DType::Float32, {N, IH, IW, C}, c.pool);
    float* T = xt.data<float>();
#pragma omp parallel for schedule(static)
    for (int64_t img = 0; img < N; ++img)
      for (int64_t ci = 0; ci < C; ++ci) {
        const float* src = X + (img * C + ci) * HW;
        float* dst = T + img * HW * C + ci;
        for (int64_t i = 0; i < HW; ++i) dst[i * C] = src[i];
      }
    X = T;
  }
  const bool runs = w.d[2] == 1;
  auto gather = [&](int64_t r0, int64_t n, float* buf) {
#pragma omp parallel for schedule(static)
    for (int64_t i = 0; i < n; ++i) {
      const int64_t r = r0 + i, ow = r % OW, oh = (r / OW) % OH, img = r / (OW * OH);
      float* out = buf + i * K;
      const int64_t iw0 = ow * w.s[2] - w.pb[2];
      const bool inside = runs && iw0 >= 0 && iw0 + KW <= IW;
      for (int64_t kh = 0; kh < KH; ++kh) {
        const int64_t ih = oh * w.s[1] - w.pb[1] + kh * w.d[1];
        if (ih < 0 || ih >= IH) {
          std::fill(out, out + KW * C, 0.f);
          out += KW * C;
        } else if (inside) {
          const float* src = X + ((img * IH + ih) * IW + iw0) * C;
          for (int64_t k = 0; k < KW * C; ++k) out[k] = src[k];
          out += KW * C;
        } else {
          for (int64_t kw = 0; kw < KW; ++kw, out += C) {
            const int64_t iw = iw0 + kw * w.d[2];
            if (iw < 0 || iw >= IW) std::fill(out, out + C, 0.f);
            else std::memcpy(out, X + ((img * IH + ih) * IW + iw) * C, sizeof(float) * C);
          }
        }
      }
      std::fill(out, buf + (i + 1) * K, 0.f);
    }
    return static_cast<const float*>(buf);
  };
  run_rows(c, pa, dnn::node_id_key(c, "convpatch"), a.y_shape[0] * OH * OW, kMaxPatchRows, y.data<float>(), gather);
}

void conv_fast(KernelContext& c) {
  const DType dt = c.in(0).dtype();
  ConvArgs a = conv_args(c, false);
  if (!a.r.empty() && nn::logical_shape(a.r, a.r_nhwc) != a.y_shape) return conv_ref(c);  // broadcast residual: rare
  const bool const_w = c.input_is_constant(1);  // a.w / a.b are float32 (cast) copies either way
  const bool const_b = c.input_is_constant(2);
  std::shared_ptr<ConvPrim> p;
  const std::string key = c.cache ? dnn::node_key(c, const_w ? "cw" : "w") : std::string();
  if (c.cache && const_w && (const_b || a.b.empty()) && rows_layout(a) && !dnn::use_shape_primitive(c, key)) {
    if (pointwise(a)) return conv_pointwise(c, a), nn::restore_dtype(c, dt);
    const int64_t patch = a.c * a.win.k[1] * a.win.k[2], rows = a.y_shape[0] * a.y_shape[2] * a.y_shape[3];
    if (patch <= 32 || (patch <= kMaxPatch && rows <= kMaxPatchRows * 8))  // gathering big maps costs more
      return conv_patches(c, a), nn::restore_dtype(c, dt);
  }
  const Shape xs = nn::logical_shape(a.x, a.x_nhwc);
  auto make = [&] { return std::static_pointer_cast<void>(make_conv(a, xs, a.y_shape, const_w, const_b, &c)); };
  if (c.cache) p = std::static_pointer_cast<ConvPrim>(c.cache->get_or_create(key, make));
  else p = make_conv(a, xs, a.y_shape, const_w, const_b, nullptr);

  const Shape& ys = a.y_shape;
  Tensor& y = c.alloc_output(0, DType::Float32, a.y_nhwc ? Shape{ys[0], ys[2], ys[3], ys[1]} : ys);
  Tensor src_blk, dst_blk;
  const dnnl::memory src = dnn::staged(dnn::wrap(p->user_src, a.x), p->src, c.pool, src_blk, true);
  const dnnl::memory dst = dnn::staged(dnn::wrap(p->user_dst, y), p->dst, c.pool, dst_blk, false);
  if (!a.r.empty()) {
    const dnnl::memory rm = dnn::wrap(dnn::desc_of(nn::logical_shape(a.r, a.r_nhwc), a.r_nhwc), a.r);
    if (rm.get_desc() == dst.get_desc()) std::memcpy(dst.get_data_handle(), a.r.raw(), a.r.bytes());
    else dnn::reorder(rm, dst);
  }
  const dnnl::memory wei = p->weights_cached ? p->weights : dnn::as_layout(dnn::wrap(weights_desc(a), a.w), p->wei);
  std::unordered_map<int, dnnl::memory> args{{DNNL_ARG_SRC, src}, {DNNL_ARG_WEIGHTS, wei}, {DNNL_ARG_DST, dst}};
  if (!a.b.empty()) args[DNNL_ARG_BIAS] = const_b ? p->bias : dnn::wrap(dnn::plain_desc({a.m}), a.b);
  dnn::execute(p->prim, p->scratch, args);
  if (p->reorder_dst) dnn::reorder(dst, dnn::wrap(p->user_dst, y));
  nn::restore_dtype(c, dt);
}

}  // namespace

PPOCR_OP(Conv).reference(conv_ref).fast(conv_fast).inputs(2, 4);

}  // namespace ppocr::engine
