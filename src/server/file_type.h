// What kind of file a request carries: from `fileType`, the URL's extension, or
// the bytes' magic numbers.
#pragma once
#include <optional>
#include <string>
#include <string_view>

namespace ppocr::server {

enum class FileKind { kPdf = 0, kImage = 1 };

// From the last path segment's extension of an http(s)/file URL (query and
// fragment ignored); nullopt when the extension says nothing.
std::optional<FileKind> kind_from_url(std::string_view url);

// From the first bytes: "%PDF-" -> PDF, a known image signature -> image.
std::optional<FileKind> kind_from_magic(std::string_view bytes);

// A short name of the image format ("png", "jpeg", ...) or "" when unknown.
std::string image_format_name(std::string_view bytes);

}  // namespace ppocr::server
