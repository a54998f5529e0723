// import_ncnn: parses the .param, converts layer by layer (converters in
// layers_*.cpp) and reads the .bin weights in layer order.
#include <set>

#include "engine/error.h"
#include "formats/importers.h"
#include "formats/ncnn/builder.h"

namespace ppocr::formats {

engine::Graph import_ncnn(const std::string& param_file, const std::string& bin_file) {
  using namespace ncnn;
  ParamFile pf = read_param_file(param_file);
  WeightReader w = WeightReader::from_file(bin_file);
  Builder b(pf, w);
  std::set<std::string> consumed;
  for (const Layer& L : pf.layers) {
    b.begin(L);
    auto it = converters().find(L.type);
    if (it == converters().end()) b.error("unsupported ncnn layer type '" + L.type + "'");
    it->second(b);
    for (size_t i = 0; i < L.tops.size(); ++i)
      if (!b.blobs.count(L.tops[i])) b.error("converter did not produce output '" + L.tops[i] + "'");
    for (auto& s : L.bottoms) consumed.insert(s);
  }
  if (b.graph.inputs.empty()) fail(param_file, ": the model has no Input layer");
  // Graph outputs: blobs no layer consumes, in production order, named as in ncnn.
  engine::Graph& g = b.graph;
  for (const Layer& L : pf.layers) {
    if (L.type == "Input") continue;
    b.begin(L);
    for (const std::string& t : L.tops) {
      if (consumed.count(t)) continue;
      int id = b.blobs.at(t).id;
      if (g.values[id].name != t) {
        int named = g.add_value(t);
        g.add_node("Identity", L.name + "/output_" + t, {id}, {named});
        id = named;
      }
      g.outputs.push_back(id);
    }
  }
  if (g.outputs.empty()) fail(param_file, ": the model has no output blob");
  return g;
}

}  // namespace ppocr::formats
