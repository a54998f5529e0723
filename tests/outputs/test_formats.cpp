// The formats on synthetic pages: names, txt/md, hOCR, ALTO (against the
// official XSD), the searchable PDF (poppler), JSON round trip, the option.
#include <gtest/gtest.h>

#include <filesystem>
#include <regex>

#include <opencv2/imgproc.hpp>

#include "common/shared.h"
#include "outputs/util.h"
#include "pipelines/ocr/option_table.h"

using namespace ppocr;
using test::SynthLine;
namespace fs = std::filesystem;

namespace {

std::string alto_dir() { return std::string(PPOCR_SOURCE_DIR) + "/tests/data/alto"; }

// xmllint --schema alto-4-4.xsd, offline (the XLink schema it imports through the catalog).
test::Cmd validate_alto(const std::string& file) {
  return test::run("XML_CATALOG_FILES=" + test::shell_quote(alto_dir() + "/catalog.xml") +
                   " xmllint --nonet --noout --schema " + test::shell_quote(alto_dir() + "/alto-4-4.xsd") + " " +
                   test::shell_quote(file));
}

// A page with two lines drawn on it (the recognised text is given, not read).
OCRResult drawn_page(int w, int h) {
  OCRResult r = test::synthetic_result({{"Hello & <world>", {20, 20, 300, 60}}, {"中文测试 second", {20, 100, 400, 140}}},
                                       w, h);
  cv::putText(r.image, "Hello & <world>", {25, 52}, cv::FONT_HERSHEY_SIMPLEX, 1.0, {0, 0, 0}, 2);
  return r;
}

}  // namespace

TEST(OutputFormats, ParseNamesAndFiles) {
  using F = OutputFormat;
  EXPECT_EQ(parse_output_formats("txt,md,hocr,alto,pdf"), (std::vector<F>{F::kTxt, F::kMd, F::kHocr, F::kAlto, F::kPdf}));
  EXPECT_EQ(parse_output_formats(" PDF , txt,pdf,"), (std::vector<F>{F::kPdf, F::kTxt}));
  EXPECT_TRUE(parse_output_formats("").empty());
  try {
    parse_output_formats("txt,docx");
    FAIL() << "no error";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::kInvalidArgument);
    EXPECT_NE(std::string(e.what()).find("docx"), std::string::npos);
  }
  EXPECT_EQ(output_file_name(F::kTxt, "a"), "a.txt");
  EXPECT_EQ(output_file_name(F::kMd, "a"), "a.md");
  EXPECT_EQ(output_file_name(F::kHocr, "a"), "a.hocr");
  EXPECT_EQ(output_file_name(F::kAlto, "a"), "a_alto.xml");
  EXPECT_EQ(output_file_name(F::kPdf, "a"), "a_ocr.pdf");
  OCRResult page;
  page.name = "doc";
  page.page_index = 3;
  EXPECT_EQ(document_stem(page), "doc");
}

TEST(OutputFormats, OptionTableRowIsAListOfChoices) {
  const options::Spec* s = options::find("output_formats");
  ASSERT_NE(s, nullptr);
  EXPECT_STREQ(s->serving, "outputFormats");
  OCROptions o;
  options::set_text(o, *s, "txt, PDF", "--output_formats");
  EXPECT_EQ(o.output_formats, "txt, PDF");
  options::set_json(o, *s, nlohmann::json::array({"hocr", "alto"}), "field 'outputFormats'");
  EXPECT_EQ(o.output_formats, "hocr,alto");
  try {
    options::set_text(o, *s, "txt,docx", "--output_formats");
    FAIL() << "no error";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("--output_formats"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("docx"), std::string::npos) << e.what();
  }
  EXPECT_THROW(options::set_json(o, *s, nlohmann::json::array({"txt", 3}), "f"), Error);
}

TEST(OutputFormats, TextAndMarkdownFollowTheReadingOrder) {
  OCRResult p1 = test::synthetic_result({{"second line", {10, 50, 400, 80}}, {"# first * line", {10, 10, 400, 40}},
                                         {"1. after a gap", {10, 200, 400, 230}}});
  OCRResult p2 = test::synthetic_result({{"page two", {10, 10, 400, 40}}});
  EXPECT_EQ(to_text({p1, p2}), "# first * line\nsecond line\n\n1. after a gap\n\fpage two\n");
  EXPECT_EQ(to_markdown({p1, p2}), "\\# first \\* line\nsecond line\n\n1\\. after a gap\n\n---\n\npage two\n");
}

TEST(OutputFormats, HocrIsWellFormedWithBoxesOfTheResult) {
  ASSERT_TRUE(test::have_tool("xmllint")) << "xmllint (libxml2-utils) is required";
  OCRResult p = drawn_page(500, 200);
  p.rec_texts.push_back(std::string("bad \xff utf8 \x01 ctl"));
  p.rec_scores.push_back(0.5f);
  p.rec_polys.push_back({{20, 150}, {300, 150}, {300, 180}, {20, 180}});
  p.rec_boxes.push_back({20, 150, 300, 180});
  std::string dir = test::temp_dir("hocr");
  std::string file = test::write_file(dir, "p.hocr", to_hocr({p, p}));
  test::Cmd c = test::run("xmllint --noout --nonet " + test::shell_quote(file));
  EXPECT_EQ(c.status, 0) << c.err;
  EXPECT_EQ(c.err, "");
  std::string h = test::read_file(file);
  for (const char* cls : {"ocr_page", "ocr_carea", "ocr_par", "ocr_line", "ocrx_word"})
    EXPECT_NE(h.find(std::string("class=\"") + cls + "\""), std::string::npos) << cls;
  EXPECT_NE(h.find("Hello &amp; &lt;world&gt;"), std::string::npos);
  EXPECT_NE(h.find("ocr-number-of-pages\" content=\"2\""), std::string::npos);
  // Every ocr_line and ocrx_word has a bbox; the lines' are rec_boxes in reading order.
  std::regex line_re("class=\"ocr_line\" id=\"line_1_\\d+\" title=\"bbox (\\d+) (\\d+) (\\d+) (\\d+);");
  std::vector<std::array<int, 4>> got;
  for (auto it = std::sregex_iterator(h.begin(), h.end(), line_re); it != std::sregex_iterator(); ++it)
    got.push_back({std::stoi((*it)[1]), std::stoi((*it)[2]), std::stoi((*it)[3]), std::stoi((*it)[4])});
  std::vector<std::array<int, 4>> want;
  for (int i : reading_order(p).order()) want.push_back(p.rec_boxes[size_t(i)]);
  EXPECT_EQ(got, want);
  std::regex word_re("class=\"ocrx_word\" id=\"word_\\d+_\\d+\" title=\"bbox \\d+ \\d+ \\d+ \\d+; x_wconf \\d+\"");
  EXPECT_EQ(std::distance(std::sregex_iterator(h.begin(), h.end(), word_re), std::sregex_iterator()), 6);
}

TEST(OutputFormats, AltoValidatesAgainstTheOfficialSchema) {
  ASSERT_TRUE(test::have_tool("xmllint")) << "xmllint (libxml2-utils) is required";
  OCRResult p = drawn_page(500, 200);
  p.input_path = "/data/scan & co.png";
  std::string dir = test::temp_dir("alto");
  std::string file = test::write_file(dir, "p_alto.xml", to_alto({p, p, OCRResult{}}));
  test::Cmd c = validate_alto(file);
  EXPECT_EQ(c.status, 0) << c.err << c.out;
  std::string a = test::read_file(file);
  EXPECT_NE(a.find("<TextLine ID=\"line_1_1\" HPOS=\"20\" VPOS=\"20\" WIDTH=\"280\" HEIGHT=\"40\">"), std::string::npos);
  EXPECT_NE(a.find("CONTENT=\"中文测试 second\""), std::string::npos);
  EXPECT_NE(a.find("<fileName>scan &amp; co.png</fileName>"), std::string::npos);
  EXPECT_NE(a.find("<Page ID=\"page_3\""), std::string::npos);
  // A file that breaks the schema is caught (the validation is real).
  std::string bad = a;
  bad.replace(bad.find("PHYSICAL_IMG_NR"), 15, "PHYSICAL_IMG_XX");
  EXPECT_NE(validate_alto(test::write_file(dir, "bad_alto.xml", bad)).status, 0);
}

TEST(OutputFormats, SearchablePdfOfSyntheticPages) {
  ASSERT_TRUE(test::have_tool("pdftotext") && test::have_tool("pdfinfo")) << "poppler-utils is required";
  OCRResult a = drawn_page(600, 300);
  OCRResult b = test::synthetic_result({{"rotated quad", {50, 40, 350, 120}}}, 400, 500);
  b.rec_polys[0] = {{50, 60}, {340, 40}, {350, 100}, {60, 120}};  // a skewed line
  b.rec_texts.push_back("竖排文字");                                  // a vertical line
  b.rec_scores.push_back(0.9f);
  b.rec_polys.push_back({{360, 100}, {390, 100}, {390, 300}, {360, 300}});
  b.rec_boxes.push_back({360, 100, 390, 300});
  OCRResult c = test::synthetic_result({}, 100, 80);  // no text
  cv::cvtColor(c.image, c.image, cv::COLOR_BGR2GRAY);
  OutputOptions o;
  o.image_dpi = 144;  // 2 px per point
  std::string dir = test::temp_dir("pdf");
  std::string file = test::write_file(dir, "x_ocr.pdf", to_searchable_pdf({a, b, c}, o));
  test::PdfInfo info = test::pdf_info(file);
  EXPECT_TRUE(info.ok);
  EXPECT_EQ(info.err, "");
  ASSERT_EQ(info.pages, 3);
  EXPECT_EQ(info.sizes[0], (std::array<double, 2>{300, 150}));
  EXPECT_EQ(info.sizes[1], (std::array<double, 2>{200, 250}));
  EXPECT_EQ(info.sizes[2], (std::array<double, 2>{50, 40}));
  test::Cmd t = test::run("pdftotext " + test::shell_quote(file) + " -");
  EXPECT_EQ(t.err, "");
  for (const char* s : {"Hello", "&", "<world>", "中文测试", "second", "rotated", "quad", "竖排文字"})
    EXPECT_NE(t.out.find(s), std::string::npos) << s << " not in:\n" << t.out;
  // Rendering it draws the images and no text, without warnings.
  test::Cmd r = test::run("pdftoppm -r 20 -png " + test::shell_quote(file) + " " + test::shell_quote(dir + "/pg"));
  EXPECT_EQ(r.status, 0);
  EXPECT_EQ(r.err, "");
  // Words' boxes: "Hello" starts at the line's left edge (20 px = 10 pt).
  test::Cmd bb = test::run("pdftotext -bbox -f 1 -l 1 " + test::shell_quote(file) + " -");
  std::smatch m;
  ASSERT_TRUE(std::regex_search(bb.out, m, std::regex("xMin=\"([0-9.]+)\" yMin=\"([0-9.]+)\"[^>]*>Hello<")));
  EXPECT_NEAR(std::stod(m[1]), 10.0, 0.01);
  EXPECT_NEAR(std::stod(m[2]), 10.0, 0.01);
  // Without an image there is no PDF.
  OCRResult no_image = test::synthetic_result({{"x", {0, 0, 10, 10}}});
  EXPECT_THROW(to_searchable_pdf({no_image}), Error);
}

TEST(OutputFormats, DocumentWriterStreamsAndSaves) {
  std::string dir = test::temp_dir("writer");
  DocumentWriter w(parse_output_formats("txt,md,hocr,alto,pdf"));
  OCRResult p = drawn_page(300, 200);
  p.name = "doc";
  p.page_index = 0;
  w.add_page(p);
  p.page_index = 1;
  w.add_page(p);
  EXPECT_EQ(w.page_count(), 2);
  std::vector<std::string> files = w.save(dir, "");
  ASSERT_EQ(files.size(), 5u);
  for (const char* f : {"doc.txt", "doc.md", "doc.hocr", "doc_alto.xml", "doc_ocr.pdf"})
    EXPECT_TRUE(fs::exists(dir + "/" + f)) << f;
  EXPECT_EQ(w.page_count(), 0);
  // PDF pages at the default 144 dpi: the page size in points is half the pixels.
  test::PdfInfo info = test::pdf_info(dir + "/doc_ocr.pdf");
  ASSERT_EQ(info.pages, 2);
  EXPECT_EQ(info.sizes[1], (std::array<double, 2>{150, 100}));
}

TEST(OutputFormats, ResultFromJsonRoundTrip) {
  OCRResult p = drawn_page(300, 200);
  p.input_path = "/x/scan.png";
  OCRResult q = result_from_json(p.to_json(), p.image);
  EXPECT_EQ(q.rec_texts, p.rec_texts);
  EXPECT_EQ(q.rec_boxes, p.rec_boxes);
  EXPECT_EQ(q.rec_polys, p.rec_polys);
  EXPECT_EQ(q.name, "scan");
  EXPECT_EQ(to_text({q}), to_text({p}));
  EXPECT_EQ(to_alto({q}), to_alto({p}));
  EXPECT_THROW(result_from_json(nlohmann::json::array()), Error);
}

namespace {
// Whether OCRResult has PaddleOCR's word boxes (return_word_box): the outputs use them when it does.
template <class R, class = void>
struct HasWordBoxes : std::false_type {};
template <class R>
struct HasWordBoxes<R, std::void_t<decltype(std::declval<R&>().text_word)>> : std::true_type {};
}  // namespace

TEST(OutputFormats, WordsFromTheResultsWordBoxes) {
  auto quad = [](int x0, int x1) { return nlohmann::json{{x0, 10}, {x1, 10}, {x1, 40}, {x0, 40}}; };
  nlohmann::json res = {{"rec_texts", {"hello big world"}},
                        {"rec_scores", {0.9}},
                        {"rec_polys", {quad(10, 300)}},
                        {"rec_boxes", {{10, 10, 300, 40}}},
                        {"return_word_box", true},
                        {"text_word", {{"hello", " ", "big", " ", "world"}}},
                        {"text_word_region",
                         {{quad(10, 90), quad(90, 100), quad(100, 160), quad(160, 170), quad(170, 300)}}}};
  OCRResult r = result_from_json(res, cv::Mat(60, 320, CV_8UC3, cv::Scalar::all(255)));
  std::string h = to_hocr({r}), a = to_alto({r});
  std::regex word_re("class=\"ocrx_word\" id=\"word_1_\\d+\" title=\"bbox (\\d+) 10 (\\d+) 40; x_wconf 90\">([^<]*)<");
  std::vector<std::string> words;
  for (auto it = std::sregex_iterator(h.begin(), h.end(), word_re); it != std::sregex_iterator(); ++it)
    words.push_back((*it)[1].str() + "-" + (*it)[2].str() + ":" + (*it)[3].str());
  if constexpr (HasWordBoxes<OCRResult>::value) {
    // The words and their boxes as the JSON has them; the spaces between them are not words.
    EXPECT_EQ(words, (std::vector<std::string>{"10-90:hello", "100-160:big", "170-300:world"}));
    EXPECT_NE(a.find("<String ID=\"word_1_2\" CONTENT=\"big\" HPOS=\"100\" VPOS=\"10\" WIDTH=\"60\" HEIGHT=\"30\""),
              std::string::npos)
        << a;
    EXPECT_NE(a.find("<SP HPOS=\"90\" VPOS=\"10\" WIDTH=\"10\"/>"), std::string::npos) << a;
  } else {
    EXPECT_EQ(words, (std::vector<std::string>{"10-300:hello big world"}));
  }
  std::string dir = test::temp_dir("words");
  EXPECT_EQ(validate_alto(test::write_file(dir, "w_alto.xml", a)).status, 0);
}
