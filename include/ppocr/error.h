// ppocr::Error, the exception every ppocr call throws on bad input, bad
// models or unsupported options.
#pragma once
#include "engine/error.h"
