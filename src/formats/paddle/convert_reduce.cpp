// reduce_mean/sum/max/min (PIR mean/sum/max/min), arg_max, pow, rsqrt.
#include "formats/paddle/convert_util.h"

namespace ppocr::formats::paddle {

using engine::Attrs;

static void reduce(Builder& b, const PdOp& op, const char* onnx) {
  int x = b.req(op, "X"), out = b.out(op);
  std::vector<int64_t> axes = ints_from(b, op, "dim", "AxesTensor");
  if (axes.empty()) axes = op.attrs.ints("axis");
  bool all = op.attrs.i("reduce_all", 0) != 0 || axes.empty();
  bool keep = op.attrs.i("keep_dim", op.attrs.i("keepdim", 0)) != 0;
  Attrs a;
  a.set("keepdims", int64_t(keep ? 1 : 0));
  if (!all) a.set("axes", axes);
  // Paddle 2 gave shape [1] for a full reduction; Paddle 3 gives a 0-D tensor.
  if (all && !keep && b.has_shape(out) && b.g.values[out].shape.size() == 1) {
    int r = b.node(onnx, {x}, a);
    b.node("Reshape", {r, b.const_i64({1})}, {}, out);
    return;
  }
  b.node(onnx, {x}, a, out);
}

static void reduce_mean(Builder& b, const PdOp& op) { reduce(b, op, "ReduceMean"); }
static void reduce_sum(Builder& b, const PdOp& op) { reduce(b, op, "ReduceSum"); }
static void reduce_max(Builder& b, const PdOp& op) { reduce(b, op, "ReduceMax"); }
static void reduce_min(Builder& b, const PdOp& op) { reduce(b, op, "ReduceMin"); }

static void arg_max(Builder& b, const PdOp& op) {
  if (op.attrs.i("flatten", 0)) fail("Paddle op arg_max '", op.name, "': flatten=true is not supported");
  Attrs a;
  int at = b.in(op, "AxisTensor");
  a.set("axis", at >= 0 ? b.const_ints(at).at(0) : op.attrs.i("axis", -1));
  a.set("keepdims", int64_t(op.attrs.i("keepdims", 0) ? 1 : 0));
  b.node("ArgMax", {b.req(op, "X")}, a, b.out(op));
}

static void pow_scalar(Builder& b, const PdOp& op) {
  int x = b.req(op, "X");
  int f = b.in(op, "FactorTensor");
  if (f < 0) f = b.const_f32(op.attrs.f("factor", op.attrs.f("y", 1.f)));
  b.node("Pow", {x, f}, {}, b.out(op));
}

static void rsqrt(Builder& b, const PdOp& op) {
  b.node("Reciprocal", {b.node("Sqrt", {b.req(op, "X")})}, {}, b.out(op));
}

static ConverterReg r1("reduce_mean", reduce_mean), r2("reduce_sum", reduce_sum), r3("reduce_max", reduce_max),
    r4("reduce_min", reduce_min), r5("arg_max", arg_max), r6("pow", pow_scalar), r7("rsqrt", rsqrt);

}  // namespace ppocr::formats::paddle
