// End to end on the shared data (skipped without ../shared): the searchable
// PDF of scanned PDFs and receipts (pdftotext finds the recognised words,
// poppler opens it without warnings, pages and sizes as the input's), CJK
// text, hOCR/ALTO boxes against the JSON, a two-column page, receipt rows,
// the CLI's files and the service's outputs.
#include <gtest/gtest.h>

#include <filesystem>
#include <regex>

#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include "common/shared.h"
#include "outputs/util.h"
#include "server/base64.h"
#include "server/pipeline_backend.h"
#include "server/service.h"

using namespace ppocr;
namespace fs = std::filesystem;

namespace {

void require_poppler() {
  ASSERT_TRUE(test::have_tool("pdftotext") && test::have_tool("pdfinfo")) << "poppler-utils is required";
}

// The checks of one searchable PDF against its pages' results and its input.
void check_searchable_pdf(const std::vector<OCRResult>& pages, const std::string& pdf,
                          const std::vector<std::array<double, 2>>& want_sizes) {
  test::PdfInfo info = test::pdf_info(pdf);
  EXPECT_TRUE(info.ok) << pdf;
  EXPECT_EQ(info.err, "") << pdf << ": poppler warns";
  ASSERT_EQ(size_t(info.pages), want_sizes.size()) << pdf;
  ASSERT_EQ(info.sizes.size(), want_sizes.size());
  for (size_t k = 0; k < want_sizes.size(); ++k) {
    EXPECT_NEAR(info.sizes[k][0], want_sizes[k][0], 0.01) << pdf << " page " << k + 1;
    EXPECT_NEAR(info.sizes[k][1], want_sizes[k][1], 0.01) << pdf << " page " << k + 1;
  }
  test::Cmd t = test::run("pdftotext " + test::shell_quote(pdf) + " -");
  EXPECT_EQ(t.status, 0);
  EXPECT_EQ(t.err, "") << pdf;
  std::vector<std::string> want = test::words_of(test::all_texts(pages));
  double recall = test::word_recall(want, test::words_of(t.out));
  EXPECT_GE(recall, 0.95) << pdf << ": " << want.size() << " words in rec_texts";
  std::cout << "[ info ] " << fs::path(pdf).filename().string() << ": " << info.pages << " pages, " << want.size()
            << " words, pdftotext recall " << recall << "\n";
}

std::vector<std::array<double, 2>> input_pdf_sizes(const std::string& pdf) {
  return test::pdf_info(pdf).sizes;
}

// Texts that occur once in `text` (so their position is meaningful).
size_t unique_pos(const std::string& text, const std::string& needle) {
  size_t p = text.find(needle);
  if (p == std::string::npos || text.find(needle, p + 1) != std::string::npos) return std::string::npos;
  return p;
}

}  // namespace

TEST(Documents, ScannedPdfsBecomeSearchablePdfs) {
  REQUIRE_TINY_MODELS();
  REQUIRE_SHARED("data/pdf/multipage.pdf");
  require_poppler();
  std::string dir = test::temp_dir("scanned");
  for (const char* name : {"multipage.pdf", "cardinal.pdf", "linn.pdf"}) {
    std::string in = test::shared_path(std::string("data/pdf/") + name);
    std::vector<OCRResult> pages = test::tiny_ocr().predict(Input::from_path(in));
    std::vector<std::string> files = save_outputs(pages, dir, {OutputFormat::kPdf});
    ASSERT_EQ(files.size(), 1u);
    EXPECT_EQ(fs::path(files[0]).filename().string(), fs::path(name).stem().string() + "_ocr.pdf");
    check_searchable_pdf(pages, files[0], input_pdf_sizes(in));
  }
}

TEST(Documents, ReceiptsBecomeSearchablePdfs) {
  REQUIRE_TINY_MODELS();
  REQUIRE_SHARED("data/sroie/images/000.jpg");
  require_poppler();
  std::string dir = test::temp_dir("receipts");
  for (const char* name : {"000", "001", "002", "003", "004"}) {
    std::string in = test::shared_path(std::string("data/sroie/images/") + name + ".jpg");
    std::vector<OCRResult> pages = test::tiny_ocr().predict(Input::from_path(in));
    ASSERT_EQ(pages.size(), 1u);
    std::vector<std::string> files = save_outputs(pages, dir, {OutputFormat::kPdf});
    ASSERT_EQ(files.size(), 1u);
    // An image page: one pixel per point (OutputOptions::image_dpi 72).
    cv::Mat img = cv::imread(in);
    check_searchable_pdf(pages, files[0], {{double(img.cols), double(img.rows)}});
  }
}

TEST(Documents, ReceiptLinesOnOneRowComeOutLeftToRight) {
  REQUIRE_TINY_MODELS();
  REQUIRE_SHARED("data/sroie/images/000.jpg");
  int pairs = 0;
  for (const char* name : {"000", "001", "002", "003", "004", "005", "006", "007"}) {
    std::string in = test::shared_path(std::string("data/sroie/images/") + name + ".jpg");
    OCRResult r = test::tiny_ocr().predict(Input::from_path(in)).at(0);
    std::string txt = to_text({r});
    std::vector<std::string> txt_lines;
    {
      std::istringstream is(txt);
      std::string l;
      while (std::getline(is, l)) txt_lines.push_back(l);
    }
    // Two lines whose boxes share most of their height and do not overlap
    // sideways are on one row: the left one's text comes first, on the same
    // line of the txt.
    for (size_t a = 0; a < r.rec_boxes.size(); ++a)
      for (size_t b = 0; b < r.rec_boxes.size(); ++b) {
        const auto &A = r.rec_boxes[a], &B = r.rec_boxes[b];
        int overlap = std::min(A[3], B[3]) - std::max(A[1], B[1]);
        int hmin = std::min(A[3] - A[1], B[3] - B[1]);
        if (a == b || A[2] > B[0] || overlap < 0.8 * hmin) continue;
        const std::string &ta = r.rec_texts[a], &tb = r.rec_texts[b];
        if (ta.size() < 2 || tb.size() < 2) continue;
        bool found = false;
        for (const auto& l : txt_lines) {
          size_t pa = l.find(ta), pb = l.find(tb, pa == std::string::npos ? 0 : pa + ta.size());
          if (pa != std::string::npos && pb != std::string::npos) found = true;
        }
        EXPECT_TRUE(found) << name << ": \"" << ta << "\" then \"" << tb << "\" not on one line of:\n" << txt;
        ++pairs;
      }
  }
  EXPECT_GE(pairs, 10);  // the receipts do have such rows
}

TEST(Documents, TwoColumnPageReadsTheLeftColumnFirst) {
  REQUIRE_TINY_MODELS();
  REQUIRE_SHARED("data/tesseract/phototest.tif");
  // Two text pages side by side, 60 px apart, on one white page.
  cv::Mat left = cv::imread(test::shared_path("data/tesseract/phototest.tif"));
  cv::Mat right = cv::imread(test::shared_path("data/tesseract/eurotext.tif"));
  ASSERT_FALSE(left.empty() || right.empty());
  int gap = 60;
  cv::Mat page(std::max(left.rows, right.rows), left.cols + gap + right.cols, CV_8UC3, cv::Scalar(255, 255, 255));
  left.copyTo(page(cv::Rect(0, 0, left.cols, left.rows)));
  right.copyTo(page(cv::Rect(left.cols + gap, 0, right.cols, right.rows)));
  OCRResult r = test::tiny_ocr().predict(Input::from_image(page, "two_columns")).at(0);
  std::string txt = to_text({r});
  size_t last_left = 0, first_right = std::string::npos;
  int n_left = 0, n_right = 0;
  for (size_t i = 0; i < r.rec_texts.size(); ++i) {
    size_t p = unique_pos(txt, r.rec_texts[i]);
    if (r.rec_texts[i].size() < 4 || p == std::string::npos) continue;
    if (r.rec_boxes[i][2] <= left.cols + gap / 2) last_left = std::max(last_left, p), ++n_left;
    else if (r.rec_boxes[i][0] >= left.cols + gap / 2) first_right = std::min(first_right, p), ++n_right;
  }
  EXPECT_GE(n_left, 8);
  EXPECT_GE(n_right, 8);
  EXPECT_LT(last_left, first_right) << txt;
  // The left page's last line ("...dog.") before the right page's first.
  ReadingOrder ro = reading_order(r);
  EXPECT_GE(ro.blocks.size(), 2u);
}

TEST(Documents, ChineseTextIsSearchable) {
  REQUIRE_SHARED("models/paddle/PP-OCRv4_mobile_rec");
  REQUIRE_SHARED("models/paddle/PP-OCRv4_mobile_det");
  REQUIRE_SHARED("data/paddleocr_demo/imgs/11.jpg");
  require_poppler();
  OCROptions o;
  o.text_detection_model_dir = test::shared_path("models/paddle/PP-OCRv4_mobile_det");
  o.text_recognition_model_dir = test::shared_path("models/paddle/PP-OCRv4_mobile_rec");
  o.use_doc_orientation_classify = o.use_doc_unwarping = o.use_textline_orientation = false;
  o.log = [](const std::string&) {};
  OCR ocr(o);
  std::string in = test::shared_path("data/paddleocr_demo/imgs/11.jpg");
  std::vector<OCRResult> pages = ocr.predict(Input::from_path(in));
  std::string dir = test::temp_dir("chinese");
  std::string pdf = save_outputs(pages, dir, {OutputFormat::kPdf}).at(0);
  test::Cmd t = test::run("pdftotext " + test::shell_quote(pdf) + " -");
  EXPECT_EQ(t.err, "");
  int cjk_lines = 0, found = 0;
  for (const auto& text : pages[0].rec_texts) {
    if (text.size() < 6 || !(static_cast<unsigned char>(text[0]) >= 0xE4 && static_cast<unsigned char>(text[0]) <= 0xE9))
      continue;  // lines that start with a CJK ideograph
    ++cjk_lines;
    std::string squeezed = text;
    squeezed.erase(std::remove(squeezed.begin(), squeezed.end(), ' '), squeezed.end());
    std::string out = t.out;
    out.erase(std::remove_if(out.begin(), out.end(), [](char c) { return c == ' ' || c == '\n'; }), out.end());
    found += out.find(squeezed) != std::string::npos;
  }
  EXPECT_GE(cjk_lines, 3) << test::all_texts(pages);
  EXPECT_GE(found, cjk_lines * 95 / 100) << t.out;
  cv::Mat img = cv::imread(in);
  check_searchable_pdf(pages, pdf, {{double(img.cols), double(img.rows)}});
}

TEST(Documents, HocrAndAltoBoxesEqualTheJson) {
  REQUIRE_TINY_MODELS();
  REQUIRE_SHARED("data/pdf/linn.pdf");
  ASSERT_TRUE(test::have_tool("xmllint")) << "xmllint (libxml2-utils) is required";
  std::vector<OCRResult> pages = test::tiny_ocr().predict(Input::from_path(test::shared_path("data/pdf/linn.pdf")));
  OCRResult receipt = test::tiny_ocr().predict(Input::from_path(test::shared_path("data/sroie/images/001.jpg"))).at(0);
  std::string dir = test::temp_dir("hocr_alto");
  for (const auto& doc : {pages, std::vector<OCRResult>{receipt}}) {
    std::vector<std::string> files = save_outputs(doc, dir, parse_output_formats("hocr,alto"));
    ASSERT_EQ(files.size(), 2u);
    test::Cmd h = test::run("xmllint --noout --nonet " + test::shell_quote(files[0]));
    EXPECT_EQ(h.status, 0) << h.err;
    std::string alto_dir = std::string(PPOCR_SOURCE_DIR) + "/tests/data/alto";
    test::Cmd a = test::run("XML_CATALOG_FILES=" + test::shell_quote(alto_dir + "/catalog.xml") +
                            " xmllint --nonet --noout --schema " + test::shell_quote(alto_dir + "/alto-4-4.xsd") + " " +
                            test::shell_quote(files[1]));
    EXPECT_EQ(a.status, 0) << a.err;
    // Line boxes, page by page, in reading order: the JSON's rec_boxes.
    std::string hocr = test::read_file(files[0]), alto = test::read_file(files[1]);
    for (size_t k = 0; k < doc.size(); ++k) {
      const OCRResult& r = doc[k];
      nlohmann::json j = r.to_json();
      std::string p = std::to_string(k + 1);
      std::vector<std::array<int, 4>> want, got_h, got_a;
      for (int i : reading_order(r).order()) {
        auto b = j["res"]["rec_boxes"][size_t(i)];
        want.push_back({b[0].get<int>(), b[1].get<int>(), b[2].get<int>(), b[3].get<int>()});
      }
      std::regex hl("id=\"line_" + p + "_\\d+\" title=\"bbox (\\d+) (\\d+) (\\d+) (\\d+);");
      for (auto it = std::sregex_iterator(hocr.begin(), hocr.end(), hl); it != std::sregex_iterator(); ++it)
        got_h.push_back({std::stoi((*it)[1]), std::stoi((*it)[2]), std::stoi((*it)[3]), std::stoi((*it)[4])});
      std::regex al("<TextLine ID=\"line_" + p + "_\\d+\" HPOS=\"(\\d+)\" VPOS=\"(\\d+)\" WIDTH=\"(\\d+)\" HEIGHT=\"(\\d+)\"");
      for (auto it = std::sregex_iterator(alto.begin(), alto.end(), al); it != std::sregex_iterator(); ++it) {
        int x = std::stoi((*it)[1]), y = std::stoi((*it)[2]);
        got_a.push_back({x, y, x + std::stoi((*it)[3]), y + std::stoi((*it)[4])});
      }
      EXPECT_EQ(got_h, want) << "hOCR page " << p;
      EXPECT_EQ(got_a, want) << "ALTO page " << p;
      EXPECT_GT(want.size(), 5u);
    }
  }
}

TEST(Documents, CliWritesEachInputsDocumentsBesideTheJson) {
  REQUIRE_TINY_MODELS();
  REQUIRE_SHARED("data/pdf/linn.pdf");
  require_poppler();
  std::string dir = test::temp_dir("cli");
  std::string m = test::shared_path("models/onnx/");
  std::string common = " --text_detection_model_dir " + test::shell_quote(m + "PP-OCRv6_tiny_det") +
                       " --text_recognition_model_dir " + test::shell_quote(m + "PP-OCRv6_tiny_rec") +
                       " --use_doc_orientation_classify False --use_doc_unwarping False"
                       " --use_textline_orientation False -q --no_progress";
  std::string ppocr = test::shell_quote(test::ppocr_binary());
  test::Cmd c = test::run(ppocr + " ocr -i " + test::shell_quote(test::shared_path("data/pdf/multipage.pdf")) +
                          " -i " + test::shell_quote(test::shared_path("data/sroie/images/000.jpg")) +
                          " --save_path " + test::shell_quote(dir) + " --output_formats txt,md,hocr,alto,pdf" + common);
  ASSERT_EQ(c.status, 0) << c.err;
  for (const char* stem : {"multipage", "000"})
    for (const char* suffix : {".txt", ".md", ".hocr", "_alto.xml", "_ocr.pdf"})
      EXPECT_TRUE(fs::exists(dir + "/" + stem + suffix)) << stem << suffix;
  EXPECT_FALSE(fs::exists(dir + "/multipage_0.txt"));  // one file per input, not per page
  EXPECT_EQ(test::pdf_info(dir + "/multipage_ocr.pdf").pages, 6);
  std::string txt = test::read_file(dir + "/multipage.txt");
  EXPECT_EQ(std::count(txt.begin(), txt.end(), '\f'), 5);
  nlohmann::json j = nlohmann::json::parse(test::read_file(dir + "/multipage_0_res.json"));
  ASSERT_TRUE(j["res"].contains("reading_order"));
  EXPECT_EQ(j["res"]["reading_order"]["order"].size(), j["res"]["rec_texts"].size());
  // Without --output_formats the JSON is PaddleOCR's alone.
  std::string plain = test::temp_dir("cli_plain");
  test::Cmd p = test::run(ppocr + " ocr -i " + test::shell_quote(test::shared_path("data/sroie/images/000.jpg")) +
                          " --save_path " + test::shell_quote(plain) + common);
  ASSERT_EQ(p.status, 0) << p.err;
  EXPECT_FALSE(nlohmann::json::parse(test::read_file(plain + "/000_res.json"))["res"].contains("reading_order"));
  // Refused: an unknown format (naming the flag), and formats without a folder to write to.
  test::Cmd bad = test::run(ppocr + " ocr -i x.png --save_path " + test::shell_quote(plain) +
                            " --output_formats txt,docx" + common);
  EXPECT_NE(bad.status, 0);
  EXPECT_NE(bad.err.find("--output_formats"), std::string::npos) << bad.err;
  test::Cmd nosave = test::run(ppocr + " ocr -i " + test::shell_quote(test::shared_path("data/sroie/images/000.jpg")) +
                               " --output_formats txt" + common);
  EXPECT_NE(nosave.status, 0);
  EXPECT_NE(nosave.err.find("--save_path"), std::string::npos) << nosave.err;
}

TEST(Documents, ServiceReturnsTheRequestedOutputs) {
  REQUIRE_TINY_MODELS();
  REQUIRE_SHARED("data/pdf/linn.pdf");
  require_poppler();
  std::shared_ptr<const OCR> ocr(&test::tiny_ocr(), [](const OCR*) {});
  server::ServiceOptions so;
  so.workers = 1;
  so.idle_release_s = 0;
  server::OcrService svc(so, server::make_pipeline_backend(ocr));
  std::string pdf_bytes = test::read_file(test::shared_path("data/pdf/linn.pdf"));
  nlohmann::json req = {{"file", server::base64_encode(pdf_bytes)}, {"fileType", 0}, {"visualize", false},
                        {"outputFormats", {"txt", "pdf", "alto"}}};
  server::Reply rep = svc.handle_ocr(req.dump());
  ASSERT_EQ(rep.status, 200) << rep.body.substr(0, 500);
  nlohmann::json body = nlohmann::json::parse(rep.body);
  const auto& result = body["result"];
  ASSERT_TRUE(result.contains("outputs")) << rep.body.substr(0, 500);
  const auto& outs = result["outputs"];
  EXPECT_EQ(outs.size(), 3u);
  EXPECT_FALSE(outs["txt"].get<std::string>().empty());
  EXPECT_NE(outs["alto"].get<std::string>().find("<alto"), std::string::npos);
  auto pdf = server::base64_decode(outs["pdf"].get<std::string>());
  ASSERT_TRUE(pdf);
  EXPECT_EQ(pdf->rfind("%PDF-", 0), 0u);
  EXPECT_TRUE(result["ocrResults"][0]["prunedResult"].contains("reading_order"));
  std::string dir = test::temp_dir("service");
  test::write_file(dir, "linn_ocr.pdf", *pdf);
  test::PdfInfo info = test::pdf_info(dir + "/linn_ocr.pdf");
  EXPECT_EQ(info.err, "");
  ASSERT_EQ(info.pages, 1);
  EXPECT_NEAR(info.sizes[0][0], 612, 0.5);  // from the render resolution (no file to read the exact size from)
  EXPECT_NEAR(info.sizes[0][1], 792, 0.5);
  // Without outputFormats: PaddleX's result alone; a bad value is a 422 naming the field.
  req.erase("outputFormats");
  nlohmann::json plain = nlohmann::json::parse(svc.handle_ocr(req.dump()).body);
  EXPECT_FALSE(plain["result"].contains("outputs"));
  req["outputFormats"] = "docx";
  server::Reply bad = svc.handle_ocr(req.dump());
  EXPECT_EQ(bad.status, 422);
  EXPECT_NE(bad.body.find("outputFormats"), std::string::npos) << bad.body;
}
