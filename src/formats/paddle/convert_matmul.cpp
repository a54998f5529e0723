// matmul / matmul_v2 (transpose flags), mul, fc -> MatMul (+ Transpose/Add).
#include "formats/paddle/convert_util.h"

namespace ppocr::formats::paddle {

using engine::Attrs;
using engine::Tensor;

// Swaps the last two dims (a constant is transposed at import time).
static int transpose_last2(Builder& b, const PdOp& op, int v) {
  int r = b.rank(v, op);
  if (r < 2) return v;  // Paddle ignores the flag on vectors
  std::vector<int64_t> perm;
  for (int i = 0; i < r; ++i) perm.push_back(i);
  std::swap(perm[r - 1], perm[r - 2]);
  if (b.is_const(v) && r == 2) {
    const Tensor& t = b.g.values[v].constant;
    if (t.dtype() == engine::DType::Float32) {
      int64_t m = t.dim(0), n = t.dim(1);
      Tensor o(engine::DType::Float32, {n, m});
      for (int64_t i = 0; i < m; ++i)
        for (int64_t j = 0; j < n; ++j) o.data<float>()[j * m + i] = t.data<float>()[i * n + j];
      return b.const_tensor(o);
    }
  }
  Attrs a;
  a.set("perm", perm);
  return b.node("Transpose", {v}, a);
}

static void matmul_impl(Builder& b, const PdOp& op, bool tx, bool ty, float alpha) {
  int x = b.req(op, "X"), y = b.req(op, "Y"), out = b.out(op);
  if (tx) x = transpose_last2(b, op, x);
  if (ty) y = transpose_last2(b, op, y);
  if (alpha != 1.f) {
    int m = b.node("MatMul", {x, y});
    b.node("Mul", {m, b.const_f32(alpha)}, {}, out);
  } else {
    b.node("MatMul", {x, y}, {}, out);
  }
}

static void matmul_v2(Builder& b, const PdOp& op) {
  matmul_impl(b, op, op.attrs.i("trans_x", 0) != 0, op.attrs.i("trans_y", 0) != 0, 1.f);
}

static void matmul_v1(Builder& b, const PdOp& op) {
  matmul_impl(b, op, op.attrs.i("transpose_X", 0) != 0, op.attrs.i("transpose_Y", 0) != 0,
              op.attrs.f("alpha", 1.f));
}

// X flattened to 2-D at num_col_dims (rank must be num_col_dims + 1 or 2-D already).
static int as_matrix_input(Builder& b, const PdOp& op, int x, int64_t ncd) {
  int r = b.rank(x, op);
  if (r == ncd + 1) return x;
  if (ncd != 1) fail("Paddle op ", op.type, " '", op.name, "': num_col_dims ", ncd, " with rank ", r);
  Attrs a;
  a.set("axis", int64_t(1));
  return b.node("Flatten", {x}, a);
}

static void mul(Builder& b, const PdOp& op) {
  int x = as_matrix_input(b, op, b.req(op, "X"), op.attrs.i("x_num_col_dims", 1));
  int y = b.req(op, "Y");
  if (b.rank(y, op) != 2 || op.attrs.i("y_num_col_dims", 1) != 1)
    fail("Paddle op mul '", op.name, "': only a 2-D Y is supported");
  b.node("MatMul", {x, y}, {}, b.out(op));
}

static void fc(Builder& b, const PdOp& op) {
  int x = as_matrix_input(b, op, b.req(op, "Input"), op.attrs.i("in_num_col_dims", 1));
  int w = b.req(op, "W"), bias = b.in(op, "Bias"), out = b.out(op);
  std::string act = op.attrs.s("activation_type", "");
  if (!act.empty() && act != "relu") fail("Paddle op fc '", op.name, "': activation ", act, " is not supported");
  int m = b.node("MatMul", {x, w});
  if (bias >= 0) {
    if (b.is_const(bias)) {
      const Tensor& t = b.g.values[bias].constant;
      bias = b.const_tensor(t.reshaped({t.numel()}));
    }
    m = b.node("Add", {m, bias});
  }
  b.node(act == "relu" ? "Relu" : "Identity", {m}, {}, out);
}

static ConverterReg r1("matmul_v2", matmul_v2), r2("matmul", matmul_v1), r3("mul", mul), r4("fc", fc);

}  // namespace ppocr::formats::paddle
