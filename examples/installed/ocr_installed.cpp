// Runs the OCR pipeline through an installed libppocr (built out of tree by
// examples/installed/CMakeLists.txt). Models are chosen by NAME and looked up
// in the model cache ($PPOCR_HOME, else ~/.paddlex/official_models), without
// downloading. Three inputs go through one ppocr::OCR:
//
//   ocr_installed IMAGE PDF URL
//
// (1) an image file, (2) a PDF (one result per page, every page with text),
// (3) an http(s) URL of an image. Prints the texts; exits 1 when any of the
// three gives no text (or on an error), 2 on bad usage.
#include <ppocr/ppocr.h>

#include <iostream>
#include <string>
#include <vector>

namespace {

// Prints one page's texts; returns how many there are.
size_t print_texts(const ppocr::OCRResult& r) {
  std::cout << "  page " << (r.page_index ? std::to_string(*r.page_index) : std::string("-")) << " ("
            << r.rec_texts.size() << " texts):";
  for (const auto& t : r.rec_texts) std::cout << " [" << t << "]";
  std::cout << "\n";
  return r.rec_texts.size();
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 4) {
    std::cerr << "usage: " << argv[0] << " IMAGE PDF URL\n";
    return 2;
  }
  const std::string image = argv[1], pdf = argv[2], url = argv[3];
  try {
    ppocr::OCROptions o;
    o.text_detection_model_name = "PP-OCRv6_tiny_det";  // $PPOCR_HOME/PP-OCRv6_tiny_det
    o.text_recognition_model_name = "PP-OCRv6_tiny_rec";
    o.use_doc_orientation_classify = false;
    o.use_doc_unwarping = false;
    o.use_textline_orientation = false;
    o.allow_download = false;  // the models must be in the cache already
    o.cpu_threads = 2;
    ppocr::OCR ocr(o);  // loads the models once; says which on stderr
    for (const auto& note : ocr.model_notes()) std::cout << "model " << note << "\n";

    int failures = 0;
    auto fail = [&](const std::string& what) {
      std::cerr << "FAIL: " << what << "\n";
      ++failures;
    };

    // (1) An image file.
    std::cout << "image " << image << "\n";
    auto rs = ocr.predict(ppocr::Input::from_path(image));
    if (rs.size() != 1 || print_texts(rs[0]) == 0) fail("no text in the image " + image);

    // (2) A PDF, streamed page by page: pages 0, 1, 2, ... each with text.
    std::cout << "pdf " << pdf << "\n";
    int pages = 0;
    ocr.predict_iter({ppocr::Input::from_path(pdf)}, [&](ppocr::OCRResult&& r) {
      if (!r.page_index || *r.page_index != pages) fail("PDF result " + std::to_string(pages) + " has the wrong page_index");
      if (print_texts(r) == 0) fail("no text on PDF page " + std::to_string(pages));
      ++pages;
      return true;
    });
    if (pages == 0) fail("no pages read from the PDF " + pdf);

    // (3) A URL.
    std::cout << "url " << url << "\n";
    rs = ocr.predict(ppocr::Input::from_path(url));
    if (rs.size() != 1 || print_texts(rs[0]) == 0) fail("no text from the URL " + url);

    std::cout << (failures ? "FAILED" : "OK") << " (image, " << pages << " PDF pages, URL)\n";
    return failures ? 1 : 0;
  } catch (const ppocr::Error& e) {
    std::cerr << "error: " << e.what() << "\n";
    return 1;
  }
}
