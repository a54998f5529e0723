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

dnnl::memory::desc desc_of(const Shape& logical, bool nhwc) {
  return dnnl::memory::desc(dims_of(logical), dnnl::memory::data_type::f32,
                            nhwc ? dnnl::memory::format_tag::nhwc : plain_tag(static_cast<int>(logical.size())));
}

dnnl::memory::desc any_desc(const dnnl::memory::dims& dims) {
  return dnnl::memory::desc(dims, dnnl::memory::data_type::f32, dnnl::memory::format_tag::any);
}

WindowDims window_dims(const nn::Window& w) {
  WindowDims d;
  for (int i = 3 - w.nsp; i < 3; ++i) {
    d.strides.push_back(w.s[i]);
    d.dilates.push_back(w.d[i] - 1);
    d.pad_l.push_back(w.pb[i]);
    d.pad_r.push_back(w.pe[i]);
  }
  return d;
}

void reorder(const dnnl::memory& from, const dnnl::memory& to) {
  dnnl::reorder(from, to).execute(stream(), const_cast<dnnl::memory&>(from), const_cast<dnnl::memory&>(to));
  stream().wait();
}

dnnl::memory reordered(const dnnl::memory::desc& from, const void* data, const dnnl::memory::desc& to) {
  dnnl::memory m(to, cpu());
  reorder(dnnl::memory(from, cpu(), const_cast<void*>(data)), m);
  return m;
}

dnnl::memory as_layout(const dnnl::memory& m, const dnnl::memory::desc& to) {
  if (m.get_desc() == to) return m;
  return reordered(m.get_desc(), m.get_data_handle(), to);
}

dnnl::memory shared_reordered(const KernelContext* c, const char* kind, const dnnl::memory::desc& from,
                              const void* data, const dnnl::memory::desc& to) {
  if (!c || !c->cache) return reordered(from, data, to);
  const std::string key =
      std::string(kind) + '|' + std::to_string(reinterpret_cast<uintptr_t>(&c->node)) + '|' + desc_key(to);
  return *std::static_pointer_cast<dnnl::memory>(c->cache->get_or_create(
      key, [&] { return std::static_pointer_cast<void>(std::make_shared<dnnl::memory>(reordered(from, data, to))); }));
}

dnnl::memory staged(const dnnl::memory& user, const dnnl::memory::desc& want, BufferPool* pool, Tensor& hold,
                    bool load) {
  if (user.get_desc() == want) return user;
  hold = Tensor(DType::UInt8, {static_cast<int64_t>(want.get_size())}, pool);
  dnnl::memory m(want, cpu(), hold.raw());
  if (load) reorder(user, m);
  return m;
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
