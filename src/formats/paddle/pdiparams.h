// .pdiparams: the weights of a Paddle 2 / Paddle 3 inference model, stored as
// concatenated LoDTensor records (see docs/formats/paddle.md):
//   uint32 version (0) | uint64 lod_level_count | per level: uint64 bytes + data
//   | uint32 tensor version (0) | int32 desc_size | TensorDesc protobuf
//   (data_type, dims) | raw little-endian data.
// The records carry no names: their order is the sorted order of the
// persistable parameter names of the program.
#pragma once
#include <string>
#include <vector>

#include "engine/tensor.h"

namespace ppocr::formats::paddle {

// Reads every record. fp16 becomes fp32; fp32/int64/int32/int8/uint8/bool are
// kept. Truncated or corrupt data -> Error naming `label` and the record index.
std::vector<engine::Tensor> parse_pdiparams(const char* data, size_t size, const std::string& label);
std::vector<engine::Tensor> read_pdiparams(const std::string& file);

// Writes tensors in the same format (float32, float16, int64, int32, int8, uint8).
std::string encode_pdiparams(const std::vector<engine::Tensor>& tensors);

}  // namespace ppocr::formats::paddle
