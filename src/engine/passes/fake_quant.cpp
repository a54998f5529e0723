// fuse_fake_quant: QuantizeLinear -> DequantizeLinear on an activation (QDQ
// models such as PP-OCRv5_mobile_det_int8), with one per-tensor scale and zero
// point for both and the quantised tensor read by nothing else, becomes one
// FakeQuant node (ops/quantize.cpp): the same values in one fp32 pass instead
// of an int8 tensor written and read back.
#include <cmath>

#include "engine/passes/pass_util.h"
#include "engine/passes/passes.h"

namespace ppocr::engine {
namespace {

const Tensor* scalar_const(const Graph& g, const Node& n, size_t k) {
  if (k >= n.inputs.size() || n.inputs[k] < 0 || !g.values[n.inputs[k]].is_constant()) return nullptr;
  const Tensor& t = g.values[n.inputs[k]].constant;
  return t.numel() == 1 ? &t : nullptr;
}

}  // namespace

void fuse_fake_quant(Graph& g) {
  const std::vector<int> prod = g.producers();
  const std::vector<int> uses = g.use_counts();
  for (Node& dq : g.nodes) {
    if (dq.op != "DequantizeLinear" || dq.inputs.empty() || dq.inputs[0] < 0 || dq.outputs.size() != 1) continue;
    const int qv = dq.inputs[0];
    if (prod[qv] < 0 || uses[qv] != 1) continue;
    Node& q = g.nodes[prod[qv]];
    if (q.op != "QuantizeLinear" || q.inputs.empty() || q.inputs[0] < 0) continue;
    const Tensor *qs = scalar_const(g, q, 1), *ds = scalar_const(g, dq, 1);
    if (!qs || !ds || qs->to_f32()[0] != ds->to_f32()[0]) continue;
    const Tensor *qz = scalar_const(g, q, 2), *dz = scalar_const(g, dq, 2);
    if ((q.inputs.size() > 2 && q.inputs[2] >= 0 && !qz) || (dq.inputs.size() > 2 && dq.inputs[2] >= 0 && !dz)) continue;
    const DType zt = qz ? qz->dtype() : DType::UInt8;
    if ((zt != DType::UInt8 && zt != DType::Int8) || (dz && dz->dtype() != zt)) continue;
    const int64_t zq = qz ? qz->to_i64()[0] : 0, zd = dz ? dz->to_i64()[0] : 0;
    const float scale = qs->to_f32()[0];
    if (zq != zd || !(scale > 0.f) || !std::isfinite(scale)) continue;
    Attrs a;
    a.set("scale", scale);
    a.set("zero_point", zq);
    a.set("qmin", int64_t{zt == DType::UInt8 ? 0 : -128});
    a.set("qmax", int64_t{zt == DType::UInt8 ? 255 : 127});
    dq.op = "FakeQuant";
    dq.inputs = {q.inputs[0]};
    dq.attrs = a;
    pass::kill(q);
  }
  pass::erase_killed(g);
}

}  // namespace ppocr::engine
