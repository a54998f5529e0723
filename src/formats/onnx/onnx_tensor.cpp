#include <cstring>

#include "formats/onnx/onnx_internal.h"

namespace ppocr::formats::onnx_import {

using engine::DType;
using engine::Tensor;

engine::DType value_dtype(int elem_type, const std::string& where) {
  switch (elem_type) {
    case onnx::TensorProto::FLOAT:
    case onnx::TensorProto::FLOAT16:
    case onnx::TensorProto::DOUBLE:
    case onnx::TensorProto::BFLOAT16: return DType::Float32;
    case onnx::TensorProto::INT64: return DType::Int64;
    case onnx::TensorProto::INT32: return DType::Int32;
    case onnx::TensorProto::INT8: return DType::Int8;
    case onnx::TensorProto::UINT8: return DType::UInt8;
    case onnx::TensorProto::BOOL: return DType::Bool;
    default: fail(where, ": element type ", elem_type, " is not supported");
  }
}

namespace {

// Fills `out` (n elements of Dst) from raw little-endian Src values.
template <class Src, class Dst, class Conv>
void from_raw(const std::string& raw, Dst* out, int64_t n, Conv conv) {
  for (int64_t i = 0; i < n; ++i) {
    Src v;
    std::memcpy(&v, raw.data() + i * sizeof(Src), sizeof(Src));
    out[i] = conv(v);
  }
}

}  // namespace

engine::Tensor to_tensor(const onnx::TensorProto& t, const std::string& where) {
  const std::string what = where + " tensor '" + t.name() + "'";
  if (t.data_location() == onnx::TensorProto::EXTERNAL || t.external_data_size() > 0)
    fail(what, ": external data is not supported (store the weights inside the .onnx file)");
  if (t.has_segment()) fail(what, ": segmented tensors are not supported");
  engine::Shape shape;
  for (int64_t d : t.dims()) {
    if (d < 0) fail(what, ": negative dimension ", d);
    shape.push_back(d);
  }
  int64_t n;
  try {
    n = engine::shape_numel(shape);
  } catch (const Error& e) {
    fail(what, ": ", e.what());
  }
  const int et = t.data_type();
  const bool has_raw = t.has_raw_data();
  const std::string& raw = t.raw_data();
  auto check = [&](int64_t have, size_t elem, const char* field) {
    const int64_t want = n * static_cast<int64_t>(elem ? elem : 1);
    if (have != (elem ? want : n))
      fail(what, ": ", field, " holds ", have, elem ? " bytes" : " values", ", dims ", engine::shape_str(shape),
           " need ", elem ? want : n);
  };
  switch (et) {
    case onnx::TensorProto::FLOAT: {
      if (has_raw) check(static_cast<int64_t>(raw.size()), 4, "raw_data");
      else check(t.float_data_size(), 0, "float_data");
      Tensor o(DType::Float32, shape);
      if (has_raw) std::memcpy(o.raw(), raw.data(), n * 4);
      else std::copy(t.float_data().begin(), t.float_data().end(), o.data<float>());
      return o;
    }
    case onnx::TensorProto::FLOAT16:
    case onnx::TensorProto::BFLOAT16: {
      const bool bf = et == onnx::TensorProto::BFLOAT16;
      auto conv = [bf](uint16_t h) {
        if (!bf) return engine::half_to_float(h);
        uint32_t u = static_cast<uint32_t>(h) << 16;
        float f;
        std::memcpy(&f, &u, 4);
        return f;
      };
      if (has_raw) check(static_cast<int64_t>(raw.size()), 2, "raw_data");
      else check(t.int32_data_size(), 0, "int32_data");
      Tensor o(DType::Float32, shape);
      float* p = o.data<float>();
      if (has_raw) from_raw<uint16_t>(raw, p, n, conv);
      else
        for (int64_t i = 0; i < n; ++i) p[i] = conv(static_cast<uint16_t>(t.int32_data(static_cast<int>(i))));
      return o;
    }
    case onnx::TensorProto::DOUBLE: {
      if (has_raw) check(static_cast<int64_t>(raw.size()), 8, "raw_data");
      else check(t.double_data_size(), 0, "double_data");
      Tensor o(DType::Float32, shape);
      float* p = o.data<float>();
      if (has_raw) from_raw<double>(raw, p, n, [](double v) { return static_cast<float>(v); });
      else
        for (int64_t i = 0; i < n; ++i) p[i] = static_cast<float>(t.double_data(static_cast<int>(i)));
      return o;
    }
    case onnx::TensorProto::INT64: {
      if (has_raw) check(static_cast<int64_t>(raw.size()), 8, "raw_data");
      else check(t.int64_data_size(), 0, "int64_data");
      Tensor o(DType::Int64, shape);
      if (has_raw) std::memcpy(o.raw(), raw.data(), n * 8);
      else std::copy(t.int64_data().begin(), t.int64_data().end(), o.data<int64_t>());
      return o;
    }
    case onnx::TensorProto::UINT32:
    case onnx::TensorProto::UINT64: {
      const bool u32 = et == onnx::TensorProto::UINT32;
      if (has_raw) check(static_cast<int64_t>(raw.size()), u32 ? 4 : 8, "raw_data");
      else check(t.uint64_data_size(), 0, "uint64_data");
      Tensor o(DType::Int64, shape);
      int64_t* p = o.data<int64_t>();
      if (has_raw && u32) from_raw<uint32_t>(raw, p, n, [](uint32_t v) { return static_cast<int64_t>(v); });
      else if (has_raw) from_raw<uint64_t>(raw, p, n, [](uint64_t v) { return static_cast<int64_t>(v); });
      else
        for (int64_t i = 0; i < n; ++i) p[i] = static_cast<int64_t>(t.uint64_data(static_cast<int>(i)));
      return o;
    }
    case onnx::TensorProto::INT32:
    case onnx::TensorProto::INT16:
    case onnx::TensorProto::UINT16:
    case onnx::TensorProto::INT8:
    case onnx::TensorProto::UINT8:
    case onnx::TensorProto::BOOL: {
      size_t es = 1;
      DType dt = DType::Int32;
      if (et == onnx::TensorProto::INT32) es = 4;
      else if (et == onnx::TensorProto::INT16 || et == onnx::TensorProto::UINT16) es = 2;
      if (et == onnx::TensorProto::INT8) dt = DType::Int8;
      if (et == onnx::TensorProto::UINT8) dt = DType::UInt8;
      if (et == onnx::TensorProto::BOOL) dt = DType::Bool;
      if (has_raw) check(static_cast<int64_t>(raw.size()), es, "raw_data");
      else check(t.int32_data_size(), 0, "int32_data");
      // Read every element as int32 first.
      std::vector<int32_t> v(n);
      if (has_raw) {
        switch (et) {
          case onnx::TensorProto::INT32: from_raw<int32_t>(raw, v.data(), n, [](int32_t x) { return x; }); break;
          case onnx::TensorProto::INT16: from_raw<int16_t>(raw, v.data(), n, [](int16_t x) { return int32_t(x); }); break;
          case onnx::TensorProto::UINT16: from_raw<uint16_t>(raw, v.data(), n, [](uint16_t x) { return int32_t(x); }); break;
          case onnx::TensorProto::INT8: from_raw<int8_t>(raw, v.data(), n, [](int8_t x) { return int32_t(x); }); break;
          default: from_raw<uint8_t>(raw, v.data(), n, [](uint8_t x) { return int32_t(x); }); break;
        }
      } else {
        std::copy(t.int32_data().begin(), t.int32_data().end(), v.begin());
      }
      Tensor o(dt, shape);
      for (int64_t i = 0; i < n; ++i) {
        switch (dt) {
          case DType::Int8: o.data<int8_t>()[i] = static_cast<int8_t>(v[i]); break;
          case DType::UInt8: o.data<uint8_t>()[i] = static_cast<uint8_t>(v[i]); break;
          case DType::Bool: static_cast<uint8_t*>(o.raw())[i] = v[i] != 0; break;
          default: o.data<int32_t>()[i] = v[i];
        }
      }
      return o;
    }
    case onnx::TensorProto::STRING: fail(what, ": string tensors are not supported");
    default: fail(what, ": element type ", et, " is not supported");
  }
}

}  // namespace ppocr::formats::onnx_import
