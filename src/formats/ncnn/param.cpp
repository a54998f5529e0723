#include "formats/ncnn/param.h"

#include <cerrno>
#include <cstdint>
#include <cmath>
#include <cstdlib>
#include <fstream>
#include <set>
#include <sstream>

#include "engine/error.h"

namespace ppocr::formats::ncnn {
namespace {

constexpr int kMagic = 7767517;
constexpr int kMaxParamId = 32;      // ncnn's NCNN_MAX_PARAM_COUNT
constexpr int64_t kMaxCount = 1000000;  // layers, blobs, array lengths

bool parse_int(const std::string& s, int64_t& out) {
  if (s.empty()) return false;
  errno = 0;
  char* end = nullptr;
  long long v = std::strtoll(s.c_str(), &end, 10);
  // ncnn stores ints as int32; larger values are corrupt.
  if (errno != 0 || end != s.c_str() + s.size() || v < INT32_MIN || v > INT32_MAX) return false;
  out = v;
  return true;
}

bool parse_float(const std::string& s, float& out) {
  if (s.empty()) return false;
  errno = 0;
  char* end = nullptr;
  double v = std::strtod(s.c_str(), &end);
  if (end != s.c_str() + s.size() || std::isnan(v)) return false;
  // Out-of-range magnitudes saturate like ncnn's strtof (e.g. -3.4028235e38).
  if (v > 3.4028234663852886e38) v = 3.4028234663852886e38;
  if (v < -3.4028234663852886e38) v = -3.4028234663852886e38;
  out = static_cast<float>(v);
  return true;
}

bool looks_float(const std::string& s) { return s.find_first_of(".eE") != std::string::npos; }

std::vector<std::string> split_ws(const std::string& line) {
  std::vector<std::string> t;
  std::istringstream is(line);
  std::string w;
  while (is >> w) t.push_back(w);
  return t;
}

std::vector<std::string> split_comma(const std::string& s) {
  std::vector<std::string> out;
  size_t start = 0;
  while (true) {
    size_t p = s.find(',', start);
    out.push_back(s.substr(start, p == std::string::npos ? std::string::npos : p - start));
    if (p == std::string::npos) break;
    start = p + 1;
  }
  return out;
}

}  // namespace

std::string Layer::where() const {
  std::ostringstream os;
  os << "layer " << type << " '" << name << "' (line " << line << ")";
  return os.str();
}

int64_t Layer::geti(int id, int64_t def) const {
  auto it = params.find(id);
  if (it == params.end()) return def;
  const ParamValue& v = it->second;
  if (v.kind == ParamValue::Int) return v.i;
  if (v.kind == ParamValue::Float && std::floor(v.f) == v.f && std::fabs(v.f) < 2e9f)
    return static_cast<int64_t>(v.f);
  fail(where(), ": param ", id, " must be an integer");
}

float Layer::getf(int id, float def) const {
  auto it = params.find(id);
  if (it == params.end()) return def;
  const ParamValue& v = it->second;
  if (v.kind == ParamValue::Float) return v.f;
  if (v.kind == ParamValue::Int) return static_cast<float>(v.i);
  fail(where(), ": param ", id, " must be a number");
}

std::vector<int64_t> Layer::ints(int id) const {
  auto it = params.find(id);
  if (it == params.end()) return {};
  const ParamValue& v = it->second;
  if (v.kind == ParamValue::IntArray) return v.ai;
  if (v.kind == ParamValue::Int) return {v.i};
  fail(where(), ": param ", id, " must be an integer array");
}

std::vector<float> Layer::floats(int id) const {
  auto it = params.find(id);
  if (it == params.end()) return {};
  const ParamValue& v = it->second;
  if (v.kind == ParamValue::FloatArray) return v.af;
  if (v.kind == ParamValue::IntArray) return std::vector<float>(v.ai.begin(), v.ai.end());
  if (v.kind == ParamValue::Float) return {v.f};
  if (v.kind == ParamValue::Int) return {static_cast<float>(v.i)};
  fail(where(), ": param ", id, " must be a float array");
}

ParamFile parse_param(const std::string& text, const std::string& path) {
  ParamFile pf;
  pf.path = path;
  std::istringstream is(text);
  std::string line;
  int lineno = 0;
  auto bad = [&](const auto&... msg) { fail(path, ":", lineno, ": ", msg...); };

  // Header: magic, then counts (blank lines are skipped).
  auto next_nonblank = [&](std::vector<std::string>& toks) {
    while (std::getline(is, line)) {
      ++lineno;
      toks = split_ws(line);
      if (!toks.empty()) return true;
    }
    return false;
  };
  std::vector<std::string> toks;
  if (!next_nonblank(toks)) fail(path, ": empty ncnn .param file");
  int64_t magic = 0;
  if (toks.size() != 1 || !parse_int(toks[0], magic) || magic != kMagic)
    bad("not an ncnn text .param file (first line must be the magic number 7767517)");
  if (!next_nonblank(toks)) bad("missing 'layer_count blob_count' line");
  int64_t lc = 0, bc = 0;
  if (toks.size() != 2 || !parse_int(toks[0], lc) || !parse_int(toks[1], bc))
    bad("expected 'layer_count blob_count'");
  if (lc <= 0 || lc > kMaxCount || bc <= 0 || bc > kMaxCount)
    bad("implausible layer/blob counts ", lc, " ", bc);
  pf.layer_count = static_cast<int>(lc);
  pf.blob_count = static_cast<int>(bc);

  std::set<std::string> names, produced;
  for (int li = 0; li < pf.layer_count; ++li) {
    if (!next_nonblank(toks))
      fail(path, ": truncated: header announces ", pf.layer_count, " layers, found ", li);
    Layer L;
    L.line = lineno;
    if (toks.size() < 4) bad("layer line needs 'type name bottom_count top_count'");
    L.type = toks[0];
    L.name = toks[1];
    int64_t nb = 0, nt = 0;
    if (!parse_int(toks[2], nb) || !parse_int(toks[3], nt) || nb < 0 || nt < 0 || nb > 4096 || nt > 4096)
      bad("layer '", L.name, "': bad bottom/top counts '", toks[2], "' '", toks[3], "'");
    if (toks.size() < static_cast<size_t>(4 + nb + nt))
      bad("layer '", L.name, "': expects ", nb, " inputs and ", nt, " outputs, line is short");
    size_t k = 4;
    for (int64_t i = 0; i < nb; ++i) {
      const std::string& b = toks[k++];
      if (!produced.count(b)) bad("layer '", L.name, "': input blob '", b, "' is not produced by an earlier layer");
      L.bottoms.push_back(b);
    }
    for (int64_t i = 0; i < nt; ++i) {
      const std::string& t = toks[k++];
      if (!produced.insert(t).second) bad("layer '", L.name, "': blob '", t, "' is produced twice");
      L.tops.push_back(t);
    }
    if (static_cast<int64_t>(produced.size()) > pf.blob_count)
      bad("more blobs than the header's blob_count ", pf.blob_count);
    for (; k < toks.size(); ++k) {
      const std::string& kv = toks[k];
      size_t eq = kv.find('=');
      int64_t id = 0;
      if (eq == std::string::npos || !parse_int(kv.substr(0, eq), id))
        bad("layer '", L.name, "': malformed param '", kv, "' (expected id=value)");
      std::string val = kv.substr(eq + 1);
      ParamValue pv;
      bool is_array = id <= -23300;
      if (is_array) id = -id - 23300;
      if (id < 0 || id >= kMaxParamId) bad("layer '", L.name, "': param id out of range in '", kv, "'");
      if (L.params.count(static_cast<int>(id))) bad("layer '", L.name, "': param ", id, " given twice");
      if (is_array) {
        auto parts = split_comma(val);
        int64_t n = 0;
        if (!parse_int(parts[0], n) || n < 0 || n > kMaxCount || static_cast<size_t>(n) != parts.size() - 1)
          bad("layer '", L.name, "': array param '", kv, "' has a bad element count");
        bool fl = false;
        for (size_t j = 1; j < parts.size(); ++j) fl = fl || looks_float(parts[j]);
        pv.kind = fl ? ParamValue::FloatArray : ParamValue::IntArray;
        for (size_t j = 1; j < parts.size(); ++j) {
          if (fl) {
            float f;
            if (!parse_float(parts[j], f)) bad("layer '", L.name, "': bad number '", parts[j], "' in '", kv, "'");
            pv.af.push_back(f);
          } else {
            int64_t v;
            if (!parse_int(parts[j], v)) bad("layer '", L.name, "': bad integer '", parts[j], "' in '", kv, "'");
            pv.ai.push_back(v);
          }
        }
      } else if (!val.empty() && val[0] == '"') {
        // Quoted string (expressions); spaces inside quotes are not supported.
        if (val.size() < 2 || val.back() != '"') bad("layer '", L.name, "': unterminated string in '", kv, "'");
        pv.kind = ParamValue::String;
        pv.s = val.substr(1, val.size() - 2);
      } else if (looks_float(val)) {
        pv.kind = ParamValue::Float;
        if (!parse_float(val, pv.f)) bad("layer '", L.name, "': bad float in '", kv, "'");
      } else {
        pv.kind = ParamValue::Int;
        if (!parse_int(val, pv.i)) bad("layer '", L.name, "': bad integer in '", kv, "'");
      }
      L.params[static_cast<int>(id)] = std::move(pv);
    }
    if (!names.insert(L.name).second) bad("duplicate layer name '", L.name, "'");
    pf.layers.push_back(std::move(L));
  }
  return pf;
}

ParamFile read_param_file(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  if (!f) fail(path, ": cannot open ncnn .param file");
  std::ostringstream ss;
  ss << f.rdbuf();
  std::string text = ss.str();
  if (text.size() > (size_t(64) << 20)) fail(path, ": .param file is implausibly large");
  if (text.find('\0') != std::string::npos)
    fail(path, ": binary data in .param (the binary .param.bin form is not supported; use the text .param)");
  return parse_param(text, path);
}

}  // namespace ppocr::formats::ncnn
