// The URL guard (FetchOptions::forbid_private), on loopback only: addresses are
// checked before any connection (a listener counts the connections it gets),
// refused, unresolvable and unreachable targets give one text, redirects are
// checked hop by hop, proxies are used only when configured, file:// reads only
// regular files under the configured directory, and a transfer can be cancelled.
#include <gtest/gtest.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <optional>
#include <thread>

#include "common/shared.h"
#include "engine/error.h"
#include "io/test_server.h"
#include "io/url_fetch.h"

using namespace ppocr;
using namespace ppocr::io;
using ppocr::test::CountingListener;
using ppocr::test::LocalServer;

namespace {

std::optional<Error> error_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const Error& e) {
    return e;
  }
  return std::nullopt;
}

std::string replace_all(std::string s, const std::string& from, const std::string& to) {
  for (size_t p = s.find(from); p != std::string::npos; p = s.find(from, p + to.size())) s.replace(p, from.size(), to);
  return s;
}

// Treats 127.0.0.1 (and ::1) as a public address, the rest of loopback as private.
FetchOptions guarded_with_public_loopback() {
  FetchOptions o;
  o.forbid_private = true;
  o.forbidden_address = [](const std::string& a) { return a != "127.0.0.1" && a != "::1"; };
  o.timeout_s = 5;
  return o;
}

// Sets an environment variable for the life of the object.
class ScopedEnv {
 public:
  ScopedEnv(const char* name, const char* value) : name_(name) {
    if (const char* old = std::getenv(name)) old_ = old;
    if (value) ::setenv(name, value, 1);
    else ::unsetenv(name);
  }
  ~ScopedEnv() {
    if (old_) ::setenv(name_.c_str(), old_->c_str(), 1);
    else ::unsetenv(name_.c_str());
  }

 private:
  std::string name_;
  std::optional<std::string> old_;
};

}  // namespace

// Issue 13's probe: a closed and an open loopback port look the same, and the
// open one never sees a connection.
TEST(FetchGuard, ClosedAndOpenPortsGiveTheSameErrorWithoutAnyConnection) {
  CountingListener open;
  int closed = ppocr::test::closed_port();
  FetchOptions o;
  o.forbid_private = true;
  auto e_open = error_of([&] { fetch_url(open.url("/x.png"), o); });
  std::string closed_url = "http://127.0.0.1:" + std::to_string(closed) + "/x.png";
  auto e_closed = error_of([&] { fetch_url(closed_url, o); });
  auto e_dns = error_of([&] { fetch_url("http://no-such-host.invalid/x.png", o); });
  ASSERT_TRUE(e_open && e_closed && e_dns);
  EXPECT_EQ(e_open->code(), ErrorCode::kFetchFailed);
  EXPECT_EQ(replace_all(e_open->what(), open.url("/x.png"), "URL"), replace_all(e_closed->what(), closed_url, "URL"));
  EXPECT_EQ(replace_all(e_dns->what(), "http://no-such-host.invalid/x.png", "URL"),
            replace_all(e_closed->what(), closed_url, "URL"));
  std::this_thread::sleep_for(std::chrono::milliseconds(50));
  EXPECT_EQ(open.accepts(), 0);
  // The same with a name that resolves to loopback.
  auto e_name = error_of([&] { fetch_url("http://localhost:" + std::to_string(open.port()) + "/x.png", o); });
  ASSERT_TRUE(e_name);
  EXPECT_EQ(replace_all(e_name->what(), "http://localhost:" + std::to_string(open.port()) + "/x.png", "URL"),
            replace_all(e_closed->what(), closed_url, "URL"));
  EXPECT_EQ(open.accepts(), 0);
}

// With 127.0.0.1 taken as public: fetching it works through the guard (the
// name is resolved once and the connection pinned to the checked addresses),
// and a redirect to a private address is checked before it is followed.
TEST(FetchGuard, RedirectsAreCheckedBeforeEachConnection) {
  LocalServer srv;  // on 127.0.0.1
  CountingListener inside("127.0.0.2");
  srv.server().Get("/ok", [](const httplib::Request&, httplib::Response& r) { r.set_content("hello", "text/plain"); });
  srv.server().Get("/to-inside", [&](const httplib::Request&, httplib::Response& r) { r.set_redirect(inside.url("/x")); });
  srv.server().Get("/to-ok", [&](const httplib::Request&, httplib::Response& r) { r.set_redirect("/ok"); });
  srv.server().Get("/to-file", [&](const httplib::Request&, httplib::Response& r) { r.set_redirect("file:///etc/passwd"); });
  FetchOptions o = guarded_with_public_loopback();
  EXPECT_EQ(fetch_url(srv.url("/ok"), o), "hello");
  EXPECT_EQ(fetch_url(srv.url("/to-ok"), o), "hello");
  EXPECT_EQ(fetch_url("http://localhost:" + std::to_string(srv.port()) + "/ok", o), "hello");
  auto e = error_of([&] { fetch_url(srv.url("/to-inside"), o); });
  ASSERT_TRUE(e);
  EXPECT_EQ(e->code(), ErrorCode::kFetchFailed);
  EXPECT_NE(std::string(e->what()).find("only public addresses"), std::string::npos) << e->what();
  EXPECT_EQ(std::string(e->what()).find("127.0.0.2"), std::string::npos) << e->what();
  auto f = error_of([&] { fetch_url(srv.url("/to-file"), o); });
  ASSERT_TRUE(f);
  EXPECT_EQ(f->code(), ErrorCode::kUnsupported);
  std::this_thread::sleep_for(std::chrono::milliseconds(50));
  EXPECT_EQ(inside.accepts(), 0);
}

// http_proxy in the environment is used only by unguarded fetches without a
// proxy setting (model downloads); the server's fetches use none unless configured.
TEST(FetchGuard, ProxiesOnlyWhenConfigured) {
  LocalServer srv;
  srv.server().Get("/ok", [](const httplib::Request&, httplib::Response& r) { r.set_content("direct", "text/plain"); });
  CountingListener proxy;
  ScopedEnv a("http_proxy", proxy.url("").c_str()), b("HTTP_PROXY", nullptr), c("no_proxy", nullptr),
      d("NO_PROXY", nullptr), e("ALL_PROXY", nullptr), f("all_proxy", nullptr);
  FetchOptions plain;
  plain.timeout_s = 3;
  EXPECT_TRUE(error_of([&] { fetch_url(srv.url("/ok"), plain); }));  // went to the (broken) proxy
  std::this_thread::sleep_for(std::chrono::milliseconds(50));
  int seen = proxy.accepts();
  EXPECT_GE(seen, 1);
  FetchOptions none = plain;
  none.proxy = "";
  EXPECT_EQ(fetch_url(srv.url("/ok"), none), "direct");
  FetchOptions guarded = guarded_with_public_loopback();  // proxy unset: none
  EXPECT_EQ(fetch_url(srv.url("/ok"), guarded), "direct");
  std::this_thread::sleep_for(std::chrono::milliseconds(50));
  EXPECT_EQ(proxy.accepts(), seen);
  guarded.proxy = proxy.url("");  // configured: used
  EXPECT_TRUE(error_of([&] { fetch_url(srv.url("/ok"), guarded); }));
  std::this_thread::sleep_for(std::chrono::milliseconds(50));
  EXPECT_GT(proxy.accepts(), seen);
}

TEST(FetchGuard, FileUrlsOnlyForRegularFilesUnderTheRoot) {
  namespace fs = std::filesystem;
  std::string root = ppocr::test::temp_dir("file_root");
  std::string outside = ppocr::test::temp_dir("file_outside");
  std::ofstream(root + "/a.png") << "png bytes";
  std::ofstream(outside + "/secret.png") << "secret";
  fs::create_directories(root + "/sub");
  fs::create_symlink(outside + "/secret.png", root + "/sub/link.png");
  ASSERT_EQ(::mkfifo((root + "/fifo.png").c_str(), 0600), 0);
  FetchOptions o;
  o.allow_file_urls = true;
  o.local_root = root;
  EXPECT_EQ(fetch_url("file://" + root + "/a.png", o), "png bytes");
  EXPECT_EQ(fetch_url("file://" + root + "/sub/../a.png", o), "png bytes");
  for (const std::string& bad : {"file://" + outside + "/secret.png", "file://" + root + "/../file_outside/secret.png",
                                 "file://" + root + "/sub/link.png", std::string("file:///etc/passwd")}) {
    auto e = error_of([&] { fetch_url(bad, o); });
    ASSERT_TRUE(e) << bad;
    EXPECT_EQ(e->code(), ErrorCode::kForbidden) << bad << ": " << e->what();
  }
  auto t0 = std::chrono::steady_clock::now();
  auto e = error_of([&] { fetch_url("file://" + root + "/fifo.png", o); });  // never blocks on the FIFO
  EXPECT_LT(std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count(), 0.5);
  ASSERT_TRUE(e);
  EXPECT_EQ(e->code(), ErrorCode::kInvalidInput);
  EXPECT_NE(std::string(e->what()).find("not a regular file"), std::string::npos) << e->what();
  e = error_of([&] { fetch_url("file://" + root, o); });
  ASSERT_TRUE(e);
  EXPECT_EQ(e->code(), ErrorCode::kInvalidInput);
  e = error_of([&] { fetch_url("file://" + root + "/missing.png", o); });
  ASSERT_TRUE(e);
  EXPECT_EQ(e->code(), ErrorCode::kNotFound);
  // Without a root, a FIFO is still refused at once.
  o.local_root.clear();
  e = error_of([&] { fetch_url("file://" + root + "/fifo.png", o); });
  ASSERT_TRUE(e);
  EXPECT_EQ(e->code(), ErrorCode::kInvalidInput);
}

TEST(FetchGuard, TransfersCanBeCancelled) {
  LocalServer srv;
  srv.server().Get("/slow", [](const httplib::Request&, httplib::Response& r) {
    r.set_chunked_content_provider("application/octet-stream", [](size_t offset, httplib::DataSink& sink) {
      if (offset > 100) return false;  // bounded: at most a few seconds
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
      sink.write("x", 1);
      return true;
    });
  });
  std::atomic<bool> cancel{false};
  FetchOptions o;
  o.cancelled = [&] { return cancel.load(); };
  std::thread t([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    cancel = true;
  });
  auto t0 = std::chrono::steady_clock::now();
  auto e = error_of([&] { fetch_url(srv.url("/slow"), o); });
  double took = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  t.join();
  ASSERT_TRUE(e);
  EXPECT_NE(std::string(e->what()).find("cancelled"), std::string::npos) << e->what();
  EXPECT_LT(took, 2.0);
}
