// WidthPadding: which values of a graph carry the input's width, through
// which windows, and the GlobalAveragePool rewrite (docs/engine.md).
//
// A value is "spatial" (it has the input's columns along axis `axis`, after
// the strides so far), "global" (per sample, no width: a GlobalAveragePool
// and what is computed from it) or constant. The analysis accepts:
// - Conv, MaxPool, AveragePool on a spatial input whose last axis is the
//   width (explicit pads, no auto_pad SAME_*), with a fused residual input;
//   on a global input they stay global;
// - GlobalAveragePool (4-D, width last): spatial -> global (the pools the
//   rewrite corrects);
// - ChannelMul (spatial X times global/constant S);
// - elementwise ops: spatial with spatial (same axis), or with a global or
//   constant operand that is 1 along the width;
// - Squeeze/Unsqueeze/Transpose that keep the width axis (it moves);
// - MatMul with a constant 2-D B and the width not in A's last axis;
// - Softmax/LogSoftmax not over the width; BatchNormalization (axis 1) and
//   EltwiseChain while the width is not axis 1; unary elementwise ops.
// Anything else (Reshape, Concat, Slice, Resize, LSTM, attention MatMuls of
// two activations, reductions...) makes the graph unsupported.
#include "engine/width_pad.h"

#include <algorithm>
#include <set>

namespace ppocr::engine {
namespace {

struct St {
  enum Kind { kNone, kConst, kGlobal, kSpatial } kind = kNone;
  int axis = -1;  // spatial: the width axis
  int rank = -1;
};

int64_t floor_div(int64_t a, int64_t b) { return a >= 0 ? a / b : -((-a + b - 1) / b); }
int64_t ceil_div(int64_t a, int64_t b) { return -floor_div(-a, b); }

const std::set<std::string>& unary_ops() {
  static const std::set<std::string> s = {
      "Relu",  "Sigmoid", "HardSigmoid", "HardSwish", "Clip",     "Tanh",  "Erf",   "Exp",       "Log",
      "Sqrt",  "Neg",     "Abs",         "Cast",      "Identity", "Floor", "Ceil",  "Round",     "Reciprocal",
      "Elu",   "Selu",    "LeakyRelu",   "Softplus",  "Softsign", "Gelu",  "Mish",  "FakeQuant", "Dropout",
      "Sin",   "Cos",     "Sign",        "Not"};
  return s;
}
const std::set<std::string>& binary_ops() {
  static const std::set<std::string> s = {"Add", "Sub", "Mul", "Div", "Pow", "Max", "Min", "PRelu", "Where"};
  return s;
}

std::vector<int64_t> const_ints(const Graph& g, const Node& n, size_t input, const char* attr) {
  if (n.inputs.size() > input && n.inputs[input] >= 0) {
    const Value& v = g.values[n.inputs[input]];
    if (!v.is_constant()) return {};
    const Tensor& t = v.constant;
    std::vector<int64_t> out;
    if (t.dtype() == DType::Int64)
      for (int64_t i = 0; i < t.numel(); ++i) out.push_back(t.data<int64_t>()[i]);
    else if (t.dtype() == DType::Int32)
      for (int64_t i = 0; i < t.numel(); ++i) out.push_back(t.data<int32_t>()[i]);
    return out;
  }
  return n.attrs.ints(attr);
}

int norm(int64_t a, int rank) { return static_cast<int>(a < 0 ? a + rank : a); }

}  // namespace

std::optional<WidthPadding> WidthPadding::attach(Graph& g, std::string* why_not) {
  auto fail = [&](const std::string& why) -> std::optional<WidthPadding> {
    if (why_not) *why_not = why;
    return std::nullopt;
  };
  if (g.inputs.size() != 1) return fail("the graph has " + std::to_string(g.inputs.size()) + " inputs");
  if (g.outputs.empty()) return fail("the graph has no outputs");
  WidthPadding wp;
  wp.num_values_ = static_cast<int>(g.values.size());
  std::vector<St> st(g.values.size());
  for (size_t i = 0; i < g.values.size(); ++i)
    if (g.values[i].is_constant()) st[i] = {St::kConst, -1, g.values[i].constant.rank()};
  wp.input_ = g.inputs[0];
  {
    const Value& in = g.values[wp.input_];
    if (in.has_shape && in.shape.size() != 4) return fail("input 0 is not 4-D");
    st[wp.input_] = {St::kSpatial, 3, 4};
  }
  std::vector<int> pool_nodes;
  int64_t stride = 1;
  std::vector<int64_t> strides(g.values.size(), 0);  // spatial values: input columns per column
  strides[wp.input_] = 1;

  for (size_t ni = 0; ni < g.nodes.size(); ++ni) {
    const Node& n = g.nodes[ni];
    auto in_st = [&](size_t i) -> St {
      if (i >= n.inputs.size() || n.inputs[i] < 0) return {};
      return st[n.inputs[i]];
    };
    auto bad = [&](const std::string& why) { return fail(n.op + " '" + n.name + "': " + why); };
    if (n.outputs.size() != 1 && n.op != "Dropout") return bad("more than one output");
    const int out = n.outputs[0];
    const St x = in_st(0);
    bool any_spatial = false;
    for (size_t i = 0; i < n.inputs.size(); ++i) any_spatial |= in_st(i).kind == St::kSpatial;
    auto set_global = [&](int rank) { st[out] = {St::kGlobal, -1, rank}; };

    if (!any_spatial) {  // nothing of the width reaches this node
      bool any_global = false;
      for (size_t i = 0; i < n.inputs.size(); ++i) any_global |= in_st(i).kind == St::kGlobal;
      int rank = g.values[out].has_shape ? static_cast<int>(g.values[out].shape.size()) : x.rank;
      if (any_global) set_global(rank);
      else st[out] = {St::kConst, -1, rank};
      continue;
    }
    Step s;
    s.out = out;

    if (n.op == "Conv" || n.op == "MaxPool" || n.op == "AveragePool") {
      if (x.kind != St::kSpatial) return bad("the width reaches it other than through X");
      if (x.axis != x.rank - 1 || x.rank < 3) return bad("the width is not the last axis");
      const std::string ap = n.attrs.s("auto_pad", "NOTSET");
      if (ap != "NOTSET" && ap != "VALID") return bad("auto_pad " + ap);
      const int nsp = x.rank - 2;
      std::vector<int64_t> ks = n.attrs.ints("kernel_shape");
      if (ks.empty() && n.op == "Conv" && n.inputs.size() > 1 && n.inputs[1] >= 0 &&
          g.values[n.inputs[1]].is_constant()) {
        const Tensor& w = g.values[n.inputs[1]].constant;
        for (int d = 2; d < w.rank(); ++d) ks.push_back(w.dim(d));
      }
      if (static_cast<int>(ks.size()) != nsp) return bad("unknown kernel shape");
      std::vector<int64_t> strd = n.attrs.ints("strides", std::vector<int64_t>(nsp, 1));
      std::vector<int64_t> dil = n.attrs.ints("dilations", std::vector<int64_t>(nsp, 1));
      std::vector<int64_t> pads = n.attrs.ints("pads", std::vector<int64_t>(2 * nsp, 0));
      if (ap == "VALID") pads.assign(2 * nsp, 0);
      if (static_cast<int>(strd.size()) != nsp || static_cast<int>(dil.size()) != nsp ||
          static_cast<int>(pads.size()) != 2 * nsp)
        return bad("attribute sizes");
      s.kind = Step::kWindow;
      s.k = static_cast<int>(ks.back());
      s.stride = static_cast<int>(strd.back());
      s.dilation = n.op == "AveragePool" ? 1 : static_cast<int>(dil.back());
      s.pad_begin = static_cast<int>(pads[nsp - 1]);
      s.pad_end = static_cast<int>(pads[2 * nsp - 1]);
      s.ceil_mode = n.op != "Conv" && n.attrs.i("ceil_mode", 0) != 0;
      if (s.k < 1 || s.stride < 1 || s.dilation < 1 || s.pad_begin < 0 || s.pad_end < 0) return bad("window");
      s.ins = {n.inputs[0]};
      if (n.op == "Conv") {
        for (size_t i = 1; i < 3 && i < n.inputs.size(); ++i)
          if (in_st(i).kind == St::kSpatial || in_st(i).kind == St::kGlobal)
            return bad("weights or bias computed from the input");
        if (n.inputs.size() > 3 && n.inputs[3] >= 0) {
          const St r = in_st(3);
          if (r.kind == St::kSpatial) {
            if (r.axis != x.axis) return bad("residual with the width elsewhere");
            s.ins.push_back(n.inputs[3]);
          } else if (r.kind == St::kGlobal) {
            return bad("a global residual");
          }
        }
      }
      strides[out] = strides[n.inputs[0]] * s.stride;
      if (s.ins.size() > 1 && strides[s.ins[1]] != strides[out]) return bad("residual at another stride");
      st[out] = x;
    } else if (n.op == "GlobalAveragePool") {
      if (x.kind != St::kSpatial || x.rank != 4 || x.axis != 3) return bad("not 4-D with the width last");
      pool_nodes.push_back(static_cast<int>(ni));
      wp.pool_value_.push_back(n.inputs[0]);
      set_global(4);
      continue;
    } else if (n.op == "ChannelMul") {
      if (x.kind != St::kSpatial || in_st(1).kind == St::kSpatial) return bad("scale computed along the width");
      s.ins = {n.inputs[0]};
      strides[out] = strides[n.inputs[0]];
      st[out] = x;
    } else if (binary_ops().count(n.op)) {
      int axis = -1, rank = 0;
      for (size_t i = 0; i < n.inputs.size(); ++i) {
        const St a = in_st(i);
        if (a.kind == St::kSpatial) {
          if (axis >= 0 && a.rank - a.axis != rank - axis) return bad("operands with the width on other axes");
          if (axis < 0 || a.rank > rank) {
            axis = a.axis;
            rank = a.rank;
          }
          s.ins.push_back(n.inputs[i]);
        }
      }
      for (size_t i = 0; i < n.inputs.size(); ++i) {
        const St a = in_st(i);
        if (a.kind == St::kSpatial || n.inputs[i] < 0) continue;
        const Value& v = g.values[n.inputs[i]];
        if (!v.has_shape && !v.is_constant()) return bad("an operand of unknown shape");
        Shape sh = v.is_constant() ? v.constant.shape() : v.shape;
        const int k = axis - (rank - static_cast<int>(sh.size()));
        if (k >= 0 && sh[k] != 1) return bad("an operand that varies along the width");
      }
      for (int v : s.ins)
        if (strides[v] != strides[s.ins[0]]) return bad("operands at other strides");
      strides[out] = strides[s.ins[0]];
      s.kind = s.ins.size() > 1 ? Step::kMerge : Step::kCopy;
      st[out] = {St::kSpatial, axis, rank};
    } else if (unary_ops().count(n.op) || n.op == "EltwiseChain" || n.op == "BatchNormalization") {
      if (x.kind != St::kSpatial) return bad("the width reaches it other than through input 0");
      if ((n.op == "EltwiseChain" || n.op == "BatchNormalization") && x.axis == 1)
        return bad("per-channel parameters along the width");
      for (size_t i = 1; i < n.inputs.size(); ++i)
        if (in_st(i).kind == St::kSpatial) return bad("a parameter computed along the width");
      s.ins = {n.inputs[0]};
      strides[out] = strides[n.inputs[0]];
      st[out] = x;
    } else if (n.op == "Softmax" || n.op == "LogSoftmax") {
      const bool coerce = n.attrs.i("coerce_2d", 0) != 0;
      const int axis = norm(n.attrs.i("axis", coerce ? 1 : -1), x.rank);
      if (x.kind != St::kSpatial || (coerce ? x.axis >= axis : x.axis == axis)) return bad("over the width");
      s.ins = {n.inputs[0]};
      strides[out] = strides[n.inputs[0]];
      st[out] = x;
    } else if (n.op == "Squeeze" || n.op == "Unsqueeze") {
      std::vector<int64_t> axes = const_ints(g, n, 1, "axes");
      if (x.kind != St::kSpatial) return bad("the width reaches it other than through input 0");
      if (axes.empty()) return bad("axes not constant");
      int axis = x.axis, rank = x.rank;
      if (n.op == "Squeeze") {
        std::vector<int> ax;
        for (int64_t a : axes) ax.push_back(norm(a, rank));
        int below = 0;
        for (int a : ax) {
          if (a == axis) return bad("squeezes the width");
          below += a < axis;
        }
        axis -= below;
        rank -= static_cast<int>(ax.size());
      } else {
        rank += static_cast<int>(axes.size());
        std::vector<char> ins(rank, 0);
        for (int64_t a : axes) {
          const int k = norm(a, rank);
          if (k < 0 || k >= rank) return bad("axes");
          ins[k] = 1;
        }
        int j = 0;
        for (int i = 0; i < rank; ++i) {
          if (ins[i]) continue;
          if (j == x.axis) {
            axis = i;
            break;
          }
          ++j;
        }
      }
      s.ins = {n.inputs[0]};
      strides[out] = strides[n.inputs[0]];
      st[out] = {St::kSpatial, axis, rank};
    } else if (n.op == "Transpose") {
      if (x.kind != St::kSpatial) return bad("the width reaches it other than through input 0");
      std::vector<int64_t> perm = n.attrs.ints("perm");
      if (perm.empty())
        for (int i = x.rank - 1; i >= 0; --i) perm.push_back(i);
      int axis = -1;
      for (size_t i = 0; i < perm.size(); ++i)
        if (norm(perm[i], x.rank) == x.axis) axis = static_cast<int>(i);
      if (axis < 0 || static_cast<int>(perm.size()) != x.rank) return bad("perm");
      s.ins = {n.inputs[0]};
      strides[out] = strides[n.inputs[0]];
      st[out] = {St::kSpatial, axis, x.rank};
    } else if (n.op == "MatMul") {
      const St b = in_st(1);
      if (x.kind != St::kSpatial || b.kind != St::kConst || b.rank != 2 || x.rank < 2 || x.axis == x.rank - 1)
        return bad("not activations times a constant matrix with the width outside the product");
      if (n.inputs.size() > 2 && in_st(2).kind == St::kSpatial) return bad("bias along the width");
      s.ins = {n.inputs[0]};
      strides[out] = strides[n.inputs[0]];
      st[out] = x;
    } else {
      return bad("not known to be local along the width");
    }
    s.kind = s.kind == Step::kWindow ? Step::kWindow : (s.ins.size() > 1 ? Step::kMerge : Step::kCopy);
    wp.steps_.push_back(s);
  }

  const int out = g.outputs[0];
  if (st[out].kind != St::kSpatial) return fail("output 0 does not have the input's columns");
  for (size_t i = 1; i < g.outputs.size(); ++i)
    if (st[g.outputs[i]].kind == St::kSpatial) return fail("more than one output has the input's columns");
  wp.out_value_ = out;
  wp.out_axis_ = st[out].axis;
  stride = strides[out];
  for (int v : wp.pool_value_) {
    if (strides[v] <= 0 || stride % strides[v] != 0) return fail("a pool's stride does not divide the output's");
  }
  wp.stride_ = static_cast<int>(stride);

  // The rewrite: one more graph input, read by every GlobalAveragePool.
  const int pad = g.add_value(kInputName);
  Value& pv = g.values[pad];
  pv.dtype = DType::Float32;
  pv.has_shape = true;
  pv.shape = {-1, static_cast<int64_t>(pool_nodes.size()), 2};
  g.inputs.push_back(pad);
  for (size_t p = 0; p < pool_nodes.size(); ++p) {
    Node& n = g.nodes[pool_nodes[p]];
    n.inputs.resize(1);
    n.inputs.push_back(pad);
    n.attrs.set("pad_index", static_cast<int64_t>(p));
  }
  return wp;
}

std::optional<WidthPadding::Far> WidthPadding::far_columns(int content, int width) const {
  if (content < 1 || width < content) return std::nullopt;
  // Per spatial value: I = first column that no content reaches, J = last column that no right border
  // (zero padding of a window past the end) reaches, Wd = its width.
  std::vector<int64_t> I(num_values_, 0), J(num_values_, -1), Wd(num_values_, 0);
  I[input_] = content;
  J[input_] = width - 1;
  Wd[input_] = width;
  for (const Step& s : steps_) {
    const int x = s.ins[0];
    if (s.kind == Step::kWindow) {
      const int64_t ext = int64_t(s.k - 1) * s.dilation + 1;
      const int64_t span = Wd[x] + s.pad_begin + s.pad_end - ext;
      if (span < 0) return std::nullopt;
      int64_t w;
      if (s.ceil_mode) {
        w = ceil_div(span, s.stride) + 1;
        if ((w - 1) * s.stride >= Wd[x] + s.pad_begin) --w;
      } else {
        w = span / s.stride + 1;
      }
      Wd[s.out] = w;
      I[s.out] = std::max<int64_t>(0, ceil_div(I[x] + s.pad_begin, s.stride));
      J[s.out] = std::min<int64_t>(w - 1, floor_div(J[x] + s.pad_begin - (ext - 1), s.stride));
      for (size_t i = 1; i < s.ins.size(); ++i) {
        const int r = s.ins[i];
        if (Wd[r] != w) return std::nullopt;
        I[s.out] = std::max(I[s.out], I[r]);
        J[s.out] = std::min(J[s.out], J[r]);
      }
    } else {
      Wd[s.out] = Wd[x];
      I[s.out] = I[x];
      J[s.out] = J[x];
      for (size_t i = 1; i < s.ins.size(); ++i) {
        const int r = s.ins[i];
        if (Wd[r] != Wd[x]) return std::nullopt;
        I[s.out] = std::max(I[s.out], I[r]);
        J[s.out] = std::min(J[s.out], J[r]);
      }
    }
    if (I[s.out] > J[s.out]) return std::nullopt;  // no far column at this value
  }
  Far f;
  for (int v : pool_value_) {
    f.pool_col.push_back(static_cast<int>(I[v]));
    f.pool_width.push_back(static_cast<int>(Wd[v]));
  }
  f.out_col = static_cast<int>(I[out_value_]);
  f.out_width = static_cast<int>(Wd[out_value_]);
  return f;
}

}  // namespace ppocr::engine
