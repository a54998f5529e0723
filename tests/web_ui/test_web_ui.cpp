// The web page of `ppocr serve` in headless Chromium: the built binary serves
// the real pipeline, tests/web_ui/drive_page.py loads GET /, puts a shared
// image (then a PDF) into the file input as a user would, waits for the page,
// and reports the text list, the canvas and a screenshot. The texts listed
// must be exactly those POST /ocr answers for the same file. Skips with a
// message when Chromium, Debian's python3-websocket or the shared models are
// absent.
#include <gtest/gtest.h>
#include <httplib.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <netinet/in.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <thread>

#include "common/shared.h"
#include "server/base64.h"

extern char** environ;

using namespace ppocr::test;
using nlohmann::json;

namespace {

const char* kDet = "models/onnx/en_PP-OCRv3_det";
const char* kRec = "models/onnx/en_number_mobile_v2.0_rec";
const char* kImage = "data/sroie/images/000.jpg";
const char* kPdf = "data/pdf/multipage.pdf";
const char* kPython = "/usr/bin/python3";  // Debian's, where python3-websocket lives

std::string find_chromium() {
  if (const char* env = std::getenv("PPOCR_CHROMIUM")) return access(env, X_OK) == 0 ? env : "";
  std::string path = std::getenv("PATH") ? std::getenv("PATH") : "/usr/bin:/bin";
  for (const char* name : {"chromium", "chromium-browser", "google-chrome"}) {
    std::stringstream ss(path);
    std::string dir;
    while (std::getline(ss, dir, ':'))
      if (!dir.empty() && access((dir + "/" + name).c_str(), X_OK) == 0) return dir + "/" + name;
  }
  return "";
}

int free_port() {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a);
  socklen_t len = sizeof a;
  getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len);
  close(fd);
  return ntohs(a.sin_port);
}

std::string read_file(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  std::ostringstream s;
  s << f.rdbuf();
  return s.str();
}

class Serve {
 public:
  explicit Serve(int port) : port_(port) {
    std::vector<std::string> args = {ppocr_binary(), "serve", "--port", std::to_string(port), "--workers", "1",
                                     "--cpu_threads", "2", "--pdf_max_pages", "2",
                                     "--text_detection_model_dir", shared_path(kDet),
                                     "--text_recognition_model_dir", shared_path(kRec),
                                     "--use_doc_orientation_classify", "False", "--use_doc_unwarping", "False",
                                     "--use_textline_orientation", "False"};
    std::vector<char*> argv;
    for (auto& s : args) argv.push_back(s.data());
    argv.push_back(nullptr);
    EXPECT_EQ(posix_spawn(&pid_, argv[0], nullptr, nullptr, argv.data(), environ), 0);
    for (int i = 0; i < 600; ++i) {
      httplib::Client c("127.0.0.1", port);
      if (auto r = c.Get("/health"); r && r->status == 200) return;
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    ADD_FAILURE() << "ppocr serve did not come up on port " << port;
  }
  ~Serve() {
    if (pid_ > 0) {
      kill(pid_, SIGKILL);
      waitpid(pid_, nullptr, 0);
    }
  }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(port_) + "/"; }
  // The texts POST /ocr gives for the file, per page.
  std::vector<std::vector<std::string>> texts(const std::string& path, int file_type) const {
    httplib::Client c("127.0.0.1", port_);
    c.set_read_timeout(300, 0);
    json body = {{"file", ppocr::server::base64_encode(read_file(path))}, {"fileType", file_type}, {"visualize", false}};
    auto r = c.Post("/ocr", body.dump(), "application/json");
    std::vector<std::vector<std::string>> out;
    if (!r || r->status != 200) {
      ADD_FAILURE() << "POST /ocr failed: " << (r ? r->body.substr(0, 300) : httplib::to_string(r.error()));
      return out;
    }
    const json answer = json::parse(r->body);
    for (const auto& page : answer["result"]["ocrResults"])
      out.push_back(page["prunedResult"]["rec_texts"].get<std::vector<std::string>>());
    return out;
  }

 private:
  pid_t pid_ = -1;
  int port_;
};

json drive(const std::string& chromium, const std::string& url, const std::string& file, const std::string& out_dir) {
  std::string cmd = "timeout 300 " + std::string(kPython) + " " + PPOCR_SOURCE_DIR + "/tests/web_ui/drive_page.py" +
                    " --chromium '" + chromium + "' --url '" + url + "' --file '" + file + "' --out '" + out_dir +
                    "' 2>&1";
  std::string out;
  int rc = run_command(cmd, &out);
  EXPECT_EQ(rc, 0) << cmd << "\n" << out;
  // The driver prints one JSON line last.
  size_t start = out.rfind("\n{");
  start = start == std::string::npos ? out.find('{') : start + 1;
  json j = json::parse(start == std::string::npos ? std::string("null") : out.substr(start), nullptr, false);
  EXPECT_TRUE(j.is_object()) << out;
  return j.is_object() ? j : json::object();
}

}  // namespace

TEST(WebUi, UploadInChromiumShowsTheServersTextsAndBoxes) {
  std::string chromium = find_chromium();
  if (chromium.empty()) GTEST_SKIP() << "Chromium not found (Debian package `chromium`, or set PPOCR_CHROMIUM)";
  std::string ignored;
  if (run_command(std::string(kPython) + " -c 'import websocket' 2>&1", &ignored) != 0)
    GTEST_SKIP() << "python3-websocket not installed (Debian package `python3-websocket`)";
  REQUIRE_SHARED(kDet);
  REQUIRE_SHARED(kRec);
  REQUIRE_SHARED(kImage);
  Serve serve(free_port());
  const std::string dir = temp_dir("web_ui");

  // An image: the page lists exactly the server's texts and draws their boxes.
  auto expected = serve.texts(shared_path(kImage), 1);
  ASSERT_EQ(expected.size(), 1u);
  ASSERT_GT(expected[0].size(), 10u);
  json r = drive(chromium, serve.url(), shared_path(kImage), dir + "/image");
  ASSERT_EQ(r.value("state", ""), "done") << r.dump();
  ASSERT_EQ(r["pages"].size(), 1u);
  EXPECT_EQ(r["pages"][0]["texts"].get<std::vector<std::string>>(), expected[0]);
  EXPECT_GT(r["pages"][0]["box_pixels"].get<long>(), 1000) << "no boxes drawn";
  EXPECT_TRUE(r["download"].get<bool>());
  EXPECT_NE(r["status"].get<std::string>().find(std::to_string(expected[0].size()) + " text lines"), std::string::npos)
      << r["status"];
  // The screenshot is the whole viewport and not blank.
  EXPECT_EQ(r["screenshot_size"], json::array({1280, 900}));
  EXPECT_GT(r["screenshot_bytes"].get<long>(), 30000);

  // A PDF: one canvas and one list per processed page (--pdf_max_pages 2), drawn over the rendered pages.
  if (!shared_exists(kPdf)) return;
  auto pdf_expected = serve.texts(shared_path(kPdf), 0);
  ASSERT_EQ(pdf_expected.size(), 2u);
  json p = drive(chromium, serve.url(), shared_path(kPdf), dir + "/pdf");
  ASSERT_EQ(p.value("state", ""), "done") << p.dump();
  ASSERT_EQ(p["pages"].size(), 2u);
  for (size_t i = 0; i < 2; ++i) {
    EXPECT_EQ(p["pages"][i]["texts"].get<std::vector<std::string>>(), pdf_expected[i]) << "page " << i;
    EXPECT_GT(p["pages"][i]["canvas"][0].get<int>(), 500);
  }
  EXPECT_EQ(p["screenshot_size"], json::array({1280, 900}));
}
