// MatMul (numpy semantics: batched with broadcasting, 1-D operands get a
// dimension added and removed) plus the engine's fused form
//   inputs A, B, bias?   attrs activation / activation_alpha / activation_beta
//   Y = act(A @ B + bias)   (bias broadcast to Y, e.g. [N])
// Reference: plain loops; fast: cached oneDNN matmul.
#include <cstring>

#include "engine/ops/dnnl_util.h"
#include "engine/ops/nn_util.h"

namespace ppocr::engine {
namespace {

struct MatMulArgs {
  Tensor a, b, bias;
  Shape a3, b3;   // operands with batch dims padded to the output's batch rank
  Shape y_full;   // [batch..., M, N]
  Shape y_shape;  // with the 1-D dims removed
  int64_t m = 0, k = 0, n = 0;
  nn::Epilogue epi;
};

MatMulArgs matmul_args(const KernelContext& c) {
  MatMulArgs r;
  r.a = nn::f32_input(c, 0);
  r.b = nn::f32_input(c, 1);
  if (c.has_input(2)) r.bias = nn::f32_input(c, 2);
  Shape as = r.a.shape(), bs = r.b.shape();
  if (as.empty() || bs.empty()) c.error("operands must have rank >= 1: " + r.a.desc() + ", " + r.b.desc());
  const bool a1 = as.size() == 1, b1 = bs.size() == 1;
  if (a1) as.insert(as.begin(), 1);
  if (b1) bs.push_back(1);
  r.m = as[as.size() - 2];
  r.k = as.back();
  r.n = bs.back();
  if (bs[bs.size() - 2] != r.k) c.error("inner dimensions differ: " + r.a.desc() + " @ " + r.b.desc());
  const size_t rb = std::max(as.size(), bs.size()) - 2;
  as.insert(as.begin(), rb + 2 - as.size(), 1);
  bs.insert(bs.begin(), rb + 2 - bs.size(), 1);
  Shape batch;
  for (size_t i = 0; i < rb; ++i) {
    if (as[i] != bs[i] && as[i] != 1 && bs[i] != 1)
      c.error("batch dimensions do not broadcast: " + r.a.desc() + " @ " + r.b.desc());
    batch.push_back(as[i] == 1 ? bs[i] : as[i]);
  }
  r.a3 = as;
  r.b3 = bs;
  r.y_full = batch;
  r.y_full.push_back(r.m);
  r.y_full.push_back(r.n);
  r.y_shape = batch;
  if (!a1) r.y_shape.push_back(r.m);
  if (!b1) r.y_shape.push_back(r.n);
  r.epi = nn::parse_epilogue(c);
  return r;
}

void matmul_ref(KernelContext& c) {
  const DType dt = c.in(0).dtype();
  MatMulArgs r = matmul_args(c);
  Tensor& y = c.alloc_output(0, DType::Float32, r.y_shape);
  const float* A = r.a.data<float>();
  const float* B = r.b.data<float>();
  float* Y = y.data<float>();
  const int rb = static_cast<int>(r.y_full.size()) - 2;
  int64_t nbatch = 1;
  for (int i = 0; i < rb; ++i) nbatch *= r.y_full[i];
  const int64_t M = r.m, K = r.k, N = r.n;
#pragma omp parallel for schedule(static)
  for (int64_t bi = 0; bi < nbatch; ++bi) {
    int64_t rem = bi, ao = 0, bo = 0, as = 1, bs = 1;
    for (int i = rb - 1; i >= 0; --i) {
      const int64_t idx = rem % r.y_full[i];
      rem /= r.y_full[i];
      if (r.a3[i] != 1) ao += idx * as;
      if (r.b3[i] != 1) bo += idx * bs;
      as *= r.a3[i];
      bs *= r.b3[i];
    }
    const float* a = A + ao * M * K;
    const float* b = B + bo * K * N;
    float* out = Y + bi * M * N;
    for (int64_t i = 0; i < M; ++i) {
      float* yr = out + i * N;
      for (int64_t j = 0; j < N; ++j) yr[j] = 0.f;
      for (int64_t p = 0; p < K; ++p) {
        const float av = a[i * K + p];
        const float* br = b + p * N;
        for (int64_t j = 0; j < N; ++j) yr[j] += av * br[j];
      }
    }
  }
  if (!r.bias.empty()) nn::add_broadcast(c, Y, r.y_shape, r.bias);
  nn::apply_act_inplace(r.epi, Y, y.numel());
  nn::restore_dtype(c, dt);
}

// ---- oneDNN ------------------------------------------------------------------

struct MatMulPrim {
  dnnl::matmul prim;
  dnnl::memory::desc a, b, y, bias, scratch;
  bool use_bias = false;
  dnnl::memory packed_b;  // constant B in the primitive's preferred layout
  bool b_packed = false;
};

// A bias of shape [N] / [1,..,1,N] goes to oneDNN's bias argument.
bool row_bias(const MatMulArgs& r) {
  if (r.bias.empty() || r.bias.rank() > static_cast<int>(r.y_full.size())) return false;
  const Shape& s = r.bias.shape();
  for (size_t i = 0; i + 1 < s.size(); ++i)
    if (s[i] != 1) return false;
  return !s.empty() && s.back() == r.n;
}

// `c` (optional): the packed B is shared through its cache by the node's primitives that want the same layout.
std::shared_ptr<MatMulPrim> make_matmul(const MatMulArgs& r, bool const_b, const KernelContext* c = nullptr) {
  auto p = std::make_shared<MatMulPrim>();
  p->a = dnn::plain_desc(r.a3);
  p->b = dnn::plain_desc(r.b3);
  const dnnl::memory::desc b_user = p->b;
  if (const_b) p->b = dnn::any_desc(dnn::dims_of(r.b3));
  p->y = dnn::plain_desc(r.y_full);
  p->use_bias = row_bias(r);
  dnnl::primitive_attr attr = dnn::make_attr(r.epi, false);
  if (p->use_bias) {
    Shape bs(r.y_full.size(), 1);
    bs.back() = r.n;
    p->bias = dnn::plain_desc(bs);
  } else if (!r.bias.empty() && !r.epi.none()) {
    attr = dnn::make_attr(nn::Epilogue{}, false);  // the activation follows the bias add
  }
  auto desc = p->use_bias ? dnnl::matmul::desc(p->a, p->b, p->bias, p->y) : dnnl::matmul::desc(p->a, p->b, p->y);
  dnnl::matmul::primitive_desc pd(desc, attr, dnn::cpu());
  p->prim = dnnl::matmul(pd);
  p->scratch = pd.scratchpad_desc();
  if (const_b) {
    p->b = pd.weights_desc();
    p->packed_b = dnn::shared_reordered(c, "matmulb", b_user, r.b.raw(), p->b);
    p->b_packed = true;
  }
  return p;
}

// ---- a constant 2-D B, in chunks of rows ------------------------------------------
// A @ B with a constant [K, N] B is a product of A's rows ([rows, K]) and B. As for pointwise convolutions
// (conv.cpp), it runs in chunks of 2^k rows with one cached primitive per chunk size and node, so that a new
// shape of A (each recognition crop width) makes no new primitive; B is packed once per node and layout. A
// shape that recurs gets its own primitive (dnn::shape_recurs).
using dnn::kMaxRows;
using dnn::kMinRows;

bool rows_path(const MatMulArgs& r, bool const_b) {
  if (!dnn::rows_enabled() || !const_b || (!r.bias.empty() && !row_bias(r))) return false;
  for (size_t i = 0; i + 2 < r.b3.size(); ++i)
    if (r.b3[i] != 1) return false;
  return r.a.numel() / r.k >= kMinRows;
}

void matmul_rows(KernelContext& c, const MatMulArgs& r) {
  const int64_t rows = r.a.numel() / r.k, K = r.k, N = r.n;
  const std::string key = dnn::node_id_key(c, "matmulrows");
  MatMulArgs pr = r;
  pr.b3 = {K, N};
  if (!r.bias.empty()) pr.bias = r.bias.reshaped({N});
  Tensor& y = c.alloc_output(0, DType::Float32, r.y_shape);
  auto run = [&](int64_t n, const float* a, float* out) {
    auto p = std::static_pointer_cast<MatMulPrim>(c.cache->get_or_create(key + std::to_string(n), [&] {
      MatMulArgs q = pr;
      q.a3 = {n, K};
      q.y_full = {n, N};
      return std::static_pointer_cast<void>(make_matmul(q, true, &c));
    }));
    std::unordered_map<int, dnnl::memory> args{{DNNL_ARG_SRC, dnnl::memory(p->a, dnn::cpu(), const_cast<float*>(a))},
                                               {DNNL_ARG_WEIGHTS, p->packed_b},
                                               {DNNL_ARG_DST, dnnl::memory(p->y, dnn::cpu(), out)}};
    if (p->use_bias) args[DNNL_ARG_BIAS] = dnn::wrap(p->bias, pr.bias);
    dnn::execute(p->prim, p->scratch, args);
  };
  const float* A = r.a.data<float>();
  float* Y = y.data<float>();
  const int64_t done =
      dnn::for_row_chunks(rows, kMaxRows, [&](int64_t r0, int64_t n) { run(n, A + r0 * K, Y + r0 * N); });
  if (done < rows) {
    const int64_t t = rows - done;
    Tensor ab(DType::Float32, {kMinRows, K}, c.pool), yb(DType::Float32, {kMinRows, N}, c.pool);
    std::memcpy(ab.raw(), A + done * K, sizeof(float) * t * K);
    std::fill(ab.data<float>() + t * K, ab.data<float>() + kMinRows * K, 0.f);
    run(kMinRows, ab.data<float>(), yb.data<float>());
    std::memcpy(Y + done * N, yb.raw(), sizeof(float) * t * N);
  }
}

void matmul_fast(KernelContext& c) {
  const DType dt = c.in(0).dtype();
  MatMulArgs r = matmul_args(c);
  if (r.m == 0 || r.n == 0 || r.k == 0 || r.y_full.size() > 12) return matmul_ref(c);
  // A constant B is packed once per (node, shapes) into oneDNN's preferred layout.
  const bool const_b = c.cache && c.input_is_constant(1) && c.in(1).dtype() == DType::Float32;
  const std::string key = c.cache ? dnn::node_key(c, const_b ? "cb" : "b") : std::string();
  if (rows_path(r, const_b) && !dnn::use_shape_primitive(c, key))
    return matmul_rows(c, r), nn::restore_dtype(c, dt);
  std::shared_ptr<MatMulPrim> p;
  auto make = [&] { return std::static_pointer_cast<void>(make_matmul(r, const_b, &c)); };
  if (c.cache) p = std::static_pointer_cast<MatMulPrim>(c.cache->get_or_create(key, make));
  else p = make_matmul(r, false);
  Tensor& y = c.alloc_output(0, DType::Float32, r.y_shape);
  std::unordered_map<int, dnnl::memory> args{
      {DNNL_ARG_SRC, dnn::wrap(p->a, r.a)},
      {DNNL_ARG_WEIGHTS, p->b_packed ? p->packed_b : dnn::wrap(p->b, r.b)},
      {DNNL_ARG_DST, dnn::wrap(p->y, y)}};
  if (p->use_bias) args[DNNL_ARG_BIAS] = dnn::wrap(p->bias, r.bias);
  dnn::execute(p->prim, p->scratch, args);
  if (!r.bias.empty() && !p->use_bias) {
    nn::add_broadcast(c, y.data<float>(), r.y_shape, r.bias);
    nn::apply_act_inplace(r.epi, y.data<float>(), y.numel());
  }
  nn::restore_dtype(c, dt);
}

}  // namespace

PPOCR_OP(MatMul).reference(matmul_ref).fast(matmul_fast).inputs(2, 3);

}  // namespace ppocr::engine
