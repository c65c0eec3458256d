// examples/cpp/main.cpp: a C++17 host of the ohos-http C ABI (include/ohos_http.h).
//
// Against the local test bed (testbed/shell.sh) it does: a GET, a POST with JSON options
// (async, callback + user_data + destructor), a raw-bytes body, a streamed download with
// dataReceive/progress listeners (blocking and async), a request cancelled by destroy
// (2300042), a refused connection (2300007), argument errors (401), a 404 response, a client
// certificate, and one direct libcurl call in the same process, next to a request of the
// library. Method names, certificate types, protocols, data types, response codes and statuses
// come from the header's constants (OHOS_HTTP_METHOD_POST, OHOS_HTTP_RESPONSE_CODE_OK, ...),
// never as bare numbers or strings.
// It prints one line per check and exits non-zero on any mismatch. With `--stress N` it then
// does N more requests of mixed kinds (blocking, async, stream, errors, destroy) through the C
// ABI, for the valgrind run; `--self-test-leak` makes that phase leak its blocking responses
// (valgrind must then fail: the check can fail).
//
// Build and run: examples/cpp/build.sh && testbed/shell.sh target/cpp-example/ohos_http_example
#include "ohos_http.h"

#include <curl/curl.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include <unistd.h>

namespace {

int g_passed = 0;
int g_failed = 0;

void check(bool ok, const std::string &what, std::string detail = "") {
  // One line per check: newlines flattened, long details cut.
  for (char &c : detail) c = (c == '\n' || c == '\r') ? ' ' : c;
  if (detail.size() > 160) detail = detail.substr(0, 160) + "...";
  std::printf("%s - %s%s%s\n", ok ? "ok" : "FAIL", what.c_str(), detail.empty() ? "" : ": ", detail.c_str());
  std::fflush(stdout);
  (ok ? g_passed : g_failed)++;
}

std::string env_or(const char *name, const char *fallback) {
  const char *v = std::getenv(name);
  return v && *v ? v : fallback;
}

const std::string kHttpbin = env_or("OHOS_HTTP_TB_HTTPBIN_URL", "http://127.0.0.1:18080");
const std::string kFault = env_or("OHOS_HTTP_TB_FAULT_URL", "http://127.0.0.1:18090");
const std::string kNginx = env_or("OHOS_HTTP_TB_NGINX_URL", "http://127.0.0.1:18081");
constexpr auto kWait = std::chrono::seconds(60);  // generous: the suite also runs under valgrind

bool contains(const std::string &haystack, const std::string &needle) {
  return haystack.find(needle) != std::string::npos;
}

// The full message of an error object ("" for NULL).
std::string error_text(const ohos_http_error_t *error) {
  const char *msg = nullptr;
  size_t len = 0;
  if (error == nullptr || ohos_http_error_detail(error, &msg, &len) != OHOS_HTTP_OK) return "";
  return std::string(msg, len);
}

// RAII owners for what the library hands out.
struct Error {
  ohos_http_error_t *ptr = nullptr;
  ~Error() { ohos_http_error_free(ptr); }
  std::string text() const { return error_text(ptr); }
};

struct Response {
  ohos_http_response_t *ptr = nullptr;
  ~Response() { ohos_http_response_free(ptr); }
  uint32_t code() const {
    uint32_t c = 0;
    ohos_http_response_code(ptr, &c);
    return c;
  }
  std::string body() const {
    const uint8_t *data = nullptr;
    size_t len = 0;
    if (ohos_http_response_result(ptr, &data, &len) != OHOS_HTTP_OK) return "";
    return std::string(reinterpret_cast<const char *>(data), len);
  }
  std::string headers() const {
    const char *json = nullptr;
    size_t len = 0;
    if (ohos_http_response_header_json(ptr, &json, &len) != OHOS_HTTP_OK) return "";
    return std::string(json, len);
  }
  std::string http_version() const {
    const char *version = nullptr;
    if (ohos_http_response_http_version(ptr, &version, nullptr) != OHOS_HTTP_OK || version == nullptr) return "";
    return version;
  }
  std::string timing() const {
    const char *json = nullptr;
    size_t len = 0;
    if (ohos_http_response_timing_json(ptr, &json, &len) != OHOS_HTTP_OK) return "";
    return std::string(json, len);
  }
};

struct Handle {
  ohos_http_request_t *ptr = nullptr;
  Handle() {
    if (ohos_http_create(&ptr) != OHOS_HTTP_OK) ptr = nullptr;
  }
  Handle(const Handle &) = delete;
  Handle &operator=(const Handle &) = delete;
  ~Handle() { ohos_http_destroy(&ptr); }
};

// user_data of an async request: the callback fills it, the destructor marks it released.
// The waiter waits for the release, so it is never freed while the library still uses it.
struct Waiter {
  std::mutex m;
  std::condition_variable cv;
  bool called = false;
  int calls = 0;
  int releases = 0;
  int32_t status = -1;
  uint32_t response_code = 0;
  ohos_http_response_t *response = nullptr;
  std::string error;
  std::thread::id thread;

  bool wait() {
    std::unique_lock<std::mutex> lock(m);
    return cv.wait_for(lock, kWait, [this] { return releases > 0; });
  }
  ~Waiter() { ohos_http_response_free(response); }
};

void on_response(void *user_data, int32_t status, ohos_http_response_t *response,
                 const ohos_http_error_t *error) noexcept {
  auto *w = static_cast<Waiter *>(user_data);
  std::lock_guard<std::mutex> lock(w->m);
  w->calls++;
  w->status = status;
  w->response = response;  // ours now; ~Waiter frees it
  w->error = error_text(error);
  w->thread = std::this_thread::get_id();
}

void on_stream_done(void *user_data, int32_t status, uint32_t response_code,
                    const ohos_http_error_t *error) noexcept {
  auto *w = static_cast<Waiter *>(user_data);
  std::lock_guard<std::mutex> lock(w->m);
  w->calls++;
  w->status = status;
  w->response_code = response_code;
  w->error = error_text(error);
  w->thread = std::this_thread::get_id();
}

void release_waiter(void *user_data) noexcept {
  auto *w = static_cast<Waiter *>(user_data);
  {
    std::lock_guard<std::mutex> lock(w->m);
    w->releases++;
  }
  w->cv.notify_all();
}

// Listener state of a stream: bytes, progress, events seen.
struct StreamStats {
  std::atomic<uint64_t> bytes{0};
  std::atomic<int> chunks{0};
  std::atomic<int> progress_events{0};
  std::atomic<uint64_t> last_current{0};
  std::atomic<uint64_t> last_total{0};
  std::atomic<int> headers{0};
  std::atomic<int> data_end{0};
  std::atomic<int> releases{0};
  std::atomic<bool> order_ok{true};
  std::mutex m;
  std::string header_json;
  std::thread::id thread;
};

void stream_listener(void *user_data, const ohos_http_event_t *ev) noexcept {
  auto *s = static_cast<StreamStats *>(user_data);
  {
    std::lock_guard<std::mutex> lock(s->m);
    s->thread = std::this_thread::get_id();
  }
  switch (ev->kind) {
    case OHOS_HTTP_EVENT_HEADERS_RECEIVE: {
      std::lock_guard<std::mutex> lock(s->m);
      s->header_json.assign(ev->headers_json, ev->headers_json_len);
      s->headers++;
      break;
    }
    case OHOS_HTTP_EVENT_DATA_RECEIVE:
      if (s->headers.load() == 0 || s->data_end.load() != 0) s->order_ok = false;
      s->bytes += ev->data_len;
      s->chunks++;
      break;
    case OHOS_HTTP_EVENT_DATA_RECEIVE_PROGRESS:
      s->progress_events++;
      s->last_current = ev->current;
      s->last_total = ev->total;
      break;
    case OHOS_HTTP_EVENT_DATA_END:
      s->data_end++;
      break;
    default:
      break;
  }
}

void release_stats(void *user_data) noexcept { static_cast<StreamStats *>(user_data)->releases++; }

int32_t listen(ohos_http_request_t *h, uint32_t event, StreamStats *s, uint64_t *id = nullptr) {
  return ohos_http_on(h, event, stream_listener, s, release_stats, id);
}

// ---------------------------------------------------------------------------------- checks

void test_error_messages() {
  check(std::strcmp(ohos_http_error_message(OHOS_HTTP_COULDNT_CONNECT), "Failed to connect to the server") == 0,
        "error_message(2300007)", ohos_http_error_message(OHOS_HTTP_COULDNT_CONNECT));
  check(std::strcmp(ohos_http_error_message(OHOS_HTTP_PARAMETER_ERROR), "Parameter error") == 0,
        "error_message(401)");
  check(std::strcmp(ohos_http_error_message(-5), "Unknown error") == 0, "error_message(-5) is Unknown error");
  check(ohos_http_error_message(OHOS_HTTP_CANCELLED) == ohos_http_error_message(OHOS_HTTP_CANCELLED),
        "error_message is a static string");
}

void test_get() {
  StreamStats s;  // declared before the handle: the handle's destroy releases listeners using it
  Handle h;
  check(h.ptr != nullptr, "create");
  listen(h.ptr, OHOS_HTTP_EVENT_HEADERS_RECEIVE, &s);
  Response r;
  Error e;
  int32_t st = ohos_http_request(h.ptr, (kHttpbin + "/get?from=cpp").c_str(), nullptr, &r.ptr, &e.ptr);
  check(st == OHOS_HTTP_OK && r.ptr != nullptr, "GET status", std::to_string(st) + " " + e.text());
  if (r.ptr == nullptr) return;
  check(r.code() == OHOS_HTTP_RESPONSE_CODE_OK, "GET response code 200", std::to_string(r.code()));
  check(contains(r.body(), "\"from\"") && contains(r.body(), "cpp"), "GET body echoes the query");
  check(contains(r.headers(), "\"content-type\""), "GET header_json has content-type", r.headers());
  check(contains(r.timing(), "\"totalTiming\""), "GET timing_json has totalTiming");
  uint32_t type = 99;
  // No expectDataType: a JSON content type is still text (only octet-stream and image/* are bytes).
  int32_t type_st = ohos_http_response_result_type(r.ptr, &type);
  check(type_st == OHOS_HTTP_OK && type == OHOS_HTTP_DATA_STRING, "GET result_type is STRING", std::to_string(type));
  const char *cookies = nullptr;
  check(ohos_http_response_cookies(r.ptr, &cookies, nullptr) == OHOS_HTTP_OK && cookies != nullptr,
        "GET cookies accessor");
  check(r.http_version() == "1.1" || r.http_version() == "2", "GET http_version", r.http_version());
  check(s.headers == 1, "GET headersReceive once", std::to_string(s.headers));
  check(s.thread == std::this_thread::get_id(), "blocking call runs listeners on the calling thread");
}

void test_post_json_async() {
  Handle h;
  Waiter w;
  // The options JSON with the header's constants: string macros concatenate into the text,
  // numbers go in with std::to_string.
  const std::string options = R"({"method":")" OHOS_HTTP_METHOD_POST
                              R"(","header":{"content-type":"application/json","x-demo":"cpp"},)"
                              R"("extraData":{"hello":"world","n":42},"expectDataType":)" +
                              std::to_string(OHOS_HTTP_DATA_STRING) +
                              R"(,"usingProtocol":)" + std::to_string(OHOS_HTTP_PROTOCOL_HTTP1_1) +
                              R"(,"connectTimeout":10000})";
  Error e;
  int32_t st = ohos_http_request_async(h.ptr, (kHttpbin + "/post").c_str(), options.c_str(), on_response, &w,
                                       release_waiter, &e.ptr);
  check(st == OHOS_HTTP_OK, "POST async accepted", e.text());
  if (st != OHOS_HTTP_OK) return;
  check(w.wait(), "POST callback and user_data_free ran");
  std::lock_guard<std::mutex> lock(w.m);
  check(w.status == OHOS_HTTP_OK && w.response != nullptr, "POST status", std::to_string(w.status) + " " + w.error);
  check(w.calls == 1 && w.releases == 1, "POST callback once, then user_data_free once");
  check(w.thread != std::this_thread::get_id(), "async callback runs on the dispatcher thread");
  if (w.response == nullptr) return;
  Response r;
  std::swap(r.ptr, w.response);
  std::string body = r.body();
  check(r.code() == OHOS_HTTP_RESPONSE_CODE_OK, "POST response code 200", std::to_string(r.code()));
  check(r.http_version() == "1.1", "POST usingProtocol HTTP1_1 gave HTTP/1.1", r.http_version());
  check(contains(body, "\"hello\": \"world\"") && contains(body, "\"n\": 42"), "POST body carried the JSON", body);
  check(contains(body, "X-Demo"), "POST header sent");
}

void test_bytes_body() {
  Handle h;
  ohos_http_options_t *opts = nullptr;
  Error e;
  int32_t st = ohos_http_options_parse(
      R"({"method":")" OHOS_HTTP_METHOD_POST R"(","header":{"content-type":"application/octet-stream"}})", &opts,
      &e.ptr);
  check(st == OHOS_HTTP_OK && opts != nullptr, "options_parse", e.text());
  std::vector<uint8_t> bytes(256);
  for (size_t i = 0; i < bytes.size(); i++) bytes[i] = static_cast<uint8_t>(i);
  check(ohos_http_options_set_extra_data_bytes(opts, bytes.data(), bytes.size()) == OHOS_HTTP_OK,
        "set_extra_data_bytes");
  Response r;
  Error e2;
  st = ohos_http_request_opts(h.ptr, (kFault + "/echo").c_str(), opts, &r.ptr, &e2.ptr);
  ohos_http_options_free(opts);
  check(st == OHOS_HTTP_OK, "raw-bytes POST status", e2.text());
  check(contains(r.body(), "\"body_len\": 256") && contains(r.body(), "\"body\": null"),
        "raw-bytes body arrived unchanged (256 bytes, not UTF-8)", r.body().substr(0, 200));
}

void test_stream_blocking() {
  StreamStats s;
  StreamStats removed;
  Handle h;
  for (uint32_t ev : {OHOS_HTTP_EVENT_HEADERS_RECEIVE, OHOS_HTTP_EVENT_DATA_RECEIVE,
                      OHOS_HTTP_EVENT_DATA_RECEIVE_PROGRESS}) {
    check(listen(h.ptr, ev, &s) == OHOS_HTTP_OK, "on(" + std::to_string(ev) + ")");
  }
  check(ohos_http_once(h.ptr, OHOS_HTTP_EVENT_DATA_END, stream_listener, &s, release_stats, nullptr) ==
            OHOS_HTTP_OK,
        "once(dataEnd)");
  // A listener removed with off() is never called, and its user_data is released at once.
  uint64_t id = 0;
  listen(h.ptr, OHOS_HTTP_EVENT_DATA_RECEIVE, &removed, &id);
  check(id != 0 && ohos_http_off(h.ptr, OHOS_HTTP_EVENT_DATA_RECEIVE, id) == OHOS_HTTP_OK && removed.releases == 1,
        "off(id) releases the listener's user_data");

  uint32_t code = 0;
  Error e;
  int32_t st = ohos_http_request_in_stream(h.ptr, (kNginx + "/1m.bin").c_str(), nullptr, &code, &e.ptr);
  check(st == OHOS_HTTP_OK && code == OHOS_HTTP_RESPONSE_CODE_OK, "stream 1m.bin status", std::to_string(st) + "/" + std::to_string(code) +
                                                                       " " + e.text());
  check(s.bytes == 1048576, "stream dataReceive counted 1048576 bytes",
        std::to_string(s.bytes) + " in " + std::to_string(s.chunks) + " chunks");
  check(s.progress_events > 0 && s.last_current == 1048576 && s.last_total == 1048576,
        "stream progress reached 1048576/1048576",
        std::to_string(s.progress_events) + " events, last " + std::to_string(s.last_current) + "/" +
            std::to_string(s.last_total));
  check(s.headers == 1 && s.data_end == 1 && s.order_ok, "stream headers, data, dataEnd in order");
  check(removed.chunks == 0, "removed listener never called");
  check(s.releases == 1, "once listener released after its call", std::to_string(s.releases));
}

void test_stream_async() {
  StreamStats s;
  Handle h;
  listen(h.ptr, OHOS_HTTP_EVENT_DATA_RECEIVE, &s);
  listen(h.ptr, OHOS_HTTP_EVENT_DATA_RECEIVE_PROGRESS, &s);
  listen(h.ptr, OHOS_HTTP_EVENT_DATA_END, &s);
  Waiter w;
  Error e;
  int32_t st = ohos_http_request_in_stream_async(h.ptr, (kFault + "/bytes?size=300000").c_str(), "{}", on_stream_done,
                                                 &w, release_waiter, &e.ptr);
  check(st == OHOS_HTTP_OK, "stream async accepted", e.text());
  check(st == OHOS_HTTP_OK && w.wait(), "stream async callback ran");
  std::lock_guard<std::mutex> lock(w.m);
  check(w.status == OHOS_HTTP_OK && w.response_code == OHOS_HTTP_RESPONSE_CODE_OK, "stream async status",
        std::to_string(w.status) + "/" + std::to_string(w.response_code) + " " + w.error);
  check(s.bytes == 300000 && s.data_end == 1, "stream async received 300000 bytes then dataEnd",
        std::to_string(s.bytes));
  check(s.thread == w.thread && w.thread != std::this_thread::get_id(),
        "async listeners and callback share the dispatcher thread");
  ohos_http_request_t *h2 = h.ptr;
  h.ptr = nullptr;
  ohos_http_destroy(&h2);
  check(s.releases == 3, "destroy released every listener's user_data", std::to_string(s.releases));
}

void test_cancel() {
  ohos_http_request_t *h = nullptr;
  ohos_http_create(&h);
  Waiter w;
  auto start = std::chrono::steady_clock::now();
  int32_t st =
      ohos_http_request_async(h, (kFault + "/hang").c_str(), nullptr, on_response, &w, release_waiter, nullptr);
  check(st == OHOS_HTTP_OK, "hanging request accepted");
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  check(ohos_http_destroy(&h) == OHOS_HTTP_OK && h == nullptr, "destroy while in flight NULLs the handle");
  check(w.wait(), "cancelled request's callback ran");
  auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - start).count();
  std::lock_guard<std::mutex> lock(w.m);
  check(w.status == OHOS_HTTP_CANCELLED, "cancelled request fails with 2300042",
        std::to_string(w.status) + " " + w.error);
  check(w.response == nullptr && !w.error.empty(), "cancelled: no response, an error detail");
  check(ms < 30000, "cancel acted at once", std::to_string(ms) + " ms");
  check(ohos_http_destroy(&h) == OHOS_HTTP_OK, "destroy of a NULLed handle is a no-op");
}

void test_cancel_blocking() {
  // A blocking stream request on another thread; this thread destroys the handle meanwhile.
  // The call holds its own reference, so it returns 2300042 instead of touching freed memory.
  ohos_http_request_t *h = nullptr;
  ohos_http_create(&h);
  int32_t status = -1;
  std::string text;
  std::thread t([h, &status, &text] {
    ohos_http_error_t *err = nullptr;
    uint32_t code = 0;
    status = ohos_http_request_in_stream(h, (kFault + "/hang").c_str(), nullptr, &code, &err);
    text = error_text(err);
    ohos_http_error_free(err);
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  ohos_http_destroy(&h);
  t.join();
  check(status == OHOS_HTTP_CANCELLED, "blocking call on another thread cancelled by destroy: 2300042",
        std::to_string(status) + " " + text);
}

void test_refused() {
  Handle h;
  Response r;
  Error e;
  // Port 1 on loopback: nothing listens there.
  int32_t st = ohos_http_request(h.ptr, "http://127.0.0.1:1/", R"({"connectTimeout":5000})", &r.ptr, &e.ptr);
  check(st == OHOS_HTTP_COULDNT_CONNECT, "connection refused is 2300007", std::to_string(st));
  check(r.ptr == nullptr && ohos_http_error_code(e.ptr) == OHOS_HTTP_COULDNT_CONNECT, "error object carries 2300007");
  check(contains(e.text(), "Failed to connect to the server"), "error detail", e.text());
}

void test_http_status_is_a_response() {
  // HTTP 4xx and 5xx are responses (status 0), not errors.
  Handle h;
  Response r;
  Error e;
  int32_t st = ohos_http_request(h.ptr, (kHttpbin + "/status/404").c_str(), nullptr, &r.ptr, &e.ptr);
  check(st == OHOS_HTTP_OK && r.code() == OHOS_HTTP_RESPONSE_CODE_NOT_FOUND, "404 is a response, not an error",
        std::to_string(st) + "/" + std::to_string(r.ptr ? r.code() : 0) + " " + e.text());
}

void test_client_cert() {
  // mTLS with the test bed's PKCS#12 client certificate: certType from the header's constants.
  const char *certs = std::getenv("OHOS_HTTP_TB_CERTS");
  const char *mtls = std::getenv("OHOS_HTTP_TB_MTLS_URL");
  if (certs == nullptr || mtls == nullptr) {
    check(false, "client certificate: OHOS_HTTP_TB_CERTS and OHOS_HTTP_TB_MTLS_URL are set (run under the test bed)");
    return;
  }
  const std::string dir = certs;
  const std::string options = R"({"caPath":")" + dir + R"(/ca.pem","clientCert":{"certPath":")" + dir +
                              R"(/client.p12","certType":")" OHOS_HTTP_CERT_TYPE_P12
                              R"(","keyPath":"","keyPassword":"secret"}})";
  Handle h;
  Response r;
  Error e;
  int32_t st = ohos_http_request(h.ptr, (std::string(mtls) + "/get").c_str(), options.c_str(), &r.ptr, &e.ptr);
  check(st == OHOS_HTTP_OK && r.code() == OHOS_HTTP_RESPONSE_CODE_OK, "mTLS with a P12 client certificate",
        std::to_string(st) + " " + e.text());
}

void test_bad_arguments() {
  Handle h;
  Response r;
  Error e;
  int32_t st = ohos_http_request(h.ptr, (kHttpbin + "/get").c_str(), R"({"priority":"high"})", &r.ptr, &e.ptr);
  check(st == OHOS_HTTP_PARAMETER_ERROR && contains(e.text(), "priority"), "wrong-typed option is 401 naming the field", e.text());
  Error e2;
  st = ohos_http_request(h.ptr, (kHttpbin + "/get").c_str(), R"({"readTimeout": 5,)", nullptr, &e2.ptr);
  check(st == OHOS_HTTP_PARAMETER_ERROR && !e2.text().empty(), "malformed JSON is 401", e2.text());
  Error e3;
  check(ohos_http_request(h.ptr, nullptr, nullptr, &r.ptr, &e3.ptr) == OHOS_HTTP_PARAMETER_ERROR &&
            contains(e3.text(), "url"),
        "NULL url is 401", e3.text());
  check(ohos_http_request(h.ptr, "http://127.0.0.1/\xff", nullptr, nullptr, nullptr) == OHOS_HTTP_PARAMETER_ERROR,
        "invalid UTF-8 url is 401");
  check(ohos_http_request(nullptr, "http://127.0.0.1/", nullptr, nullptr, nullptr) == OHOS_HTTP_PARAMETER_ERROR,
        "NULL handle is 401");
  check(ohos_http_destroy(nullptr) == OHOS_HTTP_PARAMETER_ERROR, "destroy(NULL) is 401");
  check(ohos_http_on(h.ptr, 99, stream_listener, nullptr, nullptr, nullptr) == OHOS_HTTP_PARAMETER_ERROR,
        "unknown event is 401");
  check(ohos_http_on(h.ptr, OHOS_HTTP_EVENT_DATA_END, nullptr, nullptr, nullptr, nullptr) ==
            OHOS_HTTP_PARAMETER_ERROR,
        "NULL listener is 401");
  check(ohos_http_response_code(nullptr, nullptr) == OHOS_HTTP_PARAMETER_ERROR, "accessor on NULL response is 401");
  // Rejected async call: neither the callback nor user_data_free runs.
  Waiter w;
  Error e4;
  st = ohos_http_request_async(h.ptr, (kHttpbin + "/get").c_str(), R"({"method":"FETCH"})", on_response, &w,
                               release_waiter, &e4.ptr);
  check(st == OHOS_HTTP_PARAMETER_ERROR && contains(e4.text(), "method"), "async call with a bad option is 401 at once", e4.text());
  check(w.calls == 0 && w.releases == 0, "rejected async call keeps user_data");
  ohos_http_response_free(nullptr);
  ohos_http_error_free(nullptr);
  ohos_http_options_free(nullptr);
  check(true, "NULL-tolerant frees");
}

size_t collect(char *data, size_t size, size_t n, void *user) {
  static_cast<std::string *>(user)->append(data, size * n);
  return size * n;
}

void test_libcurl_direct() {
  // One of the library's requests in flight while the host uses libcurl directly.
  Handle h;
  Waiter w;
  ohos_http_request_async(h.ptr, (kFault + "/delay?ms=300").c_str(), nullptr, on_response, &w, release_waiter,
                          nullptr);
  CURL *curl = curl_easy_init();
  std::string body;
  curl_easy_setopt(curl, CURLOPT_URL, (kHttpbin + "/get?direct=1").c_str());
  curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, collect);
  curl_easy_setopt(curl, CURLOPT_WRITEDATA, &body);
  curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
  CURLcode rc = curl_easy_perform(curl);
  long code = 0;
  curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &code);
  curl_easy_cleanup(curl);
  check(rc == CURLE_OK && code == OHOS_HTTP_RESPONSE_CODE_OK && contains(body, "direct"), "direct curl_easy_perform in the same process",
        std::string(curl_easy_strerror(rc)) + " " + std::to_string(code));
  check(w.wait(), "library request beside it finished");
  std::lock_guard<std::mutex> lock(w.m);
  uint32_t c = 0;
  ohos_http_response_code(w.response, &c);
  check(w.status == OHOS_HTTP_OK && c == OHOS_HTTP_RESPONSE_CODE_OK, "library request beside direct libcurl", std::to_string(w.status));
}

void done_flag(void *user_data, int32_t status, const ohos_http_error_t *) noexcept {
  static_cast<std::atomic<int32_t> *>(user_data)->store(status);
}

bool served_from_cache(ohos_http_request_t *h, const std::string &url) {
  Response r;
  bool hit = false;
  if (ohos_http_request(h, url.c_str(), nullptr, &r.ptr, nullptr) != OHOS_HTTP_OK) return false;
  ohos_http_response_from_cache(r.ptr, &hit);
  return hit;
}

void test_cache() {
  // The response cache is process-wide: turned on here, deleted (off) at the end.
  std::string dir = env_or("TMPDIR", "/tmp") + "/ohos-http-cpp-example-" + std::to_string(::getpid());
  check(ohos_http_cache_set_directory(dir.c_str()) == OHOS_HTTP_OK, "cache_set_directory");
  ohos_http_cache_t *cache = nullptr;
  check(ohos_http_cache_create(UINT64_MAX, &cache) == OHOS_HTTP_OK && cache != nullptr, "cache_create");
  Handle h;
  std::string url = kFault + "/count/cpp-" + std::to_string(::getpid()) + "?cc=max-age=600";
  check(!served_from_cache(h.ptr, url), "first GET goes to the network");
  check(served_from_cache(h.ptr, url), "second GET is served from the cache");
  Error e;
  check(ohos_http_cache_flush(cache, &e.ptr) == OHOS_HTTP_OK, "cache_flush", e.text());
  std::atomic<int32_t> status{-1};
  check(ohos_http_cache_delete_async(cache, done_flag, &status, nullptr) == OHOS_HTTP_OK, "cache_delete_async");
  for (int i = 0; i < 600 && status.load() == -1; i++) std::this_thread::sleep_for(std::chrono::milliseconds(50));
  check(status.load() == OHOS_HTTP_OK, "cache deleted", std::to_string(status.load()));
  ohos_http_cache_usage_t usage{};
  check(ohos_http_cache_usage(cache, &usage) == OHOS_HTTP_OK && !usage.active, "cache off after delete");
  ohos_http_cache_free(cache);
  ::rmdir(dir.c_str());
}

void test_policy() {
  // The network policy is process-wide: set, checked, and reset here.
  Handle h;
  std::string url = kHttpbin + "/get";
  auto status_of = [&](const std::string &u) {
    return ohos_http_request(h.ptr, u.c_str(), nullptr, nullptr, nullptr);
  };
  ohos_http_policy_set_internet_allowed(false);
  check(status_of(url) == OHOS_HTTP_PERMISSION_DENIED, "policy: no internet permission is 201");
  ohos_http_policy_set_internet_allowed(true);
  ohos_http_policy_set_allowed_domains(R"(["localhost"])", nullptr);
  check(status_of(url) == OHOS_HTTP_DOMAIN_NOT_ALLOWED, "policy: host outside allowed domains is 2300998");
  Error e;
  int32_t st = ohos_http_policy_set_json(R"({"network-security-config":{"base-config":{"cleartextTrafficPermitted":false}}})",
                                         &e.ptr);
  check(st == OHOS_HTTP_OK, "policy from JSON", e.text());
  check(status_of(url) == OHOS_HTTP_CLEARTEXT_NOT_PERMITTED, "policy: cleartext forbidden is 2300997");
  ohos_http_policy_reset();
  check(status_of(url) == OHOS_HTTP_OK, "policy reset allows everything again");
}

// ---------------------------------------------------------------------------------- stress

// `--stress N`: N requests of mixed kinds through the C ABI (what the valgrind run of
// testbed/cpp-example.sh does, to find leaks and invalid accesses that only show with many
// requests, threads and cancellations). Kinds: blocking GETs, async GETs and POSTs, blocking
// and async streams, a raw-bytes POST with a parsed options object, a 404, errors (refused,
// empty reply, short body, bad options), and async requests cancelled by destroy. Batches of
// 16, the async ones in flight together; every outcome is checked, one line at the end.
struct StressTally {
  bool leak = false;  // --self-test-leak: drop every blocking GET's response unfreed
  std::mutex m;
  int ok = 0;
  int bad = 0;
  std::map<std::string, int> kinds;
  void record(const std::string &kind, bool good, const std::string &detail) {
    std::lock_guard<std::mutex> lock(m);
    kinds[kind]++;
    if (good) {
      ok++;
      return;
    }
    if (bad++ < 10) check(false, "stress: " + kind, detail);
  }
};

// One async request of the stress run: its own handle (destroy cancels only it), listener
// state declared before the handle (the handle's destroy releases the listeners).
struct StressCase {
  std::string kind;
  int32_t want_status = OHOS_HTTP_OK;
  uint32_t want_code = OHOS_HTTP_RESPONSE_CODE_OK;
  uint64_t want_bytes = 0;  // streams: bytes through dataReceive
  bool stream = false;
  Waiter w;
  StreamStats stats;
  Handle h;
};

void stress_finish(StressTally &tally, StressCase &c) {
  if (!c.w.wait()) {
    tally.record(c.kind, false, "no callback within 60 s");
    return;
  }
  std::lock_guard<std::mutex> lock(c.w.m);
  uint32_t code = 0;
  if (c.stream) {
    code = c.w.response_code;
  } else if (c.w.response != nullptr) {
    ohos_http_response_code(c.w.response, &code);
  }
  bool good = c.w.status == c.want_status && c.w.calls == 1 && c.w.releases == 1;
  if (good && c.want_status == OHOS_HTTP_OK) good = code == c.want_code && (c.stream || c.w.response != nullptr);
  if (good && c.want_status != OHOS_HTTP_OK) good = c.w.response == nullptr && !c.w.error.empty();
  if (good && c.stream && c.want_status == OHOS_HTTP_OK) good = c.stats.bytes == c.want_bytes && c.stats.data_end == 1;
  tally.record(c.kind, good,
               "status " + std::to_string(c.w.status) + " code " + std::to_string(code) + " bytes " +
                   std::to_string(c.stats.bytes.load()) + " " + c.w.error);
}

void stress_blocking(StressTally &tally, const std::string &kind, const std::string &url, const char *options,
                     int32_t want_status, uint32_t want_code, size_t want_len) {
  Handle h;
  Response r;
  Error e;
  int32_t st = ohos_http_request(h.ptr, url.c_str(), options, &r.ptr, &e.ptr);
  bool good = st == want_status;
  if (good && st == OHOS_HTTP_OK) good = r.ptr != nullptr && r.code() == want_code && (want_len == 0 || r.body().size() == want_len);
  if (good && st != OHOS_HTTP_OK) good = r.ptr == nullptr && ohos_http_error_code(e.ptr) == st;
  tally.record(kind, good, "status " + std::to_string(st) + " " + e.text());
  if (tally.leak) r.ptr = nullptr;  // a definite leak, for valgrind to find
}

// expectDataType ARRAY_BUFFER, as options text.
const std::string kAsBytes = R"({"expectDataType":)" + std::to_string(OHOS_HTTP_DATA_ARRAY_BUFFER) + "}";

void test_stress(int total, bool leak) {
  StressTally tally;
  tally.leak = leak;
  auto start = std::chrono::steady_clock::now();
  uint32_t rng = 20240601;
  int issued = 0;
  while (issued < total) {
    std::vector<std::unique_ptr<StressCase>> pending;
    for (int k = 0; k < 16 && issued < total; k++, issued++) {
      rng = rng * 1103515245u + 12345u;
      switch ((rng >> 16) % 13) {
        case 0:
          stress_blocking(tally, "blocking GET", kHttpbin + "/get?stress=1", nullptr, OHOS_HTTP_OK,
                          OHOS_HTTP_RESPONSE_CODE_OK, 0);
          break;
        case 1:
          stress_blocking(tally, "blocking GET 1k", kNginx + "/1k.bin", kAsBytes.c_str(), OHOS_HTTP_OK,
                          OHOS_HTTP_RESPONSE_CODE_OK, 1024);
          break;
        case 2:
          stress_blocking(tally, "refused", "http://127.0.0.1:1/", nullptr, OHOS_HTTP_COULDNT_CONNECT, 0, 0);
          break;
        case 3: {
          struct Route {
            const char *path;
            int32_t status;
          };
          static const Route routes[] = {{"/close", OHOS_HTTP_CURL_BASE + CURLE_GOT_NOTHING},
                                         {"/short", OHOS_HTTP_CURL_BASE + CURLE_PARTIAL_FILE},
                                         {"/status/404", OHOS_HTTP_OK}};
          const Route &r = routes[(rng >> 8) % 3];
          stress_blocking(tally, std::string("fault ") + r.path, kFault + r.path, nullptr, r.status,
                          OHOS_HTTP_RESPONSE_CODE_NOT_FOUND, 0);
          break;
        }
        case 4: {
          // bad options: rejected before anything starts, nothing to release
          Handle h;
          Error e;
          int32_t st = ohos_http_request(h.ptr, (kHttpbin + "/get").c_str(), R"({"priority":0})", nullptr, &e.ptr);
          tally.record("bad options",
                       st == OHOS_HTTP_PARAMETER_ERROR && ohos_http_error_code(e.ptr) == OHOS_HTTP_PARAMETER_ERROR,
                       e.text());
          break;
        }
        case 5: {
          // a blocking stream with listeners on its own handle
          StreamStats s;
          Handle h;
          listen(h.ptr, OHOS_HTTP_EVENT_DATA_RECEIVE, &s);
          listen(h.ptr, OHOS_HTTP_EVENT_DATA_END, &s);
          uint32_t code = 0;
          Error e;
          int32_t st = ohos_http_request_in_stream(h.ptr, (kNginx + "/64k.bin").c_str(), nullptr, &code, &e.ptr);
          tally.record("blocking stream",
                       st == OHOS_HTTP_OK && code == OHOS_HTTP_RESPONSE_CODE_OK && s.bytes == 65536 && s.data_end == 1,
                       std::to_string(st) + " " + std::to_string(s.bytes.load()) + " " + e.text());
          break;
        }
        case 6: {
          // raw-bytes body through a parsed options object
          ohos_http_options_t *opts = nullptr;
          ohos_http_options_parse(R"({"method":")" OHOS_HTTP_METHOD_POST R"("})", &opts, nullptr);
          uint8_t bytes[300];
          for (size_t i = 0; i < sizeof bytes; i++) bytes[i] = static_cast<uint8_t>(i * 7);
          ohos_http_options_set_extra_data_bytes(opts, bytes, sizeof bytes);
          Handle h;
          Response r;
          Error e;
          int32_t st = ohos_http_request_opts(h.ptr, (kFault + "/echo").c_str(), opts, &r.ptr, &e.ptr);
          ohos_http_options_free(opts);
          tally.record("raw-bytes POST", st == OHOS_HTTP_OK && contains(r.body(), "\"body_len\": 300"), e.text());
          break;
        }
        default: {
          auto c = std::make_unique<StressCase>();
          Error e;
          int32_t st = -1;
          switch ((rng >> 16) % 13) {
            case 7:
              c->kind = "async GET";
              st = ohos_http_request_async(c->h.ptr, (kFault + "/bytes?size=2000").c_str(), nullptr, on_response, &c->w,
                                           release_waiter, &e.ptr);
              break;
            case 8:
              c->kind = "async POST";
              st = ohos_http_request_async(c->h.ptr, (kHttpbin + "/post").c_str(),
                                           R"({"method":")" OHOS_HTTP_METHOD_POST R"(","extraData":{"stress":true}})",
                                           on_response, &c->w,
                                           release_waiter, &e.ptr);
              break;
            case 9:
            case 10:
              c->kind = "async stream";
              c->stream = true;
              c->want_bytes = 20000;
              listen(c->h.ptr, OHOS_HTTP_EVENT_DATA_RECEIVE, &c->stats);
              listen(c->h.ptr, OHOS_HTTP_EVENT_DATA_END, &c->stats);
              st = ohos_http_request_in_stream_async(c->h.ptr, (kFault + "/chunked?size=20000").c_str(), nullptr,
                                                     on_stream_done, &c->w, release_waiter, &e.ptr);
              break;
            default: {
              // cancelled by destroy, at once or a moment later; the callback still runs once
              c->kind = "destroy mid-flight";
              c->want_status = OHOS_HTTP_CANCELLED;
              st = ohos_http_request_async(c->h.ptr, (kFault + "/hang").c_str(), nullptr, on_response, &c->w,
                                           release_waiter, &e.ptr);
              if ((rng >> 4) % 2) std::this_thread::sleep_for(std::chrono::milliseconds(2));
              ohos_http_destroy(&c->h.ptr);
              break;
            }
          }
          if (st != OHOS_HTTP_OK) {
            tally.record(c->kind, false, "not accepted: " + std::to_string(st) + " " + e.text());
          } else {
            pending.push_back(std::move(c));
          }
        }
      }
    }
    for (auto &c : pending) stress_finish(tally, *c);
  }
  auto secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::string kinds;
  for (auto &kv : tally.kinds) kinds += (kinds.empty() ? "" : ", ") + kv.first + " " + std::to_string(kv.second);
  char rate[64];
  std::snprintf(rate, sizeof rate, "%.1f s", secs);
  check(tally.bad == 0 && tally.ok == total,
        "stress: " + std::to_string(total) + " requests of mixed kinds in " + rate + ", " + std::to_string(tally.bad) +
            " unexpected",
        kinds);
}

}  // namespace

int main(int argc, char **argv) {
  int stress = 0;
  bool leak = false;
  for (int i = 1; i < argc; i++) {
    if (std::strcmp(argv[i], "--stress") == 0 && i + 1 < argc) {
      stress = std::atoi(argv[++i]);
    } else if (std::strcmp(argv[i], "--self-test-leak") == 0) {
      leak = true;  // shows that the valgrind run catches a leak: the stress run leaks responses
    } else {
      std::fprintf(stderr, "usage: %s [--stress N [--self-test-leak]]\n", argv[0]);
      return 2;
    }
  }
  // The host initialises libcurl itself, before any thread starts (the library does too; curl
  // counts). It never calls curl_global_cleanup while requests of the library may run.
  curl_global_init(CURL_GLOBAL_DEFAULT);
  const char *curl_version = nullptr;
  ohos_http_build_info(&curl_version, nullptr);
  std::printf("ohos-http %s (built against libcurl %s; running %s) C++ example: httpbin %s, fault %s, nginx %s\n",
              ohos_http_version(), curl_version, curl_version_info(CURLVERSION_NOW)->version, kHttpbin.c_str(),
              kFault.c_str(), kNginx.c_str());
  test_error_messages();
  test_get();
  test_post_json_async();
  test_bytes_body();
  test_stream_blocking();
  test_stream_async();
  test_cancel();
  test_cancel_blocking();
  test_refused();
  test_http_status_is_a_response();
  test_client_cert();
  test_bad_arguments();
  test_libcurl_direct();
  test_cache();
  test_policy();
  if (stress > 0) test_stress(stress, leak);
  std::printf("%d passed, %d failed\n", g_passed, g_failed);
  return g_failed == 0 ? 0 : 1;
}
