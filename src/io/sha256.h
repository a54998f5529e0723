// SHA-256 (FIPS 180-4), for verifying downloaded model archives.
#pragma once
#include <cstddef>
#include <cstdint>
#include <string>

namespace ppocr::io {

class Sha256 {
 public:
  Sha256();
  void update(const void* data, size_t n);
  // Lower-case hex digest; the object is spent afterwards.
  std::string hex_digest();

 private:
  void block(const unsigned char* p);
  uint32_t h_[8];
  unsigned char buf_[64];
  size_t buf_len_ = 0;
  uint64_t total_ = 0;
};

std::string sha256_hex(const void* data, size_t n);
std::string sha256_file(const std::string& path);

}  // namespace ppocr::io
