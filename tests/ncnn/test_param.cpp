// The .param parser and the .bin reader on small hand-written inputs.
#include <gtest/gtest.h>

#include <cstring>

#include "engine/error.h"
#include "engine/tensor.h"
#include "formats/ncnn/bin.h"
#include "formats/ncnn/param.h"

using namespace ppocr::formats::ncnn;

namespace {

std::string error_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const ppocr::Error& e) {
    return e.what();
  }
  return "";
}

void put_u32(std::vector<uint8_t>& v, uint32_t x) {
  uint8_t b[4];
  std::memcpy(b, &x, 4);
  v.insert(v.end(), b, b + 4);
}
void put_f32(std::vector<uint8_t>& v, float x) {
  uint32_t u;
  std::memcpy(&u, &x, 4);
  put_u32(v, u);
}

}  // namespace

TEST(NcnnParam, ParsesLayersIntsFloatsAndArrays) {
  std::string text =
      "7767517\n"
      "3 4\n"
      "Input            in0   0 1 in0\n"
      "Reduction        mean  1 1 in0 1 0=3 1=0 -23303=2,1,-1 4=1 2=2.5e-1\n"
      "BinaryOp         add   1 2 1 2 3 0=0 1=1 2=-3.40282347e38 -23305=3,0.5,1,2\n";
  ParamFile pf = parse_param(text, "t.param");
  ASSERT_EQ(pf.layers.size(), 3u);
  EXPECT_EQ(pf.layer_count, 3);
  EXPECT_EQ(pf.blob_count, 4);
  const Layer& r = pf.layers[1];
  EXPECT_EQ(r.type, "Reduction");
  EXPECT_EQ(r.name, "mean");
  EXPECT_EQ(r.line, 4);
  EXPECT_EQ(r.bottoms, std::vector<std::string>{"in0"});
  EXPECT_EQ(r.tops, std::vector<std::string>{"1"});
  EXPECT_EQ(r.geti(0, 0), 3);
  EXPECT_EQ(r.geti(1, 1), 0);
  EXPECT_EQ(r.ints(3), (std::vector<int64_t>{1, -1}));
  EXPECT_FLOAT_EQ(r.getf(2, 1.f), 0.25f);
  EXPECT_EQ(r.geti(7, 42), 42);  // default
  const Layer& b = pf.layers[2];
  EXPECT_EQ(b.tops.size(), 2u);
  EXPECT_FLOAT_EQ(b.getf(2, 0.f), -3.40282347e38f);
  EXPECT_EQ(b.floats(5), (std::vector<float>{0.5f, 1.f, 2.f}));  // array with one float -> float array
  EXPECT_FLOAT_EQ(b.getf(1, 0.f), 1.f);                         // int read as float
  EXPECT_NE(error_of([&] { b.ints(5); }).find("integer array"), std::string::npos);
}

TEST(NcnnParam, ErrorsNameFileAndLine) {
  auto err = [](const std::string& t) { return error_of([&] { parse_param(t, "m.param"); }); };
  EXPECT_NE(err("").find("m.param"), std::string::npos);
  EXPECT_NE(err("1234\n1 1\n").find("magic"), std::string::npos);
  EXPECT_NE(err("7767517\nx y\n").find("m.param:2"), std::string::npos);
  EXPECT_NE(err("7767517\n2 2\nInput in 0 1 a\n").find("truncated"), std::string::npos);
  EXPECT_NE(err("7767517\n2 2\nInput in 0 1 a\nReLU r 1 1 zz b\n").find("m.param:4"), std::string::npos);
  EXPECT_NE(err("7767517\n2 2\nInput in 0 1 a\nReLU r 1 1 a b 0=1.x\n").find("bad float"), std::string::npos);
  EXPECT_NE(err("7767517\n2 2\nInput in 0 1 a\nReLU r 1 1 a b -23300=3,1,2\n").find("element count"),
            std::string::npos);
  EXPECT_NE(err("7767517\n2 2\nInput in 0 1 a\nReLU r 1 1 a b 99=1\n").find("out of range"), std::string::npos);
  EXPECT_NE(err("7767517\n2 2\nInput in 0 1 a\nReLU r 1 1 a a\n").find("produced twice"), std::string::npos);
  EXPECT_NE(err("7767517\n2 2\nInput in 0 1 a\nReLU r 1 5 a b\n").find("short"), std::string::npos);
  EXPECT_NE(err("7767517\n2 1\nInput in 0 1 a\nReLU r 1 1 a b\n").find("blob_count"), std::string::npos);
  EXPECT_NE(err("7767517\n-1 1\n").find("implausible"), std::string::npos);
}

TEST(NcnnBin, ReadsTaggedAndRawBlobs) {
  std::vector<uint8_t> d;
  put_u32(d, 0);  // fp32
  put_f32(d, 1.5f);
  put_f32(d, -2.f);
  put_u32(d, 0x01306B47);  // fp16, 3 values + 2 bytes padding
  for (float f : {0.5f, -1.f, 65504.f}) {
    uint16_t h = ppocr::engine::float_to_half(f);
    d.push_back(static_cast<uint8_t>(h & 0xff));
    d.push_back(static_cast<uint8_t>(h >> 8));
  }
  d.push_back(0), d.push_back(0);
  put_u32(d, 0x000D4B38);  // int8, 2 values + padding
  d.push_back(static_cast<uint8_t>(-7)), d.push_back(100), d.push_back(0), d.push_back(0);
  put_u32(d, 0x00010203);  // quantisation table
  for (int i = 0; i < 256; ++i) put_f32(d, i * 0.25f);
  d.push_back(4), d.push_back(255), d.push_back(0), d.push_back(0);
  put_f32(d, 9.f);  // raw (type 1)
  WeightReader r(d, "w.bin");
  StoredAs s;
  EXPECT_EQ(r.load(2, 0, "a", &s), (std::vector<float>{1.5f, -2.f}));
  EXPECT_EQ(s, StoredAs::Float32);
  EXPECT_EQ(r.load(3, 0, "b", &s), (std::vector<float>{0.5f, -1.f, 65504.f}));
  EXPECT_EQ(s, StoredAs::Float16);
  EXPECT_EQ(r.load(2, 0, "c", &s), (std::vector<float>{-7.f, 100.f}));
  EXPECT_EQ(s, StoredAs::Int8);
  EXPECT_EQ(r.load(2, 0, "d", &s), (std::vector<float>{1.f, 63.75f}));
  EXPECT_EQ(s, StoredAs::Table);
  EXPECT_EQ(r.load(1, 1, "e"), (std::vector<float>{9.f}));
  EXPECT_EQ(r.offset(), d.size());
  std::string e = error_of([&] { r.load(1, 1, "layer X 'x' (line 7): bias_data"); });
  EXPECT_NE(e.find("w.bin"), std::string::npos);
  EXPECT_NE(e.find("line 7"), std::string::npos);
  EXPECT_NE(e.find("truncated"), std::string::npos);
  WeightReader r2(d, "w.bin");
  EXPECT_NE(error_of([&] { r2.load(int64_t(1) << 40, 0, "huge"); }).find("implausible"), std::string::npos);
  EXPECT_NE(error_of([&] { r2.load(-3, 1, "neg"); }).find("implausible"), std::string::npos);
}
