#include "io/paddlex_config.h"

#include <yaml-cpp/yaml.h>

#include <fstream>
#include <sstream>

#include "engine/error.h"

namespace ppocr::io {
namespace {

struct Reader {
  std::string what;
  std::vector<std::string>* warnings;

  template <class T>
  void get(const YAML::Node& parent, const char* key, std::optional<T>& out, const std::string& path) {
    YAML::Node n = parent[key];
    if (!n || n.IsNull()) return;
    try {
      out = n.as<T>();
    } catch (const YAML::Exception&) {
      fail(what, ": ", path, ".", key, " has a bad value: ", YAML::Dump(n));
    }
  }
  void get_shape(const YAML::Node& parent, const char* key, std::optional<std::vector<int>>& out,
                 const std::string& path) {
    YAML::Node n = parent[key];
    if (!n || n.IsNull()) return;
    std::vector<int> v;
    try {
      v = n.as<std::vector<int>>();
    } catch (const YAML::Exception&) {
      fail(what, ": ", path, ".", key, " must be a list of 3 integers [C, H, W]");
    }
    PPOCR_CHECK(v.size() == 3, what, ": ", path, ".", key, " must be a list of 3 integers [C, H, W]");
    out = v;
  }
  YAML::Node map(const YAML::Node& parent, const char* key, const std::string& path) {
    YAML::Node n = parent[key];
    if (n && !n.IsNull()) PPOCR_CHECK(n.IsMap(), what, ": ", path, key, " is not a mapping");
    return n;
  }
  void model(const YAML::Node& m, const std::string& path, std::optional<std::string>& name,
             std::optional<std::string>& dir) {
    get(m, "model_name", name, path);
    get(m, "model_dir", dir, path);
  }
};

template <class T>
void emit(YAML::Emitter& e, const char* key, const std::optional<T>& v) {
  e << YAML::Key << key << YAML::Value;
  if (v) e << *v;
  else e << YAML::Null;
}

void emit_shape(YAML::Emitter& e, const char* key, const std::optional<std::vector<int>>& v) {
  e << YAML::Key << key << YAML::Value;
  if (v) e << YAML::Flow << *v;
  else e << YAML::Null;
}

}  // namespace

std::vector<std::string> apply_paddlex_config(const std::string& text, const std::string& what, OCROptions& o) {
  std::vector<std::string> warnings;
  YAML::Node root;
  try {
    root = YAML::Load(text);
  } catch (const YAML::Exception& e) {
    fail(what, ": not valid YAML: ", e.what());
  }
  PPOCR_CHECK(root.IsMap(), what, ": a PaddleX pipeline config must be a YAML mapping");
  Reader r{what, &warnings};
  try {
    if (root["pipeline_name"]) {
      std::string name = root["pipeline_name"].as<std::string>();
      PPOCR_CHECK(name == "OCR", what, ": pipeline_name is \"", name, "\", expected \"OCR\"");
    }
    if (root["text_type"] && root["text_type"].as<std::string>() != "general")
      warnings.push_back("text_type " + root["text_type"].as<std::string>() + " is not supported; using general");
    std::optional<bool> use_pre;
    r.get(root, "use_doc_preprocessor", use_pre, "");
    r.get(root, "use_textline_orientation", o.use_textline_orientation, "");
    if (YAML::Node sp = r.map(root, "SubPipelines", "")) {
      if (YAML::Node dp = r.map(sp, "DocPreprocessor", "SubPipelines.")) {
        const std::string p = "SubPipelines.DocPreprocessor";
        r.get(dp, "use_doc_orientation_classify", o.use_doc_orientation_classify, p);
        r.get(dp, "use_doc_unwarping", o.use_doc_unwarping, p);
        if (YAML::Node sm = r.map(dp, "SubModules", p + ".")) {
          if (YAML::Node m = r.map(sm, "DocOrientationClassify", p + ".SubModules."))
            r.model(m, p + ".SubModules.DocOrientationClassify", o.doc_orientation_classify_model_name,
                    o.doc_orientation_classify_model_dir);
          if (YAML::Node m = r.map(sm, "DocUnwarping", p + ".SubModules."))
            r.model(m, p + ".SubModules.DocUnwarping", o.doc_unwarping_model_name, o.doc_unwarping_model_dir);
        }
      }
    }
    if (use_pre && !*use_pre) {  // the preprocessor switched off as a whole
      o.use_doc_orientation_classify = false;
      o.use_doc_unwarping = false;
    }
    if (YAML::Node sm = r.map(root, "SubModules", "")) {
      if (YAML::Node m = r.map(sm, "TextDetection", "SubModules.")) {
        const std::string p = "SubModules.TextDetection";
        r.model(m, p, o.text_detection_model_name, o.text_detection_model_dir);
        r.get(m, "limit_side_len", o.text_det_limit_side_len, p);
        r.get(m, "limit_type", o.text_det_limit_type, p);
        r.get(m, "thresh", o.text_det_thresh, p);
        r.get(m, "box_thresh", o.text_det_box_thresh, p);
        r.get(m, "unclip_ratio", o.text_det_unclip_ratio, p);
        r.get_shape(m, "input_shape", o.text_det_input_shape, p);
        if (m["max_side_limit"] && !m["max_side_limit"].IsNull())
          warnings.push_back(p + ".max_side_limit is not configurable here; the pipeline's value is used");
        if (o.text_det_limit_type)
          PPOCR_CHECK(*o.text_det_limit_type == "min" || *o.text_det_limit_type == "max", what, ": ", p,
                      ".limit_type must be min or max");
      }
      if (YAML::Node m = r.map(sm, "TextLineOrientation", "SubModules.")) {
        const std::string p = "SubModules.TextLineOrientation";
        r.model(m, p, o.textline_orientation_model_name, o.textline_orientation_model_dir);
        r.get(m, "batch_size", o.textline_orientation_batch_size, p);
      }
      if (YAML::Node m = r.map(sm, "TextRecognition", "SubModules.")) {
        const std::string p = "SubModules.TextRecognition";
        r.model(m, p, o.text_recognition_model_name, o.text_recognition_model_dir);
        r.get(m, "batch_size", o.text_recognition_batch_size, p);
        r.get(m, "score_thresh", o.text_rec_score_thresh, p);
        r.get_shape(m, "input_shape", o.text_rec_input_shape, p);
      }
    }
  } catch (const YAML::Exception& e) {
    fail(what, ": malformed PaddleX config: ", e.what());
  }
  for (auto* b : {&o.textline_orientation_batch_size, &o.text_recognition_batch_size})
    PPOCR_CHECK(!*b || **b >= 1, what, ": batch_size must be >= 1");
  return warnings;
}

std::vector<std::string> load_paddlex_config(const std::string& path, OCROptions& o) {
  std::ifstream f(path, std::ios::binary);
  PPOCR_CHECK(f.good(), path, ": cannot open the PaddleX config");
  std::stringstream ss;
  ss << f.rdbuf();
  return apply_paddlex_config(ss.str(), path, o);
}

std::string to_paddlex_config_yaml(const OCROptions& o) {
  YAML::Emitter e;
  e << YAML::BeginMap;
  e << YAML::Key << "pipeline_name" << YAML::Value << "OCR";
  e << YAML::Key << "text_type" << YAML::Value << "general";
  std::optional<bool> use_pre;
  if (o.use_doc_orientation_classify || o.use_doc_unwarping)
    use_pre = o.use_doc_orientation_classify.value_or(false) || o.use_doc_unwarping.value_or(false);
  emit(e, "use_doc_preprocessor", use_pre);
  emit(e, "use_textline_orientation", o.use_textline_orientation);
  e << YAML::Key << "SubPipelines" << YAML::Value << YAML::BeginMap;
  e << YAML::Key << "DocPreprocessor" << YAML::Value << YAML::BeginMap;
  e << YAML::Key << "pipeline_name" << YAML::Value << "doc_preprocessor";
  emit(e, "use_doc_orientation_classify", o.use_doc_orientation_classify);
  emit(e, "use_doc_unwarping", o.use_doc_unwarping);
  e << YAML::Key << "SubModules" << YAML::Value << YAML::BeginMap;
  e << YAML::Key << "DocOrientationClassify" << YAML::Value << YAML::BeginMap;
  e << YAML::Key << "module_name" << YAML::Value << "doc_text_orientation";
  emit(e, "model_name", o.doc_orientation_classify_model_name);
  emit(e, "model_dir", o.doc_orientation_classify_model_dir);
  e << YAML::EndMap;
  e << YAML::Key << "DocUnwarping" << YAML::Value << YAML::BeginMap;
  e << YAML::Key << "module_name" << YAML::Value << "image_unwarping";
  emit(e, "model_name", o.doc_unwarping_model_name);
  emit(e, "model_dir", o.doc_unwarping_model_dir);
  e << YAML::EndMap << YAML::EndMap << YAML::EndMap << YAML::EndMap;
  e << YAML::Key << "SubModules" << YAML::Value << YAML::BeginMap;
  e << YAML::Key << "TextDetection" << YAML::Value << YAML::BeginMap;
  e << YAML::Key << "module_name" << YAML::Value << "text_detection";
  emit(e, "model_name", o.text_detection_model_name);
  emit(e, "model_dir", o.text_detection_model_dir);
  emit(e, "limit_side_len", o.text_det_limit_side_len);
  emit(e, "limit_type", o.text_det_limit_type);
  emit(e, "thresh", o.text_det_thresh);
  emit(e, "box_thresh", o.text_det_box_thresh);
  emit(e, "unclip_ratio", o.text_det_unclip_ratio);
  emit_shape(e, "input_shape", o.text_det_input_shape);
  e << YAML::EndMap;
  e << YAML::Key << "TextLineOrientation" << YAML::Value << YAML::BeginMap;
  e << YAML::Key << "module_name" << YAML::Value << "textline_orientation";
  emit(e, "model_name", o.textline_orientation_model_name);
  emit(e, "model_dir", o.textline_orientation_model_dir);
  emit(e, "batch_size", o.textline_orientation_batch_size);
  e << YAML::EndMap;
  e << YAML::Key << "TextRecognition" << YAML::Value << YAML::BeginMap;
  e << YAML::Key << "module_name" << YAML::Value << "text_recognition";
  emit(e, "model_name", o.text_recognition_model_name);
  emit(e, "model_dir", o.text_recognition_model_dir);
  emit(e, "batch_size", o.text_recognition_batch_size);
  emit(e, "score_thresh", o.text_rec_score_thresh);
  emit_shape(e, "input_shape", o.text_rec_input_shape);
  e << YAML::EndMap << YAML::EndMap << YAML::EndMap;
  return std::string(e.c_str()) + "\n";
}

}  // namespace ppocr::io
