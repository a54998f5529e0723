// libarchive parses the archive (tar variants, header checksums, truncation);
// this file only decides what is written where. We do not use
// archive_write_disk: it resolves paths against the process's working
// directory (extracting under `dest` would need chdir, which threads share)
// and it would create links, which a model never needs.
#include "io/tar_reader.h"

#include <archive.h>
#include <archive_entry.h>

#include <cctype>
#include <cerrno>
#include <filesystem>
#include <fstream>
#include <memory>

#include "engine/error.h"

namespace fs = std::filesystem;

namespace ppocr::io {
namespace {

using Reader = std::unique_ptr<archive, int (*)(archive*)>;

// libarchive's message in our style: "x.tar: truncated tar archive".
std::string reason(archive* a) {
  const char* m = archive_error_string(a);
  std::string s = m ? m : "unknown libarchive error";
  if (s.size() > 1 && std::isupper(static_cast<unsigned char>(s[0])) && std::islower(static_cast<unsigned char>(s[1])))
    s[0] = char(std::tolower(static_cast<unsigned char>(s[0])));
  return s;
}

// Tar only and no decompression filter: PaddleX ships plain .tar, and
// downloaded bytes then reach no decompressor.
Reader new_reader() {
  Reader a(archive_read_new(), archive_read_free);
  PPOCR_CHECK(a, "libarchive: cannot allocate a reader");
  archive_read_support_format_tar(a.get());
  return a;
}

// libarchive reads the first header when the archive is opened: apart from a
// read error, a failure there means the data is not a (readable) tar.
void check_open(archive* a, int r, const std::string& what) {
  if (r == ARCHIVE_OK) return;
  PPOCR_CHECK(archive_errno(a) != EIO, what, ": cannot read archive: ", reason(a));
  fail(what, ": ", reason(a), " (not a tar archive, or its first header is damaged)");
}

// A relative path without "..", "." or empty components; "" for the archive root.
std::string safe_path(const std::string& raw, const std::string& what) {
  PPOCR_CHECK(!raw.empty(), what, ": tar entry with an empty name");
  PPOCR_CHECK(raw[0] != '/', what, ": refusing absolute path in tar: ", raw);
  std::string out;
  for (const auto& part : fs::path(raw)) {
    PPOCR_CHECK(part != "..", what, ": refusing path with '..' in tar: ", raw);
    if (!part.empty() && part != ".") out += (out.empty() ? "" : "/") + part.string();
  }
  return out;
}

void write_entry(archive* a, const fs::path& out, const std::string& rel, const std::string& what,
                 const TarOptions& opts, TarSummary& sum) {
  std::error_code ec;
  fs::create_directories(out.parent_path(), ec);
  PPOCR_CHECK(!ec, out.parent_path().string(), ": cannot create directory: ", ec.message());
  std::ofstream f(out, std::ios::binary | std::ios::trunc);
  PPOCR_CHECK(f.good(), out.string(), ": cannot create file");
  std::vector<char> buf(1 << 16);
  for (;;) {
    la_ssize_t n = archive_read_data(a, buf.data(), buf.size());
    if (n == 0) break;
    PPOCR_CHECK(n > 0, what, ": ", reason(a), " (in ", rel, ")");
    sum.bytes += uint64_t(n);  // counted as read: sparse or PAX sizes cannot slip past the limit
    PPOCR_CHECK(sum.bytes <= opts.max_total_bytes, what, ": archive expands beyond the limit of ",
                opts.max_total_bytes, " bytes");
    f.write(buf.data(), std::streamsize(n));
  }
  PPOCR_CHECK(f.good(), out.string(), ": write error (disk full?)");
  sum.files.push_back(rel);
}

TarSummary extract(archive* a, const std::string& dest, const std::string& what, const TarOptions& opts) {
  TarSummary sum;
  uint64_t entries = 0;
  archive_entry* e = nullptr;
  for (;;) {
    int r = archive_read_next_header(a, &e);
    if (r == ARCHIVE_EOF) break;
    // ARCHIVE_WARN is a name charset note; RETRY (a damaged header) and worse end the extraction.
    PPOCR_CHECK(r == ARCHIVE_OK || r == ARCHIVE_WARN, what, ": ", reason(a));
    PPOCR_CHECK(++entries <= opts.max_entries, what, ": more than ", opts.max_entries, " tar entries");
    const char* name = archive_entry_pathname(e);
    PPOCR_CHECK(name, what, ": tar entry with an unreadable name");
    std::string rel = safe_path(name, what);
    fs::path out = fs::path(dest) / rel;
    auto type = archive_entry_filetype(e);
    // Links (never created, so they cannot point anywhere), devices and FIFOs
    // are skipped; the next header call skips their data.
    if (archive_entry_hardlink(e) || (type != AE_IFREG && type != AE_IFDIR)) continue;
    if (type == AE_IFDIR) {
      std::error_code ec;
      if (!rel.empty()) fs::create_directories(out, ec);
      PPOCR_CHECK(!ec, out.string(), ": cannot create directory: ", ec.message());
      continue;
    }
    PPOCR_CHECK(!rel.empty(), what, ": file entry without a name");
    if (archive_entry_size_is_set(e))  // refuse before writing when the header already says so
      PPOCR_CHECK(sum.bytes + uint64_t(archive_entry_size(e)) <= opts.max_total_bytes, what,
                  ": archive expands beyond the limit of ", opts.max_total_bytes, " bytes");
    write_entry(a, out, rel, what, opts, sum);
  }
  PPOCR_CHECK(entries > 0, what, ": tar archive has no entries");
  return sum;
}

struct StreamSource {
  std::istream* in;
  std::vector<char> buf = std::vector<char>(1 << 16);
};

la_ssize_t read_stream(archive* a, void* p, const void** out) {
  auto* s = static_cast<StreamSource*>(p);
  s->in->read(s->buf.data(), std::streamsize(s->buf.size()));
  if (s->in->bad()) {
    archive_set_error(a, EIO, "read error");
    return -1;
  }
  *out = s->buf.data();
  return la_ssize_t(s->in->gcount());
}

la_ssize_t append(archive*, void* p, const void* data, size_t n) {
  static_cast<std::string*>(p)->append(static_cast<const char*>(data), n);
  return la_ssize_t(n);
}

}  // namespace

TarSummary extract_tar(std::istream& in, const std::string& dest, const std::string& what, const TarOptions& opts) {
  std::error_code ec;
  PPOCR_CHECK(fs::is_directory(dest, ec), dest, ": extraction target is not a directory");
  Reader a = new_reader();
  StreamSource src{&in};
  check_open(a.get(), archive_read_open(a.get(), &src, nullptr, read_stream, nullptr), what);
  return extract(a.get(), dest, what, opts);
}

TarSummary extract_tar_file(const std::string& archive, const std::string& dest, const TarOptions& opts) {
  std::error_code ec;
  PPOCR_CHECK(fs::is_directory(dest, ec), dest, ": extraction target is not a directory");
  PPOCR_CHECK(std::ifstream(archive).good(), archive, ": cannot open archive");
  Reader a = new_reader();
  check_open(a.get(), archive_read_open_filename(a.get(), archive.c_str(), 1 << 16), archive);
  return extract(a.get(), dest, archive, opts);
}

std::string build_tar(const std::vector<TarMember>& members) {
  std::string out;
  std::unique_ptr<archive, int (*)(archive*)> a(archive_write_new(), archive_write_free);
  std::unique_ptr<archive_entry, void (*)(archive_entry*)> e(archive_entry_new(), archive_entry_free);
  PPOCR_CHECK(a && e, "build_tar: libarchive cannot allocate a writer");
  archive_write_set_format_ustar(a.get());
  archive_write_set_bytes_in_last_block(a.get(), 1);  // end after the two zero blocks, no 10 KiB record padding
  PPOCR_CHECK(archive_write_open(a.get(), &out, nullptr, append, nullptr) == ARCHIVE_OK, "build_tar: ",
              reason(a.get()));
  for (const auto& m : members) {
    archive_entry_clear(e.get());
    archive_entry_set_pathname(e.get(), m.path.c_str());
    archive_entry_set_perm(e.get(), 0644);
    archive_entry_set_filetype(e.get(), m.symlink.empty() ? AE_IFREG : AE_IFLNK);
    if (!m.symlink.empty()) archive_entry_set_symlink(e.get(), m.symlink.c_str());
    if (!m.hardlink.empty()) archive_entry_set_hardlink(e.get(), m.hardlink.c_str());
    bool data = m.symlink.empty() && m.hardlink.empty();
    archive_entry_set_size(e.get(), data ? la_int64_t(m.data.size()) : 0);
    PPOCR_CHECK(archive_write_header(a.get(), e.get()) == ARCHIVE_OK, "build_tar: ", m.path, ": ", reason(a.get()));
    if (data && !m.data.empty())
      PPOCR_CHECK(archive_write_data(a.get(), m.data.data(), m.data.size()) == la_ssize_t(m.data.size()),
                  "build_tar: ", m.path, ": ", reason(a.get()));
  }
  PPOCR_CHECK(archive_write_close(a.get()) == ARCHIVE_OK, "build_tar: ", reason(a.get()));
  return out;
}

}  // namespace ppocr::io
