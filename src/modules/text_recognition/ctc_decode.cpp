#include "modules/text_recognition/ctc_decode.h"

#include <fstream>

#include "engine/error.h"
#include "engine/ops/softmax.h"

namespace ppocr::modules {

CTCDecoder::CTCDecoder(std::vector<std::string> dict, bool use_space_char) {
  chars_.reserve(dict.size() + 2);
  chars_.push_back("blank");
  for (auto& c : dict) chars_.push_back(std::move(c));
  if (use_space_char) chars_.push_back(" ");
}

std::pair<std::string, float> CTCDecoder::decode(const float* probs, int T, int C, std::vector<std::string>* chars,
                                                 std::vector<int>* cols) const {
  PPOCR_CHECK(static_cast<size_t>(C) == chars_.size(), "CTC decode: model has ", C,
              " classes but the dictionary gives ", chars_.size(), " (blank + characters",
              chars_.size() && chars_.back() == " " ? " + space)" : ")");
  std::string text;
  if (chars) chars->clear();
  if (cols) cols->clear();
  double sum = 0;
  int kept = 0;
  int prev = -1;
  for (int t = 0; t < T; ++t) {
    const float* row = probs + static_cast<size_t>(t) * C;
    int best = 0;
    for (int c = 1; c < C; ++c)
      if (row[c] > row[best]) best = c;
    if (best != 0 && best != prev) {
      text += chars_[best];
      if (chars) chars->push_back(chars_[best]);
      if (cols) cols->push_back(t);
      sum += row[best];
      ++kept;
    }
    prev = best;
  }
  return {text, kept ? static_cast<float>(sum / kept) : 0.f};
}

namespace {

struct RowScan {
  float max;
  int near;   // columns within kClose of the max (1: a clear winner)
  int first;  // the first column equal to the max (C when none: a NaN row)
};

// One row of logits: its max, how many columns come close, and the first
// column that holds the max. Two passes over a row that stays in L1; an AVX2
// clone where the CPU has it (the decoder reads every column of every logit
// row: 6906 classes x 40 columns per line). Max and counts do not depend on
// the order they are taken in, so every clone gives the same answer.
__attribute__((target_clones("avx2", "default"))) RowScan scan_row(const float* row, int C, float close) {
  float m = row[0];
#pragma omp simd reduction(max : m)
  for (int c = 1; c < C; ++c) m = row[c] > m ? row[c] : m;
  int near = 0, first = C;
  const float lo = m - close;
#pragma omp simd reduction(+ : near) reduction(min : first)
  for (int c = 0; c < C; ++c) {
    near += row[c] >= lo;
    first = row[c] == m && c < first ? c : first;
  }
  return {m, near, first};
}

}  // namespace

std::pair<std::string, float> CTCDecoder::decode_logits(const float* logits, int T, int C,
                                                        std::vector<std::string>* chars,
                                                        std::vector<int>* cols) const {
  PPOCR_CHECK(static_cast<size_t>(C) == chars_.size(), "CTC decode: model has ", C,
              " classes but the dictionary gives ", chars_.size(), " (blank + characters",
              chars_.size() && chars_.back() == " " ? " + space)" : ")");
  std::string text;
  if (chars) chars->clear();
  if (cols) cols->clear();
  std::vector<float> prob(static_cast<size_t>(C));
  double sum = 0;
  int kept = 0;
  int prev = -1;
  constexpr float kClose = 1e-3f;  // logits this close may order differently once exponentiated
  for (int t = 0; t < T; ++t) {
    const float* row = logits + static_cast<size_t>(t) * C;
    const auto [m, near, first] = scan_row(row, C, kClose);
    int best = 0;
    bool have_prob = false;
    if (near == 1 && first < C) {
      best = first;
    } else {  // a near tie (or NaN): decide on the probabilities, as decode() does
      engine::ops::softmax_row(row, prob.data(), C);
      have_prob = true;
      for (int c = 1; c < C; ++c)
        if (prob[c] > prob[best]) best = c;
    }
    if (best != 0 && best != prev) {
      if (!have_prob) engine::ops::softmax_row(row, prob.data(), C);
      text += chars_[best];
      if (chars) chars->push_back(chars_[best]);
      if (cols) cols->push_back(t);
      sum += prob[best];
      ++kept;
    }
    prev = best;
  }
  return {text, kept ? static_cast<float>(sum / kept) : 0.f};
}

std::vector<std::string> read_dict_file(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  PPOCR_CHECK(f.good(), "cannot open dictionary ", path);
  std::vector<std::string> out;
  std::string line;
  while (std::getline(f, line)) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    out.push_back(line);
  }
  return out;
}

}  // namespace ppocr::modules
