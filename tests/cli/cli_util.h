// Running the built `ppocr` binary from tests.
#pragma once
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace ppocr::test {

struct RunResult {
  int status = -1;
  std::string out, err;
};

// Runs `ppocr <args>` (args are shell-quoted here) with extra environment
// assignments ("NAME=value"), capturing stdout and stderr.
RunResult run_ppocr(const std::vector<std::string>& args, const std::vector<std::string>& env = {});

nlohmann::json read_json(const std::string& path);
std::string read_text(const std::string& path);

// 1 - Levenshtein(pred, gt) / |gt| over Unicode code points, after collapsing
// whitespace runs to one space (can go below 0).
double char_accuracy(const std::string& pred, const std::string& gt);

// All rec_texts of a result JSON joined with newlines.
std::string joined_texts(const nlohmann::json& res);

}  // namespace ppocr::test
