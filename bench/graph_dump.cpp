// graph_dump MODEL_DIR [--raw]: one line per node (op, name, attributes of
// interest, inputs with constant shapes, outputs) of the optimised graph, or
// of the imported graph with --raw.
#include <iostream>
#include <string>

#include "engine/model.h"
#include "formats/load.h"

using namespace ppocr;

int main(int argc, char** argv) {
  if (argc < 2) {
    std::cerr << "usage: graph_dump MODEL_DIR [--raw]\n";
    return 2;
  }
  try {
    bool raw = argc > 2 && std::string(argv[2]) == "--raw";
    formats::ModelFiles f = formats::find_model_files(argv[1]);
    engine::Graph g = formats::import_graph(f);
    engine::ModelOptions o;
    o.optimize = !raw;
    auto m = engine::Model::from_graph(g, o);
    const engine::Graph& G = m->graph();
    auto vname = [&](int id) {
      if (id < 0) return std::string("-");
      const auto& v = G.values[id];
      return v.is_constant() ? v.name + "=const" + engine::shape_str(v.constant.shape()) : v.name;
    };
    for (const auto& n : G.nodes) {
      std::cout << n.op << " '" << n.name << "'";
      if (n.attrs.has("activation")) std::cout << " act=" << n.attrs.s("activation");
      if (n.attrs.has("group")) std::cout << " group=" << n.attrs.i("group");
      for (const char* a : {"x_layout", "y_layout", "r_layout", "layout"})
        if (n.attrs.has(a)) std::cout << " " << a << "=" << n.attrs.s(a);
      for (const char* a : {"residual", "pool_input"})
        if (n.attrs.has(a)) std::cout << " " << a << "=" << n.attrs.i(a);
      for (const char* a : {"kernel_shape", "strides", "pads", "dilations"})
        if (n.attrs.has(a)) {
          std::cout << " " << a << "=";
          for (auto v : n.attrs.ints(a)) std::cout << v << ",";
        }
      std::cout << " (";
      for (size_t i = 0; i < n.inputs.size(); ++i) std::cout << (i ? ", " : "") << vname(n.inputs[i]);
      std::cout << ") -> ";
      for (size_t i = 0; i < n.outputs.size(); ++i) std::cout << (i ? ", " : "") << vname(n.outputs[i]);
      std::cout << "\n";
    }
  } catch (const std::exception& e) {
    std::cerr << "error: " << e.what() << "\n";
    return 1;
  }
}
