// Placeholder until the ONNX importer lands (issue 2).
#include "formats/importers.h"

namespace ppocr::formats {
engine::Graph import_onnx(const std::string& f) { fail(f, ": the ONNX importer is not built yet"); }
}  // namespace ppocr::formats
