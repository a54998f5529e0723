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
  // Refuse a JPEG without an end-of-image marker (FF D9) instead of decoding
  // it: libjpeg "decodes" a truncated JPEG by padding the missing rows with
  // grey. Off by default, as cv2.imread (and so PaddleOCR) takes such files;
  // the server turns it on.
  bool reject_truncated_jpeg = false;
};

struct ImageSize {
  int64_t width = 0;
  int64_t height = 0;
};

// Width/height from the header of a PNG, JPEG, BMP, GIF, WebP, TIFF or PNM
// (PBM/PGM/PPM) buffer without decoding it, so that a 20000x20000 picture is
// refused before it takes gigabytes; false when the format is not recognised
// or the header is cut short. Never reads outside [data, data + size).
bool probe_image_size(const void* data, size_t size, ImageSize& out);

// A short name of the image format the bytes start with ("png", "jpeg", "bmp",
// "tiff", "webp", "gif", "pnm", "jpeg2000", "sunras", "hdr", "exr"), or ""
// when no known image signature matches.
std::string image_format_name(const void* data, size_t size);

// Whether the bytes start like a PDF ("%PDF-" within the first 1 KiB).
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
