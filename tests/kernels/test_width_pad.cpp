// WidthPadding (engine/width_pad.h): a recogniser-like graph (strided convs,
// a squeeze-and-excitation block, a residual, pooling, a head over the
// columns) run on a narrow tensor with the averages corrected gives the
// columns of the full-width run; graphs that are not width-local are refused.
#include <gtest/gtest.h>

#include <random>

#include "engine/executor.h"
#include "engine/model.h"
#include "engine/passes/passes.h"
#include "engine/width_pad.h"

using namespace ppocr::engine;

namespace {

Tensor random_tensor(Shape s, std::mt19937& rng, float scale = 0.5f) {
  Tensor t(DType::Float32, s);
  std::uniform_real_distribution<float> d(-scale, scale);
  for (int64_t i = 0; i < t.numel(); ++i) t.data<float>()[i] = d(rng);
  return t;
}

// x [N,3,8,W] -> conv 3x3 s2 (Relu) -> dw conv 3x3 -> SE (mean, 1x1, Relu, 1x1, HardSigmoid, Mul)
// -> 1x3 conv s(1,2) + residual 1x1 s(1,2) -> AveragePool (4,2) -> Squeeze -> Transpose -> MatMul -> Softmax.
Graph recogniser_like(std::mt19937& rng, bool extra_op = false) {
  Graph g;
  int x = g.add_value("x");
  g.values[x].has_shape = true;
  g.values[x].shape = {-1, 3, 8, -1};
  g.inputs = {x};
  auto conv = [&](const std::string& name, int in, int cin, int cout, std::vector<int64_t> k, std::vector<int64_t> s,
                  std::vector<int64_t> pads, int group = 1) {
    int w = g.add_constant(name + ".w", random_tensor({cout, cin / group, k[0], k[1]}, rng));
    int b = g.add_constant(name + ".b", random_tensor({cout}, rng, 0.1f));
    int y = g.add_value(name + ".y");
    Node& n = g.add_node("Conv", name, {in, w, b}, {y});
    n.attrs.set("kernel_shape", k);
    n.attrs.set("strides", s);
    n.attrs.set("pads", pads);
    n.attrs.set("group", int64_t(group));
    return y;
  };
  auto unary = [&](const std::string& op, int in) {
    int y = g.add_value(op + std::to_string(in));
    g.add_node(op, op + std::to_string(in), {in}, {y});
    return y;
  };
  int c1 = unary("Relu", conv("c1", x, 3, 8, {3, 3}, {2, 2}, {1, 1, 1, 1}));
  int c2 = conv("c2", c1, 8, 8, {3, 3}, {1, 1}, {1, 1, 1, 1}, 8);
  int m = g.add_value("mean");
  Node& rm = g.add_node("GlobalAveragePool", "gap", {c2}, {m});
  (void)rm;
  int s1 = unary("Relu", conv("se1", m, 8, 4, {1, 1}, {1, 1}, {0, 0, 0, 0}));
  int s2 = unary("HardSigmoid", conv("se2", s1, 4, 8, {1, 1}, {1, 1}, {0, 0, 0, 0}));
  int se = g.add_value("se");
  g.add_node("Mul", "se_mul", {c2, s2}, {se});
  int c3 = conv("c3", se, 8, 8, {1, 3}, {1, 2}, {0, 1, 0, 1});
  int c4 = conv("c4", se, 8, 8, {1, 1}, {1, 2}, {0, 0, 0, 0});
  int sum = g.add_value("sum");
  g.add_node("Add", "res", {c3, c4}, {sum});
  int pooled = g.add_value("pooled");
  Node& ap = g.add_node("AveragePool", "pool", {sum}, {pooled});
  ap.attrs.set("kernel_shape", std::vector<int64_t>{4, 2});
  ap.attrs.set("strides", std::vector<int64_t>{4, 2});
  int axes = g.add_constant("axes", Tensor::from_vector<int64_t>({1}, {2}));
  int sq = g.add_value("sq");
  g.add_node("Squeeze", "squeeze", {pooled, axes}, {sq});
  int tr = g.add_value("tr");
  g.add_node("Transpose", "transpose", {sq}, {tr}).attrs.set("perm", std::vector<int64_t>{0, 2, 1});
  if (extra_op) {  // the columns times themselves (attention-like): not width-local
    int tt = g.add_value("tt");
    g.add_node("Transpose", "t2", {tr}, {tt}).attrs.set("perm", std::vector<int64_t>{0, 2, 1});
    int att = g.add_value("att");
    g.add_node("MatMul", "att", {tr, tt}, {att});
    g.outputs = {att};
    return g;
  }
  int wm = g.add_constant("head.w", random_tensor({8, 5}, rng));
  int logits = g.add_value("logits");
  g.add_node("MatMul", "head", {tr, wm}, {logits});
  int y = g.add_value("y");
  g.add_node("Softmax", "softmax", {logits}, {y}).attrs.set("axis", int64_t(-1));
  g.outputs = {y};
  return g;
}

// Content in columns [0, c), zeros after.
Tensor crop(int c, int width, std::mt19937& rng) {
  Tensor t(DType::Float32, {1, 3, 8, width});
  std::uniform_real_distribution<float> d(-1.f, 1.f);
  float* p = t.data<float>();
  for (int ch = 0; ch < 3; ++ch)
    for (int h = 0; h < 8; ++h)
      for (int w = 0; w < width; ++w) p[(ch * 8 + h) * width + w] = w < c ? d(rng) : 0.f;
  return t;
}

// Crop copied into a tensor `width` wide (more zeros, or fewer).
Tensor rewidth(const Tensor& t, int width) {
  const int64_t W = t.dim(3);
  Tensor o(DType::Float32, {1, 3, 8, width});
  for (int64_t r = 0; r < 3 * 8; ++r)
    for (int w = 0; w < width; ++w) o.data<float>()[r * width + w] = w < W ? t.data<float>()[r * W + w] : 0.f;
  return o;
}

}  // namespace

TEST(WidthPadding, NarrowRunsGiveTheFullWidthColumns) {
  for (bool fast : {true, false}) {
    std::mt19937 rng(7);
    Graph g = recogniser_like(rng);
    g.topo_sort();
    optimize_graph(g);
    g.topo_sort();
    std::string why;
    auto wp = WidthPadding::attach(g, &why);
    ASSERT_TRUE(wp) << why;
    EXPECT_EQ(wp->stride(), 8);
    EXPECT_EQ(wp->pools(), 1);
    EXPECT_EQ(wp->output_axis(), 1);
    ModelOptions mo;
    mo.optimize = false;
    mo.fast_kernels = fast;
    auto model = Model::from_graph(g, mo);
    auto run = [&](const Tensor& x, const std::vector<float>& pad) {
      return model->run(std::vector<Tensor>{x, Tensor::from_vector<float>({1, 1, 2}, pad)}).at(0);
    };
    int checked = 0;
    for (int c : {5, 17, 40}) {
      for (int extra : {60, 61, 66, 93, 150}) {
        const int full = c + extra;
        auto far_full = wp->far_columns(c, full);
        if (!far_full) continue;
        Tensor x_full = crop(c, full, rng);
        Tensor y_full = run(x_full, {0.f, 0.f});
        ASSERT_EQ(y_full.dim(1), far_full->out_width);
        // Every narrower (and a wider) width with the same remainder that has far columns.
        for (int w = full - (full - c) / 8 * 8; w <= full + 16; w += 8) {
          auto far = wp->far_columns(c, w);
          if (!far) continue;
          Tensor y = run(rewidth(x_full, w), {float(far->pool_col[0]), float(far_full->pool_width[0] - far->pool_width[0])});
          const int T = static_cast<int>(y.dim(1)), T_full = static_cast<int>(y_full.dim(1));
          ASSERT_EQ(T, far->out_width);
          float worst = 0;
          for (int t = 0; t < T; ++t) {
            // Columns right of the far one are T_full - T further right in the full run; a run wider than
            // the full one has that many more copies of the far column.
            const int tf = t <= far->out_col ? t : std::max(far->out_col, t + (T_full - T));
            for (int k = 0; k < 5; ++k)
              worst = std::max(worst, std::abs(y.data<float>()[t * 5 + k] - y_full.data<float>()[tf * 5 + k]));
          }
          EXPECT_LT(worst, 1e-5f) << "content " << c << " full " << full << " run " << w << " fast " << fast;
          // The far columns of the full run are all equal.
          for (int t = far_full->out_col; t <= far_full->out_col + (T_full - T); ++t)
            for (int k = 0; k < 5; ++k)
              EXPECT_NEAR(y_full.data<float>()[t * 5 + k], y_full.data<float>()[far_full->out_col * 5 + k], 1e-6f);
          ++checked;
        }
      }
    }
    EXPECT_GE(checked, 20);
    // Without far columns (content up to the border) there is nothing to leave out.
    EXPECT_FALSE(wp->far_columns(40, 41));
    EXPECT_FALSE(wp->far_columns(40, 30));
  }
}

TEST(WidthPadding, RefusesGraphsThatMixColumns) {
  std::mt19937 rng(3);
  Graph g = recogniser_like(rng, /*extra_op=*/true);
  g.topo_sort();
  optimize_graph(g);
  g.topo_sort();
  const size_t inputs = g.inputs.size();
  std::string why;
  EXPECT_FALSE(WidthPadding::attach(g, &why));
  EXPECT_NE(why.find("MatMul"), std::string::npos) << why;
  EXPECT_EQ(g.inputs.size(), inputs);  // left alone
}

// ChannelMul between layouts (the transposing paths work in blocks of pixels): every element as X * (S + r).
TEST(ChannelMulLayouts, BlockedTransposeMatchesElementwise) {
  std::mt19937 rng(11);
  for (int64_t C : {3, 16, 70})
    for (auto [H, W] : {std::pair<int64_t, int64_t>{7, 23}, {1, 64}, {9, 130}})
      for (bool x_nhwc : {true, false})
        for (int64_t residual : {0, 1}) {
          const int64_t N = 2;
          Tensor x = random_tensor(x_nhwc ? Shape{N, H, W, C} : Shape{N, C, H, W}, rng);
          Tensor s = random_tensor({N, C, 1, 1}, rng);
          Node n;
          n.op = "ChannelMul";
          n.name = "cm";
          n.inputs = {0, 1};
          n.outputs = {2};
          n.attrs.set(x_nhwc ? "x_layout" : "y_layout", std::string("NHWC"));
          n.attrs.set("residual", residual);
          ExecOptions eo;
          Tensor y = run_node(n, {&x, &s}, eo).at(0);
          const Shape want = x_nhwc ? Shape{N, C, H, W} : Shape{N, H, W, C};
          ASSERT_EQ(y.shape(), want);
          for (int64_t b = 0; b < N; ++b)
            for (int64_t k = 0; k < C; ++k)
              for (int64_t q = 0; q < H * W; ++q) {
                const int64_t nchw = (b * C + k) * H * W + q, nhwc = (b * H * W + q) * C + k;
                const float xv = x.data<float>()[x_nhwc ? nhwc : nchw];
                const float yv = y.data<float>()[x_nhwc ? nchw : nhwc];
                ASSERT_EQ(yv, xv * (s.data<float>()[b * C + k] + float(residual))) << C << " " << H << "x" << W;
              }
        }
}
