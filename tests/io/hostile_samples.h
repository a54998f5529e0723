// Hostile inputs built in the test (nothing stored): decompression bombs that
// went past the old header probe (a JPEG with a junk byte before its SOF, a
// TIFF with duplicated size tags, a JPEG 2000 with a patched SIZ, a PNG with a
// patched IHDR), and the PDF that kept a renderer busy for minutes (one page of
// 2 million full-page line strokes, Flate-compressed: ~88 KB).
#pragma once
#include <dlfcn.h>
#include <zlib.h>

#include <cstdint>
#include <cstring>
#include <opencv2/imgcodecs.hpp>
#include <stdexcept>
#include <string>
#include <vector>

#include "server/pdf_samples.h"

namespace ppocr::test {

inline std::string encoded_image(const char* ext, int w = 64, int h = 64, int type = CV_8UC3) {
  cv::Mat m(h, w, type);
  cv::randu(m, 0, 255);
  std::vector<uchar> b;
  if (!cv::imencode(ext, m, b)) throw std::runtime_error(std::string("cannot encode ") + ext);
  return std::string(b.begin(), b.end());
}

inline void put_be16(std::string& s, size_t off, uint32_t v) {
  s[off] = char((v >> 8) & 0xFF);
  s[off + 1] = char(v & 0xFF);
}
inline void put_be32(std::string& s, size_t off, uint32_t v) {
  for (int i = 0; i < 4; ++i) s[off + size_t(i)] = char((v >> (24 - 8 * i)) & 0xFF);
}

// A baseline JPEG whose SOF0 says w x h, with one junk byte before the SOF
// marker (libjpeg skips it with a warning and reads the size).
inline std::string jpeg_junk_before_sof(uint32_t w, uint32_t h) {
  std::string j = encoded_image(".jpg");
  for (size_t i = 2; i + 9 < j.size(); ++i)
    if (uint8_t(j[i]) == 0xFF && uint8_t(j[i + 1]) == 0xC0) {
      put_be16(j, i + 5, h);
      put_be16(j, i + 7, w);
      j.insert(i, 1, '\0');
      return j;
    }
  throw std::runtime_error("no SOF0 in the encoded JPEG");
}

// A little-endian TIFF (8-bit grey, one strip of small x small pixels) whose
// first IFD holds ImageWidth and ImageLength twice: the big size first, the
// real one second.
inline std::string tiff_duplicate_size_tags(uint32_t big_w, uint32_t big_h, uint32_t small = 64) {
  struct Entry {
    uint16_t tag, type;
    uint32_t count, value;
  };
  const uint32_t n_entries = 11, ifd = 8, data = ifd + 2 + n_entries * 12 + 4;
  std::vector<Entry> e = {{256, 4, 1, big_w}, {256, 4, 1, small}, {257, 4, 1, big_h}, {257, 4, 1, small},
                          {258, 3, 1, 8},     {259, 3, 1, 1},     {262, 3, 1, 1},     {273, 4, 1, data},
                          {277, 3, 1, 1},     {278, 4, 1, small}, {279, 4, 1, small * small}};
  std::string t("II*\0", 4);
  auto le16 = [&](uint32_t v) { t += char(v & 0xFF), t += char((v >> 8) & 0xFF); };
  auto le32 = [&](uint32_t v) { le16(v & 0xFFFF), le16(v >> 16); };
  le32(ifd);
  le16(n_entries);
  for (const auto& x : e) {
    le16(x.tag), le16(x.type), le32(x.count);
    if (x.type == 3) le16(x.value), le16(0);
    else le32(x.value);
  }
  le32(0);
  t += std::string(size_t(small) * small, char(0x80));
  return t;
}

// A JP2 file (OpenCV's JPEG 2000 encoder, 64x64) whose ihdr box and codestream
// SIZ both say w x h: a 1-2 KB file that openjpeg would allocate gigabytes for.
inline std::string jp2_huge(uint32_t w, uint32_t h, uint16_t components = 0) {
  std::string j = encoded_image(".jp2");
  size_t ihdr = j.find("ihdr");
  size_t siz = j.find(std::string("\xFF\x4F\xFF\x51", 4));
  if (ihdr == std::string::npos || siz == std::string::npos) throw std::runtime_error("unexpected JP2 layout");
  put_be32(j, ihdr + 4, h);
  put_be32(j, ihdr + 8, w);
  put_be32(j, siz + 8, w);   // Xsiz (XOsiz is 0)
  put_be32(j, siz + 12, h);  // Ysiz
  put_be32(j, siz + 24, w);  // XTsiz, YTsiz: one tile of the whole size, as the encoder wrote it
  put_be32(j, siz + 28, h);
  if (components) {
    put_be16(j, ihdr + 12, components);
    put_be16(j, siz + 40, components);
  }
  return j;
}

inline uint32_t crc32_of(const char* p, size_t n) {
  uint32_t c = 0xFFFFFFFFu;
  for (size_t i = 0; i < n; ++i) {
    c ^= uint8_t(p[i]);
    for (int k = 0; k < 8; ++k) c = (c >> 1) ^ (0xEDB88320u & (0u - (c & 1u)));
  }
  return c ^ 0xFFFFFFFFu;
}

// A PNG whose IHDR (with a valid CRC) says w x h; its pixel data is an 8x8 image's.
inline std::string png_huge(uint32_t w, uint32_t h) {
  std::string p = encoded_image(".png", 8, 8);
  put_be32(p, 16, w);
  put_be32(p, 20, h);
  put_be32(p, 29, crc32_of(p.data() + 12, 17));
  return p;
}

// zlib's compress2. zlib is loaded with OpenCV, poppler and libcurl; it is looked
// up at run time so that the test programs need no link flag of their own.
inline std::string deflate(const std::string& in) {
  using compress2_fn = int (*)(Bytef*, uLongf*, const Bytef*, uLong, int);
  auto compress = reinterpret_cast<compress2_fn>(dlsym(RTLD_DEFAULT, "compress2"));
  if (!compress) {
    void* z = dlopen("libz.so.1", RTLD_NOW | RTLD_GLOBAL);
    if (z) compress = reinterpret_cast<compress2_fn>(dlsym(z, "compress2"));
  }
  if (!compress) throw std::runtime_error("zlib's compress2 not found");
  uLongf n = uLongf(in.size() / 2 + 1024);  // far more than repetitive content needs
  std::string out(n, '\0');
  if (compress(reinterpret_cast<Bytef*>(&out[0]), &n, reinterpret_cast<const Bytef*>(in.data()), uLong(in.size()), 9) !=
      Z_OK)
    throw std::runtime_error("compress2 failed");
  out.resize(n);
  return out;
}

// One US-letter page whose content stream repeats `op` `times` times,
// Flate-compressed. With "0 0 m 612 792 l S\n" x 2,000,000 it is ~88 KB and
// takes poppler about ten minutes to render at 144 dpi.
inline std::string stall_pdf(int times = 2'000'000, const std::string& op = "0 0 m 612 792 l S\n") {
  std::string content;
  content.reserve(op.size() * size_t(times));
  for (int i = 0; i < times; ++i) content += op;
  std::string z = deflate(content);
  return make_pdf({"<< /Type /Catalog /Pages 2 0 R >>", "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
                   "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R >>",
                   "<< /Length " + std::to_string(z.size()) + " /Filter /FlateDecode >>\nstream\n" + z + "\nendstream"},
                  "");
}

// `pages` pages of w_pt x h_pt points, each with a little drawing.
inline std::string pages_pdf(int pages, int w_pt, int h_pt) {
  std::vector<std::string> objs = {"<< /Type /Catalog /Pages 2 0 R >>", ""};
  std::string kids;
  for (int i = 0; i < pages; ++i) {
    int page_obj = 3 + 2 * i, content_obj = page_obj + 1;
    kids += std::to_string(page_obj) + " 0 R ";
    std::string c = "0 0 m " + std::to_string(w_pt) + " " + std::to_string(h_pt) + " l S\n";
    objs.push_back("<< /Type /Page /Parent 2 0 R /MediaBox [0 0 " + std::to_string(w_pt) + " " + std::to_string(h_pt) +
                   "] /Contents " + std::to_string(content_obj) + " 0 R >>");
    objs.push_back("<< /Length " + std::to_string(c.size()) + " >>\nstream\n" + c + "\nendstream");
  }
  objs[1] = "<< /Type /Pages /Kids [" + kids + "] /Count " + std::to_string(pages) + " >>";
  return make_pdf(objs, "");
}

}  // namespace ppocr::test
