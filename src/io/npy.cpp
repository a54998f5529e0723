#include "io/npy.h"

#include <cstring>
#include <fstream>
#include <regex>
#include <sstream>

namespace ppocr::io {

using engine::DType;
using engine::Tensor;

Tensor parse_npy(const std::string& b, const std::string& what) {
  if (b.size() < 10 || b.compare(0, 6, "\x93NUMPY") != 0) fail(what, ": not a .npy file");
  unsigned major = static_cast<unsigned char>(b[6]);
  size_t hlen, off;
  if (major == 1) {
    hlen = static_cast<unsigned char>(b[8]) | (static_cast<unsigned char>(b[9]) << 8);
    off = 10;
  } else if (major == 2 || major == 3) {
    if (b.size() < 12) fail(what, ": truncated .npy header");
    uint32_t h;
    std::memcpy(&h, b.data() + 8, 4);
    hlen = h;
    off = 12;
  } else {
    fail(what, ": unsupported .npy version ", major);
  }
  if (off + hlen > b.size()) fail(what, ": truncated .npy header");
  std::string header = b.substr(off, hlen);
  std::smatch m;
  if (!std::regex_search(header, m, std::regex("'descr':\\s*'([^']+)'"))) fail(what, ": no dtype in header");
  std::string descr = m[1];
  if (std::regex_search(header, std::regex("'fortran_order':\\s*True"))) fail(what, ": Fortran order is not supported");
  if (!std::regex_search(header, m, std::regex("'shape':\\s*\\(([^)]*)\\)"))) fail(what, ": no shape in header");
  engine::Shape shape;
  std::stringstream ss(m[1].str());
  std::string item;
  while (std::getline(ss, item, ',')) {
    item.erase(0, item.find_first_not_of(" \t"));
    if (item.empty()) continue;
    try {
      shape.push_back(std::stoll(item));
    } catch (...) {
      fail(what, ": bad shape in header");
    }
  }
  DType dt;
  if (descr == "<f4") dt = DType::Float32;
  else if (descr == "<f2") dt = DType::Float16;
  else if (descr == "<i8") dt = DType::Int64;
  else if (descr == "<i4") dt = DType::Int32;
  else if (descr == "|i1") dt = DType::Int8;
  else if (descr == "|u1") dt = DType::UInt8;
  else if (descr == "|b1") dt = DType::Bool;
  else fail(what, ": dtype ", descr, " is not supported");
  Tensor t(dt, shape);
  size_t start = off + hlen;
  if (b.size() - start < t.bytes()) fail(what, ": data is truncated (", b.size() - start, " of ", t.bytes(), " bytes)");
  std::memcpy(t.raw(), b.data() + start, t.bytes());
  return t;
}

Tensor read_npy(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  if (!f) fail("cannot open ", path);
  std::string b((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
  return parse_npy(b, path);
}

void write_npy(const std::string& path, const Tensor& t) {
  const char* descr = "<f4";
  switch (t.dtype()) {
    case DType::Float32: descr = "<f4"; break;
    case DType::Float16: descr = "<f2"; break;
    case DType::Int64: descr = "<i8"; break;
    case DType::Int32: descr = "<i4"; break;
    case DType::Int8: descr = "|i1"; break;
    case DType::UInt8: descr = "|u1"; break;
    case DType::Bool: descr = "|b1"; break;
  }
  std::string shape = "(";
  for (int i = 0; i < t.rank(); ++i) shape += std::to_string(t.dim(i)) + (t.rank() == 1 || i + 1 < t.rank() ? "," : "");
  shape += ")";
  std::string header = std::string("{'descr': '") + descr + "', 'fortran_order': False, 'shape': " + shape + ", }";
  size_t total = 10 + header.size() + 1;
  header += std::string((64 - total % 64) % 64, ' ') + "\n";
  std::ofstream f(path, std::ios::binary);
  if (!f) fail("cannot write ", path);
  f.write("\x93NUMPY\x01\x00", 8);
  uint16_t hl = static_cast<uint16_t>(header.size());
  f.write(reinterpret_cast<const char*>(&hl), 2);
  f.write(header.data(), header.size());
  f.write(static_cast<const char*>(t.raw()), t.bytes());
  if (!f) fail("error writing ", path);
}

}  // namespace ppocr::io
