// The web page of `ppocr serve` (GET /): plain HTML, CSS and JavaScript kept
// as string literals in web_ui.cpp, served by the binary (no build step).
#pragma once
#include <string_view>

namespace ppocr::server {

struct WebAsset {
  std::string_view path;          // "/", "/app.js", "/app.css"
  std::string_view content_type;
  std::string_view body;
};

// nullptr when `path` is not one of the page's files.
const WebAsset* find_web_asset(std::string_view path);

// The Content-Security-Policy the page is served with.
extern const char* const kWebUiCsp;

}  // namespace ppocr::server
