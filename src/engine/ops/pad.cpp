// Pad (opset-11+ form): pads [begin..., end...] as input 1 (negative = crop),
// optional constant_value input 2, optional axes input 3; modes constant,
// reflect, edge, wrap. Any dtype for constant mode.
#include <cstdlib>
#include <cstring>

#include "engine/ops/op_helpers.h"

namespace ppocr::engine::ops {
namespace {

enum class Mode { Constant, Reflect, Edge, Wrap };

// Source index along one dim for output position i, or -1 for the constant.
int64_t source_index(int64_t i, int64_t begin, int64_t dim, Mode m) {
  int64_t s = i - begin;
  if (s >= 0 && s < dim) return s;
  switch (m) {
    case Mode::Constant: return -1;
    case Mode::Edge: return s < 0 ? 0 : dim - 1;
    case Mode::Wrap: return ((s % dim) + dim) % dim;
    case Mode::Reflect: {
      if (dim == 1) return 0;
      const int64_t period = 2 * (dim - 1);
      int64_t t = ((s % period) + period) % period;
      return t < dim ? t : period - t;
    }
  }
  return -1;
}

void pad(KernelContext& c) {
  const Tensor& x = c.in(0);
  const int r = x.rank();
  std::vector<int64_t> pads = int_input(c, 1);
  if (!c.has_input(1)) pads = c.node.attrs.ints("pads");
  std::vector<int64_t> axes = int_input(c, 3);
  if (axes.empty())
    for (int i = 0; i < r; ++i) axes.push_back(i);
  const size_t na = axes.size();
  if (pads.size() != 2 * na) c.error("pads has " + std::to_string(pads.size()) + " entries, expected " + std::to_string(2 * na));
  std::vector<int64_t> begin(r, 0), end(r, 0);
  for (size_t i = 0; i < na; ++i) {
    int a = norm_axis(c, axes[i], r);
    begin[a] = pads[i];
    end[a] = pads[i + na];
  }
  const std::string ms = c.node.attrs.s("mode", "constant");
  Mode mode;
  if (ms == "constant") mode = Mode::Constant;
  else if (ms == "reflect") mode = Mode::Reflect;
  else if (ms == "edge") mode = Mode::Edge;
  else if (ms == "wrap") mode = Mode::Wrap;
  else c.error("unknown mode '" + ms + "'");
  Shape os(r);
  for (int d = 0; d < r; ++d) {
    if (std::abs(begin[d]) > (int64_t(1) << 32) || std::abs(end[d]) > (int64_t(1) << 32)) c.error("pads too large");
    os[d] = x.dim(d) + begin[d] + end[d];
    if (os[d] < 0) c.error("pads crop more than the input has");
    if (mode != Mode::Constant && x.dim(d) == 0 && os[d] > 0) c.error("cannot " + ms + "-pad an empty dim");
    if (mode == Mode::Reflect && (begin[d] >= x.dim(d) || end[d] >= x.dim(d)) && (begin[d] > 0 || end[d] > 0))
      c.error("reflect pads must be smaller than the dim");
  }
  check_output_size(c, os);
  Tensor xv = x;
  if (xv.dtype() == DType::Float16) xv = xv.cast(DType::Float32);
  Tensor& o = c.alloc_output(0, xv.dtype(), os);
  const int64_t n = o.numel();
  if (n == 0) return;
  const size_t es = dtype_size(xv.dtype());
  // The constant, converted to the data type.
  std::vector<char> cval(es, 0);
  if (c.has_input(2) && c.in(2).numel() > 0) {
    Tensor cv = c.in(2).cast(xv.dtype());
    std::memcpy(cval.data(), cv.raw(), es);
  } else if (c.node.attrs.has("value")) {
    Tensor cv = Tensor::scalar_f32(c.node.attrs.f("value")).cast(xv.dtype());
    std::memcpy(cval.data(), cv.raw(), es);
  }
  auto ist = strides_of(xv.shape());
  const char* src = static_cast<const char*>(xv.raw());
  char* dst = static_cast<char*>(o.raw());
  if (r == 0) {
    std::memcpy(dst, src, es);
    return;
  }
  const int64_t last = os[r - 1], rows = n / last;
  std::vector<int64_t> lastmap(last);
  for (int64_t k = 0; k < last; ++k) lastmap[k] = source_index(k, begin[r - 1], x.dim(r - 1), mode);
#pragma omp parallel for if (n >= (1 << 16))
  for (int64_t row = 0; row < rows; ++row) {
    int64_t rem = row, off = 0;
    bool constant = false;
    for (int d = r - 2; d >= 0; --d) {
      int64_t s = source_index(rem % os[d], begin[d], x.dim(d), mode);
      rem /= os[d];
      if (s < 0) constant = true;
      else off += s * ist[d];
    }
    char* out = dst + row * last * es;
    for (int64_t k = 0; k < last; ++k) {
      const int64_t s = lastmap[k];
      std::memcpy(out + k * es, (constant || s < 0) ? cval.data() : src + (off + s) * es, es);
    }
  }
}

PPOCR_OP(Pad).reference(pad).inputs(1, 4);

}  // namespace
}  // namespace ppocr::engine::ops
