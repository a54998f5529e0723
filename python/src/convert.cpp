#include "convert.h"

#include <climits>
#include <cstring>

#include "engine/error.h"
#include "ppocr/input.h"

namespace ppocr::py_bind {
namespace {

std::string type_of(py::handle v) { return py::str(py::type::handle_of(v).attr("__name__")); }

// numpy.generic (numpy scalars), looked up once; intentionally never freed
// (a static py::object would be destroyed after the interpreter).
py::handle numpy_generic() {
  static py::object* g = new py::object(py::module_::import("numpy").attr("generic"));
  return *g;
}

}  // namespace

std::string fspath(py::handle v, const std::string& where) {
  if (PyUnicode_Check(v.ptr())) return v.cast<std::string>();
  if (PyBytes_Check(v.ptr()) || py::hasattr(v, "__fspath__")) {
    py::object p = py::module_::import("os").attr("fsdecode")(v);
    return p.cast<std::string>();
  }
  throw py::type_error(where + " must be a path (str or os.PathLike), got " + type_of(v));
}

nlohmann::json to_json(py::handle v, const std::string& where) {
  PyObject* o = v.ptr();
  if (v.is_none()) return nullptr;
  if (PyBool_Check(o)) return o == Py_True;
  if (PyLong_Check(o)) {
    int overflow = 0;
    long long x = PyLong_AsLongLongAndOverflow(o, &overflow);
    if (overflow) fail_as(ErrorCode::kInvalidArgument, where, " is out of range, got ", std::string(py::str(v)));
    if (x == -1 && PyErr_Occurred()) throw py::error_already_set();
    return static_cast<int64_t>(x);
  }
  if (PyFloat_Check(o)) return PyFloat_AsDouble(o);
  if (PyUnicode_Check(o)) return v.cast<std::string>();
  if (py::isinstance<py::array>(v)) {
    py::array a = py::reinterpret_borrow<py::array>(v);
    return to_json(a.ndim() == 0 ? a.attr("item")() : a.attr("tolist")(), where);
  }
  if (py::isinstance(v, numpy_generic())) return to_json(v.attr("item")(), where);
  if (py::hasattr(v, "__fspath__")) return fspath(v, where);
  if (PyList_Check(o) || PyTuple_Check(o)) {
    nlohmann::json a = nlohmann::json::array();
    for (py::handle x : v) a.push_back(to_json(x, where));
    return a;
  }
  if (PyDict_Check(o)) {
    nlohmann::json obj = nlohmann::json::object();
    for (auto kv : py::reinterpret_borrow<py::dict>(v)) {
      if (!PyUnicode_Check(kv.first.ptr()))
        throw py::type_error(where + ": dictionary keys must be str, got " + type_of(kv.first));
      std::string k = kv.first.cast<std::string>();
      obj[k] = to_json(kv.second, where + "." + k);
    }
    return obj;
  }
  throw py::type_error(where + ": unsupported value of type " + type_of(v));
}

namespace {

template <class J>
py::object from_json_t(const J& j) {
  switch (j.type()) {
    case nlohmann::detail::value_t::null: return py::none();
    case nlohmann::detail::value_t::boolean: return py::bool_(j.template get<bool>());
    case nlohmann::detail::value_t::number_integer: return py::int_(j.template get<int64_t>());
    case nlohmann::detail::value_t::number_unsigned: return py::int_(j.template get<uint64_t>());
    case nlohmann::detail::value_t::number_float: return py::float_(j.template get<double>());
    case nlohmann::detail::value_t::string: {
      const auto& s = j.template get_ref<const std::string&>();
      PyObject* u = PyUnicode_DecodeUTF8(s.data(), static_cast<Py_ssize_t>(s.size()), "replace");
      if (!u) throw py::error_already_set();
      return py::reinterpret_steal<py::object>(u);
    }
    case nlohmann::detail::value_t::array: {
      py::list l(j.size());
      size_t i = 0;
      for (const auto& x : j) l[i++] = from_json_t(x);
      return std::move(l);
    }
    case nlohmann::detail::value_t::object: {
      py::dict d;
      for (auto it = j.begin(); it != j.end(); ++it) d[py::str(it.key())] = from_json_t(it.value());
      return std::move(d);
    }
    default: return py::none();  // binary / discarded: not produced by ppocr
  }
}

}  // namespace

py::object from_json(const nlohmann::json& j) { return from_json_t(j); }
py::object from_json(const nlohmann::ordered_json& j) { return from_json_t(j); }

cv::Mat image_from_array(const py::array& in, const std::string& where) {
  auto shape_text = [&] {
    std::string s = "(";
    for (py::ssize_t i = 0; i < in.ndim(); ++i) s += (i ? ", " : "") + std::to_string(in.shape(i));
    return s + (in.ndim() == 1 ? ",)" : ")");
  };
  PPOCR_CHECK_AS(in.ndim() == 2 || (in.ndim() == 3 && (in.shape(2) == 1 || in.shape(2) == 3 || in.shape(2) == 4)),
                 kInvalidInput, where,
                 ": expected an image array of shape (H, W) or (H, W, C) with C = 1, 3 or 4 (BGR order), got shape ",
                 shape_text());
  const py::ssize_t h = in.shape(0), w = in.shape(1), c = in.ndim() == 3 ? in.shape(2) : 1;
  PPOCR_CHECK_AS(h > 0 && w > 0, kInvalidInput, where, ": empty image array of shape ", shape_text());
  PPOCR_CHECK_AS(h <= INT_MAX / 4 && w <= INT_MAX / 4 && h * w <= int64_t(1) << 31, kTooLarge, where,
                 ": image array of shape ", shape_text(), " is too large");
  py::dtype dt = in.dtype();
  const char kind = dt.kind();
  const py::ssize_t size = dt.itemsize();
  int depth = -1;
  if (kind == 'u' && size == 1) depth = CV_8U;
  else if (kind == 'i' && size == 1) depth = CV_8S;
  else if (kind == 'u' && size == 2) depth = CV_16U;
  else if (kind == 'i' && size == 2) depth = CV_16S;
  else if (kind == 'i' && size == 4) depth = CV_32S;
  else if (kind == 'f' && size == 4) depth = CV_32F;
  else if (kind == 'f' && size == 8) depth = CV_64F;
  std::string dtype_name = py::str(dt);
  PPOCR_CHECK_AS(depth >= 0, kInvalidInput, where, ": unsupported image dtype ", dtype_name,
                 " (use uint8 BGR; uint16, int8/16/32 and float32/64 in [0, 1] are converted)");
  PPOCR_CHECK_AS(dt.attr("isnative").cast<bool>(), kInvalidInput, where, ": image dtype ", dtype_name,
                 " is not in the machine's byte order");
  // A C-contiguous view (copied by numpy only when the array is strided).
  py::array a = py::array::ensure(in, py::array::c_style);
  PPOCR_CHECK_AS(a, kInvalidInput, where, ": cannot read the image array");
  cv::Mat view(static_cast<int>(h), static_cast<int>(w), CV_MAKETYPE(depth, static_cast<int>(c)),
               const_cast<void*>(a.data()));
  cv::Mat out = ppocr::to_bgr8(view);
  // to_bgr8 returns the view itself for 8-bit BGR: copy, so the page owns its pixels.
  return out.data == view.data ? out.clone() : out;
}

py::array array_from_image(const cv::Mat& m) {
  cv::Mat src = m;
  if (src.depth() != CV_8U) src = ppocr::to_bgr8(src);
  if (!src.isContinuous()) src = src.clone();
  const int ch = src.channels();
  std::vector<py::ssize_t> shape = {src.rows, src.cols};
  if (ch != 1) shape.push_back(ch);
  py::array_t<uint8_t> a(shape);
  std::memcpy(a.mutable_data(), src.data, src.total() * src.elemSize());
  return std::move(a);
}

}  // namespace ppocr::py_bind
