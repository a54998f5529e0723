// Operator registry. Each operator lives in one file under src/engine/ops/
// with a plain C++ reference kernel and, where it pays, a fast kernel (oneDNN
// or vectorised C++). Registration is static:
//
//   PPOCR_OP(Relu).reference(relu_ref).fast(relu_fast).inputs(1, 1);
//
#pragma once
#include <any>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "engine/graph.h"

namespace ppocr::engine {

class PrimitiveCache;

struct KernelContext {
  const Node& node;
  std::vector<const Tensor*> inputs;  // nullptr for an omitted optional input
  std::vector<Tensor> outputs;        // the kernel fills these (size = node.outputs)
  BufferPool* pool = nullptr;
  PrimitiveCache* cache = nullptr;  // for fast kernels (may be null)
  int num_threads = 1;
  const Graph* graph = nullptr;  // the running graph, when known (set by execute())

  size_t num_inputs() const { return inputs.size(); }
  bool has_input(size_t i) const { return i < inputs.size() && inputs[i] != nullptr; }
  const Tensor& in(size_t i) const;  // Error naming the node when missing
  Tensor& alloc_output(size_t i, DType dt, Shape shape);
  [[noreturn]] void error(const std::string& what) const;  // "Op node 'name': what"
  // True when input i is a constant of `graph` (its data never changes, so
  // derived data such as reordered weights may be cached).
  bool input_is_constant(size_t i) const;
};

using KernelFn = std::function<void(KernelContext&)>;

struct OpDef {
  std::string name;
  KernelFn reference;
  KernelFn fast;  // may be empty: the reference is used
  int min_inputs = 0, max_inputs = 64;
};

class OpRegistry {
 public:
  static OpRegistry& get();
  OpDef& add(const std::string& name);
  const OpDef* find(const std::string& name) const;
  std::vector<std::string> names() const;

 private:
  std::vector<std::unique_ptr<OpDef>> defs_;
};

// Fluent registration helper (use through PPOCR_OP).
struct OpRegistrar {
  OpDef* def;
  explicit OpRegistrar(const char* name) : def(&OpRegistry::get().add(name)) {}
  OpRegistrar& reference(KernelFn f) { def->reference = std::move(f); return *this; }
  OpRegistrar& fast(KernelFn f) { def->fast = std::move(f); return *this; }
  OpRegistrar& inputs(int lo, int hi) { def->min_inputs = lo; def->max_inputs = hi; return *this; }
};

#define PPOCR_OP_CAT2(a, b) a##b
#define PPOCR_OP_CAT(a, b) PPOCR_OP_CAT2(a, b)
#define PPOCR_OP(NAME) \
  static ::ppocr::engine::OpRegistrar PPOCR_OP_CAT(ppocr_op_reg_, __LINE__) = ::ppocr::engine::OpRegistrar(#NAME)

// Bounded LRU of objects (oneDNN primitives, packed weights) keyed by string,
// shared by all runs of a model; thread-safe. Paddle's mkldnn_cache_capacity idea.
class PrimitiveCache {
 public:
  explicit PrimitiveCache(size_t capacity = 256);
  // Returns the cached object for key, or makes it with `make` and caches it.
  std::shared_ptr<void> get_or_create(const std::string& key,
                                      const std::function<std::shared_ptr<void>()>& make);
  size_t size() const;
  size_t capacity() const { return cap_; }
  // Counts calls per key (node + shapes) and returns the new count. Kept apart from the LRU, so that making
  // primitives cannot evict the counts (at most kMaxCounts keys; then they start again from zero).
  int count(const std::string& key);
  // Whether key is cached now (does not touch the LRU order).
  bool contains(const std::string& key) const;
  static constexpr size_t kMaxCounts = 1 << 16;

 private:
  struct Impl;
  std::shared_ptr<Impl> impl_;
  size_t cap_;
};

}  // namespace ppocr::engine
