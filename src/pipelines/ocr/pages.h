// From the pipeline's Inputs to pages, through the io layer's one input stack
// (io::InputStream: files, folders, PDFs, TIFFs, URLs, bytes), with the
// limits of OCROptions (max_image_pixels, pdf_dpi, pdf_page_range, pdf_max_pages).
#pragma once
#include <functional>

#include "io/input_source.h"
#include "ppocr/input.h"
#include "ppocr/options.h"

namespace ppocr {

io::InputOptions input_options(const OCROptions& o);

// A stream item as a Page (Error with the item's message and code when it failed).
Page to_page(io::InputItem&& item);

// The extension saved visualisations take: the input's own when it is a format
// written as PaddleX does (jpg, jpeg, png, bmp, tif, tiff, webp), else ".png".
std::string saved_image_ext(const std::string& input_path);
// Whether the path ends in one of those extensions (any case).
bool is_saved_image_file(const std::string& path);

// Expands `in` into pages, in order, lazily; `sink` returns false to stop.
void for_each_page(const Input& in, const io::InputOptions& opts, const std::function<bool(Page&&)>& sink);

}  // namespace ppocr
