#include <algorithm>

#include "engine/executor.h"
#include "engine/passes/passes.h"

namespace ppocr::engine {

// Shape of a value whose dims are all known.
static bool static_shape(const Value& v) {
  if (!v.has_shape) return false;
  return std::all_of(v.shape.begin(), v.shape.end(), [](int64_t d) { return d >= 0; });
}

void fold_constants(Graph& g) {
  ExecOptions eo;
  eo.fast_kernels = false;
  for (Node& n : g.nodes) {
    if (n.outputs.empty()) continue;
    if (n.op == "Shape" && n.inputs.size() == 1 && n.inputs[0] >= 0) {
      const Value& v = g.values[n.inputs[0]];
      if (!v.is_constant() && static_shape(v)) {
        std::vector<const Tensor*> none;
        Tensor s = Tensor::from_vector<int64_t>({static_cast<int64_t>(v.shape.size())}, v.shape);
        int64_t r = static_cast<int64_t>(v.shape.size());
        int64_t start = n.attrs.i("start", 0), end = n.attrs.i("end", r);
        if (start < 0) start += r;
        if (end < 0) end += r;
        start = std::clamp<int64_t>(start, 0, r);
        end = std::clamp<int64_t>(end, start, r);
        std::vector<int64_t> dims(v.shape.begin() + start, v.shape.begin() + end);
        s = Tensor::from_vector<int64_t>({static_cast<int64_t>(dims.size())}, dims);
        Value& out = g.values[n.outputs[0]];
        out.constant = s;
        out.dtype = DType::Int64;
        out.has_shape = true;
        out.shape = s.shape();
        n.op = "__folded";
        continue;
      }
    }
    bool all_const = !n.inputs.empty();
    for (int id : n.inputs)
      if (id >= 0 && !g.values[id].is_constant()) all_const = false;
    if (!all_const) continue;
    std::vector<const Tensor*> ins;
    for (int id : n.inputs) ins.push_back(id >= 0 ? &g.values[id].constant : nullptr);
    std::vector<Tensor> outs = run_node(n, ins, eo);
    for (size_t k = 0; k < outs.size(); ++k) {
      Value& out = g.values[n.outputs[k]];
      out.constant = outs[k].clone();  // own the memory (not a pool buffer)
      out.dtype = outs[k].dtype();
      out.has_shape = true;
      out.shape = outs[k].shape();
    }
    n.op = "__folded";
  }
  g.nodes.erase(std::remove_if(g.nodes.begin(), g.nodes.end(), [](const Node& n) { return n.op == "__folded"; }),
                g.nodes.end());
}

void optimize_graph(Graph& g) {
  fold_constants(g);
  g.remove_dead();
  remove_identities(g);
  fuse_fake_quant(g);
  constant_weights_to_f32(g);
  fuse_batchnorm(g);
  fuse_conv_epilogues(g);
  g.remove_dead();
  fuse_eltwise_chains(g);
  assign_conv_layouts(g);
}

}  // namespace ppocr::engine
