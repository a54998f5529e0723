#include "engine/ops/pool_util.h"

#include <algorithm>
#include <limits>

#include "engine/ops/dnnl_util.h"
#include "engine/ops/nn_util.h"

namespace ppocr::engine::nn {
namespace {

struct PoolArgs {
  Tensor x;
  Window w;
  Shape y_shape;
  bool include_pad = false;
  int storage_order = 0;
  bool nhwc = false;
};

// Engine attribute layout = "NHWC" (assign_conv_layouts, MaxPool only): X and Y
// are 4-D tensors stored [N,H,W,C]; p.w and p.y_shape stay the logical NCHW ones.
PoolArgs pool_args(const KernelContext& c, PoolKind kind) {
  PoolArgs p;
  p.x = f32_input(c, 0);
  p.nhwc = c.node.attrs.s("layout", "NCHW") == "NHWC";
  if (p.nhwc && (p.x.rank() != 4 || kind != PoolKind::Max || c.outputs.size() > 1))
    c.error("NHWC pooling needs a 4-D X, MaxPool and no Indices output");
  if (p.x.rank() < 3 || p.x.rank() > 5) c.error("X must have rank 3..5, got " + p.x.desc());
  auto ks = c.node.attrs.ints("kernel_shape", {});
  if (ks.empty()) c.error("kernel_shape is required");
  const Shape xs = p.nhwc ? Shape{p.x.dim(0), p.x.dim(3), p.x.dim(1), p.x.dim(2)} : p.x.shape();
  p.w = forward_window(c, xs, ks, c.node.attrs.i("ceil_mode", 0) != 0);
  p.y_shape = window_shape(xs[0], xs[1], p.w);
  p.include_pad = kind == PoolKind::Avg && c.node.attrs.i("count_include_pad", 0) != 0;
  p.storage_order = static_cast<int>(c.node.attrs.i("storage_order", 0));
  return p;
}

}  // namespace

namespace {

// One output row of an NHWC max pool: the per-pixel loops over C channels get
// AVX2 where the CPU has it (max is exact in any order, so every clone agrees).
__attribute__((target_clones("avx2", "default"))) void max_pool_row(const float* X, const Window& w, int64_t H,
                                                                   int64_t W, int64_t C, int64_t n, int64_t oh,
                                                                   int64_t OW, float* out, int64_t dst_pixel) {
  const float lowest = -std::numeric_limits<float>::infinity();
  for (int64_t ow = 0; ow < OW; ++ow, out += dst_pixel) {
#pragma omp simd
    for (int64_t k = 0; k < C; ++k) out[k] = lowest;
    for (int64_t kh = 0; kh < w.k[1]; ++kh) {
      const int64_t ih = oh * w.s[1] - w.pb[1] + kh * w.d[1];
      if (ih < 0 || ih >= H) continue;
      for (int64_t kw = 0; kw < w.k[2]; ++kw) {
        const int64_t iw = ow * w.s[2] - w.pb[2] + kw * w.d[2];
        if (iw < 0 || iw >= W) continue;
        const float* in = X + ((n * H + ih) * W + iw) * C;
#pragma omp simd
        for (int64_t k = 0; k < C; ++k) out[k] = std::max(out[k], in[k]);
      }
    }
  }
}

}  // namespace

void max_pool_nhwc_into(const Tensor& x, const Window& w, float* dst, int64_t dst_pixel, int64_t dst_offset) {
  const int64_t N = x.dim(0), H = w.in[1], W = w.in[2], C = x.dim(3), OH = w.out[1], OW = w.out[2];
  const float* X = x.data<float>();
#pragma omp parallel for collapse(2) schedule(static)
  for (int64_t n = 0; n < N; ++n)
    for (int64_t oh = 0; oh < OH; ++oh)
      max_pool_row(X, w, H, W, C, n, oh, OW, dst + (n * OH + oh) * OW * dst_pixel + dst_offset, dst_pixel);
}

void pool_ref(KernelContext& c, PoolKind kind) {
  const DType dt = c.in(0).dtype();
  PoolArgs p = pool_args(c, kind);
  if (p.nhwc) p.x = nhwc_to_nchw(p.x, c.pool);
  const Window& w = p.w;
  Tensor& y = c.alloc_output(0, DType::Float32, p.y_shape);
  const bool want_idx = kind == PoolKind::Max && c.outputs.size() > 1;
  int64_t* I = want_idx ? c.alloc_output(1, DType::Int64, p.y_shape).data<int64_t>() : nullptr;
  const float* X = p.x.data<float>();
  float* Y = y.data<float>();
  const int64_t planes = p.x.dim(0) * p.x.dim(1), in_sp = w.in_numel(), out_sp = w.out_numel();
#pragma omp parallel for schedule(static)
  for (int64_t pl = 0; pl < planes; ++pl) {
    const float* in = X + pl * in_sp;
    for (int64_t od = 0; od < w.out[0]; ++od)
      for (int64_t oh = 0; oh < w.out[1]; ++oh)
        for (int64_t ow = 0; ow < w.out[2]; ++ow) {
          const int64_t o[3] = {od, oh, ow};
          float best = -std::numeric_limits<float>::infinity(), sum = 0.f;
          int64_t best_i = -1, count = 0, padded = 0;
          for (int64_t kd = 0; kd < w.k[0]; ++kd)
            for (int64_t kh = 0; kh < w.k[1]; ++kh)
              for (int64_t kw = 0; kw < w.k[2]; ++kw) {
                const int64_t kk[3] = {kd, kh, kw};
                int64_t pos[3];
                bool inside = true, in_padded = true;
                for (int i = 0; i < 3; ++i) {
                  pos[i] = o[i] * w.s[i] - w.pb[i] + kk[i] * w.d[i];
                  if (pos[i] < 0 || pos[i] >= w.in[i]) inside = false;
                  if (pos[i] < -w.pb[i] || pos[i] >= w.in[i] + w.pe[i]) in_padded = false;
                }
                if (in_padded) ++padded;
                if (!inside) continue;
                const int64_t idx = (pos[0] * w.in[1] + pos[1]) * w.in[2] + pos[2];
                const float v = in[idx];
                ++count;
                sum += v;
                if (v > best || best_i < 0) {
                  best = v;
                  best_i = p.storage_order ? (pos[2] * w.in[1] + pos[1]) * w.in[0] + pos[0] : idx;
                }
              }
          const int64_t oi = (od * w.out[1] + oh) * w.out[2] + ow;
          if (kind == PoolKind::Max) {
            Y[pl * out_sp + oi] = best;
            if (I) I[pl * out_sp + oi] = best_i < 0 ? -1 : pl * in_sp + best_i;
          } else {
            const int64_t div = p.include_pad ? padded : count;
            Y[pl * out_sp + oi] = div ? sum / static_cast<float>(div) : 0.f;
          }
        }
  }
  if (p.nhwc) c.outputs[0] = nchw_to_nhwc(c.outputs[0], c.pool);
  restore_dtype(c, dt);
}

namespace {

// Direct NCHW pooling for 1-D / 2-D windows: whole output rows at a time, the
// inner loop over output columns vectorised where every tap is inside.
void pool_direct(KernelContext& c, PoolKind kind, const PoolArgs& p) {
  const Window& w = p.w;
  Tensor& y = c.alloc_output(0, DType::Float32, p.y_shape);
  const float* X = p.x.data<float>();
  float* Y = y.data<float>();
  const int64_t H = w.in[1], W = w.in[2], OH = w.out[1], OW = w.out[2];
  const int64_t KH = w.k[1], KW = w.k[2], SH = w.s[1], SW = w.s[2], DH = w.d[1], DW = w.d[2];
  const int64_t PT = w.pb[1], PL = w.pb[2];
  // Columns whose taps are all inside: ow in [lo, hi).
  int64_t lo = 0, hi = OW;
  while (lo < OW && lo * SW - PL < 0) ++lo;
  while (hi > lo && (hi - 1) * SW - PL + (KW - 1) * DW >= W) --hi;
  // Divisors of average pooling per column / row (taps inside, taps inside the padded extent).
  std::vector<int64_t> col_in(OW), col_pad(OW), row_in(OH), row_pad(OH);
  auto count = [](int64_t start, int64_t k, int64_t d, int64_t lim_lo, int64_t lim_hi) {
    int64_t n = 0;
    for (int64_t i = 0; i < k; ++i) n += (start + i * d >= lim_lo && start + i * d < lim_hi);
    return n;
  };
  for (int64_t ow = 0; ow < OW; ++ow) {
    col_in[ow] = count(ow * SW - PL, KW, DW, 0, W);
    col_pad[ow] = count(ow * SW - PL, KW, DW, -PL, W + w.pe[2]);
  }
  for (int64_t oh = 0; oh < OH; ++oh) {
    row_in[oh] = count(oh * SH - PT, KH, DH, 0, H);
    row_pad[oh] = count(oh * SH - PT, KH, DH, -PT, H + w.pe[1]);
  }
  const bool is_max = kind == PoolKind::Max;
  const float init = is_max ? -std::numeric_limits<float>::infinity() : 0.f;
  const int64_t planes = p.x.dim(0) * p.x.dim(1);
#pragma omp parallel for schedule(static)
  for (int64_t pl = 0; pl < planes; ++pl) {
    const float* in = X + pl * H * W;
    for (int64_t oh = 0; oh < OH; ++oh) {
      float* out = Y + (pl * OH + oh) * OW;
      for (int64_t ow = 0; ow < OW; ++ow) out[ow] = init;
      for (int64_t kh = 0; kh < KH; ++kh) {
        const int64_t ih = oh * SH - PT + kh * DH;
        if (ih < 0 || ih >= H) continue;
        const float* row = in + ih * W;
        for (int64_t kw = 0; kw < KW; ++kw) {
          const float* src = row + kw * DW - PL;
          if (is_max) {
#pragma omp simd
            for (int64_t ow = lo; ow < hi; ++ow) out[ow] = std::max(out[ow], src[ow * SW]);
          } else {
#pragma omp simd
            for (int64_t ow = lo; ow < hi; ++ow) out[ow] += src[ow * SW];
          }
          for (int64_t ow = 0; ow < OW; ++ow) {
            if (ow == lo) ow = std::max(hi, lo);
            if (ow >= OW) break;
            const int64_t iw = ow * SW - PL + kw * DW;
            if (iw < 0 || iw >= W) continue;
            out[ow] = is_max ? std::max(out[ow], row[iw]) : out[ow] + row[iw];
          }
        }
      }
      if (!is_max)
        for (int64_t ow = 0; ow < OW; ++ow) {
          const int64_t div = p.include_pad ? row_pad[oh] * col_pad[ow] : row_in[oh] * col_in[ow];
          out[ow] = div ? out[ow] / static_cast<float>(div) : 0.f;
        }
    }
  }
}

void max_pool_nhwc(KernelContext& c, const PoolArgs& p) {
  const Window& w = p.w;
  Tensor& y = c.alloc_output(0, DType::Float32, {p.x.dim(0), w.out[1], w.out[2], p.x.dim(3)});
  max_pool_nhwc_into(p.x, w, y.data<float>(), p.x.dim(3), 0);
}

struct PoolPrim {
  dnnl::pooling_v2_forward prim;
  dnnl::memory::desc src, dst, scratch;
};
}  // namespace

void pool_fast(KernelContext& c, PoolKind kind) {
  const DType dt = c.in(0).dtype();
  if (kind == PoolKind::Max && c.outputs.size() > 1) return pool_ref(c, kind);
  PoolArgs p = pool_args(c, kind);
  const Window& w = p.w;
  if (p.nhwc) {
    max_pool_nhwc(c, p);
    return restore_dtype(c, dt);
  }
  if (w.nsp <= 2) {
    pool_direct(c, kind, p);
    return restore_dtype(c, dt);
  }
  dnnl::memory::dims strides, kernel, dil, pl, pr;
  bool extra_pad = false;
  for (int i = 3 - w.nsp; i < 3; ++i) {
    const int64_t ext = (w.k[i] - 1) * w.d[i] + 1;
    const int64_t need = (w.out[i] - 1) * w.s[i] + ext - w.in[i] - w.pb[i];
    if (need > w.pe[i]) extra_pad = true;  // ceil_mode overhang
    strides.push_back(w.s[i]);
    kernel.push_back(w.k[i]);
    dil.push_back(w.d[i] - 1);
    pl.push_back(w.pb[i]);
    pr.push_back(std::max<int64_t>(need, 0));
  }
  if (p.include_pad && extra_pad) return pool_ref(c, kind);  // divisor would differ
  const auto alg = kind == PoolKind::Max ? dnnl::algorithm::pooling_max
                   : p.include_pad       ? dnnl::algorithm::pooling_avg_include_padding
                                         : dnnl::algorithm::pooling_avg_exclude_padding;
  auto make = [&]() -> std::shared_ptr<void> {
    auto q = std::make_shared<PoolPrim>();
    q->src = dnn::plain_desc(p.x.shape());
    q->dst = dnn::plain_desc(p.y_shape);
    try {
      dnnl::pooling_v2_forward::desc d(dnnl::prop_kind::forward_inference, alg, q->src, q->dst, strides, kernel, dil,
                                       pl, pr);
      dnnl::pooling_v2_forward::primitive_desc pd(d, dnn::make_attr(Epilogue{}, false), dnn::cpu());
      q->prim = dnnl::pooling_v2_forward(pd);
      q->scratch = pd.scratchpad_desc();
    } catch (const dnnl::error&) {
      return nullptr;  // shape oneDNN does not take: the reference runs
    }
    return q;
  };
  std::shared_ptr<void> obj = c.cache ? c.cache->get_or_create(dnn::node_key(c), make) : make();
  if (!obj) return pool_ref(c, kind);
  auto q = std::static_pointer_cast<PoolPrim>(obj);
  Tensor& y = c.alloc_output(0, DType::Float32, p.y_shape);
  dnn::execute(q->prim, q->scratch, {{DNNL_ARG_SRC, dnn::wrap(q->src, p.x)}, {DNNL_ARG_DST, dnn::wrap(q->dst, y)}});
  restore_dtype(c, dt);
}

}  // namespace ppocr::engine::nn
