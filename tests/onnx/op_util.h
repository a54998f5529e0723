// Helpers of the ONNX operator tests: one-node runs with the reference and
// the fast kernels, tensor builders and comparisons.
#pragma once
#include <gtest/gtest.h>

#include <cmath>
#include <random>

#include "engine/executor.h"
#include "engine/graph.h"

namespace ot {
using namespace ppocr::engine;

inline Tensor f32(Shape s, std::vector<float> v) { return Tensor::from_vector<float>(std::move(s), v); }
inline Tensor i64(Shape s, std::vector<int64_t> v) { return Tensor::from_vector<int64_t>(std::move(s), v); }
inline Tensor i64v(std::vector<int64_t> v) { return i64({static_cast<int64_t>(v.size())}, v); }
inline Tensor rnd(const Shape& s, uint32_t seed, float lo = -1.f, float hi = 1.f) {
  Tensor t(DType::Float32, s);
  std::mt19937 g(seed);
  std::uniform_real_distribution<float> d(lo, hi);
  for (int64_t i = 0; i < t.numel(); ++i) t.data<float>()[i] = d(g);
  return t;
}
inline Tensor iota(const Shape& s) {
  Tensor t(DType::Float32, s);
  for (int64_t i = 0; i < t.numel(); ++i) t.data<float>()[i] = static_cast<float>(i);
  return t;
}

// Runs one node (empty Tensor = omitted optional input).
inline std::vector<Tensor> run(const std::string& op, const Attrs& attrs, const std::vector<Tensor>& ins,
                               bool fast = false, int nout = 1) {
  Node n;
  n.op = op;
  n.name = op + "_test";
  n.attrs = attrs;
  std::vector<const Tensor*> ptrs;
  for (size_t i = 0; i < ins.size(); ++i) {
    n.inputs.push_back(ins[i].empty() ? -1 : static_cast<int>(i));
    ptrs.push_back(ins[i].empty() ? nullptr : &ins[i]);
  }
  for (int i = 0; i < nout; ++i) n.outputs.push_back(100 + i);
  ExecOptions eo;
  eo.fast_kernels = fast;
  eo.num_threads = 2;
  return run_node(n, ptrs, eo);
}

// Runs with both kernels, checks they agree, returns the reference output 0.
inline Tensor run2(const std::string& op, const Attrs& attrs, const std::vector<Tensor>& ins) {
  Tensor r = run(op, attrs, ins, false)[0];
  Tensor f = run(op, attrs, ins, true)[0];
  EXPECT_EQ(r.shape(), f.shape());
  EXPECT_EQ(r.dtype(), f.dtype());
  if (r.shape() == f.shape() && r.dtype() == f.dtype()) {
    auto a = r.to_f32(), b = f.to_f32();
    for (size_t i = 0; i < a.size(); ++i)
      if (!(std::abs(a[i] - b[i]) <= 1e-5f + 1e-5f * std::abs(a[i]))) {
        ADD_FAILURE() << op << ": fast and reference differ at " << i << ": " << b[i] << " vs " << a[i];
        break;
      }
  }
  return r;
}

inline void expect_values(const Tensor& got, const Shape& shape, const std::vector<float>& want, float tol = 1e-5f) {
  ASSERT_EQ(got.shape(), shape) << got.desc();
  auto a = got.to_f32();
  ASSERT_EQ(a.size(), want.size());
  for (size_t i = 0; i < a.size(); ++i) EXPECT_NEAR(a[i], want[i], tol) << "index " << i;
}

inline Attrs attrs(std::initializer_list<std::pair<const char*, AttrValue>> kv) {
  Attrs a;
  for (auto& [k, v] : kv) a.set(k, v);
  return a;
}

}  // namespace ot
