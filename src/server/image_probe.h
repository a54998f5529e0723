// Reads an image's width and height from its header without decoding it, so
// that a 20000x20000 picture can be refused before it takes gigabytes.
#pragma once
#include <optional>
#include <string_view>

namespace ppocr::server {

struct ImageSize {
  long width = 0, height = 0;
};

// PNG, JPEG, BMP, GIF, WebP, TIFF and PNM headers; nullopt for other formats
// or a header too short to tell.
std::optional<ImageSize> probe_image_size(std::string_view bytes);

}  // namespace ppocr::server
