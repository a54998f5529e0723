// Shape layers: Reshape, Flatten, Permute, Squeeze, ExpandDims, Concat,
// Slice, Crop, Padding, Interp. ncnn axis k is engine axis k + 1 (batch first).
#include <climits>

#include "formats/ncnn/builder.h"

namespace ppocr::formats::ncnn {
namespace {

using engine::Attrs;
using V = std::vector<int64_t>;
constexpr int64_t kNone = -233;
constexpr int64_t kEnd = INT64_MAX;

int64_t norm_axis(Builder& b, int64_t axis, int rank) {
  if (axis < 0) axis += rank;
  if (axis < 0 || axis >= rank) b.error("axis " + std::to_string(axis) + " out of range for a " +
                                        std::to_string(rank) + "-D blob");
  return axis;
}

// Index (outermost first) of a named ncnn dim in a blob of the given rank, or -1.
int dim_index(char name, int rank) {
  switch (name) {
    case 'w': return rank - 1;
    case 'h': return rank >= 2 ? rank - 2 : -1;
    case 'd': return rank == 4 ? 1 : -1;
    case 'c': return rank >= 3 ? 0 : -1;
  }
  return -1;
}

void reshape(Builder& b) {
  const Layer& L = b.layer();
  b.require_inputs(1, 1);
  b.require_outputs(1);
  Blob x = b.in(0);
  if (L.has(6)) b.error("Reshape with shape_expr is not supported");
  if (L.geti(3, 0)) b.error("Reshape with permute=1 is not supported");
  int64_t w = L.geti(0, kNone), h = L.geti(1, kNone), d = L.geti(11, kNone), c = L.geti(2, kNone);
  std::vector<std::pair<char, int64_t>> spec;  // outermost first
  if (h == kNone) spec = {{'w', w}};
  else if (c == kNone) spec = {{'h', h}, {'w', w}};
  else if (d == kNone) spec = {{'c', c}, {'h', h}, {'w', w}};
  else spec = {{'c', c}, {'d', d}, {'h', h}, {'w', w}};
  int rank = static_cast<int>(spec.size());
  V shape{0}, dims;
  int infer = 0;
  for (auto [name, v] : spec) {
    if (v == 0) {
      int src = dim_index(name, x.rank);
      if (x.rank == rank) v = 0;  // same position in input and output
      else if (src >= 0 && x.dims[static_cast<size_t>(src)] > 0) v = x.dims[static_cast<size_t>(src)];
      else b.error("Reshape copying a dim of unknown size across ranks is not supported");
      dims.push_back(v == 0 ? x.dims[static_cast<size_t>(dim_index(name, x.rank))] : v);
    } else if (v == -1) {
      ++infer;
      dims.push_back(-1);
    } else if (v > 0) {
      dims.push_back(v);
    } else {
      b.error("bad Reshape size " + std::to_string(v));
    }
    shape.push_back(v);
  }
  if (infer > 1) b.error("Reshape with more than one -1");
  b.set_out(0, b.op("Reshape", {x.id, b.const_i64("shape", shape)}), rank, dims);
}
ConverterRegistrar r_reshape({"Reshape"}, reshape);

void flatten(Builder& b) {
  b.require_inputs(1, 1);
  b.require_outputs(1);
  Blob x = b.in(0);
  int64_t n = 1;
  for (auto v : x.dims) n = (n > 0 && v > 0 && v < (int64_t(1) << 31) && n < (int64_t(1) << 31)) ? n * v : -1;
  b.set_out(0, b.op("Reshape", {x.id, b.const_i64("shape", {0, -1})}), 1, V{n});
}
ConverterRegistrar r_flatten({"Flatten"}, flatten);

void permute(Builder& b) {
  b.require_inputs(1, 1);
  b.require_outputs(1);
  Blob x = b.in(0);
  int64_t t = b.layer().geti(0, 0);
  // ncnn names list the output axes innermost first, by input axis letter.
  static const std::vector<std::string> n2 = {"WH", "HW"};
  static const std::vector<std::string> n3 = {"WHC", "HWC", "WCH", "CWH", "HCW", "CHW"};
  static const std::vector<std::string> n4 = {"WHDC", "HWDC", "WDHC", "DWHC", "HDWC", "DHWC", "WHCD", "HWCD",
                                              "WCHD", "CWHD", "HCWD", "CHWD", "WDCH", "DWCH", "WCDH", "CWDH",
                                              "DCWH", "CDWH", "HDCW", "DHCW", "HCDW", "CHDW", "DCHW", "CDHW"};
  if (x.rank == 1) {
    b.set_out(0, x);
    return;
  }
  const auto& names = x.rank == 2 ? n2 : x.rank == 3 ? n3 : n4;
  if (t < 0 || t >= static_cast<int64_t>(names.size()))
    b.error("order_type " + std::to_string(t) + " is invalid for a " + std::to_string(x.rank) + "-D blob");
  std::string name(names[static_cast<size_t>(t)].rbegin(), names[static_cast<size_t>(t)].rend());
  V perm{0}, dims;
  for (char ch : name) {
    int src = dim_index(static_cast<char>(ch - 'A' + 'a'), x.rank);
    perm.push_back(src + 1);
    dims.push_back(x.dims[static_cast<size_t>(src)]);
  }
  Attrs a;
  a.set("perm", perm);
  b.set_out(0, b.op("Transpose", {x.id}, a), x.rank, dims);
}
ConverterRegistrar r_permute({"Permute"}, permute);

void squeeze(Builder& b) {
  const Layer& L = b.layer();
  b.require_inputs(1, 1);
  b.require_outputs(1);
  Blob x = b.in(0);
  std::vector<bool> drop(static_cast<size_t>(x.rank), false);
  V axes = L.ints(3);
  if (!axes.empty()) {
    for (auto a : axes) drop[static_cast<size_t>(norm_axis(b, a, x.rank))] = true;
  } else {
    const std::pair<char, int> flags[] = {{'w', 0}, {'h', 1}, {'d', 11}, {'c', 2}};
    for (auto [name, id] : flags) {
      int k = dim_index(name, x.rank);
      if (!L.geti(id, 0) || k < 0) continue;
      int64_t v = x.dims[static_cast<size_t>(k)];
      if (v < 0) b.error("Squeeze by flag of a dim of unknown size is not supported (give axes)");
      if (v == 1) drop[static_cast<size_t>(k)] = true;
    }
  }
  V eaxes, dims;
  for (int k = 0; k < x.rank; ++k) {
    if (drop[static_cast<size_t>(k)]) eaxes.push_back(k + 1);
    else dims.push_back(x.dims[static_cast<size_t>(k)]);
  }
  if (dims.empty()) b.error("Squeeze would remove every dim");
  if (eaxes.empty()) {
    b.set_out(0, x);
    return;
  }
  b.set_out(0, b.op("Squeeze", {x.id, b.const_i64("axes", eaxes)}), static_cast<int>(dims.size()), dims);
}
ConverterRegistrar r_squeeze({"Squeeze"}, squeeze);

void expand_dims(Builder& b) {
  b.require_inputs(1, 1);
  b.require_outputs(1);
  Blob x = b.in(0);
  V axes = b.layer().ints(3);
  if (axes.empty()) b.error("ExpandDims without axes is not supported");
  int out = x.rank + static_cast<int>(axes.size());
  if (out > 4) b.error("ExpandDims beyond 4 dims");
  std::vector<bool> added(static_cast<size_t>(out), false);
  V eaxes;
  for (auto a : axes) {
    int64_t k = norm_axis(b, a, out);
    if (added[static_cast<size_t>(k)]) b.error("repeated axis");
    added[static_cast<size_t>(k)] = true;
  }
  V dims;
  size_t src = 0;
  for (int k = 0; k < out; ++k) {
    if (added[static_cast<size_t>(k)]) {
      eaxes.push_back(k + 1);
      dims.push_back(1);
    } else {
      dims.push_back(x.dims[src++]);
    }
  }
  b.set_out(0, b.op("Unsqueeze", {x.id, b.const_i64("axes", eaxes)}), out, dims);
}
ConverterRegistrar r_expand({"ExpandDims"}, expand_dims);

void concat(Builder& b) {
  const Layer& L = b.layer();
  b.require_inputs(1, 64);
  b.require_outputs(1);
  Blob x0 = b.in(0);
  int64_t axis = norm_axis(b, L.geti(0, 0), x0.rank);
  std::vector<int> ins;
  V dims = x0.dims;
  int64_t total = 0;
  for (size_t i = 0; i < L.bottoms.size(); ++i) {
    const Blob& xi = b.in(i);
    if (xi.rank != x0.rank) b.error("Concat inputs differ in rank");
    int64_t v = xi.dims[static_cast<size_t>(axis)];
    total = (total >= 0 && v > 0 && v < (int64_t(1) << 40)) ? total + v : -1;
    ins.push_back(xi.id);
  }
  dims[static_cast<size_t>(axis)] = total;
  Attrs a;
  a.set("axis", axis + 1);
  b.set_out(0, b.op("Concat", ins, a), x0.rank, dims);
}
ConverterRegistrar r_concat({"Concat"}, concat);

int slice_axis(Builder& b, int x, int64_t eaxis, int64_t start, int64_t end) {
  return b.op("Slice", {x, b.const_i64("starts", {start}), b.const_i64("ends", {end}), b.const_i64("axes", {eaxis}),
                        b.const_i64("steps", {1})});
}

void slice(Builder& b) {
  const Layer& L = b.layer();
  b.require_inputs(1, 1);
  Blob x = b.in(0);
  size_t n = L.tops.size();
  if (n == 0) b.error("Slice without outputs");
  int64_t axis = norm_axis(b, L.geti(1, 0), x.rank);
  V slices = L.ints(0), indices = L.ints(2);
  int64_t len = x.dims[static_cast<size_t>(axis)];
  std::vector<std::pair<int64_t, int64_t>> ranges;
  if (!indices.empty()) {
    if (indices.size() + 1 != n && indices.size() != n) b.error("indices count does not match outputs");
    int64_t start = 0;
    for (size_t i = 0; i < n; ++i) {
      int64_t end = i < indices.size() ? indices[i] : kEnd;
      ranges.push_back({start, end});
      start = end;
    }
  } else {
    if (slices.size() != n) b.error("slices count does not match outputs");
    bool all_even = true;
    for (auto s : slices) all_even = all_even && s == kNone;
    if (all_even && len < 0) {
      std::vector<int> outs;
      Attrs a;
      a.set("axis", axis + 1);
      b.op("Split", {x.id}, a, static_cast<int>(n), &outs);
      for (size_t i = 0; i < n; ++i) b.set_out(i, outs[i], x.rank);
      return;
    }
    int64_t start = 0;
    for (size_t i = 0; i < n; ++i) {
      int64_t s = slices[i];
      if (s == kNone || s == -1) {
        if (i + 1 == n) {
          ranges.push_back({start, kEnd});
          break;
        }
        if (len < 0) b.error("Slice with an automatic size before the last output needs a known length");
        s = (len - start) / static_cast<int64_t>(n - i);
      }
      if (s <= 0) b.error("bad slice size " + std::to_string(s));
      ranges.push_back({start, start + s});
      start += s;
    }
  }
  for (size_t i = 0; i < n; ++i) {
    V dims = x.dims;
    auto [s, e] = ranges[i];
    dims[static_cast<size_t>(axis)] = (s >= 0 && e >= 0 && e != kEnd) ? e - s : -1;
    b.set_out(i, slice_axis(b, x.id, axis + 1, s, e), x.rank, dims);
  }
}
ConverterRegistrar r_slice({"Slice"}, slice);

void crop(Builder& b) {
  const Layer& L = b.layer();
  b.require_inputs(1, 1);
  b.require_outputs(1);
  Blob x = b.in(0);
  if (L.has(19) || L.has(20) || L.has(21)) b.error("Crop with expressions is not supported");
  V starts, ends, axes;
  if (L.has(9) || L.has(10)) {
    V s = L.ints(9), e = L.ints(10), a = L.ints(11);
    if (s.size() != e.size() || (!a.empty() && a.size() != s.size())) b.error("starts/ends/axes differ in length");
    for (size_t i = 0; i < s.size(); ++i) {
      int64_t ax = a.empty() ? static_cast<int64_t>(i) : a[i];
      starts.push_back(s[i]);
      ends.push_back(e[i] == kNone || e[i] >= INT_MAX ? kEnd : e[i]);
      axes.push_back(norm_axis(b, ax, x.rank) + 1);
    }
  } else {
    struct D { char name; int off, out, off2; };
    const D ds[] = {{'w', 0, 3, 6}, {'h', 1, 4, 7}, {'d', 13, 14, 15}, {'c', 2, 5, 8}};
    for (const D& d : ds) {
      int k = dim_index(d.name, x.rank);
      if (k < 0) continue;
      int64_t off = L.geti(d.off, 0), out = L.geti(d.out, 0), off2 = L.geti(d.off2, 0);
      if (off < 0 || off2 < 0) b.error("negative crop offset");
      int64_t end = out > 0 ? off + out : off2 > 0 ? -off2 : kEnd;
      if (off == 0 && end == kEnd) continue;
      starts.push_back(off);
      ends.push_back(end);
      axes.push_back(k + 1);
    }
  }
  if (starts.empty()) {
    b.set_out(0, x);
    return;
  }
  V steps(starts.size(), 1);
  int y = b.op("Slice", {x.id, b.const_i64("starts", starts), b.const_i64("ends", ends), b.const_i64("axes", axes),
                         b.const_i64("steps", steps)});
  b.set_out(0, y, x.rank);
}
ConverterRegistrar r_crop({"Crop"}, crop);

void padding(Builder& b) {
  const Layer& L = b.layer();
  b.require_inputs(1, 1);
  b.require_outputs(1);
  Blob x = b.in(0);
  int64_t top = L.geti(0, 0), bottom = L.geti(1, 0), left = L.geti(2, 0), right = L.geti(3, 0);
  int64_t type = L.geti(4, 0), front = L.geti(7, 0), behind = L.geti(8, 0);
  if (L.geti(6, 0)) b.error("per-channel padding values are not supported");
  if (top < 0 || bottom < 0 || left < 0 || right < 0 || front < 0 || behind < 0) b.error("negative padding");
  V begin, end;  // engine axes 1..rank
  if (x.rank == 1) begin = {left}, end = {right};
  if (x.rank == 2) begin = {top, left}, end = {bottom, right};
  if (x.rank == 3) begin = {front, top, left}, end = {behind, bottom, right};
  if (x.rank == 4) begin = {0, front, top, left}, end = {0, behind, bottom, right};
  V pads{0};
  pads.insert(pads.end(), begin.begin(), begin.end());
  pads.push_back(0);
  pads.insert(pads.end(), end.begin(), end.end());
  static const char* modes[] = {"constant", "edge", "reflect"};
  if (type < 0 || type > 2) b.error("unsupported padding type " + std::to_string(type));
  Attrs a;
  a.set("mode", std::string(modes[type]));
  std::vector<int> ins{x.id, b.const_i64("pads", pads)};
  if (type == 0) ins.push_back(b.scalar(L.getf(5, 0.f)));
  b.set_out(0, b.op("Pad", ins, a), x.rank);
}
ConverterRegistrar r_padding({"Padding"}, padding);

void interp(Builder& b) {
  const Layer& L = b.layer();
  b.require_outputs(1);
  bool dynamic = L.geti(5, 0) != 0;
  b.require_inputs(dynamic ? 2 : 1, dynamic ? 2 : 1);
  Blob x = b.in(0);
  if (L.has(9)) b.error("Interp with size_expr is not supported");
  if (x.rank != 3) b.error("Interp input must be 3-D (c, h, w)");
  int64_t type = L.geti(0, 0);
  Attrs a;
  if (type == 1 || type == 0) {
    a.set("mode", std::string("nearest"));
    a.set("coordinate_transformation_mode", std::string("asymmetric"));
    a.set("nearest_mode", std::string("floor"));
  } else if (type == 2 || type == 3) {
    a.set("mode", std::string(type == 2 ? "linear" : "cubic"));
    a.set("coordinate_transformation_mode", std::string(L.geti(6, 0) ? "align_corners" : "half_pixel"));
    a.set("cubic_coeff_a", -0.75f);
  } else {
    b.error("unsupported resize_type " + std::to_string(type));
  }
  int64_t oh = L.geti(3, 0), ow = L.geti(4, 0);
  int y;
  auto leading = [&](int v) {
    int s = b.op("Shape", {v});
    return slice_axis(b, s, 0, 0, 2);
  };
  if (dynamic) {
    int sref = b.op("Shape", {b.in(1).id});
    Attrs ca;
    ca.set("axis", int64_t(0));
    int sizes = b.op("Concat", {leading(x.id), slice_axis(b, sref, 0, 2, 4)}, ca);
    y = b.op("Resize", {x.id, -1, -1, sizes}, a);
  } else if (oh > 0 && ow > 0) {
    Attrs ca;
    ca.set("axis", int64_t(0));
    int sizes = b.op("Concat", {leading(x.id), b.const_i64("hw", {oh, ow})}, ca);
    y = b.op("Resize", {x.id, -1, -1, sizes}, a);
  } else {
    float hs = L.getf(1, 1.f), ws = L.getf(2, 1.f);
    if (!(hs > 0.f) || !(ws > 0.f)) b.error("Interp scales must be positive");
    y = b.op("Resize", {x.id, -1, b.const_f32("scales", {4}, {1.f, 1.f, hs, ws})}, a);
  }
  b.set_out(0, y, 3, V{x.dims[0], -1, -1});
}
ConverterRegistrar r_interp({"Interp"}, interp);

}  // namespace
}  // namespace ppocr::formats::ncnn
