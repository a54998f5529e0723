#include "io/jpeg_decode.h"

#include <csetjmp>
#include <cstdio>
#include <cstring>

#include <jpeglib.h>

namespace ppocr::io {
namespace {

struct ErrorMgr {
  jpeg_error_mgr pub;
  std::jmp_buf jump;
};

void on_error(j_common_ptr cinfo) { std::longjmp(reinterpret_cast<ErrorMgr*>(cinfo->err)->jump, 1); }
void on_message(j_common_ptr) {}  // warnings (a truncated file): libjpeg goes on, as under OpenCV

bool has_exif(jpeg_decompress_struct& c) {
  for (jpeg_saved_marker_ptr m = c.marker_list; m; m = m->next)
    if (m->marker == JPEG_APP0 + 1 && m->data_length >= 6 && !std::memcmp(m->data, "Exif\0\0", 6)) return true;
  return false;
}

// No C++ object with a destructor lives in these two functions: libjpeg
// errors longjmp out of them. The header first, so that the image is allocated
// outside them.
bool read_header(const void* data, size_t size, jpeg_decompress_struct& c, ErrorMgr& err) {
  if (setjmp(err.jump)) return false;
  jpeg_mem_src(&c, static_cast<const unsigned char*>(data), static_cast<unsigned long>(size));
  jpeg_save_markers(&c, JPEG_APP0 + 1, 0xFFFF);
  if (jpeg_read_header(&c, TRUE) != JPEG_HEADER_OK) return false;
  if (c.num_components != 3 || has_exif(c) || c.image_width == 0 || c.image_height == 0) return false;
  return c.ac_huff_tbl_ptrs[0] || c.ac_huff_tbl_ptrs[1] || c.dc_huff_tbl_ptrs[0] || c.dc_huff_tbl_ptrs[1];
}

bool read_pixels(jpeg_decompress_struct& c, ErrorMgr& err, unsigned char* out, size_t step) {
  if (setjmp(err.jump)) return false;
  c.out_color_space = JCS_EXT_BGR;
  jpeg_start_decompress(&c);
  if (c.output_components != 3) return false;
  while (c.output_scanline < c.output_height) {
    JSAMPROW row = out + size_t(c.output_scanline) * step;
    if (jpeg_read_scanlines(&c, &row, 1) != 1) return false;
  }
  jpeg_finish_decompress(&c);
  return true;
}

}  // namespace

bool decode_plain_jpeg(const void* data, size_t size, cv::Mat& bgr) {
  jpeg_decompress_struct c;
  ErrorMgr err;
  c.err = jpeg_std_error(&err.pub);
  err.pub.error_exit = on_error;
  err.pub.output_message = on_message;
  jpeg_create_decompress(&c);
  bool ok = read_header(data, size, c, err);
  if (ok) {
    cv::Mat img(int(c.image_height), int(c.image_width), CV_8UC3);
    ok = read_pixels(c, err, img.data, img.step) && int(c.output_width) == img.cols &&
         int(c.output_height) == img.rows;
    if (ok) bgr = img;
  }
  jpeg_destroy_decompress(&c);
  return ok;
}

}  // namespace ppocr::io
