#include "io/image_decode.h"

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <unordered_set>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include "engine/error.h"
#include "io/jpeg_decode.h"

namespace ppocr::io {
namespace {

using u8 = unsigned char;

uint32_t be16(const u8* p) { return (uint32_t(p[0]) << 8) | p[1]; }
uint32_t be32(const u8* p) { return (be16(p) << 16) | be16(p + 2); }
uint32_t le16(const u8* p) { return (uint32_t(p[1]) << 8) | p[0]; }
uint32_t le32(const u8* p) { return (le16(p + 2) << 16) | le16(p); }

// The first SOF marker, found as libjpeg finds it (jdmarker.c next_marker):
// bytes that are not a marker before the next one are skipped (libjpeg warns
// "extraneous bytes before marker" and goes on), so junk before the SOF does
// not hide the size. SOS or EOI before any SOF: no size (libjpeg refuses too).
bool probe_jpeg(const u8* p, size_t n, ImageSize& out) {
  if (n < 4 || p[0] != 0xFF || p[1] != 0xD8) return false;
  size_t i = 2;
  for (;;) {
    // next_marker: skip to an FF, then past fill FFs; FF 00 is not a marker.
    for (;;) {
      while (i < n && p[i] != 0xFF) ++i;
      while (i + 1 < n && p[i + 1] == 0xFF) ++i;
      if (i + 1 >= n) return false;
      if (p[i + 1] != 0x00) break;
      i += 2;
    }
    u8 marker = p[i + 1];
    i += 2;
    if (marker == 0xD8 || marker == 0x01 || (marker >= 0xD0 && marker <= 0xD7)) continue;  // no length
    if (marker == 0xD9 || marker == 0xDA) return false;  // EOI or SOS before the frame header
    if (i + 2 > n) return false;
    size_t len = be16(p + i);
    if (len < 2) return false;
    bool sof = marker >= 0xC0 && marker <= 0xCF && marker != 0xC4 && marker != 0xC8 && marker != 0xCC;
    if (sof) {
      if (len < 8 || i + 7 > n) return false;
      out.height = be16(p + i + 3);
      out.width = be16(p + i + 5);
      out.channels = p[i + 7];
      return true;
    }
    i += len;
  }
}

// TIFF (classic or BigTIFF) byte order and offsets of one file.
struct TiffLayout {
  const u8* p;
  size_t n;
  bool le, big;
  size_t head, entry, value;  // directory count size, entry size, value offset in an entry
  uint64_t r16(size_t o) const { return le ? le16(p + o) : be16(p + o); }
  uint64_t r32(size_t o) const { return le ? le32(p + o) : be32(p + o); }
  uint64_t r64(size_t o) const { return le ? (r32(o + 4) << 32) | r32(o) : (r32(o) << 32) | r32(o + 4); }
  // The directory entry count at `ifd`, 0 when the whole directory is not there.
  uint64_t count(uint64_t ifd) const {
    if (ifd > n || n - ifd < head) return 0;
    uint64_t c = big ? r64(size_t(ifd)) : r16(size_t(ifd));
    return c > (n - ifd - head) / entry ? 0 : c;
  }
};

bool tiff_layout(const u8* p, size_t n, TiffLayout& t) {
  if (n < 8) return false;
  t.p = p;
  t.n = n;
  t.le = p[0] == 'I';
  t.big = t.r16(2) == 43;
  if (t.big && (n < 16 || t.r16(4) != 8)) return false;
  t.head = t.big ? 8 : 2;
  t.entry = t.big ? 20 : 12;
  t.value = t.big ? 12 : 8;
  return true;
}

// One IFD's image size, as libtiff reads it for OpenCV. Size tags must be
// integers with one value; duplicated tags (libtiff keeps one, which one is
// libtiff's business) are all checked: the largest counts.
bool probe_tiff_ifd(const TiffLayout& t, uint64_t ifd, ImageSize& out) {
  uint64_t count = t.count(ifd);
  if (count == 0) return false;
  int64_t w = -1, h = -1, spp = 1, bps = 1;
  for (uint64_t k = 0; k < count; ++k) {
    size_t e = size_t(ifd) + t.head + size_t(k) * t.entry;
    uint32_t tag = uint32_t(t.r16(e)), type = uint32_t(t.r16(e + 2));
    uint64_t cnt = t.big ? t.r64(e + 4) : t.r32(e + 4);
    bool size_tag = tag == 256 || tag == 257 || tag == 277 || tag == 258 || tag == 322 || tag == 323;
    if (!size_tag) continue;
    // BitsPerSample has one value per sample (all equal for OpenCV); the rest one value.
    if (tag != 258 && cnt != 1) return false;
    uint64_t v;
    if (type == 3) v = t.r16(e + t.value);                 // SHORT
    else if (type == 4) v = t.r32(e + t.value);            // LONG
    else if (type == 16 && t.big) v = t.r64(e + t.value);  // LONG8
    else return false;                                     // anything else: not a size we can read
    if (tag == 258 && cnt > 1 && !(type == 3 && cnt <= (t.big ? 4u : 2u))) v = 64;  // stored elsewhere: assume the worst
    int64_t x = int64_t(std::min<uint64_t>(v, uint64_t(1) << 40));
    if (tag == 256) w = std::max(w, x);
    if (tag == 257) h = std::max(h, x);
    if (tag == 277) spp = std::max(spp, x);
    if (tag == 258) bps = std::max(bps, x);
  }
  if (w < 0 || h < 0) return false;
  out.width = w;
  out.height = h;
  out.channels = int(std::min<int64_t>(spp, 1 << 16));
  out.bits = int(std::min<int64_t>(bps, 1 << 16));
  return true;
}

// The first IFD: the image OpenCV decodes.
bool probe_tiff(const u8* p, size_t n, ImageSize& out) {
  TiffLayout t;
  if (!tiff_layout(p, n, t)) return false;
  return probe_tiff_ifd(t, t.big ? t.r64(8) : t.r32(4), out);
}

bool probe_webp(const u8* p, size_t n, ImageSize& out) {
  if (n < 30) return false;
  if (!std::memcmp(p + 12, "VP8X", 4)) {
    out.width = 1 + (int64_t(p[24]) | (int64_t(p[25]) << 8) | (int64_t(p[26]) << 16));
    out.height = 1 + (int64_t(p[27]) | (int64_t(p[28]) << 8) | (int64_t(p[29]) << 16));
    return true;
  }
  if (!std::memcmp(p + 12, "VP8L", 4)) {
    uint32_t b = le32(p + 21);
    out.width = 1 + (b & 0x3FFF);
    out.height = 1 + ((b >> 14) & 0x3FFF);
    return true;
  }
  if (!std::memcmp(p + 12, "VP8 ", 4)) {
    out.width = le16(p + 26) & 0x3FFF;
    out.height = le16(p + 28) & 0x3FFF;
    return true;
  }
  return false;
}

// Decimal numbers separated by whitespace and '#' comments, as OpenCV's PxM
// reader takes them ("P6\n# comment\n640 480\n255\n").
bool pnm_numbers(const u8* p, size_t n, size_t i, int64_t* v, int count) {
  for (int k = 0; k < count; ++k) {
    while (i < n && (std::isspace(p[i]) || p[i] == '#')) {
      if (p[i] == '#')
        while (i < n && p[i] != '\n' && p[i] != '\r') ++i;
      else
        ++i;
    }
    if (i >= n || !std::isdigit(p[i])) return false;
    int64_t x = 0;
    while (i < n && std::isdigit(p[i])) {
      if (x < 100'000'000'000LL) x = x * 10 + (p[i] - '0');
      ++i;
    }
    v[k] = x;
  }
  return true;
}

bool probe_pnm(const u8* p, size_t n, ImageSize& out) {
  int64_t v[2];
  if (!pnm_numbers(p, n, 2, v, 2)) return false;
  out.width = v[0];
  out.height = v[1];
  return true;
}

// PAM ("P7"): "WIDTH w", "HEIGHT h", "DEPTH d" lines up to "ENDHDR".
bool probe_pam(const u8* p, size_t n, ImageSize& out) {
  size_t i = 2, lim = std::min<size_t>(n, 4096);
  int64_t w = -1, h = -1, d = 1;
  while (i < lim) {
    size_t e = i;
    while (e < lim && p[e] != '\n') ++e;
    std::string line(reinterpret_cast<const char*>(p + i), e - i);
    i = e + 1;
    size_t k = line.find_first_not_of(" \t\r");
    if (k == std::string::npos || line[k] == '#') continue;
    line = line.substr(k);
    auto value = [&](const char* key) -> int64_t {
      size_t kl = std::strlen(key);
      if (line.compare(0, kl, key) || line.size() <= kl || !std::isspace(static_cast<u8>(line[kl]))) return -2;
      int64_t x;
      return pnm_numbers(reinterpret_cast<const u8*>(line.data()), line.size(), kl, &x, 1) ? x : -1;
    };
    if (line.compare(0, 6, "ENDHDR") == 0) {
      if (w < 0 || h < 0) return false;
      out.width = w;
      out.height = h;
      out.channels = int(std::min<int64_t>(d, 1 << 16));
      return true;
    }
    int64_t x;
    if ((x = value("WIDTH")) != -2) w = x;
    else if ((x = value("HEIGHT")) != -2) h = x;
    else if ((x = value("DEPTH")) != -2) d = x;
    if (x == -1) return false;  // a key without a number
  }
  return false;
}

// Sun raster: big-endian magic, width, height, depth.
bool probe_sunras(const u8* p, size_t n, ImageSize& out) {
  if (n < 32) return false;
  out.width = int32_t(be32(p + 4));
  out.height = int32_t(be32(p + 8));
  return true;
}

// Radiance HDR as OpenCV's rgbe.cpp reads it (fgets into 128 bytes): lines up
// to exactly "FORMAT=32-bit_rle_rgbe", a blank line, then "-Y <h> +X <w>".
bool probe_hdr(const u8* p, size_t n, ImageSize& out) {
  size_t i = 0;
  auto next_line = [&](std::string& line) {  // fgets(buf, 128): up to 127 bytes, keeping the '\n'
    if (i >= n) return false;
    size_t e = i;
    while (e < n && e - i < 127 && p[e] != '\n') ++e;
    if (e < n && e - i < 127 && p[e] == '\n') ++e;
    line.assign(reinterpret_cast<const char*>(p + i), e - i);
    i = e;
    return true;
  };
  std::string line;
  for (int k = 0; k < 4096; ++k) {
    if (!next_line(line)) return false;
    if (line.empty() || line[0] == '\n' || line[0] == '\0') return false;
    if (line == "FORMAT=32-bit_rle_rgbe\n") break;
    if (k == 4095) return false;
  }
  if (!next_line(line) || line != "\n" || !next_line(line)) return false;
  int hh = 0, ww = 0;
  if (std::sscanf(line.c_str(), "-Y %d +X %d", &hh, &ww) < 2) return false;
  out.width = ww;
  out.height = hh;
  return true;
}

// OpenEXR: the first header's "dataWindow" (box2i: xMin, yMin, xMax, yMax),
// which is the size OpenEXR decodes.
bool probe_exr(const u8* p, size_t n, ImageSize& out) {
  if (n < 8) return false;
  const uint32_t version = le32(p + 4);
  const size_t max_name = (version & 0x400) ? 255 : 31;  // long names flag
  size_t i = 8;
  auto cstr = [&](std::string& s) {
    size_t e = i;
    while (e < n && p[e] != 0 && e - i <= max_name) ++e;
    if (e >= n || p[e] != 0) return false;
    s.assign(reinterpret_cast<const char*>(p + i), e - i);
    i = e + 1;
    return true;
  };
  for (int k = 0; k < 1024; ++k) {
    std::string name, type;
    if (!cstr(name)) return false;
    if (name.empty()) return false;  // end of header without a dataWindow
    if (!cstr(type) || i + 4 > n) return false;
    uint32_t size = le32(p + i);
    i += 4;
    if (size > n - i) return false;
    if (name == "dataWindow") {
      if (type != "box2i" || size != 16) return false;
      int64_t x0 = int32_t(le32(p + i)), y0 = int32_t(le32(p + i + 4));
      int64_t x1 = int32_t(le32(p + i + 8)), y1 = int32_t(le32(p + i + 12));
      out.width = x1 - x0 + 1;
      out.height = y1 - y0 + 1;
      return true;
    }
    i += size;
  }
  return false;
}

// JPEG 2000 codestream: the SIZ segment right after SOC. Image size is
// Xsiz - XOsiz by Ysiz - YOsiz; Csiz components.
bool probe_j2k(const u8* p, size_t n, ImageSize& out) {
  if (n < 42 || be16(p) != 0xFF4F || be16(p + 2) != 0xFF51) return false;
  uint32_t lsiz = be16(p + 4);
  if (lsiz < 41 || 4 + size_t(lsiz) > n) return false;
  int64_t xs = be32(p + 8), ys = be32(p + 12), xo = be32(p + 16), yo = be32(p + 20);
  out.width = xs - xo;
  out.height = ys - yo;
  out.channels = int(be16(p + 40));
  return true;
}

// JP2 file: boxes; the codestream in "jp2c" decides; "ihdr" (in "jp2h") must agree with it.
bool probe_jp2(const u8* p, size_t n, ImageSize& out) {
  ImageSize ihdr{-1, -1}, cs;
  bool have_cs = false;
  auto walk = [&](auto&& self, size_t i, size_t end, int depth) -> bool {
    while (i + 8 <= end) {
      uint64_t len = be32(p + i);
      size_t hdr = 8;
      if (len == 1) {
        if (i + 16 > end) return false;
        len = (uint64_t(be32(p + i + 8)) << 32) | be32(p + i + 12);
        hdr = 16;
      } else if (len == 0) {
        len = end - i;  // to the end
      }
      if (len < hdr || len > end - i) return false;
      const u8* t = p + i + 4;
      if (!std::memcmp(t, "jp2h", 4) && depth == 0) {
        if (!self(self, i + hdr, size_t(i + len), depth + 1)) return false;
      } else if (!std::memcmp(t, "ihdr", 4) && depth == 1) {
        if (len < hdr + 14) return false;
        ihdr.height = be32(p + i + hdr);
        ihdr.width = be32(p + i + hdr + 4);
        ihdr.channels = int(be16(p + i + hdr + 8));
      } else if (!std::memcmp(t, "jp2c", 4) && depth == 0 && !have_cs) {
        if (!probe_j2k(p + i + hdr, size_t(len - hdr), cs)) return false;
        have_cs = true;
      }
      i += size_t(len);
    }
    return true;
  };
  if (!walk(walk, 0, n, 0) || !have_cs) return false;
  if (ihdr.width >= 0 && (ihdr.width != cs.width || ihdr.height != cs.height || ihdr.channels != cs.channels))
    return false;  // the header disagrees with the codestream
  out = cs;
  return true;
}

bool starts(const u8* p, size_t n, const char* sig, size_t len) { return n >= len && !std::memcmp(p, sig, len); }

}  // namespace

std::string image_format_name(const void* data, size_t n) {
  const u8* p = static_cast<const u8*>(data);
  if (starts(p, n, "\x89PNG\r\n\x1a\n", 8)) return "png";
  if (starts(p, n, "\xFF\xD8\xFF", 3)) return "jpeg";
  if (starts(p, n, "BM", 2)) return "bmp";
  if (starts(p, n, "II*\0", 4) || starts(p, n, "MM\0*", 4) || starts(p, n, "II+\0", 4) || starts(p, n, "MM\0+", 4))
    return "tiff";
  if (starts(p, n, "RIFF", 4) && n >= 12 && !std::memcmp(p + 8, "WEBP", 4)) return "webp";
  if (starts(p, n, "GIF87a", 6) || starts(p, n, "GIF89a", 6)) return "gif";
  if (n >= 2 && p[0] == 'P' && p[1] >= '1' && p[1] <= '6') return "pnm";
  if (starts(p, n, "P7", 2)) return "pam";
  if (n >= 3 && p[0] == 'P' && (p[1] == 'F' || p[1] == 'f') && std::isspace(p[2])) return "pfm";
  if (starts(p, n, "\0\0\0\x0cjP  ", 8) || starts(p, n, "\xFF\x4F\xFF\x51", 4)) return "jpeg2000";
  if (starts(p, n, "\x59\xA6\x6A\x95", 4)) return "sunras";
  if (starts(p, n, "#?RADIANCE", 10) || starts(p, n, "#?RGBE", 6)) return "hdr";
  if (starts(p, n, "\x76\x2F\x31\x01", 4)) return "exr";
  return "";
}

bool probe_image_size(const void* data, size_t n, ImageSize& out) {
  const u8* p = static_cast<const u8*>(data);
  std::string fmt = image_format_name(data, n);
  out = ImageSize{};
  if (fmt == "png") {
    // IHDR must be the first chunk (libpng refuses anything else).
    if (n < 29 || std::memcmp(p + 12, "IHDR", 4)) return false;
    out.width = be32(p + 16);
    out.height = be32(p + 20);
    out.bits = p[24];
    out.channels = (p[25] & 2 ? 3 : 1) + (p[25] & 4 ? 1 : 0);
    return true;
  }
  if (fmt == "jpeg") return probe_jpeg(p, n, out);
  if (fmt == "bmp") {
    if (n < 26) return false;
    uint32_t hsize = le32(p + 14);
    if (hsize >= 36) {  // BITMAPINFOHEADER and later, as OpenCV reads them
      out.width = int32_t(le32(p + 18));
      out.height = int32_t(le32(p + 22));
    } else if (hsize == 12) {  // OS/2 BITMAPCOREHEADER: 16-bit sizes
      out.width = le16(p + 18);
      out.height = le16(p + 20);
    } else {
      return false;
    }
    if (out.height < 0) out.height = -out.height;  // negative height: rows stored top-down
    return true;
  }
  if (fmt == "gif") {
    if (n < 10) return false;
    out.width = le16(p + 6);
    out.height = le16(p + 8);
    return true;
  }
  if (fmt == "webp") return probe_webp(p, n, out);
  if (fmt == "tiff") return probe_tiff(p, n, out);
  if (fmt == "pnm" || fmt == "pfm") return probe_pnm(p, n, out);
  if (fmt == "pam") return probe_pam(p, n, out);
  if (fmt == "jpeg2000") return p[0] == 0xFF ? probe_j2k(p, n, out) : probe_jp2(p, n, out);
  if (fmt == "sunras") return probe_sunras(p, n, out);
  if (fmt == "hdr") return probe_hdr(p, n, out);
  if (fmt == "exr") return probe_exr(p, n, out);
  return false;
}

std::vector<uint64_t> tiff_pages(const void* data, size_t size, size_t max_pages) {
  std::vector<uint64_t> out;
  TiffLayout t;
  if (image_format_name(data, size) != "tiff" || !tiff_layout(static_cast<const u8*>(data), size, t)) return out;
  uint64_t ifd = t.big ? t.r64(8) : t.r32(4);
  // A chain that loops back (a crafted file) ends where it repeats.
  std::unordered_set<uint64_t> seen;
  while (ifd != 0 && out.size() < max_pages && seen.insert(ifd).second) {
    uint64_t count = t.count(ifd);
    if (count == 0) break;
    out.push_back(ifd);
    size_t next = size_t(ifd) + t.head + size_t(count) * t.entry;
    if (next + (t.big ? 8 : 4) > size) break;
    ifd = t.big ? t.r64(next) : t.r32(next);
  }
  return out;
}

void set_tiff_first_page(std::string& bytes, uint64_t ifd) {
  TiffLayout t;
  PPOCR_CHECK(image_format_name(bytes.data(), bytes.size()) == "tiff" &&
                  tiff_layout(reinterpret_cast<const u8*>(bytes.data()), bytes.size(), t),
              "set_tiff_first_page: not a TIFF");
  const int width = t.big ? 8 : 4;
  const size_t at = t.big ? 8 : 4;
  for (int i = 0; i < width; ++i) {
    int shift = t.le ? 8 * i : 8 * (width - 1 - i);
    bytes[at + size_t(i)] = char((ifd >> shift) & 0xFF);
  }
}

bool looks_like_pdf(const void* data, size_t size) {
  // The PDF spec allows junk before the header; readers accept it within the first 1 KiB.
  const char* p = static_cast<const char*>(data);
  size_t lim = std::min<size_t>(size, 1024);
  for (size_t i = 0; i + 5 <= lim; ++i)
    if (!std::memcmp(p + i, "%PDF-", 5)) return true;
  return false;
}

cv::Mat to_bgr8(const cv::Mat& m) {
  PPOCR_CHECK(!m.empty(), "to_bgr8: empty image");
  cv::Mat src = m;
  if (src.depth() != CV_8U) {
    double scale = 1.0;
    if (src.depth() == CV_16U) scale = 1.0 / 257.0;
    else if (src.depth() == CV_16S) scale = 1.0 / 128.0;
    else if (src.depth() == CV_32F || src.depth() == CV_64F) scale = 255.0;
    src.convertTo(src, CV_8U, scale);
  }
  cv::Mat out;
  switch (src.channels()) {
    case 1: cv::cvtColor(src, out, cv::COLOR_GRAY2BGR); break;
    case 3: out = src; break;
    case 4: cv::cvtColor(src, out, cv::COLOR_BGRA2BGR); break;
    default: fail("to_bgr8: unsupported channel count ", src.channels());
  }
  return out;
}

namespace {

// w x h above max_pixels (0 = no limit), without overflowing on absurd header values.
bool over_pixel_limit(int64_t w, int64_t h, int64_t max_pixels) {
  return max_pixels > 0 && double(w) * double(h) > double(max_pixels);
}

// Whether a JPEG has its end-of-image marker. Data after it (some cameras
// append some) is fine; a file cut short has none. FF D9 cannot occur inside
// entropy-coded data (FF is stuffed there), only in an embedded thumbnail.
bool has_jpeg_end(const void* data, size_t size) {
  const u8* p = static_cast<const u8*>(data);
  for (size_t i = size; i-- > 2;)
    if (p[i - 1] == 0xFF && p[i] == 0xD9) return true;
  return false;
}

}  // namespace

cv::Mat decode_image(const void* data, size_t size, const std::string& what, const DecodeOptions& opts) {
  PPOCR_CHECK_AS(data != nullptr && size > 0, kInvalidInput, what, ": empty input (0 bytes)");
  PPOCR_CHECK_AS(opts.max_bytes == 0 || size <= opts.max_bytes, kTooLarge, what, ": ", size,
              " bytes exceeds the input size limit of ", opts.max_bytes, " bytes");
  const std::string fmt = image_format_name(data, size);
  // Only bytes whose header we can read reach a decoder (OpenCV would also try
  // DICOM and others, with sizes nobody checked).
  if (fmt.empty()) {
    PPOCR_CHECK_AS(!looks_like_pdf(data, size), kInvalidInput, what, ": is a PDF, not an image");
    fail_as(ErrorCode::kInvalidInput, what, ": not an image in a supported format (no known image signature)");
  }
  if (opts.reject_truncated_jpeg && fmt == "jpeg")
    PPOCR_CHECK_AS(has_jpeg_end(data, size), kInvalidInput, what,
                   ": the JPEG is truncated (it has no end-of-image marker)");
  ImageSize sz;
  PPOCR_CHECK_AS(probe_image_size(data, size, sz), kInvalidInput, what, ": looks like ", fmt,
                 " but its header cannot be read (corrupt or truncated)");
  PPOCR_CHECK_AS(sz.width > 0 && sz.height > 0, kInvalidInput, what, ": image header declares an empty size ", sz.width, "x",
                 sz.height);
  auto name = [&] { return opts.max_pixels_name.empty() ? std::string() : " (" + opts.max_pixels_name + ")"; };
  PPOCR_CHECK_AS(!over_pixel_limit(sz.width, sz.height, opts.max_pixels), kTooLarge, what, ": image of ", sz.width, "x",
                 sz.height, " pixels exceeds the limit of ", opts.max_pixels, " pixels", name());
  // Decoders hold every sample before converting to 8-bit BGR: more than 4 per
  // pixel (JPEG 2000 allows 16384 components, TIFF 65535 samples) or more than
  // 64 bits each multiplies the memory that the pixel limit was meant to bound.
  PPOCR_CHECK_AS(sz.channels <= 4, kTooLarge, what, ": image declares ", sz.channels,
                 " samples per pixel (at most 4 are decoded)");
  PPOCR_CHECK_AS(sz.bits <= 64, kTooLarge, what, ": image declares ", sz.bits, " bits per sample");
  PPOCR_CHECK_AS(size < size_t(INT32_MAX), kTooLarge, what, ": ", size, " bytes is too large for an encoded image");
  cv::Mat buf(1, int(size), CV_8U, const_cast<void*>(data));
  cv::Mat img;
  try {
    if (fmt != "jpeg" || !decode_plain_jpeg(data, size, img)) img = cv::imdecode(buf, cv::IMREAD_COLOR);
  } catch (const cv::Exception&) {
    // OpenCV's message names its source files and asserts; ours says what matters.
    fail_as(ErrorCode::kInvalidInput, what, ": looks like ", fmt, " but could not be decoded (corrupt or unsupported)");
  }
  if (img.empty()) fail_as(ErrorCode::kInvalidInput, what, ": looks like ", fmt, " but could not be decoded (corrupt or truncated)");
  // The decoder must have decoded what the header declared (the EXIF orientation may swap the sides).
  const bool same = (img.cols == sz.width && img.rows == sz.height) || (img.cols == sz.height && img.rows == sz.width);
  PPOCR_CHECK_AS(same, kInvalidInput, what, ": the image decoded to ", img.cols, "x", img.rows, " pixels but its header says ",
                 sz.width, "x", sz.height);
  return to_bgr8(img);
}

std::vector<std::pair<std::string, std::string>> opencv_decode_limits_env(int64_t max_pixels) {
  // OpenCV's defaults: 2^20 per side, 2^30 pixels. Ours are never looser.
  const int64_t side_default = int64_t(1) << 20, pixels_default = int64_t(1) << 30;
  int64_t pixels = max_pixels > 0 ? std::min(max_pixels, pixels_default) : pixels_default;
  int64_t side = std::min(side_default, pixels);
  return {{"OPENCV_IO_MAX_IMAGE_PIXELS", std::to_string(pixels)},
          {"OPENCV_IO_MAX_IMAGE_WIDTH", std::to_string(side)},
          {"OPENCV_IO_MAX_IMAGE_HEIGHT", std::to_string(side)}};
}

cv::Mat decode_image(const std::string& bytes, const std::string& what, const DecodeOptions& opts) {
  return decode_image(bytes.data(), bytes.size(), what, opts);
}

std::string read_file_bytes(const std::string& path, size_t max_bytes) {
  std::ifstream f(path, std::ios::binary | std::ios::ate);
  PPOCR_CHECK_AS(f.good(), kNotFound, path, ": cannot open file");
  std::streamoff len = f.tellg();
  PPOCR_CHECK(len >= 0, path, ": cannot read file (is it a directory?)");
  PPOCR_CHECK_AS(max_bytes == 0 || size_t(len) <= max_bytes, kTooLarge, path, ": ", len, " bytes exceeds the size limit of ",
              max_bytes, " bytes");
  std::string s(size_t(len), '\0');
  f.seekg(0);
  if (len > 0) f.read(&s[0], len);
  PPOCR_CHECK(f.good() || f.eof(), path, ": read error");
  PPOCR_CHECK(f.gcount() == len, path, ": short read");
  return s;
}

cv::Mat read_image_file(const std::string& path, const DecodeOptions& opts) {
  std::string bytes = read_file_bytes(path, opts.max_bytes);
  return decode_image(bytes, path, opts);
}

}  // namespace ppocr::io
