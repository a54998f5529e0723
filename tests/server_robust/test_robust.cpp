// Robustness of `ppocr serve` (also run under ASan/UBSan): mutated and
// truncated images, PDFs, Base64 and JSON through the service, random header
// bytes through the probe, and garbage / cut-off HTTP on a raw socket. Every
// input must end in a JSON answer with a 2xx/4xx status (never a crash, a hang
// or a leak), and the server must keep serving afterwards.
#include <gtest/gtest.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>
#include <random>

#include "common/shared.h"
#include "server/base64.h"
#include "io/image_decode.h"
#include "server/pdf_samples.h"
#include "server/request.h"
#include "server/test_server.h"

using namespace ppocr::test;
using ppocr::server::base64_encode;
using nlohmann::json;

// fontconfig (used by poppler to render PDF text) keeps a one-time global
// allocation for the life of the process; LeakSanitizer would report it.
extern "C" const char* __lsan_default_suppressions() { return "leak:libfontconfig.so\n"; }

namespace {

std::string encode(const cv::Mat& img, const char* ext) {
  std::vector<uchar> buf;
  EXPECT_TRUE(cv::imencode(ext, img, buf));
  return std::string(buf.begin(), buf.end());
}

cv::Mat test_image() {
  cv::Mat img(64, 96, CV_8UC3);
  cv::randu(img, cv::Scalar::all(0), cv::Scalar::all(255));
  cv::putText(img, "ppocr", {5, 40}, cv::FONT_HERSHEY_SIMPLEX, 1.0, cv::Scalar(0, 0, 0), 2);
  return img;
}

// The statuses a bad file may get; anything else (500, no answer) is a bug.
void expect_handled(ppocr::server::OcrService& svc, const std::string& body, const std::string& what) {
  ppocr::server::Reply r = svc.handle_ocr(body);
  EXPECT_TRUE(r.status == 200 || r.status == 400 || r.status == 413 || r.status == 422) << what << ": " << r.status
                                                                                          << " " << r.body.substr(0, 200);
  json j = json::parse(r.body, nullptr, false);
  ASSERT_FALSE(j.is_discarded()) << what;
  EXPECT_EQ(j["errorCode"], r.status == 200 ? 0 : r.status) << what;
}

ppocr::server::ServiceOptions service_options() {
  ppocr::server::ServiceOptions o;
  o.workers = 2;
  o.queue_size = 4;
  o.max_pixels = 4'000'000;
  o.visualize = true;
  return o;
}

}  // namespace

TEST(ServeRobust, MutatedAndTruncatedImagesAreHandled) {
  FakeOcr fake;
  ppocr::server::OcrService svc(service_options(), fake.fn());
  std::mt19937 rng(1234);
  for (const char* ext : {".png", ".jpg", ".bmp", ".tiff", ".webp", ".ppm"}) {
    std::string good = encode(test_image(), ext);
    expect_handled(svc, ocr_body(base64_encode(good)), ext);
    for (int i = 0; i < 25; ++i) {
      std::string bad = good;
      size_t cut = 1 + rng() % (good.size() - 1);
      std::string truncated = good.substr(0, cut);
      for (int k = 0; k < 1 + int(rng() % 8); ++k) bad[rng() % bad.size()] = char(rng());
      expect_handled(svc, ocr_body(base64_encode(bad)), std::string(ext) + " flipped");
      expect_handled(svc, ocr_body(base64_encode(truncated)), std::string(ext) + " cut at " + std::to_string(cut));
    }
  }
}

TEST(ServeRobust, HeadersClaimingHugeOrZeroSizesAreRefused) {
  FakeOcr fake;
  ppocr::server::OcrService svc(service_options(), fake.fn());
  std::string png = encode(test_image(), ".png");
  for (uint32_t w : {0u, 1u, 20000u, 65535u, 0x7FFFFFFFu, 0xFFFFFFFFu}) {
    std::string bad = png;
    for (int off : {16, 20})
      for (int b = 0; b < 4; ++b) bad[off + b] = char((w >> (24 - 8 * b)) & 0xFF);
    expect_handled(svc, ocr_body(base64_encode(bad)), "png " + std::to_string(w));
  }
  std::mt19937 rng(99);
  static const std::string sigs[] = {std::string("\x89PNG\r\n\x1a\n", 8), "\xFF\xD8\xFF", "BM", "GIF89a",
                                     std::string("RIFF\0\0\0\0WEBPVP8X", 16), std::string("RIFF\0\0\0\0WEBPVP8L", 16),
                                     std::string("RIFF\0\0\0\0WEBPVP8 ", 16), std::string("II*\0", 4),
                                     std::string("MM\0*", 4), "P6", "P2 # c\n"};
  const size_t n_sigs = sizeof sigs / sizeof sigs[0];
  for (int i = 0; i < 3000; ++i) {  // io's probe on random headers of every known signature
    std::string h = sigs[i % n_sigs];
    size_t n = rng() % 64;
    for (size_t k = 0; k < n; ++k) h.push_back(char(rng()));
    ppocr::io::ImageSize size;
    (void)ppocr::io::probe_image_size(h.data(), h.size(), size);
  }
}

TEST(ServeRobust, MutatedPdfsAreHandled) {
  FakeOcr fake;
  auto opts = service_options();
  opts.pdf_max_pages = 2;
  ppocr::server::OcrService svc(opts, fake.fn());
  std::vector<std::string> pdfs = {one_page_pdf(200, 100), zero_page_pdf(), encrypted_pdf()};
  if (shared_exists("data/pdf/pdflatex-4-pages.pdf")) pdfs.push_back(read_file(shared_path("data/pdf/pdflatex-4-pages.pdf")));
  std::mt19937 rng(7);
  for (const auto& good : pdfs) {
    expect_handled(svc, ocr_body(base64_encode(good)), "pdf");
    int rounds = good.size() > 10000 ? 4 : 15;  // real multi-page PDFs render slowly
    for (int i = 0; i < rounds; ++i) {
      std::string bad = good;
      for (int k = 0; k < 1 + int(rng() % 16); ++k) bad[rng() % bad.size()] = char(rng());
      expect_handled(svc, ocr_body(base64_encode(bad), {{"fileType", 0}}), "pdf flipped");
      expect_handled(svc, ocr_body(base64_encode(good.substr(0, 1 + rng() % (good.size() - 1))), {{"fileType", 0}}),
                     "pdf cut");
    }
  }
  for (const char* box : {"[0 0 0 0]", "[0 0 -5 100]", "[0 0 1e30 1e30]", "[0 0 nan 1]", "[]"}) {
    std::string pdf = make_pdf({"<< /Type /Catalog /Pages 2 0 R >>", "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
                                std::string("<< /Type /Page /Parent 2 0 R /MediaBox ") + box + " >>"},
                               "");
    expect_handled(svc, ocr_body(base64_encode(pdf)), box);
  }
}

TEST(ServeRobust, GarbageRequestBodiesAreHandled) {
  FakeOcr fake;
  ppocr::server::OcrService svc(service_options(), fake.fn());
  std::string valid = ocr_body(base64_encode(encode(test_image(), ".png")), {{"textDetThresh", 0.3}});
  std::mt19937 rng(42);
  for (int i = 0; i < 300; ++i) {
    std::string b = valid.substr(0, rng() % valid.size());
    expect_handled(svc, b, "truncated body");
    std::string c = valid;
    for (int k = 0; k < 4; ++k) c[rng() % 60] = char(rng());
    expect_handled(svc, c, "flipped body");
  }
  expect_handled(svc, std::string(100000, '['), "deep nesting");
  expect_handled(svc, "{\"file\":" + std::string(50000, '[') + std::string(50000, ']') + "}", "deep array");
  expect_handled(svc, "{\"file\": \"\\ud800\"}", "lone surrogate");
  expect_handled(svc, std::string("{\"file\": \"\0\0\", \"x\":1}", 22), "NUL bytes");
  expect_handled(svc, ocr_body(std::string(3000, '=')), "only padding");
  expect_handled(svc, ocr_body("data:;base64,"), "empty data uri");
  expect_handled(svc, ocr_body("http://"), "empty url");
  expect_handled(svc, ocr_body(std::string(10000, 'A')), "zeros");
  for (int i = 0; i < 200; ++i) {
    std::string junk(rng() % 200, '\0');
    for (auto& ch : junk) ch = char(rng());
    expect_handled(svc, junk, "random bytes");
    auto dec = ppocr::server::base64_decode(junk);
    (void)dec;
  }
}

TEST(ServeRobust, BrokenHttpDoesNotHurtTheServer) {
  FakeOcr fake;
  ppocr::server::ServerOptions o;
  o.service = service_options();
  o.service.max_body_bytes = 1u << 20;
  RunningServer s(o, fake.fn());
  auto raw = [&](const std::string& data, bool read_reply) {
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_port = htons(static_cast<uint16_t>(s.port()));
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ASSERT_EQ(connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a), 0);
    timeval tv{3, 0};
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    (void)!write(fd, data.data(), data.size());
    if (read_reply) {
      char buf[4096];
      (void)!read(fd, buf, sizeof buf);
    }
    close(fd);
  };
  raw("GARBAGE\r\n\r\n", true);
  raw("POST /ocr HTTP/1.1\r\nContent-Length: 1000\r\n\r\n{\"file\":", false);  // body cut off
  raw("POST /ocr HTTP/1.1\r\nContent-Length: -5\r\n\r\n", true);
  raw("POST /ocr HTTP/1.1\r\nContent-Length: 99999999999999999999\r\n\r\n", true);
  raw("POST /ocr HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\nZZZ\r\nabc\r\n0\r\n\r\n", true);
  raw("POST /ocr HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n" + std::string(40, 'f') + "\r\n", false);
  raw("GET /" + std::string(20000, 'a') + " HTTP/1.1\r\n\r\n", true);
  raw("GET /health HTTP/1.1\r\nX: " + std::string(20000, 'b') + "\r\n\r\n", true);
  raw("POST /ocr HTTP/1.1\r\nContent-Length: 5\r\n\r\n{\"a\"}", true);
  raw(std::string("\0\0\0\0", 4), false);
  // Chunked JSON body that is valid works; one over the limit gets a JSON 413.
  httplib::Client c("127.0.0.1", s.port());
  std::string body = ocr_body(base64_encode(encode(test_image(), ".png")));
  auto ok = c.Post(
      "/ocr",
      [&](size_t offset, httplib::DataSink& sink) {
        sink.write(body.data() + offset, std::min<size_t>(1000, body.size() - offset));
        if (offset + 1000 >= body.size()) sink.done();
        return true;
      },
      "application/json");
  ASSERT_TRUE(ok);
  EXPECT_EQ(ok->status, 200);
  std::string big(2u << 20, 'x');
  auto too_big = c.Post(
      "/ocr",
      [&](size_t offset, httplib::DataSink& sink) {
        sink.write(big.data() + offset, std::min<size_t>(65536, big.size() - offset));
        if (offset + 65536 >= big.size()) sink.done();
        return true;
      },
      "application/json");
  // The server stops reading at the limit and answers 413; a client still sending may see the
  // connection reset before it reads that answer. Either way the server lives on.
  if (too_big) {
    EXPECT_EQ(too_big->status, 413);
    EXPECT_EQ(json::parse(too_big->body)["errorCode"], 413);
  }
  auto h = httplib::Client("127.0.0.1", s.port()).Get("/health");
  ASSERT_TRUE(h);
  EXPECT_EQ(h->status, 200);
}

TEST(ServeRobust, ManyClientsAtOnceAllGetAnswers) {
  FakeOcr fake;
  *fake.delay_ms = 5;
  ppocr::server::ServerOptions o;
  o.service = service_options();
  o.service.queue_size = 3;
  RunningServer s(o, fake.fn());
  std::string body = ocr_body(base64_encode(encode(test_image(), ".jpg")));
  std::atomic<int> ok{0}, busy{0}, other{0};
  std::vector<std::thread> ts;
  for (int t = 0; t < 12; ++t)
    ts.emplace_back([&] {
      httplib::Client c("127.0.0.1", s.port());
      for (int i = 0; i < 10; ++i) {
        auto r = c.Post("/ocr", body, "application/json");
        if (r && r->status == 200) ++ok;
        else if (r && r->status == 503) ++busy;
        else ++other;
      }
    });
  for (auto& t : ts) t.join();
  EXPECT_EQ(ok + busy, 120);
  EXPECT_EQ(other.load(), 0);
  EXPECT_GT(ok.load(), 0);
}
