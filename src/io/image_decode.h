// Image decoding for every input path of the pipeline: files and memory
// buffers (jpg, png, bmp, tiff, webp, ... whatever OpenCV decodes). The result
// is always 8-bit 3-channel BGR, as PaddleOCR's cv2.imread(IMREAD_COLOR):
// grayscale is expanded, alpha dropped, 16-bit scaled down, and the EXIF
// orientation of JPEGs is applied (OpenCV does that for IMREAD_COLOR, so
// PaddleOCR does too).
#pragma once
#include <cstddef>
#include <cstdint>
#include <string>

#include <opencv2/core.hpp>

namespace ppocr::io {

struct DecodeOptions {
  // Refuse images whose header declares more pixels than this (decompression
  // bombs); checked before any pixel is decoded. 0 = no limit of our own.
  int64_t max_pixels = 200'000'000;
  // Refuse encoded inputs larger than this many bytes. 0 = no limit.
  size_t max_bytes = size_t(1) << 30;
};

struct ImageSize {
  int64_t width = 0;
  int64_t height = 0;
};

// Width/height from the header of a PNG, JPEG, BMP, GIF, WebP or TIFF buffer
// without decoding it; false when the format is not recognised or the header
// is cut short.
bool probe_image_size(const void* data, size_t size, ImageSize& out);

// Whether the bytes start like a PDF ("%PDF-").
bool looks_like_pdf(const void* data, size_t size);

// Decodes an encoded image. `what` names the input in error messages.
cv::Mat decode_image(const void* data, size_t size, const std::string& what,
                     const DecodeOptions& opts = {});
cv::Mat decode_image(const std::string& bytes, const std::string& what,
                     const DecodeOptions& opts = {});

// Reads and decodes an image file.
cv::Mat read_image_file(const std::string& path, const DecodeOptions& opts = {});

// Converts any decoded cv::Mat (1/3/4 channels, 8/16-bit or float) to BGR 8-bit.
cv::Mat to_bgr8(const cv::Mat& m);

// Whole file into memory (Error naming the path on failure or when larger than max_bytes).
std::string read_file_bytes(const std::string& path, size_t max_bytes = 0);

}  // namespace ppocr::io
