// conv2d, depthwise_conv2d, conv2d_transpose, batch_norm -> Conv,
// ConvTranspose, BatchNormalization.
#include "formats/paddle/convert_util.h"

namespace ppocr::formats::paddle {

using engine::Attrs;

// Paddle paddings ([p0,p1] or [p0b,p0e,p1b,p1e]) + padding_algorithm -> ONNX attrs.
static void set_pads(const PdOp& op, Attrs& a, size_t nsp) {
  std::string algo = op.attrs.s("padding_algorithm", "EXPLICIT");
  if (algo == "SAME") {
    a.set("auto_pad", std::string("SAME_UPPER"));
    return;
  }
  std::vector<int64_t> p = op.attrs.ints("paddings", std::vector<int64_t>(nsp, 0));
  std::vector<int64_t> pads(2 * nsp, 0);
  if (algo != "VALID") {
    if (p.size() == nsp) {
      for (size_t i = 0; i < nsp; ++i) pads[i] = pads[i + nsp] = p[i];
    } else if (p.size() == 2 * nsp) {
      for (size_t i = 0; i < nsp; ++i) {
        pads[i] = p[2 * i];
        pads[i + nsp] = p[2 * i + 1];
      }
    } else {
      fail("Paddle op ", op.type, " '", op.name, "': bad paddings of length ", p.size());
    }
  }
  a.set("pads", pads);
}

static std::vector<int64_t> pair_attr(const PdOp& op, const char* k, size_t nsp) {
  std::vector<int64_t> v = op.attrs.ints(k, std::vector<int64_t>(nsp, 1));
  if (v.size() == 1) v.assign(nsp, v[0]);
  if (v.size() != nsp) fail("Paddle op ", op.type, " '", op.name, "': attribute ", k, " has ", v.size(), " values");
  return v;
}

static void conv(Builder& b, const PdOp& op) {
  require_nchw(op);
  int x = b.req(op, "Input"), w = b.req(op, "Filter");
  const auto& ws = b.shape(w, op);
  if (ws.size() < 3) fail("Paddle op ", op.type, " '", op.name, "': filter of rank ", ws.size());
  size_t nsp = ws.size() - 2;
  Attrs a;
  a.set("kernel_shape", engine::Shape(ws.begin() + 2, ws.end()));
  a.set("strides", pair_attr(op, "strides", nsp));
  a.set("dilations", pair_attr(op, "dilations", nsp));
  a.set("group", op.attrs.i("groups", 1));
  set_pads(op, a, nsp);
  std::vector<int> ins{x, w};
  int bias = b.in(op, "Bias");
  if (bias >= 0) ins.push_back(bias);
  int res = b.in(op, "ResidualData");
  int out = b.out(op, "Output");
  if (res >= 0) {
    int y = b.node("Conv", ins, a);
    b.node("Add", {y, res}, {}, out);
  } else {
    b.node("Conv", ins, a, out);
  }
}

static void conv_transpose(Builder& b, const PdOp& op) {
  require_nchw(op);
  int x = b.req(op, "Input"), w = b.req(op, "Filter");
  const auto& ws = b.shape(w, op);
  if (ws.size() < 3) fail("Paddle op ", op.type, " '", op.name, "': filter of rank ", ws.size());
  size_t nsp = ws.size() - 2;
  Attrs a;
  a.set("kernel_shape", engine::Shape(ws.begin() + 2, ws.end()));
  a.set("strides", pair_attr(op, "strides", nsp));
  a.set("dilations", pair_attr(op, "dilations", nsp));
  a.set("group", op.attrs.i("groups", 1));
  set_pads(op, a, nsp);
  std::vector<int64_t> opad = op.attrs.ints("output_padding");
  if (!opad.empty()) {
    if (opad.size() == 1) opad.assign(nsp, opad[0]);
    a.set("output_padding", opad);
  }
  std::vector<int64_t> osize = ints_from(b, op, "output_size", "OutputSize");
  if (!osize.empty()) a.set("output_shape", osize);
  std::vector<int> ins{x, w};
  int bias = b.in(op, "Bias");
  if (bias >= 0) ins.push_back(bias);
  b.node("ConvTranspose", ins, a, b.out(op, "Output"));
}

static void batch_norm(Builder& b, const PdOp& op) {
  require_nchw(op);
  Attrs a;
  a.set("epsilon", op.attrs.f("epsilon", 1e-5f));
  b.node("BatchNormalization",
         {b.req(op, "X"), b.req(op, "Scale"), b.req(op, "Bias"), b.req(op, "Mean"), b.req(op, "Variance")}, a,
         b.out(op, "Y"));
}

static ConverterReg r1("conv2d", conv), r2("depthwise_conv2d", conv), r3("conv3d", conv),
    r4("conv2d_transpose", conv_transpose), r5("depthwise_conv2d_transpose", conv_transpose),
    r6("batch_norm", batch_norm);

}  // namespace ppocr::formats::paddle
