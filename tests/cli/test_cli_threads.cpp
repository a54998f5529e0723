// `ppocr`'s threads: how GNU OpenMP is told to wait (set before libgomp
// starts), and pages run side by side by `ppocr ocr` giving the same files.
#include <gtest/gtest.h>

#include <filesystem>

#include "cli_util.h"
#include "common/shared.h"
#include "engine/threads.h"

namespace fs = std::filesystem;
using namespace ppocr::test;

namespace {

// libgomp prints its settings at start-up with OMP_DISPLAY_ENV=verbose.
std::string gomp_settings(const std::vector<std::string>& env) {
  std::vector<std::string> e = env;
  e.push_back("OMP_DISPLAY_ENV=verbose");
  return run_ppocr({"--version"}, e).err;
}

}  // namespace

TEST(CliThreads, OpenMpWaitsBrieflyUnlessTheEnvironmentSays) {
  // Without the shell's "_" variable the program re-executes itself with the setting; with it, "_" is replaced.
  for (const char* how : {"env -u _", "env _=/usr/bin/ppocr"}) {
    std::string s = gomp_settings({how});
    EXPECT_NE(s.find("GOMP_SPINCOUNT = '1000'"), std::string::npos) << how << "\n" << s;
  }
  std::string passive = gomp_settings({"OMP_WAIT_POLICY=PASSIVE"});
  EXPECT_NE(passive.find("GOMP_SPINCOUNT = '0'"), std::string::npos) << passive;
  std::string own = gomp_settings({"GOMP_SPINCOUNT=1234"});
  EXPECT_NE(own.find("GOMP_SPINCOUNT = '1234'"), std::string::npos) << own;
  std::string deflt = gomp_settings({"PPOCR_OMP_SPIN_DEFAULT=0"});
  EXPECT_NE(deflt.find("GOMP_SPINCOUNT = '300000'"), std::string::npos) << deflt;
  // The program still runs normally after either path.
  RunResult r = run_ppocr({"--version"}, {"env -u _"});
  EXPECT_EQ(r.status, 0);
  EXPECT_NE(r.out.find("ppocr"), std::string::npos);
}

TEST(CliThreads, PagesSideBySideWriteTheSameFiles) {
  REQUIRE_SHARED("models/onnx/PP-OCRv6_tiny_rec");
  std::string in = temp_dir("threads_in");
  for (const char* f : {"img_1.jpg", "img_10.jpg", "img_100.jpg", "img_11.jpg", "img_12.jpg"})
    fs::copy_file(shared_path(std::string("data/icdar2015/images/") + f), in + "/" + f);
  std::vector<std::string> outs;
  for (const char* threads : {"1", "2"}) {
    std::string out = temp_dir(std::string("threads_out") + threads);
    RunResult r = run_ppocr({"ocr", "-q", "--timing", "-i", in, "--save_path", out, "--cpu_threads", threads,
                             "--use_doc_orientation_classify", "False", "--use_doc_unwarping", "False",
                             "--use_textline_orientation", "False", "--text_detection_model_dir",
                             shared_path("models/onnx/PP-OCRv6_tiny_det"), "--text_recognition_model_dir",
                             shared_path("models/onnx/PP-OCRv6_tiny_rec")});
    ASSERT_EQ(r.status, 0) << r.err;
    int at_once = std::string(threads) == "1" ? 1 : std::min(2, ppocr::engine::available_cpus());
    EXPECT_NE(r.err.find(std::to_string(at_once) + " pages at a time"), std::string::npos) << r.err;
    outs.push_back(out);
  }
  for (const char* f : {"img_1", "img_10", "img_100", "img_11", "img_12"}) {
    auto a = read_json(outs[0] + "/" + f + "_res.json"), b = read_json(outs[1] + "/" + f + "_res.json");
    EXPECT_EQ(a, b) << f;
  }
}
