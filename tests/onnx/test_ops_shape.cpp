// Hand-checkable tests of the shape and data-movement operators.
#include "op_util.h"

using namespace ot;
using ppocr::Error;

TEST(ShapeOps, SliceNegativeIndicesAndSteps) {
  Tensor x = iota({10});
  expect_values(run("Slice", {}, {x, i64v({-1}), i64v({INT64_MIN}), i64v({0}), i64v({-2})})[0], {5}, {9, 7, 5, 3, 1});
  expect_values(run("Slice", {}, {x, i64v({2}), i64v({-3})})[0], {5}, {2, 3, 4, 5, 6});
  expect_values(run("Slice", {}, {x, i64v({100}), i64v({200})})[0], {0}, {});
  Tensor m = iota({3, 4});
  expect_values(run("Slice", {}, {m, i64v({1, 1}), i64v({100, 100}), i64v({0, -1}), i64v({1, 2})})[0], {2, 2},
                {5, 7, 9, 11});
  expect_values(run("Slice", {}, {m, i64v({0}), i64v({2}), i64v({0})})[0], {2, 4}, {0, 1, 2, 3, 4, 5, 6, 7});
  EXPECT_THROW(run("Slice", {}, {x, i64v({0}), i64v({5}), i64v({0}), i64v({0})}), Error);
  EXPECT_THROW(run("Slice", {}, {x, i64v({0}), i64v({5}), i64v({1})}), Error);
}

TEST(ShapeOps, GatherAxesAndNegativeIndices) {
  Tensor x = iota({2, 3});
  expect_values(run("Gather", attrs({{"axis", int64_t(1)}}), {x, i64v({-1, 0})})[0], {2, 2}, {2, 0, 5, 3});
  expect_values(run("Gather", {}, {x, i64({}, {1})})[0], {3}, {3, 4, 5});
  expect_values(run("Gather", {}, {x, i64({2, 1}, {1, 0})})[0], {2, 1, 3}, {3, 4, 5, 0, 1, 2});
  EXPECT_THROW(run("Gather", {}, {x, i64v({2})}), Error);
  EXPECT_THROW(run("Gather", attrs({{"axis", int64_t(2)}}), {x, i64v({0})}), Error);
}

TEST(ShapeOps, TransposeReshapeFlattenSqueeze) {
  Tensor x = iota({2, 3, 2});
  expect_values(run("Transpose", attrs({{"perm", std::vector<int64_t>{0, 2, 1}}}), {x})[0], {2, 2, 3},
                {0, 2, 4, 1, 3, 5, 6, 8, 10, 7, 9, 11});
  expect_values(run("Transpose", attrs({{"perm", std::vector<int64_t>{1, 0, 2}}}), {x})[0], {3, 2, 2},
                {0, 1, 6, 7, 2, 3, 8, 9, 4, 5, 10, 11});
  expect_values(run("Transpose", {}, {iota({2, 3})})[0], {3, 2}, {0, 3, 1, 4, 2, 5});
  EXPECT_THROW(run("Transpose", attrs({{"perm", std::vector<int64_t>{0, 0, 1}}}), {x}), Error);
  EXPECT_EQ(run("Reshape", {}, {x, i64v({0, -1})})[0].shape(), (Shape{2, 6}));
  EXPECT_EQ(run("Reshape", {}, {x, i64v({-1, 4})})[0].shape(), (Shape{3, 4}));
  EXPECT_THROW(run("Reshape", {}, {x, i64v({5, -1})}), Error);
  EXPECT_THROW(run("Reshape", {}, {x, i64v({2, 2})}), Error);
  EXPECT_THROW(run("Reshape", {}, {x, i64v({-1, -1})}), Error);
  EXPECT_EQ(run("Flatten", attrs({{"axis", int64_t(2)}}), {x})[0].shape(), (Shape{6, 2}));
  EXPECT_EQ(run("Flatten", attrs({{"axis", int64_t(0)}}), {x})[0].shape(), (Shape{1, 12}));
  Tensor y = iota({1, 3, 1});
  EXPECT_EQ(run("Squeeze", {}, {y})[0].shape(), (Shape{3}));
  EXPECT_EQ(run("Squeeze", {}, {y, i64v({-1})})[0].shape(), (Shape{1, 3}));
  EXPECT_THROW(run("Squeeze", {}, {y, i64v({1})}), Error);
  EXPECT_EQ(run("Unsqueeze", {}, {y, i64v({0, -1})})[0].shape(), (Shape{1, 1, 3, 1, 1}));
  EXPECT_EQ(run("Unsqueeze", attrs({{"axes", std::vector<int64_t>{1}}}), {y})[0].shape(), (Shape{1, 1, 3, 1}));
}

TEST(ShapeOps, ConcatAndSplit) {
  Tensor a = iota({2, 2}), b = f32({2, 1}, {10, 11});
  expect_values(run("Concat", attrs({{"axis", int64_t(-1)}}), {a, b})[0], {2, 3}, {0, 1, 10, 2, 3, 11});
  EXPECT_THROW(run("Concat", attrs({{"axis", int64_t(0)}}), {a, b}), Error);
  EXPECT_THROW(run("Concat", attrs({{"axis", int64_t(0)}}), {a, iota({4})}), Error);
  Tensor x = iota({2, 5});
  auto parts = run("Split", attrs({{"axis", int64_t(1)}}), {x, i64v({2, 3})}, false, 2);
  expect_values(parts[0], {2, 2}, {0, 1, 5, 6});
  expect_values(parts[1], {2, 3}, {2, 3, 4, 7, 8, 9});
  auto eq = run("Split", {}, {iota({4})}, false, 2);
  expect_values(eq[1], {2}, {2, 3});
  EXPECT_THROW(run("Split", attrs({{"axis", int64_t(1)}}), {x, i64v({2, 2})}, false, 2), Error);
}

TEST(ShapeOps, ShapeSizeCastTileExpandRange) {
  Tensor x = iota({2, 3, 4});
  EXPECT_EQ(run("Shape", {}, {x})[0].to_i64(), (std::vector<int64_t>{2, 3, 4}));
  EXPECT_EQ(run("Shape", attrs({{"start", int64_t(-2)}}), {x})[0].to_i64(), (std::vector<int64_t>{3, 4}));
  EXPECT_EQ(run("Size", {}, {x})[0].to_i64(), (std::vector<int64_t>{24}));
  Tensor c = run("Cast", attrs({{"to", int64_t(7)}}), {f32({3}, {1.7f, -1.7f, 3})})[0];
  EXPECT_EQ(c.dtype(), DType::Int64);
  EXPECT_EQ(c.to_i64(), (std::vector<int64_t>{1, -1, 3}));
  Tensor h = run("Cast", attrs({{"to", int64_t(10)}}), {f32({1}, {0.1f})})[0];
  EXPECT_EQ(h.dtype(), DType::Float32);  // fp16 models compute in fp32
  EXPECT_EQ(run("Cast", attrs({{"to", int64_t(9)}}), {f32({2}, {0, 2})})[0].to_i64(), (std::vector<int64_t>{0, 1}));
  expect_values(run("Tile", {}, {f32({1, 2}, {1, 2}), i64v({2, 2})})[0], {2, 4}, {1, 2, 1, 2, 1, 2, 1, 2});
  expect_values(run("Expand", {}, {f32({2, 1}, {1, 2}), i64v({2, 3})})[0], {2, 3}, {1, 1, 1, 2, 2, 2});
  EXPECT_EQ(run("Expand", {}, {f32({3}, {1, 2, 3}), i64v({2, 1, 1})})[0].shape(), (Shape{2, 1, 3}));
  EXPECT_THROW(run("Expand", {}, {f32({3}, {1, 2, 3}), i64v({2})}), Error);
  EXPECT_EQ(run("Range", {}, {i64({}, {5}), i64({}, {0}), i64({}, {-2})})[0].to_i64(), (std::vector<int64_t>{5, 3, 1}));
  expect_values(run("Range", {}, {f32({}, {0}), f32({}, {1}), f32({}, {0.25f})})[0], {4}, {0, 0.25f, 0.5f, 0.75f});
  Attrs cv;
  cv.set("value", Tensor::from_vector<int64_t>({1}, {7}));
  Tensor k = run("ConstantOfShape", cv, {i64v({2, 2})})[0];
  EXPECT_EQ(k.dtype(), DType::Int64);
  EXPECT_EQ(k.to_i64(), (std::vector<int64_t>{7, 7, 7, 7}));
  expect_values(run("ConstantOfShape", {}, {i64v({2})})[0], {2}, {0, 0});
}

TEST(ShapeOps, PadModes) {
  Tensor x = f32({1, 3}, {1, 2, 3});
  Tensor pads = i64v({0, 2, 0, 1});
  expect_values(run("Pad", {}, {x, pads, f32({}, {9})})[0], {1, 6}, {9, 9, 1, 2, 3, 9});
  expect_values(run("Pad", attrs({{"mode", std::string("reflect")}}), {x, pads})[0], {1, 6}, {3, 2, 1, 2, 3, 2});
  expect_values(run("Pad", attrs({{"mode", std::string("edge")}}), {x, pads})[0], {1, 6}, {1, 1, 1, 2, 3, 3});
  expect_values(run("Pad", {}, {x, i64v({1, -1, 0, 0})})[0], {2, 2}, {0, 0, 2, 3});
  Tensor y = iota({2, 2});
  expect_values(run("Pad", attrs({{"mode", std::string("edge")}}), {y, i64v({1, 0, 0, 1})})[0], {3, 3},
                {0, 1, 1, 0, 1, 1, 2, 3, 3});
  EXPECT_THROW(run("Pad", {}, {x, i64v({0, 1})}), Error);
  EXPECT_THROW(run("Pad", attrs({{"mode", std::string("reflect")}}), {x, i64v({0, 3, 0, 0})}), Error);
  EXPECT_THROW(run("Pad", {}, {x, i64v({0, -4, 0, 0})}), Error);
}
