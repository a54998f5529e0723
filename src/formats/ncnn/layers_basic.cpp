// ncnn layers that map one-to-one (or nearly) onto engine ops: Input,
// Split/Noop/Dropout, activations, UnaryOp, BatchNorm, Softmax.
#include <cmath>

#include "formats/ncnn/builder.h"

namespace ppocr::formats::ncnn {
namespace {

using engine::Attrs;

void input(Builder& b) {
  const Layer& L = b.layer();
  b.require_inputs(0, 0);
  b.require_outputs(1);
  int64_t w = L.geti(0, 0), h = L.geti(1, 0), c = L.geti(2, 0), d = L.geti(11, 0);
  int rank = c > 0 ? (d > 0 ? 4 : 3) : h > 0 ? 2 : w > 0 ? 1 : 3;  // default: an image (c, h, w)
  std::vector<int64_t> dims;
  if (rank == 4) dims = {c, d, h, w};
  if (rank == 3) dims = {c, h, w};
  if (rank == 2) dims = {h, w};
  if (rank == 1) dims = {w};
  for (auto& v : dims)
    if (v <= 0) v = -1;
  int id = b.graph.add_value(L.tops[0]);
  engine::Value& v = b.graph.values[id];
  v.has_shape = true;
  v.shape = {-1};
  v.shape.insert(v.shape.end(), dims.begin(), dims.end());
  b.graph.inputs.push_back(id);
  b.set_out(0, id, rank, dims);
}
ConverterRegistrar r_input({"Input"}, input);

// Split copies its input to every output: all outputs alias one value.
void split(Builder& b) {
  b.require_inputs(1, 1);
  Blob x = b.in(0);
  for (size_t i = 0; i < b.layer().tops.size(); ++i) b.set_out(i, x);
}
ConverterRegistrar r_split({"Split"}, split);

void noop(Builder& b) {
  b.require_inputs(1, 64);
  if (b.layer().tops.size() > b.layer().bottoms.size()) b.error("more outputs than inputs");
  for (size_t i = 0; i < b.layer().tops.size(); ++i) b.set_out(i, b.in(i));
}
ConverterRegistrar r_noop({"Noop"}, noop);

void dropout(Builder& b) {
  b.require_inputs(1, 1);
  b.require_outputs(1);
  Blob x = b.in(0);
  float scale = b.layer().getf(0, 1.f);
  if (scale != 1.f) x.id = b.op("Mul", {x.id, b.scalar(scale)});
  b.set_out(0, x);
}
ConverterRegistrar r_dropout({"Dropout"}, dropout);

// Element-wise activations: output has the input's shape.
void unary_act(Builder& b) {
  const Layer& L = b.layer();
  b.require_inputs(1, 1);
  b.require_outputs(1);
  Blob x = b.in(0);
  int y = -1;
  Attrs a;
  const std::string& t = L.type;
  if (t == "ReLU") {
    float slope = L.getf(0, 0.f);
    if (slope != 0.f) {
      a.set("alpha", slope);
      y = b.op("LeakyRelu", {x.id}, a);
    } else {
      y = b.op("Relu", {x.id});
    }
  } else if (t == "Sigmoid") {
    y = b.op("Sigmoid", {x.id});
  } else if (t == "TanH") {
    y = b.op("Tanh", {x.id});
  } else if (t == "Swish") {
    y = b.op("Mul", {x.id, b.op("Sigmoid", {x.id})});
  } else if (t == "Mish") {
    y = b.activation(x.id, 5, {});
  } else if (t == "HardSigmoid") {
    a.set("alpha", L.getf(0, 0.2f));
    a.set("beta", L.getf(1, 0.5f));
    y = b.op("HardSigmoid", {x.id}, a);
  } else if (t == "HardSwish") {
    y = b.activation(x.id, 6, {L.getf(0, 0.2f), L.getf(1, 0.5f)});
  } else if (t == "Clip") {
    y = b.op("Clip", {x.id, b.scalar(L.getf(0, -3.4028235e38f)), b.scalar(L.getf(1, 3.4028235e38f))});
  } else if (t == "GELU") {
    a.set("approximate", std::string(L.geti(0, 0) ? "tanh" : "none"));
    y = b.op("Gelu", {x.id}, a);
  } else if (t == "ELU") {
    a.set("alpha", L.getf(0, 0.1f));
    y = b.op("Elu", {x.id}, a);
  } else if (t == "Softplus") {
    y = b.op("Softplus", {x.id});
  } else if (t == "AbsVal") {
    y = b.op("Abs", {x.id});
  } else if (t == "Exp" || t == "Log") {
    // y = base^(shift + scale*x) / log_base(shift + scale*x); base -1 = e.
    float base = L.getf(0, -1.f), scale = L.getf(1, 1.f), shift = L.getf(2, 0.f);
    int z = x.id;
    if (scale != 1.f) z = b.op("Mul", {z, b.scalar(scale)});
    if (shift != 0.f) z = b.op("Add", {z, b.scalar(shift)});
    if (t == "Exp") {
      if (base != -1.f) z = b.op("Mul", {z, b.scalar(std::log(base))});
      y = b.op("Exp", {z});
    } else {
      y = b.op("Log", {z});
      if (base != -1.f) y = b.op("Div", {y, b.scalar(std::log(base))});
    }
  } else if (t == "Power") {
    // y = (shift + scale*x)^power
    float power = L.getf(0, 1.f), scale = L.getf(1, 1.f), shift = L.getf(2, 0.f);
    int z = x.id;
    if (scale != 1.f) z = b.op("Mul", {z, b.scalar(scale)});
    if (shift != 0.f) z = b.op("Add", {z, b.scalar(shift)});
    y = power == 1.f ? b.op("Identity", {z}) : b.op("Pow", {z, b.scalar(power)});
  } else {
    b.error("unsupported activation");
  }
  b.set_out(0, y, x.rank, x.dims);
}
ConverterRegistrar r_act({"ReLU", "Sigmoid", "TanH", "Swish", "Mish", "HardSigmoid", "HardSwish", "Clip", "GELU",
                          "ELU", "Softplus", "AbsVal", "Exp", "Log", "Power"},
                         unary_act);

void unary_op(Builder& b) {
  b.require_inputs(1, 1);
  b.require_outputs(1);
  Blob x = b.in(0);
  int64_t t = b.layer().geti(0, 0);
  int y = -1;
  static const char* simple[] = {"Abs", "Neg", "Floor", "Ceil", nullptr, "Sqrt", nullptr, "Exp", "Log", "Sin",
                                 "Cos", nullptr, nullptr, nullptr, nullptr, "Reciprocal", "Tanh"};
  if (t >= 0 && t <= 16 && simple[t]) {
    y = b.op(simple[t], {x.id});
  } else if (t == 4) {  // square
    y = b.op("Mul", {x.id, x.id});
  } else if (t == 6) {  // rsqrt
    y = b.op("Reciprocal", {b.op("Sqrt", {x.id})});
  } else if (t == 11) {  // tan
    y = b.op("Div", {b.op("Sin", {x.id}), b.op("Cos", {x.id})});
  } else if (t == 17) {  // log10
    y = b.op("Div", {b.op("Log", {x.id}), b.scalar(std::log(10.f))});
  } else if (t == 18) {  // round (half away from zero like roundf): sign(x) * floor(|x| + 0.5)
    int r = b.op("Floor", {b.op("Add", {b.op("Abs", {x.id}), b.scalar(0.5f)})});
    y = b.op("Mul", {r, b.op("Sign", {x.id})});
  } else if (t == 19) {  // trunc: sign(x) * floor(|x|)
    y = b.op("Mul", {b.op("Floor", {b.op("Abs", {x.id})}), b.op("Sign", {x.id})});
  } else {
    b.error("unsupported UnaryOp op_type " + std::to_string(t));
  }
  b.set_out(0, y, x.rank, x.dims);
}
ConverterRegistrar r_unary({"UnaryOp"}, unary_op);

// BatchNorm normalises along ncnn's outermost axis (engine axis 1), which is
// what BatchNormalization does for every rank.
void batchnorm(Builder& b) {
  const Layer& L = b.layer();
  b.require_inputs(1, 1);
  b.require_outputs(1);
  Blob x = b.in(0);
  int64_t c = L.geti(0, 0);
  if (c <= 0) b.error("BatchNorm needs channels > 0");
  auto slope = b.weights(c, 1, "slope_data");
  auto mean = b.weights(c, 1, "mean_data");
  auto var = b.weights(c, 1, "var_data");
  auto bias = b.weights(c, 1, "bias_data");
  Attrs a;
  a.set("epsilon", L.getf(1, 0.f));
  int y = b.op("BatchNormalization",
               {x.id, b.const_f32("slope", {c}, slope), b.const_f32("bias", {c}, bias),
                b.const_f32("mean", {c}, mean), b.const_f32("var", {c}, var)},
               a);
  b.set_out(0, y, x.rank, x.dims);
}
ConverterRegistrar r_bn({"BatchNorm"}, batchnorm);

void softmax(Builder& b) {
  const Layer& L = b.layer();
  b.require_inputs(1, 1);
  b.require_outputs(1);
  Blob x = b.in(0);
  int64_t axis = L.geti(0, 0);
  if (axis < 0) axis += x.rank;
  if (axis < 0 || axis >= x.rank) b.error("softmax axis out of range");
  if (L.geti(1, 0) == 0 && axis != 0) b.error("old softmax param without fixbug0=1 (regenerate the model)");
  Attrs a;
  a.set("axis", axis + 1);
  b.set_out(0, b.op("Softmax", {x.id}, a), x.rank, x.dims);
}
ConverterRegistrar r_softmax({"Softmax"}, softmax);

}  // namespace
}  // namespace ppocr::formats::ncnn
