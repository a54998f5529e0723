#include <gtest/gtest.h>

#include <chrono>
#include <cmath>
#include <thread>

#include "engine/executor.h"
#include "engine/model.h"
#include "engine/tensor.h"

using namespace ppocr::engine;

TEST(Tensor, HalfRoundTrip) {
  for (float v : {0.f, 1.f, -2.5f, 65504.f, 1e-5f, 3.14159f, -0.0001f}) {
    float back = half_to_float(float_to_half(v));
    EXPECT_NEAR(back, v, std::abs(v) * 1e-3 + 1e-7) << v;
  }
  EXPECT_TRUE(std::isinf(half_to_float(float_to_half(1e6f))));
}

TEST(Tensor, ShapeChecks) {
  EXPECT_THROW(Tensor(DType::Float32, {2, -1}), ppocr::Error);
  Tensor t(DType::Float32, {2, 3});
  EXPECT_EQ(t.numel(), 6);
  EXPECT_THROW(t.reshaped({4}), ppocr::Error);
  EXPECT_THROW(t.data<int64_t>(), ppocr::Error);
  EXPECT_EQ(t.reshaped({3, 2}).dim(-1), 2);
}

TEST(Graph, TopoSortAndDeadNodes) {
  Graph g;
  int x = g.add_value("x");
  g.inputs = {x};
  int a = g.add_value("a"), b = g.add_value("b"), dead = g.add_value("dead");
  g.add_node("Identity", "n2", {a}, {b});
  g.add_node("Identity", "n1", {x}, {a});
  g.add_node("Identity", "n3", {x}, {dead});
  g.outputs = {b};
  g.topo_sort();
  EXPECT_EQ(g.nodes[0].name, "n1");
  g.remove_dead();
  EXPECT_EQ(g.nodes.size(), 2u);
  auto m = Model::from_graph(g);
  Tensor in = Tensor::from_vector<float>({2}, {1.f, 2.f});
  auto out = m->run(std::vector<Tensor>{in});
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].data<float>()[1], 2.f);
}

TEST(Graph, RejectsCyclesAndUnknownOps) {
  Graph g;
  int x = g.add_value("x");
  g.inputs = {x};
  int a = g.add_value("a"), b = g.add_value("b");
  g.add_node("Identity", "n1", {b}, {a});
  g.add_node("Identity", "n2", {a}, {b});
  g.outputs = {b};
  EXPECT_THROW(g.topo_sort(), ppocr::Error);
  Graph h;
  int y = h.add_value("y");
  h.inputs = {y};
  int z = h.add_value("z");
  h.add_node("NoSuchOp", "bad", {y}, {z});
  h.outputs = {z};
  try {
    Model::from_graph(h);
    FAIL();
  } catch (const ppocr::Error& e) {
    EXPECT_NE(std::string(e.what()).find("NoSuchOp"), std::string::npos);
  }
}

TEST(PrimitiveCache, EvictsLeastRecentlyUsed) {
  PrimitiveCache c(2);
  int made = 0;
  auto mk = [&] { ++made; return std::make_shared<int>(made); };
  c.get_or_create("a", mk);
  c.get_or_create("b", mk);
  c.get_or_create("a", mk);  // hit
  c.get_or_create("c", mk);  // evicts b
  EXPECT_EQ(made, 3);
  EXPECT_EQ(c.size(), 2u);
  c.get_or_create("b", mk);
  EXPECT_EQ(made, 4);
}

// Call counts (which decide when a shape gets its own primitive) survive any number of cached objects.
TEST(PrimitiveCache, CountsAreNotEvicted) {
  PrimitiveCache c(2);
  EXPECT_EQ(c.count("conv|shape"), 1);
  for (int i = 0; i < 10; ++i) c.get_or_create("p" + std::to_string(i), [] { return std::make_shared<int>(0); });
  EXPECT_EQ(c.count("conv|shape"), 2);
  EXPECT_EQ(c.count("other"), 1);
  EXPECT_EQ(c.size(), 2u);
}

TEST(BufferPool, ReusesFreedBuffers) {
  auto pool = BufferPool::create();
  void* p1;
  {
    Tensor t(DType::Float32, {1000}, pool.get());
    p1 = t.raw();
  }
  EXPECT_GT(pool->cached_bytes(), 0u);
  Tensor t2(DType::Float32, {990}, pool.get());
  EXPECT_EQ(t2.raw(), p1);
}

TEST(BufferPool, TrimFreesBlocksUnusedSinceATick) {
  auto pool = BufferPool::create();
  pool->set_tick(1);
  { Tensor old(DType::Float32, {1 << 19}, pool.get()); }  // 2 MB: a mapped block
  pool->set_tick(5);
  { Tensor recent(DType::Float32, {1000}, pool.get()); }
  EXPECT_EQ(pool->cached_blocks(), 2u);
  EXPECT_EQ(pool->trim(1), 0u);  // nothing is older than tick 1
  EXPECT_GE(pool->trim(5), size_t(2) << 20);
  EXPECT_EQ(pool->cached_blocks(), 1u);
  // A block handed out again is stamped anew when it comes back.
  pool->set_tick(9);
  { Tensor again(DType::Float32, {1000}, pool.get()); }
  EXPECT_EQ(pool->trim(9), 0u);
  EXPECT_EQ(pool->cached_blocks(), 1u);
  EXPECT_GT(pool->trim(10), 0u);
  EXPECT_EQ(pool->cached_bytes(), 0u);
}

TEST(BufferPool, MappedBlocksAreAlignedAndReused) {
  auto pool = BufferPool::create();
  void* p1;
  {
    Tensor t(DType::Float32, {3 << 20}, pool.get());  // 12 MB
    p1 = t.raw();
    EXPECT_EQ(reinterpret_cast<uintptr_t>(p1) % 64, 0u);
    t.data<float>()[(3 << 20) - 1] = 1.f;  // the whole block is writable
  }
  Tensor t2(DType::Float32, {(3 << 20) - 100}, pool.get());
  EXPECT_EQ(t2.raw(), p1);
}

static std::shared_ptr<Model> square_of_double(int keep_ms) {
  Graph g;
  int x = g.add_value("x"), a = g.add_value("a"), y = g.add_value("y");
  g.inputs = {x};
  g.add_node("Add", "double", {x, x}, {a});
  g.add_node("Mul", "square", {a, a}, {y});
  g.outputs = {y};
  ModelOptions o;
  o.pool_keep_ms = keep_ms;
  return Model::from_graph(g, o);
}

TEST(Model, FreesBuffersNoRecentRunUsed) {
  auto ageing = square_of_double(300), keeping = square_of_double(-1);
  for (auto& m : {ageing, keeping}) {
    auto y = m->run({Tensor::zeros(DType::Float32, {1 << 20})});  // 4 MB tensors
    EXPECT_EQ(y[0].numel(), 1 << 20);
  }
  EXPECT_GE(ageing->cached_bytes(), size_t(4) << 20);
  EXPECT_GE(keeping->cached_bytes(), size_t(8) << 20);  // the intermediate and the output
  std::this_thread::sleep_for(std::chrono::milliseconds(400));
  for (auto& m : {ageing, keeping}) m->run({Tensor::zeros(DType::Float32, {16})});
  EXPECT_LT(ageing->cached_bytes(), size_t(1) << 20);  // only the small run's blocks are left
  EXPECT_GE(keeping->cached_bytes(), size_t(8) << 20);
}

TEST(Model, ReleaseBuffersFreesWhatIdleRunsKeep) {
  auto m = square_of_double(-1);
  m->run({Tensor::zeros(DType::Float32, {1 << 20})});
  EXPECT_GE(m->cached_bytes(), size_t(8) << 20);
  m->release_buffers();
  EXPECT_EQ(m->cached_bytes(), 0u);
  auto y = m->run({Tensor::from_vector<float>({2}, {1.f, 2.f})});  // runs as before
  EXPECT_EQ(y[0].to_f32(), (std::vector<float>{4.f, 16.f}));
}
