// Conversions between Python objects and what the C++ API takes: values to
// nlohmann::json (for options::set_json, which does every type and range
// check), JSON back to Python, numpy arrays to and from cv::Mat.
#pragma once
#include <string>

#include <nlohmann/json.hpp>
#include <opencv2/core.hpp>
#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>

namespace ppocr::py_bind {

namespace py = pybind11;

// None, bool, int, float, str, os.PathLike (as its path string), numpy
// scalars, list/tuple/1-D ndarray (arrays) and dict (objects). Anything else
// is a TypeError naming `where`.
nlohmann::json to_json(py::handle v, const std::string& where);

// null/bool/number/string/array/object as Python objects (arrays as lists,
// objects as dicts in the JSON's key order: an ordered_json keeps its order).
py::object from_json(const nlohmann::json& j);
py::object from_json(const nlohmann::ordered_json& j);

// os.fspath(v) as UTF-8; TypeError naming `where` unless str/bytes/PathLike.
std::string fspath(py::handle v, const std::string& where);

// An HxW or HxWxC (C = 1, 3, 4) array of uint8/int8/uint16/int16/int32/
// float32/float64 as a BGR CV_8UC3 Mat that owns its data (ppocr::to_bgr8's
// conversions). Error(kInvalidInput) for other shapes and dtypes.
cv::Mat image_from_array(const py::array& a, const std::string& where);

// A CV_8UC1/CV_8UC3 Mat as a new numpy uint8 array (HxW or HxWx3), copied.
py::array array_from_image(const cv::Mat& m);

}  // namespace ppocr::py_bind
