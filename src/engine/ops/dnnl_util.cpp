#include <atomic>
#include "engine/ops/dnnl_util.h"

#include <cstdlib>
#include <sstream>

namespace ppocr::engine::dnn {

dnnl::engine& cpu() {
  static dnnl::engine e(dnnl::engine::kind::cpu, 0);
  return e;
}

dnnl::stream& stream() {
  thread_local dnnl::stream s(cpu());
  return s;
}

dnnl::memory::dims dims_of(const Shape& s) { return dnnl::memory::dims(s.begin(), s.end()); }

dnnl::memory::format_tag plain_tag(int rank) {
  using tag = dnnl::memory::format_tag;
  switch (rank) {
    case 1: return tag::a;
    case 2: return tag::ab;
    case 3: return tag::abc;
    case 4: return tag::abcd;
    case 5: return tag::abcde;
    case 6: return tag::abcdef;
  }
  fail("oneDNN: unsupported rank ", rank);
}

dnnl::memory::desc plain_desc(const Shape& s) {
  return dnnl::memory::desc(dims_of(s), dnnl::memory::data_type::f32, plain_tag(static_cast<int>(s.size())));
}

dnnl::primitive_attr make_attr(const nn::Epilogue& e, bool residual) {
  using alg = dnnl::algorithm;
  dnnl::primitive_attr attr;
  attr.set_scratchpad_mode(dnnl::scratchpad_mode::user);
  dnnl::post_ops po;
  if (residual) po.append_sum(1.f);
  switch (e.act) {
    case nn::Act::None: break;
    case nn::Act::Relu: po.append_eltwise(1.f, alg::eltwise_relu, 0.f, 0.f); break;
    case nn::Act::LeakyRelu: po.append_eltwise(1.f, alg::eltwise_relu, e.alpha, 0.f); break;
    case nn::Act::Clip: po.append_eltwise(1.f, alg::eltwise_clip, e.alpha, e.beta); break;
    case nn::Act::HardSigmoid:
      po.append_eltwise(1.f, alg::eltwise_linear, e.alpha, e.beta);
      po.append_eltwise(1.f, alg::eltwise_clip, 0.f, 1.f);
      break;
    case nn::Act::HardSwish: po.append_eltwise(1.f, alg::eltwise_hardswish, 0.f, 0.f); break;
    case nn::Act::Sigmoid: po.append_eltwise(1.f, alg::eltwise_logistic, 0.f, 0.f); break;
    case nn::Act::Tanh: po.append_eltwise(1.f, alg::eltwise_tanh, 0.f, 0.f); break;
    case nn::Act::Swish: po.append_eltwise(1.f, alg::eltwise_swish, 1.f, 0.f); break;
    case nn::Act::Gelu: po.append_eltwise(1.f, alg::eltwise_gelu_erf, 0.f, 0.f); break;
  }
  if (e.post_scale != 1.f || e.post_shift != 0.f)
    po.append_eltwise(1.f, alg::eltwise_linear, e.post_scale, e.post_shift);
  attr.set_post_ops(po);
  return attr;
}

namespace {
struct Scratch {
  void* p = nullptr;
  size_t n = 0;
  ~Scratch() { std::free(p); }
  void* get(size_t bytes) {
    if (bytes > n) {
      std::free(p);
      n = (bytes + 4095) / 4096 * 4096;
      p = std::aligned_alloc(64, n);
      if (!p) fail("out of memory for a oneDNN scratchpad of ", bytes, " bytes");
    }
    return p;
  }
};
}  // namespace

void execute(const dnnl::primitive& p, const dnnl::memory::desc& scratch,
             std::unordered_map<int, dnnl::memory> args) {
  thread_local Scratch buf;
  const size_t bytes = scratch.get_size();
  if (bytes) args[DNNL_ARG_SCRATCHPAD] = dnnl::memory(scratch, cpu(), buf.get(bytes));
  p.execute(stream(), args);
  stream().wait();
}

bool shape_recurs(const KernelContext& c, int times) {
  if (!c.cache) return true;
  return c.cache->count(node_key(c, "seen")) >= times;
}

bool use_shape_primitive(const KernelContext& c, const std::string& prim_key) {
  if (!c.cache || c.cache->contains(prim_key)) return true;
  if (!shape_recurs(c)) return false;
  return c.cache->count(node_key(c, "made")) <= 2;
}

bool rows_enabled() {
  static const bool on = [] {
    const char* e = std::getenv("PPOCR_CONV_ROWS");
    return !(e && std::string(e) == "0");
  }();
  return on;
}

std::string node_id_key(const KernelContext& c, const char* kind) {
  return std::string(kind) + '|' + c.node.name + '|' + std::to_string(reinterpret_cast<uintptr_t>(&c.node)) + '|';
}

std::string desc_key(const dnnl::memory::desc& d) {
  static const char* hex = "0123456789abcdef";
  const auto* bytes = reinterpret_cast<const unsigned char*>(&d.data);
  std::string s;
  s.reserve(2 * sizeof(d.data));
  for (size_t i = 0; i < sizeof(d.data); ++i) {
    s += hex[bytes[i] >> 4];
    s += hex[bytes[i] & 15];
  }
  return s;
}

std::string node_key(const KernelContext& c, const std::string& extra) {
  std::ostringstream os;
  os << c.node.op << '|' << c.node.name << '|' << static_cast<const void*>(&c.node);
  for (auto* t : c.inputs) os << '|' << (t ? shape_str(t->shape()) : "-");
  os << '|' << extra;
  return os.str();
}

}  // namespace ppocr::engine::dnn
