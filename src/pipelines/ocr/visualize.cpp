#include "pipelines/ocr/visualize.h"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <mutex>
#include <random>

#include <opencv2/imgproc.hpp>
#ifdef PPOCR_HAVE_FREETYPE
#include <opencv2/freetype.hpp>
#endif

namespace ppocr::pipelines {
namespace {

double dist(cv::Point a, cv::Point b) { return std::hypot(double(a.x - b.x), double(a.y - b.y)); }

struct Font {
  std::mutex mu;  // FreeType2 objects are not thread-safe
#ifdef PPOCR_HAVE_FREETYPE
  cv::Ptr<cv::freetype::FreeType2> ft;
#endif
  Font() {
#ifdef PPOCR_HAVE_FREETYPE
    std::string path = vis_font_path();
    if (!path.empty()) {
      try {
        ft = cv::freetype::createFreeType2();
        ft->loadFontData(path, 0);
      } catch (const cv::Exception&) {
        ft.release();
      }
    }
#endif
  }
};

Font& font() {
  static Font f;
  return f;
}

// Fits `text` into `box` of `img` (black, left-aligned, vertically centred):
// PaddleX sizes the font to the box height (0.99 h) and shrinks it to the box
// width; here the font is shrunk until the text's ink fits in height as well,
// ascenders and descenders included (a font's em box is smaller than its
// glyphs' extent: Noto Sans CJK at the box height cut off "g", "j", "p", "y").
void put_text_locked(Font& f, cv::Mat& img, const std::string& text, const cv::Rect& box) {
  const int w = box.width, h = box.height;
#ifdef PPOCR_HAVE_FREETYPE
  if (f.ft) {
    int size = std::max(1, static_cast<int>(h * 0.99));
    int base = 0;
    cv::Size ts = f.ft->getTextSize(text, size, -1, &base);
    // Above the baseline ts.height, below it `base` (the descenders).
    auto fits = [&] { return ts.height + base <= h && ts.width <= w; };
    for (int i = 0; i < 8 && !fits() && size > 1; ++i) {
      double k = std::min(double(h) / std::max(1, ts.height + base), double(w) / std::max(1, ts.width));
      size = std::max(1, std::min(size - 1, static_cast<int>(size * k)));
      ts = f.ft->getTextSize(text, size, -1, &base);
    }
    // With a top-left origin FreeType2 puts the baseline `size` below org.y.
    const int baseline = box.y + (h - (ts.height + base)) / 2 + ts.height;
    f.ft->putText(img, text, cv::Point(box.x, baseline - size), size, cv::Scalar(0, 0, 0), -1, cv::LINE_AA, false);
    return;
  }
#endif
  double scale = h / 30.0;
  int base = 0;
  cv::Size ts = cv::getTextSize(text, cv::FONT_HERSHEY_SIMPLEX, scale, 1, &base);
  double k = std::min(double(h) / std::max(1, ts.height + base), double(w) / std::max(1, ts.width));
  if (k < 1) {
    scale *= k;
    ts = cv::getTextSize(text, cv::FONT_HERSHEY_SIMPLEX, scale, 1, &base);
  }
  const int baseline = box.y + (h - (ts.height + base)) / 2 + ts.height;
  cv::putText(img, text, cv::Point(box.x, baseline), cv::FONT_HERSHEY_SIMPLEX, scale, cv::Scalar(0, 0, 0), 1,
              cv::LINE_AA);
}

// White image of w x h with `text` in black, as large as fits.
cv::Mat text_image(const std::string& text, int w, int h) {
  cv::Mat img(h, w, CV_8UC3, cv::Scalar(255, 255, 255));
  if (text.empty() || w < 2 || h < 2) return img;
  Font& f = font();
  std::lock_guard<std::mutex> lk(f.mu);
  put_text_locked(f, img, text, cv::Rect(0, 0, w, h));
  return img;
}

}  // namespace

void put_text(cv::Mat& img, const std::string& text, const cv::Rect& box) {
  if (text.empty() || box.width < 2 || box.height < 2) return;
  Font& f = font();
  std::lock_guard<std::mutex> lk(f.mu);
  put_text_locked(f, img, text, box);
}

std::string vis_font_path() {
  if (const char* env = std::getenv("PPOCR_FONT"))
    if (std::filesystem::exists(env)) return env;
  for (const char* p : {"/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
                        "/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc",
                        "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"})
    if (std::filesystem::exists(p)) return p;
  return "";
}

cv::Mat draw_ocr(const cv::Mat& image, const std::vector<Polygon>& polys, const std::vector<std::string>& texts) {
  const int h = image.rows, w = image.cols;
  cv::Mat left = image.clone();
  cv::Mat right(h, w, CV_8UC3, cv::Scalar(255, 255, 255));
  std::mt19937 rng(0);
  std::uniform_int_distribution<int> u(0, 255);
  for (size_t i = 0; i < polys.size(); ++i) {
    const Polygon& p = polys[i];
    if (p.size() < 3) continue;
    cv::Scalar color(u(rng), u(rng), u(rng));
    cv::fillPoly(left, std::vector<Polygon>{p}, color);
    if (i < texts.size() && p.size() == 4) {
      int bw = static_cast<int>(std::max(dist(p[0], p[1]), dist(p[2], p[3])));
      int bh = static_cast<int>(std::max(dist(p[0], p[3]), dist(p[1], p[2])));
      if (bw >= 2 && bh >= 2) {
        bool vertical = bh > 2 * bw && bh > 30;
        cv::Mat timg = vertical ? text_image(texts[i], bh, bw) : text_image(texts[i], bw, bh);
        if (vertical) cv::rotate(timg, timg, cv::ROTATE_90_CLOCKWISE);
        cv::Point2f src[4] = {{0.f, 0.f}, {float(timg.cols), 0.f}, {float(timg.cols), float(timg.rows)},
                              {0.f, float(timg.rows)}};
        // Warp into the box's bounding rectangle only (a whole-page warp per box made receipts slow to draw).
        const cv::Rect roi = cv::boundingRect(p) & cv::Rect(0, 0, w, h);
        if (!roi.empty()) {
          cv::Point2f dst[4];
          for (int k = 0; k < 4; ++k) dst[k] = cv::Point2f(p[k]) - cv::Point2f(float(roi.x), float(roi.y));
          cv::Mat m = cv::getPerspectiveTransform(src, dst);
          cv::Mat warped;
          cv::warpPerspective(timg, warped, m, roi.size(), cv::INTER_NEAREST, cv::BORDER_CONSTANT,
                              cv::Scalar(255, 255, 255));
          cv::Mat area = right(roi);
          cv::min(area, warped, area);
        }
      }
    }
    cv::polylines(right, std::vector<Polygon>{p}, true, color, 1);
  }
  cv::Mat blended;
  cv::addWeighted(image, 0.5, left, 0.5, 0, blended);
  cv::Mat out(h, 2 * w, CV_8UC3);
  blended.copyTo(out(cv::Rect(0, 0, w, h)));
  right.copyTo(out(cv::Rect(w, 0, w, h)));
  return out;
}

}  // namespace ppocr::pipelines
