#include "formats/ncnn/builder.h"

#include <cmath>

#include "engine/error.h"

namespace ppocr::formats::ncnn {

std::map<std::string, Converter>& converters() {
  static std::map<std::string, Converter> m;
  return m;
}

void Builder::error(const std::string& msg) const {
  fail(pf_.path, ":", cur_ ? cur_->line : 0, ": ", cur_ ? cur_->where() : std::string("ncnn"), ": ", msg);
}

void Builder::require_inputs(size_t lo, size_t hi) const {
  size_t n = cur_->bottoms.size();
  if (n < lo || n > hi)
    error("expects " + std::to_string(lo) + (hi != lo ? "-" + std::to_string(hi) : "") + " inputs, has " +
          std::to_string(n));
}

void Builder::require_outputs(size_t n) const {
  if (cur_->tops.size() != n)
    error("expects " + std::to_string(n) + " outputs, has " + std::to_string(cur_->tops.size()));
}

const Blob& Builder::in(size_t i) const {
  if (i >= cur_->bottoms.size()) error("missing input " + std::to_string(i));
  auto it = blobs.find(cur_->bottoms[i]);
  if (it == blobs.end()) error("input blob '" + cur_->bottoms[i] + "' is unknown");
  return it->second;
}

void Builder::set_out(size_t i, int id, int rank, std::vector<int64_t> dims) {
  if (i >= cur_->tops.size()) error("missing output " + std::to_string(i));
  if (rank < 1 || rank > 4) error("unsupported blob rank " + std::to_string(rank));
  if (dims.size() != static_cast<size_t>(rank)) dims = unknown(rank);
  blobs[cur_->tops[i]] = Blob{id, rank, std::move(dims)};
}

int Builder::op(const std::string& type, std::vector<int> ins, engine::Attrs attrs, int nout,
                std::vector<int>* outs) {
  std::string base = cur_->name + "/" + type + "_" + std::to_string(step_++);
  std::vector<int> o;
  for (int k = 0; k < nout; ++k) o.push_back(graph.add_value(nout == 1 ? base : base + "_" + std::to_string(k)));
  engine::Node& n = graph.add_node(type, base, std::move(ins), o);
  n.attrs = std::move(attrs);
  if (outs) *outs = o;
  return o[0];
}

int Builder::const_f32(const std::string& tag, engine::Shape shape, std::vector<float> v) {
  engine::Tensor t(engine::DType::Float32, shape);
  if (static_cast<size_t>(t.numel()) != v.size())
    error(tag + ": " + std::to_string(v.size()) + " values do not fill shape " + engine::shape_str(shape));
  std::copy(v.begin(), v.end(), t.data<float>());
  return graph.add_constant(cur_->name + "/" + tag, t);
}

int Builder::const_i64(const std::string& tag, std::vector<int64_t> v) {
  engine::Shape s{static_cast<int64_t>(v.size())};
  return graph.add_constant(cur_->name + "/" + tag, engine::Tensor::from_vector<int64_t>(s, v));
}

int Builder::scalar(float v) {
  return graph.add_constant(cur_->name + "/scalar", engine::Tensor::scalar_f32(v));
}

std::vector<float> Builder::weights(int64_t n, int type, const std::string& what, StoredAs* stored) {
  return w_.load(n, type, cur_->where() + ": " + what, stored);
}

int Builder::activation(int x, int type, const std::vector<float>& p) {
  engine::Attrs a;
  auto param = [&](size_t i, float def) { return i < p.size() ? p[i] : def; };
  switch (type) {
    case 0: return x;
    case 1:
      if (param(0, 0.f) != 0.f) {
        a.set("alpha", param(0, 0.f));
        return op("LeakyRelu", {x}, a);
      }
      return op("Relu", {x});
    case 2:
      a.set("alpha", param(0, 0.f));
      return op("LeakyRelu", {x}, a);
    case 3:
      return op("Clip", {x, scalar(param(0, -3.4028235e38f)), scalar(param(1, 3.4028235e38f))});
    case 4: return op("Sigmoid", {x});
    case 5: {  // mish: x * tanh(softplus(x))
      int sp = op("Softplus", {x});
      return op("Mul", {x, op("Tanh", {sp})});
    }
    case 6: {
      float alpha = param(0, 0.2f), beta = param(1, 0.5f);
      if (std::abs(alpha - 1.f / 6.f) < 1e-6f && beta == 0.5f) return op("HardSwish", {x});
      a.set("alpha", alpha);
      a.set("beta", beta);
      return op("Mul", {x, op("HardSigmoid", {x}, a)});
    }
    default: error("unsupported activation_type " + std::to_string(type));
  }
}

}  // namespace ppocr::formats::ncnn
