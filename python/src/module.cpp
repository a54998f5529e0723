// ppocr._ppocr: the native half of the Python package (python/ppocr/ is the
// other). It binds ppocr::OCR, its pages and results, and the five modules.
// Python keyword arguments become nlohmann::json and go through the option
// table (options::set_json), so names, aliases, types and ranges are checked
// in one place for the CLI, the service and Python. Inference runs with the
// GIL released (OCR and the modules are thread-safe); ppocr::Error becomes a
// Python exception by its code.
#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <atomic>
#include <filesystem>
#include <iostream>
#include <map>
#include <mutex>
#include <set>

#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include "convert.h"
#include "engine/error.h"
#include "io/input_source.h"
#include "io/model_registry.h"
#include "pipelines/ocr/option_table.h"
#include "pipelines/ocr/paddlex_config.h"
#include "pipelines/ocr/pages.h"
#include "ppocr/ppocr.h"

namespace py = pybind11;
namespace fs = std::filesystem;

namespace ppocr::py_bind {
namespace {

PyObject* g_ppocr_error = nullptr;      // ppocr.PPOCRError (a RuntimeError)

void check_signals() {
  if (PyErr_CheckSignals() != 0) throw py::error_already_set();
}

void warn(PyObject* category, const std::string& msg, int stacklevel) {
  if (PyErr_WarnEx(category, msg.c_str(), stacklevel) != 0) throw py::error_already_set();
}

// ---- keyword arguments -> OCROptions through the option table ----

size_t edit_distance(const std::string& a, const std::string& b) {
  std::vector<size_t> row(b.size() + 1);
  for (size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    size_t diag = row[0];
    row[0] = i;
    for (size_t j = 1; j <= b.size(); ++j) {
      size_t up = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diag + (a[i - 1] == b[j - 1] ? 0 : 1)});
      diag = up;
    }
  }
  return row[b.size()];
}

std::string suggestion(const std::string& key, bool runtime_only) {
  std::string best;
  size_t best_d = 4;
  for (const auto& s : options::table()) {
    if (runtime_only && !(s.surfaces & options::kRuntime)) continue;
    size_t d = edit_distance(key, s.name);
    if (d < best_d) best_d = d, best = s.name;
  }
  return best.empty() ? "" : " (did you mean '" + best + "'?)";
}

// Sets every keyword of `kw` on `o`. `fn` names the callee in messages
// ("PaddleOCR()", "predict()"). Unknown names are a TypeError, as Python does
// for functions; a deprecated PaddleOCR 2.x name warns (DeprecationWarning,
// attributed to the caller of the Python wrapper) and is an error together
// with its new name; values are checked by the table (ValueError).
void apply_kwargs(OCROptions& o, const py::dict& kw, bool runtime_only, const std::string& fn) {
  std::set<std::string> given;
  for (auto kv : kw) given.insert(py::str(kv.first));
  for (auto kv : kw) {
    const std::string key = py::str(kv.first);
    const options::Spec* spec = options::find(key);
    if (!spec) throw py::type_error(fn + " got an unexpected keyword argument '" + key + "'" + suggestion(key, runtime_only));
    if (runtime_only && !(spec->surfaces & options::kRuntime))
      throw py::type_error(fn + " got an unexpected keyword argument '" + key + "' ('" + spec->name +
                           "' is set when the PaddleOCR object is created, not per predict() call)");
    if (key != spec->name) {
      PPOCR_CHECK_AS(!given.count(spec->name), kInvalidArgument, "`", key, "` and `", spec->name,
                     "` are mutually exclusive");
      warn(PyExc_DeprecationWarning,
           "`" + key + "` is deprecated and will be removed; please use `" + spec->name + "` instead", 2);
    }
    options::set_json(o, *spec, to_json(kv.second, key), key);
  }
}

OCRParams params_from_kwargs(const py::dict& kw) {
  OCROptions o;
  apply_kwargs(o, kw, true, "predict()");
  return static_cast<const OCRParams&>(o);
}

// ---- pages ----

// A stream of pages from one path (file, folder, PDF, URL) or one encoded
// buffer; nothing is read before next() asks for it.
class PageStream {
 public:
  explicit PageStream(io::InputStream s) : s_(std::move(s)) {}
  Page next() {
    io::InputItem item;
    bool got;
    {
      py::gil_scoped_release nogil;
      std::lock_guard<std::mutex> lock(mu_);
      got = s_.next(item);
    }
    check_signals();
    if (!got) throw py::stop_iteration();
    return to_page(std::move(item));  // Error with the item's message and code when it failed
  }

 private:
  io::InputStream s_;
  std::mutex mu_;
};

// PaddleOCR.predict_iter's results, pipelined in C++ (OCR::stream): while
// Python holds one result, the next pages are read and run on the cores
// cpu_threads gives, a few at a time, handed out in input order.
class ResultIter {
 public:
  explicit ResultIter(std::unique_ptr<ResultStream> s) : s_(std::move(s)) {}
  OCRResult next() {
    OCRResult r;
    bool got = false;
    {
      py::gil_scoped_release nogil;
      std::lock_guard<std::mutex> lock(mu_);
      if (s_) got = s_->next(r);  // an unreadable input or failed page throws here, in its turn
    }
    check_signals();
    if (!got) throw py::stop_iteration();
    return r;
  }
  // Stops the pages still running (a generator closed early, or Ctrl-C).
  void close() {
    py::gil_scoped_release nogil;
    std::lock_guard<std::mutex> lock(mu_);
    s_.reset();
  }

 private:
  std::unique_ptr<ResultStream> s_;
  std::mutex mu_;
};

Page page_from_array(const py::array& a, const std::string& name) {
  Page p;
  p.image = image_from_array(a, name.empty() ? "input array" : "input array '" + name + "'");
  p.name = name;
  return p;
}

py::object nullable(const std::string& s) { return s.empty() ? py::object(py::none()) : py::object(py::str(s)); }
py::object nullable(const std::optional<int>& v) { return v ? py::object(py::int_(*v)) : py::object(py::none()); }

// Polygons as numpy arrays as PaddleOCR has them: int16 (int32 when a
// coordinate does not fit, where PaddleOCR's int16 would wrap).
bool fits_int16(int v) { return v >= INT16_MIN && v <= INT16_MAX; }

template <class T>
py::array poly_array(const Polygon& p) {
  py::array_t<T> a({py::ssize_t(p.size()), py::ssize_t(2)});
  auto m = a.template mutable_unchecked<2>();
  for (size_t i = 0; i < p.size(); ++i) m(py::ssize_t(i), 0) = T(p[i].x), m(py::ssize_t(i), 1) = T(p[i].y);
  return std::move(a);
}

py::list poly_list(const std::vector<Polygon>& ps) {
  bool fits = true;
  for (const auto& p : ps)
    for (const auto& pt : p) fits = fits && fits_int16(pt.x) && fits_int16(pt.y);
  py::list l;
  for (const auto& p : ps) l.append(fits ? poly_array<int16_t>(p) : poly_array<int32_t>(p));
  return l;
}

template <class T>
py::array boxes_array(const std::vector<std::array<int, 4>>& boxes) {
  py::array_t<T> a({py::ssize_t(boxes.size()), py::ssize_t(4)});
  auto m = a.template mutable_unchecked<2>();
  for (size_t i = 0; i < boxes.size(); ++i)
    for (size_t k = 0; k < 4; ++k) m(py::ssize_t(i), py::ssize_t(k)) = T(boxes[i][k]);
  return std::move(a);
}

// PaddleOCR's in-memory types for the fields that are numpy there: dt_polys
// and rec_polys lists of (4, 2) arrays, rec_boxes one (n, 4) array.
py::dict result_arrays(const OCRResult& r) {
  py::dict d;
  d["dt_polys"] = poly_list(r.dt_polys);
  d["rec_polys"] = poly_list(r.rec_polys);
  bool fits = true;
  for (const auto& b : r.rec_boxes)
    for (int v : b) fits = fits && fits_int16(v);
  d["rec_boxes"] = fits ? boxes_array<int16_t>(r.rec_boxes) : boxes_array<int32_t>(r.rec_boxes);
  return d;
}

py::dict images_dict(const std::map<std::string, cv::Mat>& imgs) {
  py::dict d;
  for (const auto& [k, v] : imgs) d[py::str(k)] = array_from_image(v);
  return d;
}

// ---- the pipeline ----

class PyOCR {
 public:
  PyOCR(const py::dict& kwargs, const py::object& paddlex_config) {
    OCROptions o;
    if (!paddlex_config.is_none()) {
      std::vector<std::string> notes;
      if (PyDict_Check(paddlex_config.ptr())) {
        // A dict in the layout of the YAML file: JSON is YAML.
        notes = apply_paddlex_config(to_json(paddlex_config, "paddlex_config").dump(), "paddlex_config", o);
      } else {
        std::string path = fspath(paddlex_config, "paddlex_config");
        notes = load_paddlex_config(path, o);
      }
      for (const auto& n : notes) warn(PyExc_UserWarning, "paddlex_config: " + n, 2);
    }
    apply_kwargs(o, kwargs, false, "PaddleOCR()");
    py::gil_scoped_release nogil;
    ocr_ = std::make_unique<OCR>(o);
    inputs_ = input_options(ocr_->effective_options());
  }

  std::unique_ptr<PageStream> open_path(const std::string& path) const {
    return std::make_unique<PageStream>(io::InputStream({path}, inputs_));
  }
  std::unique_ptr<PageStream> open_bytes(py::bytes b, const std::string& name) const {
    std::string bytes = b;
    return std::make_unique<PageStream>(io::InputStream::from_memory(std::move(bytes), name, io::InputKind::Auto, inputs_));
  }

  // predict_iter's sources (_inputs.normalize: ("array" | "path" | "bytes", value, name)) as one stream.
  std::unique_ptr<ResultIter> stream(const py::list& sources, const OCRParams& params) const {
    std::vector<Input> inputs;
    for (const auto& src : sources) {
      auto t = src.cast<py::tuple>();
      const std::string kind = t[0].cast<std::string>(), name = t[2].cast<std::string>();
      if (kind == "array")
        inputs.push_back(Input::from_image(page_from_array(t[1].cast<py::array>(), name).image, name));
      else if (kind == "path")
        inputs.push_back(Input::from_path(t[1].cast<std::string>()));
      else
        inputs.push_back(Input::from_bytes(t[1].cast<std::string>(), name));
    }
    py::gil_scoped_release nogil;
    return std::make_unique<ResultIter>(ocr_->stream(std::move(inputs), params));
  }

  OCRResult predict_page(const Page& page, const OCRParams& params) const {
    OCRResult r;
    {
      py::gil_scoped_release nogil;
      r = ocr_->predict_page(page, params);
    }
    check_signals();
    return r;
  }

  py::dict effective_options() const {
    py::dict d;
    const OCROptions& e = ocr_->effective_options();
    for (const auto& s : options::table()) d[s.name] = from_json(options::get_json(e, s));
    return d;
  }

  const OCR& ocr() const { return *ocr_; }

 private:
  std::unique_ptr<OCR> ocr_;
  io::InputOptions inputs_;
};

py::dict result_json(const OCRResult& r) { return from_json(r.to_json()); }

// ---- the modules ----

// Module keyword arguments that are pipeline options under another name: the
// table checks them (ranges, choices) as it does for PaddleOCR().
const std::map<std::string, std::string>& module_option_names(const std::string& kind) {
  static const std::map<std::string, std::string> common = {
      {"device", "device"},           {"cpu_threads", "cpu_threads"},
      {"enable_mkldnn", "enable_mkldnn"}, {"precision", "precision"},
      {"enable_hpi", "enable_hpi"},   {"use_tensorrt", "use_tensorrt"},
      {"min_subgraph_size", "min_subgraph_size"}, {"mkldnn_cache_capacity", "mkldnn_cache_capacity"}};
  static const std::map<std::string, std::string> det = [] {
    auto m = common;
    m.insert({{"limit_side_len", "text_det_limit_side_len"}, {"limit_type", "text_det_limit_type"},
              {"thresh", "text_det_thresh"}, {"box_thresh", "text_det_box_thresh"},
              {"unclip_ratio", "text_det_unclip_ratio"}, {"input_shape", "text_det_input_shape"},
              {"max_side_limit", "text_det_max_side_limit"}});
    return m;
  }();
  static const std::map<std::string, std::string> rec = [] {
    auto m = common;
    m.insert({"input_shape", "text_rec_input_shape"});
    return m;
  }();
  if (kind == "text_detection") return det;
  if (kind == "text_recognition") return rec;
  return common;
}

// The detection overrides of predict() (a subset of the constructor's).
const std::set<std::string> kDetRuntime = {"limit_side_len", "limit_type", "thresh", "box_thresh", "unclip_ratio"};

OCROptions module_kwargs(const std::string& kind, const py::dict& kw, const std::string& fn, bool runtime) {
  OCROptions o;
  const auto& names = module_option_names(kind);
  for (auto kv : kw) {
    const std::string key = py::str(kv.first);
    auto it = names.find(key);
    if (it == names.end() || (runtime && !kDetRuntime.count(key)))
      throw py::type_error(fn + " got an unexpected keyword argument '" + key + "'");
    options::set_json(o, *options::find(it->second), to_json(kv.second, key), key);
  }
  return o;
}

void set_det_options(TextDetectionOptions& d, const OCROptions& o) {
  if (o.text_det_limit_side_len) d.limit_side_len = o.text_det_limit_side_len;
  if (o.text_det_limit_type) d.limit_type = o.text_det_limit_type;
  if (o.text_det_thresh) d.thresh = o.text_det_thresh;
  if (o.text_det_box_thresh) d.box_thresh = o.text_det_box_thresh;
  if (o.text_det_unclip_ratio) d.unclip_ratio = o.text_det_unclip_ratio;
  if (o.text_det_input_shape) d.input_shape = o.text_det_input_shape;
  if (o.text_det_max_side_limit) d.max_side_limit = o.text_det_max_side_limit;
}

std::string stem_of(const Page& p) {
  std::string s = !p.name.empty() ? p.name : (p.input_path.empty() ? "res" : fs::path(p.input_path).stem().string());
  if (p.page_index) s += "_" + std::to_string(*p.page_index);
  return s;
}

std::string ext_of(const Page& p) {
  std::string e = p.input_path.empty() ? "" : fs::path(p.input_path).extension().string();
  for (auto& c : e) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return (e == ".jpg" || e == ".jpeg" || e == ".png" || e == ".bmp" || e == ".webp" || e == ".tif") ? e : ".png";
}

cv::Mat with_label(const cv::Mat& img, const std::string& label) {
  cv::Mat v = img.clone();
  double s = std::max(0.5, v.cols / 400.0);
  cv::putText(v, label, cv::Point(5, static_cast<int>(25 * s)), cv::FONT_HERSHEY_SIMPLEX, s, cv::Scalar(0, 0, 255),
              std::max(1, static_cast<int>(2 * s)), cv::LINE_AA);
  return v;
}

// One module result as the Python side wants it: the PaddleX JSON, the
// visualisation, the saved-file stem and extension, extra numpy fields.
struct ModuleOut {
  nlohmann::json j;
  cv::Mat vis;
  std::string stem, ext;
  std::vector<Polygon> dt_polys;
  cv::Mat doctr_img;
};

py::dict to_py(const ModuleOut& m, const std::string& kind) {
  py::dict d;
  d["json"] = from_json(m.j);
  d["vis"] = m.vis.empty() ? py::object(py::none()) : py::object(array_from_image(m.vis));
  d["stem"] = m.stem;
  d["ext"] = m.ext;
  if (kind == "text_detection") d["dt_polys"] = poly_list(m.dt_polys);
  if (!m.doctr_img.empty()) d["doctr_img"] = array_from_image(m.doctr_img);
  return d;
}

class PyModule {
 public:
  PyModule(const std::string& kind, const py::dict& kwargs) : kind_(kind) {
    py::dict rest;
    std::string model_name, model_dir;
    for (auto kv : kwargs) {
      const std::string key = py::str(kv.first);
      if (key == "model_name" || key == "model_dir") {
        if (kv.second.is_none()) continue;
        (key == "model_name" ? model_name : model_dir) = fspath(kv.second, key);
      } else {
        rest[kv.first] = kv.second;
      }
    }
    OCROptions o = module_kwargs(kind, rest, class_name(), false);
    if (o.device) {
      const std::string& d = *o.device;
      PPOCR_CHECK_AS(d == "cpu" || d.rfind("cpu:", 0) == 0, kUnsupported, "device '", d,
                     "' is not supported (ppocr runs on the CPU only)");
    }
    PPOCR_CHECK_AS(!o.enable_hpi.value_or(false), kUnsupported, "enable_hpi True is not supported");
    PPOCR_CHECK_AS(!o.use_tensorrt.value_or(false), kUnsupported, "use_tensorrt True is not supported (CPU only)");
    ModuleOptions mo;
    mo.cpu_threads = o.cpu_threads.value_or(8);
    mo.enable_mkldnn = o.enable_mkldnn.value_or(true);
    py::gil_scoped_release nogil;
    if (model_dir.empty()) {
      io::DownloadOptions dl;
      dl.log = [](const std::string& m) { std::cerr << "ppocr: " << m << "\n"; };
      model_dir = io::resolve_model(model_name.empty() ? default_module_model_name(kind) : model_name, dl);
    }
    model_dir_ = model_dir;
    if (kind == "text_detection") {
      TextDetectionOptions d;
      static_cast<ModuleOptions&>(d) = mo;
      set_det_options(d, o);
      det_ = std::make_unique<TextDetection>(model_dir, d);
    } else if (kind == "text_recognition") {
      TextRecognitionOptions r;
      static_cast<ModuleOptions&>(r) = mo;
      if (o.text_rec_input_shape) r.input_shape = o.text_rec_input_shape;
      rec_ = std::make_unique<TextRecognition>(model_dir, r);
    } else if (kind == "textline_orientation_classification" || kind == "doc_img_orientation_classification") {
      ClassificationOptions c;
      static_cast<ModuleOptions&>(c) = mo;
      cls_ = std::make_unique<Classification>(model_dir, c);
    } else if (kind == "text_image_unwarping") {
      unwarp_ = std::make_unique<TextImageUnwarping>(model_dir, mo);
    } else {
      fail_as(ErrorCode::kInvalidArgument, "unknown module kind '", kind, "'");
    }
  }

  // One result per page. Recognition and classification run the pages as one
  // batch (the Python side cuts batches of batch_size).
  py::list predict(const py::list& page_list, const py::dict& overrides) const {
    std::vector<const Page*> pages;  // kept alive by page_list
    for (py::handle h : page_list) pages.push_back(&h.cast<const Page&>());
    std::optional<TextDetectionOptions> det_over;
    if (py::len(overrides)) {
      PPOCR_CHECK_AS(kind_ == "text_detection", kInvalidArgument, class_name(), ".predict() takes no options");
      OCROptions o = module_kwargs(kind_, overrides, "predict()", true);
      det_over.emplace();
      set_det_options(*det_over, o);
    }
    std::vector<ModuleOut> outs(pages.size());
    {
      py::gil_scoped_release nogil;
      for (size_t i = 0; i < pages.size(); ++i) {
        outs[i].stem = stem_of(*pages[i]);
        outs[i].ext = ext_of(*pages[i]);
      }
      if (det_) {
        for (size_t i = 0; i < pages.size(); ++i) {
          auto r = det_->predict(pages[i]->image, det_over ? &*det_over : nullptr);
          outs[i].j = r.to_json();
          outs[i].vis = r.image.clone();
          cv::polylines(outs[i].vis, r.dt_polys, true, cv::Scalar(0, 0, 255), 2);
          outs[i].dt_polys = std::move(r.dt_polys);
        }
      } else if (rec_ || cls_) {
        std::vector<cv::Mat> imgs;
        for (const Page* p : pages) imgs.push_back(p->image);
        if (rec_) {
          auto rs = rec_->predict(imgs);
          for (size_t i = 0; i < pages.size(); ++i) {
            outs[i].j = rs.at(i).to_json();
            outs[i].vis = with_label(pages[i]->image, rs[i].rec_text);
          }
        } else {
          auto rs = cls_->predict(imgs);
          for (size_t i = 0; i < pages.size(); ++i) {
            outs[i].j = rs.at(i).to_json();
            char buf[96];
            std::snprintf(buf, sizeof buf, "%s %.2f", rs[i].label_name.c_str(), rs[i].score);
            outs[i].vis = with_label(pages[i]->image, buf);
          }
        }
      } else {
        for (size_t i = 0; i < pages.size(); ++i) {
          auto r = unwarp_->predict(pages[i]->image);
          outs[i].j = r.to_json();
          outs[i].vis = r.doctr_img;
          outs[i].doctr_img = r.doctr_img;
        }
      }
      for (size_t i = 0; i < pages.size(); ++i) {
        outs[i].j["res"]["input_path"] =
            pages[i]->input_path.empty() ? nlohmann::json(nullptr) : nlohmann::json(pages[i]->input_path);
        outs[i].j["res"]["page_index"] =
            pages[i]->page_index ? nlohmann::json(*pages[i]->page_index) : nlohmann::json(nullptr);
      }
    }
    check_signals();
    py::list l;
    for (const auto& o : outs) l.append(to_py(o, kind_));
    return l;
  }

  const std::string& model_dir() const { return model_dir_; }
  void release_buffers() const {
    if (det_) det_->release_buffers();
    if (rec_) rec_->release_buffers();
    if (cls_) cls_->release_buffers();
    if (unwarp_) unwarp_->release_buffers();
  }

 private:
  std::string class_name() const {
    if (kind_ == "text_detection") return "TextDetection()";
    if (kind_ == "text_recognition") return "TextRecognition()";
    if (kind_ == "textline_orientation_classification") return "TextLineOrientationClassification()";
    if (kind_ == "doc_img_orientation_classification") return "DocImgOrientationClassification()";
    return "TextImageUnwarping()";
  }

  std::string kind_, model_dir_;
  std::unique_ptr<TextDetection> det_;
  std::unique_ptr<TextRecognition> rec_;
  std::unique_ptr<Classification> cls_;
  std::unique_ptr<TextImageUnwarping> unwarp_;
};

void translate(std::exception_ptr p) {
  try {
    if (p) std::rethrow_exception(p);
  } catch (const Error& e) {
    PyObject* type = g_ppocr_error;
    switch (e.code()) {
      case ErrorCode::kInvalidArgument:
      case ErrorCode::kInvalidInput:
      case ErrorCode::kTooLarge: type = PyExc_ValueError; break;
      case ErrorCode::kNotFound: type = PyExc_FileNotFoundError; break;
      default: break;
    }
    PyErr_SetString(type, e.what());
  } catch (const cv::Exception& e) {
    PyErr_SetString(g_ppocr_error, e.what());
  } catch (const nlohmann::json::exception& e) {
    PyErr_SetString(g_ppocr_error, e.what());
  }
}

}  // namespace
}  // namespace ppocr::py_bind

PYBIND11_MODULE(_ppocr, m) {
  using namespace ppocr;
  using namespace ppocr::py_bind;
  m.doc() = "Native part of the ppocr package (use `import ppocr`).";
  m.attr("__version__") = PPOCR_VERSION;

  static py::exception<Error> exc(m, "PPOCRError", PyExc_RuntimeError);
  g_ppocr_error = exc.ptr();
  py::register_exception_translator(&translate);

  py::class_<OCRParams>(m, "Params");

  py::class_<Page>(m, "Page")
      .def_property_readonly("name", [](const Page& p) { return p.name; })
      .def_property_readonly("input_path", [](const Page& p) { return nullable(p.input_path); })
      .def_property_readonly("page_index", [](const Page& p) { return nullable(p.page_index); })
      .def_property_readonly("shape", [](const Page& p) { return py::make_tuple(p.image.rows, p.image.cols, 3); });

  py::class_<ResultIter>(m, "ResultIter")
      .def("__iter__", [](ResultIter& s) -> ResultIter& { return s; }, py::return_value_policy::reference_internal)
      .def("__next__", &ResultIter::next)
      .def("close", &ResultIter::close);

  py::class_<PageStream>(m, "PageStream")
      .def("__iter__", [](PageStream& s) -> PageStream& { return s; }, py::return_value_policy::reference_internal)
      .def("__next__", &PageStream::next);

  m.def(
      "open_path",
      [](const std::string& path) { return std::make_unique<PageStream>(io::InputStream({path}, io::InputOptions{})); },
      py::arg("path"), "Pages of a file, folder, PDF or URL with the default input limits (the modules use it).");
  m.def(
      "open_bytes",
      [](py::bytes b, const std::string& name) {
        std::string bytes = b;
        return std::make_unique<PageStream>(
            io::InputStream::from_memory(std::move(bytes), name, io::InputKind::Auto, io::InputOptions{}));
      },
      py::arg("data"), py::arg("name") = "");
  m.def("page_from_array", &page_from_array, py::arg("array"), py::arg("name") = "",
        "A page from an HxW / HxWxC (BGR) numpy array, copied.");
  m.def(
      "imwrite",
      [](const std::string& path, const py::array& a) {
        cv::Mat img = image_from_array(a, path);
        bool ok = false;
        {
          py::gil_scoped_release nogil;
          try {
            ok = cv::imwrite(path, img);
          } catch (const cv::Exception& e) {
            fail("cannot write ", path, ": ", e.what());
          }
        }
        PPOCR_CHECK(ok, "cannot write ", path);
      },
      py::arg("path"), py::arg("image"));

  py::class_<OCRResult>(m, "OCRResult")
      .def("to_json", &result_json, "PaddleOCR's {'res': {...}} (keys unordered)")
      .def("arrays", &result_arrays, "dt_polys, rec_polys, rec_boxes as numpy int16 arrays")
      .def(
          "save_to_json",
          [](const OCRResult& r, const std::string& path, int indent, bool ensure_ascii) {
            py::gil_scoped_release nogil;
            return r.save_to_json(path, indent, ensure_ascii);
          },
          py::arg("save_path"), py::arg("indent") = 4, py::arg("ensure_ascii") = false)
      .def(
          "save_to_img",
          [](const OCRResult& r, const std::string& path) {
            py::gil_scoped_release nogil;
            return r.save_to_img(path);
          },
          py::arg("save_path"))
      .def("img",
           [](const OCRResult& r) {
             std::map<std::string, cv::Mat> imgs;
             {
               py::gil_scoped_release nogil;
               imgs = r.img();
             }
             return images_dict(imgs);
           })
      .def_property_readonly("image", [](const OCRResult& r) { return array_from_image(r.image); })
      .def_property_readonly("dt_scores", [](const OCRResult& r) { return r.dt_scores; })
      .def_property_readonly("file_stem", &OCRResult::file_stem)
      .def_property_readonly("name", [](const OCRResult& r) { return r.name; });

  // Documents out (include/ppocr/outputs.h): one input's pages -> txt, md, hocr, alto, pdf.
  auto pages_of = [](const std::vector<const OCRResult*>& rs) {
    std::vector<OCRResult> pages;
    for (const OCRResult* r : rs) pages.push_back(*r);
    return pages;
  };
  m.def(
      "render_outputs",
      [pages_of](const std::vector<const OCRResult*>& rs, const std::string& formats) {
        std::map<OutputFormat, std::string> out;
        {
          py::gil_scoped_release nogil;
          out = render_outputs(pages_of(rs), parse_output_formats(formats));
        }
        py::dict d;
        for (const auto& [f, bytes] : out) d[py::str(output_format_name(f))] = py::bytes(bytes);
        return d;
      },
      py::arg("results"), py::arg("formats"));
  m.def(
      "save_outputs",
      [pages_of](const std::vector<const OCRResult*>& rs, const std::string& dir, const std::string& formats) {
        py::gil_scoped_release nogil;
        return save_outputs(pages_of(rs), dir, parse_output_formats(formats));
      },
      py::arg("results"), py::arg("save_path"), py::arg("formats"));

  py::class_<PyOCR>(m, "OCR")
      .def(py::init<const py::dict&, const py::object&>(), py::arg("kwargs"), py::arg("paddlex_config") = py::none())
      .def_static("params", &params_from_kwargs, py::arg("kwargs"),
                  "predict()'s keyword arguments, checked by the option table")
      .def("open_path", &PyOCR::open_path, py::arg("path"))
      .def("open_bytes", &PyOCR::open_bytes, py::arg("data"), py::arg("name") = "")
      .def("predict_page", &PyOCR::predict_page, py::arg("page"), py::arg("params"))
      .def("stream", &PyOCR::stream, py::arg("sources"), py::arg("params"), py::keep_alive<0, 1>(),
           "predict_iter's results, pipelined: the OCR object is kept alive while the stream is")
      .def("effective_options", &PyOCR::effective_options)
      .def("export_paddlex_config_yaml", [](const PyOCR& o) { return o.ocr().export_paddlex_config_yaml(); })
      .def_property_readonly("model_notes", [](const PyOCR& o) { return o.ocr().model_notes(); })
      .def("release_buffers", [](const PyOCR& o) { o.ocr().release_buffers(); });

  py::class_<PyModule>(m, "Module")
      .def(py::init<const std::string&, const py::dict&>(), py::arg("kind"), py::arg("kwargs"))
      .def("predict", &PyModule::predict, py::arg("pages"), py::arg("overrides"))
      .def_property_readonly("model_dir", &PyModule::model_dir)
      .def("release_buffers", &PyModule::release_buffers);

  m.def("option_table", [] {
    py::list l;
    for (const auto& s : options::table()) {
      py::dict d;
      d["name"] = s.name;
      d["type"] = options::type_name(s);
      d["group"] = s.group;
      d["help"] = s.help;
      d["default"] = s.default_text;
      d["runtime"] = bool(s.surfaces & options::kRuntime);
      py::list aliases;
      for (const char* a : s.aliases) aliases.append(a);
      d["aliases"] = aliases;
      std::vector<std::string> choices(s.choices.begin(), s.choices.end());
      d["choices"] = choices;
      l.append(d);
    }
    return l;
  }, "The pipeline's options (PaddleOCR() keyword arguments): name, type, default, help, aliases.");
}
