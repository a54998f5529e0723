// OCRResult: visualisations (img, save_to_img).
#include <filesystem>

#include <opencv2/imgcodecs.hpp>

#include "engine/error.h"
#include "pipelines/ocr/visualize.h"
#include "ppocr/result.h"

namespace fs = std::filesystem;

namespace ppocr {
namespace {

bool image_ext(std::string e) {
  for (auto& c : e) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  for (const char* x : {".jpg", ".jpeg", ".png", ".bmp", ".tif", ".tiff", ".webp"})
    if (e == x) return true;
  return false;
}

void write(const fs::path& file, const cv::Mat& img) {
  bool ok = false;
  try {
    ok = cv::imwrite(file.string(), img);
  } catch (const cv::Exception& e) {
    fail("cannot write ", file.string(), ": ", e.what());
  }
  PPOCR_CHECK(ok, "cannot write ", file.string());
}

}  // namespace

std::map<std::string, cv::Mat> OCRResult::img() const {
  std::map<std::string, cv::Mat> out;
  if (image.empty()) return out;
  out["ocr_res_img"] = pipelines::draw_ocr(image, rec_polys, rec_texts);
  if (use_doc_preprocessor && doc_preprocessor_res && !doc_preprocessor_res->output_img.empty())
    out["preprocessed_img"] = doc_preprocessor_res->output_img;
  return out;
}

std::vector<std::string> OCRResult::save_to_img(const std::string& path) const {
  auto imgs = img();
  PPOCR_CHECK(!imgs.empty(), "save_to_img: the result holds no image");
  std::vector<std::string> written;
  fs::path p(path);
  std::error_code ec;
  if (!fs::is_directory(p, ec) && image_ext(p.extension().string())) {
    if (p.has_parent_path()) fs::create_directories(p.parent_path(), ec);
    write(p, imgs["ocr_res_img"]);
    written.push_back(p.string());
    return written;
  }
  fs::create_directories(p, ec);
  PPOCR_CHECK(fs::is_directory(p, ec), "cannot create directory ", p.string());
  std::string ext = input_path.empty() ? "" : fs::path(input_path).extension().string();
  if (!image_ext(ext)) ext = ".png";
  const std::string stem = file_stem();
  fs::path f = p / (stem + "_ocr_res_img" + ext);
  write(f, imgs["ocr_res_img"]);
  written.push_back(f.string());
  if (imgs.count("preprocessed_img")) {
    fs::path d = p / (stem + "_doc_preprocessor_res_img" + ext);
    write(d, imgs["preprocessed_img"]);
    written.push_back(d.string());
  }
  return written;
}

}  // namespace ppocr
