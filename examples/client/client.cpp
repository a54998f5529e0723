// Calls `ppocr serve` from C++ with cpp-httplib's client and nlohmann-json:
// sends a file (image or PDF) as Base64, prints the recognised texts one per
// line, and saves the OCR visualisation of the first page when OUT is given.
//
//   g++ -std=c++17 client.cpp $(pkg-config --cflags --libs cpp-httplib) -o ocr_client
//   ./ocr_client [http://127.0.0.1:8080] FILE [OUT.jpg]
#include <httplib.h>

#include <cstring>
#include <fstream>
#include <iostream>
#include <iterator>
#include <nlohmann/json.hpp>
#include <string>

static std::string base64(const std::string& in) {
  static const char* t = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  int val = 0, bits = -6;
  for (unsigned char c : in) {
    val = (val << 8) + c;
    bits += 8;
    while (bits >= 0) {
      out.push_back(t[(val >> bits) & 0x3F]);
      bits -= 6;
    }
  }
  if (bits > -6) out.push_back(t[((val << 8) >> (bits + 8)) & 0x3F]);
  while (out.size() % 4) out.push_back('=');
  return out;
}

static std::string unbase64(const std::string& in) {
  std::string out;
  int val = 0, bits = -8;
  for (unsigned char c : in) {
    const char* t = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    const char* p = c ? std::strchr(t, c) : nullptr;
    if (!p) continue;  // '=' padding
    val = (val << 6) + int(p - t);
    bits += 6;
    if (bits >= 0) {
      out.push_back(char((val >> bits) & 0xFF));
      bits -= 8;
    }
  }
  return out;
}

int main(int argc, char** argv) {
  int i = 1;
  std::string url = "http://127.0.0.1:8080";
  if (argc > 1 && std::string(argv[1]).rfind("http", 0) == 0) url = argv[i++];
  if (i >= argc) {
    std::cerr << "usage: " << argv[0] << " [URL] FILE [OUT.jpg]\n";
    return 2;
  }
  std::string path = argv[i++], out = i < argc ? argv[i] : "";
  std::ifstream f(path, std::ios::binary);
  if (!f) {
    std::cerr << "cannot read " << path << "\n";
    return 1;
  }
  std::string bytes((std::istreambuf_iterator<char>(f)), {});
  nlohmann::json payload = {{"file", base64(bytes)}, {"visualize", !out.empty()}};

  httplib::Client client(url);
  client.set_read_timeout(300, 0);
  auto res = client.Post("/ocr", payload.dump(), "application/json");
  if (!res) {
    std::cerr << "request failed: " << httplib::to_string(res.error()) << "\n";
    return 1;
  }
  auto body = nlohmann::json::parse(res->body);
  if (res->status != 200) {
    std::cerr << "error " << body["errorCode"] << ": " << body["errorMsg"].get<std::string>() << "\n";
    return 1;
  }
  for (const auto& page : body["result"]["ocrResults"])
    for (const auto& text : page["prunedResult"]["rec_texts"]) std::cout << text.get<std::string>() << "\n";
  const auto& image = body["result"]["ocrResults"][0]["ocrImage"];
  if (!out.empty() && image.is_string()) std::ofstream(out, std::ios::binary) << unbase64(image.get<std::string>());
  return 0;
}
