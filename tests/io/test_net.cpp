// URL fetching against a local HTTP server (no network needed).
#include <gtest/gtest.h>

#include <fstream>
#include <functional>
#include <opencv2/imgcodecs.hpp>

#include "common/shared.h"
#include "engine/error.h"
#include "io/image_decode.h"
#include "io/input_source.h"
#include "io/url_fetch.h"
#include "test_server.h"

using namespace ppocr;
using namespace ppocr::io;
using ppocr::test::LocalServer;

namespace {
std::string png_bytes() {
  cv::Mat m(20, 30, CV_8UC3, cv::Scalar(5, 6, 7));
  std::vector<uchar> b;
  cv::imencode(".png", m, b);
  return std::string(b.begin(), b.end());
}
std::string error_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const Error& e) {
    return e.what();
  }
  return "";
}
}  // namespace

TEST(Url, FetchesBodyAndDecodesImage) {
  LocalServer srv;
  std::string png = png_bytes();
  srv.server().Get("/img.png", [&](const httplib::Request&, httplib::Response& r) {
    r.set_content(png, "image/png");
  });
  EXPECT_EQ(fetch_url(srv.url("/img.png")), png);
  InputStream s({srv.url("/img.png?x=1")});
  InputItem it;
  ASSERT_TRUE(s.next(it));
  ASSERT_TRUE(it.ok()) << it.error;
  EXPECT_EQ(it.image.size(), cv::Size(30, 20));
  EXPECT_EQ(it.name, "img");
  EXPECT_EQ(url_file_name(srv.url("/a/b/c.pdf?q=1#f")), "c.pdf");
}

TEST(Url, ErrorsAreClear) {
  LocalServer srv;
  srv.server().Get("/big", [&](const httplib::Request&, httplib::Response& r) {
    r.set_content(std::string(100000, 'x'), "application/octet-stream");
  });
  srv.server().Get("/loop", [&](const httplib::Request&, httplib::Response& r) { r.set_redirect("/loop"); });
  EXPECT_NE(error_of([&] { fetch_url(srv.url("/nothing")); }).find("HTTP 404"), std::string::npos);
  FetchOptions small;
  small.max_bytes = 1000;
  EXPECT_NE(error_of([&] { fetch_url(srv.url("/big"), small); }).find("larger than the limit"), std::string::npos);
  EXPECT_NE(error_of([&] { fetch_url(srv.url("/loop")); }).find("redirects"), std::string::npos);
  std::string refused = "http://127.0.0.1:" + std::to_string(ppocr::test::closed_port()) + "/x.png";
  EXPECT_NE(error_of([&] { fetch_url(refused); }).find("cannot connect"), std::string::npos);
  EXPECT_NE(error_of([&] { fetch_url("file:///etc/passwd"); }).find("only http"), std::string::npos);
  EXPECT_NE(error_of([&] { fetch_url("ftp://127.0.0.1/x"); }).find("only http"), std::string::npos);
}

TEST(Url, ForbidPrivateRefusesLoopbackEvenViaRedirect) {
  LocalServer srv;
  srv.server().Get("/img.png", [&](const httplib::Request&, httplib::Response& r) {
    r.set_content(png_bytes(), "image/png");
  });
  FetchOptions o;
  o.forbid_private = true;
  std::string e = error_of([&] { fetch_url(srv.url("/img.png"), o); });
  EXPECT_NE(e.find("cannot be reached, or is not one this server fetches from"), std::string::npos) << e;
  e = error_of([&] { fetch_url("http://localhost:" + std::to_string(srv.port()) + "/img.png", o); });
  EXPECT_NE(e.find("cannot be reached, or is not one this server fetches from"), std::string::npos) << e;
  EXPECT_EQ(e.find("127.0.0.1"), std::string::npos) << e;  // what the name resolved to stays in the server
}

// The one SSRF guard (the server's URL fetches go through it).
TEST(Url, PrivateAddressClassification) {
  for (const char* ip : {"127.0.0.1", "127.255.0.9", "10.1.2.3", "172.16.0.1", "172.31.255.255", "192.168.1.1",
                         "169.254.169.254", "0.0.0.0", "100.64.0.1", "192.0.0.8", "198.18.0.1", "224.0.0.1",
                         "255.255.255.255", "::1", "::", "fe80::1", "fec0::1", "fd00::1", "ff02::1", "::ffff:127.0.0.1",
                         "::ffff:10.0.0.1", "::127.0.0.1", "2002:7f00:1::", "2002:c0a8:101::1", "64:ff9b::a00:1",
                         "64:ff9b::127.0.0.1", "not-an-ip", "bogus", ""})
    EXPECT_TRUE(is_private_address(ip)) << ip;
  for (const char* ip : {"8.8.8.8", "172.32.0.1", "1.1.1.1", "100.128.0.1", "2001:4860:4860::8888", "::ffff:8.8.8.8",
                         "2002:808:808::1", "64:ff9b::808:808"})
    EXPECT_FALSE(is_private_address(ip)) << ip;
}

TEST(Url, SchemesAreToldFromBase64AndPaths) {
  EXPECT_TRUE(has_url_scheme("http://x/y"));
  EXPECT_TRUE(has_url_scheme("HTTPS://x"));
  EXPECT_TRUE(has_url_scheme("file:///etc/passwd"));
  EXPECT_TRUE(has_url_scheme("ftp://example.com/x.jpg"));
  EXPECT_TRUE(has_url_scheme("svn+ssh://h/r"));
  EXPECT_FALSE(has_url_scheme("iVBORw0KGgo="));
  EXPECT_FALSE(has_url_scheme("://x"));
  EXPECT_FALSE(has_url_scheme("/tmp/a.png"));
  EXPECT_FALSE(has_url_scheme("data:image/png;base64,iVBO"));
  EXPECT_FALSE(has_url_scheme("1http://x"));
  EXPECT_TRUE(is_url("http://x"));
  EXPECT_FALSE(is_url("file:///x"));
}

namespace {
ErrorCode code_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const Error& e) {
    return e.code();
  }
  return ErrorCode::kGeneric;
}
}  // namespace

TEST(Url, ErrorsCarryTheirCode) {
  LocalServer srv;
  srv.server().Get("/big", [&](const httplib::Request&, httplib::Response& r) {
    r.set_content(std::string(100000, 'x'), "application/octet-stream");
  });
  srv.server().Get("/to-ftp", [&](const httplib::Request&, httplib::Response& r) { r.set_redirect("ftp://127.0.0.1/x"); });
  FetchOptions small;
  small.max_bytes = 1000;
  EXPECT_EQ(code_of([&] { fetch_url(srv.url("/big"), small); }), ErrorCode::kTooLarge);
  EXPECT_EQ(code_of([&] { fetch_url(srv.url("/nothing")); }), ErrorCode::kFetchFailed);
  std::string refused = "http://127.0.0.1:" + std::to_string(ppocr::test::closed_port()) + "/x.png";
  EXPECT_EQ(code_of([&] { fetch_url(refused); }), ErrorCode::kFetchFailed);
  EXPECT_EQ(code_of([&] { fetch_url("http://no-such-host.invalid/x.jpg"); }), ErrorCode::kFetchFailed);
  EXPECT_EQ(code_of([&] { fetch_url("ftp://127.0.0.1/x"); }), ErrorCode::kUnsupported);
  EXPECT_NE(error_of([&] { fetch_url("ftp://127.0.0.1/x"); }).find("unsupported URL scheme"), std::string::npos);
  EXPECT_EQ(code_of([&] { fetch_url(srv.url("/to-ftp")); }), ErrorCode::kUnsupported);
  EXPECT_EQ(code_of([&] { fetch_url("file:///etc/passwd"); }), ErrorCode::kForbidden);
  EXPECT_EQ(code_of([&] { fetch_url("not a url"); }), ErrorCode::kInvalidArgument);
  FetchOptions guarded;
  guarded.forbid_private = true;
  EXPECT_EQ(code_of([&] { fetch_url(srv.url("/big"), guarded); }), ErrorCode::kFetchFailed);
  std::string e = error_of([&] { fetch_url(srv.url("/big"), guarded); });
  EXPECT_NE(e.find("only public addresses are fetched"), std::string::npos) << e;
}

TEST(Url, FileUrlsOnlyWhenAllowed) {
  std::string dir = ppocr::test::temp_dir("file_url");
  std::string png = png_bytes();
  {
    std::ofstream f(dir + "/a.png", std::ios::binary);
    f << png;
  }
  std::string e = error_of([&] { fetch_url("file://" + dir + "/a.png"); });
  EXPECT_NE(e.find("file:// URLs are refused"), std::string::npos) << e;
  FetchOptions o;
  o.allow_file_urls = true;
  EXPECT_EQ(fetch_url("file://" + dir + "/a.png", o), png);
  EXPECT_EQ(fetch_url("file://localhost" + dir + "/a.png", o), png);
  EXPECT_EQ(code_of([&] { fetch_url("file:///nonexistent/x.png", o); }), ErrorCode::kNotFound);
  EXPECT_NE(error_of([&] { fetch_url("file:///nonexistent/x.png", o); }).find("cannot open local file"),
            std::string::npos);
  EXPECT_EQ(code_of([&] { fetch_url("file://relative/x.png", o); }), ErrorCode::kInvalidArgument);
  o.max_bytes = 10;
  EXPECT_EQ(code_of([&] { fetch_url("file://" + dir + "/a.png", o); }), ErrorCode::kTooLarge);
  // Streaming callers (model downloads) never read local files.
  EXPECT_EQ(code_of([&] { fetch_url_to("file://" + dir + "/a.png", [](const char*, size_t) {}, o); }),
            ErrorCode::kForbidden);
}

TEST(Url, PdfUrlGivesPages) {
  REQUIRE_SHARED("data/pdf/pdflatex-4-pages.pdf");
  std::string pdf = read_file_bytes(ppocr::test::shared_path("data/pdf/pdflatex-4-pages.pdf"));
  LocalServer srv;
  srv.server().Get("/doc", [&](const httplib::Request&, httplib::Response& r) {
    r.set_content(pdf, "application/pdf");
  });
  InputStream s({srv.url("/doc")});
  InputItem it;
  int n = 0;
  while (s.next(it)) {
    ASSERT_TRUE(it.ok()) << it.error;
    EXPECT_EQ(it.page_index, n++);
    EXPECT_EQ(it.input_path, srv.url("/doc"));
  }
  EXPECT_EQ(n, 4);
}
