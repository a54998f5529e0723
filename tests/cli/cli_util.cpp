#include "cli_util.h"

#include <sys/wait.h>

#include <algorithm>
#include <fstream>
#include <sstream>

#include "common/shared.h"

namespace ppocr::test {
namespace {

std::string quote(const std::string& s) {
  std::string q = "'";
  for (char c : s) q += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return q + "'";
}

std::u32string utf32(const std::string& s) {
  std::u32string out;
  for (size_t i = 0; i < s.size();) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    int n = c < 0x80 ? 1 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;
    char32_t cp = n == 1 ? c : n == 2 ? (c & 0x1F) : n == 3 ? (c & 0x0F) : (c & 0x07);
    for (int k = 1; k < n && i + k < s.size(); ++k) cp = (cp << 6) | (static_cast<unsigned char>(s[i + k]) & 0x3F);
    out += cp;
    i += size_t(n);
  }
  return out;
}

std::u32string normalise(const std::string& s) {
  std::u32string in = utf32(s), out;
  bool space = false;
  for (char32_t c : in) {
    bool ws = c == ' ' || c == '\n' || c == '\t' || c == '\r';
    if (ws) {
      space = !out.empty();
      continue;
    }
    if (space) out += U' ';
    space = false;
    out += c;
  }
  return out;
}

}  // namespace

RunResult run_ppocr(const std::vector<std::string>& args, const std::vector<std::string>& env) {
  std::string dir = temp_dir("run");
  std::string cmd;
  for (auto& e : env) cmd += e + " ";
  cmd += quote(ppocr_binary());
  for (auto& a : args) cmd += " " + quote(a);
  cmd += " >" + quote(dir + "/out") + " 2>" + quote(dir + "/err");
  int rc = std::system(cmd.c_str());
  RunResult r;
  r.status = WIFEXITED(rc) ? WEXITSTATUS(rc) : -1;
  r.out = read_text(dir + "/out");
  r.err = read_text(dir + "/err");
  return r;
}

std::string read_text(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  std::stringstream ss;
  ss << f.rdbuf();
  return ss.str();
}

nlohmann::json read_json(const std::string& path) { return nlohmann::json::parse(read_text(path)); }

double char_accuracy(const std::string& pred, const std::string& gt) {
  std::u32string a = normalise(pred), b = normalise(gt);
  std::vector<size_t> prev(a.size() + 1), cur(a.size() + 1);
  for (size_t i = 0; i <= a.size(); ++i) prev[i] = i;
  for (size_t j = 1; j <= b.size(); ++j) {
    cur[0] = j;
    for (size_t i = 1; i <= a.size(); ++i)
      cur[i] = std::min({prev[i] + 1, cur[i - 1] + 1, prev[i - 1] + (a[i - 1] == b[j - 1] ? 0 : 1)});
    std::swap(prev, cur);
  }
  return b.empty() ? 0.0 : 1.0 - double(prev[a.size()]) / double(b.size());
}

std::string joined_texts(const nlohmann::json& res) {
  std::string s;
  for (auto& t : res.at("res").at("rec_texts")) s += t.get<std::string>() + "\n";
  return s;
}

}  // namespace ppocr::test
