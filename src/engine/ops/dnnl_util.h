// oneDNN helpers of the fast kernels: one CPU engine for the process, one
// stream per thread, per-call scratchpads (primitives are created with
// scratchpad_mode::user so one cached primitive can run on many threads at once),
// memory descriptors, reorders between the tensors' layouts and the primitives' (weights once, activations per
// call), and the fused epilogue as post-ops.
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

// ---- layouts and reorders (conv.cpp, conv_transpose.cpp, matmul.cpp) ---------------
// f32 descriptor of a logical (NCHW-order) shape: stored NHWC (4-D) or in plain C order.
dnnl::memory::desc desc_of(const Shape& logical, bool nhwc);
// f32 descriptor with format_tag::any: the primitive chooses the layout.
dnnl::memory::desc any_desc(const dnnl::memory::dims& dims);

// A window's strides, dilations (oneDNN counts them from 0) and leading / trailing pads over its real
// spatial dims, as convolution and deconvolution descriptors take them.
struct WindowDims {
  dnnl::memory::dims strides, dilates, pad_l, pad_r;
};
WindowDims window_dims(const nn::Window& w);

// Reorders `from` into `to` on this thread's stream and waits.
void reorder(const dnnl::memory& from, const dnnl::memory& to);
// A new memory of layout `to` holding the data at `data` (layout `from`).
dnnl::memory reordered(const dnnl::memory::desc& from, const void* data, const dnnl::memory::desc& to);
// `m` itself when it already has layout `to`, else reordered(...) (inputs read in place or converted).
dnnl::memory as_layout(const dnnl::memory& m, const dnnl::memory::desc& to);
// Constant weights (`data`, layout `from`) reordered to `to` once and shared, through the model's cache,
// by all primitives of this node that want layout `to` (a pipeline sees many input shapes; the weights layout
// rarely changes with them). `kind` prefixes the cache key ("convw"). Without a cache: a new reordered memory.
dnnl::memory shared_reordered(const KernelContext* c, const char* kind, const dnnl::memory::desc& from,
                              const void* data, const dnnl::memory::desc& to);
// Memory of layout `want` for a primitive argument backed by the tensor memory `user`: `user` itself when
// the layouts agree, else a buffer from `pool` (kept alive by `hold`) into which `user` is reordered when
// `load` (sources; a destination is reordered back by the caller after the primitive ran).
dnnl::memory staged(const dnnl::memory& user, const dnnl::memory::desc& want, BufferPool* pool, Tensor& hold,
                    bool load);

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
