// The service over real HTTP (httplib::Client against an in-process server on
// a loopback port) with a fake OCR function: envelope and fields per PaddleX's
// serving API, inputs by Base64 / URL / file:// / PDF, every bad input, limits,
// queueing, timeouts and graceful shutdown.
#include <gtest/gtest.h>

#include <future>
#include <opencv2/imgcodecs.hpp>
#include <regex>

#include "common/shared.h"
#include "server/pdf_samples.h"
#include "server/test_server.h"

using namespace ppocr::test;
using ppocr::server::ServerOptions;
using nlohmann::json;

namespace {

const char* kImage = "data/sroie/images/000.jpg";
const char* kPdf = "data/pdf/multipage.pdf";

json post(const RunningServer& s, const std::string& body, int* status = nullptr) {
  auto c = s.client();
  auto r = c->Post("/ocr", body, "application/json");
  EXPECT_TRUE(r) << "no response: " << httplib::to_string(r.error());
  if (!r) return json();
  if (status) *status = r->status;
  EXPECT_EQ(r->get_header_value("Content-Type"), "application/json");
  json j = json::parse(r->body, nullptr, false);
  EXPECT_FALSE(j.is_discarded()) << r->body.substr(0, 200);
  EXPECT_TRUE(j["logId"].is_string());
  EXPECT_EQ(j["errorCode"], r->status == 200 ? 0 : r->status) << r->body.substr(0, 300);
  EXPECT_TRUE(j["errorMsg"].is_string());
  return j;
}

// Posts and expects an error envelope with `status` whose message contains `needle`.
void expect_error(const RunningServer& s, const std::string& body, int status, const std::string& needle) {
  int got = 0;
  json j = post(s, body, &got);
  EXPECT_EQ(got, status) << j.dump().substr(0, 300);
  EXPECT_FALSE(j.contains("result"));
  EXPECT_NE(j["errorMsg"].get<std::string>().find(needle), std::string::npos) << j["errorMsg"];
}

cv::Mat decode_b64_jpeg(const json& v) {
  auto bytes = ppocr::server::base64_decode(v.get<std::string>());
  EXPECT_TRUE(bytes);
  if (!bytes) return {};
  EXPECT_EQ(bytes->substr(0, 3), "\xFF\xD8\xFF");
  return cv::imdecode(cv::Mat(1, int(bytes->size()), CV_8U, bytes->data()), cv::IMREAD_COLOR);
}

bool has_key_anywhere(const json& j, const std::string& key) {
  if (j.is_object()) {
    for (auto it = j.begin(); it != j.end(); ++it)
      if (it.key() == key || has_key_anywhere(it.value(), key)) return true;
  } else if (j.is_array()) {
    for (const auto& v : j)
      if (has_key_anywhere(v, key)) return true;
  }
  return false;
}

// A little HTTP server on 127.0.0.1 that serves shared files, as a client's file host.
class FileHost {
 public:
  FileHost() {
    svr_.Get("/img/000.jpg", [](const httplib::Request&, httplib::Response& res) {
      res.set_content(read_file(shared_path(kImage)), "image/jpeg");
    });
    svr_.Get("/download", [](const httplib::Request&, httplib::Response& res) {  // no extension: sniffed
      res.set_content(read_file(shared_path(kPdf)), "application/pdf");
    });
    svr_.Get("/big.jpg", [](const httplib::Request&, httplib::Response& res) {
      res.set_content(std::string(3u << 20, 'x'), "image/jpeg");
    });
    svr_.Get("/redirect.jpg", [](const httplib::Request&, httplib::Response& res) {
      res.set_redirect("/img/000.jpg");
    });
    port_ = svr_.bind_to_any_port("127.0.0.1");
    thread_ = std::thread([this] { svr_.listen_after_bind(); });
    while (!svr_.is_running()) std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
  ~FileHost() {
    svr_.stop();
    thread_.join();
  }
  std::string url(const std::string& path) const { return "http://127.0.0.1:" + std::to_string(port_) + path; }

 private:
  httplib::Server svr_;
  int port_ = 0;
  std::thread thread_;
};

ServerOptions options(int workers = 2, int queue = 8) {
  ServerOptions o;
  o.service.workers = workers;
  o.service.queue_size = queue;
  return o;
}

}  // namespace

TEST(ServeHttp, HealthHasPaddleXShape) {
  FakeOcr fake;
  RunningServer s(options(), fake.fn());
  auto r = s.client()->Get("/health");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  json j = json::parse(r->body);
  EXPECT_EQ(j["errorCode"], 0);
  EXPECT_EQ(j["errorMsg"], "Healthy");
  EXPECT_TRUE(std::regex_match(j["logId"].get<std::string>(), std::regex("[0-9a-f-]{36}")));
}

TEST(ServeHttp, ImageByBase64GivesPaddleXResult) {
  REQUIRE_SHARED(kImage);
  FakeOcr fake;
  RunningServer s(options(), fake.fn());
  cv::Mat img = cv::imread(shared_path(kImage), cv::IMREAD_COLOR);
  int status = 0;
  std::string body = ocr_body(b64_file(shared_path(kImage)), {{"textDetLimitSideLen", 736}, {"textDetLimitType", "min"},
                                                              {"textDetThresh", 0.25}, {"useTextlineOrientation", false}});
  json j = post(s, body, &status);
  ASSERT_EQ(status, 200) << j.dump().substr(0, 300);
  EXPECT_EQ(j["errorMsg"], "Success");
  const json& res = j["result"];
  ASSERT_EQ(res["ocrResults"].size(), 1u);
  const json& item = res["ocrResults"][0];
  const json& pruned = item["prunedResult"];
  EXPECT_EQ(pruned["width"], img.cols);
  EXPECT_EQ(pruned["height"], img.rows);
  cv::Scalar m = cv::mean(img);
  EXPECT_NEAR(pruned["mean"][1].get<double>(), m[1], 1e-6);  // the very pixels the pipeline would see
  EXPECT_EQ(pruned["text_det_limit_side_len"], 736);
  EXPECT_EQ(pruned["text_det_limit_type"], "min");
  EXPECT_DOUBLE_EQ(pruned["text_det_thresh"].get<double>(), 0.25);
  EXPECT_EQ(pruned["use_textline_orientation"], false);
  EXPECT_FALSE(has_key_anywhere(pruned, "input_path"));
  EXPECT_FALSE(has_key_anywhere(pruned, "page_index"));
  // visualize defaults to true: ocrImage and inputImage are Base64 JPEGs of the page.
  cv::Mat ocr_img = decode_b64_jpeg(item["ocrImage"]), in_img = decode_b64_jpeg(item["inputImage"]);
  EXPECT_EQ(in_img.size(), img.size());
  EXPECT_EQ(ocr_img.size(), img.size());
  EXPECT_LT(cv::norm(in_img, img, cv::NORM_L1) / img.total() / 3, 4.0);  // JPEG-close to the input
  EXPECT_TRUE(item["docPreprocessingImage"].is_null());
  EXPECT_EQ(res["dataInfo"], json({{"width", img.cols}, {"height", img.rows}, {"type", "image"}}));
  // The JSON Content-Type is required (a browser may send text/plain or form bodies cross-origin
  // without asking first); parameters and case do not matter.
  for (const char* type : {"application/x-www-form-urlencoded", "text/plain", "multipart/form-data; boundary=x"}) {
    auto other = s.client()->Post("/ocr", body, type);
    ASSERT_TRUE(other);
    EXPECT_EQ(other->status, 415) << type;
    EXPECT_EQ(json::parse(other->body)["errorCode"], 415);
  }
  auto charset = s.client()->Post("/ocr", body, "Application/JSON; charset=utf-8");
  ASSERT_TRUE(charset);
  EXPECT_EQ(charset->status, 200);
  EXPECT_EQ(json::parse(charset->body)["result"]["ocrResults"][0]["prunedResult"], pruned);
}

TEST(ServeHttp, VisualizeFalseOmitsImages) {
  REQUIRE_SHARED(kImage);
  FakeOcr fake;
  ServerOptions o = options();
  RunningServer s(o, fake.fn());
  json j = post(s, ocr_body(b64_file(shared_path(kImage)), {{"visualize", false}}));
  const json& item = j["result"]["ocrResults"][0];
  EXPECT_TRUE(item["ocrImage"].is_null());
  EXPECT_TRUE(item["inputImage"].is_null());
  EXPECT_TRUE(item["docPreprocessingImage"].is_null());
  o.service.visualize = false;  // server default off, request turns it on
  RunningServer s2(o, fake.fn());
  json j2 = post(s2, ocr_body(b64_file(shared_path(kImage)), {{"visualize", true}}));
  EXPECT_TRUE(j2["result"]["ocrResults"][0]["ocrImage"].is_string());
  json j3 = post(s2, ocr_body(b64_file(shared_path(kImage))));
  EXPECT_TRUE(j3["result"]["ocrResults"][0]["ocrImage"].is_null());
}

TEST(ServeHttp, LargeResultImagesAreShrunkToTheOutputLimit) {
  FakeOcr fake;
  ServerOptions o = options();
  o.service.max_output_img_side = 100;
  RunningServer s(o, fake.fn());
  cv::Mat big(300, 500, CV_8UC3, cv::Scalar(0, 128, 255));
  std::vector<uchar> png;
  cv::imencode(".png", big, png);
  json j = post(s, ocr_body(ppocr::server::base64_encode(std::string(png.begin(), png.end()))));
  cv::Mat out = decode_b64_jpeg(j["result"]["ocrResults"][0]["ocrImage"]);
  EXPECT_EQ(out.cols, 100);
  EXPECT_EQ(out.rows, 60);
  EXPECT_EQ(j["result"]["dataInfo"]["width"], 500);  // dataInfo describes the input, not the preview
}

TEST(ServeHttp, ImageByUrlMatchesBase64AndLocalUrlsNeedTheFlag) {
  REQUIRE_SHARED(kImage);
  FileHost host;
  FakeOcr fake;
  json by_b64;
  {
    RunningServer s(options(), fake.fn());
    by_b64 = post(s, ocr_body(b64_file(shared_path(kImage)), {{"visualize", false}}));
    // Without --allow_local_urls, loopback URLs (also through redirects) and file:// are refused; a
    // refused address gets the one text of every unreachable target (no port or address leaks).
    expect_error(s, ocr_body(host.url("/img/000.jpg")), 400, "cannot be reached, or is not one this server fetches");
    expect_error(s, ocr_body("http://localhost:" + host.url("").substr(17) + "/img/000.jpg"), 400,
                 "cannot be reached, or is not one this server fetches");
    expect_error(s, ocr_body("file://" + shared_path(kImage)), 403, "file:// URLs are refused");
  }
  ServerOptions o = options();
  o.service.allow_local_urls = true;
  o.service.local_url_root = shared_path("data");  // file:// URLs only under it
  RunningServer s(o, fake.fn());
  int status = 0;
  json by_url = post(s, ocr_body(host.url("/img/000.jpg"), {{"visualize", false}}), &status);
  ASSERT_EQ(status, 200) << by_url.dump().substr(0, 300);
  EXPECT_EQ(by_url["result"], by_b64["result"]);
  json redirected = post(s, ocr_body(host.url("/redirect.jpg"), {{"visualize", false}}));
  EXPECT_EQ(redirected["result"], by_b64["result"]);
  json local = post(s, ocr_body("file://" + shared_path(kImage), {{"visualize", false}}));
  EXPECT_EQ(local["result"], by_b64["result"]);
  // A URL without an extension is sniffed (here: the PDF).
  json pdf = post(s, ocr_body(host.url("/download"), {{"visualize", false}}));
  EXPECT_EQ(pdf["result"]["dataInfo"]["type"], "pdf");
  expect_error(s, ocr_body(host.url("/missing.jpg")), 400, "HTTP 404");
  expect_error(s, ocr_body("http://127.0.0.1:1/x.jpg"), 400, "cannot fetch");
  expect_error(s, ocr_body("ftp://example.com/x.jpg"), 400, "unsupported URL scheme");
  expect_error(s, ocr_body("file://" + shared_path("data/nonexistent.png")), 400, "cannot open local file");
  expect_error(s, ocr_body("file:///etc/passwd"), 403, "only from the configured directory");
  expect_error(s, ocr_body("http://no-such-host.invalid/x.jpg"), 400, "cannot fetch");
}

TEST(ServeHttp, UrlDownloadsAreCappedByTheBodyLimit) {
  FileHost host;
  FakeOcr fake;
  ServerOptions o = options();
  o.service.allow_local_urls = true;
  o.service.max_body_bytes = 1u << 20;
  RunningServer s(o, fake.fn());
  expect_error(s, ocr_body(host.url("/big.jpg")), 413, "larger than the limit");
}

TEST(ServeHttp, PdfGivesOneResultPerPageUpToTheLimit) {
  REQUIRE_SHARED(kPdf);
  FakeOcr fake;
  std::string b64 = b64_file(shared_path(kPdf));
  {
    RunningServer s(options(), fake.fn());
    int status = 0;
    json j = post(s, ocr_body(b64, {{"fileType", 0}, {"visualize", false}}), &status);
    ASSERT_EQ(status, 200) << j.dump().substr(0, 300);
    const json& info = j["result"]["dataInfo"];
    EXPECT_EQ(info["type"], "pdf");
    EXPECT_EQ(info["numPages"], 6);
    ASSERT_EQ(info["pages"].size(), 6u);
    ASSERT_EQ(j["result"]["ocrResults"].size(), 6u);
    for (int i = 0; i < 6; ++i) {
      EXPECT_EQ(info["pages"][i]["width"], j["result"]["ocrResults"][i]["prunedResult"]["width"]);
      EXPECT_EQ(info["pages"][i]["height"], j["result"]["ocrResults"][i]["prunedResult"]["height"]);
      EXPECT_GT(info["pages"][i]["width"].get<int>(), 500);  // rendered at 2x (144 dpi)
    }
    json sniffed = post(s, ocr_body(b64, {{"visualize", false}}));  // no fileType: magic says PDF
    EXPECT_EQ(sniffed["result"], j["result"]);
  }
  ServerOptions o = options();
  o.service.pdf_max_pages = 2;
  RunningServer s(o, fake.fn());
  json j = post(s, ocr_body(b64, {{"fileType", 0}}));
  EXPECT_EQ(j["result"]["dataInfo"]["numPages"], 2);
  EXPECT_EQ(j["result"]["ocrResults"].size(), 2u);
  EXPECT_TRUE(j["result"]["ocrResults"][1]["inputImage"].is_string());
}

// Issue 12: a multi-page TIFF gives every page (answered like a PDF: PaddleX's
// dataInfo has no other multi-page form); pdfPageRange picks pages of both.
TEST(ServeHttp, MultipageTiffAndPageRange) {
  REQUIRE_SHARED(kPdf);
  FakeOcr fake;
  std::vector<cv::Mat> pages;
  for (int i = 0; i < 3; ++i) pages.push_back(cv::Mat(30 + 10 * i, 50, CV_8UC3, cv::Scalar::all(60 * i)));
  std::string path = ppocr::test::temp_dir("serve_tiff") + "/t.tif";
  ASSERT_TRUE(cv::imwritemulti(path, pages));
  std::string tiff = b64_file(path);
  RunningServer s(options(), fake.fn());
  json j = post(s, ocr_body(tiff, {{"visualize", false}}));
  ASSERT_EQ(j["result"]["ocrResults"].size(), 3u) << j.dump().substr(0, 300);
  EXPECT_EQ(j["result"]["dataInfo"]["numPages"], 3);
  for (int i = 0; i < 3; ++i) EXPECT_EQ(j["result"]["dataInfo"]["pages"][i]["height"], 30 + 10 * i);
  j = post(s, ocr_body(tiff, {{"visualize", false}, {"pdfPageRange", "2-"}}));
  ASSERT_EQ(j["result"]["ocrResults"].size(), 2u);
  EXPECT_EQ(j["result"]["dataInfo"]["pages"][0]["height"], 40);
  j = post(s, ocr_body(b64_file(shared_path(kPdf)), {{"visualize", false}, {"pdfPageRange", "1,6"}}));
  EXPECT_EQ(j["result"]["dataInfo"]["numPages"], 2);
  expect_error(s, ocr_body(tiff, {{"pdfPageRange", "0-2"}}), 422, "'pdfPageRange'");
  expect_error(s, ocr_body(tiff, {{"pdfPageRange", 3}}), 422, "must be a string");
  expect_error(s, ocr_body(tiff, {{"pdfPageRange", "7-"}}), 400, "selects none of its 3 pages");
  // --pdf_max_pages caps a TIFF's pages as a PDF's.
  ServerOptions o = options();
  o.service.pdf_max_pages = 2;
  RunningServer capped(o, fake.fn());
  EXPECT_EQ(post(capped, ocr_body(tiff, {{"visualize", false}}))["result"]["ocrResults"].size(), 2u);
}

TEST(ServeHttp, BadInputsGetClearJsonErrors) {
  REQUIRE_SHARED(kImage);
  FakeOcr fake;
  ServerOptions o = options();
  o.service.max_pixels = 50'000'000;
  RunningServer s(o, fake.fn());
  std::string jpeg = read_file(shared_path(kImage));
  using ppocr::server::base64_encode;
  expect_error(s, "{\"file\": ", 422, "not valid JSON");
  expect_error(s, "[]", 422, "must be a JSON object");
  expect_error(s, "{}", 422, "'file' is required");
  expect_error(s, R"({"file": 12})", 422, "'file' must be a string");
  expect_error(s, R"({"file": "abc", "fileType": 3})", 422, "fileType");
  expect_error(s, R"({"file": "abc", "textDetThresh": "high"})", 422, "'textDetThresh' must be a number");
  expect_error(s, R"({"file": "abc", "useDocUnwarping": 1})", 422, "'useDocUnwarping' must be a boolean");
  expect_error(s, ocr_body("not base64 at all!"), 400, "neither an http(s) URL nor valid Base64");
  expect_error(s, ocr_body(base64_encode("just some text, not an image")), 422, "cannot be determined");
  expect_error(s, ocr_body(base64_encode("just some text, not an image"), {{"fileType", 1}}), 400,
               "not an image");
  expect_error(s, ocr_body(base64_encode(jpeg.substr(0, jpeg.size() / 2))), 400, "truncated");
  std::string broken = jpeg;  // header intact, entropy data and markers garbled
  for (size_t i = 200; i < broken.size() - 2; i += 7) broken[i] = char(0xFF);
  int st = 0;
  json garbled = post(s, ocr_body(base64_encode(broken)), &st);
  EXPECT_TRUE(st == 200 || st == 400) << st;  // decoded sanely or refused, never a crash
  expect_error(s, ocr_body(base64_encode(jpeg), {{"fileType", 0}}), 400, "not a readable PDF");
  expect_error(s, ocr_body(base64_encode(zero_page_pdf())), 400, "no pages");
  expect_error(s, ocr_body(base64_encode(encrypted_pdf())), 400, "encrypted");
  expect_error(s, ocr_body(base64_encode("%PDF-1.4\ngarbage")), 400, "not a readable PDF");
  // A PNG header claiming 20000x20000 is refused before anything is decoded.
  std::vector<uchar> png;
  cv::imencode(".png", cv::Mat(8, 8, CV_8UC3, cv::Scalar::all(255)), png);
  std::string huge(png.begin(), png.end());
  for (int off : {16, 20}) {
    huge[off] = 0, huge[off + 1] = 0, huge[off + 2] = char(20000 >> 8), huge[off + 3] = char(20000 & 0xFF);
  }
  expect_error(s, ocr_body(base64_encode(huge)), 413, "20000x20000");
  // A PDF page that would render above the limit (14400 x 14400 pt at 2x).
  expect_error(s, ocr_body(base64_encode(one_page_pdf(14400, 14400))), 413, "28800x28800");
  expect_error(s, ocr_body(base64_encode(one_page_pdf(14400, 14400))), 413, "exceeds the limit of 50000000");
  expect_error(s, ocr_body(base64_encode(one_page_pdf(14400, 14400))), 413, "--max_pixels");
  // A 1x1 image is processed.
  std::vector<uchar> tiny;
  cv::imencode(".png", cv::Mat(1, 1, CV_8UC3, cv::Scalar(1, 2, 3)), tiny);
  int status = 0;
  json j = post(s, ocr_body(base64_encode(std::string(tiny.begin(), tiny.end()))), &status);
  EXPECT_EQ(status, 200);
  EXPECT_EQ(j["result"]["dataInfo"]["width"], 1);
}

TEST(ServeHttp, PixelLimitAppliesToDecodedImages) {
  REQUIRE_SHARED(kImage);
  FakeOcr fake;
  ServerOptions o = options();
  o.service.max_pixels = 10000;
  RunningServer s(o, fake.fn());
  expect_error(s, ocr_body(b64_file(shared_path(kImage))), 413, "--max_pixels");
}

TEST(ServeHttp, TransportErrorsAreJsonToo) {
  FakeOcr fake;
  ServerOptions o = options();
  o.service.max_body_bytes = 1u << 20;
  RunningServer s(o, fake.fn());
  auto c = s.client();
  auto r = c->Post("/ocr", std::string(2u << 20, 'A'), "application/json");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 413);
  json j = json::parse(r->body);
  EXPECT_EQ(j["errorCode"], 413);
  EXPECT_NE(j["errorMsg"].get<std::string>().find("--max_body_mb"), std::string::npos);
  auto nf = c->Get("/nope");
  ASSERT_TRUE(nf);
  EXPECT_EQ(nf->status, 404);
  EXPECT_EQ(json::parse(nf->body)["errorCode"], 404);
  auto get_ocr = c->Get("/ocr");
  ASSERT_TRUE(get_ocr);
  EXPECT_EQ(get_ocr->status, 405);
  EXPECT_EQ(get_ocr->get_header_value("Allow"), "POST");
  EXPECT_EQ(json::parse(get_ocr->body)["errorCode"], 405);
  auto post_health = c->Post("/health", "{}", "application/json");
  ASSERT_TRUE(post_health);
  EXPECT_EQ(post_health->status, 405);
  EXPECT_EQ(post_health->get_header_value("Allow"), "GET, HEAD");
  // The server still works after all that.
  EXPECT_EQ(c->Get("/health")->status, 200);
}

TEST(ServeHttp, ConcurrentRequestsAllSucceed) {
  REQUIRE_SHARED(kImage);
  FakeOcr fake;
  *fake.delay_ms = 20;
  RunningServer s(options(2, 16), fake.fn());
  std::string body = ocr_body(b64_file(shared_path(kImage)), {{"visualize", false}});
  std::vector<std::future<int>> fs;
  for (int i = 0; i < 12; ++i)
    fs.push_back(std::async(std::launch::async, [&] {
      auto r = s.client()->Post("/ocr", body, "application/json");
      return r ? r->status : -1;
    }));
  for (auto& f : fs) EXPECT_EQ(f.get(), 200);
  EXPECT_EQ(fake.calls->load(), 12);
}

static void wait_for(const std::function<bool()>& cond) {
  for (int i = 0; i < 1000 && !cond(); ++i) std::this_thread::sleep_for(std::chrono::milliseconds(5));
  ASSERT_TRUE(cond());
}

TEST(ServeHttp, FullQueueAnswers503AtOnce) {
  FakeOcr fake;
  *fake.delay_ms = 3000;
  RunningServer s(options(1, 1), fake.fn());
  std::vector<uchar> png;
  cv::imencode(".png", cv::Mat(20, 20, CV_8UC3, cv::Scalar::all(9)), png);
  std::string body = ocr_body(ppocr::server::base64_encode(std::string(png.begin(), png.end())));
  auto send = [&] {
    auto r = s.client()->Post("/ocr", body, "application/json");
    return r ? r->status : -1;
  };
  auto first = std::async(std::launch::async, send);
  wait_for([&] { return s.server().service().running() == 1; });
  auto second = std::async(std::launch::async, send);
  wait_for([&] { return s.server().service().waiting() == 1; });
  int status = 0;
  json j = post(s, body, &status);
  EXPECT_EQ(status, 503);
  EXPECT_NE(j["errorMsg"].get<std::string>().find("--queue_size"), std::string::npos);
  // Refused at once: the first request is still being processed.
  EXPECT_EQ(first.wait_for(std::chrono::seconds(0)), std::future_status::timeout);
  EXPECT_EQ(first.get(), 200);
  EXPECT_EQ(second.get(), 200);
}

TEST(ServeHttp, SlowRequestsTimeOut) {
  FakeOcr fake;
  *fake.delay_ms = 1500;
  ServerOptions o = options(1, 4);
  o.service.timeout_s = 0.4;
  RunningServer s(o, fake.fn());
  std::vector<uchar> png;
  cv::imencode(".png", cv::Mat(20, 20, CV_8UC3, cv::Scalar::all(9)), png);
  std::string body = ocr_body(ppocr::server::base64_encode(std::string(png.begin(), png.end())));
  auto running = std::async(std::launch::async, [&] {
    int st = 0;
    json j = post(s, body, &st);
    return std::make_pair(st, j["errorMsg"].get<std::string>());
  });
  wait_for([&] { return s.server().service().running() == 1; });
  int status = 0;
  json queued = post(s, body, &status);  // waits behind the running one, never starts
  EXPECT_EQ(status, 503);
  EXPECT_NE(queued["errorMsg"].get<std::string>().find("waiting for a free worker"), std::string::npos);
  auto [st, msg] = running.get();
  EXPECT_EQ(st, 504);
  EXPECT_NE(msg.find("timed out after 0.4 s"), std::string::npos) << msg;
  EXPECT_EQ(fake.calls->load(), 1);  // the cancelled one never ran
}

TEST(ServeHttp, GracefulShutdownFinishesTheRequestInFlight) {
  REQUIRE_SHARED(kImage);
  FakeOcr fake;
  *fake.delay_ms = 800;
  RunningServer s(options(1, 4), fake.fn());
  std::string body = ocr_body(b64_file(shared_path(kImage)), {{"visualize", false}});
  auto in_flight = std::async(std::launch::async, [&] {
    auto r = s.client()->Post("/ocr", body, "application/json");
    return r ? std::make_pair(r->status, r->body) : std::make_pair(-1, std::string());
  });
  wait_for([&] { return s.server().service().running() == 1; });
  s.stop_async();  // what SIGTERM does
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  // No new connections are accepted once stopping.
  httplib::Client late("127.0.0.1", s.port());
  late.set_connection_timeout(1, 0);
  auto r = late.Get("/health");
  EXPECT_FALSE(r && r->status == 200);
  auto [status, text] = in_flight.get();
  EXPECT_EQ(status, 200);
  EXPECT_EQ(json::parse(text)["result"]["ocrResults"].size(), 1u);
  s.stop();  // joins
}
