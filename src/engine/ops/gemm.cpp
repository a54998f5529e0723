// Gemm (ONNX): Y = alpha * A' @ B' + beta * C, A' = transA ? A^T : A (2-D),
// C optional and unidirectionally broadcast to [M, N]. Also takes the fused
// activation attributes (docs/engine.md), applied last.
// Reference: plain loops; fast: cached oneDNN matmul on strided views.
#include "engine/ops/dnnl_util.h"
#include "engine/ops/nn_util.h"

namespace ppocr::engine {
namespace {

struct GemmArgs {
  Tensor a, b, cc;
  bool ta = false, tb = false;
  float alpha = 1, beta = 1;
  int64_t m = 0, k = 0, n = 0;
  nn::Epilogue epi;
};

GemmArgs gemm_args(const KernelContext& c) {
  GemmArgs g;
  g.a = nn::f32_input(c, 0);
  g.b = nn::f32_input(c, 1);
  if (c.has_input(2)) g.cc = nn::f32_input(c, 2);
  if (g.a.rank() != 2 || g.b.rank() != 2) c.error("A and B must be 2-D: " + g.a.desc() + ", " + g.b.desc());
  g.ta = c.node.attrs.i("transA", 0) != 0;
  g.tb = c.node.attrs.i("transB", 0) != 0;
  g.alpha = c.node.attrs.f("alpha", 1.f);
  g.beta = c.node.attrs.f("beta", 1.f);
  g.m = g.ta ? g.a.dim(1) : g.a.dim(0);
  g.k = g.ta ? g.a.dim(0) : g.a.dim(1);
  const int64_t kb = g.tb ? g.b.dim(1) : g.b.dim(0);
  g.n = g.tb ? g.b.dim(0) : g.b.dim(1);
  if (kb != g.k) c.error("inner dimensions differ: A " + g.a.desc() + ", B " + g.b.desc());
  g.epi = nn::parse_epilogue(c);
  return g;
}

void finish(KernelContext& c, const GemmArgs& g, Tensor& y) {
  if (!g.cc.empty() && g.beta != 0.f) nn::add_broadcast(c, y.data<float>(), y.shape(), g.cc, g.beta);
  nn::apply_act_inplace(g.epi, y.data<float>(), y.numel());
}

void gemm_ref(KernelContext& c) {
  const DType dt = c.in(0).dtype();
  GemmArgs g = gemm_args(c);
  Tensor& y = c.alloc_output(0, DType::Float32, {g.m, g.n});
  const float* A = g.a.data<float>();
  const float* B = g.b.data<float>();
  float* Y = y.data<float>();
  const int64_t M = g.m, K = g.k, N = g.n;
#pragma omp parallel for schedule(static)
  for (int64_t i = 0; i < M; ++i) {
    float* yr = Y + i * N;
    for (int64_t j = 0; j < N; ++j) yr[j] = 0.f;
    for (int64_t p = 0; p < K; ++p) {
      const float av = g.ta ? A[p * M + i] : A[i * K + p];
      for (int64_t j = 0; j < N; ++j) yr[j] += av * (g.tb ? B[j * K + p] : B[p * N + j]);
    }
    for (int64_t j = 0; j < N; ++j) yr[j] *= g.alpha;
  }
  finish(c, g, y);
  nn::restore_dtype(c, dt);
}

struct GemmPrim {
  dnnl::matmul prim;
  dnnl::memory::desc a, b, y, scratch;
};

std::shared_ptr<GemmPrim> make_gemm(const GemmArgs& g) {
  using dt = dnnl::memory::data_type;
  auto p = std::make_shared<GemmPrim>();
  p->a = g.ta ? dnnl::memory::desc({g.m, g.k}, dt::f32, dnnl::memory::dims{1, g.m})
              : dnnl::memory::desc({g.m, g.k}, dt::f32, dnnl::memory::dims{g.k, 1});
  p->b = g.tb ? dnnl::memory::desc({g.k, g.n}, dt::f32, dnnl::memory::dims{1, g.k})
              : dnnl::memory::desc({g.k, g.n}, dt::f32, dnnl::memory::dims{g.n, 1});
  p->y = dnn::plain_desc({g.m, g.n});
  dnnl::primitive_attr attr = dnn::make_attr(nn::Epilogue{}, false);
  if (g.alpha != 1.f) attr.set_output_scales(0, {g.alpha});
  dnnl::matmul::primitive_desc pd(dnnl::matmul::desc(p->a, p->b, p->y), attr, dnn::cpu());
  p->prim = dnnl::matmul(pd);
  p->scratch = pd.scratchpad_desc();
  return p;
}

void gemm_fast(KernelContext& c) {
  const DType dt = c.in(0).dtype();
  GemmArgs g = gemm_args(c);
  if (g.m == 0 || g.n == 0 || g.k == 0) return gemm_ref(c);
  std::shared_ptr<GemmPrim> p;
  auto make = [&] { return std::static_pointer_cast<void>(make_gemm(g)); };
  if (c.cache) p = std::static_pointer_cast<GemmPrim>(c.cache->get_or_create(dnn::node_key(c), make));
  else p = make_gemm(g);
  Tensor& y = c.alloc_output(0, DType::Float32, {g.m, g.n});
  dnn::execute(p->prim, p->scratch,
               {{DNNL_ARG_SRC, dnn::wrap(p->a, g.a)}, {DNNL_ARG_WEIGHTS, dnn::wrap(p->b, g.b)},
                {DNNL_ARG_DST, dnn::wrap(p->y, y)}});
  finish(c, g, y);
  nn::restore_dtype(c, dt);
}

}  // namespace

PPOCR_OP(Gemm).reference(gemm_ref).fast(gemm_fast).inputs(2, 3);

}  // namespace ppocr::engine
