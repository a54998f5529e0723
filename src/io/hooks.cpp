#include "io/hooks.h"

#include "engine/error.h"
#include "ppocr/input.h"
#include "ppocr/options.h"

namespace ppocr::io {

void install_io_hooks(const InputOptions& inputs, const DownloadOptions& downloads) {
  set_input_loader([inputs](const Input& in, const PageSink& sink) {
    InputStream s = in.is_path() ? InputStream({in.path}, inputs)
                                 : throw Error("io input loader: in-memory images need no loader");
    InputItem item;
    while (s.next(item)) {
      PPOCR_CHECK(item.ok(), item.error);
      Page p;
      p.image = std::move(item.image);
      p.input_path = item.input_path;
      if (item.page_index >= 0) p.page_index = item.page_index;
      p.name = item.name;
      if (!sink(std::move(p))) return;
    }
  });
  set_model_resolver([downloads](const std::string& name) { return resolve_model(name, downloads); });
}

}  // namespace ppocr::io
