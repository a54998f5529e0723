// CTC greedy decoding (PaddleX CTCLabelDecode): per time step the arg-max
// class; repeats collapsed, blanks (class 0) dropped; score = mean of the
// kept steps' max probabilities (0 when nothing is kept).
#pragma once
#include <string>
#include <vector>

namespace ppocr::modules {

class CTCDecoder {
 public:
  // `dict`: the characters in class order after the blank; `use_space_char`
  // appends " " as the last class (PaddleOCR's default).
  CTCDecoder(std::vector<std::string> dict, bool use_space_char = true);
  // Number of classes (blank + dict [+ space]).
  size_t num_classes() const { return chars_.size(); }
  // probs: T x C row-major (C == num_classes()). With `chars`/`cols`, also the
  // CTC alignment: each kept character and the time step (output column) that
  // emitted it, in order (their concatenation is the text).
  std::pair<std::string, float> decode(const float* probs, int T, int C, std::vector<std::string>* chars = nullptr,
                                       std::vector<int>* cols = nullptr) const;
  // The same from logits, for a model whose trailing Softmax (fast kernel) was
  // cut off: each step's arg-max is taken on the logits (on its softmax when
  // another class is within 1e-3 of the top), and a kept step's probability
  // is its softmax as the Softmax kernel computes it (engine::ops::softmax_row),
  // so text and score are what decode() gives on the kernel's probabilities.
  std::pair<std::string, float> decode_logits(const float* logits, int T, int C,
                                              std::vector<std::string>* chars = nullptr,
                                              std::vector<int>* cols = nullptr) const;
  const std::vector<std::string>& chars() const { return chars_; }

 private:
  std::vector<std::string> chars_;  // [0] = blank
};

// Reads a dictionary file (one character per line, as PaddleOCR's *_dict.txt).
std::vector<std::string> read_dict_file(const std::string& path);

}  // namespace ppocr::modules
