#include "engine/tensor.h"

#include <cstdlib>
#include <cstring>
#include <map>
#include <mutex>
#include <sstream>

#include <sys/mman.h>

namespace ppocr::engine {

size_t dtype_size(DType t) {
  switch (t) {
    case DType::Float32: return 4;
    case DType::Float16: return 2;
    case DType::Int64: return 8;
    case DType::Int32: return 4;
    case DType::Int8: return 1;
    case DType::UInt8: return 1;
    case DType::Bool: return 1;
  }
  return 1;
}

const char* dtype_name(DType t) {
  switch (t) {
    case DType::Float32: return "float32";
    case DType::Float16: return "float16";
    case DType::Int64: return "int64";
    case DType::Int32: return "int32";
    case DType::Int8: return "int8";
    case DType::UInt8: return "uint8";
    case DType::Bool: return "bool";
  }
  return "?";
}

int64_t shape_numel(const Shape& s) {
  int64_t n = 1;
  for (int64_t d : s) {
    if (d < 0) fail("shape ", shape_str(s), " has a negative dimension");
    if (d != 0 && n > (int64_t(1) << 40) / d) fail("shape ", shape_str(s), " is too large");
    n *= d;
  }
  return n;
}

std::string shape_str(const Shape& s) {
  std::ostringstream os;
  os << "[";
  for (size_t i = 0; i < s.size(); ++i) os << (i ? "," : "") << s[i];
  os << "]";
  return os.str();
}

Buffer::~Buffer() {
  if (release) release(*this);
  else std::free(data);
}

static size_t mapped_len(size_t bytes) { return (bytes + 4095) / 4096 * 4096; }

#if defined(__SANITIZE_ADDRESS__)
static constexpr bool kMapBlocks = false;  // keep every block in ASan's sight (redzones, use after free)
#else
static constexpr bool kMapBlocks = true;
#endif

static void* aligned_alloc64(size_t bytes) {
  size_t n = (bytes + 63) / 64 * 64;
  if (n == 0) n = 64;
  void* p = std::aligned_alloc(64, n);
  if (!p) fail("out of memory allocating ", bytes, " bytes");
  return p;
}

void* alloc_block(size_t bytes) {
  if (kMapBlocks && bytes >= kMappedBlockBytes) {
    void* p = mmap(nullptr, mapped_len(bytes), PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (p == MAP_FAILED) fail("out of memory allocating ", bytes, " bytes");
    return p;
  }
  return aligned_alloc64(bytes);
}

void free_block(void* p, size_t bytes) {
  if (!p) return;
  if (kMapBlocks && bytes >= kMappedBlockBytes) munmap(p, mapped_len(bytes));
  else std::free(p);
}

struct BufferPool::Impl {
  struct Block {
    void* data;
    uint64_t tick;  // last handed out or returned
  };
  mutable std::mutex mu;
  std::multimap<size_t, Block> free;  // capacity -> block
  size_t cached = 0;
  size_t max_cached = 0;
  uint64_t tick = 0;
};

static size_t size_class(size_t bytes) {
  // Round up to 1/8 steps of the next power of two so similar sizes share blocks.
  if (bytes <= 4096) return 4096;
  size_t p = 1;
  while (p < bytes) p <<= 1;
  size_t step = p / 8;
  return (bytes + step - 1) / step * step;
}

std::shared_ptr<BufferPool> BufferPool::create(size_t max_cached_bytes) {
  std::shared_ptr<BufferPool> p(new BufferPool());
  p->impl_ = std::make_unique<Impl>();
  p->impl_->max_cached = max_cached_bytes;
  return p;
}

std::shared_ptr<Buffer> BufferPool::get(size_t bytes) {
  size_t cap = size_class(bytes);
  auto b = std::make_shared<Buffer>();
  b->bytes = bytes;
  {
    // Best fit: the smallest cached block that holds `bytes`, if it is at most
    // twice the size class (so inputs of varying sizes reuse each other's blocks).
    std::lock_guard<std::mutex> lk(impl_->mu);
    auto it = impl_->free.lower_bound(cap);
    if (it != impl_->free.end() && it->first <= 2 * cap) {
      cap = it->first;
      b->data = it->second.data;
      impl_->free.erase(it);
      impl_->cached -= cap;
    }
  }
  if (!b->data) b->data = alloc_block(cap);
  std::weak_ptr<BufferPool> weak = shared_from_this();
  b->release = [weak, cap](Buffer& buf) {
    if (auto pool = weak.lock()) {
      Impl& im = *pool->impl_;
      std::lock_guard<std::mutex> lk(im.mu);
      if (im.cached + cap <= im.max_cached) {
        im.free.emplace(cap, Impl::Block{buf.data, im.tick});
        im.cached += cap;
        return;
      }
    }
    free_block(buf.data, cap);
  };
  return b;
}

size_t BufferPool::cached_bytes() const {
  std::lock_guard<std::mutex> lk(impl_->mu);
  return impl_->cached;
}

size_t BufferPool::cached_blocks() const {
  std::lock_guard<std::mutex> lk(impl_->mu);
  return impl_->free.size();
}

void BufferPool::set_tick(uint64_t tick) {
  std::lock_guard<std::mutex> lk(impl_->mu);
  impl_->tick = tick;
}

size_t BufferPool::trim(uint64_t oldest) {
  std::lock_guard<std::mutex> lk(impl_->mu);
  size_t freed = 0;
  for (auto it = impl_->free.begin(); it != impl_->free.end();) {
    if (it->second.tick < oldest) {
      free_block(it->second.data, it->first);
      freed += it->first;
      it = impl_->free.erase(it);
    } else {
      ++it;
    }
  }
  impl_->cached -= freed;
  return freed;
}

void BufferPool::clear() {
  std::lock_guard<std::mutex> lk(impl_->mu);
  for (auto& kv : impl_->free) free_block(kv.second.data, kv.first);
  impl_->free.clear();
  impl_->cached = 0;
}

BufferPool::~BufferPool() {
  if (impl_) clear();
}

Tensor::Tensor(DType dtype, Shape shape, BufferPool* pool) : dtype_(dtype), shape_(std::move(shape)) {
  numel_ = shape_numel(shape_);
  size_t b = bytes();
  if (pool) {
    buf_ = pool->get(b);
  } else {
    buf_ = std::make_shared<Buffer>();
    // malloc, not alloc_block: a tensor outside a pool (inputs, outputs) is made
    // afresh on every call, and freshly mapped pages would fault in each time.
    buf_->data = aligned_alloc64(b);
    buf_->bytes = b;
  }
}

Tensor Tensor::zeros(DType dtype, Shape shape) {
  Tensor t(dtype, std::move(shape));
  std::memset(t.raw(), 0, t.bytes());
  return t;
}

int64_t Tensor::dim(int i) const {
  int r = rank();
  if (i < 0) i += r;
  if (i < 0 || i >= r) fail("tensor ", desc(), ": no dimension ", i);
  return shape_[i];
}

Tensor Tensor::reshaped(Shape s) const {
  if (shape_numel(s) != numel_) fail("cannot reshape ", desc(), " to ", shape_str(s));
  Tensor t = *this;
  t.shape_ = std::move(s);
  return t;
}

Tensor Tensor::clone() const {
  if (empty()) return Tensor();
  Tensor t(dtype_, shape_);
  std::memcpy(t.raw(), raw(), bytes());
  return t;
}

void Tensor::check_type(DType t) const {
  if (t != dtype_) fail("tensor ", desc(), " accessed as ", dtype_name(t));
}

std::string Tensor::desc() const { return std::string(dtype_name(dtype_)) + shape_str(shape_); }

template <class F>
static void for_each_as_double(const Tensor& t, F&& f) {
  int64_t n = t.numel();
  const void* p = t.raw();
  switch (t.dtype()) {
    case DType::Float32: for (int64_t i = 0; i < n; ++i) f(i, static_cast<const float*>(p)[i]); break;
    case DType::Float16: for (int64_t i = 0; i < n; ++i) f(i, half_to_float(static_cast<const uint16_t*>(p)[i])); break;
    case DType::Int64: for (int64_t i = 0; i < n; ++i) f(i, static_cast<double>(static_cast<const int64_t*>(p)[i])); break;
    case DType::Int32: for (int64_t i = 0; i < n; ++i) f(i, static_cast<const int32_t*>(p)[i]); break;
    case DType::Int8: for (int64_t i = 0; i < n; ++i) f(i, static_cast<const int8_t*>(p)[i]); break;
    case DType::UInt8: for (int64_t i = 0; i < n; ++i) f(i, static_cast<const uint8_t*>(p)[i]); break;
    case DType::Bool: for (int64_t i = 0; i < n; ++i) f(i, static_cast<const uint8_t*>(p)[i] ? 1.0 : 0.0); break;
  }
}

std::vector<int64_t> Tensor::to_i64() const {
  std::vector<int64_t> v(numel_);
  if (dtype_ == DType::Int64) {
    std::memcpy(v.data(), raw(), bytes());
    return v;
  }
  for_each_as_double(*this, [&](int64_t i, double x) { v[i] = static_cast<int64_t>(x); });
  return v;
}

std::vector<float> Tensor::to_f32() const {
  std::vector<float> v(numel_);
  for_each_as_double(*this, [&](int64_t i, double x) { v[i] = static_cast<float>(x); });
  return v;
}

Tensor Tensor::cast(DType to) const {
  if (to == dtype_) return *this;
  Tensor t(to, shape_);
  void* q = t.raw();
  if (dtype_ == DType::Int64 && to == DType::Int32) {
    // avoid going through double for large values
    for (int64_t i = 0; i < numel_; ++i) static_cast<int32_t*>(q)[i] = static_cast<int32_t>(data<int64_t>()[i]);
    return t;
  }
  for_each_as_double(*this, [&](int64_t i, double x) {
    switch (to) {
      case DType::Float32: static_cast<float*>(q)[i] = static_cast<float>(x); break;
      case DType::Float16: static_cast<uint16_t*>(q)[i] = float_to_half(static_cast<float>(x)); break;
      case DType::Int64: static_cast<int64_t*>(q)[i] = static_cast<int64_t>(x); break;
      case DType::Int32: static_cast<int32_t*>(q)[i] = static_cast<int32_t>(x); break;
      case DType::Int8: static_cast<int8_t*>(q)[i] = static_cast<int8_t>(x); break;
      case DType::UInt8: static_cast<uint8_t*>(q)[i] = static_cast<uint8_t>(x); break;
      case DType::Bool: static_cast<uint8_t*>(q)[i] = x != 0.0; break;
    }
  });
  return t;
}

float half_to_float(uint16_t h) {
  uint32_t sign = (h & 0x8000u) << 16;
  uint32_t exp = (h >> 10) & 0x1f;
  uint32_t man = h & 0x3ffu;
  uint32_t f;
  if (exp == 0) {
    if (man == 0) {
      f = sign;
    } else {  // subnormal
      exp = 127 - 15 + 1;
      while (!(man & 0x400u)) {
        man <<= 1;
        --exp;
      }
      man &= 0x3ffu;
      f = sign | (exp << 23) | (man << 13);
    }
  } else if (exp == 31) {
    f = sign | 0x7f800000u | (man << 13);
  } else {
    f = sign | ((exp + 127 - 15) << 23) | (man << 13);
  }
  float out;
  std::memcpy(&out, &f, 4);
  return out;
}

uint16_t float_to_half(float v) {
  uint32_t f;
  std::memcpy(&f, &v, 4);
  uint32_t sign = (f >> 16) & 0x8000u;
  int32_t exp = static_cast<int32_t>((f >> 23) & 0xff) - 127 + 15;
  uint32_t man = f & 0x7fffffu;
  if (((f >> 23) & 0xff) == 0xff) return static_cast<uint16_t>(sign | 0x7c00u | (man ? 0x200u : 0));
  if (exp >= 31) return static_cast<uint16_t>(sign | 0x7c00u);
  if (exp <= 0) {
    if (exp < -10) return static_cast<uint16_t>(sign);
    man |= 0x800000u;
    uint32_t shift = static_cast<uint32_t>(14 - exp);
    uint32_t half = man >> shift;
    uint32_t rem = man & ((1u << shift) - 1);
    uint32_t mid = 1u << (shift - 1);
    if (rem > mid || (rem == mid && (half & 1))) ++half;
    return static_cast<uint16_t>(sign | half);
  }
  uint32_t half = sign | (static_cast<uint32_t>(exp) << 10) | (man >> 13);
  uint32_t rem = man & 0x1fffu;
  if (rem > 0x1000u || (rem == 0x1000u && (half & 1))) ++half;
  return static_cast<uint16_t>(half);
}

}  // namespace ppocr::engine
