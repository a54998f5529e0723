// ONNX importer: small models written with the ONNX protobuf classes, covering
// old-opset normalisation, initializer types and sizes, Constant nodes,
// inputs that are initializers, dynamic dims, and the errors.
#include <onnx/onnx_pb.h>

#include <cstring>
#include <filesystem>
#include <fstream>

#include "common/shared.h"
#include "engine/model.h"
#include "formats/importers.h"
#include "op_util.h"

using namespace ot;
using ppocr::Error;

namespace {

struct Builder {
  onnx::ModelProto m;
  onnx::GraphProto* g;
  explicit Builder(int64_t opset) {
    m.set_ir_version(7);
    auto* o = m.add_opset_import();
    o->set_domain("");
    o->set_version(opset);
    g = m.mutable_graph();
    g->set_name("test");
  }
  // dims < 0 -> dim_param
  void input(const std::string& name, std::vector<int64_t> dims, int type = onnx::TensorProto::FLOAT) {
    value(g->add_input(), name, dims, type);
  }
  void output(const std::string& name) {
    auto* v = g->add_output();
    v->set_name(name);
    v->mutable_type()->mutable_tensor_type()->set_elem_type(onnx::TensorProto::FLOAT);
  }
  static void value(onnx::ValueInfoProto* v, const std::string& name, std::vector<int64_t> dims, int type) {
    v->set_name(name);
    auto* tt = v->mutable_type()->mutable_tensor_type();
    tt->set_elem_type(type);
    for (int64_t d : dims) {
      auto* dim = tt->mutable_shape()->add_dim();
      if (d >= 0) dim->set_dim_value(d);
      else dim->set_dim_param("N");
    }
  }
  onnx::NodeProto* node(const std::string& op, std::vector<std::string> ins, std::vector<std::string> outs) {
    auto* n = g->add_node();
    n->set_op_type(op);
    n->set_name(op + "_" + std::to_string(g->node_size()));
    for (auto& i : ins) n->add_input(i);
    for (auto& o : outs) n->add_output(o);
    return n;
  }
  onnx::TensorProto* init_f32(const std::string& name, std::vector<int64_t> dims, std::vector<float> v) {
    auto* t = g->add_initializer();
    t->set_name(name);
    t->set_data_type(onnx::TensorProto::FLOAT);
    for (int64_t d : dims) t->add_dims(d);
    for (float x : v) t->add_float_data(x);
    return t;
  }
  onnx::TensorProto* init_i64(const std::string& name, std::vector<int64_t> v) {
    auto* t = g->add_initializer();
    t->set_name(name);
    t->set_data_type(onnx::TensorProto::INT64);
    t->add_dims(static_cast<int64_t>(v.size()));
    t->set_raw_data(std::string(reinterpret_cast<const char*>(v.data()), v.size() * 8));
    return t;
  }
  std::string save(const std::string& tag) {
    std::string dir = ppocr::test::temp_dir("onnx_import_" + tag);
    std::string file = dir + "/inference.onnx";
    std::ofstream f(file, std::ios::binary);
    m.SerializeToOstream(&f);
    return file;
  }
  std::shared_ptr<Model> load(const std::string& tag) {
    return Model::from_graph(ppocr::formats::import_onnx(save(tag)), {}, "onnx");
  }
};

void attr_i(onnx::NodeProto* n, const std::string& k, int64_t v) {
  auto* a = n->add_attribute();
  a->set_name(k);
  a->set_type(onnx::AttributeProto::INT);
  a->set_i(v);
}
void attr_f(onnx::NodeProto* n, const std::string& k, float v) {
  auto* a = n->add_attribute();
  a->set_name(k);
  a->set_type(onnx::AttributeProto::FLOAT);
  a->set_f(v);
}
void attr_s(onnx::NodeProto* n, const std::string& k, const std::string& v) {
  auto* a = n->add_attribute();
  a->set_name(k);
  a->set_type(onnx::AttributeProto::STRING);
  a->set_s(v);
}
void attr_ints(onnx::NodeProto* n, const std::string& k, std::vector<int64_t> v) {
  auto* a = n->add_attribute();
  a->set_name(k);
  a->set_type(onnx::AttributeProto::INTS);
  for (int64_t x : v) a->add_ints(x);
}

Tensor run1(const std::shared_ptr<Model>& m, const Tensor& x) { return m->run(std::vector<Tensor>{x})[0]; }

std::string error_of(Builder& b, const std::string& tag) {
  try {
    b.load(tag);
  } catch (const Error& e) {
    return e.what();
  }
  return "";
}

}  // namespace

TEST(OnnxImport, UpsampleOpset9BecomesResize) {
  Builder b(9);
  b.input("x", {1, 1, 2, 2});
  b.init_f32("scales", {4}, {1, 1, 2, 2});
  attr_s(b.node("Upsample", {"x", "scales"}, {"y"}), "mode", "nearest");
  b.output("y");
  auto m = b.load("upsample");
  EXPECT_EQ(m->graph().op_histogram().count("Resize"), 1u);
  expect_values(run1(m, iota({1, 1, 2, 2})), {1, 1, 4, 4}, {0, 0, 1, 1, 0, 0, 1, 1, 2, 2, 3, 3, 2, 2, 3, 3});
}

TEST(OnnxImport, ClipSlicePadSqueezeAttributesOfOldOpsets) {
  Builder b(7);
  b.input("x", {2, 4});
  auto* clip = b.node("Clip", {"x"}, {"c"});
  attr_f(clip, "min", 1.f);
  attr_f(clip, "max", 5.f);
  auto* sl = b.node("Slice", {"c"}, {"s"});
  attr_ints(sl, "starts", {1});
  attr_ints(sl, "ends", {100});
  attr_ints(sl, "axes", {1});
  auto* pad = b.node("Pad", {"s"}, {"p"});
  attr_ints(pad, "pads", {0, 1, 0, 0});
  attr_f(pad, "value", -1.f);
  auto* un = b.node("Unsqueeze", {"p"}, {"u"});
  attr_ints(un, "axes", {0});
  auto* sq = b.node("Squeeze", {"u"}, {"y"});
  attr_ints(sq, "axes", {0});
  b.output("y");
  auto m = b.load("old_attrs");
  expect_values(run1(m, iota({2, 4})), {2, 4}, {-1, 1, 2, 3, -1, 5, 5, 5});
}

TEST(OnnxImport, SplitAttributeAndSoftmaxCoercionOfOpset11) {
  Builder b(11);
  b.input("x", {1, 2, 3});
  auto* sp = b.node("Split", {"x"}, {"a", "bb"});
  attr_i(sp, "axis", 2);
  attr_ints(sp, "split", {1, 2});
  b.node("Softmax", {"bb"}, {"y"});  // opset 11: axis 1, over dims 1.. as one row
  b.output("y");
  b.output("a");
  auto m = b.load("split_softmax");
  auto out = m->run(std::vector<Tensor>{iota({1, 2, 3})});
  ASSERT_EQ(out[0].shape(), (Shape{1, 2, 2}));
  float sum = 0;
  for (int i = 0; i < 4; ++i) sum += out[0].data<float>()[i];
  EXPECT_NEAR(sum, 1.f, 1e-6);
  expect_values(out[1], {1, 2, 1}, {0, 3});
}

TEST(OnnxImport, Fp16AndInt8InitializersAndConstants) {
  Builder b(13);
  b.input("x", {-1, 3});
  auto* h = b.g->add_initializer();
  h->set_name("h");
  h->set_data_type(onnx::TensorProto::FLOAT16);
  h->add_dims(3);
  uint16_t hv[3] = {0x3c00, 0xc000, 0x3800};  // 1, -2, 0.5
  h->set_raw_data(std::string(reinterpret_cast<const char*>(hv), 6));
  auto* h2 = b.g->add_initializer();  // fp16 through int32_data
  h2->set_name("h2");
  h2->set_data_type(onnx::TensorProto::FLOAT16);
  h2->add_dims(1);
  h2->add_int32_data(0x4200);  // 3
  auto* q = b.g->add_initializer();
  q->set_name("q");
  q->set_data_type(onnx::TensorProto::INT8);
  q->add_dims(3);
  q->set_raw_data(std::string("\x04\xfc\x00", 3));  // 4, -4, 0
  b.init_f32("qs", {}, {0.25f});
  auto* c = b.node("Constant", {}, {"k"});
  auto* a = c->add_attribute();
  a->set_name("value_float");
  a->set_type(onnx::AttributeProto::FLOAT);
  a->set_f(10.f);
  attr_i(b.node("Cast", {"x"}, {"x16"}), "to", onnx::TensorProto::FLOAT16);
  b.node("Mul", {"x16", "h"}, {"m"});
  b.node("Add", {"m", "h2"}, {"a1"});
  b.node("DequantizeLinear", {"q", "qs"}, {"dq"});
  b.node("Add", {"a1", "dq"}, {"a2"});
  b.node("Add", {"a2", "k"}, {"a3"});
  attr_i(b.node("Cast", {"a3"}, {"y"}), "to", onnx::TensorProto::FLOAT);
  b.output("y");
  auto m = b.load("fp16");
  // x * [1,-2,0.5] + 3 + [1,-1,0] + 10
  expect_values(run1(m, f32({1, 3}, {1, 1, 2})), {1, 3}, {15, 10, 14});
  EXPECT_EQ(m->graph().values[m->graph().inputs[0]].shape, (Shape{-1, 3}));
  EXPECT_EQ(m->graph().op_histogram().count("DequantizeLinear"), 0u);  // folded into a constant
}

TEST(OnnxImport, InitializerListedAsInputIsAConstant) {
  Builder b(13);
  b.input("x", {2});
  b.input("w", {2});
  b.init_f32("w", {2}, {3, 4});
  b.node("Mul", {"x", "w"}, {"y"});
  b.output("y");
  auto m = b.load("init_input");
  ASSERT_EQ(m->input_names(), (std::vector<std::string>{"x"}));
  expect_values(run1(m, f32({2}, {1, 2})), {2}, {3, 8});
}

TEST(OnnxImport, ShapeSubgraphWithInt64Initializers) {
  Builder b(13);
  b.input("x", {-1, 2, 3});
  b.init_i64("zero", {0});
  b.init_i64("shape_tail", {-1});
  b.node("Shape", {"x"}, {"s"});
  attr_i(b.node("Gather", {"s", "zero"}, {"n"}), "axis", 0);
  attr_i(b.node("Concat", {"n", "shape_tail"}, {"ns"}), "axis", 0);
  b.node("Reshape", {"x", "ns"}, {"y"});
  b.output("y");
  auto m = b.load("shape_subgraph");
  EXPECT_EQ(run1(m, iota({4, 2, 3})).shape(), (Shape{4, 6}));
}

TEST(OnnxImport, Errors) {
  {
    Builder b(13);
    b.input("x", {2});
    b.node("FooBar", {"x"}, {"y"});
    b.output("y");
    std::string e = error_of(b, "unknown_op");
    EXPECT_NE(e.find("FooBar"), std::string::npos) << e;
    EXPECT_NE(e.find("FooBar_1"), std::string::npos) << e;  // the node's name
  }
  {
    Builder b(13);
    b.input("x", {3});
    b.init_f32("w", {4}, {1, 2, 3});  // 3 values for 4 elements
    b.node("Add", {"x", "w"}, {"y"});
    b.output("y");
    EXPECT_NE(error_of(b, "bad_size").find("'w'"), std::string::npos);
  }
  {
    Builder b(13);
    b.input("x", {2});
    auto* t = b.init_f32("w", {2}, {});
    t->set_raw_data(std::string(7, '\0'));  // 7 bytes for 2 floats
    b.node("Add", {"x", "w"}, {"y"});
    b.output("y");
    EXPECT_NE(error_of(b, "bad_raw").find("raw_data"), std::string::npos);
  }
  {
    Builder b(13);
    b.input("x", {2});
    auto* t = b.init_f32("w", {2}, {});
    t->set_data_location(onnx::TensorProto::EXTERNAL);
    auto* kv = t->add_external_data();
    kv->set_key("location");
    kv->set_value("weights.bin");
    b.node("Add", {"x", "w"}, {"y"});
    b.output("y");
    EXPECT_NE(error_of(b, "external").find("external"), std::string::npos);
  }
  {
    Builder b(13);
    b.input("x", {2});
    auto* n = b.node("Relu", {"x"}, {"y"});
    n->set_domain("com.microsoft");
    b.output("y");
    EXPECT_NE(error_of(b, "domain").find("com.microsoft"), std::string::npos);
  }
  {
    Builder b(13);
    b.input("x", {2});
    b.node("Relu", {"missing"}, {"y"});
    b.output("y");
    EXPECT_NE(error_of(b, "missing_input").find("missing"), std::string::npos);
  }
  {
    Builder b(13);
    b.input("x", {2});
    b.node("Relu", {"x"}, {"y"});
    b.node("Relu", {"x"}, {"y"});
    b.output("y");
    EXPECT_NE(error_of(b, "twice").find("already produced"), std::string::npos);
  }
  {
    Builder b(13);
    b.input("x", {2, 3});
    b.init_i64("shape", {4, 4});
    b.node("Reshape", {"x", "shape"}, {"y"});
    b.output("y");
    auto m = b.load("bad_reshape");
    EXPECT_THROW(run1(m, iota({2, 3})), Error);
  }
}
