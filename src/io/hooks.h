// Connects the io layer to the pipeline API: installs the input loader
// (files, folders, URLs, PDFs via io::InputStream) and the model resolver
// (names -> cache/download via io::resolve_model). Call once at start-up
// (the `ppocr` CLI does); calling again replaces the settings.
#pragma once
#include "io/input_source.h"
#include "io/model_registry.h"

namespace ppocr::io {

void install_io_hooks(const InputOptions& inputs = {}, const DownloadOptions& downloads = {});

}  // namespace ppocr::io
