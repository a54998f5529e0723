// The HTTP front's policy functions (src/server/http_policy.*): Host and
// Origin checks, the JSON Content-Type rule, bearer tokens, log escaping and
// the access-log line; and the web page's assets.
#include <gtest/gtest.h>

#include <regex>

#include "server/http_policy.h"
#include "server/web_ui.h"

using namespace ppocr::server;

TEST(HttpPolicy, NormalizesHostHeaders) {
  EXPECT_EQ(normalize_host("localhost"), "localhost");
  EXPECT_EQ(normalize_host("LocalHost:8080"), "localhost");
  EXPECT_EQ(normalize_host("example.com."), "example.com");
  EXPECT_EQ(normalize_host("127.0.0.1:80"), "127.0.0.1");
  EXPECT_EQ(normalize_host("[::1]:8080"), "[::1]");
  EXPECT_EQ(normalize_host("[::1]"), "[::1]");
  EXPECT_EQ(normalize_host("::1"), "[::1]");  // as written in a list
  EXPECT_EQ(normalize_host(" host "), "host");
  for (const char* bad : {"", ":80", "a b", "a:99999", "a:", "a:x", "[::1", "[::1]x", "user@host", "a/b", "a\r\nb",
                          "[zz]", "h\x7f"})
    EXPECT_EQ(normalize_host(bad), "") << bad;
}

TEST(HttpPolicy, AllowedHostsDefaultToTheBoundAddressAndLoopback) {
  auto d = default_allowed_hosts("127.0.0.1");
  for (const char* h : {"localhost:8080", "127.0.0.1:8080", "[::1]:8080", "LOCALHOST"}) EXPECT_TRUE(host_allowed(d, h)) << h;
  for (const char* h : {"evil.example", "evil.example:8080", "127.0.0.2", "", "localhost.evil.example"})
    EXPECT_FALSE(host_allowed(d, h)) << h;
  auto b = default_allowed_hosts("192.0.2.7");
  EXPECT_TRUE(host_allowed(b, "192.0.2.7:8080"));
  EXPECT_TRUE(host_allowed(b, "localhost"));
  // A wildcard bind also answers for this machine's own addresses (loopback at least).
  auto w = default_allowed_hosts("0.0.0.0");
  EXPECT_TRUE(host_allowed(w, "127.0.0.1"));
  EXPECT_FALSE(host_allowed(w, "0.0.0.0"));
  EXPECT_FALSE(host_allowed(w, "attacker.example"));
  auto list = parse_host_list("ocr.example.com, [::1], 10.0.0.5:8080 ,");
  ASSERT_EQ(list.size(), 3u);
  EXPECT_TRUE(host_allowed(list, "OCR.example.com:443"));
  EXPECT_TRUE(host_allowed(list, "10.0.0.5"));
  EXPECT_FALSE(host_allowed(list, "localhost"));
  auto any = parse_host_list("*");
  EXPECT_TRUE(host_allowed(any, "whatever.example"));
  EXPECT_FALSE(host_allowed(any, "bad host"));
}

TEST(HttpPolicy, OriginsAreComparedWholly) {
  auto hosts = default_allowed_hosts("127.0.0.1");
  EXPECT_TRUE(same_origin(hosts, "127.0.0.1:8080", "http://127.0.0.1:8080"));
  EXPECT_TRUE(same_origin(hosts, "localhost:8080", "http://localhost:8080"));
  EXPECT_TRUE(same_origin(hosts, "localhost", "http://localhost"));
  EXPECT_FALSE(same_origin(hosts, "localhost:8080", "http://localhost:3000"));  // another port
  EXPECT_FALSE(same_origin(hosts, "localhost:8080", "http://127.0.0.1:8080"));  // another host name
  EXPECT_FALSE(same_origin(hosts, "evil.example:8080", "http://evil.example:8080"));  // not an allowed host
  EXPECT_FALSE(same_origin(hosts, "localhost:8080", "null"));
  EXPECT_FALSE(same_origin(hosts, "localhost:8080", "file://"));
  auto cors = parse_origin_list("https://app.example, http://localhost:3000");
  ASSERT_EQ(cors.size(), 2u);
  EXPECT_TRUE(origin_listed(cors, "https://app.example"));
  EXPECT_TRUE(origin_listed(cors, "https://APP.example:443"));
  EXPECT_FALSE(origin_listed(cors, "http://app.example"));
  EXPECT_FALSE(origin_listed(cors, "https://app.example.evil.example"));
  EXPECT_TRUE(origin_listed(cors, "http://localhost:3000"));
  EXPECT_FALSE(origin_listed(cors, "null"));
  EXPECT_TRUE(origin_listed(parse_origin_list("*"), "https://anyone.example"));
  EXPECT_TRUE(parse_origin_list("not an origin, ftp://x").empty());
}

TEST(HttpPolicy, JsonContentTypeAndBearerTokens) {
  for (const char* t : {"application/json", "Application/JSON", "application/json; charset=utf-8", " application/json "})
    EXPECT_TRUE(is_json_content_type(t)) << t;
  for (const char* t : {"", "text/plain", "application/x-www-form-urlencoded", "application/jsonx", "multipart/form-data",
                        "text/json", "application/json-seq"})
    EXPECT_FALSE(is_json_content_type(t)) << t;
  EXPECT_TRUE(bearer_matches("Bearer s3cret", "s3cret"));
  EXPECT_TRUE(bearer_matches("bearer  s3cret ", "s3cret"));
  for (const char* a : {"", "Bearer", "Bearer ", "Bearer s3cre", "Bearer s3cret2", "Basic s3cret", "s3cret"})
    EXPECT_FALSE(bearer_matches(a, "s3cret")) << a;
  EXPECT_FALSE(bearer_matches("Bearer ", ""));  // an empty key never matches
  EXPECT_TRUE(constant_time_equal("abc", "abc"));
  EXPECT_FALSE(constant_time_equal("abc", "abd"));
  EXPECT_FALSE(constant_time_equal("abc", "abcd"));
  EXPECT_FALSE(constant_time_equal("", "a"));
}

TEST(HttpPolicy, LogValuesAreEscapedSoLinesCannotBeForged) {
  EXPECT_EQ(escape_for_log("/ocr"), "/ocr");
  EXPECT_EQ(escape_for_log("/a\r\nGET /b"), "/a\\x0d\\x0aGET\\x20/b");
  EXPECT_EQ(escape_for_log("\"x\\"), "\\x22x\\x5c");
  EXPECT_EQ(escape_for_log("\xff\x01"), "\\xff\\x01");
  EXPECT_EQ(escape_for_log(std::string(1000, 'a'), 10), "aaaaaaaaaa...");
  AccessLogEntry e;
  e.client = "127.0.0.1";
  e.method = "POST";
  e.path = "/ocr\r\n2026-01-01T00:00:00.000Z 1.2.3.4 \"GET /forged\" 200";
  e.status = 200;
  e.bytes_in = 1234;
  e.bytes_out = 56;
  e.ms = 12.345;
  e.log_id = "6f1c0f0e-3d1a-4c55-9a8e-2b1f1b0c7a41";
  std::string line = format_access_log(e, 1764893482123LL);
  EXPECT_EQ(line.find('\n'), std::string::npos);
  EXPECT_EQ(line.find('\r'), std::string::npos);
  EXPECT_TRUE(std::regex_match(line, std::regex(R"(2025-12-05T00:11:22\.123Z 127\.0\.0\.1 "POST /ocr\S*" 200 in=1234 )"
                                                R"(out=56 ms=12\.3 logId=6f1c0f0e-3d1a-4c55-9a8e-2b1f1b0c7a41)")))
      << line;
  AccessLogEntry dropped;
  dropped.method = "GET";
  dropped.path = "/";
  EXPECT_NE(format_access_log(dropped, 0).find("\"GET /\" - in=0 out=0"), std::string::npos);
}

TEST(WebUi, AssetsAreServedWithTypesAndAStrictPolicy) {
  const WebAsset* index = find_web_asset("/");
  ASSERT_NE(index, nullptr);
  EXPECT_EQ(index->content_type, "text/html; charset=utf-8");
  EXPECT_NE(index->body.find("<script src=\"/app.js\">"), std::string_view::npos);
  EXPECT_NE(index->body.find("id=\"file\""), std::string_view::npos);
  ASSERT_NE(find_web_asset("/app.js"), nullptr);
  ASSERT_NE(find_web_asset("/app.css"), nullptr);
  EXPECT_EQ(find_web_asset("/app.js")->content_type, "text/javascript; charset=utf-8");
  EXPECT_EQ(find_web_asset("/nope"), nullptr);
  EXPECT_EQ(find_web_asset("/app.js?x"), nullptr);
  // Texts go into the page as text, never as markup.
  EXPECT_EQ(find_web_asset("/app.js")->body.find("innerHTML"), std::string_view::npos);
  std::string csp = kWebUiCsp;
  EXPECT_NE(csp.find("script-src 'self'"), std::string::npos);
  EXPECT_EQ(csp.find("unsafe-inline"), std::string::npos);
  EXPECT_NE(csp.find("frame-ancestors 'none'"), std::string::npos);
}
