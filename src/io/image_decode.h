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
#include <utility>
#include <vector>

#include <opencv2/core.hpp>

namespace ppocr::io {

// Every image is decoded under a budget: its size is read from its header by
// our own parser for that format (probe_image_size) and refused before any
// decoder runs when it is over max_pixels; bytes in no format we can parse the
// header of are never handed to a decoder; and the decoded image must have the
// size its header declared. OpenCV's own limits (OPENCV_IO_MAX_IMAGE_PIXELS,
// see opencv_decode_limits_env) are a second line behind these.
struct DecodeOptions {
  // Refuse images whose header declares more pixels than this (decompression
  // bombs); checked before any pixel is decoded. 0 = no limit of our own.
  int64_t max_pixels = 200'000'000;
  // How the caller's users name max_pixels (the server: "--max_pixels"), added
  // to the message of an image refused by it; empty: nothing added.
  std::string max_pixels_name;
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
  int channels = 0;  // samples per pixel when the header says (0 = not read)
  int bits = 0;      // bits per sample when the header says (0 = not read)
};

// Width/height from the header of an image in any format OpenCV decodes here
// (PNG, JPEG, BMP, GIF, WebP, TIFF and BigTIFF, PBM/PGM/PPM, PAM, PFM, JPEG 2000
// codestream and JP2, Sun raster, Radiance HDR, OpenEXR) without decoding it,
// read the way that format's decoder reads it (JPEG: skipping junk before
// markers as libjpeg does; TIFF: the largest of duplicated size tags; JP2: the
// codestream's SIZ, which must agree with the ihdr box), so that a 20000x20000
// picture is refused before it takes gigabytes; false when the format is not
// recognised or the header cannot be read. Never reads outside [data, data + size).
bool probe_image_size(const void* data, size_t size, ImageSize& out);

// A short name of the image format the bytes start with ("png", "jpeg", "bmp",
// "tiff", "webp", "gif", "pnm", "pam", "pfm", "jpeg2000", "sunras", "hdr",
// "exr"), or "" when no known image signature matches.
std::string image_format_name(const void* data, size_t size);

// OpenCV's own decode limits, OPENCV_IO_MAX_IMAGE_PIXELS / _WIDTH / _HEIGHT,
// for a pixel limit of `max_pixels`: the environment a process must be started
// with. OpenCV 4.6 reads these variables once, when libopencv_imgcodecs is
// loaded (before main), so setting them in a running process changes nothing:
// `ppocr serve` sets them and re-executes itself at start-up when they differ.
std::vector<std::pair<std::string, std::string>> opencv_decode_limits_env(int64_t max_pixels);

// Multi-page TIFF: the offsets of the pages' directories (IFDs) in file order,
// at most `max_pages`; empty when the bytes are not a TIFF, one entry for a
// single-page TIFF. A directory chain that loops or runs off the end stops there.
std::vector<uint64_t> tiff_pages(const void* data, size_t size, size_t max_pages = 100000);
// Makes the page whose directory is at `ifd` the TIFF's first (the header's
// pointer to the first directory is rewritten; every offset in a TIFF is from
// the start of the file, so nothing else moves): decode_image then decodes
// that page, under the same header checks as any image.
void set_tiff_first_page(std::string& bytes, uint64_t ifd);

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
