#include "io/image_decode.h"

#include <cctype>
#include <cstring>
#include <fstream>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include "engine/error.h"

namespace ppocr::io {
namespace {

using u8 = unsigned char;

uint32_t be16(const u8* p) { return (uint32_t(p[0]) << 8) | p[1]; }
uint32_t be32(const u8* p) { return (be16(p) << 16) | be16(p + 2); }
uint32_t le16(const u8* p) { return (uint32_t(p[1]) << 8) | p[0]; }
uint32_t le32(const u8* p) { return (le16(p + 2) << 16) | le16(p); }

bool probe_jpeg(const u8* p, size_t n, ImageSize& out) {
  size_t i = 2;
  while (i + 4 <= n) {
    if (p[i] != 0xFF) return false;
    u8 marker = p[i + 1];
    if (marker == 0xFF) { ++i; continue; }  // fill byte
    if (marker == 0xD8 || marker == 0x01 || (marker >= 0xD0 && marker <= 0xD7)) { i += 2; continue; }
    size_t len = be16(p + i + 2);
    if (len < 2) return false;
    bool sof = marker >= 0xC0 && marker <= 0xCF && marker != 0xC4 && marker != 0xC8 && marker != 0xCC;
    if (sof) {
      if (i + 9 > n) return false;
      out.height = be16(p + i + 5);
      out.width = be16(p + i + 7);
      return true;
    }
    i += 2 + len;
  }
  return false;
}

bool probe_tiff(const u8* p, size_t n, ImageSize& out) {
  bool le = p[0] == 'I';
  auto r16 = [&](size_t o) { return le ? le16(p + o) : be16(p + o); };
  auto r32 = [&](size_t o) { return le ? le32(p + o) : be32(p + o); };
  if (n < 8) return false;
  size_t ifd = r32(4);
  if (ifd + 2 > n) return false;
  size_t count = r16(ifd);
  int64_t w = -1, h = -1;
  for (size_t k = 0; k < count; ++k) {
    size_t e = ifd + 2 + k * 12;
    if (e + 12 > n) break;
    uint32_t tag = r16(e), type = r16(e + 2);
    uint32_t v = type == 3 ? r16(e + 8) : r32(e + 8);
    if (tag == 256) w = v;
    if (tag == 257) h = v;
  }
  if (w < 0 || h < 0) return false;
  out.width = w;
  out.height = h;
  return true;
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

// "P6\n# comment\n640 480\n255\n": two decimal numbers after the magic,
// separated by whitespace and comments.
bool probe_pnm(const u8* p, size_t n, ImageSize& out) {
  int64_t v[2];
  size_t i = 2;
  for (int64_t& x : v) {
    while (i < n && (std::isspace(p[i]) || p[i] == '#')) {
      if (p[i] == '#')
        while (i < n && p[i] != '\n') ++i;
      else
        ++i;
    }
    if (i >= n || !std::isdigit(p[i])) return false;
    x = 0;
    while (i < n && std::isdigit(p[i]) && x < 100'000'000) x = x * 10 + (p[i++] - '0');
  }
  out.width = v[0];
  out.height = v[1];
  return true;
}

bool starts(const u8* p, size_t n, const char* sig, size_t len) { return n >= len && !std::memcmp(p, sig, len); }

}  // namespace

std::string image_format_name(const void* data, size_t n) {
  const u8* p = static_cast<const u8*>(data);
  if (starts(p, n, "\x89PNG\r\n\x1a\n", 8)) return "png";
  if (starts(p, n, "\xFF\xD8\xFF", 3)) return "jpeg";
  if (starts(p, n, "BM", 2)) return "bmp";
  if (starts(p, n, "II*\0", 4) || starts(p, n, "MM\0*", 4)) return "tiff";
  if (starts(p, n, "RIFF", 4) && n >= 12 && !std::memcmp(p + 8, "WEBP", 4)) return "webp";
  if (starts(p, n, "GIF87a", 6) || starts(p, n, "GIF89a", 6)) return "gif";
  if (n >= 2 && p[0] == 'P' && p[1] >= '1' && p[1] <= '6') return "pnm";
  if (starts(p, n, "\0\0\0\x0cjP  ", 8) || starts(p, n, "\xFF\x4F\xFF\x51", 4)) return "jpeg2000";
  if (starts(p, n, "\x59\xA6\x6A\x95", 4)) return "sunras";
  if (starts(p, n, "#?RADIANCE", 10) || starts(p, n, "#?RGBE", 6)) return "hdr";
  if (starts(p, n, "\x76\x2F\x31\x01", 4)) return "exr";
  return "";
}

bool probe_image_size(const void* data, size_t n, ImageSize& out) {
  const u8* p = static_cast<const u8*>(data);
  std::string fmt = image_format_name(data, n);
  if (fmt == "png") {
    if (n < 24) return false;
    out.width = be32(p + 16);
    out.height = be32(p + 20);
    return true;
  }
  if (fmt == "jpeg") return probe_jpeg(p, n, out);
  if (fmt == "bmp") {
    if (n < 26) return false;
    out.width = int32_t(le32(p + 18));
    out.height = int32_t(le32(p + 22));
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
  if (fmt == "pnm") return probe_pnm(p, n, out);
  return false;
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
  if (fmt.empty()) PPOCR_CHECK_AS(!looks_like_pdf(data, size), kInvalidInput, what, ": is a PDF, not an image");
  if (opts.reject_truncated_jpeg && fmt == "jpeg")
    PPOCR_CHECK_AS(has_jpeg_end(data, size), kInvalidInput, what,
                   ": the JPEG is truncated (it has no end-of-image marker)");
  ImageSize sz;
  if (probe_image_size(data, size, sz)) {
    PPOCR_CHECK_AS(sz.width > 0 && sz.height > 0, kInvalidInput, what, ": image header declares an empty size ", sz.width, "x",
                sz.height);
    PPOCR_CHECK_AS(!over_pixel_limit(sz.width, sz.height, opts.max_pixels), kTooLarge, what, ": image of ", sz.width, "x",
                   sz.height, " pixels exceeds the limit of ", opts.max_pixels, " pixels");
  }
  PPOCR_CHECK_AS(size < size_t(INT32_MAX), kTooLarge, what, ": ", size, " bytes is too large for an encoded image");
  cv::Mat buf(1, int(size), CV_8U, const_cast<void*>(data));
  cv::Mat img;
  try {
    img = cv::imdecode(buf, cv::IMREAD_COLOR);
  } catch (const cv::Exception& e) {
    fail_as(ErrorCode::kInvalidInput, what, ": cannot decode image (", e.what(), ")");
  }
  if (img.empty()) {
    if (fmt.empty()) fail_as(ErrorCode::kInvalidInput, what, ": not an image in a supported format (no known image signature)");
    fail_as(ErrorCode::kInvalidInput, what, ": looks like ", fmt, " but could not be decoded (corrupt or truncated)");
  }
  PPOCR_CHECK_AS(!over_pixel_limit(img.cols, img.rows, opts.max_pixels), kTooLarge, what, ": image of ", img.cols, "x",
                 img.rows, " pixels exceeds the limit of ", opts.max_pixels, " pixels");
  return to_bgr8(img);
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
