// The service with the real pipeline: in process (results equal ppocr::OCR's
// own for the same file) and as the built `ppocr serve` binary (the example
// clients in curl / Python / Node / C++ all get the pipeline's texts; SIGTERM
// with a request in flight lets it finish and exits 0).
#include <gtest/gtest.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <netinet/in.h>

#include <cstdio>
#include <future>

#include "common/shared.h"
#include "ppocr/ocr.h"
#include "server/pipeline_backend.h"
#include "server/test_server.h"

extern char** environ;

using namespace ppocr::test;
using nlohmann::json;

namespace {

const char* kDet = "models/onnx/en_PP-OCRv3_det";
const char* kRec = "models/onnx/en_number_mobile_v2.0_rec";
const char* kPage = "data/tesseract/phototest.tif";
const char* kReceipt = "data/sroie/images/000.jpg";

ppocr::OCROptions pipeline_options() {
  ppocr::OCROptions o;
  o.text_detection_model_dir = shared_path(kDet);
  o.text_recognition_model_dir = shared_path(kRec);
  o.use_doc_orientation_classify = false;
  o.use_doc_unwarping = false;
  o.use_textline_orientation = false;
  o.cpu_threads = 1;
  return o;
}

std::string texts_of(const json& pruned) {
  std::string s;
  for (const auto& t : pruned["rec_texts"]) s += t.get<std::string>() + "\n";
  return s;
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

// `ppocr serve` as a child process.
class ServeProcess {
 public:
  ServeProcess(int port, std::vector<std::string> extra = {}) : port_(port) {
    // Models and switches come from a --config YAML file, the rest from flags.
    std::string config = temp_dir("serve_config") + "/serve.yaml";
    std::ofstream(config) << "workers: 3\n"
                          << "text_detection_model_dir: " << shared_path(kDet) << "\n"
                          << "text_recognition_model_dir: " << shared_path(kRec) << "\n"
                          << "use_doc_orientation_classify: false\nuse_doc_unwarping: false\n"
                          << "use_textline_orientation: false\ncpu_threads: 1\n";
    std::vector<std::string> args = {ppocr_binary(), "serve", "--config", config, "--port", std::to_string(port),
                                     "--workers", "1"};
    args.insert(args.end(), extra.begin(), extra.end());
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
  ~ServeProcess() {
    if (pid_ > 0) {
      kill(pid_, SIGKILL);
      waitpid(pid_, nullptr, 0);
    }
  }
  // Sends SIGTERM and waits; the exit status, or -1 when it did not exit in time.
  int terminate_and_wait(int seconds) {
    kill(pid_, SIGTERM);
    for (int i = 0; i < seconds * 20; ++i) {
      int st = 0;
      if (waitpid(pid_, &st, WNOHANG) == pid_) {
        pid_ = -1;
        return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    return -1;
  }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(port_); }

 private:
  pid_t pid_ = -1;
  int port_;
};

std::string run_command(const std::string& cmd) {
  std::string out;
  const int rc = ppocr::test::run_command(cmd, &out);
  EXPECT_EQ(rc, 0) << cmd << "\n" << out;
  return out;
}

}  // namespace

TEST(ServePipeline, ResultsEqualThePipelinesOwn) {
  REQUIRE_SHARED(kDet);
  REQUIRE_SHARED(kRec);
  REQUIRE_SHARED(kReceipt);
  auto ocr = std::make_shared<const ppocr::OCR>(pipeline_options());
  ppocr::server::ServerOptions o;
  o.service.workers = 2;
  RunningServer s(o, ppocr::server::make_pipeline_backend(ocr));
  std::string path = shared_path(kReceipt);
  int status = 0;
  auto r = s.client(300)->Post("/ocr", ocr_body(b64_file(path), {{"visualize", true}}), "application/json");
  ASSERT_TRUE(r);
  status = r->status;
  ASSERT_EQ(status, 200) << r->body.substr(0, 300);
  json served = json::parse(r->body)["result"]["ocrResults"][0];
  auto direct = ocr->predict(ppocr::Input::from_path(path));
  ASSERT_EQ(direct.size(), 1u);
  json expected = json::parse(direct[0].pruned_json().dump());
  EXPECT_EQ(served["prunedResult"], expected);
  EXPECT_GT(served["prunedResult"]["rec_texts"].size(), 10u);
  EXPECT_TRUE(served["ocrImage"].is_string());
  // A stage the pipeline was built without is refused with 422, not a 500.
  auto refused = s.client()->Post("/ocr", ocr_body(b64_file(path), {{"useDocUnwarping", true}}), "application/json");
  ASSERT_TRUE(refused);
  EXPECT_EQ(refused->status, 422);
  EXPECT_NE(json::parse(refused->body)["errorMsg"].get<std::string>().find("--use_doc_unwarping"), std::string::npos);
}

TEST(ServePipeline, ExampleClientsGetThePipelinesTexts) {
  REQUIRE_SHARED(kDet);
  REQUIRE_SHARED(kRec);
  REQUIRE_SHARED(kPage);
  std::string page = shared_path(kPage);
  auto direct = ppocr::OCR(pipeline_options()).predict(ppocr::Input::from_path(page));
  ASSERT_EQ(direct.size(), 1u);
  std::string expected = texts_of(direct[0].pruned_json());
  ASSERT_GT(expected.size(), 20u);
  ServeProcess server(free_port());
  std::string ex = std::string(PPOCR_SOURCE_DIR) + "/examples/client/";
  std::string dir = temp_dir("clients");
  std::string url = server.url();
  EXPECT_EQ(run_command("bash " + ex + "curl.sh " + url + " " + page + " " + dir + "/curl.jpg"), expected);
  EXPECT_EQ(run_command("python3 " + ex + "client.py " + url + " " + page + " " + dir + "/py.jpg"), expected);
  EXPECT_EQ(run_command("node " + ex + "client.js " + url + " " + page + " " + dir + "/js.jpg"), expected);
  EXPECT_EQ(run_command(std::string(PPOCR_BINARY_DIR) + "/ocr_client_example " + url + " " + page + " " + dir +
                        "/cpp.jpg"),
            expected);
  for (const char* f : {"/curl.jpg", "/py.jpg", "/js.jpg", "/cpp.jpg"}) {
    std::string jpg = read_file(dir + f);
    EXPECT_GT(jpg.size(), 1000u) << f;
    EXPECT_EQ(jpg.substr(0, 3), "\xFF\xD8\xFF") << f;
  }
}

TEST(ServePipeline, SigtermFinishesTheRequestInFlightAndExits) {
  REQUIRE_SHARED(kDet);
  REQUIRE_SHARED(kRec);
  REQUIRE_SHARED(kReceipt);
  int port = free_port();
  ServeProcess server(port);
  std::string body = ocr_body(b64_file(shared_path(kReceipt)), {{"visualize", false}});
  auto in_flight = std::async(std::launch::async, [&] {
    httplib::Client c("127.0.0.1", port);
    c.set_read_timeout(300, 0);
    auto r = c.Post("/ocr", body, "application/json");
    return r ? std::make_pair(r->status, r->body) : std::make_pair(-1, std::string());
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(300));  // the request is being processed (takes seconds)
  int code = server.terminate_and_wait(300);
  EXPECT_EQ(code, 0);
  auto [status, text] = in_flight.get();
  EXPECT_EQ(status, 200);
  EXPECT_GT(json::parse(text)["result"]["ocrResults"][0]["prunedResult"]["rec_texts"].size(), 10u);
  httplib::Client late("127.0.0.1", port);
  EXPECT_FALSE(late.Get("/health"));
}
