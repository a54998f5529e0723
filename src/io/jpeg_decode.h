// A faster way to the same pixels for plain JPEGs. OpenCV 4.6 has libjpeg
// write RGB rows and swaps every pixel to BGR in a scalar loop (4% of an
// ICDAR 2015 run); libjpeg-turbo writes BGR itself (JCS_EXT_BGR) with the same
// colour conversion, so the result is the same, byte for byte, as
// cv::imdecode(IMREAD_COLOR) (tests/io/test_jpeg_decode.cpp checks every JPEG
// of ../shared).
#pragma once
#include <cstddef>

#include <opencv2/core.hpp>

namespace ppocr::io {

// Decodes a 3-component JPEG into 8-bit BGR. Returns false, leaving the work
// to cv::imdecode, for anything else: other component counts (grey, CMYK), an
// EXIF segment (OpenCV applies its orientation), no Huffman tables (MJPEG
// frames, OpenCV adds the standard ones), or any libjpeg error.
bool decode_plain_jpeg(const void* data, size_t size, cv::Mat& bgr);

}  // namespace ppocr::io
