#include "formats/ncnn/bin.h"

#include <cstring>
#include <fstream>

#include "engine/error.h"
#include "engine/tensor.h"

namespace ppocr::formats::ncnn {

namespace {
constexpr uint32_t kTagFp16 = 0x01306B47;
constexpr uint32_t kTagInt8 = 0x000D4B38;
constexpr uint32_t kTagRawScaled = 0x0002C056;
constexpr int64_t kMaxValues = int64_t(1) << 32;
size_t align4(size_t n) { return (n + 3) & ~size_t(3); }
}  // namespace

WeightReader WeightReader::from_file(const std::string& path) {
  std::ifstream f(path, std::ios::binary | std::ios::ate);
  if (!f) fail(path, ": cannot open ncnn .bin weights file");
  std::streamoff size = f.tellg();
  if (size < 0) fail(path, ": cannot read ncnn .bin weights file");
  std::vector<uint8_t> data(static_cast<size_t>(size));
  f.seekg(0);
  if (size > 0 && !f.read(reinterpret_cast<char*>(data.data()), size)) fail(path, ": read error");
  return WeightReader(std::move(data), path);
}

const uint8_t* WeightReader::take(size_t bytes, const std::string& what) {
  if (bytes > data_.size() - pos_)
    fail(path_, ": ", what, ": needs ", bytes, " bytes at offset ", pos_, " but the file has ", data_.size(),
         " (truncated .bin, or .bin does not match the .param)");
  const uint8_t* p = data_.data() + pos_;
  pos_ += bytes;
  return p;
}

std::vector<float> WeightReader::load(int64_t n, int type, const std::string& what, StoredAs* stored) {
  if (n <= 0 || n > kMaxValues) fail(path_, ": ", what, ": implausible weight size ", n, " (from the .param)");
  size_t count = static_cast<size_t>(n);
  std::vector<float> out;
  auto raw_f32 = [&]() {
    // Check the size before allocating, so a corrupt count cannot allocate gigabytes.
    const uint8_t* p = take(count * 4, what);
    out.resize(count);
    std::memcpy(out.data(), p, count * 4);
  };
  if (stored) *stored = StoredAs::Float32;
  if (type == 1) {
    raw_f32();
    return out;
  }
  PPOCR_CHECK(type == 0, "ncnn weight load type ", type);
  uint32_t tag;
  std::memcpy(&tag, take(4, what + " (storage tag)"), 4);
  if (tag == kTagFp16) {
    const uint8_t* p = take(align4(count * 2), what + " (fp16)");
    out.resize(count);
    for (size_t i = 0; i < count; ++i) {
      uint16_t h;
      std::memcpy(&h, p + 2 * i, 2);
      out[i] = engine::half_to_float(h);
    }
    if (stored) *stored = StoredAs::Float16;
  } else if (tag == kTagInt8) {
    const uint8_t* p = take(align4(count), what + " (int8)");
    out.resize(count);
    for (size_t i = 0; i < count; ++i) out[i] = static_cast<float>(static_cast<int8_t>(p[i]));
    if (stored) *stored = StoredAs::Int8;
  } else if (tag == kTagRawScaled || tag == 0) {
    raw_f32();
  } else {
    const uint8_t* tp = take(256 * 4, what + " (quantisation table)");
    float table[256];
    std::memcpy(table, tp, sizeof table);
    const uint8_t* p = take(align4(count), what + " (quantised indices)");
    out.resize(count);
    for (size_t i = 0; i < count; ++i) out[i] = table[p[i]];
    if (stored) *stored = StoredAs::Table;
  }
  return out;
}

}  // namespace ppocr::formats::ncnn
