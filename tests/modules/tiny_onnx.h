// A one-node ONNX model written by hand (protobuf wire format), for stand-in
// models in module and pipeline tests: NCHW float input "x" -> op -> "y", with
// dynamic N, H, W. test_modules links no ONNX protobuf library, and a few
// bytes of ModelProto are all these tests need.
#pragma once
#include <cstdint>
#include <fstream>
#include <string>

namespace ppocr::test {

namespace onnx_wire {
inline std::string varint(uint64_t v) {
  std::string s;
  do {
    uint8_t b = v & 0x7F;
    v >>= 7;
    s.push_back(static_cast<char>(v ? b | 0x80 : b));
  } while (v);
  return s;
}
inline std::string field(int number, const std::string& bytes) {  // length-delimited
  return varint(static_cast<uint64_t>(number) << 3 | 2) + varint(bytes.size()) + bytes;
}
inline std::string field(int number, uint64_t value) { return varint(static_cast<uint64_t>(number) << 3) + varint(value); }
// ValueInfoProto: float tensor [N, C, H, W] with N, H, W symbolic.
inline std::string value_info(const std::string& name, int channels) {
  auto dim_param = [](const char* p) { return field(1, field(2, std::string(p))); };  // Dimension.dim_param
  std::string shape = dim_param("N") + field(1, field(1, uint64_t(channels))) + dim_param("H") + dim_param("W");
  std::string tensor = field(1, uint64_t(1)) + field(2, shape);  // elem_type FLOAT, shape
  return field(1, name) + field(2, field(1, tensor));            // name, type.tensor_type
}
}  // namespace onnx_wire

// Writes `dir`/inference.onnx: y = op(x) over [N, channels, H, W] (opset 13).
inline void write_one_node_onnx(const std::string& dir, const std::string& op, int channels = 3) {
  using namespace onnx_wire;
  std::string node = field(1, std::string("x")) + field(2, std::string("y")) + field(3, std::string("n0")) +
                     field(4, op);
  std::string graph = field(1, node) + field(2, std::string("standin")) + field(11, value_info("x", channels)) +
                      field(12, value_info("y", channels));
  std::string model = field(1, uint64_t(7)) + field(7, graph) + field(8, field(2, uint64_t(13)));
  std::ofstream(dir + "/inference.onnx", std::ios::binary) << model;
}

}  // namespace ppocr::test
