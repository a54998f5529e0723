#include "formats/paddle/pdiparams.h"

#include <cstring>
#include <fstream>
#include <sstream>

#include "framework.pb.h"

namespace ppocr::formats::paddle {

using engine::DType;
using engine::Tensor;
namespace pb = ::paddle::framework::proto;

namespace {

struct Reader {
  const char* p;
  size_t size, pos = 0;
  const std::string& label;
  size_t record;

  void need(size_t n, const char* what) const {
    if (n > size - pos)
      fail(label, ": record ", record, ": truncated ", what, " (need ", n, " bytes at offset ", pos, ", file has ",
           size, ")");
  }
  template <class T> T get(const char* what) {
    need(sizeof(T), what);
    T v;
    std::memcpy(&v, p + pos, sizeof(T));
    pos += sizeof(T);
    return v;
  }
};

// Element type and byte size of a Paddle VarType::Type data type.
bool element_type(int t, DType& dt, size_t& bytes) {
  switch (t) {
    case pb::VarType::FP32: dt = DType::Float32; bytes = 4; return true;
    case pb::VarType::FP16: dt = DType::Float32; bytes = 2; return true;  // widened
    case pb::VarType::INT64: dt = DType::Int64; bytes = 8; return true;
    case pb::VarType::INT32: dt = DType::Int32; bytes = 4; return true;
    case pb::VarType::INT8: dt = DType::Int8; bytes = 1; return true;
    case pb::VarType::UINT8: dt = DType::UInt8; bytes = 1; return true;
    case pb::VarType::BOOL: dt = DType::Bool; bytes = 1; return true;
    default: return false;
  }
}

}  // namespace

std::vector<Tensor> parse_pdiparams(const char* data, size_t size, const std::string& label) {
  std::vector<Tensor> out;
  Reader r{data, size, 0, label, 0};
  while (r.pos < size) {
    r.record = out.size();
    uint32_t version = r.get<uint32_t>("LoDTensor version");
    if (version != 0) fail(label, ": record ", r.record, ": unsupported LoDTensor version ", version);
    uint64_t levels = r.get<uint64_t>("LoD level count");
    if (levels > 64) fail(label, ": record ", r.record, ": implausible LoD level count ", levels);
    for (uint64_t l = 0; l < levels; ++l) {
      uint64_t n = r.get<uint64_t>("LoD level size");
      if (n > size) fail(label, ": record ", r.record, ": LoD level of ", n, " bytes exceeds the file");
      r.need(static_cast<size_t>(n), "LoD level data");
      r.pos += static_cast<size_t>(n);
    }
    uint32_t tversion = r.get<uint32_t>("tensor version");
    if (tversion != 0) fail(label, ": record ", r.record, ": unsupported tensor version ", tversion);
    int32_t desc_size = r.get<int32_t>("TensorDesc size");
    if (desc_size < 0 || desc_size > (1 << 20))
      fail(label, ": record ", r.record, ": bad TensorDesc size ", desc_size);
    r.need(static_cast<size_t>(desc_size), "TensorDesc");
    pb::VarType::TensorDesc desc;
    if (!desc.ParseFromArray(data + r.pos, desc_size))
      fail(label, ": record ", r.record, ": corrupt TensorDesc at offset ", r.pos);
    r.pos += static_cast<size_t>(desc_size);
    DType dt;
    size_t esize;
    if (!desc.has_data_type() || !element_type(desc.data_type(), dt, esize))
      fail(label, ": record ", r.record, ": unsupported data type ", static_cast<int>(desc.data_type()));
    engine::Shape shape;
    for (int64_t d : desc.dims()) {
      if (d < 0 || d > (int64_t(1) << 40)) fail(label, ": record ", r.record, ": bad dimension ", d);
      shape.push_back(d);
    }
    if (shape.size() > 8) fail(label, ": record ", r.record, ": rank ", shape.size(), " too large");
    int64_t numel = 1;
    for (int64_t d : shape) {
      if (d != 0 && numel > (int64_t(1) << 40) / d) fail(label, ": record ", r.record, ": tensor too large");
      numel *= d;
    }
    size_t bytes = static_cast<size_t>(numel) * esize;
    if (bytes > size - r.pos)
      fail(label, ": record ", r.record, ": truncated data (", engine::shape_str(shape), " needs ", bytes,
           " bytes at offset ", r.pos, ", file has ", size, ")");
    Tensor t(dt, shape);
    const char* src = data + r.pos;
    if (desc.data_type() == pb::VarType::FP16) {
      float* dst = t.data<float>();
      for (int64_t i = 0; i < numel; ++i) {
        uint16_t h;
        std::memcpy(&h, src + 2 * i, 2);
        dst[i] = engine::half_to_float(h);
      }
    } else if (bytes) {
      std::memcpy(t.raw(), src, bytes);
    }
    r.pos += bytes;
    out.push_back(std::move(t));
  }
  return out;
}

std::vector<Tensor> read_pdiparams(const std::string& file) {
  std::ifstream f(file, std::ios::binary);
  if (!f) fail(file, ": cannot open weights file");
  std::ostringstream ss;
  ss << f.rdbuf();
  std::string bytes = ss.str();
  return parse_pdiparams(bytes.data(), bytes.size(), file);
}

std::string encode_pdiparams(const std::vector<Tensor>& tensors) {
  std::string out;
  auto put = [&](const void* p, size_t n) { out.append(static_cast<const char*>(p), n); };
  for (const Tensor& t : tensors) {
    uint32_t zero32 = 0;
    uint64_t zero64 = 0;
    put(&zero32, 4);
    put(&zero64, 8);
    put(&zero32, 4);
    pb::VarType::TensorDesc desc;
    switch (t.dtype()) {
      case DType::Float32: desc.set_data_type(pb::VarType::FP32); break;
      case DType::Float16: desc.set_data_type(pb::VarType::FP16); break;
      case DType::Int64: desc.set_data_type(pb::VarType::INT64); break;
      case DType::Int32: desc.set_data_type(pb::VarType::INT32); break;
      case DType::Int8: desc.set_data_type(pb::VarType::INT8); break;
      case DType::UInt8: desc.set_data_type(pb::VarType::UINT8); break;
      case DType::Bool: desc.set_data_type(pb::VarType::BOOL); break;
    }
    for (int64_t d : t.shape()) desc.add_dims(d);
    std::string d = desc.SerializeAsString();
    int32_t n = static_cast<int32_t>(d.size());
    put(&n, 4);
    out += d;
    put(t.raw(), t.bytes());
  }
  return out;
}

}  // namespace ppocr::formats::paddle
