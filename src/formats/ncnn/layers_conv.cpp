// Convolution, ConvolutionDepthWise, Deconvolution, DeconvolutionDepthWise,
// InnerProduct, Gemm and Pooling.
#include "formats/ncnn/builder.h"

namespace ppocr::formats::ncnn {
namespace {

using engine::Attrs;
using V = std::vector<int64_t>;
constexpr int64_t kMaxChannels = int64_t(1) << 24, kMaxKernel = 4096;

// Reads weight_data (+ int8 dequantisation scales when the blob is int8).
// `scale_groups` = number of dequantisation scales (per output channel / group).
std::vector<float> conv_weights(Builder& b, int64_t n, int64_t num_output, int64_t scale_groups, bool bias,
                                std::vector<float>* bias_out) {
  const Layer& L = b.layer();
  StoredAs stored;
  std::vector<float> w = b.weights(n, 0, "weight_data", &stored);
  if (bias) *bias_out = b.weights(num_output, 1, "bias_data");
  int64_t int8 = L.geti(8, 0);
  std::vector<float> scales;
  if (int8) {
    bool dw = L.type == "ConvolutionDepthWise";
    int64_t ns = (dw && (int8 == 2 || int8 == 102)) ? 1 : scale_groups;
    scales = b.weights(ns, 1, "weight_data_int8_scales");
    b.weights(1, 1, "bottom_blob_int8_scales");
    if (int8 > 100) b.weights(1, 1, "top_blob_int8_scales");
    if (ns == 1) scales.assign(static_cast<size_t>(scale_groups), scales[0]);
  }
  if (stored == StoredAs::Int8) {
    if (scales.empty()) b.error("int8 weights without int8_scale_term scales");
    int64_t per = n / scale_groups;
    for (int64_t i = 0; i < n; ++i) {
      float s = scales[static_cast<size_t>(i / per)];
      w[static_cast<size_t>(i)] = s == 0.f ? 0.f : w[static_cast<size_t>(i)] / s;
    }
  }
  return w;
}

// 1x1 convolution / inner product on a 1-D ncnn blob ([N, K]) -> [N, out].
int dense(Builder& b, int x, const std::vector<float>& w, int64_t out, int64_t in, const std::vector<float>* bias) {
  std::vector<int> ins{x, b.const_f32("weight", {out, in}, w)};
  if (bias) ins.push_back(b.const_f32("bias", {out}, *bias));
  Attrs a;
  a.set("transB", int64_t(1));
  return b.op("Gemm", ins, a);
}

void convolution(Builder& b) {
  const Layer& L = b.layer();
  b.require_inputs(1, 1);
  b.require_outputs(1);
  Blob x = b.in(0);
  bool dw = L.type == "ConvolutionDepthWise";
  int64_t out = L.geti(0, 0), kw = L.geti(1, 0), kh = L.geti(11, kw);
  int64_t dlw = L.geti(2, 1), dlh = L.geti(12, dlw), sw = L.geti(3, 1), sh = L.geti(13, sw);
  int64_t pl = L.geti(4, 0), pt = L.geti(14, pl), pr = L.geti(15, pl), pb = L.geti(16, pt);
  int64_t wsize = L.geti(6, 0), group = dw ? L.geti(7, 1) : 1;
  float pad_value = L.getf(18, 0.f);
  if (L.geti(19, 0)) b.error("dynamic_weight convolution is not supported");
  if (out <= 0 || kw <= 0 || kh <= 0 || dlw <= 0 || dlh <= 0 || sw <= 0 || sh <= 0 || group <= 0 || out % group ||
      out > kMaxChannels || kw > kMaxKernel || kh > kMaxKernel)
    b.error("invalid convolution parameters");
  if (wsize <= 0 || wsize % (out * kh * kw)) b.error("weight_data_size does not match num_output and kernel");
  int64_t in_per_group = wsize / (out * kh * kw);
  std::vector<float> bias;
  bool has_bias = L.geti(5, 0) != 0;
  std::vector<float> w = conv_weights(b, wsize, out, dw ? group : out, has_bias, &bias);
  int y;
  if (x.rank == 1) {
    if (kw != 1 || kh != 1 || group != 1) b.error("convolution of a 1-D blob needs a 1x1 kernel and group 1");
    y = dense(b, x.id, w, out, in_per_group, has_bias ? &bias : nullptr);
  } else {
    if (x.rank != 3) b.error("convolution input must be 3-D (c, h, w)");
    if (x.dims[0] > 0 && x.dims[0] != in_per_group * group) b.error("input channels do not match the weights");
    Attrs a;
    a.set("kernel_shape", V{kh, kw});
    a.set("strides", V{sh, sw});
    a.set("dilations", V{dlh, dlw});
    a.set("group", group);
    int xin = x.id;
    if (pl == -233 || pl == -234) {
      a.set("auto_pad", std::string(pl == -233 ? "SAME_UPPER" : "SAME_LOWER"));
    } else {
      if (pl < 0 || pt < 0 || pr < 0 || pb < 0) b.error("negative padding");
      if (pad_value != 0.f && (pl || pt || pr || pb)) {
        Attrs pa;
        pa.set("mode", std::string("constant"));
        xin = b.op("Pad", {xin, b.const_i64("pads", {0, 0, pt, pl, 0, 0, pb, pr}), b.scalar(pad_value)}, pa);
        a.set("pads", V{0, 0, 0, 0});
      } else {
        a.set("pads", V{pt, pl, pb, pr});
      }
    }
    std::vector<int> ins{xin, b.const_f32("weight", {out, in_per_group, kh, kw}, w)};
    if (has_bias) ins.push_back(b.const_f32("bias", {out}, bias));
    y = b.op("Conv", ins, a);
  }
  y = b.activation(y, static_cast<int>(L.geti(9, 0)), L.floats(10));
  b.set_out(0, y, x.rank, x.rank == 1 ? V{out} : V{out, -1, -1});
}
ConverterRegistrar r_conv({"Convolution", "ConvolutionDepthWise"}, convolution);

void deconvolution(Builder& b) {
  const Layer& L = b.layer();
  b.require_inputs(1, 1);
  b.require_outputs(1);
  Blob x = b.in(0);
  bool dw = L.type == "DeconvolutionDepthWise";
  int64_t out = L.geti(0, 0), kw = L.geti(1, 0), kh = L.geti(11, kw);
  int64_t dlw = L.geti(2, 1), dlh = L.geti(12, dlw), sw = L.geti(3, 1), sh = L.geti(13, sw);
  int64_t pl = L.geti(4, 0), pt = L.geti(14, pl), pr = L.geti(15, pl), pb = L.geti(16, pt);
  int64_t opr = L.geti(18, 0), opb = L.geti(19, opr);
  int64_t wsize = L.geti(6, 0), group = dw ? L.geti(7, 1) : 1;
  if (L.geti(28, 0)) b.error("dynamic_weight deconvolution is not supported");
  if (L.geti(20, 0) > 0 || L.geti(21, 0) > 0) b.error("deconvolution with fixed output_w/output_h is not supported");
  if (out <= 0 || kw <= 0 || kh <= 0 || dlw <= 0 || dlh <= 0 || sw <= 0 || sh <= 0 || group <= 0 || out % group ||
      out > kMaxChannels || kw > kMaxKernel || kh > kMaxKernel)
    b.error("invalid deconvolution parameters");
  if (pl < 0 || pt < 0 || pr < 0 || pb < 0 || opr < 0 || opb < 0) b.error("negative or automatic padding is not supported");
  if (wsize <= 0 || wsize % (out * kh * kw)) b.error("weight_data_size does not match num_output and kernel");
  if (x.rank != 3) b.error("deconvolution input must be 3-D (c, h, w)");
  int64_t in_pg = wsize / (out * kh * kw), out_pg = out / group, k = kh * kw;
  bool has_bias = L.geti(5, 0) != 0;
  std::vector<float> w = b.weights(wsize, 0, "weight_data");
  std::vector<float> bias;
  if (has_bias) bias = b.weights(out, 1, "bias_data");
  // ncnn: [group][out/g][in/g][kh][kw]; ONNX ConvTranspose: [in][out/g][kh][kw].
  std::vector<float> wt(w.size());
  for (int64_t g = 0; g < group; ++g)
    for (int64_t o = 0; o < out_pg; ++o)
      for (int64_t i = 0; i < in_pg; ++i)
        for (int64_t s = 0; s < k; ++s)
          wt[static_cast<size_t>(((g * in_pg + i) * out_pg + o) * k + s)] =
              w[static_cast<size_t>(((g * out_pg + o) * in_pg + i) * k + s)];
  Attrs a;
  a.set("kernel_shape", V{kh, kw});
  a.set("strides", V{sh, sw});
  a.set("dilations", V{dlh, dlw});
  a.set("group", group);
  a.set("pads", V{pt, pl, pb, pr});
  if (opr || opb) a.set("output_padding", V{opb, opr});
  std::vector<int> ins{x.id, b.const_f32("weight", {in_pg * group, out_pg, kh, kw}, wt)};
  if (has_bias) ins.push_back(b.const_f32("bias", {out}, bias));
  int y = b.op("ConvTranspose", ins, a);
  y = b.activation(y, static_cast<int>(L.geti(9, 0)), L.floats(10));
  b.set_out(0, y, 3, V{out, -1, -1});
}
ConverterRegistrar r_deconv({"Deconvolution", "DeconvolutionDepthWise"}, deconvolution);

void inner_product(Builder& b) {
  const Layer& L = b.layer();
  b.require_inputs(1, 1);
  b.require_outputs(1);
  Blob x = b.in(0);
  int64_t out = L.geti(0, 0), wsize = L.geti(2, 0);
  if (out <= 0 || wsize <= 0 || wsize % out) b.error("weight_data_size does not match num_output");
  int64_t in = wsize / out;
  bool has_bias = L.geti(1, 0) != 0;
  std::vector<float> bias;
  std::vector<float> w = conv_weights(b, wsize, out, out, has_bias, &bias);
  int y, rank = 1;
  if (x.rank == 2 && (x.dims[1] == in || x.dims[1] < 0)) {
    // Batched rows: [N, h, in] x [in, out] -> [N, h, out].
    std::vector<float> wt(w.size());
    for (int64_t o = 0; o < out; ++o)
      for (int64_t i = 0; i < in; ++i) wt[static_cast<size_t>(i * out + o)] = w[static_cast<size_t>(o * in + i)];
    y = b.op("MatMul", {x.id, b.const_f32("weight", {in, out}, wt)});
    if (has_bias) y = b.op("Add", {y, b.const_f32("bias", {out}, bias)});
    rank = 2;
  } else {
    int flat = x.rank == 1 ? x.id : b.op("Reshape", {x.id, b.const_i64("shape", {0, -1})});
    y = dense(b, flat, w, out, in, has_bias ? &bias : nullptr);
  }
  y = b.activation(y, static_cast<int>(L.geti(9, 0)), L.floats(10));
  b.set_out(0, y, rank, rank == 1 ? V{out} : V{x.dims[0], out});
}
ConverterRegistrar r_ip({"InnerProduct"}, inner_product);

// Swaps the two innermost axes of an engine value of total rank r.
int swap_last2(Builder& b, int x, int r) {
  V perm;
  for (int k = 0; k < r; ++k) perm.push_back(k);
  std::swap(perm[static_cast<size_t>(r - 1)], perm[static_cast<size_t>(r - 2)]);
  Attrs a;
  a.set("perm", perm);
  return b.op("Transpose", {x}, a);
}

void gemm(Builder& b) {
  const Layer& L = b.layer();
  b.require_outputs(1);
  float alpha = L.getf(0, 1.f), beta = L.getf(1, 1.f);
  int64_t transA = L.geti(2, 0), transB = L.geti(3, 0);
  bool cA = L.geti(4, 0), cB = L.geti(5, 0), cC = L.geti(6, 0);
  int64_t M = L.geti(7, 0), N = L.geti(8, 0), K = L.geti(9, 0), bcC = L.geti(10, 0);
  if (L.geti(11, 0)) b.error("Gemm output_N1M is not supported");
  if (L.geti(18, 0)) b.error("quantised Gemm is not supported");
  size_t dyn = (cA ? 0 : 1) + (cB ? 0 : 1);
  b.require_inputs(dyn, dyn + (cC ? 0 : 1));
  size_t next = 0;
  int a = -1, bm = -1, rank = 2;
  std::vector<int64_t> adims;
  if (cA) {
    if (M <= 0 || K <= 0) b.error("constant A needs constantM and constantK");
    auto v = b.weights(M * K, 0, "A_data");
    a = b.const_f32("A", transA ? V{K, M} : V{M, K}, v);
    if (transA) a = swap_last2(b, a, 2);
  } else {
    Blob xa = b.in(next++);
    if (xa.rank != 2 && xa.rank != 3) b.error("Gemm A must be 2-D or 3-D");
    rank = xa.rank;
    adims = xa.dims;
    a = transA ? swap_last2(b, xa.id, xa.rank + 1) : xa.id;
  }
  if (cB) {
    if (N <= 0 || K <= 0) b.error("constant B needs constantN and constantK");
    auto v = b.weights(N * K, 0, "B_data");
    if (transB) {  // stored [N][K]: transpose at import to [K][N]
      std::vector<float> t(v.size());
      for (int64_t n = 0; n < N; ++n)
        for (int64_t k = 0; k < K; ++k) t[static_cast<size_t>(k * N + n)] = v[static_cast<size_t>(n * K + k)];
      v.swap(t);
    }
    bm = b.const_f32("B", {K, N}, v);
  } else {
    Blob xb = b.in(next++);
    if (xb.rank != 2 && xb.rank != 3) b.error("Gemm B must be 2-D or 3-D");
    rank = std::max(rank, xb.rank);
    bm = transB ? swap_last2(b, xb.id, xb.rank + 1) : xb.id;
  }
  int y = b.op("MatMul", {a, bm});
  int c = -1;
  if (cC && bcC != -1) {
    if (bcC == 0) c = b.const_f32("C", {1}, b.weights(1, 0, "C_data"));
    else if (bcC == 1 || bcC == 2) c = b.const_f32("C", {M, 1}, b.weights(M, 0, "C_data"));
    else if (bcC == 3) c = b.const_f32("C", {M, N}, b.weights(M * N, 0, "C_data"));
    else if (bcC == 4) c = b.const_f32("C", {N}, b.weights(N, 0, "C_data"));
    else b.error("bad constant_broadcast_type_C");
  } else if (!cC && next < L.bottoms.size()) {
    Blob xc = b.in(next++);
    if (xc.rank != rank) b.error("a dynamic Gemm C must have the output's rank");
    c = xc.id;
  }
  if (c >= 0) {
    if (beta != 1.f) c = b.op("Mul", {c, b.scalar(beta)});
    y = b.op("Add", {y, c});
  }
  if (alpha != 1.f) y = b.op("Mul", {y, b.scalar(alpha)});
  if (L.geti(14, 0)) y = swap_last2(b, y, rank + 1);
  std::vector<int64_t> dims = Builder::unknown(rank);
  if (!L.geti(14, 0) && N > 0) dims.back() = N;
  b.set_out(0, y, rank, dims);
}
ConverterRegistrar r_gemm({"Gemm"}, gemm);

void pooling(Builder& b) {
  const Layer& L = b.layer();
  b.require_inputs(1, 1);
  b.require_outputs(1);
  Blob x = b.in(0);
  if (x.rank != 3) b.error("pooling input must be 3-D (c, h, w)");
  int64_t type = L.geti(0, 0);
  if (type != 0 && type != 1) b.error("unsupported pooling_type " + std::to_string(type));
  const char* gname = type == 0 ? "GlobalMaxPool" : "GlobalAveragePool";
  int64_t c = x.dims[0];
  if (L.geti(4, 0)) {  // global pooling -> 1-D blob of channels
    int g = b.op(gname, {x.id});
    b.set_out(0, b.op("Reshape", {g, b.const_i64("shape", {0, -1})}), 1, V{c});
    return;
  }
  if (L.geti(7, 0)) {  // adaptive pooling
    int64_t ow = L.geti(8, 0), oh = L.geti(18, ow);
    if (ow == -233 && oh == -233) {
      b.set_out(0, x);
      return;
    }
    if (ow != 1 || oh != 1) b.error("adaptive pooling is only supported to a 1x1 output");
    b.set_out(0, b.op(gname, {x.id}), 3, V{c, 1, 1});
    return;
  }
  int64_t kw = L.geti(1, 0), kh = L.geti(11, kw), sw = L.geti(2, 1), sh = L.geti(12, sw);
  int64_t pl = L.geti(3, 0), pr = L.geti(14, pl), pt = L.geti(13, pl), pb = L.geti(15, pt);
  int64_t mode = L.geti(5, 0);
  if (kw <= 0 || kh <= 0 || sw <= 0 || sh <= 0 || pl < 0 || pr < 0 || pt < 0 || pb < 0)
    b.error("invalid pooling parameters");
  Attrs a;
  a.set("kernel_shape", V{kh, kw});
  a.set("strides", V{sh, sw});
  if (mode == 0 || mode == 1) {
    a.set("pads", V{pt, pl, pb, pr});
    a.set("ceil_mode", int64_t(mode == 0 ? 1 : 0));
    if (type == 1) a.set("count_include_pad", L.geti(6, 0) ? int64_t(1) : int64_t(0));
  } else if (mode == 2 || mode == 3) {
    a.set("auto_pad", std::string(mode == 2 ? "SAME_UPPER" : "SAME_LOWER"));
    if (type == 1) a.set("count_include_pad", int64_t(1));  // ncnn counts the automatic padding
  } else {
    b.error("unsupported pad_mode " + std::to_string(mode));
  }
  b.set_out(0, b.op(type == 0 ? "MaxPool" : "AveragePool", {x.id}, a), 3, V{c, -1, -1});
}
ConverterRegistrar r_pool({"Pooling"}, pooling);

}  // namespace
}  // namespace ppocr::formats::ncnn
