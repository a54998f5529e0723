// Model names (PaddleOCR's lang/ocr_version table), cache and verified download
// from a local HTTP server; SHA-256; tar extraction.
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "common/shared.h"
#include "engine/error.h"
#include "io/image_decode.h"
#include "io/model_registry.h"
#include "io/sha256.h"
#include "io/tar_reader.h"
#include "test_server.h"

namespace fs = std::filesystem;
using namespace ppocr;
using namespace ppocr::io;
using ppocr::test::LocalServer;

namespace {
std::string error_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const Error& e) {
    return e.what();
  }
  return "";
}
// A model archive as PaddleX ships it: <name>_infer/{inference.onnx,inference.yml}.
std::string model_tar(const std::string& name) {
  std::string onnx = read_file_bytes(ppocr::test::shared_path("models/onnx/PP-OCRv6_tiny_det/inference.onnx"));
  std::string yml = read_file_bytes(ppocr::test::shared_path("models/onnx/PP-OCRv6_tiny_det/inference.yml"));
  return build_tar({{name + "_infer/inference.onnx", onnx}, {name + "_infer/inference.yml", yml}});
}
size_t entries(const std::string& dir) {
  size_t n = 0;
  for (auto& e : fs::directory_iterator(dir)) (void)e, ++n;
  return n;
}
}  // namespace

TEST(Sha256, KnownVectors) {
  EXPECT_EQ(sha256_hex("", 0), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(sha256_hex("abc", 3), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  std::string m = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";
  EXPECT_EQ(sha256_hex(m.data(), m.size()), "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
  std::string million(1000000, 'a');
  Sha256 s;  // fed in odd-sized pieces
  for (size_t i = 0; i < million.size(); i += 777) s.update(million.data() + i, std::min<size_t>(777, million.size() - i));
  EXPECT_EQ(s.hex_digest(), "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
}

TEST(Sha256, MatchesSharedFilesTsv) {
  REQUIRE_SHARED("models/FILES.tsv");
  std::ifstream f(ppocr::test::shared_path("models/FILES.tsv"));
  std::string line;
  int checked = 0;
  while (std::getline(f, line) && checked < 3) {
    std::istringstream ls(line);
    std::string path, size, sha;
    std::getline(ls, path, '\t');
    std::getline(ls, size, '\t');
    std::getline(ls, sha, '\t');
    if (sha.size() != 16 || path == "path") continue;  // the table lists the first 16 hex digits
    std::string full = ppocr::test::shared_path("models/" + path);
    if (!fs::exists(full)) continue;
    EXPECT_EQ(sha256_file(full).substr(0, 16), sha) << path;
    ++checked;
  }
  EXPECT_GT(checked, 0) << "no rows found in FILES.tsv";
}

TEST(Tar, RoundTripAndSafety) {
  std::string dir = ppocr::test::temp_dir("tar");
  std::string big(5000, 'z');
  std::string t = build_tar({{"m/a.txt", "hello"}, {"m/sub/b.bin", big}, {"m/empty", ""}});
  std::istringstream in(t);
  TarSummary sum = extract_tar(in, dir, "t.tar");
  ASSERT_EQ(sum.files.size(), 3u);
  EXPECT_EQ(sum.bytes, 5005u);
  EXPECT_EQ(read_file_bytes(dir + "/m/a.txt"), "hello");
  EXPECT_EQ(read_file_bytes(dir + "/m/sub/b.bin"), big);
  EXPECT_TRUE(fs::exists(dir + "/m/empty"));

  for (const char* bad : {"../evil.txt", "/abs.txt", "m/../../evil.txt"}) {
    std::istringstream b(build_tar({{bad, "x"}}));
    EXPECT_NE(error_of([&] { extract_tar(b, dir, "bad.tar"); }).find("refusing"), std::string::npos) << bad;
  }
  EXPECT_FALSE(fs::exists(fs::path(dir).parent_path() / "evil.txt"));
  std::istringstream trunc(t.substr(0, 700));
  EXPECT_NE(error_of([&] { extract_tar(trunc, dir, "trunc.tar"); }).find("truncated"), std::string::npos);
  // A bad header checksum: libarchive reports the first header as "not a tar"
  // and a later one as "damaged", without naming the checksum.
  std::string corrupt = t;
  corrupt[3] ^= 0x55;
  std::istringstream cs(corrupt);
  EXPECT_NE(error_of([&] { extract_tar(cs, dir, "c.tar"); }).find("c.tar: unrecognized archive format (not a tar"),
            std::string::npos);
  corrupt = t;
  corrupt[1024 + 3] ^= 0x55;  // the second header (after "hello" and its padding)
  std::istringstream cs2(corrupt);
  EXPECT_NE(error_of([&] { extract_tar(cs2, dir, "c2.tar"); }).find("c2.tar: damaged tar archive"), std::string::npos);
  std::istringstream empty("");
  EXPECT_THROW(extract_tar(empty, dir, "e.tar"), Error);
  TarOptions lim;
  lim.max_total_bytes = 100;
  std::istringstream in2(t);
  EXPECT_NE(error_of([&] { extract_tar(in2, dir, "t.tar", lim); }).find("limit"), std::string::npos);
  EXPECT_NE(error_of([&] { extract_tar_file(dir + "/missing.tar", dir); }).find("cannot open"), std::string::npos);
}

TEST(Tar, LinksAreNeverCreated) {
  std::string dir = ppocr::test::temp_dir("tar_links");
  fs::path outside = fs::path(dir).parent_path() / "tar_links_outside";
  fs::remove_all(outside);
  // A symlink out of the target, then a file written "through" it; a hard link
  // to a file outside. Links are skipped, so the file lands in a plain folder.
  std::istringstream in(build_tar({{"m/link", "", outside.string()},
                                   {"m/link/evil.txt", "x"},
                                   {"m/hard", "", "", "/etc/passwd"},
                                   {"m/ok.txt", "ok"}}));
  TarSummary sum = extract_tar(in, dir, "links.tar");
  EXPECT_EQ(sum.files, (std::vector<std::string>{"m/link/evil.txt", "m/ok.txt"}));
  EXPECT_FALSE(fs::exists(outside));
  EXPECT_FALSE(fs::is_symlink(dir + "/m/link"));
  EXPECT_TRUE(fs::is_directory(dir + "/m/link"));
  EXPECT_FALSE(fs::exists(dir + "/m/hard"));
  // A link's own name is checked like a file's.
  for (const char* bad : {"../link", "/abs_link"}) {
    std::istringstream b(build_tar({{bad, "", "target"}}));
    EXPECT_NE(error_of([&] { extract_tar(b, dir, "bad.tar"); }).find("refusing"), std::string::npos) << bad;
  }
}

TEST(Registry, PaddleOcrNameTable) {
  auto n = ocr_model_names("", "");
  ASSERT_TRUE(n);
  EXPECT_EQ(n->det, "PP-OCRv5_server_det");
  EXPECT_EQ(n->rec, "PP-OCRv5_server_rec");
  EXPECT_EQ(ocr_model_names("en", "")->rec, "en_PP-OCRv5_mobile_rec");
  EXPECT_EQ(ocr_model_names("fr", "")->rec, "latin_PP-OCRv5_mobile_rec");
  EXPECT_EQ(ocr_model_names("ru", "")->rec, "eslav_PP-OCRv5_mobile_rec");
  EXPECT_EQ(ocr_model_names("bg", "")->rec, "cyrillic_PP-OCRv5_mobile_rec");
  EXPECT_EQ(ocr_model_names("hi", "")->rec, "devanagari_PP-OCRv5_mobile_rec");
  EXPECT_EQ(ocr_model_names("korean", "")->rec, "korean_PP-OCRv5_mobile_rec");
  EXPECT_EQ(ocr_model_names("ka", "")->det, "PP-OCRv3_mobile_det");
  EXPECT_EQ(ocr_model_names("ka", "")->rec, "ka_PP-OCRv3_mobile_rec");
  EXPECT_EQ(ocr_model_names("ch", "PP-OCRv4")->det, "PP-OCRv4_mobile_det");
  EXPECT_EQ(ocr_model_names("en", "PP-OCRv4")->rec, "en_PP-OCRv4_mobile_rec");
  EXPECT_FALSE(ocr_model_names("fr", "PP-OCRv4"));
  EXPECT_EQ(ocr_model_names("ch", "PP-OCRv3")->rec, "PP-OCRv3_mobile_rec");
  EXPECT_EQ(ocr_model_names("de", "PP-OCRv3")->rec, "latin_PP-OCRv3_mobile_rec");
  EXPECT_FALSE(ocr_model_names("xx", ""));
  EXPECT_THROW(ocr_model_names("ch", "PP-OCRv9"), Error);
}

TEST(Registry, CacheRootAndNames) {
  setenv("PPOCR_HOME", "/tmp/ppocr-home-test", 1);
  EXPECT_EQ(model_cache_root(), "/tmp/ppocr-home-test");
  unsetenv("PPOCR_HOME");
  setenv("HOME", "/home/someone", 1);
  EXPECT_EQ(model_cache_root(), "/home/someone/.paddlex/official_models");
  EXPECT_FALSE(is_valid_model_name("../etc"));
  EXPECT_FALSE(is_valid_model_name("a/b"));
  EXPECT_FALSE(is_valid_model_name(".hidden"));
  EXPECT_TRUE(is_valid_model_name("PP-OCRv5_server_det"));
  EXPECT_THROW(cached_model_path("../x", "/tmp"), Error);
}

class Download : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!ppocr::test::shared_exists("models/onnx/PP-OCRv6_tiny_det/inference.onnx"))
      GTEST_SKIP() << "shared models not found";
    cache = ppocr::test::temp_dir("cache");
    tar = model_tar("Tiny_det");
    srv.server().Get("/models/Tiny_det_infer.tar", [&](const httplib::Request&, httplib::Response& r) {
      ++hits;
      r.set_content(tar, "application/x-tar");
    });
    srv.server().Get("/models/Cut_det_infer.tar", [&](const httplib::Request&, httplib::Response& r) {
      r.set_content(tar.substr(0, tar.size() / 2), "application/x-tar");
    });
    srv.server().Get("/models/Junk_det_infer.tar", [&](const httplib::Request&, httplib::Response& r) {
      r.set_content(std::string(4096, 'j'), "application/x-tar");
    });
    opts.cache_root = cache;
    opts.base_url = srv.url("/models/");
  }
  LocalServer srv;
  std::string cache, tar;
  int hits = 0;
  DownloadOptions opts;
};

TEST_F(Download, SuccessInstallsOnceAndRecordsChecksum) {
  std::string dir = resolve_model("Tiny_det", opts);
  EXPECT_EQ(dir, cache + "/Tiny_det");
  EXPECT_TRUE(fs::exists(dir + "/inference.onnx"));
  EXPECT_TRUE(is_model_cached("Tiny_det", cache));
  std::string manifest = read_file_bytes(dir + "/.ppocr_download.json");
  EXPECT_NE(manifest.find(sha256_hex(tar.data(), tar.size())), std::string::npos);
  EXPECT_EQ(resolve_model("Tiny_det", opts), dir);  // cached: no second download
  EXPECT_EQ(hits, 1);
  EXPECT_EQ(entries(cache), 1u);  // no temporary leftovers

  DownloadOptions pinned = opts;  // a known-good checksum is accepted
  pinned.cache_root = ppocr::test::temp_dir("cache2");
  pinned.expected_sha256 = sha256_hex(tar.data(), tar.size());
  EXPECT_NO_THROW(resolve_model("Tiny_det", pinned));
}

TEST_F(Download, BadChecksumInstallsNothing) {
  opts.expected_sha256 = std::string(64, '0');
  std::string e = error_of([&] { resolve_model("Tiny_det", opts); });
  EXPECT_NE(e.find("checksum mismatch"), std::string::npos) << e;
  EXPECT_EQ(entries(cache), 0u);
}

TEST_F(Download, TruncatedOrJunkArchiveInstallsNothing) {
  std::string e = error_of([&] { resolve_model("Cut_det", opts); });
  EXPECT_NE(e.find("truncated"), std::string::npos) << e;
  e = error_of([&] { resolve_model("Junk_det", opts); });
  EXPECT_NE(e.find("not usable"), std::string::npos) << e;
  EXPECT_EQ(entries(cache), 0u);
}

TEST_F(Download, NotFoundAndRefusedAndOfflineAreClear) {
  std::string e = error_of([&] { resolve_model("Missing_det", opts); });
  EXPECT_NE(e.find("404"), std::string::npos) << e;
  EXPECT_NE(e.find("Without network access"), std::string::npos) << e;
  opts.base_url = "http://127.0.0.1:" + std::to_string(ppocr::test::closed_port());
  e = error_of([&] { resolve_model("Tiny_det", opts); });
  EXPECT_NE(e.find("cannot connect"), std::string::npos) << e;
  opts.allow_download = false;
  e = error_of([&] { resolve_model("Tiny_det", opts); });
  EXPECT_NE(e.find("downloads are disabled"), std::string::npos) << e;
  EXPECT_EQ(entries(cache), 0u);
}

TEST_F(Download, EnvironmentOverrideOfSource) {
  setenv("PPOCR_MODEL_SOURCE", srv.url("/models").c_str(), 1);
  DownloadOptions o;
  o.cache_root = cache;
  EXPECT_EQ(resolve_model("Tiny_det", o), cache + "/Tiny_det");
  unsetenv("PPOCR_MODEL_SOURCE");
}
