// Elementwise arithmetic (with Paddle's `axis` broadcasting), activations,
// scale, clip, cast, assign.
#include "formats/paddle/convert_util.h"

namespace ppocr::formats::paddle {

using engine::Attrs;
using engine::Tensor;

// Paddle broadcasting: with axis == -1 (or equal ranks) numpy rules; otherwise
// the lower-rank operand's dims line up with the other's starting at `axis`,
// so it gets trailing 1-dims appended.
static int align_operand(Builder& b, const PdOp& op, int small, int big_rank, int64_t axis) {
  int sr = b.rank(small, op);
  int trailing = big_rank - static_cast<int>(axis) - sr;
  if (trailing < 0) fail("Paddle op ", op.type, " '", op.name, "': axis ", axis, " does not fit ranks");
  if (trailing == 0) return small;
  engine::Shape s = b.shape(small, op);
  // Paddle drops trailing 1-dims of Y before aligning.
  if (b.is_const(small)) {
    s.insert(s.end(), trailing, 1);
    return b.const_tensor(b.g.values[small].constant.reshaped(s));
  }
  std::vector<int64_t> axes;
  for (int i = 0; i < trailing; ++i) axes.push_back(sr + i);
  return b.node("Unsqueeze", {small, b.const_i64(axes)});
}

static void binary(Builder& b, const PdOp& op, const char* onnx) {
  int x = b.req(op, "X"), y = b.req(op, "Y");
  int64_t axis = op.attrs.i("axis", -1);
  if (axis != -1 && b.has_shape(x) && b.has_shape(y)) {
    int xr = b.rank(x, op), yr = b.rank(y, op);
    if (xr > yr) y = align_operand(b, op, y, xr, axis < 0 ? axis + xr - yr + 1 : axis);
    else if (yr > xr) x = align_operand(b, op, x, yr, axis < 0 ? axis + yr - xr + 1 : axis);
  }
  b.node(onnx, {x, y}, {}, b.out(op));
}

#define BINARY(fn, onnx) \
  static void fn(Builder& b, const PdOp& op) { binary(b, op, onnx); }
BINARY(add, "Add")
BINARY(sub, "Sub")
BINARY(mul, "Mul")
BINARY(div, "Div")
BINARY(pow_, "Pow")
BINARY(max_, "Max")
BINARY(min_, "Min")
#undef BINARY

static void unary(Builder& b, const PdOp& op, const char* onnx, Attrs a = {}) {
  b.node(onnx, {b.req(op, "X")}, std::move(a), b.out(op));
}

#define UNARY(fn, onnx) \
  static void fn(Builder& b, const PdOp& op) { unary(b, op, onnx); }
UNARY(relu, "Relu")
UNARY(sigmoid, "Sigmoid")
UNARY(tanh_, "Tanh")
UNARY(exp_, "Exp")
UNARY(sqrt_, "Sqrt")
UNARY(abs_, "Abs")
UNARY(floor_, "Floor")
UNARY(assign, "Identity")
#undef UNARY

static void leaky_relu(Builder& b, const PdOp& op) {
  Attrs a;
  a.set("alpha", op.attrs.f("alpha", 0.02f));
  unary(b, op, "LeakyRelu", a);
}

static void hard_sigmoid(Builder& b, const PdOp& op) {
  Attrs a;
  a.set("alpha", op.attrs.f("slope", 0.2f));
  a.set("beta", op.attrs.f("offset", 0.5f));
  unary(b, op, "HardSigmoid", a);
}

// x * min(max(x + offset, 0), threshold) / scale
static void hard_swish(Builder& b, const PdOp& op) {
  float off = op.attrs.f("offset", 3.f), thr = op.attrs.f("threshold", 6.f), sc = op.attrs.f("scale", 6.f);
  if (off == 3.f && thr == 6.f && sc == 6.f) return unary(b, op, "HardSwish");
  if (thr != sc) fail("Paddle op hard_swish '", op.name, "': threshold != scale is not supported");
  int x = b.req(op, "X");
  Attrs a;
  a.set("alpha", 1.f / sc);
  a.set("beta", off / sc);
  b.node("Mul", {x, b.node("HardSigmoid", {x}, a)}, {}, b.out(op));
}

static void relu6(Builder& b, const PdOp& op) {
  int x = b.req(op, "X");
  b.node("Clip", {x, b.const_f32(0.f), b.const_f32(op.attrs.f("threshold", 6.f))}, {}, b.out(op));
}

// x * sigmoid(beta * x)
static void swish(Builder& b, const PdOp& op) {
  int x = b.req(op, "X");
  float beta = op.attrs.f("beta", 1.f);
  if (beta == 1.f) return (void)b.node("Swish", {x}, {}, b.out(op));
  int s = b.node("Mul", {x, b.const_f32(beta)});
  b.node("Mul", {x, b.node("Sigmoid", {s})}, {}, b.out(op));
}

static void gelu(Builder& b, const PdOp& op) {
  Attrs a;
  a.set("approximate", std::string(op.attrs.i("approximate", 0) ? "tanh" : "none"));
  unary(b, op, "Gelu", a);
}

// scale * x + bias (bias_after_scale) or scale * (x + bias).
static void scale(Builder& b, const PdOp& op) {
  int x = b.req(op, "X"), out = b.out(op);
  float bias = op.attrs.f("bias", 0.f);
  bool after = op.attrs.i("bias_after_scale", 1) != 0;
  int st = b.in(op, "ScaleTensor");
  int sv = -1;
  float s = op.attrs.f("scale", 1.f);
  if (st >= 0) {
    if (b.is_const(st)) s = b.const_float(st);
    else sv = st;
  }
  bool has_scale = sv >= 0 || s != 1.f;
  int scale_v = sv >= 0 ? sv : -2;
  auto mul = [&](int v, int o) { return b.node("Mul", {v, scale_v >= 0 ? scale_v : b.const_f32(s)}, {}, o); };
  auto add = [&](int v, float c, int o) { return b.node("Add", {v, b.const_f32(c)}, {}, o); };
  if (!has_scale && bias == 0.f) {
    b.node("Identity", {x}, {}, out);
  } else if (!has_scale) {
    add(x, bias, out);
  } else if (bias == 0.f) {
    mul(x, out);
  } else if (after) {
    add(mul(x, -1), bias, out);
  } else {
    mul(add(x, bias, -1), out);
  }
}

static void clip(Builder& b, const PdOp& op) {
  int x = b.req(op, "X");
  int lo = b.in(op, "Min"), hi = b.in(op, "Max");
  if (lo < 0) lo = b.const_f32(op.attrs.f("min", -3.4e38f));
  if (hi < 0) hi = b.const_f32(op.attrs.f("max", 3.4e38f));
  b.node("Clip", {x, lo, hi}, {}, b.out(op));
}

static void cast(Builder& b, const PdOp& op) {
  Attrs a;
  a.set("to", int64_t(onnx_dtype(dtype_from_paddle(op.attrs.i("out_dtype", 5), op.name))));
  unary(b, op, "Cast", a);
}

static ConverterReg r1("elementwise_add", add), r2("elementwise_sub", sub), r3("elementwise_mul", mul),
    r4("elementwise_div", div), r5("elementwise_pow", pow_), r6("elementwise_max", max_),
    r7("elementwise_min", min_), r8("relu", relu), r9("sigmoid", sigmoid), r10("tanh", tanh_), r11("exp", exp_),
    r12("sqrt", sqrt_), r13("abs", abs_), r14("floor", floor_), r15("assign", assign), r16("leaky_relu", leaky_relu),
    r17("hard_sigmoid", hard_sigmoid), r18("hard_swish", hard_swish), r19("relu6", relu6), r20("swish", swish),
    r21("silu", swish), r22("gelu", gelu), r23("scale", scale), r24("clip", clip), r25("cast", cast);

}  // namespace ppocr::formats::paddle
