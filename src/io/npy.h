// .npy read/write (format versions 1-3, little-endian, C order) for float32,
// float16, int64, int32, int8, uint8 and bool arrays.
#pragma once
#include <string>

#include "engine/tensor.h"

namespace ppocr::io {

engine::Tensor read_npy(const std::string& path);
engine::Tensor parse_npy(const std::string& bytes, const std::string& what = "npy data");
void write_npy(const std::string& path, const engine::Tensor& t);

}  // namespace ppocr::io
