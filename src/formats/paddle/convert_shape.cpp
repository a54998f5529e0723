// Shape and layout ops: reshape2, flatten(_contiguous_range), transpose2,
// squeeze2, unsqueeze2, slice, strided_slice, shape, gather, concat, split,
// stack, fill_constant / full / full_int_array.
#include <cstdlib>

#include "formats/paddle/convert_util.h"

namespace ppocr::formats::paddle {

using engine::Attrs;
using engine::DType;
using engine::Tensor;

static int axis_attr(Builder& b, const PdOp& op, const char* slot, int64_t def) {
  int v = b.in(op, slot);
  if (v >= 0) return static_cast<int>(b.const_ints(v).at(0));
  return static_cast<int>(op.attrs.i("axis", def));
}

static void reshape(Builder& b, const PdOp& op) {
  int x = b.req(op, "X"), shape;
  const auto& list = b.ins(op, "ShapeTensor");
  int st = b.in(op, "Shape");
  if (!list.empty()) shape = concat_scalars(b, list);
  else if (st >= 0) shape = to_i64(b, st);
  else shape = b.const_i64(op.attrs.ints("shape"));
  b.node("Reshape", {x, shape}, {}, b.out(op));
}

// Dims [from, to) of x's shape as a 1-D int64 value (static when declared).
static int dims_range(Builder& b, const PdOp& op, int x, int from, int to) {
  const auto& s = b.shape(x, op);
  bool known = true;
  for (int i = from; i < to; ++i) known = known && s[i] > 0;
  if (known) return b.const_i64(std::vector<int64_t>(s.begin() + from, s.begin() + to));
  int shp = b.node("Shape", {x});
  return b.node("Slice", {shp, b.const_i64({from}), b.const_i64({to}), b.const_i64({0})});
}

static void flatten_range(Builder& b, const PdOp& op) {
  int x = b.req(op, "X"), r = b.rank(x, op);
  int start = static_cast<int>(op.attrs.i("start_axis", 1)), stop = static_cast<int>(op.attrs.i("stop_axis", -1));
  if (r == 0) return (void)b.node("Reshape", {x, b.const_i64({1})}, {}, b.out(op));
  if (start < 0) start += r;
  if (stop < 0) stop += r;
  if (start < 0 || stop >= r || start > stop) fail("Paddle op flatten '", op.name, "': bad axes for rank ", r);
  // [0]*start (copy leading dims), -1, then the trailing dims.
  std::vector<int64_t> head(start, 0);
  head.push_back(-1);
  int shape;
  if (stop == r - 1) {
    shape = b.const_i64(head);
  } else {
    Attrs c;
    c.set("axis", int64_t(0));
    shape = b.node("Concat", {b.const_i64(head), dims_range(b, op, x, stop + 1, r)}, c);
  }
  b.node("Reshape", {x, shape}, {}, b.out(op));
}

static void flatten2(Builder& b, const PdOp& op) {
  Attrs a;
  a.set("axis", op.attrs.i("axis", 1));
  b.node("Flatten", {b.req(op, "X")}, a, b.out(op));
}

static void transpose(Builder& b, const PdOp& op) {
  Attrs a;
  a.set("perm", op.attrs.ints("axis"));
  b.node("Transpose", {b.req(op, "X")}, a, b.out(op));
}

static void squeeze(Builder& b, const PdOp& op) {
  int x = b.req(op, "X");
  std::vector<int64_t> axes = ints_from(b, op, "axes", "AxesTensor");
  // Paddle ignores listed axes whose size is not 1.
  if (b.has_shape(x) && !axes.empty()) {
    const auto& s = b.shape(x, op);
    std::vector<int64_t> keep;
    int r = static_cast<int>(s.size());
    for (int64_t a : axes) {
      int64_t k = a < 0 ? a + r : a;
      if (k >= 0 && k < r && s[k] != 1 && s[k] > 0) continue;
      keep.push_back(a);
    }
    axes = keep;
    if (axes.empty()) return (void)b.node("Identity", {x}, {}, b.out(op));
  }
  std::vector<int> ins{x};
  if (!axes.empty()) ins.push_back(b.const_i64(axes));
  b.node("Squeeze", ins, {}, b.out(op));
}

static void unsqueeze(Builder& b, const PdOp& op) {
  int x = b.req(op, "X");
  int at = b.in(op, "AxesTensor");
  int axes = at >= 0 && !b.is_const(at) ? to_i64(b, at) : b.const_i64(ints_from(b, op, "axes", "AxesTensor"));
  b.node("Unsqueeze", {x, axes}, {}, b.out(op));
}

// starts/ends: list input > tensor input > attribute.
static int bound(Builder& b, const PdOp& op, const char* attr, const std::string& slot) {
  const auto& list = b.ins(op, slot + "List");
  if (!list.empty()) return concat_scalars(b, list);
  int t = b.in(op, slot);
  if (t >= 0) return to_i64(b, t);
  return b.const_i64(op.attrs.ints(attr));
}

static void slice_impl(Builder& b, const PdOp& op, bool strided) {
  int x = b.req(op, "Input"), out = b.out(op);
  std::vector<int64_t> axes = op.attrs.ints("axes");
  std::vector<int> ins{x, bound(b, op, "starts", "StartsTensor"), bound(b, op, "ends", "EndsTensor"),
                       b.const_i64(axes)};
  if (strided) ins.push_back(bound(b, op, "strides", "StridesTensor"));
  std::vector<int64_t> dec = op.attrs.ints("decrease_axis");
  if (dec.empty()) return (void)b.node("Slice", ins, {}, out);
  int s = b.node("Slice", ins);
  // Paddle 2 kept shape [1] when every dim was decreased; Paddle 3 gives a 0-D tensor.
  if (b.has_shape(x) && b.has_shape(out) && b.g.values[out].shape.size() == 1 &&
      b.rank(x, op) == static_cast<int>(dec.size()))
    return (void)b.node("Reshape", {s, b.const_i64({1})}, {}, out);
  b.node("Squeeze", {s, b.const_i64(dec)}, {}, out);
}

static void slice(Builder& b, const PdOp& op) { slice_impl(b, op, false); }
static void strided_slice(Builder& b, const PdOp& op) { slice_impl(b, op, true); }

static void shape(Builder& b, const PdOp& op) { b.node("Shape", {b.req(op, "Input")}, {}, b.out(op)); }

static void gather(Builder& b, const PdOp& op) {
  Attrs a;
  a.set("axis", int64_t(axis_attr(b, op, "Axis", 0)));
  b.node("Gather", {b.req(op, "X"), b.req(op, "Index")}, a, b.out(op));
}

static void concat(Builder& b, const PdOp& op) {
  Attrs a;
  a.set("axis", int64_t(axis_attr(b, op, "AxisTensor", 0)));
  const auto& xs = b.ins(op, "X");
  if (xs.empty()) fail("Paddle op concat '", op.name, "': no inputs");
  b.node("Concat", xs, a, b.out(op));
}

static void stack(Builder& b, const PdOp& op) {
  const auto& xs = b.ins(op, "X");
  if (xs.empty()) fail("Paddle op stack '", op.name, "': no inputs");
  int64_t axis = op.attrs.i("axis", 0);
  int out = b.opt_out(op, "Y") >= 0 ? b.out(op, "Y") : b.out(op);
  bool all_scalar = true;
  for (int v : xs) all_scalar = all_scalar && b.has_shape(v) && b.g.values[v].shape.empty();
  if (all_scalar && axis == 0 && b.g.values[xs[0]].dtype == DType::Int64) {
    b.node("Identity", {concat_scalars(b, xs)}, {}, out);
    return;
  }
  std::vector<int> parts;
  int ax = b.const_i64({axis});
  for (int v : xs) parts.push_back(b.node("Unsqueeze", {v, ax}));
  Attrs a;
  a.set("axis", axis);
  b.node("Concat", parts, a, out);
}

static void split(Builder& b, const PdOp& op) {
  int x = b.req(op, "X");
  auto it = op.out.find("Out");
  if (it == op.out.end() || it->second.empty()) fail("Paddle op split '", op.name, "': no outputs");
  const std::vector<int>& outs = it->second;
  int64_t axis = axis_attr(b, op, "AxisTensor", 0);
  std::vector<int64_t> sections = ints_from(b, op, "sections", "SectionsTensorList");
  std::vector<int> ins{x};
  if (!sections.empty()) {
    int neg = -1;
    int64_t sum = 0;
    for (size_t i = 0; i < sections.size(); ++i) {
      if (sections[i] < 0) neg = static_cast<int>(i);
      else sum += sections[i];
    }
    if (neg >= 0) {
      const auto& s = b.shape(x, op);
      int64_t k = axis < 0 ? axis + static_cast<int64_t>(s.size()) : axis;
      if (k < 0 || k >= static_cast<int64_t>(s.size()) || s[k] <= 0)
        fail("Paddle op split '", op.name, "': -1 section needs a static dim");
      sections[neg] = s[k] - sum;
    }
    ins.push_back(b.const_i64(sections));
  }
  Attrs a;
  a.set("axis", axis);
  engine::Node& n = b.g.add_node("Split", op.name + "/split", ins, outs);
  n.attrs = a;
}

static Tensor filled(DType dt, const engine::Shape& shape, double value) {
  Tensor t(dt, shape);
  for (int64_t i = 0; i < t.numel(); ++i) {
    switch (dt) {
      case DType::Float32: t.data<float>()[i] = static_cast<float>(value); break;
      case DType::Int64: t.data<int64_t>()[i] = static_cast<int64_t>(value); break;
      case DType::Int32: t.data<int32_t>()[i] = static_cast<int32_t>(value); break;
      case DType::Int8: t.data<int8_t>()[i] = static_cast<int8_t>(value); break;
      case DType::UInt8: t.data<uint8_t>()[i] = static_cast<uint8_t>(value); break;
      case DType::Bool: t.data<bool>()[i] = value != 0; break;
      default: fail("fill_constant: unsupported type");
    }
  }
  return t;
}

// Makes the op's output value itself a constant.
static void set_constant(Builder& b, int out, Tensor t) {
  engine::Value& v = b.g.values[out];
  v.dtype = t.dtype();
  v.has_shape = true;
  v.shape = t.shape();
  v.constant = std::move(t);
}

static void fill_constant(Builder& b, const PdOp& op) {
  if (b.in(op, "ShapeTensor") >= 0 || !b.ins(op, "ShapeTensorList").empty() || b.in(op, "ValueTensor") >= 0)
    fail("Paddle op fill_constant '", op.name, "': computed shape/value inputs are not supported");
  DType dt = dtype_from_paddle(op.attrs.i("dtype", 5), op.name);
  engine::Shape shape = op.attrs.ints("shape");
  for (int64_t d : shape)
    if (d < 0 || d > (1 << 24)) fail("Paddle op fill_constant '", op.name, "': bad shape");
  if (engine::shape_numel(shape) > (int64_t(1) << 26)) fail("Paddle op fill_constant '", op.name, "': too large");
  double value = op.attrs.f("value", 0.f);
  std::string sv = op.attrs.s("str_value", "");
  if (!sv.empty()) value = std::strtod(sv.c_str(), nullptr);
  if (op.attrs.has("value_f64")) value = std::strtod(op.attrs.s("value_f64").c_str(), nullptr);
  set_constant(b, b.out(op), filled(dt, shape, value));
}

static void full_int_array(Builder& b, const PdOp& op) {
  std::vector<int64_t> v = op.attrs.ints("value");
  set_constant(b, b.out(op), Tensor::from_vector<int64_t>({static_cast<int64_t>(v.size())}, v));
}

static ConverterReg r1("reshape2", reshape), r2("reshape", reshape), r3("flatten_contiguous_range", flatten_range),
    r4("flatten2", flatten2), r5("flatten", flatten2), r6("transpose2", transpose), r7("transpose", transpose),
    r8("squeeze2", squeeze), r9("squeeze", squeeze), r10("unsqueeze2", unsqueeze), r11("unsqueeze", unsqueeze),
    r12("slice", slice), r13("strided_slice", strided_slice), r14("shape", shape), r15("gather", gather),
    r16("concat", concat), r17("stack", stack), r18("split", split), r19("fill_constant", fill_constant),
    r20("full_int_array", full_int_array);

}  // namespace ppocr::formats::paddle
