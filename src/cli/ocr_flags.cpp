#include "cli/ocr_flags.h"

#include <algorithm>
#include <cctype>

#include "engine/error.h"

namespace ppocr::cli {

bool parse_bool(const std::string& flag, const std::string& v) {
  std::string l = v;
  std::transform(l.begin(), l.end(), l.begin(), [](unsigned char c) { return char(std::tolower(c)); });
  if (l == "true" || l == "t" || l == "yes" || l == "y" || l == "1") return true;
  if (l == "false" || l == "f" || l == "no" || l == "n" || l == "0") return false;
  fail("--", flag, ": expected a boolean (True/False), got '", v, "'");
}

void add_ocr_flags(CLI::App& s, OcrFlags& f) {
  s.option_defaults()->multi_option_policy(CLI::MultiOptionPolicy::TakeLast);  // argparse: the last one wins
  s.add_option("-i,--input", f.inputs, "Image file, folder, PDF or http(s) URL (repeatable)")
      ->multi_option_policy(CLI::MultiOptionPolicy::TakeAll);
  s.add_option("--save_path", f.save_path, "Directory for {name}_res.json and {name}_ocr_res_img.{ext}");
  s.add_option("--paddlex_config", f.paddlex_config, "PaddleX OCR pipeline config (YAML); flags override it");
  s.add_option("--export_config", f.export_config, "Write the effective config as PaddleX YAML to this file");
  s.add_flag("-q,--quiet", f.quiet, "Do not print results");
  s.add_flag("--timing", f.timing, "Print a timing summary to stderr");
  s.add_flag("--no_progress", f.no_progress, "No progress bar");
  s.add_flag("--no_download", f.no_download, "Never download models; use the cache only");
  s.add_option("--pdf_max_pages", f.pdf_max_pages, "Render at most this many pages per PDF (0 = all)");
  s.add_option("--pdf_dpi", f.pdf_dpi, "PDF render resolution (default 144 = PaddleX's zoom 2.0)");
  s.add_option("--max_image_pixels", f.max_image_pixels, "Refuse images with more pixels than this");

  s.add_option("--use_doc_orientation_classify", f.use_doc_orientation_classify, "True/False");
  s.add_option("--use_doc_unwarping", f.use_doc_unwarping, "True/False");
  s.add_option("--use_textline_orientation", f.use_textline_orientation, "True/False");
  s.add_option("--text_det_limit_side_len", f.text_det_limit_side_len);
  s.add_option("--text_det_limit_type", f.text_det_limit_type, "min or max");
  s.add_option("--text_det_thresh", f.text_det_thresh);
  s.add_option("--text_det_box_thresh", f.text_det_box_thresh);
  s.add_option("--text_det_unclip_ratio", f.text_det_unclip_ratio);
  s.add_option("--text_det_input_shape", f.text_det_input_shape, "C H W")->expected(3);
  s.add_option("--text_rec_score_thresh", f.text_rec_score_thresh);
  s.add_option("--text_rec_input_shape", f.text_rec_input_shape, "C H W")->expected(3);
  s.add_option("--lang", f.lang);
  s.add_option("--ocr_version", f.ocr_version, "PP-OCRv3, PP-OCRv4 or PP-OCRv5");
  s.add_option("--doc_orientation_classify_model_name", f.doc_orientation_classify_model_name);
  s.add_option("--doc_orientation_classify_model_dir", f.doc_orientation_classify_model_dir);
  s.add_option("--doc_unwarping_model_name", f.doc_unwarping_model_name);
  s.add_option("--doc_unwarping_model_dir", f.doc_unwarping_model_dir);
  s.add_option("--text_detection_model_name", f.text_detection_model_name);
  s.add_option("--text_detection_model_dir", f.text_detection_model_dir);
  s.add_option("--textline_orientation_model_name", f.textline_orientation_model_name);
  s.add_option("--textline_orientation_model_dir", f.textline_orientation_model_dir);
  s.add_option("--textline_orientation_batch_size", f.textline_orientation_batch_size);
  s.add_option("--text_recognition_model_name", f.text_recognition_model_name);
  s.add_option("--text_recognition_model_dir", f.text_recognition_model_dir);
  s.add_option("--text_recognition_batch_size", f.text_recognition_batch_size);
  s.add_option("--device", f.device, "cpu (the only device)");
  s.add_option("--precision", f.precision, "fp32 or fp16");
  s.add_option("--enable_mkldnn", f.enable_mkldnn, "True = oneDNN kernels (default), False = reference kernels");
  s.add_option("--mkldnn_cache_capacity", f.mkldnn_cache_capacity, "Accepted for compatibility; ignored");
  s.add_option("--cpu_threads", f.cpu_threads);
  s.add_option("--enable_hpi", f.enable_hpi, "Accepted for compatibility; only False");
  s.add_option("--use_tensorrt", f.use_tensorrt, "Accepted for compatibility; only False");

  s.add_option("--det_model_dir", f.det_model_dir, "[Deprecated] use --text_detection_model_dir");
  s.add_option("--det_limit_side_len", f.det_limit_side_len, "[Deprecated] use --text_det_limit_side_len");
  s.add_option("--det_limit_type", f.det_limit_type, "[Deprecated] use --text_det_limit_type");
  s.add_option("--det_db_thresh", f.det_db_thresh, "[Deprecated] use --text_det_thresh");
  s.add_option("--det_db_box_thresh", f.det_db_box_thresh, "[Deprecated] use --text_det_box_thresh");
  s.add_option("--det_db_unclip_ratio", f.det_db_unclip_ratio, "[Deprecated] use --text_det_unclip_ratio");
  s.add_option("--rec_model_dir", f.rec_model_dir, "[Deprecated] use --text_recognition_model_dir");
  s.add_option("--rec_batch_num", f.rec_batch_num, "[Deprecated] use --text_recognition_batch_size");
  s.add_option("--use_angle_cls", f.use_angle_cls, "[Deprecated] use --use_textline_orientation");
  s.add_option("--cls_model_dir", f.cls_model_dir, "[Deprecated] use --textline_orientation_model_dir");
  s.add_option("--cls_batch_num", f.cls_batch_num, "[Deprecated] use --textline_orientation_batch_size");
}

namespace {

template <class T, class U>
void set_if(const std::optional<T>& v, std::optional<U>& out) {
  if (v) out = *v;
}

// An alias: given alone it sets the new option (with a warning); given with the new name it is an Error.
template <class T, class U>
void alias(const std::optional<T>& old_v, const char* old_name, const std::optional<T>& new_v, const char* new_name,
           std::optional<U>& out, std::vector<std::string>& warnings) {
  if (!old_v) return;
  PPOCR_CHECK(!new_v, "`--", old_name, "` and `--", new_name, "` are mutually exclusive");
  warnings.push_back(std::string("`--") + old_name + "` is deprecated and will be removed; please use `--" + new_name +
                     "` instead");
  out = *old_v;
}

}  // namespace

void apply_ocr_flags(const OcrFlags& f, OCROptions& o, std::vector<std::string>& w) {
  if (f.use_doc_orientation_classify)
    o.use_doc_orientation_classify = parse_bool("use_doc_orientation_classify", *f.use_doc_orientation_classify);
  if (f.use_doc_unwarping) o.use_doc_unwarping = parse_bool("use_doc_unwarping", *f.use_doc_unwarping);
  if (f.use_textline_orientation)
    o.use_textline_orientation = parse_bool("use_textline_orientation", *f.use_textline_orientation);
  set_if(f.text_det_limit_side_len, o.text_det_limit_side_len);
  set_if(f.text_det_limit_type, o.text_det_limit_type);
  set_if(f.text_det_thresh, o.text_det_thresh);
  set_if(f.text_det_box_thresh, o.text_det_box_thresh);
  set_if(f.text_det_unclip_ratio, o.text_det_unclip_ratio);
  set_if(f.text_rec_score_thresh, o.text_rec_score_thresh);
  if (!f.text_det_input_shape.empty()) o.text_det_input_shape = f.text_det_input_shape;
  if (!f.text_rec_input_shape.empty()) o.text_rec_input_shape = f.text_rec_input_shape;
  set_if(f.lang, o.lang);
  set_if(f.ocr_version, o.ocr_version);
  set_if(f.doc_orientation_classify_model_name, o.doc_orientation_classify_model_name);
  set_if(f.doc_orientation_classify_model_dir, o.doc_orientation_classify_model_dir);
  set_if(f.doc_unwarping_model_name, o.doc_unwarping_model_name);
  set_if(f.doc_unwarping_model_dir, o.doc_unwarping_model_dir);
  set_if(f.text_detection_model_name, o.text_detection_model_name);
  set_if(f.text_detection_model_dir, o.text_detection_model_dir);
  set_if(f.textline_orientation_model_name, o.textline_orientation_model_name);
  set_if(f.textline_orientation_model_dir, o.textline_orientation_model_dir);
  set_if(f.text_recognition_model_name, o.text_recognition_model_name);
  set_if(f.text_recognition_model_dir, o.text_recognition_model_dir);
  set_if(f.textline_orientation_batch_size, o.textline_orientation_batch_size);
  set_if(f.text_recognition_batch_size, o.text_recognition_batch_size);
  set_if(f.device, o.device);
  set_if(f.precision, o.precision);
  set_if(f.cpu_threads, o.cpu_threads);
  if (f.enable_mkldnn) o.enable_mkldnn = parse_bool("enable_mkldnn", *f.enable_mkldnn);
  if (f.enable_hpi) PPOCR_CHECK(!parse_bool("enable_hpi", *f.enable_hpi), "--enable_hpi True is not supported");
  if (f.use_tensorrt) PPOCR_CHECK(!parse_bool("use_tensorrt", *f.use_tensorrt), "--use_tensorrt True is not supported");

  alias(f.det_model_dir, "det_model_dir", f.text_detection_model_dir, "text_detection_model_dir",
        o.text_detection_model_dir, w);
  alias(f.det_limit_side_len, "det_limit_side_len", f.text_det_limit_side_len, "text_det_limit_side_len",
        o.text_det_limit_side_len, w);
  alias(f.det_limit_type, "det_limit_type", f.text_det_limit_type, "text_det_limit_type", o.text_det_limit_type, w);
  alias(f.det_db_thresh, "det_db_thresh", f.text_det_thresh, "text_det_thresh", o.text_det_thresh, w);
  alias(f.det_db_box_thresh, "det_db_box_thresh", f.text_det_box_thresh, "text_det_box_thresh", o.text_det_box_thresh,
        w);
  alias(f.det_db_unclip_ratio, "det_db_unclip_ratio", f.text_det_unclip_ratio, "text_det_unclip_ratio",
        o.text_det_unclip_ratio, w);
  alias(f.rec_model_dir, "rec_model_dir", f.text_recognition_model_dir, "text_recognition_model_dir",
        o.text_recognition_model_dir, w);
  alias(f.rec_batch_num, "rec_batch_num", f.text_recognition_batch_size, "text_recognition_batch_size",
        o.text_recognition_batch_size, w);
  alias(f.cls_model_dir, "cls_model_dir", f.textline_orientation_model_dir, "textline_orientation_model_dir",
        o.textline_orientation_model_dir, w);
  alias(f.cls_batch_num, "cls_batch_num", f.textline_orientation_batch_size, "textline_orientation_batch_size",
        o.textline_orientation_batch_size, w);
  if (f.use_angle_cls) {
    PPOCR_CHECK(!f.use_textline_orientation, "`--use_angle_cls` and `--use_textline_orientation` are mutually exclusive");
    w.push_back("`--use_angle_cls` is deprecated and will be removed; please use `--use_textline_orientation` instead");
    o.use_textline_orientation = parse_bool("use_angle_cls", *f.use_angle_cls);
  }
  if (o.ocr_version) {
    const std::string& v = *o.ocr_version;
    PPOCR_CHECK(v == "PP-OCRv3" || v == "PP-OCRv4" || v == "PP-OCRv5", "--ocr_version: invalid OCR version '", v,
                "'; supported values are PP-OCRv3, PP-OCRv4, PP-OCRv5");
  }
}

}  // namespace ppocr::cli
