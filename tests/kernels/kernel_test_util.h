// Helpers of the kernel tests: random tensors, single-node runs, comparisons.
#pragma once
#include <gtest/gtest.h>

#include <cmath>
#include <random>

#include "engine/executor.h"
#include "engine/graph.h"

namespace kt {
using namespace ppocr::engine;

inline Tensor rnd(const Shape& s, uint32_t seed, float lo = -1.f, float hi = 1.f) {
  Tensor t(DType::Float32, s);
  std::mt19937 g(seed);
  std::uniform_real_distribution<float> d(lo, hi);
  for (int64_t i = 0; i < t.numel(); ++i) t.data<float>()[i] = d(g);
  return t;
}

inline Tensor iota(const Shape& s, float start = 0.f) {
  Tensor t(DType::Float32, s);
  for (int64_t i = 0; i < t.numel(); ++i) t.data<float>()[i] = start + static_cast<float>(i);
  return t;
}

// Runs one node of `op` on the inputs (empty Tensor = omitted optional input).
inline std::vector<Tensor> run(const std::string& op, const Attrs& attrs, const std::vector<Tensor>& ins, bool fast,
                               int nout = 1) {
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

inline void expect_close(const Tensor& got, const Tensor& want, float rtol = 1e-4f, float atol = 1e-5f) {
  ASSERT_EQ(got.shape(), want.shape()) << got.desc() << " vs " << want.desc();
  auto a = got.to_f32(), b = want.to_f32();
  int bad = 0;
  for (size_t i = 0; i < a.size(); ++i) {
    if (!(std::abs(a[i] - b[i]) <= atol + rtol * std::abs(b[i]))) {
      if (++bad <= 5) ADD_FAILURE() << "index " << i << ": got " << a[i] << ", want " << b[i];
    }
  }
  EXPECT_EQ(bad, 0) << "of " << a.size() << " values";
}

// Reference vs fast kernel on the same node.
inline void check_fast_vs_ref(const std::string& op, const Attrs& attrs, const std::vector<Tensor>& ins,
                              float rtol = 1e-4f, float atol = 1e-4f) {
  auto r = run(op, attrs, ins, false);
  auto f = run(op, attrs, ins, true);
  expect_close(f[0], r[0], rtol, atol);
}

}  // namespace kt
