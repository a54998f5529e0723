// Placeholder until the Paddle importers land (issue 3).
#include "formats/importers.h"

namespace ppocr::formats {
engine::Graph import_paddle2(const std::string& f, const std::string&) { fail(f, ": Paddle 2 models are not supported yet"); }
engine::Graph import_paddle3(const std::string& f, const std::string&) { fail(f, ": Paddle 3 models are not supported yet"); }
}  // namespace ppocr::formats
