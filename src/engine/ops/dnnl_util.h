// oneDNN helpers of the fast kernels: one CPU engine for the process, one
// stream per thread, per-call scratchpads (primitives are created with
// scratchpad_mode::user so one cached primitive can run on many threads at once),
// plain-layout memory descriptors, and the fused epilogue as post-ops.
#pragma once
#include <dnnl.hpp>
#include <memory>
#include <string>

#include "engine/ops/nn_util.h"

namespace ppocr::engine::dnn {

dnnl::engine& cpu();
dnnl::stream& stream();  // this thread's stream

dnnl::memory::dims dims_of(const Shape& s);
// Plain C-order tag of a rank (1..6).
dnnl::memory::format_tag plain_tag(int rank);
// f32 descriptor in plain C order.
dnnl::memory::desc plain_desc(const Shape& s);

// Attributes with user scratchpad (and the epilogue's post-ops: `sum` first when
// `residual`, then the activation).
dnnl::primitive_attr make_attr(const nn::Epilogue& e, bool residual);

// Runs a primitive with a scratchpad of the size its descriptor asks for
// (thread-local buffer). `args` gets DNNL_ARG_SCRATCHPAD added.
void execute(const dnnl::primitive& p, const dnnl::memory::desc& scratch,
             std::unordered_map<int, dnnl::memory> args);

// Wraps a tensor's buffer (no copy).
inline dnnl::memory wrap(const dnnl::memory::desc& md, const Tensor& t) {
  return dnnl::memory(md, cpu(), const_cast<void*>(t.raw()));
}

// Counts the calls of this node with these input shapes (in the model's cache) and says whether there have
// been at least `times`, this one included: kernels that can run a shape without making a primitive for it
// (conv.cpp, matmul.cpp: chunks of rows) make one only for shapes that recur. True without a cache.
bool shape_recurs(const KernelContext& c, int times = 3);
// Whether to run this call on the shape's own primitive (cache key prim_key) rather than on chunks of rows:
// yes when it is cached; else when the shape recurs (a third call) and its primitive has been made at most
// twice before. A shape whose primitive keeps being evicted (more shapes cycling than the cache holds, e.g.
// a server seeing many page sizes) stays on the chunks instead of paying the JIT on every call.
bool use_shape_primitive(const KernelContext& c, const std::string& prim_key);

// Chunks of rows (conv.cpp, matmul.cpp): products of [rows, K] by a constant [K, N] run as chunks of 2^k rows,
// kMinRows..max_rows, one cached primitive per chunk size and node. PPOCR_CONV_ROWS=0 turns them off.
constexpr int64_t kMinRows = 16, kMaxRows = 8192;
bool rows_enabled();
// Calls fn(r0, n) for the chunks of 2^k rows (largest first) covering rows; returns the rows covered (the
// rest, fewer than kMinRows, is the caller's padded tail).
template <class Fn>
int64_t for_row_chunks(int64_t rows, int64_t max_rows, Fn fn) {
  int64_t done = 0;
  for (int64_t n = max_rows; n >= kMinRows; n /= 2)
    while (rows - done >= n) {
      fn(done, n);
      done += n;
    }
  return done;
}
// Cache-key prefix naming a node (not its input shapes): "kind|name|address|".
std::string node_id_key(const KernelContext& c, const char* kind);

// Text naming a memory descriptor exactly (its bytes in hex), for cache keys.
std::string desc_key(const dnnl::memory::desc& d);

// Cache key of a node + its input shapes + extra text.
std::string node_key(const KernelContext& c, const std::string& extra = "");

}  // namespace ppocr::engine::dnn
