// layer_norm, softmax, dropout, pad2d/pad3d, prelu, grid_sample.
#include "formats/paddle/convert_util.h"

namespace ppocr::formats::paddle {

using engine::Attrs;
using engine::Tensor;

static void layer_norm(Builder& b, const PdOp& op) {
  int x = b.req(op, "X");
  int r = b.rank(x, op);
  int64_t axis = op.attrs.i("begin_norm_axis", 1);
  if (axis < 0) axis += r;
  if (axis < 0 || axis >= r) fail("Paddle op layer_norm '", op.name, "': bad begin_norm_axis ", axis);
  const auto& s = b.shape(x, op);
  engine::Shape norm(s.begin() + axis, s.end());
  // Paddle stores scale/bias flattened; the engine wants them in the normalised shape.
  auto param = [&](const char* slot, float fill) {
    int v = b.in(op, slot);
    if (v >= 0 && (norm.size() == 1 || !b.is_const(v))) return v;
    for (int64_t d : norm)
      if (d <= 0) fail("Paddle op layer_norm '", op.name, "': normalised dims must be static");
    if (v >= 0) return b.const_tensor(b.g.values[v].constant.reshaped(norm));
    Tensor t(engine::DType::Float32, norm);
    for (int64_t i = 0; i < t.numel(); ++i) t.data<float>()[i] = fill;
    return b.const_tensor(t);
  };
  Attrs a;
  a.set("axis", axis);
  a.set("epsilon", op.attrs.f("epsilon", 1e-5f));
  b.node("LayerNormalization", {x, param("Scale", 1.f), param("Bias", 0.f)}, a, b.out(op, "Y"));
}

static void softmax(Builder& b, const PdOp& op) {
  Attrs a;
  a.set("axis", op.attrs.i("axis", -1));
  b.node("Softmax", {b.req(op, "X")}, a, b.out(op));
}

static void dropout(Builder& b, const PdOp& op) {
  int x = b.req(op, "X"), out = b.out(op);
  std::string mode = op.attrs.s("dropout_implementation", op.attrs.s("mode", "downgrade_in_infer"));
  if (mode == "upscale_in_train") {
    b.node("Identity", {x}, {}, out);
    return;
  }
  float p = op.attrs.f("dropout_prob", 0.5f);
  int pv = b.in(op, "P");
  if (pv >= 0) p = b.const_float(pv);
  b.node("Mul", {x, b.const_f32(1.f - p)}, {}, out);
}

static std::string pad_mode(const PdOp& op) {
  std::string m = op.attrs.s("mode", "constant");
  if (m == "constant" || m == "reflect") return m;
  if (m == "replicate" || m == "edge") return "edge";
  fail("Paddle op ", op.type, " '", op.name, "': pad mode ", m, " is not supported");
}

// pads: Paddle's per-spatial-dim list from the last dim backwards
// (pad3d: [left,right,top,bottom,front,back]); pad2d: [top,bottom,left,right].
static void pad_nd(Builder& b, const PdOp& op, std::vector<int64_t> p, bool last_first) {
  require_nchw(op);
  int x = b.req(op, "X");
  int r = b.rank(x, op);
  size_t nsp = p.size() / 2;
  if (p.size() % 2 || nsp + 2 != static_cast<size_t>(r))
    fail("Paddle op ", op.type, " '", op.name, "': ", p.size(), " paddings for rank ", r);
  std::vector<int64_t> pads(2 * r, 0);
  for (size_t i = 0; i < nsp; ++i) {
    size_t dim = last_first ? r - 1 - i : 2 + i;
    pads[dim] = p[2 * i];
    pads[dim + r] = p[2 * i + 1];
  }
  Attrs a;
  a.set("mode", pad_mode(op));
  b.node("Pad", {x, b.const_i64(pads), b.const_f32(op.attrs.f("pad_value", 0.f))}, a, b.out(op));
}

static void pad2d(Builder& b, const PdOp& op) {
  pad_nd(b, op, ints_from(b, op, "paddings", "Paddings", {0, 0, 0, 0}), false);
}
static void pad3d(Builder& b, const PdOp& op) {
  pad_nd(b, op, ints_from(b, op, "paddings", "Paddings", {0, 0, 0, 0, 0, 0}), true);
}

static void prelu(Builder& b, const PdOp& op) {
  int x = b.req(op, "X"), alpha = b.req(op, "Alpha");
  std::string mode = op.attrs.s("mode", "all");
  int r = b.rank(x, op);
  if (b.is_const(alpha)) {
    Tensor t = b.g.values[alpha].constant;
    engine::Shape s;
    if (mode == "all") {
      s = engine::Shape{1};
    } else if (mode == "channel") {
      s = engine::Shape(r - 1, 1);
      s[0] = t.numel();
    } else {
      const auto& xs = b.shape(x, op);
      s = engine::Shape(xs.begin() + 1, xs.end());
    }
    alpha = b.const_tensor(t.reshaped(s));
  }
  b.node("PRelu", {x, alpha}, {}, b.out(op));
}

static void grid_sample(Builder& b, const PdOp& op) {
  Attrs a;
  a.set("mode", op.attrs.s("mode", "bilinear"));
  a.set("padding_mode", op.attrs.s("padding_mode", "zeros"));
  a.set("align_corners", op.attrs.i("align_corners", 1));
  b.node("GridSample", {b.req(op, "X"), b.req(op, "Grid")}, a, b.out(op, "Output"));
}

static ConverterReg r1("layer_norm", layer_norm), r2("softmax", softmax), r3("dropout", dropout),
    r4("pad2d", pad2d), r5("pad3d", pad3d), r6("prelu", prelu), r7("grid_sampler", grid_sample);

}  // namespace ppocr::formats::paddle
