// `ppocr model info DIR` and `ppocr model run DIR --input x.npy --output y.npy`:
// the engine's debugging commands.
#include <algorithm>
#include <chrono>
#include <iostream>

#include "cli/command.h"
#include "formats/load.h"
#include "io/npy.h"

namespace ppocr::cli {
namespace {

struct InfoArgs {
  std::string path;
  bool raw = false;
};
struct RunArgs {
  std::string path;
  std::vector<std::string> inputs, outputs;
  int threads = 1, repeat = 1;
  bool reference = false;
};

void print_values(const engine::Graph& g, const std::vector<int>& ids) {
  for (int id : ids) {
    const auto& v = g.values[id];
    std::cout << "  " << v.name << ": " << engine::dtype_name(v.dtype)
              << (v.has_shape ? engine::shape_str(v.shape) : std::string("[?]")) << "\n";
  }
}

void model_info(const InfoArgs& a) {
  formats::ModelFiles f = formats::find_model_files(a.path);
  engine::Graph raw = formats::import_graph(f);
  engine::ModelOptions opts;
  auto model = engine::Model::from_graph(raw, opts, formats::format_name(f.format));
  const engine::Graph& g = a.raw ? raw : model->graph();
  std::cout << "format: " << formats::format_name(f.format) << "\n";
  std::cout << "model: " << f.model << "\n";
  if (!f.params.empty()) std::cout << "weights: " << f.params << "\n";
  if (!f.yml.empty()) std::cout << "config: " << f.yml << "\n";
  std::cout << "inputs:\n";
  print_values(g, g.inputs);
  std::cout << "outputs:\n";
  print_values(g, g.outputs);
  std::cout << "parameters: " << raw.parameter_count() << "\n";
  std::cout << "nodes: " << raw.nodes.size() << " imported, " << model->graph().nodes.size()
            << " after optimisation\n";
  std::cout << "operators" << (a.raw ? " (imported)" : " (optimised)") << ":\n";
  for (auto& [op, n] : g.op_histogram()) std::cout << "  " << op << ": " << n << "\n";
}

void model_run(const RunArgs& a) {
  engine::ModelOptions opts;
  opts.num_threads = a.threads;
  opts.fast_kernels = !a.reference;
  auto model = formats::load_model(a.path, opts);
  std::vector<engine::Tensor> ins;
  for (auto& p : a.inputs) ins.push_back(io::read_npy(p));
  std::vector<engine::Tensor> outs;
  std::vector<double> ms;
  for (int r = 0; r < std::max(1, a.repeat) + (a.repeat > 1 ? 1 : 0); ++r) {
    auto t0 = std::chrono::steady_clock::now();
    outs = model->run(ins);
    double d = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
    if (a.repeat > 1 && r == 0) continue;  // warm-up
    ms.push_back(d);
  }
  std::sort(ms.begin(), ms.end());
  auto names = model->output_names();
  for (size_t i = 0; i < outs.size(); ++i) std::cout << names[i] << ": " << outs[i].desc() << "\n";
  std::cout << "median_ms: " << ms[ms.size() / 2] << " (min " << ms.front() << ", runs " << ms.size()
            << ", threads " << a.threads << ")\n";
  for (size_t i = 0; i < a.outputs.size() && i < outs.size(); ++i) io::write_npy(a.outputs[i], outs[i]);
}

CommandRegistrar reg([](CLI::App& app) {
  auto* model = app.add_subcommand("model", "Inspect or run one model directory (debugging)");
  model->require_subcommand(1);

  auto info = std::make_shared<InfoArgs>();
  auto* ic = model->add_subcommand("info", "Format, inputs/outputs, operators, parameter count");
  ic->add_option("path", info->path, "Model directory or file")->required();
  ic->add_flag("--raw", info->raw, "Show the imported graph before optimisation");
  ic->callback([info] { model_info(*info); });

  auto run = std::make_shared<RunArgs>();
  auto* rc = model->add_subcommand("run", "Run a model on .npy inputs");
  rc->add_option("path", run->path, "Model directory or file")->required();
  rc->add_option("-i,--input", run->inputs, "Input .npy file(s), in model input order")->required();
  rc->add_option("-o,--output", run->outputs, "Output .npy file(s), in model output order");
  rc->add_option("--threads", run->threads, "Intra-op threads")->check(CLI::Range(1, 256));
  rc->add_option("--repeat", run->repeat, "Timed runs after one warm-up")->check(CLI::Range(1, 100000));
  rc->add_flag("--reference", run->reference, "Use the plain C++ reference kernels");
  rc->callback([run] { model_run(*run); });
});

}  // namespace
}  // namespace ppocr::cli
