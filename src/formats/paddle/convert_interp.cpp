// nearest_interp(_v2), bilinear_interp(_v2) -> Resize (ONNX opset 17 form:
// X, roi, scales, sizes).
#include "formats/paddle/convert_util.h"

namespace ppocr::formats::paddle {

using engine::Attrs;
using engine::Tensor;

static void interp(Builder& b, const PdOp& op) {
  require_nchw(op);
  int x = b.req(op, "X"), out = b.out(op);
  bool nearest = op.type.rfind("nearest", 0) == 0;
  bool align = op.attrs.i("align_corners", 0) != 0;
  int64_t align_mode = op.attrs.i("align_mode", 1);
  Attrs a;
  a.set("mode", std::string(nearest ? "nearest" : "linear"));
  if (nearest) {
    a.set("coordinate_transformation_mode", std::string(align ? "align_corners" : "asymmetric"));
    a.set("nearest_mode", std::string(align ? "round_prefer_ceil" : "floor"));
  } else {
    a.set("coordinate_transformation_mode",
          std::string(align ? "align_corners" : align_mode == 0 ? "half_pixel" : "asymmetric"));
  }
  // Output size: SizeTensor list > OutSize tensor > scale (tensor, attribute) > out_h/out_w.
  int sizes = -1, scales = -1;
  const auto& size_list = b.ins(op, "SizeTensor");
  int out_size = b.in(op, "OutSize");
  if (!size_list.empty() || out_size >= 0) {
    int hw = !size_list.empty() ? concat_scalars(b, size_list) : to_i64(b, out_size);
    int shp = b.node("Shape", {x});
    int nc = b.node("Slice", {shp, b.const_i64({0}), b.const_i64({2}), b.const_i64({0})});
    Attrs c;
    c.set("axis", int64_t(0));
    sizes = b.node("Concat", {nc, hw}, c);
  } else {
    std::vector<float> sc;
    int st = b.in(op, "Scale");
    if (st >= 0) {
      if (!b.is_const(st)) fail("Paddle op ", op.type, " '", op.name, "': a computed Scale input is not supported");
      sc = b.g.values[st].constant.to_f32();
    } else if (op.attrs.has("scale")) {
      sc = op.attrs.floats("scale");
    }
    if (sc.size() == 1) sc.assign(2, sc[0]);
    if (sc.size() == 2 && sc[0] > 0 && sc[1] > 0) {
      scales = b.const_tensor(Tensor::from_vector<float>({4}, {1.f, 1.f, sc[0], sc[1]}));
    } else {
      int64_t oh = op.attrs.i("out_h", -1), ow = op.attrs.i("out_w", -1);
      if (oh <= 0 || ow <= 0) fail("Paddle op ", op.type, " '", op.name, "': no output size or scale given");
      int shp = b.node("Shape", {x});
      int nc = b.node("Slice", {shp, b.const_i64({0}), b.const_i64({2}), b.const_i64({0})});
      Attrs c;
      c.set("axis", int64_t(0));
      sizes = b.node("Concat", {nc, b.const_i64({oh, ow})}, c);
    }
  }
  b.node("Resize", {x, -1, scales, sizes}, a, out);
}

static ConverterReg r1("nearest_interp", interp), r2("nearest_interp_v2", interp), r3("bilinear_interp", interp),
    r4("bilinear_interp_v2", interp);

}  // namespace ppocr::formats::paddle
