// Right padding a model cannot tell from more of the same (docs/engine.md,
// "Virtual right padding"): text recognisers pad every crop with zeros to the
// batch's width (at least 320 px). In a model whose every operator is local
// along the width axis except GlobalAveragePool (squeeze-and-excitation
// blocks), the columns far enough from the content and from the right border
// all hold the same value ("far columns") at every layer, so a tensor narrower
// by k such columns computes the same values, except for the averages, which
// miss k/stride copies of a far column. WidthPadding finds whether a graph is
// of that kind, adds an input through which each GlobalAveragePool gets, per
// sample, a far column of its input and how many copies of it to add, and
// says, for a content width and a tensor width, where the far columns are.
//
// Exact in arithmetic; in floating point the averages are summed in another
// order (last-bit differences).
#pragma once
#include <optional>
#include <string>
#include <vector>

#include "engine/graph.h"

namespace ppocr::engine {

class WidthPadding {
 public:
  // The name of the input attach() adds: float32 [N, pools(), 2], per sample
  // and pool (far column of the pool's input, columns to add); all zeros =
  // the plain average.
  static constexpr const char* kInputName = "ppocr_width_pad";

  // Analyses an optimised graph whose input 0 is [N, C, H, W] and output 0
  // has W's columns along some axis (after strides). When every node is
  // width-local (see the .cpp), rewrites g (the new input, wired into every
  // GlobalAveragePool) and returns the analysis; else leaves g alone, returns
  // nullopt and says why in *why_not.
  static std::optional<WidthPadding> attach(Graph& g, std::string* why_not = nullptr);

  // Input columns per output column (the product of the width strides):
  // tensor widths that differ by a multiple of it have the same right border.
  int stride() const { return stride_; }
  int pools() const { return static_cast<int>(pool_value_.size()); }
  int output_axis() const { return out_axis_; }

  struct Far {
    std::vector<int> pool_col;    // per pool: the first far column of its input
    std::vector<int> pool_width;  // per pool: its input's width
    int out_col = 0;              // the first far column of output 0
    int out_width = 0;            // output 0's width
  };
  // With the content in columns [0, content) and zeros up to `width`: the far
  // columns, or nullopt when a pool's input or the output has none (or a
  // width is too small for the graph).
  std::optional<Far> far_columns(int content, int width) const;

 private:
  struct Step {
    enum Kind { kWindow, kMerge, kCopy } kind = kCopy;
    int out = -1;
    std::vector<int> ins;  // kWindow: 1 (the windowed input, then an optional merged one); kMerge: 2+
    int k = 1, stride = 1, pad_begin = 0, pad_end = 0, dilation = 1;
    bool ceil_mode = false;
  };
  std::vector<Step> steps_;     // in graph order, over spatial values
  int input_ = -1;              // the graph input's value id
  std::vector<int> pool_value_; // per pool: its input value id
  int out_value_ = -1, out_axis_ = -1, stride_ = 1;
  int num_values_ = 0;
};

}  // namespace ppocr::engine
