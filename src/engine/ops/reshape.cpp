// Reshape (shape input, 0 = copy unless allowzero, -1 = inferred), Flatten,
// Squeeze and Unsqueeze (axes as input 1, or the older `axes` attribute).
// Outputs share the input's buffer.
#include <algorithm>

#include "engine/ops/op_helpers.h"

namespace ppocr::engine::ops {
namespace {

void reshape(KernelContext& c) {
  const Tensor& x = c.in(0);
  std::vector<int64_t> s = int_input(c, 1);
  if (!c.has_input(1)) s = c.node.attrs.ints("shape");
  const bool allowzero = c.node.attrs.i("allowzero", 0) != 0;
  int infer = -1;
  int64_t known = 1;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == 0 && !allowzero) {
      if (static_cast<int>(i) >= x.rank()) c.error("shape entry 0 at " + std::to_string(i) + " has no input dim to copy");
      s[i] = x.dim(static_cast<int>(i));
    }
    if (s[i] == -1) {
      if (infer >= 0) c.error("more than one -1 in the target shape");
      infer = static_cast<int>(i);
      continue;
    }
    if (s[i] < 0) c.error("negative dim " + std::to_string(s[i]) + " in the target shape");
    if (s[i] != 0 && known > (int64_t(1) << 40) / s[i]) c.error("target shape is too large");
    known *= s[i];
  }
  if (infer >= 0) {
    if (known == 0 || x.numel() % known != 0)
      c.error("cannot reshape " + x.desc() + " to " + shape_str(s));
    s[infer] = x.numel() / known;
  }
  if (shape_numel(s) != x.numel()) c.error("cannot reshape " + x.desc() + " to " + shape_str(s));
  c.outputs[0] = x.reshaped(s);
}

void flatten(KernelContext& c) {
  const Tensor& x = c.in(0);
  const int r = x.rank();
  int64_t a = c.node.attrs.i("axis", 1);
  if (a < -r || a > r) c.error("axis " + std::to_string(a) + " out of range");
  if (a < 0) a += r;
  int64_t d0 = 1;
  for (int i = 0; i < a; ++i) d0 *= x.dim(i);
  int64_t d1 = d0 ? x.numel() / d0 : 1;
  if (d0 == 0) for (int i = static_cast<int>(a); i < r; ++i) d1 *= x.dim(i);
  c.outputs[0] = x.reshaped({d0, d1});
}

std::vector<int64_t> axes_of(KernelContext& c) {
  return c.has_input(1) ? int_input(c, 1) : c.node.attrs.ints("axes");
}

void squeeze(KernelContext& c) {
  const Tensor& x = c.in(0);
  const int r = x.rank();
  std::vector<int64_t> axes = axes_of(c);
  std::vector<char> drop(r, 0);
  if (axes.empty()) {
    for (int i = 0; i < r; ++i) drop[i] = x.dim(i) == 1;
  } else {
    for (int64_t a : axes) {
      int k = norm_axis(c, a, r);
      if (x.dim(k) != 1) c.error("cannot squeeze axis " + std::to_string(a) + " of " + x.desc());
      drop[k] = 1;
    }
  }
  Shape s;
  for (int i = 0; i < r; ++i)
    if (!drop[i]) s.push_back(x.dim(i));
  c.outputs[0] = x.reshaped(s);
}

void unsqueeze(KernelContext& c) {
  const Tensor& x = c.in(0);
  std::vector<int64_t> axes = axes_of(c);
  const int r = x.rank() + static_cast<int>(axes.size());
  std::vector<char> ins(r, 0);
  for (int64_t a : axes) {
    int k = norm_axis(c, a, r);
    if (ins[k]) c.error("axes repeat");
    ins[k] = 1;
  }
  Shape s;
  int j = 0;
  for (int i = 0; i < r; ++i) s.push_back(ins[i] ? 1 : x.dim(j++));
  c.outputs[0] = x.reshaped(s);
}

PPOCR_OP(Reshape).reference(reshape).inputs(1, 2);
PPOCR_OP(Flatten).reference(flatten).inputs(1, 1);
PPOCR_OP(Squeeze).reference(squeeze).inputs(1, 2);
PPOCR_OP(Unsqueeze).reference(unsqueeze).inputs(1, 2);

}  // namespace
}  // namespace ppocr::engine::ops
