// Placeholder until the ncnn importer lands (issue 3).
#include "formats/importers.h"

namespace ppocr::formats {
engine::Graph import_ncnn(const std::string& f, const std::string&) { fail(f, ": ncnn models are not supported yet"); }
}  // namespace ppocr::formats
