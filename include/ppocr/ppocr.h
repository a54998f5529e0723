// Everything: the pipeline, its options/inputs/results and the modules.
#pragma once
#include "ppocr/error.h"
#include "ppocr/input.h"
#include "ppocr/modules.h"
#include "ppocr/ocr.h"
#include "ppocr/options.h"
#include "ppocr/outputs.h"
#include "ppocr/result.h"
