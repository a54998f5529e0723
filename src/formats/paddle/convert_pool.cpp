// pool2d (max/avg, global, adaptive) -> MaxPool/AveragePool/GlobalAveragePool/GlobalMaxPool.
#include "formats/paddle/convert_util.h"

namespace ppocr::formats::paddle {

using engine::Attrs;

static void pool2d(Builder& b, const PdOp& op) {
  require_nchw(op);
  int x = b.req(op, "X"), out = b.out(op);
  std::string type = op.attrs.s("pooling_type", "max");
  if (type != "max" && type != "avg") fail("Paddle op pool2d '", op.name, "': pooling type ", type);
  bool avg = type == "avg";
  std::vector<int64_t> k = ints_from(b, op, "ksize", "KSize");
  if (k.size() == 1) k.assign(2, k[0]);
  bool global = op.attrs.i("global_pooling", 0) != 0;
  bool adaptive = op.attrs.i("adaptive", 0) != 0;
  if (adaptive && k.size() == 2 && k[0] == 1 && k[1] == 1) global = true;
  if (global) {
    b.node(avg ? "GlobalAveragePool" : "GlobalMaxPool", {x}, {}, out);
    return;
  }
  if (k.size() != 2 || k[0] <= 0 || k[1] <= 0) fail("Paddle op pool2d '", op.name, "': bad ksize");
  Attrs a;
  if (adaptive) {
    // Adaptive pooling with an output size that divides the input is a plain pooling.
    const auto& s = b.shape(x, op);
    if (s.size() != 4 || s[2] <= 0 || s[3] <= 0 || s[2] % k[0] || s[3] % k[1])
      fail("Paddle op pool2d '", op.name, "': adaptive pooling to ", k[0], "x", k[1],
           " needs a static input size divisible by it");
    std::vector<int64_t> kk{s[2] / k[0], s[3] / k[1]};
    a.set("kernel_shape", kk);
    a.set("strides", kk);
    a.set("pads", std::vector<int64_t>(4, 0));
  } else {
    a.set("kernel_shape", k);
    std::vector<int64_t> st = op.attrs.ints("strides", {1, 1});
    if (st.size() == 1) st.assign(2, st[0]);
    a.set("strides", st);
    std::string algo = op.attrs.s("padding_algorithm", "EXPLICIT");
    std::vector<int64_t> p = op.attrs.ints("paddings", {0, 0});
    std::vector<int64_t> pads(4, 0);
    if (algo == "SAME") {
      a.set("auto_pad", std::string("SAME_UPPER"));
    } else if (algo != "VALID") {
      if (p.size() == 2) pads = {p[0], p[1], p[0], p[1]};
      else if (p.size() == 4) pads = {p[0], p[2], p[1], p[3]};
      else fail("Paddle op pool2d '", op.name, "': bad paddings of length ", p.size());
      a.set("pads", pads);
    }
    a.set("ceil_mode", op.attrs.i("ceil_mode", 0));
    if (avg) a.set("count_include_pad", int64_t(op.attrs.i("exclusive", 1) ? 0 : 1));
  }
  b.node(avg ? "AveragePool" : "MaxPool", {x}, a, out);
}

static ConverterReg r1("pool2d", pool2d);

}  // namespace ppocr::formats::paddle
