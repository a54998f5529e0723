// ncnn .bin weight files: the layers' weight blobs back to back, in layer
// order, no index. A blob read with type 0 starts with a 4-byte tag:
//   0x01306B47 fp16 (padded to 4 bytes), 0x000D4B38 int8 (padded to 4),
//   0x0002C056 fp32 (raw with extra scaling), 0 fp32, any other non-zero tag:
//   a 256-entry fp32 table followed by uint8 indices (padded to 4).
// Type 1 blobs (biases, norms, scales) are raw fp32 without a tag.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

namespace ppocr::formats::ncnn {

enum class StoredAs { Float32, Float16, Int8, Table };

class WeightReader {
 public:
  WeightReader() = default;
  WeightReader(std::vector<uint8_t> data, std::string path) : data_(std::move(data)), path_(std::move(path)) {}
  static WeightReader from_file(const std::string& path);

  // Reads n values as fp32 (int8 values are returned as their integer value;
  // `stored` says how the blob was stored). `what` names the caller
  // ("layer Conv 'c1' (line 3): weight_data") for messages.
  std::vector<float> load(int64_t n, int type, const std::string& what, StoredAs* stored = nullptr);
  size_t offset() const { return pos_; }
  size_t size() const { return data_.size(); }
  const std::string& path() const { return path_; }

 private:
  const uint8_t* take(size_t bytes, const std::string& what);
  std::vector<uint8_t> data_;
  std::string path_;
  size_t pos_ = 0;
};

}  // namespace ppocr::formats::ncnn
