// Unit tests of the service's parts: Base64, log ids, request validation, the
// ErrorCode -> HTTP status mapping, pruning, the pool. (File type sniffing,
// header probing and address classification are io's: tests/io.)
#include <gtest/gtest.h>

#include <cstring>
#include <atomic>
#include <fstream>
#include <thread>
#include <opencv2/imgcodecs.hpp>
#include <regex>
#include <set>

#include "common/shared.h"
#include "server/base64.h"
#include "server/heap_trim.h"
#include "server/http_error.h"
#include "server/log_id.h"
#include "server/request.h"
#include "server/service.h"
#include "server/worker_pool.h"
#include "server/yaml_config.h"

using namespace ppocr::server;

TEST(Base64, RoundTripsEveryLength) {
  std::string data;
  for (int i = 0; i < 300; ++i) {
    data.push_back(static_cast<char>((i * 37 + 11) & 0xFF));
    auto enc = base64_encode(data);
    EXPECT_EQ(enc.size() % 4, 0u);
    auto dec = base64_decode(enc);
    ASSERT_TRUE(dec) << i;
    EXPECT_EQ(*dec, data);
  }
}

TEST(Base64, KnownVectorsAndLenientForms) {
  EXPECT_EQ(base64_encode("foobar"), "Zm9vYmFy");
  EXPECT_EQ(base64_encode("fo"), "Zm8=");
  EXPECT_EQ(*base64_decode("Zm8"), "fo");                 // padding optional
  EXPECT_EQ(*base64_decode("Zm9v\r\nYmFy\n"), "foobar");  // line breaks skipped
  EXPECT_EQ(*base64_decode("data:image/png;base64,Zm9vYmFy"), "foobar");
}

TEST(Base64, RejectsBadInputWithReason) {
  std::string why;
  EXPECT_FALSE(base64_decode("Zm9v!mFy", &why));
  EXPECT_NE(why.find("invalid Base64 character at offset 4"), std::string::npos) << why;
  EXPECT_FALSE(base64_decode("Zm9vY", &why));
  EXPECT_NE(why.find("truncated"), std::string::npos) << why;
  EXPECT_FALSE(base64_decode("Zm8=Zm8=", &why));
  EXPECT_FALSE(base64_decode("", &why));
  EXPECT_FALSE(base64_decode("Zg===", &why));
  EXPECT_FALSE(base64_decode("data:text/plain,abc", &why));
}

TEST(LogId, IsAUniqueVersion4Uuid) {
  std::regex uuid("[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}");
  std::set<std::string> seen;
  for (int i = 0; i < 1000; ++i) {
    std::string id = new_log_id();
    EXPECT_TRUE(std::regex_match(id, uuid)) << id;
    seen.insert(id);
  }
  EXPECT_EQ(seen.size(), 1000u);
}

static int status_of(const std::string& body) {
  try {
    parse_ocr_request(body);
    return 0;
  } catch (const HttpError& e) {
    return e.status();
  }
}

static std::string message_of(const std::string& body) {
  try {
    parse_ocr_request(body);
    return "";
  } catch (const HttpError& e) {
    return e.what();
  }
}

TEST(Request, ParsesAllFields) {
  auto r = parse_ocr_request(R"({"file":"abc","fileType":1,"visualize":false,"useDocOrientationClassify":true,
    "useDocUnwarping":false,"useTextlineOrientation":null,"textDetLimitSideLen":736,"textDetLimitType":"min",
    "textDetThresh":0.25,"textDetBoxThresh":0.5,"textDetUnclipRatio":2.0,"textRecScoreThresh":0.1,"extra":1})");
  EXPECT_EQ(r.file, "abc");
  EXPECT_EQ(r.file_type, 1);
  EXPECT_EQ(r.visualize, false);
  EXPECT_EQ(r.params.use_doc_orientation_classify, true);
  EXPECT_EQ(r.params.use_doc_unwarping, false);
  EXPECT_FALSE(r.params.use_textline_orientation.has_value());
  EXPECT_EQ(r.params.text_det_limit_side_len, 736);
  EXPECT_EQ(r.params.text_det_limit_type, "min");
  EXPECT_FLOAT_EQ(*r.params.text_det_thresh, 0.25);
  EXPECT_FLOAT_EQ(*r.params.text_det_box_thresh, 0.5);
  EXPECT_FLOAT_EQ(*r.params.text_det_unclip_ratio, 2.0);
  EXPECT_FLOAT_EQ(*r.params.text_rec_score_thresh, 0.1);
  auto minimal = parse_ocr_request(R"({"file":"x"})");
  EXPECT_FALSE(minimal.file_type.has_value());
  EXPECT_FALSE(minimal.visualize.has_value());
  EXPECT_FALSE(minimal.params.text_det_thresh.has_value());
}

TEST(Request, RejectsMalformedAndMistypedBodiesWith422) {
  EXPECT_EQ(status_of("{not json"), 422);
  EXPECT_NE(message_of("{not json").find("not valid JSON"), std::string::npos);
  EXPECT_EQ(status_of(""), 422);
  EXPECT_EQ(status_of("[1,2]"), 422);
  EXPECT_EQ(status_of("{}"), 422);
  EXPECT_NE(message_of("{}").find("'file' is required"), std::string::npos);
  EXPECT_EQ(status_of(R"({"file":null})"), 422);
  EXPECT_EQ(status_of(R"({"file":""})"), 422);
  EXPECT_EQ(status_of(R"({"file":42})"), 422);
  EXPECT_NE(message_of(R"({"file":42})").find("must be a string, got integer"), std::string::npos);
  EXPECT_EQ(status_of(R"({"file":"x","fileType":2})"), 422);
  EXPECT_EQ(status_of(R"({"file":"x","fileType":"0"})"), 422);
  EXPECT_EQ(status_of(R"({"file":"x","useDocUnwarping":"yes"})"), 422);
  EXPECT_NE(message_of(R"({"file":"x","useDocUnwarping":"yes"})").find("'useDocUnwarping' must be a boolean"),
            std::string::npos);
  EXPECT_EQ(status_of(R"({"file":"x","visualize":1})"), 422);
  EXPECT_EQ(status_of(R"({"file":"x","textDetLimitSideLen":"960"})"), 422);
  EXPECT_EQ(status_of(R"({"file":"x","textDetLimitSideLen":960.5})"), 422);
  EXPECT_EQ(status_of(R"({"file":"x","textDetLimitSideLen":-5})"), 422);
  EXPECT_EQ(status_of(R"({"file":"x","textDetLimitSideLen":99999999999999999999})"), 422);
  EXPECT_EQ(status_of(R"({"file":"x","textDetLimitType":"avg"})"), 422);
  EXPECT_EQ(status_of(R"({"file":"x","textDetThresh":"0.3"})"), 422);
  EXPECT_EQ(status_of(R"({"file":"x","textDetThresh":1.5})"), 422);
  EXPECT_EQ(status_of(R"({"file":"x","textRecScoreThresh":[0.5]})"), 422);
  EXPECT_EQ(status_of(R"({"file":"x","textDetLimitSideLen":960.0})"), 0);  // integral float is an integer
}

// io's errors become HTTP statuses by their code, with the governing server flag named.
TEST(HttpStatus, ErrorCodesMapToStatuses) {
  using ppocr::ErrorCode;
  EXPECT_EQ(http_status(ErrorCode::kInvalidInput), 400);
  EXPECT_EQ(http_status(ErrorCode::kFetchFailed), 400);
  EXPECT_EQ(http_status(ErrorCode::kNotFound), 400);
  EXPECT_EQ(http_status(ErrorCode::kUnsupported), 400);
  EXPECT_EQ(http_status(ErrorCode::kForbidden), 403);
  EXPECT_EQ(http_status(ErrorCode::kTooLarge), 413);
  EXPECT_EQ(http_status(ErrorCode::kInvalidArgument), 422);
  EXPECT_EQ(http_status(ErrorCode::kGeneric), 500);
  auto h = to_http_error(ppocr::Error("x: refused", ErrorCode::kForbidden), Stage::kFetch);
  EXPECT_EQ(h.status(), 403);
  EXPECT_NE(std::string(h.what()).find("--allow_local_urls"), std::string::npos) << h.what();
  h = to_http_error(ppocr::Error("x: too big", ErrorCode::kTooLarge), Stage::kFetch);
  EXPECT_EQ(h.status(), 413);
  EXPECT_NE(std::string(h.what()).find("--max_body_mb"), std::string::npos) << h.what();
  h = to_http_error(ppocr::Error("x: too many pixels", ErrorCode::kTooLarge), Stage::kDecode);
  EXPECT_NE(std::string(h.what()).find("--max_pixels"), std::string::npos) << h.what();
  h = to_http_error(ppocr::Error("bad model", ErrorCode::kGeneric), Stage::kOcr);
  EXPECT_EQ(h.status(), 500);
  EXPECT_EQ(std::string(h.what()), "OCR failed: bad model");
  h = to_http_error(ppocr::Error("x: corrupt", ErrorCode::kInvalidInput), Stage::kDecode);
  EXPECT_EQ(h.status(), 400);
  EXPECT_EQ(std::string(h.what()), "x: corrupt");
}

TEST(Prune, DropsInputPathAndPageIndexAtAnyDepth) {
  nlohmann::json res = {{"input_path", "a.jpg"},
                        {"page_index", 2},
                        {"rec_texts", {"x"}},
                        {"doc_preprocessor_res", {{"input_path", nullptr}, {"page_index", nullptr}, {"angle", 90}}},
                        {"list", {{{"page_index", 1}, {"k", 2}}}}};
  nlohmann::json expected = {{"rec_texts", {"x"}}, {"doc_preprocessor_res", {{"angle", 90}}}, {"list", {{{"k", 2}}}}};
  EXPECT_EQ(nlohmann::json(prune_result(res)), expected);
  // The pipeline's key order is kept (PaddleX's), not sorted.
  nlohmann::ordered_json ordered = {{"input_path", "a"}, {"rec_texts", {"x"}}, {"page_index", 0}, {"dt_polys", nlohmann::ordered_json::array()}};
  EXPECT_EQ(prune_result(ordered).dump(), R"({"rec_texts":["x"],"dt_polys":[]})");
}

TEST(Envelope, MatchesPaddleX) {
  auto e = nlohmann::json::parse(error_body("id", 422, "bad \xff"));
  EXPECT_EQ(e["logId"], "id");
  EXPECT_EQ(e["errorCode"], 422);
  EXPECT_TRUE(e["errorMsg"].is_string());
  EXPECT_FALSE(e.contains("result"));
  auto s = nlohmann::json::parse(success_body("id", {{"a", 1}}));
  EXPECT_EQ(s["errorCode"], 0);
  EXPECT_EQ(s["errorMsg"], "Success");
  EXPECT_EQ(s["result"]["a"], 1);
  // The field order of PaddleX's serving docs (../shared/spec).
  auto o = nlohmann::ordered_json::parse(success_body("id", {{"a", 1}}));
  std::vector<std::string> keys;
  for (auto it = o.begin(); it != o.end(); ++it) keys.push_back(it.key());
  EXPECT_EQ(keys, (std::vector<std::string>{"logId", "errorCode", "errorMsg", "result"}));
}

TEST(WorkerPool, RefusesBeyondWorkersPlusQueueAndRunsEverythingAccepted) {
  WorkerPool pool(2, 3);
  std::mutex mu;
  std::condition_variable cv;
  bool release = false;
  std::atomic<int> done{0};
  auto blocker = [&](const Job&) {
    std::unique_lock<std::mutex> lock(mu);
    cv.wait(lock, [&] { return release; });
    ++done;
  };
  std::vector<std::shared_ptr<Job>> jobs;
  for (int i = 0; i < 5; ++i) {
    auto j = pool.submit(blocker);
    ASSERT_TRUE(j) << i;
    jobs.push_back(j);
  }
  EXPECT_FALSE(pool.submit(blocker));  // 2 running + 3 waiting
  {
    std::lock_guard<std::mutex> lock(mu);
    release = true;
  }
  cv.notify_all();
  for (auto& j : jobs) EXPECT_TRUE(j->wait_until(Job::Clock::now() + std::chrono::seconds(10)));
  EXPECT_EQ(done.load(), 5);
  EXPECT_TRUE(pool.submit([](const Job&) {}));  // capacity is back
}

TEST(WorkerPool, CancelledQueuedJobNeverRunsAndShutdownDrains) {
  WorkerPool pool(1, 2);
  std::atomic<int> ran{0};
  auto slow = pool.submit([&](const Job&) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    ++ran;
  });
  auto queued = pool.submit([&](const Job&) { ran += 100; });
  auto kept = pool.submit([&](const Job&) { ran += 10; });
  ASSERT_TRUE(slow && queued && kept);
  EXPECT_TRUE(queued->cancel());
  EXPECT_TRUE(queued->cancelled());
  pool.shutdown();  // finishes `slow` and `kept`
  EXPECT_EQ(ran.load(), 11);
  EXPECT_FALSE(pool.submit([](const Job&) {}));
}

TEST(YamlConfig, FillsOptionsNotGivenOnTheCommandLine) {
  CLI::App app;
  int workers = 0;
  std::string host;
  std::vector<std::string> list;
  std::optional<bool> use_x;
  app.add_option("--workers", workers);
  app.add_option("--host", host);
  app.add_option("--list", list);
  app.add_option_function<std::string>("--use_x", [&](const std::string& v) { use_x = v == "True"; });
  std::string dir = ppocr::test::temp_dir("yaml");
  std::ofstream(dir + "/ok.yaml") << "workers: 4\nhost: 0.0.0.0\nlist: [a, b]\nuse_x: true\nunset: null\n";
  app.parse(std::vector<std::string>{"1.2.3.4", "--host"});
  apply_yaml_config(app, dir + "/ok.yaml");
  EXPECT_EQ(workers, 4);
  EXPECT_EQ(host, "1.2.3.4");  // the command line wins
  EXPECT_EQ(list, (std::vector<std::string>{"a", "b"}));
  EXPECT_EQ(use_x, true);
  std::ofstream(dir + "/bad.yaml") << "workers: [1\n";
  EXPECT_THROW(apply_yaml_config(app, dir + "/bad.yaml"), CLI::ParseError);
  std::ofstream(dir + "/list.yaml") << "- 1\n- 2\n";
  EXPECT_THROW(apply_yaml_config(app, dir + "/list.yaml"), CLI::ParseError);
  std::ofstream(dir + "/unknown.yaml") << "wrokers: 2\n";
  EXPECT_THROW(apply_yaml_config(app, dir + "/unknown.yaml"), CLI::ParseError);
  EXPECT_THROW(apply_yaml_config(app, dir + "/missing.yaml"), CLI::ParseError);
}

static long resident_kb() {
  std::ifstream f("/proc/self/statm");
  long size = 0, resident = 0;
  f >> size >> resident;
  return resident * 4;  // pages of 4 KiB
}

TEST(HeapTrimmer, TrimsAtMostOncePerInterval) {
  HeapTrimmer never(0);
  EXPECT_FALSE(never.maybe_trim());
  HeapTrimmer t(3600);
#if defined(__GLIBC__)
  EXPECT_TRUE(t.maybe_trim());
#endif
  EXPECT_FALSE(t.maybe_trim());  // within the interval
}

#if defined(__GLIBC__) && !defined(__SANITIZE_ADDRESS__)
TEST(HeapTrimmer, GivesFragmentedFreeMemoryBack) {
  // 64 MB in 64 KB blocks (below malloc's mmap threshold: they come from the
  // heap), every 16th kept alive, so the freed ones are holes free() cannot return.
  std::vector<char*> blocks;
  for (int i = 0; i < 1024; ++i) {
    blocks.push_back(static_cast<char*>(std::malloc(64 << 10)));
    std::memset(blocks.back(), 1, 64 << 10);
  }
  for (size_t i = 0; i < blocks.size(); ++i)
    if (i % 16 != 15) std::free(blocks[i]);
  long before = resident_kb();
  HeapTrimmer t(1);
  ASSERT_TRUE(t.maybe_trim());
  long after = resident_kb();
  EXPECT_GT(before - after, 32 * 1024) << "resident " << before << " kB -> " << after << " kB";
  for (size_t i = 15; i < blocks.size(); i += 16) std::free(blocks[i]);
}
#endif

TEST(OcrService, ReleasesBuffersOnceWhenIdle) {
  ServiceOptions o;
  o.idle_release_s = 0.3;
  std::atomic<int> releases{0};
  OcrFn ocr = [](const cv::Mat& bgr, const ppocr::OCRParams&, bool) {
    PageOutput out;
    out.res = {{"width", bgr.cols}};
    return out;
  };
  OcrService svc(o, ocr, [&] { ++releases; });
  std::vector<uchar> png;
  cv::imencode(".png", cv::Mat(8, 8, CV_8UC3, cv::Scalar(1, 2, 3)), png);
  const std::string body = nlohmann::json{{"file", base64_encode(std::string(png.begin(), png.end()))},
                                          {"fileType", 1}, {"visualize", false}}.dump();
  auto wait_for = [&](int n) {
    for (int i = 0; i < 100 && releases.load() < n; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(50));
    return releases.load();
  };
  // Nothing ran yet: nothing to release.
  std::this_thread::sleep_for(std::chrono::milliseconds(600));
  EXPECT_EQ(releases.load(), 0);
  ASSERT_EQ(svc.handle_ocr(body).status, 200);
  EXPECT_EQ(wait_for(1), 1);
  // Once per idle spell, not again and again.
  std::this_thread::sleep_for(std::chrono::milliseconds(800));
  EXPECT_EQ(releases.load(), 1);
  EXPECT_EQ(svc.idle_releases(), 1);
  ASSERT_EQ(svc.handle_ocr(body).status, 200);
  EXPECT_EQ(wait_for(2), 2);

  ServiceOptions never = o;
  never.idle_release_s = 0;
  std::atomic<int> none{0};
  OcrService svc2(never, ocr, [&] { ++none; });
  ASSERT_EQ(svc2.handle_ocr(body).status, 200);
  std::this_thread::sleep_for(std::chrono::milliseconds(600));
  EXPECT_EQ(none.load(), 0);
}
