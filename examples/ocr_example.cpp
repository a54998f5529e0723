// Runs the general OCR pipeline on images with the public C++ API.
//
//   ocr_example DET_MODEL_DIR REC_MODEL_DIR OUT_DIR IMAGE_OR_FOLDER...
//
// Prints each result like PaddleOCR and writes {name}_res.json and
// {name}_ocr_res_img.{ext} into OUT_DIR.
#include <iostream>

#include "ppocr/ppocr.h"

int main(int argc, char** argv) {
  if (argc < 5) {
    std::cerr << "usage: " << argv[0] << " DET_MODEL_DIR REC_MODEL_DIR OUT_DIR IMAGE_OR_FOLDER...\n";
    return 2;
  }
  try {
    ppocr::OCROptions opts;
    opts.text_detection_model_dir = argv[1];
    opts.text_recognition_model_dir = argv[2];
    opts.use_doc_orientation_classify = false;  // no document models given
    opts.use_doc_unwarping = false;
    opts.use_textline_orientation = false;
    ppocr::OCR ocr(opts);  // loads the models once; predict() is thread-safe

    std::vector<ppocr::Input> inputs;
    for (int i = 4; i < argc; ++i) inputs.push_back(ppocr::Input::from_path(argv[i]));
    ppocr::OCRParams params;  // per-call overrides, e.g. params.text_rec_score_thresh = 0.5f;
    ocr.predict_iter(inputs, [&](ppocr::OCRResult&& r) {
      r.print();
      r.save_to_json(argv[3]);
      r.save_to_img(argv[3]);
      return true;  // false stops the stream
    }, params);
  } catch (const ppocr::Error& e) {
    std::cerr << "error: " << e.what() << "\n";
    return 1;
  }
  return 0;
}
