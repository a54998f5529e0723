// Tar extraction for model archives, on libarchive (POSIX ustar, GNU, PAX;
// uncompressed: PaddleX model archives are plain .tar). Regular files and
// directories are extracted; links and special files are skipped. Paths that
// are absolute or climb out with ".." are refused.
#pragma once
#include <cstdint>
#include <istream>
#include <string>
#include <vector>

namespace ppocr::io {

struct TarOptions {
  uint64_t max_total_bytes = uint64_t(8) << 30;  // sum of extracted file sizes
  uint64_t max_entries = 100000;
};

struct TarSummary {
  std::vector<std::string> files;  // relative paths of extracted regular files
  uint64_t bytes = 0;
};

// Extracts `in` into the existing directory `dest`. `what` names the archive
// in errors (not a tar archive, damaged or truncated, unsafe path, limits).
TarSummary extract_tar(std::istream& in, const std::string& dest, const std::string& what,
                       const TarOptions& opts = {});
TarSummary extract_tar_file(const std::string& archive, const std::string& dest, const TarOptions& opts = {});

// Builds a ustar archive in memory (tests and tooling).
struct TarMember {
  std::string path;
  std::string data;
  std::string symlink = {};   // when set: a symbolic link to this target, no data
  std::string hardlink = {};  // when set: a hard link to this path, no data
};
std::string build_tar(const std::vector<TarMember>& members);

}  // namespace ppocr::io
