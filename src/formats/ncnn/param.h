// ncnn .param text files: magic 7767517, "layer_count blob_count", then one
// line per layer: `Type name nbottom ntop bottoms... tops... id=value ...`.
// Array params use id -23300-k and the value "n,v1,...,vn". A value with '.',
// 'e' or 'E' is a float, otherwise an int; a quoted value is a string.
#pragma once
#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace ppocr::formats::ncnn {

struct ParamValue {
  enum Kind { Int, Float, IntArray, FloatArray, String } kind = Int;
  int64_t i = 0;
  float f = 0.f;
  std::vector<int64_t> ai;
  std::vector<float> af;
  std::string s;
};

struct Layer {
  std::string type, name;
  std::vector<std::string> bottoms, tops;
  std::map<int, ParamValue> params;
  int line = 0;  // 1-based line in the .param file

  bool has(int id) const { return params.count(id) > 0; }
  // Typed getters; a value of the wrong kind is an Error naming the layer.
  int64_t geti(int id, int64_t def) const;
  float getf(int id, float def) const;
  std::vector<int64_t> ints(int id) const;  // empty when absent
  std::vector<float> floats(int id) const;
  std::string where() const;  // "layer Type 'name' (line N)"
};

struct ParamFile {
  std::string path;
  int layer_count = 0, blob_count = 0;
  std::vector<Layer> layers;
};

// Parses the text; `path` is only used in messages. Errors name file and line.
ParamFile parse_param(const std::string& text, const std::string& path);
ParamFile read_param_file(const std::string& path);

}  // namespace ppocr::formats::ncnn
