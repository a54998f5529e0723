#include "server/image_probe.h"

#include <cctype>
#include <cstdint>
#include <cstdlib>

#include "server/file_type.h"

namespace ppocr::server {
namespace {

uint32_t be16(std::string_view b, size_t o) { return (uint8_t(b[o]) << 8) | uint8_t(b[o + 1]); }
uint32_t be32(std::string_view b, size_t o) { return (be16(b, o) << 16) | be16(b, o + 2); }
uint32_t le16(std::string_view b, size_t o) { return uint8_t(b[o]) | (uint8_t(b[o + 1]) << 8); }
uint32_t le32(std::string_view b, size_t o) { return le16(b, o) | (le16(b, o + 2) << 16); }

std::optional<ImageSize> jpeg(std::string_view b) {
  size_t o = 2;
  while (o + 9 < b.size()) {
    if (uint8_t(b[o]) != 0xFF) return std::nullopt;
    uint8_t m = uint8_t(b[o + 1]);
    if (m == 0xFF) {  // fill byte
      ++o;
      continue;
    }
    if (m == 0xD8 || m == 0x01 || (m >= 0xD0 && m <= 0xD7)) {  // markers without length
      o += 2;
      continue;
    }
    uint32_t len = be16(b, o + 2);
    bool sof = m >= 0xC0 && m <= 0xCF && m != 0xC4 && m != 0xC8 && m != 0xCC;
    if (sof) return ImageSize{long(be16(b, o + 7)), long(be16(b, o + 5))};
    if (len < 2) return std::nullopt;
    o += 2 + len;
  }
  return std::nullopt;
}

std::optional<ImageSize> tiff(std::string_view b) {
  bool le = b[0] == 'I';
  auto u16 = [&](size_t o) { return le ? le16(b, o) : be16(b, o); };
  auto u32 = [&](size_t o) { return le ? le32(b, o) : be32(b, o); };
  size_t ifd = u32(4);
  if (ifd + 2 > b.size()) return std::nullopt;
  uint32_t n = u16(ifd);
  long w = 0, h = 0;
  for (uint32_t i = 0; i < n; ++i) {
    size_t e = ifd + 2 + 12 * size_t(i);
    if (e + 12 > b.size()) break;
    uint32_t tag = u16(e), type = u16(e + 2);
    long v = type == 3 ? long(u16(e + 8)) : long(u32(e + 8));
    if (tag == 256) w = v;
    if (tag == 257) h = v;
  }
  if (w > 0 && h > 0) return ImageSize{w, h};
  return std::nullopt;
}

std::optional<ImageSize> pnm(std::string_view b) {
  // "P6\n# comment\n640 480\n255\n"
  long v[2];
  size_t o = 2;
  for (long& x : v) {
    while (o < b.size() && (std::isspace(uint8_t(b[o])) || b[o] == '#')) {
      if (b[o] == '#')
        while (o < b.size() && b[o] != '\n') ++o;
      else
        ++o;
    }
    if (o >= b.size() || !std::isdigit(uint8_t(b[o]))) return std::nullopt;
    x = 0;
    while (o < b.size() && std::isdigit(uint8_t(b[o])) && x < 100000000) x = x * 10 + (b[o++] - '0');
  }
  return ImageSize{v[0], v[1]};
}

}  // namespace

std::optional<ImageSize> probe_image_size(std::string_view b) {
  std::string fmt = image_format_name(b);
  if (fmt == "png" && b.size() >= 24) return ImageSize{long(be32(b, 16)), long(be32(b, 20))};
  if (fmt == "jpeg") return jpeg(b);
  if (fmt == "bmp" && b.size() >= 26) {
    long h = static_cast<int32_t>(le32(b, 22));
    return ImageSize{std::labs(static_cast<int32_t>(le32(b, 18))), std::labs(h)};
  }
  if (fmt == "gif" && b.size() >= 10) return ImageSize{long(le16(b, 6)), long(le16(b, 8))};
  if (fmt == "webp" && b.size() >= 30) {
    std::string_view chunk = b.substr(12, 4);
    if (chunk == "VP8 ") return ImageSize{long(le16(b, 26) & 0x3FFF), long(le16(b, 28) & 0x3FFF)};
    if (chunk == "VP8L") {
      uint32_t v = le32(b, 21);
      return ImageSize{long(v & 0x3FFF) + 1, long((v >> 14) & 0x3FFF) + 1};
    }
    if (chunk == "VP8X") {
      long w = 1 + long(uint8_t(b[24]) | (uint8_t(b[25]) << 8) | (uint8_t(b[26]) << 16));
      long h = 1 + long(uint8_t(b[27]) | (uint8_t(b[28]) << 8) | (uint8_t(b[29]) << 16));
      return ImageSize{w, h};
    }
  }
  if (fmt == "tiff" && b.size() >= 8) return tiff(b);
  if (fmt == "pnm") return pnm(b);
  return std::nullopt;
}

}  // namespace ppocr::server
