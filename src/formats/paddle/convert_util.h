// Small helpers shared by the convert_*.cpp files.
#pragma once
#include "formats/paddle/paddle_import.h"

namespace ppocr::formats::paddle {

// Paddle VarType data type code -> engine type (int32 is widened to int64: the
// engine keeps all integer index/shape math in int64).
engine::DType dtype_from_paddle(int64_t code, const std::string& where);

// Fail unless data_format/data_layout is channel-first (NCHW / NCDHW / AnyLayout).
void require_nchw(const PdOp& op);

// Integer list from attribute `attr`, or from the constant value in slot `slot`
// (Paddle 3 passes many parameters as values); `def` when neither is present.
std::vector<int64_t> ints_from(Builder& b, const PdOp& op, const std::string& attr, const std::string& slot,
                               std::vector<int64_t> def = {});

// A 1-D int64 value built from a list of scalar / [1] values (ShapeTensorList style).
int concat_scalars(Builder& b, const std::vector<int>& vals);
// Casts to int64 unless already int64.
int to_i64(Builder& b, int v);

}  // namespace ppocr::formats::paddle
