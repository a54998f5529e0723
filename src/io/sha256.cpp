#include "io/sha256.h"

#include <openssl/evp.h>

#include <fstream>
#include <vector>

#include "engine/error.h"

namespace ppocr::io {

Sha256::Sha256() : ctx_(EVP_MD_CTX_new()) {
  PPOCR_CHECK(ctx_, "sha256: cannot allocate an OpenSSL digest context");
  if (EVP_DigestInit_ex(ctx_, EVP_sha256(), nullptr) != 1) {
    EVP_MD_CTX_free(ctx_);
    fail("sha256: OpenSSL cannot initialise SHA-256");
  }
}

Sha256::~Sha256() { EVP_MD_CTX_free(ctx_); }

void Sha256::update(const void* data, size_t n) {
  PPOCR_CHECK(EVP_DigestUpdate(ctx_, data, n) == 1, "sha256: OpenSSL digest update failed");
}

std::string Sha256::hex_digest() {
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  PPOCR_CHECK(EVP_DigestFinal_ex(ctx_, md, &len) == 1, "sha256: OpenSSL digest final failed");
  static const char* hex = "0123456789abcdef";
  std::string out;
  for (unsigned int i = 0; i < len; ++i) {
    out += hex[md[i] >> 4];
    out += hex[md[i] & 0xF];
  }
  return out;
}

std::string sha256_hex(const void* data, size_t n) {
  Sha256 s;
  s.update(data, n);
  return s.hex_digest();
}

std::string sha256_file(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  PPOCR_CHECK(f.good(), path, ": cannot open for hashing");
  Sha256 s;
  std::vector<char> buf(1 << 16);
  while (f) {
    f.read(buf.data(), std::streamsize(buf.size()));
    if (f.gcount() > 0) s.update(buf.data(), size_t(f.gcount()));
  }
  PPOCR_CHECK(!f.bad(), path, ": read error while hashing");
  return s.hex_digest();
}

}  // namespace ppocr::io
