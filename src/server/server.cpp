#include "server/server.h"

#include <arpa/inet.h>
#include <microhttpd.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <cstring>
#include <iostream>
#include <mutex>
#include <optional>
#include <thread>
#include <unordered_set>

#include "engine/error.h"
#include "server/http_policy.h"
#include "server/log_id.h"
#include "server/web_ui.h"

namespace ppocr::server {

using Clock = std::chrono::steady_clock;

namespace {

bool is_loopback_host(const std::string& host) {
  std::string h = normalize_host(host);
  return h == "localhost" || h == "[::1]" || h.rfind("127.", 0) == 0;
}

bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i)
    if (std::tolower(static_cast<unsigned char>(a[i])) != std::tolower(static_cast<unsigned char>(b[i]))) return false;
  return true;
}

Clock::duration seconds(double s) {
  return std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(s));
}

long long unix_ms_now() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

std::string address_text(const sockaddr* sa) {
  char buf[INET6_ADDRSTRLEN] = {0};
  if (!sa) return "-";
  if (sa->sa_family == AF_INET)
    inet_ntop(AF_INET, &reinterpret_cast<const sockaddr_in*>(sa)->sin_addr, buf, sizeof buf);
  else if (sa->sa_family == AF_INET6)
    inet_ntop(AF_INET6, &reinterpret_cast<const sockaddr_in6*>(sa)->sin6_addr, buf, sizeof buf);
  else
    return "-";
  return buf;
}

// What the front needs to know about one connection; the watchdog closes it
// when the deadline of its phase has passed.
struct ConnState {
  enum Phase { kHeaders, kIdle, kBody, kProcessing, kSending };
  int fd = -1;
  std::string ip;
  Phase phase = kHeaders;
  Clock::time_point deadline = Clock::time_point::max();
  int requests = 0;
  bool killed = false;
};

// One request, from its request line to the end of its answer.
struct RequestCtx {
  ConnState* conn = nullptr;
  Clock::time_point start;
  std::string method, path, log_id;
  bool started = false;   // the first access-handler call (headers complete) is done
  bool reading = false;   // taking body bytes: an accepted POST /ocr, or a refused one being drained
  bool counted = false;   // in Impl::active (graceful stop waits for it)
  bool declared = false;  // the body's size was declared (Content-Length) and reserved up front
  std::string body;
  size_t bytes_in = 0, drained = 0, budget = 0;
  // An answer decided before the body was read, sent at the final call (MHD
  // closes a connection whose answer is queued before then).
  struct Answer {
    int status = 0;
    std::string body, ctype;
    std::vector<std::pair<std::string, std::string>> headers;
    bool close = false;
  };
  std::optional<Answer> later;
  bool draining = false;  // a refused body: read and dropped, then `later` is sent and the connection closed
  bool abort = false;  // drop the connection without an answer
  std::mutex mu;
  bool answered = false;  // the service's reply is in `reply`
  Reply reply;
  int status = 0;
  size_t bytes_out = 0;
  std::string cors_origin;  // echoed in Access-Control-Allow-Origin when non-empty
};

// The headers that decide framing and policy, each counted.
struct HeaderScan {
  int content_length = 0, transfer_encoding = 0, host = 0, content_encoding = 0, origin = 0;
  std::string cl, te, host_value, ce, origin_value, content_type, authorization, acr_method;
  bool expect_continue = false;
  size_t declared() const { return content_length ? static_cast<size_t>(std::strtoull(cl.c_str(), nullptr, 10)) : 0; }
  bool has_body() const { return transfer_encoding || declared() > 0; }
};

enum MHD_Result scan_header(void* cls, enum MHD_ValueKind, const char* key, const char* value) {
  auto& h = *static_cast<HeaderScan*>(cls);
  std::string_view k = key ? key : "";
  std::string v = value ? value : "";
  if (iequals(k, "Content-Length")) {
    ++h.content_length;
    h.cl = v;
  } else if (iequals(k, "Transfer-Encoding")) {
    ++h.transfer_encoding;
    h.te = v;
  } else if (iequals(k, "Host")) {
    ++h.host;
    h.host_value = v;
  } else if (iequals(k, "Content-Encoding")) {
    ++h.content_encoding;
    h.ce = v;
  } else if (iequals(k, "Origin")) {
    ++h.origin;
    h.origin_value = v;
  } else if (iequals(k, "Content-Type")) {
    h.content_type = v;
  } else if (iequals(k, "Authorization")) {
    h.authorization = v;
  } else if (iequals(k, "Access-Control-Request-Method")) {
    h.acr_method = v;
  } else if (iequals(k, "Expect")) {
    h.expect_continue = v.find("100-continue") != std::string::npos || v.find("100-Continue") != std::string::npos;
  }
  return MHD_YES;
}

using CtxHolder = std::shared_ptr<RequestCtx>;

}  // namespace

struct Server::Impl {
  Impl(Server& server, const ServerOptions& o) : self(server), opts(o) {}

  Server& self;
  const ServerOptions& opts;
  std::vector<std::string> allowed_hosts, cors;
  bool web_ui = false;
  size_t max_inflight = 0;
  int listen_fd = -1;
  MHD_Daemon* daemon = nullptr;

  std::atomic<size_t> inflight{0};  // body bytes held by requests being received
  std::atomic<int> active{0};       // accepted /ocr requests not yet answered and sent
  std::atomic<bool> stopping{false};

  mutable std::mutex conn_mu;
  std::unordered_set<ConnState*> conns;

  std::thread watchdog;
  std::mutex wd_mu;
  std::condition_variable wd_cv;
  bool wd_stop = false;

  std::mutex run_mu;
  std::condition_variable run_cv;
  bool stop_requested = false, run_entered = false;

  std::mutex log_mu;

  // ---- connection phases and the watchdog ----
  void set_phase(ConnState* c, ConnState::Phase p, double timeout_s) {
    if (!c) return;
    std::lock_guard<std::mutex> lock(conn_mu);
    c->phase = p;
    c->deadline = timeout_s > 0 ? Clock::now() + seconds(timeout_s) : Clock::time_point::max();
  }

  void watch() {
    std::unique_lock<std::mutex> lock(wd_mu);
    while (!wd_cv.wait_for(lock, std::chrono::milliseconds(100), [&] { return wd_stop; })) {
      auto now = Clock::now();
      std::lock_guard<std::mutex> cl(conn_mu);
      // A ConnState leaves `conns` in MHD's close notification, before MHD closes
      // its socket: under conn_mu the fd is still this connection's.
      for (ConnState* c : conns)
        if (!c->killed && c->deadline < now) {
          c->killed = true;
          ::shutdown(c->fd, SHUT_RDWR);  // MHD sees the end of the stream and closes it
        }
    }
  }

  // ---- the in-flight body budget ----
  bool acquire(RequestCtx& r, size_t n) {
    size_t cur = inflight.load();
    do {
      if (cur + n > max_inflight) return false;
    } while (!inflight.compare_exchange_weak(cur, cur + n));
    r.budget += n;
    return true;
  }
  void release(RequestCtx& r) {
    inflight -= r.budget;
    r.budget = 0;
  }

  // ---- answers ----
  bool should_close(const RequestCtx& r) {
    if (stopping) return true;
    std::lock_guard<std::mutex> lock(conn_mu);
    if (r.conn && opts.keepalive_max_requests > 0 && r.conn->requests >= opts.keepalive_max_requests) return true;
    // Near the connection cap, idle keep-alive connections are not kept.
    return opts.max_connections > 0 && conns.size() * 10 > static_cast<size_t>(opts.max_connections) * 9;
  }

  MHD_Result respond(MHD_Connection* c, RequestCtx& r, int status, std::string body, std::string_view ctype,
                     const std::vector<std::pair<std::string, std::string>>& headers = {}, bool close = false) {
    auto* buf = new std::string(std::move(body));
    size_t size = buf->size();
    MHD_Response* resp = MHD_create_response_from_buffer_with_free_callback_cls(
        size, buf->data(), [](void* p) { delete static_cast<std::string*>(p); }, buf);
    if (!resp) {
      delete buf;
      return MHD_NO;
    }
    MHD_add_response_header(resp, "Content-Type", std::string(ctype).c_str());
    MHD_add_response_header(resp, "X-Content-Type-Options", "nosniff");
    MHD_add_response_header(resp, "Cache-Control", "no-store");
    for (const auto& [k, v] : headers) MHD_add_response_header(resp, k.c_str(), v.c_str());
    if (!r.cors_origin.empty()) {
      MHD_add_response_header(resp, "Access-Control-Allow-Origin", r.cors_origin.c_str());
      MHD_add_response_header(resp, "Vary", "Origin");
    }
    if (close || should_close(r)) MHD_add_response_header(resp, "Connection", "close");
    MHD_Result ret = MHD_queue_response(c, static_cast<unsigned>(status), resp);
    MHD_destroy_response(resp);
    r.status = status;
    r.bytes_out = size;
    set_phase(r.conn, ConnState::kSending, opts.body_timeout_s);
    return ret;
  }

  MHD_Result error(MHD_Connection* c, RequestCtx& r, int status, const std::string& msg,
                   const std::vector<std::pair<std::string, std::string>>& headers = {}, bool close = false) {
    return respond(c, r, status, error_body(r.log_id, status, msg), "application/json", headers, close);
  }

  // The answer to a request, given when the request (and its body) has been
  // read: MHD 0.9.75 closes the connection when an answer is queued earlier.
  MHD_Result answer_later(RequestCtx& r, int status, std::string body, std::string_view ctype,
                          std::vector<std::pair<std::string, std::string>> headers = {}, bool close = false) {
    r.later = RequestCtx::Answer{status, std::move(body), std::string(ctype), std::move(headers), close};
    return MHD_YES;
  }

  // An error decided from the headers alone. Without a body it is sent as any
  // answer. With one, answering at once and closing would reset the connection
  // under a client still sending, which may then never read the answer; so a
  // body of up to 2 x max_body bytes is read and dropped first, then the answer
  // goes out and the connection is closed. Bigger bodies, and clients waiting
  // for "100 Continue", get the answer at once. Nothing of a refused body is
  // ever read as a request.
  MHD_Result refuse(MHD_Connection* c, RequestCtx& r, const HeaderScan& h, int status, std::string msg,
                    std::vector<std::pair<std::string, std::string>> headers = {}) {
    const size_t max_body = self.service_->options().max_body_bytes;
    if (!h.has_body()) return answer_later(r, status, error_body(r.log_id, status, msg), "application/json", headers);
    if (h.expect_continue || h.declared() > 2 * max_body) return error(c, r, status, msg, headers, true);
    answer_later(r, status, error_body(r.log_id, status, msg), "application/json", std::move(headers), true);
    r.draining = true;
    r.reading = true;
    return MHD_YES;
  }

  // ---- MHD callbacks ----
  static void on_connection(void* cls, MHD_Connection* c, void** socket_context, MHD_ConnectionNotificationCode code) {
    auto* s = static_cast<Impl*>(cls);
    if (code == MHD_CONNECTION_NOTIFY_STARTED) {
      auto* cs = new ConnState;
      if (const MHD_ConnectionInfo* fd = MHD_get_connection_info(c, MHD_CONNECTION_INFO_CONNECTION_FD))
        cs->fd = fd->connect_fd;
      if (const MHD_ConnectionInfo* a = MHD_get_connection_info(c, MHD_CONNECTION_INFO_CLIENT_ADDRESS))
        cs->ip = address_text(a->client_addr);
      if (cs->fd >= 0) {
        int one = 1;
        setsockopt(cs->fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
      }
      cs->phase = ConnState::kHeaders;
      cs->deadline = Clock::now() + seconds(s->opts.header_timeout_s);
      std::lock_guard<std::mutex> lock(s->conn_mu);
      s->conns.insert(cs);
      *socket_context = cs;
    } else if (code == MHD_CONNECTION_NOTIFY_CLOSED) {
      auto* cs = static_cast<ConnState*>(*socket_context);
      if (!cs) return;
      {
        std::lock_guard<std::mutex> lock(s->conn_mu);
        s->conns.erase(cs);
      }
      delete cs;
      *socket_context = nullptr;
    }
  }

  static ConnState* conn_of(MHD_Connection* c) {
    const MHD_ConnectionInfo* i = MHD_get_connection_info(c, MHD_CONNECTION_INFO_SOCKET_CONTEXT);
    return i ? static_cast<ConnState*>(i->socket_context) : nullptr;
  }

  // The request line has arrived: the request's context starts here.
  static void* on_uri(void* cls, const char* uri, MHD_Connection* c) {
    auto* s = static_cast<Impl*>(cls);
    auto ctx = std::make_shared<RequestCtx>();
    ctx->start = Clock::now();
    ctx->conn = conn_of(c);
    std::string_view u = uri ? uri : "";
    ctx->path = std::string(u.substr(0, std::min(u.find('?'), u.size())));
    ctx->log_id = new_log_id();
    if (ctx->conn) {
      std::lock_guard<std::mutex> lock(s->conn_mu);
      if (ctx->conn->phase == ConnState::kIdle) {  // a keep-alive connection's next request
        ctx->conn->phase = ConnState::kHeaders;
        ctx->conn->deadline = Clock::now() + seconds(s->opts.header_timeout_s);
      }
    }
    return new CtxHolder(std::move(ctx));
  }

  static size_t no_unescape(void*, MHD_Connection*, char* s) { return std::strlen(s); }

  static void on_completed(void* cls, MHD_Connection*, void** req_cls, MHD_RequestTerminationCode toe) {
    auto* s = static_cast<Impl*>(cls);
    auto* holder = static_cast<CtxHolder*>(*req_cls);
    if (!holder) return;
    RequestCtx& r = **holder;
    s->release(r);
    if (r.counted) --s->active;
    if (s->opts.access_log) s->log(r, toe);
    if (r.conn) s->set_phase(r.conn, ConnState::kIdle, s->opts.keepalive_timeout_s);
    delete holder;
    *req_cls = nullptr;
  }

  void log(const RequestCtx& r, MHD_RequestTerminationCode toe) {
    AccessLogEntry e;
    e.client = r.conn ? r.conn->ip : "-";
    e.method = r.method.empty() ? "-" : r.method;
    e.path = r.path;
    e.status = toe == MHD_REQUEST_TERMINATED_COMPLETED_OK ? r.status : 0;
    e.bytes_in = r.bytes_in;
    e.bytes_out = e.status ? r.bytes_out : 0;
    e.ms = std::chrono::duration<double, std::milli>(Clock::now() - r.start).count();
    e.log_id = r.status ? r.log_id : "-";
    std::string line = format_access_log(e, unix_ms_now());
    std::lock_guard<std::mutex> lock(log_mu);
    if (opts.access_log_sink)
      opts.access_log_sink(line);
    else
      std::cerr << line << std::endl;
  }

  static MHD_Result on_request(void* cls, MHD_Connection* c, const char* url, const char* method, const char* version,
                               const char* upload, size_t* upload_size, void** req_cls) {
    auto* s = static_cast<Impl*>(cls);
    auto* holder = static_cast<CtxHolder*>(*req_cls);
    if (!holder) {  // not expected: on_uri makes it
      holder = static_cast<CtxHolder*>(on_uri(cls, url, c));
      *req_cls = holder;
    }
    RequestCtx& r = **holder;
    if (!r.started) {
      r.started = true;
      r.method = method ? method : "";
      return s->first_call(c, r, version ? version : "");
    }
    if (*upload_size) {
      s->receive(r, upload, *upload_size);
      *upload_size = 0;
      return r.abort ? MHD_NO : MHD_YES;
    }
    return s->final_call(c, *holder);
  }

  // Headers complete: framing, Host, routing and the /ocr policy, before any body byte is read.
  MHD_Result first_call(MHD_Connection* c, RequestCtx& r, std::string_view version) {
    if (r.conn) {
      std::lock_guard<std::mutex> lock(conn_mu);
      ++r.conn->requests;
    }
    set_phase(r.conn, ConnState::kBody, opts.body_timeout_s);
    HeaderScan h;
    MHD_get_connection_values(c, MHD_HEADER_KIND, scan_header, &h);
    // Framing: one way to find the end of the body, or none. Any doubt closes the connection.
    if (h.content_length > 1) return error(c, r, 400, "bad request: more than one Content-Length header", {}, true);
    if (h.transfer_encoding > 1 || (h.transfer_encoding && !iequals(h.te, "chunked")))
      return error(c, r, 400, "bad request: the only Transfer-Encoding accepted is chunked", {}, true);
    if (h.transfer_encoding && h.content_length)
      return error(c, r, 400, "bad request: both Content-Length and Transfer-Encoding", {}, true);
    if (h.host > 1) return error(c, r, 400, "bad request: more than one Host header", {}, true);
    if (h.host == 0 && version != "HTTP/1.0") return error(c, r, 400, "bad request: no Host header", {}, true);
    if (h.host == 1 && !host_allowed(allowed_hosts, h.host_value))
      return error(c, r, 403, "this server does not answer for that Host (--allowed_hosts)", {}, true);

    const std::string& path = r.path;
    const bool get = r.method == "GET" || r.method == "HEAD";
    if (path == "/ocr") {
      if (r.method == "POST") return accept_ocr(c, r, h);
      if (r.method == "OPTIONS" && !cors.empty()) return preflight(c, r, h);
      return refuse(c, r, h, 405, "method not allowed: /ocr takes POST",
                    {{"Allow", cors.empty() ? "POST" : "POST, OPTIONS"}});
    }
    if (path == "/health") {
      if (!get) return refuse(c, r, h, 405, "method not allowed: /health takes GET", {{"Allow", "GET, HEAD"}});
      return answer_later(r, 200, error_body(r.log_id, 0, "Healthy"), "application/json");
    }
    if (web_ui) {
      if (const WebAsset* a = find_web_asset(path)) {
        if (!get) return refuse(c, r, h, 405, "method not allowed: the page takes GET", {{"Allow", "GET, HEAD"}});
        return answer_later(r, 200, std::string(a->body), a->content_type,
                       {{"Content-Security-Policy", kWebUiCsp},
                        {"X-Frame-Options", "DENY"},
                        {"Referrer-Policy", "no-referrer"}});
      }
    }
    std::string what = escape_for_log(path, 100);
    return refuse(c, r, h, 404,
                  "no such endpoint: " + what + " (use POST /ocr or GET /health" + (web_ui ? ", or GET / for the page)" : ")"));
  }

  MHD_Result preflight(MHD_Connection* c, RequestCtx& r, const HeaderScan& h) {
    if (!h.origin || !origin_listed(cors, h.origin_value) || !iequals(h.acr_method, "POST"))
      return refuse(c, r, h, 403, "cross-origin request refused: the origin is not allowed (--cors_origin)");
    r.cors_origin = h.origin_value;
    return answer_later(r, 204, "", "text/plain",
                   {{"Access-Control-Allow-Methods", "POST"},
                    {"Access-Control-Allow-Headers", "Content-Type, Authorization"},
                    {"Access-Control-Max-Age", "600"}});
  }

  MHD_Result accept_ocr(MHD_Connection* c, RequestCtx& r, const HeaderScan& h) {
    if (h.origin > 1) return error(c, r, 400, "bad request: more than one Origin header", {}, true);
    if (h.origin) {
      if (origin_listed(cors, h.origin_value))
        r.cors_origin = h.origin_value;
      else if (!same_origin(allowed_hosts, h.host_value, h.origin_value))
        return refuse(c, r, h, 403, "cross-origin request refused: the origin is not allowed (--cors_origin)");
    }
    if (!opts.api_key.empty() && !bearer_matches(h.authorization, opts.api_key))
      return refuse(c, r, h, 401, "missing or wrong API key: send \"Authorization: Bearer <key>\"",
                    {{"WWW-Authenticate", "Bearer realm=\"ppocr\""}});
    if (!is_json_content_type(h.content_type)) return refuse(c, r, h, 415, "Content-Type must be application/json");
    if (h.content_encoding && !iequals(h.ce, "identity"))
      return refuse(c, r, h, 415, "Content-Encoding is not supported: send the JSON body uncompressed");
    const size_t max_body = self.service_->options().max_body_bytes;
    const size_t declared = h.declared();
    if (declared > max_body)
      return refuse(c, r, h, 413, "request body too large: the limit is " + std::to_string(max_body) +
                                      " bytes (--max_body_mb)");
    ++active;
    r.counted = true;
    if (stopping) return refuse(c, r, h, 503, "the server is shutting down");
    if (declared > 0) {
      if (!acquire(r, declared)) return refuse(c, r, h, 503, "server busy: too much request data in transit; retry later");
      r.declared = true;
      r.body.reserve(declared);
    }
    r.reading = true;
    return MHD_YES;  // MHD sends "100 Continue" when asked, then the body arrives in pieces
  }

  void receive(RequestCtx& r, const char* data, size_t n) {
    r.bytes_in += n;
    if (!r.reading) return;  // a request that takes no body: its bytes are read and dropped
    const size_t max_body = self.service_->options().max_body_bytes;
    auto drop = [&](int status, const std::string& msg) {
      answer_later(r, status, error_body(r.log_id, status, msg), "application/json", {}, true);
      r.draining = true;
      r.body.clear();
      r.body.shrink_to_fit();
      release(r);
    };
    if (r.draining) {
      // Read and drop up to 2 x max_body bytes so the client can read the
      // answer; beyond that, the connection is dropped.
      r.drained += n;
      if (r.drained > 2 * max_body) r.abort = true;
      return;
    }
    if (r.body.size() + n > max_body) {
      drop(413, "request body too large: the limit is " + std::to_string(max_body) + " bytes (--max_body_mb)");
      r.drained = n;
      return;
    }
    if (!r.declared && !acquire(r, n)) {
      drop(503, "server busy: too much request data in transit; retry later");
      r.drained = n;
      return;
    }
    r.body.append(data, n);
  }

  MHD_Result final_call(MHD_Connection* c, const CtxHolder& holder) {
    RequestCtx& r = *holder;
    {
      std::lock_guard<std::mutex> lock(r.mu);
      if (r.answered) {
        Reply reply = std::move(r.reply);
        return respond(c, r, reply.status, std::move(reply.body), "application/json");
      }
    }
    if (r.later) {
      RequestCtx::Answer a = std::move(*r.later);
      r.later.reset();
      return respond(c, r, a.status, std::move(a.body), a.ctype, a.headers, a.close);
    }
    if (!r.reading) return MHD_NO;
    r.reading = false;
    std::string body = std::move(r.body);
    release(r);
    set_phase(r.conn, ConnState::kProcessing, 0);
    // Suspended until the service answers: no event thread waits for OCR.
    MHD_suspend_connection(c);
    CtxHolder keep = holder;
    self.service_->submit_ocr(std::move(body), r.log_id, [keep, c](Reply reply) {
      {
        std::lock_guard<std::mutex> lock(keep->mu);
        keep->reply = std::move(reply);
        keep->answered = true;
      }
      MHD_resume_connection(c);
    });
    return MHD_YES;
  }
};

Server::Server(ServerOptions opts, OcrFn ocr, std::function<void()> release_buffers)
    : opts_(std::move(opts)),
      service_(std::make_unique<OcrService>(opts_.service, std::move(ocr), std::move(release_buffers))),
      impl_(std::make_unique<Impl>(*this, opts_)) {
  Impl& s = *impl_;
  s.allowed_hosts = opts_.allowed_hosts.empty() ? default_allowed_hosts(opts_.host) : opts_.allowed_hosts;
  s.cors = opts_.cors_origins;
  s.web_ui = opts_.web_ui.value_or(is_loopback_host(opts_.host));
  s.max_inflight = opts_.max_inflight_body_bytes > 0 ? opts_.max_inflight_body_bytes
                                                     : 8 * std::max<size_t>(opts_.service.max_body_bytes, 1);
}

Server::~Server() {
  stop();
  {
    std::unique_lock<std::mutex> lock(impl_->run_mu);
    if (!impl_->run_entered && impl_->listen_fd >= 0) {
      ::close(impl_->listen_fd);
      impl_->listen_fd = -1;
    }
  }
  service_->shutdown();
}

bool Server::web_ui_enabled() const { return impl_->web_ui; }

int Server::open_connections() const {
  std::lock_guard<std::mutex> lock(impl_->conn_mu);
  return static_cast<int>(impl_->conns.size());
}

void Server::bind() {
  if (port_ >= 0) return;
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV;
  std::string host = opts_.host;
  if (host.size() > 2 && host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
  addrinfo* res = nullptr;
  std::string port = std::to_string(opts_.port);
  int rc = getaddrinfo(host.empty() ? nullptr : host.c_str(), port.c_str(), &hints, &res);
  PPOCR_CHECK(rc == 0 && res, "cannot listen on ", opts_.host, ": ", gai_strerror(rc));
  int fd = -1;
  std::string why = "no usable address";
  for (addrinfo* a = res; a; a = a->ai_next) {
    fd = ::socket(a->ai_family, a->ai_socktype | SOCK_CLOEXEC, a->ai_protocol);
    if (fd < 0) continue;
    int one = 1;
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    if (::bind(fd, a->ai_addr, a->ai_addrlen) == 0 && ::listen(fd, std::max(16, opts_.listen_backlog)) == 0) break;
    why = std::strerror(errno);
    ::close(fd);
    fd = -1;
  }
  freeaddrinfo(res);
  PPOCR_CHECK(fd >= 0, "cannot listen on ", opts_.host, ":", opts_.port, " (", why, ")");
  sockaddr_storage ss{};
  socklen_t len = sizeof ss;
  getsockname(fd, reinterpret_cast<sockaddr*>(&ss), &len);
  port_ = ss.ss_family == AF_INET6 ? ntohs(reinterpret_cast<sockaddr_in6*>(&ss)->sin6_port)
                                   : ntohs(reinterpret_cast<sockaddr_in*>(&ss)->sin_port);
  impl_->listen_fd = fd;
}

void Server::run() {
  bind();
  Impl& s = *impl_;
  {
    std::lock_guard<std::mutex> lock(s.run_mu);
    s.run_entered = true;
    if (s.stop_requested) {
      ::close(s.listen_fd);
      s.listen_fd = -1;
    }
  }
  if (s.listen_fd >= 0) {
    const unsigned threads = static_cast<unsigned>(opts_.http_threads > 0 ? opts_.http_threads : 2);
    const double longest = std::max({opts_.header_timeout_s, opts_.body_timeout_s, opts_.keepalive_timeout_s, 1.0});
    // MHD's own inactivity timeout is a backstop; the watchdog enforces the deadlines.
    const unsigned idle_backstop = static_cast<unsigned>(longest) + 5;
    unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL | MHD_ALLOW_SUSPEND_RESUME;
    std::vector<MHD_OptionItem> o = {
        {MHD_OPTION_LISTEN_SOCKET, s.listen_fd, nullptr},
        {MHD_OPTION_CONNECTION_LIMIT, std::max(1, opts_.max_connections), nullptr},
        {MHD_OPTION_CONNECTION_TIMEOUT, static_cast<intptr_t>(idle_backstop), nullptr},
        {MHD_OPTION_CONNECTION_MEMORY_LIMIT, 64 * 1024, nullptr},
        {MHD_OPTION_STRICT_FOR_CLIENT, 1, nullptr},
        {MHD_OPTION_NOTIFY_CONNECTION, reinterpret_cast<intptr_t>(&Impl::on_connection), &s},
        {MHD_OPTION_NOTIFY_COMPLETED, reinterpret_cast<intptr_t>(&Impl::on_completed), &s},
        {MHD_OPTION_URI_LOG_CALLBACK, reinterpret_cast<intptr_t>(&Impl::on_uri), &s},
        {MHD_OPTION_UNESCAPE_CALLBACK, reinterpret_cast<intptr_t>(&Impl::no_unescape), &s},
    };
    if (opts_.max_connections_per_ip > 0)
      o.push_back({MHD_OPTION_PER_IP_CONNECTION_LIMIT, opts_.max_connections_per_ip, nullptr});
    if (threads > 1) o.push_back({MHD_OPTION_THREAD_POOL_SIZE, static_cast<intptr_t>(threads), nullptr});
    o.push_back({MHD_OPTION_END, 0, nullptr});
    s.daemon = MHD_start_daemon(flags, 0, nullptr, nullptr, &Impl::on_request, &s, MHD_OPTION_ARRAY, o.data(),
                                MHD_OPTION_END);
    if (!s.daemon) {
      ::close(s.listen_fd);
      s.listen_fd = -1;
      service_->shutdown();
      PPOCR_CHECK(false, "cannot start the HTTP server on ", opts_.host, ":", port_);
    }
    s.watchdog = std::thread([&s] { s.watch(); });
    {
      std::unique_lock<std::mutex> lock(s.run_mu);
      s.run_cv.wait(lock, [&] { return s.stop_requested; });
    }
    // Graceful stop: no new connections, answer what was accepted, then close the rest.
    s.stopping = true;
    // The listening socket stops taking connections at once (new ones are refused), but
    // is closed only after MHD has stopped: its event threads may still name it.
    MHD_socket lfd = MHD_quiesce_daemon(s.daemon);
    if (lfd != MHD_INVALID_SOCKET) ::shutdown(lfd, SHUT_RDWR);
    while (s.active.load() > 0) std::this_thread::sleep_for(std::chrono::milliseconds(5));
    MHD_stop_daemon(s.daemon);
    s.daemon = nullptr;
    if (lfd != MHD_INVALID_SOCKET) ::close(lfd);
    s.listen_fd = -1;
    {
      std::lock_guard<std::mutex> lock(s.wd_mu);
      s.wd_stop = true;
    }
    s.wd_cv.notify_all();
    s.watchdog.join();
  }
  // The worker pool runs what is left and joins.
  service_->shutdown();
}

void Server::stop() {
  {
    std::lock_guard<std::mutex> lock(impl_->run_mu);
    impl_->stop_requested = true;
  }
  impl_->run_cv.notify_all();
}

}  // namespace ppocr::server
