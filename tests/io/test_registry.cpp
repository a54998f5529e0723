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
  // PaddleOCR 3.7: PP-OCRv6_medium where PP-OCRv6 reads the language (no lang = ch).
  auto n = ocr_model_names("", "");
  ASSERT_TRUE(n);
  EXPECT_EQ(n->det, "PP-OCRv6_medium_det");
  EXPECT_EQ(n->rec, "PP-OCRv6_medium_rec");
  for (const char* lang : {"ch", "chinese_cht", "en", "japan", "fr", "german", "pt", "az", "ku", "vi", "rs_latin"}) {
    ASSERT_TRUE(ocr_model_names(lang, "")) << lang;
    EXPECT_EQ(ocr_model_names(lang, "")->rec, "PP-OCRv6_medium_rec") << lang;
    EXPECT_EQ(ocr_model_names(lang, "PP-OCRv6")->det, "PP-OCRv6_medium_det") << lang;
  }
  // Pali is the Latin-script language PP-OCRv6 leaves out: PP-OCRv5's Latin model.
  EXPECT_EQ(ocr_model_names("pi", "")->rec, "latin_PP-OCRv5_mobile_rec");
  EXPECT_FALSE(ocr_model_names("pi", "PP-OCRv6"));
  // Other scripts keep PP-OCRv5 (or v3); PP-OCRv6 has no model for them.
  EXPECT_EQ(ocr_model_names("ru", "")->rec, "eslav_PP-OCRv5_mobile_rec");
  EXPECT_EQ(ocr_model_names("ru", "")->det, "PP-OCRv5_server_det");
  EXPECT_EQ(ocr_model_names("bg", "")->rec, "cyrillic_PP-OCRv5_mobile_rec");
  EXPECT_EQ(ocr_model_names("hi", "")->rec, "devanagari_PP-OCRv5_mobile_rec");
  EXPECT_EQ(ocr_model_names("ar", "")->rec, "arabic_PP-OCRv5_mobile_rec");
  EXPECT_EQ(ocr_model_names("korean", "")->rec, "korean_PP-OCRv5_mobile_rec");
  EXPECT_EQ(ocr_model_names("th", "")->rec, "th_PP-OCRv5_mobile_rec");
  EXPECT_FALSE(ocr_model_names("korean", "PP-OCRv6"));
  EXPECT_FALSE(ocr_model_names("ru", "PP-OCRv6"));
  EXPECT_EQ(ocr_model_names("ka", "")->det, "PP-OCRv3_mobile_det");
  EXPECT_EQ(ocr_model_names("ka", "")->rec, "ka_PP-OCRv3_mobile_rec");
  // Earlier generations on request, as in PaddleOCR 3.x.
  EXPECT_EQ(ocr_model_names("ch", "PP-OCRv5")->det, "PP-OCRv5_server_det");
  EXPECT_EQ(ocr_model_names("ch", "PP-OCRv5")->rec, "PP-OCRv5_server_rec");
  EXPECT_EQ(ocr_model_names("en", "PP-OCRv5")->rec, "en_PP-OCRv5_mobile_rec");
  EXPECT_EQ(ocr_model_names("fr", "PP-OCRv5")->rec, "latin_PP-OCRv5_mobile_rec");
  EXPECT_EQ(ocr_model_names("ch", "PP-OCRv4")->det, "PP-OCRv4_mobile_det");
  EXPECT_EQ(ocr_model_names("ch", "PP-OCRv4")->rec, "PP-OCRv4_mobile_rec");
  EXPECT_EQ(ocr_model_names("en", "PP-OCRv4")->rec, "en_PP-OCRv4_mobile_rec");
  EXPECT_FALSE(ocr_model_names("fr", "PP-OCRv4"));
  EXPECT_EQ(ocr_model_names("ch", "PP-OCRv3")->rec, "PP-OCRv3_mobile_rec");
  EXPECT_EQ(ocr_model_names("de", "PP-OCRv3")->rec, "latin_PP-OCRv3_mobile_rec");
  EXPECT_FALSE(ocr_model_names("xx", ""));
  EXPECT_THROW(ocr_model_names("ch", "PP-OCRv9"), Error);
  // The tiers: tiny reads no Japanese; the defaults are the medium pair; all six names are known.
  EXPECT_TRUE(is_ppocrv6_lang("japan", "small"));
  EXPECT_FALSE(is_ppocrv6_lang("japan", "tiny"));
  EXPECT_TRUE(is_ppocrv6_lang("en", "tiny"));
  EXPECT_STREQ(kPaddleOcrDefaultDet, "PP-OCRv6_medium_det");
  EXPECT_STREQ(kPaddleOcrDefaultRec, "PP-OCRv6_medium_rec");
  for (const char* tier : {"tiny", "small", "medium"})
    for (const char* role : {"det", "rec"}) {
      const RegistryEntry* e = find_registry_entry(std::string("PP-OCRv6_") + tier + "_" + role);
      ASSERT_TRUE(e) << tier << role;
      EXPECT_STREQ(e->role, role);
    }
}

TEST(Registry, CacheRootAndNames) {
  setenv("PPOCR_HOME", "/tmp/ppocr-home-test", 1);
  setenv("PADDLE_PDX_CACHE_HOME", "/tmp/pdx-home", 1);
  EXPECT_EQ(model_cache_root(), "/tmp/ppocr-home-test");  // ours wins
  unsetenv("PPOCR_HOME");
  EXPECT_EQ(model_cache_root(), "/tmp/pdx-home/official_models");  // PaddleX's layout under its variable
  unsetenv("PADDLE_PDX_CACHE_HOME");
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

TEST(Registry, PaddlexModelSourceVariable) {
  unsetenv("PPOCR_MODEL_SOURCE");
  unsetenv("PADDLE_PDX_MODEL_SOURCE");
  EXPECT_EQ(model_source().base, kOfficialModelBase);
  EXPECT_EQ(model_source().note, "");
  setenv("PADDLE_PDX_MODEL_SOURCE", "BOS", 1);  // PaddleX's value, any case: its BOS host, our default
  EXPECT_EQ(model_source().base, kOfficialModelBase);
  EXPECT_EQ(model_source().note, "");
  for (const char* hub : {"huggingface", "modelscope", "aistudio", "somewhere"}) {
    setenv("PADDLE_PDX_MODEL_SOURCE", hub, 1);  // not fetched by ppocr: BOS, and a note says so
    EXPECT_EQ(model_source().base, kOfficialModelBase) << hub;
    EXPECT_NE(model_source().note.find(std::string("PADDLE_PDX_MODEL_SOURCE=") + hub), std::string::npos) << hub;
  }
  setenv("PPOCR_MODEL_SOURCE", "http://mirror.example/models", 1);  // ours wins, silently
  EXPECT_EQ(model_source().base, "http://mirror.example/models");
  EXPECT_EQ(model_source().note, "");
  EXPECT_EQ(model_source_base(), "http://mirror.example/models");
  unsetenv("PPOCR_MODEL_SOURCE");
  unsetenv("PADDLE_PDX_MODEL_SOURCE");
}

TEST_F(Download, PaddlexCacheHomeAndSourceNote) {
  // Downloads land in $PADDLE_PDX_CACHE_HOME/official_models; a PaddleX source we do not fetch is noted once.
  std::string pdx = ppocr::test::temp_dir("pdx");
  setenv("PADDLE_PDX_CACHE_HOME", pdx.c_str(), 1);
  setenv("PADDLE_PDX_MODEL_SOURCE", "huggingface", 1);
  unsetenv("PPOCR_HOME");
  DownloadOptions o;
  o.base_url = srv.url("/models");
  std::vector<std::string> said;
  o.log = [&](const std::string& m) { said.push_back(m); };
  EXPECT_EQ(resolve_model("Tiny_det", o), pdx + "/official_models/Tiny_det");
  // An explicit base URL is the caller's own choice: no note about the environment.
  for (const auto& m : said) EXPECT_EQ(m.find("PADDLE_PDX_MODEL_SOURCE"), std::string::npos) << m;
  setenv("PPOCR_MODEL_SOURCE", srv.url("/models").c_str(), 1);
  EXPECT_EQ(model_source().note, "");
  unsetenv("PPOCR_MODEL_SOURCE");
  EXPECT_NE(model_source().note.find("BOS"), std::string::npos);
  unsetenv("PADDLE_PDX_CACHE_HOME");
  unsetenv("PADDLE_PDX_MODEL_SOURCE");
}
