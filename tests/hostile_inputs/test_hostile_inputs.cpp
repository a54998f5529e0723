// Hostile inputs against `ppocr serve` (issue 13, the input half), on loopback
// only, every loop bounded: decompression bombs in every codec, the PDF page
// that renders for minutes, slow and probing URLs, local-file URLs. The HTTP
// layer's own hostile clients are in tests/server_hostile.
#include <gtest/gtest.h>
#include <signal.h>
#include <spawn.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <dirent.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <fstream>
#include <future>
#include <mutex>
#include <thread>

#include "common/shared.h"
#include "io/hostile_samples.h"
#include "io/pdf.h"
#include "io/test_server.h"
#include "server/base64.h"
#include "server/test_server.h"

extern char** environ;

using namespace ppocr::test;
using ppocr::server::base64_encode;
using nlohmann::json;
using Clock = std::chrono::steady_clock;

namespace {

double since(Clock::time_point t0) { return std::chrono::duration<double>(Clock::now() - t0).count(); }

// A field of /proc/<pid>/status in kB (VmRSS, VmHWM), or -1.
long status_kb(const std::string& pid, const std::string& field) {
  std::ifstream f("/proc/" + pid + "/status");
  std::string line;
  while (std::getline(f, line))
    if (line.compare(0, field.size() + 1, field + ":") == 0) return std::stol(line.substr(field.size() + 1));
  return -1;
}

// Resets the peak RSS (VmHWM) to the current RSS; false where the kernel does not allow it.
bool reset_peak_rss(const std::string& pid) {
  std::ofstream f("/proc/" + pid + "/clear_refs");
  f << "5";
  f.flush();
  return bool(f);
}

int child_processes() {
  int n = 0;
  std::string me = std::to_string(getpid());
  DIR* d = opendir("/proc");
  while (dirent* e = d ? readdir(d) : nullptr) {
    std::ifstream f(std::string("/proc/") + e->d_name + "/stat");
    std::string pid, comm, state, ppid;
    if (f >> pid >> comm >> state >> ppid && ppid == me) ++n;
  }
  if (d) closedir(d);
  return n;
}

std::vector<std::pair<std::string, std::string>> bombs() {
  return {{"JPEG with a junk byte before SOF", jpeg_junk_before_sof(20000, 20000)},
          {"TIFF with duplicated size tags", tiff_duplicate_size_tags(20000, 20000)},
          {"JPEG 2000 of 20000x20000", jp2_huge(20000, 20000)},
          {"PNG with a 20000x20000 IHDR", png_huge(20000, 20000)}};
}

ppocr::server::ServiceOptions service_options() {
  ppocr::server::ServiceOptions o;
  o.workers = 2;
  o.queue_size = 8;
  o.visualize = false;
  o.idle_release_s = 0;
  o.heap_trim_s = 0;
  return o;
}

struct Answer {
  int status = 0;
  std::string msg;
  double seconds = 0;
};

Answer ask(ppocr::server::OcrService& svc, const std::string& body) {
  auto t0 = Clock::now();
  auto r = svc.handle_ocr(body);
  json j = json::parse(r.body, nullptr, false);
  return {r.status, j.is_object() && j["errorMsg"].is_string() ? j["errorMsg"].get<std::string>() : r.body,
          since(t0)};
}

std::string replace_all(std::string s, const std::string& from, const std::string& to) {
  for (size_t p = s.find(from); p != std::string::npos; p = s.find(from, p + to.size())) s.replace(p, from.size(), to);
  return s;
}

}  // namespace

// Each bomb: 413 within 0.5 s, and this process's peak RSS stays within
// 300 MB of where it was (the bombs ask for 1.2 to 3.2 GB each), also with
// all of them twice at once.
TEST(HostileInputs, BombsGet413FastWithBoundedMemory) {
  FakeOcr fake;
  ppocr::server::OcrService svc(service_options(), fake.fn());
  const std::string me = std::to_string(getpid());
  const bool reset = reset_peak_rss(me);
  const long base = reset ? status_kb(me, "VmRSS") : std::max(status_kb(me, "VmRSS"), status_kb(me, "VmHWM"));
  for (const auto& [what, bytes] : bombs()) {
    Answer a = ask(svc, ocr_body(base64_encode(bytes)));
    EXPECT_EQ(a.status, 413) << what << ": " << a.msg;
    EXPECT_LT(a.seconds, 0.5) << what;
    EXPECT_NE(a.msg.find("20000x20000"), std::string::npos) << a.msg;
    EXPECT_NE(a.msg.find("--max_pixels"), std::string::npos) << a.msg;
  }
  std::vector<std::future<Answer>> all;
  for (int round = 0; round < 2; ++round)
    for (const auto& b : bombs())
      all.push_back(std::async(std::launch::async, [&svc, body = ocr_body(base64_encode(b.second))] { return ask(svc, body); }));
  for (auto& f : all) EXPECT_EQ(f.get().status, 413);
  const long peak = status_kb(me, "VmHWM");
  EXPECT_LT(peak - base, 300 * 1024) << "peak RSS " << peak << " kB, " << (reset ? "reset to " : "before: ") << base << " kB";
  EXPECT_EQ(fake.calls->load(), 0);
}

// The 2-million-operator page (88 KB) with --timeout_s 2: its request gets
// 504 at the timeout and its worker is free within --timeout_s + 2 s (the
// render process is killed), while other PDFs and images are served meanwhile
// by the other worker. With --pdf_page_timeout_s 1, the page gets 413 on its own.
TEST(HostileInputs, StallingPdfFreesItsWorkerWhileOthersAreServed) {
  if (!ppocr::io::pdf_helpers_available()) GTEST_SKIP() << "poppler-utils not installed";
  FakeOcr fake;
  auto o = service_options();
  o.timeout_s = 2;
  ppocr::server::OcrService svc(o, fake.fn());
  const std::string stall = ocr_body(base64_encode(stall_pdf()));
  const int children_before = child_processes();
  std::promise<Answer> stalled;
  auto t0 = Clock::now();
  svc.submit_ocr(stall, "stall", [&](ppocr::server::Reply r) {
    stalled.set_value({r.status, r.body, since(t0)});
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  EXPECT_EQ(svc.running(), 1);
  // Meanwhile: a PDF and an image, in turn, for as long as the stall lasts (bounded).
  const std::string pdf = ocr_body(base64_encode(pages_pdf(2, 300, 200)));
  const std::string img = ocr_body(base64_encode(encoded_image(".png", 200, 100)));
  int served = 0;
  for (int i = 0; i < 20 && since(t0) < 1.8; ++i) {
    Answer a = ask(svc, i % 2 ? img : pdf);
    EXPECT_EQ(a.status, 200) << a.msg;
    EXPECT_LT(a.seconds, 1.0);
    ++served;
  }
  EXPECT_GE(served, 2);
  Answer s = stalled.get_future().get();
  EXPECT_EQ(s.status, 504) << s.msg;
  EXPECT_NEAR(s.seconds, 2.0, 0.5);
  // The worker is free within --timeout_s + 2 s of the request.
  while (svc.running() > 0 && since(t0) < 6) std::this_thread::sleep_for(std::chrono::milliseconds(20));
  EXPECT_EQ(svc.running(), 0);
  EXPECT_LT(since(t0), 4.0);
  EXPECT_EQ(child_processes(), children_before);  // no renderer left behind

  auto p = service_options();
  p.pdf_page_timeout_s = 1;
  ppocr::server::OcrService budget(p, fake.fn());
  Answer b = ask(budget, stall);
  EXPECT_EQ(b.status, 413) << b.msg;
  EXPECT_NE(b.msg.find("--pdf_page_timeout_s"), std::string::npos) << b.msg;
  EXPECT_LT(b.seconds, 2.0);
}

TEST(HostileInputs, PdfBudgetsPerPageAndPerRequest) {
  if (!ppocr::io::pdf_helpers_available()) GTEST_SKIP() << "poppler-utils not installed";
  FakeOcr fake;
  auto o = service_options();
  o.max_request_pixels = 2'500'000;  // three 1000x1000 pages are over
  o.pdf_max_pages = 0;               // all pages: the request budget still bounds them
  ppocr::server::OcrService svc(o, fake.fn());
  Answer a = ask(svc, ocr_body(base64_encode(pages_pdf(3, 500, 500))));
  EXPECT_EQ(a.status, 413) << a.msg;
  EXPECT_NE(a.msg.find("--max_request_pixels"), std::string::npos) << a.msg;
  EXPECT_EQ(fake.calls->load(), 0);  // refused before any page was rendered or recognised
  EXPECT_EQ(ask(svc, ocr_body(base64_encode(pages_pdf(2, 500, 500)))).status, 200);
  // A page that needs more memory than --pdf_page_mb to render.
  auto m = service_options();
  m.max_pixels = 200'000'000;
  m.pdf_page_mb = 64;
  ppocr::server::OcrService mem(m, fake.fn());
  Answer b = ask(mem, ocr_body(base64_encode(pages_pdf(1, 6000, 6000))));
  EXPECT_EQ(b.status, 413) << b.msg;
  EXPECT_NE(b.msg.find("--pdf_page_mb"), std::string::npos) << b.msg;
}

// URL downloads run on the fetch pool: with one OCR worker and two URLs that
// trickle for seconds, a Base64 request is answered at once.
TEST(HostileInputs, SlowUrlsDoNotHoldOcrWorkers) {
  LocalServer host;
  std::string png = encoded_image(".png", 64, 32);
  host.server().Get("/slow.png", [png](const httplib::Request&, httplib::Response& r) {
    r.set_chunked_content_provider("image/png", [png](size_t offset, httplib::DataSink& sink) {
      if (offset >= png.size()) {
        sink.done();
        return true;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(150));  // ~20 chunks: ~3 s
      sink.write(png.data() + offset, std::min<size_t>(png.size() - offset, png.size() / 20 + 1));
      return true;
    });
  });
  FakeOcr fake;
  auto o = service_options();
  o.workers = 1;
  o.fetch_workers = 2;
  o.allow_local_urls = true;
  ppocr::server::OcrService svc(o, fake.fn());
  std::vector<std::future<Answer>> slow;
  for (int i = 0; i < 2; ++i)
    slow.push_back(std::async(std::launch::async, [&] { return ask(svc, ocr_body(host.url("/slow.png"))); }));
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  EXPECT_EQ(svc.fetching(), 2);
  Answer quick = ask(svc, ocr_body(base64_encode(encoded_image(".png", 100, 50))));
  EXPECT_EQ(quick.status, 200) << quick.msg;
  EXPECT_LT(quick.seconds, 1.0);
  for (auto& f : slow) {
    Answer a = f.get();
    EXPECT_EQ(a.status, 200) << a.msg;
    EXPECT_GT(a.seconds, 1.5);
  }
}

// Probing the network through the server tells nothing: a closed port, an open
// one (that never sees a connection), a name that does not resolve and a
// private address all get the same answer; http_proxy in the environment is
// not used.
TEST(HostileInputs, UrlErrorsTellNothingAboutTheNetwork) {
  CountingListener open, proxy;
  ASSERT_TRUE(open.ok() && proxy.ok());
  ::setenv("http_proxy", proxy.url("").c_str(), 1);
  FakeOcr fake;
  ppocr::server::OcrService svc(service_options(), fake.fn());
  const std::string closed = "http://127.0.0.1:" + std::to_string(closed_port()) + "/a.png";
  std::vector<std::string> urls = {open.url("/a.png"), closed, "http://no-such-host.invalid/a.png",
                                   "http://10.255.255.1/a.png", "http://[::1]:" + std::to_string(open.port()) + "/a.png",
                                   "http://169.254.169.254/latest/meta-data/"};
  Answer first = ask(svc, ocr_body(urls[0]));
  EXPECT_EQ(first.status, 400) << first.msg;
  for (const auto& u : urls) {
    Answer a = ask(svc, ocr_body(u));
    EXPECT_EQ(a.status, first.status) << u;
    EXPECT_EQ(replace_all(a.msg, u, "URL"), replace_all(first.msg, urls[0], "URL")) << u;
    if (u.find(".invalid") == std::string::npos) {  // (a resolver may take its time to say no)
      EXPECT_LT(a.seconds, 1.0) << u;  // refused before any connection: nothing to wait for
    }
  }
  ::unsetenv("http_proxy");
  std::this_thread::sleep_for(std::chrono::milliseconds(50));
  EXPECT_EQ(open.accepts(), 0);
  EXPECT_EQ(proxy.accepts(), 0);
}

TEST(HostileInputs, LocalFileUrlsOnlyUnderTheRootAndNeverAFifo) {
  std::string root = temp_dir("root");
  std::string png = encoded_image(".png", 40, 30);
  std::ofstream(root + "/ok.png", std::ios::binary) << png;
  ASSERT_EQ(::mkfifo((root + "/fifo.png").c_str(), 0600), 0);
  FakeOcr fake;
  auto o = service_options();
  o.allow_local_urls = true;
  {
    ppocr::server::OcrService no_root(o, fake.fn());  // --allow_local_urls alone: no file:// at all
    EXPECT_EQ(ask(no_root, ocr_body("file://" + root + "/ok.png")).status, 403);
  }
  o.local_url_root = root;
  ppocr::server::OcrService svc(o, fake.fn());
  EXPECT_EQ(ask(svc, ocr_body("file://" + root + "/ok.png")).status, 200);
  Answer fifo = ask(svc, ocr_body("file://" + root + "/fifo.png"));
  EXPECT_EQ(fifo.status, 400) << fifo.msg;
  EXPECT_LT(fifo.seconds, 0.5);
  // The download thread is not left blocked on the FIFO (it answers just before it returns).
  auto t0 = Clock::now();
  while (svc.fetching() > 0 && since(t0) < 0.5) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  EXPECT_EQ(svc.fetching(), 0);
  Answer out = ask(svc, ocr_body("file:///etc/hostname"));
  EXPECT_EQ(out.status, 403) << out.msg;
  EXPECT_NE(out.msg.find("--local_url_root"), std::string::npos) << out.msg;
}

// The built binary: `ppocr serve` starts with OpenCV's own decode limits set
// from --max_pixels (it re-executes itself to get them into OpenCV), and the
// server process's peak RSS stays within 300 MB of idle under all four bombs.
TEST(HostileInputs, ServeBinarySetsOpenCvLimitsAndStaysSmallUnderBombs) {
  const char* det = "models/onnx/en_PP-OCRv3_det";
  const char* rec = "models/onnx/en_number_mobile_v2.0_rec";
  REQUIRE_SHARED(det);
  REQUIRE_SHARED(rec);
  struct stat st {};
  if (::stat(ppocr_binary().c_str(), &st) != 0) GTEST_SKIP() << "no built ppocr binary";
  int port = closed_port();
  std::vector<std::string> args = {ppocr_binary(), "serve", "--port", std::to_string(port), "--workers", "2",
                                   "--max_pixels", "30000000", "--text_detection_model_dir", shared_path(det),
                                   "--text_recognition_model_dir", shared_path(rec),
                                   "--use_doc_orientation_classify", "False", "--use_doc_unwarping", "False",
                                   "--use_textline_orientation", "False", "--cpu_threads", "1", "--idle_release_s", "0"};
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  pid_t pid = -1;
  ASSERT_EQ(posix_spawn(&pid, argv[0], nullptr, nullptr, argv.data(), environ), 0);
  struct Reaper {
    pid_t pid;
    ~Reaper() {
      kill(pid, SIGKILL);
      waitpid(pid, nullptr, 0);
    }
  } reaper{pid};
  bool up = false;
  for (int i = 0; i < 600 && !up; ++i) {
    httplib::Client c("127.0.0.1", port);
    auto r = c.Get("/health");
    up = r && r->status == 200;
    if (!up) std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  ASSERT_TRUE(up) << "ppocr serve did not come up";
  const std::string p = std::to_string(pid);
  std::ifstream envf("/proc/" + p + "/environ", std::ios::binary);
  std::string env((std::istreambuf_iterator<char>(envf)), std::istreambuf_iterator<char>());
  std::vector<std::string> vars;
  for (size_t a = 0, b; a < env.size(); a = b + 1) {
    b = env.find('\0', a);
    if (b == std::string::npos) b = env.size();
    vars.push_back(env.substr(a, b - a));
  }
  for (const char* want : {"OPENCV_IO_MAX_IMAGE_PIXELS=30000000", "OPENCV_IO_MAX_IMAGE_WIDTH=1048576",
                           "OPENCV_IO_MAX_IMAGE_HEIGHT=1048576"})
    EXPECT_NE(std::find(vars.begin(), vars.end(), want), vars.end()) << want;
  const bool reset = reset_peak_rss(p);
  const long idle = reset ? status_kb(p, "VmRSS") : status_kb(p, "VmHWM");
  httplib::Client c("127.0.0.1", port);
  c.set_read_timeout(30, 0);
  for (int round = 0; round < 2; ++round)
    for (const auto& [what, bytes] : bombs()) {
      auto t0 = Clock::now();
      auto r = c.Post("/ocr", ocr_body(base64_encode(bytes)), "application/json");
      ASSERT_TRUE(r) << what;
      EXPECT_EQ(r->status, 413) << what << ": " << r->body.substr(0, 300);
      EXPECT_LT(since(t0), 0.5) << what;
    }
  const long peak = status_kb(p, "VmHWM");
  EXPECT_LT(peak - idle, 300 * 1024) << "server peak RSS " << peak << " kB, idle " << idle << " kB";
}
