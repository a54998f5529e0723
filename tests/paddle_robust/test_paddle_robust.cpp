// Corrupt and truncated Paddle files (.pdiparams, .pdmodel, PIR .json) must end
// in a clean ppocr::Error (or, where the damage is harmless, a working model),
// never a crash. Fixed seeds; also runs under ASan/UBSan.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include <random>

#include "common/shared.h"
#include "engine/model.h"
#include "formats/paddle/paddle_import.h"
#include "formats/paddle/pdiparams.h"

using namespace ppocr;
using namespace ppocr::formats::paddle;
using ppocr::test::shared_path;

namespace {

const char* kCls = "models/paddle/ch_ppocr_mobile_v2.0_cls";
const char* kOri = "models/paddle/PP-LCNet_x0_25_textline_ori";

// Imports, builds and runs a model; true when it worked, false on a clean Error.
bool try_model(const std::function<engine::Graph()>& import, const engine::Shape& input) {
  try {
    auto m = engine::Model::from_graph(import());
    engine::Tensor x = engine::Tensor::zeros(engine::DType::Float32, input);
    m->run(std::vector<engine::Tensor>{x});
    return true;
  } catch (const Error&) {
    return false;
  }
}

// Offsets spread over the whole file plus every byte of the head.
std::vector<size_t> cut_points(size_t size, size_t head, size_t spread) {
  std::vector<size_t> v;
  for (size_t i = 0; i < std::min(head, size); ++i) v.push_back(i);
  for (size_t k = 1; k < spread; ++k) v.push_back(size * k / spread);
  v.push_back(size - 1);
  return v;
}

}  // namespace

TEST(PaddleRobust, PdiparamsTruncated) {
  REQUIRE_SHARED(kOri);
  std::string bytes = read_whole_file(shared_path(std::string(kOri) + "/inference.pdiparams"));
  size_t full = parse_pdiparams(bytes.data(), bytes.size(), "x").size();
  int errors = 0;
  for (size_t cut : cut_points(bytes.size(), 200, 300)) {
    try {
      auto t = parse_pdiparams(bytes.data(), cut, "cut");
      EXPECT_LT(t.size(), full) << "cut at " << cut;  // only a cut at a record boundary parses
    } catch (const Error& e) {
      ++errors;
      EXPECT_NE(std::string(e.what()).find("record"), std::string::npos) << e.what();
    }
  }
  EXPECT_GT(errors, 400);
}

TEST(PaddleRobust, PdiparamsByteFlips) {
  REQUIRE_SHARED(kOri);
  std::string bytes = read_whole_file(shared_path(std::string(kOri) + "/inference.pdiparams"));
  std::mt19937 rng(1234);
  for (int trial = 0; trial < 300; ++trial) {
    std::string b = bytes;
    int flips = 1 + trial % 4;
    // Half the trials hit the record headers (the first 64 bytes of records), half anywhere.
    for (int f = 0; f < flips; ++f) {
      size_t pos = trial % 2 ? rng() % b.size() : rng() % 64;
      b[pos] = static_cast<char>(b[pos] ^ (1 << (rng() % 8)));
    }
    try {
      parse_pdiparams(b.data(), b.size(), "flipped");
    } catch (const Error&) {
    }
  }
}

TEST(PaddleRobust, PdiparamsWrongForModel) {
  REQUIRE_SHARED(kOri);
  REQUIRE_SHARED(kCls);
  // The weights of another model: a clean Error naming the mismatch.
  try {
    import_paddle3_program(shared_path(std::string(kOri) + "/inference.json"),
                           weights_from_file(shared_path(std::string(kCls) + "/inference.pdiparams")));
    FAIL() << "expected an Error";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("inference.pdiparams"), std::string::npos) << e.what();
  }
}

TEST(PaddleRobust, PdmodelTruncatedAndFlipped) {
  REQUIRE_SHARED(kCls);
  std::string dir = shared_path(kCls);
  std::string bytes = read_whole_file(dir + "/inference.pdmodel");
  auto weights = weights_from_tensors(read_pdiparams(dir + "/inference.pdiparams"), "cls.pdiparams");
  const engine::Shape in{1, 3, 48, 192};
  ASSERT_TRUE(try_model([&] { return import_paddle2_bytes(bytes, "ok", weights); }, in));
  int errors = 0;
  for (size_t cut : cut_points(bytes.size(), 64, 60)) {
    std::string b = bytes.substr(0, cut);
    errors += !try_model([&] { return import_paddle2_bytes(b, "cut", weights); }, in);
  }
  EXPECT_GT(errors, 100);
  std::mt19937 rng(42);
  for (int trial = 0; trial < 150; ++trial) {
    std::string b = bytes;
    for (int f = 0; f < 1 + trial % 3; ++f) {
      size_t pos = rng() % b.size();
      b[pos] = static_cast<char>(b[pos] ^ (1 << (rng() % 8)));
    }
    try_model([&] { return import_paddle2_bytes(b, "flipped", weights); }, in);
  }
}

TEST(PaddleRobust, PirJsonTruncatedAndFlipped) {
  REQUIRE_SHARED(kOri);
  std::string dir = shared_path(kOri);
  std::string bytes = read_whole_file(dir + "/inference.json");
  auto weights = weights_from_tensors(read_pdiparams(dir + "/inference.pdiparams"), "ori.pdiparams");
  const engine::Shape in{1, 3, 80, 160};
  ASSERT_TRUE(try_model([&] { return import_paddle3_bytes(bytes, "ok", weights); }, in));
  for (size_t cut : cut_points(bytes.size(), 32, 60)) {
    std::string b = bytes.substr(0, cut);
    EXPECT_FALSE(try_model([&] { return import_paddle3_bytes(b, "cut", weights); }, in)) << cut;
  }
  std::mt19937 rng(7);
  for (int trial = 0; trial < 150; ++trial) {
    std::string b = bytes;
    for (int f = 0; f < 1 + trial % 3; ++f) {
      size_t pos = rng() % b.size();
      b[pos] = static_cast<char>(b[pos] ^ (1 << (rng() % 7)));
    }
    try_model([&] { return import_paddle3_bytes(b, "flipped", weights); }, in);
  }
}

// Structural damage that still parses as JSON: a random number, string or
// key of the program replaced, removed or retyped.
TEST(PaddleRobust, PirJsonMutated) {
  REQUIRE_SHARED(kOri);
  std::string dir = shared_path(kOri);
  nlohmann::json root = nlohmann::json::parse(read_whole_file(dir + "/inference.json"));
  auto weights = weights_from_tensors(read_pdiparams(dir + "/inference.pdiparams"), "ori.pdiparams");
  // Collect JSON pointers to every leaf and object member.
  std::vector<nlohmann::json::json_pointer> leaves;
  std::function<void(const nlohmann::json&, const nlohmann::json::json_pointer&)> walk =
      [&](const nlohmann::json& j, const nlohmann::json::json_pointer& p) {
        if (j.is_object()) {
          for (auto it = j.begin(); it != j.end(); ++it) walk(it.value(), p / it.key());
        } else if (j.is_array()) {
          for (size_t i = 0; i < j.size(); ++i) walk(j[i], p / i);
        }
        leaves.push_back(p);
      };
  walk(root, nlohmann::json::json_pointer());
  std::mt19937 rng(99);
  const nlohmann::json replacements[] = {0, -1, 1, 7, 1000000, 3.5, -2.0e9, "x", "1.conv2d", "0.t_f32",
                                         nullptr, nlohmann::json::array(), nlohmann::json::object(), true};
  const engine::Shape in{1, 3, 80, 160};
  int errors = 0;
  for (int trial = 0; trial < 250; ++trial) {
    nlohmann::json j = root;
    const auto& p = leaves[rng() % leaves.size()];
    if (p.empty()) continue;
    int kind = rng() % 3;
    if (kind == 0 && j.at(p.parent_pointer()).is_object()) {
      j.at(p.parent_pointer()).erase(p.back());
    } else if (kind == 1 && j.at(p).is_number_integer()) {
      j.at(p) = j.at(p).get<int64_t>() + static_cast<int64_t>(rng() % 5) - 2;
    } else {
      j.at(p) = replacements[rng() % std::size(replacements)];
    }
    std::string b = j.dump();
    errors += !try_model([&] { return import_paddle3_bytes(b, "mutated", weights); }, in);
  }
  EXPECT_GT(errors, 50);
}

TEST(PaddleRobust, UnknownOperatorIsNamed) {
  REQUIRE_SHARED(kOri);
  std::string dir = shared_path(kOri);
  std::string bytes = read_whole_file(dir + "/inference.json");
  size_t at = bytes.find("\"1.hardswish\"");
  ASSERT_NE(at, std::string::npos);
  bytes.replace(at, 13, "\"1.frobnicate\"");
  try {
    import_paddle3_bytes(bytes, "ori.json", weights_from_file(dir + "/inference.pdiparams"));
    FAIL() << "expected an Error";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("1.frobnicate"), std::string::npos) << e.what();
  }
}
