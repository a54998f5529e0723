#include "io/tar_reader.h"

#include <cstring>
#include <filesystem>
#include <fstream>

#include "engine/error.h"

namespace fs = std::filesystem;

namespace ppocr::io {
namespace {

constexpr size_t kBlock = 512;

std::string field(const char* p, size_t n) {
  size_t len = 0;
  while (len < n && p[len]) ++len;
  return std::string(p, len);
}

// Octal number field (or GNU base-256 when the top bit is set).
uint64_t number(const char* p, size_t n, const std::string& what) {
  const unsigned char* u = reinterpret_cast<const unsigned char*>(p);
  if (u[0] & 0x80) {
    uint64_t v = u[0] & 0x7F;
    for (size_t i = 1; i < n; ++i) {
      PPOCR_CHECK(v < (uint64_t(1) << 55), what, ": tar size field too large");
      v = (v << 8) | u[i];
    }
    return v;
  }
  uint64_t v = 0;
  size_t i = 0;
  while (i < n && (p[i] == ' ' || p[i] == '\0')) {
    if (p[i] == '\0') return 0;
    ++i;
  }
  for (; i < n && p[i] >= '0' && p[i] <= '7'; ++i) {
    PPOCR_CHECK(v < (uint64_t(1) << 60), what, ": tar number field too large");
    v = v * 8 + uint64_t(p[i] - '0');
  }
  for (; i < n; ++i)
    PPOCR_CHECK(p[i] == ' ' || p[i] == '\0', what, ": corrupt tar header (bad number field)");
  return v;
}

bool all_zero(const char* p) {
  for (size_t i = 0; i < kBlock; ++i)
    if (p[i]) return false;
  return true;
}

void check_header(const char* h, const std::string& what) {
  uint64_t stored = number(h + 148, 8, what);
  uint64_t sum = 0;
  for (size_t i = 0; i < kBlock; ++i)
    sum += (i >= 148 && i < 156) ? uint64_t(' ') : uint64_t(static_cast<unsigned char>(h[i]));
  PPOCR_CHECK(sum == stored, what, ": corrupt tar header (checksum mismatch); not a tar archive or damaged");
}

// A relative path without "..", "." or empty components; "" for the archive root.
std::string safe_path(const std::string& raw, const std::string& what) {
  PPOCR_CHECK(!raw.empty(), what, ": tar entry with an empty name");
  PPOCR_CHECK(raw[0] != '/', what, ": refusing absolute path in tar: ", raw);
  std::string out;
  size_t i = 0;
  while (i <= raw.size()) {
    size_t j = raw.find('/', i);
    std::string part = raw.substr(i, j == std::string::npos ? std::string::npos : j - i);
    PPOCR_CHECK(part != "..", what, ": refusing path with '..' in tar: ", raw);
    if (!part.empty() && part != ".") out += (out.empty() ? "" : "/") + part;
    if (j == std::string::npos) break;
    i = j + 1;
  }
  return out;
}

void read_exact(std::istream& in, char* p, size_t n, const std::string& what, const std::string& entry) {
  in.read(p, std::streamsize(n));
  PPOCR_CHECK(size_t(in.gcount()) == n, what, ": truncated tar archive",
              entry.empty() ? std::string() : " (in " + entry + ")");
}

// PAX extended header: records "len key=value\n"; we use "path" and "size".
void parse_pax(const std::string& data, std::string& path, int64_t& size, const std::string& what) {
  size_t i = 0;
  while (i < data.size()) {
    size_t sp = data.find(' ', i);
    PPOCR_CHECK(sp != std::string::npos, what, ": corrupt PAX header");
    uint64_t len = 0;
    for (size_t k = i; k < sp; ++k) {
      PPOCR_CHECK(data[k] >= '0' && data[k] <= '9' && len < (1u << 30), what, ": corrupt PAX record length");
      len = len * 10 + uint64_t(data[k] - '0');
    }
    PPOCR_CHECK(len > sp - i + 1 && i + len <= data.size() && data[i + len - 1] == '\n', what,
                ": corrupt PAX record");
    std::string rec = data.substr(sp + 1, i + len - 1 - (sp + 1));
    size_t eq = rec.find('=');
    PPOCR_CHECK(eq != std::string::npos, what, ": corrupt PAX record");
    std::string key = rec.substr(0, eq), val = rec.substr(eq + 1);
    if (key == "path") path = val;
    if (key == "size") size = int64_t(number(val.c_str(), val.size(), what));
    i += len;
  }
}

}  // namespace

TarSummary extract_tar(std::istream& in, const std::string& dest, const std::string& what, const TarOptions& opts) {
  TarSummary sum;
  std::error_code ec;
  PPOCR_CHECK(fs::is_directory(dest, ec), dest, ": extraction target is not a directory");
  char h[kBlock];
  std::string long_name, pax_path;
  int64_t pax_size = -1;
  uint64_t entries = 0;
  bool saw_any = false;
  std::vector<char> buf(1 << 16);
  for (;;) {
    in.read(h, kBlock);
    if (in.gcount() == 0 && saw_any) break;  // EOF without end-of-archive blocks: accept (GNU tar does, with a warning)
    PPOCR_CHECK(size_t(in.gcount()) == kBlock, what, saw_any ? ": truncated tar archive" : ": empty or truncated tar archive");
    if (all_zero(h)) {
      PPOCR_CHECK(saw_any, what, ": tar archive has no entries");
      break;
    }
    check_header(h, what);
    saw_any = true;
    PPOCR_CHECK(++entries <= opts.max_entries, what, ": more than ", opts.max_entries, " tar entries");
    char type = h[156];
    uint64_t size = number(h + 124, 12, what);
    if (pax_size >= 0) size = uint64_t(pax_size);
    std::string name = field(h, 100);
    if (!std::memcmp(h + 257, "ustar", 5)) {
      std::string prefix = field(h + 345, 155);
      if (!prefix.empty()) name = prefix + "/" + name;
    }
    if (!long_name.empty()) name = long_name;
    if (!pax_path.empty()) name = pax_path;
    uint64_t padded = (size + kBlock - 1) / kBlock * kBlock;
    if (type == 'L' || type == 'x' || type == 'g') {
      PPOCR_CHECK(size <= (1u << 20), what, ": oversized tar metadata entry");
      std::string data(size_t(padded), '\0');
      read_exact(in, &data[0], size_t(padded), what, "");
      data.resize(size_t(size));
      if (type == 'L') long_name = field(data.c_str(), data.size());
      if (type == 'x') parse_pax(data, pax_path, pax_size, what);
      continue;  // applies to the next header ('g' is ignored)
    }
    long_name.clear();
    pax_path.clear();
    pax_size = -1;
    std::string rel = safe_path(name, what);
    if (type == '\0' && !name.empty() && name.back() == '/') type = '5';  // old-style directory entry
    if (type == '0' || type == '\0' || type == '7') {
      PPOCR_CHECK(!rel.empty(), what, ": file entry without a name");
      PPOCR_CHECK(sum.bytes + size <= opts.max_total_bytes, what, ": archive expands beyond the limit of ",
                  opts.max_total_bytes, " bytes");
      fs::path out = fs::path(dest) / rel;
      fs::create_directories(out.parent_path(), ec);
      PPOCR_CHECK(!ec, out.parent_path().string(), ": cannot create directory: ", ec.message());
      std::ofstream f(out, std::ios::binary | std::ios::trunc);
      PPOCR_CHECK(f.good(), out.string(), ": cannot create file");
      uint64_t left = padded, data_left = size;
      while (left > 0) {
        size_t n = size_t(std::min<uint64_t>(left, buf.size()));
        read_exact(in, buf.data(), n, what, rel);
        size_t w = size_t(std::min<uint64_t>(n, data_left));
        if (w) f.write(buf.data(), std::streamsize(w));
        data_left -= w;
        left -= n;
      }
      PPOCR_CHECK(f.good(), out.string(), ": write error (disk full?)");
      sum.bytes += size;
      sum.files.push_back(rel);
    } else {
      if (type == '5' && !rel.empty()) {
        fs::create_directories(fs::path(dest) / rel, ec);
        PPOCR_CHECK(!ec, (fs::path(dest) / rel).string(), ": cannot create directory: ", ec.message());
      }
      // Links, devices, FIFOs: skipped, their data (if any) too.
      uint64_t left = padded;
      while (left > 0) {
        size_t n = size_t(std::min<uint64_t>(left, buf.size()));
        read_exact(in, buf.data(), n, what, rel);
        left -= n;
      }
    }
  }
  return sum;
}

TarSummary extract_tar_file(const std::string& archive, const std::string& dest, const TarOptions& opts) {
  std::ifstream f(archive, std::ios::binary);
  PPOCR_CHECK(f.good(), archive, ": cannot open archive");
  return extract_tar(f, dest, archive, opts);
}

std::string build_tar(const std::vector<TarMember>& members) {
  std::string out;
  for (const auto& m : members) {
    char h[kBlock];
    std::memset(h, 0, kBlock);
    PPOCR_CHECK(m.path.size() < 100, "build_tar: path too long: ", m.path);
    std::memcpy(h, m.path.data(), m.path.size());
    std::snprintf(h + 100, 8, "%07o", 0644);
    std::snprintf(h + 108, 8, "%07o", 0);
    std::snprintf(h + 116, 8, "%07o", 0);
    std::snprintf(h + 124, 12, "%011llo", static_cast<unsigned long long>(m.data.size()));
    std::snprintf(h + 136, 12, "%011o", 0);
    h[156] = '0';
    std::memcpy(h + 257, "ustar", 6);
    std::memcpy(h + 263, "00", 2);
    std::memset(h + 148, ' ', 8);
    unsigned sum = 0;
    for (size_t i = 0; i < kBlock; ++i) sum += static_cast<unsigned char>(h[i]);
    std::snprintf(h + 148, 8, "%06o", sum);
    h[155] = ' ';
    out.append(h, kBlock);
    out += m.data;
    out.append((kBlock - m.data.size() % kBlock) % kBlock, '\0');
  }
  out.append(2 * kBlock, '\0');
  return out;
}

}  // namespace ppocr::io
