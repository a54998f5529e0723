// result_from_json (ppocr/outputs.h): the fields the outputs read, from a
// result's JSON.
#include <filesystem>
#include <type_traits>
#include <utility>

#include "engine/error.h"
#include "ppocr/outputs.h"

namespace ppocr {
namespace {

Polygon poly_of(const nlohmann::json& p) {
  Polygon out;
  if (!p.is_array()) return out;
  for (const auto& pt : p)
    if (pt.is_array() && pt.size() >= 2 && pt[0].is_number() && pt[1].is_number())
      out.emplace_back(pt[0].get<int>(), pt[1].get<int>());
  return out;
}

// text_word / text_word_region (return_word_box), when OCRResult has them.
template <class R, class = void>
struct HasWordBoxes : std::false_type {};
template <class R>
struct HasWordBoxes<R, std::void_t<decltype(std::declval<R&>().text_word),
                                   decltype(std::declval<R&>().text_word_region)>> : std::true_type {};

template <class R>
void words_from_json(const nlohmann::json& res, R& r) {
  if constexpr (HasWordBoxes<R>::value) {
    auto tw = res.find("text_word");
    auto tr = res.find("text_word_region");
    if (tw == res.end() || tr == res.end() || !tw->is_array() || !tr->is_array()) return;
    using Words = typename std::decay_t<decltype(r.text_word)>::value_type;
    using Regions = typename std::decay_t<decltype(r.text_word_region)>::value_type;
    if constexpr (std::is_same_v<Words, std::vector<std::string>> && std::is_same_v<Regions, std::vector<Polygon>>) {
      for (size_t i = 0; i < tw->size() && i < tr->size(); ++i) {
        std::vector<std::string> words;
        std::vector<Polygon> regions;
        for (const auto& w : (*tw)[i]) words.push_back(w.is_string() ? w.get<std::string>() : std::string());
        for (const auto& p : (*tr)[i]) regions.push_back(poly_of(p));
        r.text_word.push_back(std::move(words));
        r.text_word_region.push_back(std::move(regions));
      }
      r.return_word_box = true;
    }
  } else {
    (void)res;
    (void)r;
  }
}

}  // namespace

OCRResult result_from_json(const nlohmann::json& json, cv::Mat image) {
  const nlohmann::json& res = json.contains("res") && json["res"].is_object() ? json["res"] : json;
  PPOCR_CHECK_AS(res.is_object(), kInvalidArgument, "result JSON: expected an object");
  OCRResult r;
  try {
    if (auto it = res.find("input_path"); it != res.end() && it->is_string()) r.input_path = it->get<std::string>();
    if (auto it = res.find("page_index"); it != res.end() && it->is_number_integer()) r.page_index = it->get<int>();
    if (auto it = res.find("rec_texts"); it != res.end() && it->is_array())
      for (const auto& t : *it) r.rec_texts.push_back(t.is_string() ? t.get<std::string>() : std::string());
    if (auto it = res.find("rec_scores"); it != res.end() && it->is_array())
      for (const auto& s : *it) r.rec_scores.push_back(s.is_number() ? s.get<float>() : 0.f);
    if (auto it = res.find("rec_polys"); it != res.end() && it->is_array())
      for (const auto& p : *it) r.rec_polys.push_back(poly_of(p));
    if (auto it = res.find("rec_boxes"); it != res.end() && it->is_array())
      for (const auto& b : *it) {
        std::array<int, 4> box{0, 0, 0, 0};
        if (b.is_array() && b.size() == 4)
          for (size_t k = 0; k < 4; ++k) box[k] = b[k].is_number() ? b[k].get<int>() : 0;
        r.rec_boxes.push_back(box);
      }
    words_from_json(res, r);
  } catch (const nlohmann::json::exception& e) {
    fail_as(ErrorCode::kInvalidArgument, "result JSON: ", e.what());
  }
  if (r.rec_boxes.size() != r.rec_texts.size()) r.rec_boxes.clear();  // derived from rec_polys instead
  if (!r.input_path.empty()) r.name = std::filesystem::path(r.input_path).stem().string();
  r.image = std::move(image);
  return r;
}

}  // namespace ppocr
