#include "server/file_type.h"

#include <algorithm>
#include <cctype>

namespace ppocr::server {

std::optional<FileKind> kind_from_url(std::string_view url) {
  size_t scheme = url.find("://");
  if (scheme != std::string_view::npos) url.remove_prefix(scheme + 3);
  size_t end = url.find_first_of("?#");
  if (end != std::string_view::npos) url = url.substr(0, end);
  size_t slash = url.find('/');
  if (slash == std::string_view::npos) return std::nullopt;  // host only, no path
  std::string_view name = url.substr(url.rfind('/') + 1);
  size_t dot = name.rfind('.');
  if (dot == std::string_view::npos) return std::nullopt;
  std::string ext(name.substr(dot + 1));
  std::transform(ext.begin(), ext.end(), ext.begin(), [](unsigned char c) { return std::tolower(c); });
  if (ext == "pdf") return FileKind::kPdf;
  static const char* kImage[] = {"jpg", "jpeg", "jpe", "png", "bmp", "dib", "tif", "tiff", "webp",
                                 "pbm", "pgm", "ppm", "pnm", "jp2", "gif", "ras", "sr", "exr", "hdr"};
  for (const char* e : kImage)
    if (ext == e) return FileKind::kImage;
  return std::nullopt;
}

std::string image_format_name(std::string_view b) {
  auto starts = [&](std::string_view sig) { return b.substr(0, sig.size()) == sig; };
  if (starts("\x89PNG\r\n\x1a\n")) return "png";
  if (starts("\xFF\xD8\xFF")) return "jpeg";
  if (starts("BM")) return "bmp";
  if (starts(std::string_view("II*\0", 4)) || starts(std::string_view("MM\0*", 4))) return "tiff";
  if (starts("RIFF") && b.size() >= 12 && b.substr(8, 4) == "WEBP") return "webp";
  if (starts("GIF87a") || starts("GIF89a")) return "gif";
  if (b.size() >= 2 && b[0] == 'P' && b[1] >= '1' && b[1] <= '6') return "pnm";
  if (starts(std::string_view("\0\0\0\x0cjP  ", 8)) || starts("\xFF\x4F\xFF\x51")) return "jpeg2000";
  return "";
}

std::optional<FileKind> kind_from_magic(std::string_view bytes) {
  // PDF readers accept the header within the first 1024 bytes.
  if (bytes.substr(0, 1024).find("%PDF-") != std::string_view::npos) return FileKind::kPdf;
  if (!image_format_name(bytes).empty()) return FileKind::kImage;
  return std::nullopt;
}

}  // namespace ppocr::server
