// Conversion state shared by the ncnn layer converters: the engine graph
// being built, the ncnn blobs seen so far and the weight reader.
//
// Axis mapping: an ncnn blob has 1-4 dims and no batch (1D: w; 2D: h,w;
// 3D: c,h,w; 4D: c,d,h,w, outermost first). Its engine value is the same
// tensor with the batch prepended: [N, w], [N, h, w], [N, c, h, w],
// [N, c, d, h, w]. So ncnn axis k (0 = outermost) is engine axis k + 1.
#pragma once
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "engine/graph.h"
#include "formats/ncnn/bin.h"
#include "formats/ncnn/param.h"

namespace ppocr::formats::ncnn {

struct Blob {
  int id = -1;
  int rank = 3;                // ncnn dims (1..4)
  std::vector<int64_t> dims;   // ncnn dims outermost first, -1 = unknown
};

class Builder {
 public:
  Builder(const ParamFile& pf, WeightReader& w) : pf_(pf), w_(w) {}

  engine::Graph graph;
  std::map<std::string, Blob> blobs;

  // The layer being converted.
  void begin(const Layer& L) { cur_ = &L; step_ = 0; }
  const Layer& layer() const { return *cur_; }
  [[noreturn]] void error(const std::string& msg) const;
  void require_inputs(size_t lo, size_t hi) const;
  void require_outputs(size_t n) const;

  const Blob& in(size_t i) const;
  // Binds top blob i to an engine value.
  void set_out(size_t i, int id, int rank, std::vector<int64_t> dims = {});
  void set_out(size_t i, const Blob& b) { set_out(i, b.id, b.rank, b.dims); }

  // Adds a node with one output (or `nout`); returns the (first) output id.
  int op(const std::string& type, std::vector<int> ins, engine::Attrs attrs = {}, int nout = 1,
         std::vector<int>* outs = nullptr);
  int const_f32(const std::string& tag, engine::Shape shape, std::vector<float> v);
  int const_i64(const std::string& tag, std::vector<int64_t> v);
  int scalar(float v);

  // Weights of the current layer, in file order.
  std::vector<float> weights(int64_t n, int type, const std::string& what, StoredAs* stored = nullptr);

  // ncnn fused activation (activation_type / activation_params, ids 9/10) on value x.
  int activation(int x, int type, const std::vector<float>& params);

  static std::vector<int64_t> unknown(int rank) { return std::vector<int64_t>(rank, -1); }

 private:
  const ParamFile& pf_;
  WeightReader& w_;
  const Layer* cur_ = nullptr;
  int step_ = 0;
};

using Converter = std::function<void(Builder&)>;
// Registry of layer converters by ncnn layer type.
std::map<std::string, Converter>& converters();
struct ConverterRegistrar {
  ConverterRegistrar(std::initializer_list<const char*> types, Converter c) {
    for (const char* t : types) converters()[t] = c;
  }
};

}  // namespace ppocr::formats::ncnn
