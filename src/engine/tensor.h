// Tensor: a typed, shaped, reference-counted buffer (C order, 64-byte aligned).
// Copies share the buffer; clone() copies the data.
#pragma once
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "engine/error.h"

namespace ppocr::engine {

enum class DType : uint8_t { Float32, Float16, Int64, Int32, Int8, UInt8, Bool };

size_t dtype_size(DType t);
const char* dtype_name(DType t);

template <class T> constexpr DType dtype_of();
template <> constexpr DType dtype_of<float>() { return DType::Float32; }
template <> constexpr DType dtype_of<int64_t>() { return DType::Int64; }
template <> constexpr DType dtype_of<int32_t>() { return DType::Int32; }
template <> constexpr DType dtype_of<int8_t>() { return DType::Int8; }
template <> constexpr DType dtype_of<uint8_t>() { return DType::UInt8; }
template <> constexpr DType dtype_of<bool>() { return DType::Bool; }

using Shape = std::vector<int64_t>;
// Product of dims; throws on negative dims or overflow past 2^40 elements.
int64_t shape_numel(const Shape& s);
std::string shape_str(const Shape& s);

// Raw storage. `release` (optional) is called instead of free() when the last
// reference goes, which lets a BufferPool take the memory back.
struct Buffer {
  void* data = nullptr;
  size_t bytes = 0;
  std::function<void(Buffer&)> release;
  ~Buffer();
};

// Tensor memory: 64-byte aligned. Blocks of kMappedBlockBytes or more are mapped
// from the system on their own and unmapped when freed, so big tensors never
// fragment the malloc heaps and the resident size drops as soon as they go
// (not under AddressSanitizer, which then keeps watching them).
constexpr size_t kMappedBlockBytes = size_t(1) << 20;
void* alloc_block(size_t bytes);
void free_block(void* p, size_t bytes);  // bytes as given to alloc_block

class BufferPool;

class Tensor {
 public:
  Tensor() = default;
  // Allocates numel * dtype_size bytes (uninitialised), from `pool` if given.
  Tensor(DType dtype, Shape shape, BufferPool* pool = nullptr);
  // Zero-filled.
  static Tensor zeros(DType dtype, Shape shape);
  template <class T>
  static Tensor from_vector(Shape shape, const std::vector<T>& v) {
    Tensor t(dtype_of<T>(), std::move(shape));
    PPOCR_CHECK(static_cast<size_t>(t.numel()) == v.size(), "from_vector: size mismatch");
    for (size_t i = 0; i < v.size(); ++i) t.data<T>()[i] = v[i];
    return t;
  }
  static Tensor scalar_f32(float v) { return from_vector<float>({}, {v}); }
  static Tensor scalar_i64(int64_t v) { return from_vector<int64_t>({}, {v}); }

  bool empty() const { return !buf_; }
  DType dtype() const { return dtype_; }
  const Shape& shape() const { return shape_; }
  int rank() const { return static_cast<int>(shape_.size()); }
  int64_t dim(int i) const;  // negative i counts from the end
  int64_t numel() const { return numel_; }
  size_t bytes() const { return static_cast<size_t>(numel_) * dtype_size(dtype_); }

  void* raw() { return buf_ ? static_cast<char*>(buf_->data) + offset_ : nullptr; }
  const void* raw() const { return buf_ ? static_cast<const char*>(buf_->data) + offset_ : nullptr; }
  template <class T> T* data() {
    check_type(dtype_of<T>());
    return static_cast<T*>(raw());
  }
  template <class T> const T* data() const {
    check_type(dtype_of<T>());
    return static_cast<const T*>(raw());
  }
  // Same buffer, new shape of equal numel.
  Tensor reshaped(Shape s) const;
  Tensor clone() const;
  // Converted copy (float32 <-> float16 <-> ints); same tensor if dtype already matches.
  Tensor cast(DType to) const;
  // The values of an integer (or float) tensor as int64 (for shape/axes inputs).
  std::vector<int64_t> to_i64() const;
  std::vector<float> to_f32() const;
  bool shares_buffer(const Tensor& o) const { return buf_ && buf_ == o.buf_; }
  std::string desc() const;  // "float32[1,3,640,416]"

 private:
  void check_type(DType t) const;
  DType dtype_ = DType::Float32;
  Shape shape_;
  int64_t numel_ = 0;
  std::shared_ptr<Buffer> buf_;
  size_t offset_ = 0;
};

// Recycles freed buffers by size class, so that an executor run reuses the
// memory of dead intermediate tensors. Thread-safe. Keep it alive (shared_ptr)
// while tensors from it exist: released buffers hold a weak reference.
//
// Ageing: the owner advances the pool's clock (set_tick, e.g. once per run), each
// cached block remembers the tick at which it was last handed out or returned,
// and trim(oldest) frees the blocks last used before tick `oldest`. Memory then
// follows the recent working set instead of collecting every size ever seen.
class BufferPool : public std::enable_shared_from_this<BufferPool> {
 public:
  static std::shared_ptr<BufferPool> create(size_t max_cached_bytes = size_t(1) << 31);
  std::shared_ptr<Buffer> get(size_t bytes);
  size_t cached_bytes() const;
  size_t cached_blocks() const;
  void set_tick(uint64_t tick);
  size_t trim(uint64_t oldest);  // returns the bytes freed
  void clear();
  ~BufferPool();

 private:
  BufferPool() = default;
  struct Impl;
  std::unique_ptr<Impl> impl_;
  friend struct PoolReturn;
};

// fp16 helpers (IEEE 754 binary16).
float half_to_float(uint16_t h);
uint16_t float_to_half(float f);

}  // namespace ppocr::engine
