// bindings/node/src/addon.cc: OpenHarmony's @ohos.net.http for Node.js, on the ohos-http C ABI.
//
// Exposes http.createHttp() (HttpRequest: request, requestInStream, on/once/off, destroy),
// http.createHttpResponseCache() (flush, delete) and the enumerations, as ArkTS code sees
// them: callback form (err, data) or a Promise, errors as BusinessError (an Error with a
// numeric `code`). Every library callback arrives on the dispatcher thread and reaches JS
// through Core (core.h); nothing here touches a JS value off the JS thread.
#include <napi.h>

#include <cmath>
#include <cstdint>
#include <cstring>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "core.h"
#include "ohos_http.h"

namespace ohos_node {
namespace {

// ---------------------------------------------------------------- helpers (JS thread)

// A BusinessError: an Error with the library's message and a numeric `code`.
Napi::Object BusinessError(Napi::Env env, int32_t code, const std::string &message) {
  Napi::Object e = Napi::Error::New(env, message.empty() ? ohos_http_error_message(code) : message).Value();
  e.Set("code", Napi::Number::New(env, code));
  return e;
}

[[noreturn]] void ThrowBusinessError(Napi::Env env, int32_t code, const std::string &message) {
  throw Napi::Error(env, BusinessError(env, code, message));
}

// "Parameter error: <detail>" in the library's wording for 401.
std::string ParameterError(const std::string &detail) {
  return std::string(ohos_http_error_message(OHOS_HTTP_PARAMETER_ERROR)) + ": " + detail;
}

// The full message of an error object, or the code's text when there is none.
std::string ErrorText(const ohos_http_error_t *error, int32_t code) {
  const char *msg = nullptr;
  size_t len = 0;
  if (error != nullptr && ohos_http_error_detail(error, &msg, &len) == OHOS_HTTP_OK && msg != nullptr) {
    return std::string(msg, len);
  }
  return ohos_http_error_message(code);
}

Napi::Value RefValue(Napi::Env env, napi_ref ref) {
  napi_value v = nullptr;
  if (ref == nullptr || napi_get_reference_value(env, ref, &v) != napi_ok || v == nullptr) return env.Undefined();
  return Napi::Value(env, v);
}

napi_ref MakeRef(Napi::Env env, Napi::Value v) {
  napi_ref ref = nullptr;
  NAPI_THROW_IF_FAILED(env, napi_create_reference(env, v, 1, &ref), nullptr);
  return ref;
}

// JSON.parse(text); on a parse error `fallback` (or the text as a string when it is empty).
Napi::Value JsonParse(Napi::Env env, const char *text, size_t len, Napi::Value fallback = Napi::Value()) {
  Napi::String s = Napi::String::New(env, text == nullptr ? "" : text, text == nullptr ? 0 : len);
  try {
    Napi::Object json = env.Global().Get("JSON").As<Napi::Object>();
    return json.Get("parse").As<Napi::Function>().Call(json, {s});
  } catch (const Napi::Error &) {  // the exception is cleared by catching it
    return fallback.IsEmpty() ? Napi::Value(s) : fallback;
  }
}

// The bytes of an ArrayBuffer, a typed array (Buffer too) or a DataView; false otherwise.
bool BytesOf(Napi::Value v, std::vector<uint8_t> &out) {
  if (v.IsArrayBuffer()) {
    Napi::ArrayBuffer ab = v.As<Napi::ArrayBuffer>();
    const auto *p = static_cast<const uint8_t *>(ab.Data());
    out.assign(p, p + ab.ByteLength());
    return true;
  }
  if (v.IsTypedArray()) {
    Napi::TypedArray ta = v.As<Napi::TypedArray>();
    const auto *p = static_cast<const uint8_t *>(ta.ArrayBuffer().Data()) + ta.ByteOffset();
    out.assign(p, p + ta.ByteLength());
    return true;
  }
  if (v.IsDataView()) {
    Napi::DataView dv = v.As<Napi::DataView>();
    const auto *p = static_cast<const uint8_t *>(dv.ArrayBuffer().Data()) + dv.ByteOffset();
    out.assign(p, p + dv.ByteLength());
    return true;
  }
  return false;
}

Napi::ArrayBuffer CopyToArrayBuffer(Napi::Env env, const uint8_t *data, size_t len) {
  Napi::ArrayBuffer ab = Napi::ArrayBuffer::New(env, len);
  if (len != 0) std::memcpy(ab.Data(), data, len);
  return ab;
}

// Parsed options, freed with the object.
struct Options {
  ohos_http_options_t *ptr = nullptr;
  Options() = default;
  Options(const Options &) = delete;
  Options &operator=(const Options &) = delete;
  ~Options() { ohos_http_options_free(ptr); }
};

// HttpRequestOptions (a JS object) -> the library's options: JSON.stringify of a copy whose
// ArrayBuffer fields (extraData, multiFormDataList[i].data) are taken out and set as bytes.
// Returns 0 or the error code, with the library's message in `msg`.
int32_t ConvertOptions(Napi::Env env, Napi::Value value, Options &out, std::string &msg) {
  if (value.IsEmpty() || value.IsUndefined() || value.IsNull()) return OHOS_HTTP_OK;  // defaults
  std::vector<uint8_t> extra;
  bool has_extra = false;
  std::vector<std::pair<size_t, std::vector<uint8_t>>> parts;
  std::string text;
  try {
    Napi::Object global = env.Global();
    Napi::Object object_ctor = global.Get("Object").As<Napi::Object>();
    Napi::Function assign = object_ctor.Get("assign").As<Napi::Function>();
    auto shallow_copy = [&](Napi::Value v) {
      return assign.Call(object_ctor, {Napi::Object::New(env), v}).As<Napi::Object>();
    };
    Napi::Object copy = shallow_copy(value);
    if (BytesOf(copy.Get("extraData"), extra)) {
      has_extra = true;
      copy.Delete("extraData");
    }
    Napi::Value list = copy.Get("multiFormDataList");
    if (list.IsArray()) {
      Napi::Array items = list.As<Napi::Array>();
      Napi::Array items_copy = Napi::Array::New(env, items.Length());
      for (uint32_t i = 0; i < items.Length(); i++) {
        Napi::Value item = items.Get(i);
        std::vector<uint8_t> bytes;
        if (item.Type() == napi_object && BytesOf(item.As<Napi::Object>().Get("data"), bytes)) {
          Napi::Object item_copy = shallow_copy(item);
          item_copy.Set("data", Napi::String::New(env, ""));  // placeholder, bytes set below
          item = item_copy;
          parts.emplace_back(i, std::move(bytes));
        }
        items_copy.Set(i, item);
      }
      copy.Set("multiFormDataList", items_copy);
    }
    Napi::Object json = global.Get("JSON").As<Napi::Object>();
    Napi::Value s = json.Get("stringify").As<Napi::Function>().Call(json, {copy});
    text = s.IsString() ? s.As<Napi::String>().Utf8Value() : "{}";
  } catch (const Napi::Error &e) {  // a throwing getter, a cycle, a BigInt, ...
    msg = ParameterError(std::string("options: ") + e.Message());
    return OHOS_HTTP_PARAMETER_ERROR;
  }
  ohos_http_error_t *err = nullptr;
  int32_t st = ohos_http_options_parse(text.c_str(), &out.ptr, &err);
  if (st != OHOS_HTTP_OK) {
    msg = ErrorText(err, st);
    ohos_http_error_free(err);
    return st;
  }
  if (has_extra) {
    st = ohos_http_options_set_extra_data_bytes(out.ptr, extra.data(), extra.size());
    if (st != OHOS_HTTP_OK) {
      msg = ParameterError("extraData: the library rejected the ArrayBuffer");
      return st;
    }
  }
  for (auto &part : parts) {
    st = ohos_http_options_set_form_data_bytes(out.ptr, part.first, part.second.data(), part.second.size());
    if (st != OHOS_HTTP_OK) {
      msg = ParameterError("multiFormDataList[" + std::to_string(part.first) +
                           "].data: the library rejected the ArrayBuffer");
      return st;
    }
  }
  return OHOS_HTTP_OK;
}

// HttpResponse from a finished request.
Napi::Object ToHttpResponse(Napi::Env env, const ohos_http_response_t *resp) {
  uint32_t code = 0;
  uint32_t type = OHOS_HTTP_DATA_STRING;
  const uint8_t *body = nullptr;
  size_t body_len = 0;
  const char *text = nullptr;
  size_t text_len = 0;
  ohos_http_response_code(resp, &code);
  ohos_http_response_result_type(resp, &type);
  ohos_http_response_result(resp, &body, &body_len);

  Napi::Object r = Napi::Object::New(env);
  const char *chars = reinterpret_cast<const char *>(body);
  switch (type) {
    case OHOS_HTTP_DATA_ARRAY_BUFFER:
      r.Set("result", CopyToArrayBuffer(env, body, body_len));
      break;
    case OHOS_HTTP_DATA_OBJECT:
      r.Set("result", JsonParse(env, chars, body_len));
      break;
    default:
      r.Set("result", Napi::String::New(env, chars == nullptr ? "" : chars, chars == nullptr ? 0 : body_len));
      break;
  }
  r.Set("resultType", Napi::Number::New(env, type));
  r.Set("responseCode", Napi::Number::New(env, code));
  ohos_http_response_header_json(resp, &text, &text_len);
  r.Set("header", JsonParse(env, text, text_len, Napi::Object::New(env)));
  text = nullptr;
  text_len = 0;
  ohos_http_response_cookies(resp, &text, &text_len);
  r.Set("cookies", Napi::String::New(env, text == nullptr ? "" : text, text == nullptr ? 0 : text_len));
  text = nullptr;
  text_len = 0;
  ohos_http_response_timing_json(resp, &text, &text_len);
  r.Set("performanceTiming", JsonParse(env, text, text_len, Napi::Object::New(env)));
  return r;
}

// How a result is handed back: an AsyncCallback (err, data), or a Promise.
struct Reply {
  napi_ref callback = nullptr;
  napi_deferred deferred = nullptr;

  // JS thread: a callback when there is one, else a new Promise (returned).
  Napi::Value Init(Napi::Env env, Napi::Function cb) {
    if (!cb.IsEmpty()) {
      callback = MakeRef(env, cb);
      return env.Undefined();
    }
    napi_value promise = nullptr;
    NAPI_THROW_IF_FAILED(env, napi_create_promise(env, &deferred, &promise), Napi::Value());
    return Napi::Value(env, promise);
  }

  // JS thread, once.
  void Send(Napi::Env env, Napi::Value err, Napi::Value data) {
    Napi::FunctionReference cb(env, callback);  // released at the end of this call
    callback = nullptr;
    napi_deferred d = deferred;
    deferred = nullptr;
    if (d != nullptr) {
      if (err.IsUndefined()) {
        napi_resolve_deferred(env, d, data);
      } else {
        napi_reject_deferred(env, d, err);
      }
    } else if (!cb.IsEmpty()) {
      cb.Call(env.Undefined(), {err, data});
    }
  }
};

// The state every piece of this addon shares within one environment.
struct Instance {
  std::shared_ptr<Core> core;
  Napi::FunctionReference request_ctor;
  Napi::FunctionReference cache_ctor;
};

// ---------------------------------------------------------------- requests

// One request: user_data of ohos_http_request(_in_stream)_async_opts. The completion fills
// it on the dispatcher; its destructor callback (ReleaseCall, right after) posts it to JS.
struct RequestCall : Item {
  std::shared_ptr<Core> core;
  bool stream = false;
  Reply reply;
  napi_ref owner = nullptr;  // the HttpRequest object, kept from GC while this runs
  int32_t status = OHOS_HTTP_INTERNAL_ERROR;
  std::string message = "the request ended without a result";
  ohos_http_response_t *response = nullptr;
  uint32_t response_code = 0;

  ~RequestCall() override { ohos_http_response_free(response); }

  void Run(Napi::Env env) override {
    core->DonePending(env);
    Napi::ObjectReference keep(env, owner);  // released at the end of this call
    owner = nullptr;
    Napi::Value err = env.Undefined();
    Napi::Value data = env.Undefined();
    if (status == OHOS_HTTP_OK) {
      try {
        data = stream ? Napi::Value(Napi::Number::New(env, response_code)) : Napi::Value(ToHttpResponse(env, response));
      } catch (const Napi::Error &e) {
        err = BusinessError(env, OHOS_HTTP_INTERNAL_ERROR, e.Message());
        data = env.Undefined();
      }
    } else {
      err = BusinessError(env, status, message);
    }
    ohos_http_response_free(response);
    response = nullptr;
    reply.Send(env, err, data);
  }
};

void OnResponse(void *user_data, int32_t status, ohos_http_response_t *response,
                const ohos_http_error_t *error) noexcept {
  auto *call = static_cast<RequestCall *>(user_data);
  call->status = status;
  call->response = response;  // ours now
  try {
    call->message = status == OHOS_HTTP_OK ? std::string() : ErrorText(error, status);
  } catch (...) {
    call->message.clear();
  }
}

void OnStreamDone(void *user_data, int32_t status, uint32_t response_code, const ohos_http_error_t *error) noexcept {
  auto *call = static_cast<RequestCall *>(user_data);
  call->status = status;
  call->response_code = response_code;
  try {
    call->message = status == OHOS_HTTP_OK ? std::string() : ErrorText(error, status);
  } catch (...) {
    call->message.clear();
  }
}

void ReleaseCall(void *user_data) noexcept {
  auto *call = static_cast<RequestCall *>(user_data);
  std::shared_ptr<Core> core = call->core;
  core->Post(call, 0);
}

// ---------------------------------------------------------------- listeners

constexpr const char *kEventNames[] = {"headerReceive",       "headersReceive",     "dataReceive",
                                       "dataEnd",             "dataReceiveProgress", "dataSendProgress"};

// Index of an event name (the ohos_http_event_type_t value), or -1.
int EventIndex(Napi::Value v) {
  if (!v.IsString()) return -1;
  std::string name = v.As<Napi::String>().Utf8Value();
  for (int i = 0; i < 6; i++) {
    if (name == kEventNames[i]) return i;
  }
  return -1;
}

// A registered JS listener. Its fields are used on the JS thread only; the shared_ptr may be
// copied and dropped on any thread.
struct ListenerState {
  uint32_t event = 0;
  bool once = false;
  bool removed = false;   // off/destroy/once fired: queued events are not delivered
  napi_ref fn = nullptr;  // deleted by ListenerGone on the JS thread
  uint64_t id = 0;
};

// user_data of ohos_http_on/_once.
struct ListenerCtx {
  std::shared_ptr<Core> core;
  std::shared_ptr<ListenerState> state;
};

struct EventItem : Item {
  std::shared_ptr<ListenerState> state;
  uint32_t kind = 0;
  std::vector<uint8_t> data;
  std::string headers;
  uint64_t current = 0;
  uint64_t total = 0;

  void Run(Napi::Env env) override {
    ListenerState &st = *state;
    if (st.removed || st.fn == nullptr) return;
    if (st.once) st.removed = true;
    Napi::Function fn = RefValue(env, st.fn).As<Napi::Function>();
    Napi::Value self = env.Undefined();
    switch (kind) {
      case OHOS_HTTP_EVENT_HEADER_RECEIVE:  // deprecated: AsyncCallback<Object>, (err, header)
        fn.Call(self, {env.Undefined(), JsonParse(env, headers.data(), headers.size(), Napi::Object::New(env))});
        break;
      case OHOS_HTTP_EVENT_HEADERS_RECEIVE:
        fn.Call(self, {JsonParse(env, headers.data(), headers.size(), Napi::Object::New(env))});
        break;
      case OHOS_HTTP_EVENT_DATA_RECEIVE: {
        Napi::ArrayBuffer chunk = CopyToArrayBuffer(env, data.data(), data.size());
        std::vector<uint8_t>().swap(data);  // the copy is JS's now
        fn.Call(self, {chunk});
        break;
      }
      case OHOS_HTTP_EVENT_DATA_END:
        fn.Call(self, {});
        break;
      case OHOS_HTTP_EVENT_DATA_RECEIVE_PROGRESS: {
        Napi::Object info = Napi::Object::New(env);
        info.Set("receiveSize", Napi::Number::New(env, static_cast<double>(current)));
        info.Set("totalSize", Napi::Number::New(env, static_cast<double>(total)));
        fn.Call(self, {info});
        break;
      }
      case OHOS_HTTP_EVENT_DATA_SEND_PROGRESS: {
        Napi::Object info = Napi::Object::New(env);
        info.Set("sendSize", Napi::Number::New(env, static_cast<double>(current)));
        info.Set("totalSize", Napi::Number::New(env, static_cast<double>(total)));
        fn.Call(self, {info});
        break;
      }
      default:
        break;
    }
  }
};

// The library released a listener: drop its function reference on the JS thread, after
// every event it had queued (the queue is FIFO).
struct ListenerGone : Item {
  std::shared_ptr<ListenerState> state;
  void Run(Napi::Env env) override {
    state->removed = true;
    if (state->fn != nullptr) {
      napi_delete_reference(env, state->fn);
      state->fn = nullptr;
    }
  }
};

// Dispatcher thread (async requests). Copies the event; waits while the JS thread is behind.
void OnEvent(void *user_data, const ohos_http_event_t *ev) noexcept {
  auto *ctx = static_cast<ListenerCtx *>(user_data);
  try {
    auto item = std::make_unique<EventItem>();
    item->state = ctx->state;
    item->kind = ev->kind;
    if (ev->data != nullptr && ev->data_len != 0) item->data.assign(ev->data, ev->data + ev->data_len);
    if (ev->headers_json != nullptr) item->headers.assign(ev->headers_json, ev->headers_json_len);
    item->current = ev->current;
    item->total = ev->total;
    size_t budget = kEventOverhead + item->data.size() + item->headers.size();
    ctx->core->Post(item.release(), budget);
  } catch (...) {
    // Out of memory: the event is lost, the library and the process go on.
  }
}

void ReleaseListener(void *user_data) noexcept {
  auto *ctx = static_cast<ListenerCtx *>(user_data);
  std::shared_ptr<Core> core = std::move(ctx->core);
  auto *gone = new (std::nothrow) ListenerGone();
  if (gone != nullptr) gone->state = std::move(ctx->state);
  delete ctx;
  if (gone != nullptr) core->Post(gone, 0);
}

// ---------------------------------------------------------------- HttpRequest

// The (url, [options], [callback]) arguments, checked the way OpenHarmony does: when they do
// not fit, the error (401) still goes to the callback if there is one, else to a Promise.
struct RequestArgs {
  bool valid = false;
  std::string problem;
  std::string url;
  Napi::Value options;
  Napi::Function callback;
};

RequestArgs ParseRequestArgs(const Napi::CallbackInfo &info, const char *what) {
  RequestArgs a;
  size_t n = info.Length();
  while (n > 0 && info[n - 1].IsUndefined()) n--;  // f(url, opts, undefined) is f(url, opts)
  auto is_options = [](Napi::Value v) { return v.Type() == napi_object; };
  if (n >= 1 && n <= 3 && info[n - 1].IsFunction()) a.callback = info[n - 1].As<Napi::Function>();
  std::string usage = std::string(what) + "(url, [options], [callback])";
  if (n == 0 || n > 3) {
    a.problem = usage + " takes 1 to 3 arguments, got " + std::to_string(info.Length());
  } else if (!info[0].IsString()) {
    a.problem = usage + ": url must be a string";
  } else if (n == 2 && !(info[1].IsFunction() || is_options(info[1]))) {
    a.problem = usage + ": the second argument must be an options object or a callback";
  } else if (n == 3 && !is_options(info[1])) {
    a.problem = usage + ": options must be an object";
  } else if (n == 3 && a.callback.IsEmpty()) {
    a.problem = usage + ": callback must be a function";
  } else {
    a.url = info[0].As<Napi::String>().Utf8Value();
    if (n >= 2 && is_options(info[1])) a.options = info[1];
    if (a.url.find('\0') != std::string::npos) {
      a.problem = usage + ": url contains a NUL character";
    } else {
      a.valid = true;
    }
  }
  return a;
}

class HttpRequest : public Napi::ObjectWrap<HttpRequest> {
 public:
  static Napi::Function Define(Napi::Env env) {
    return DefineClass(env, "HttpRequest",
                       {
                           InstanceMethod<&HttpRequest::Request>("request"),
                           InstanceMethod<&HttpRequest::RequestInStream>("requestInStream"),
                           InstanceMethod<&HttpRequest::On>("on"),
                           InstanceMethod<&HttpRequest::Once>("once"),
                           InstanceMethod<&HttpRequest::Off>("off"),
                           InstanceMethod<&HttpRequest::Destroy>("destroy"),
                       });
  }

  explicit HttpRequest(const Napi::CallbackInfo &info) : Napi::ObjectWrap<HttpRequest>(info) {
    core_ = info.Env().GetInstanceData<Instance>()->core;
    int32_t st = ohos_http_create(&handle_);
    if (st != OHOS_HTTP_OK) ThrowBusinessError(info.Env(), st, "createHttp failed");
  }

  ~HttpRequest() override {
    // Collected without destroy(): nothing is pending (a request keeps this object alive),
    // so this only releases the handle and its listeners.
    ohos_http_destroy(&handle_);
  }

 private:
  Napi::Value Request(const Napi::CallbackInfo &info) { return Start(info, false); }
  Napi::Value RequestInStream(const Napi::CallbackInfo &info) { return Start(info, true); }

  Napi::Value Start(const Napi::CallbackInfo &info, bool stream) {
    Napi::Env env = info.Env();
    RequestArgs args = ParseRequestArgs(info, stream ? "requestInStream" : "request");
    auto call = std::make_unique<RequestCall>();
    call->core = core_;
    call->stream = stream;
    Napi::Value ret = call->reply.Init(env, args.callback);
    call->owner = MakeRef(env, Value());

    int32_t st = OHOS_HTTP_OK;
    std::string msg;
    if (!args.valid) {
      st = OHOS_HTTP_PARAMETER_ERROR;
      msg = ParameterError(args.problem);
    } else if (handle_ == nullptr) {
      st = OHOS_HTTP_INTERNAL_ERROR;
      msg = std::string(ohos_http_error_message(st)) + ": this HttpRequest was destroyed";
    } else {
      Options opts;
      st = ConvertOptions(env, args.options, opts, msg);
      if (st == OHOS_HTTP_OK) {
        ohos_http_error_t *err = nullptr;
        RequestCall *raw = call.get();
        st = stream ? ohos_http_request_in_stream_async_opts(handle_, args.url.c_str(), opts.ptr, OnStreamDone, raw,
                                                             ReleaseCall, &err)
                    : ohos_http_request_async_opts(handle_, args.url.c_str(), opts.ptr, OnResponse, raw, ReleaseCall,
                                                   &err);
        if (st == OHOS_HTTP_OK) {
          call.release();  // the library's until ReleaseCall posts it back
          core_->AddPending(env);
          return ret;
        }
        msg = ErrorText(err, st);
        ohos_http_error_free(err);
      }
    }
    // Not started: the error goes the same way a completion would, asynchronously.
    call->status = st;
    call->message = msg;
    core_->AddPending(env);
    core_->Post(call.release(), 0);
    return ret;
  }

  void Prune() {
    std::vector<std::shared_ptr<ListenerState>> kept;
    for (auto &st : listeners_) {
      if (!st->removed) kept.push_back(st);
    }
    listeners_.swap(kept);
  }

  Napi::Value On(const Napi::CallbackInfo &info) { return Add(info, false); }
  Napi::Value Once(const Napi::CallbackInfo &info) { return Add(info, true); }

  Napi::Value Add(const Napi::CallbackInfo &info, bool once) {
    Napi::Env env = info.Env();
    const char *what = once ? "once" : "on";
    int event = EventIndex(info[0]);
    if (event < 0) {
      ThrowBusinessError(env, OHOS_HTTP_PARAMETER_ERROR,
                         ParameterError(std::string(what) + "(type, callback): unknown event type"));
    }
    if (!info[1].IsFunction()) {
      ThrowBusinessError(env, OHOS_HTTP_PARAMETER_ERROR,
                         ParameterError(std::string(what) + "(type, callback): callback must be a function"));
    }
    if (handle_ == nullptr) return env.Undefined();  // destroyed: nothing will ever fire
    Prune();
    auto state = std::make_shared<ListenerState>();
    state->event = static_cast<uint32_t>(event);
    state->once = once;
    state->fn = MakeRef(env, info[1]);
    auto *ctx = new ListenerCtx{core_, state};
    uint64_t id = 0;
    int32_t st = (once ? ohos_http_once : ohos_http_on)(handle_, state->event, OnEvent, ctx, ReleaseListener, &id);
    if (st != OHOS_HTTP_OK) {
      delete ctx;
      napi_delete_reference(env, state->fn);
      state->fn = nullptr;
      ThrowBusinessError(env, st, std::string(what) + " failed");
    }
    state->id = id;
    listeners_.push_back(std::move(state));
    return env.Undefined();
  }

  Napi::Value Off(const Napi::CallbackInfo &info) {
    Napi::Env env = info.Env();
    int event = EventIndex(info[0]);
    if (event < 0) {
      ThrowBusinessError(env, OHOS_HTTP_PARAMETER_ERROR, ParameterError("off(type, [callback]): unknown event type"));
    }
    bool all = info.Length() < 2 || info[1].IsUndefined() || info[1].IsNull();
    if (!all && !info[1].IsFunction()) {
      ThrowBusinessError(env, OHOS_HTTP_PARAMETER_ERROR,
                         ParameterError("off(type, [callback]): callback must be a function"));
    }
    for (auto &st : listeners_) {
      if (st->removed || st->event != static_cast<uint32_t>(event)) continue;
      if (!all && !RefValue(env, st->fn).StrictEquals(info[1])) continue;
      st->removed = true;  // events already queued for it are dropped
      if (handle_ != nullptr) ohos_http_off(handle_, st->event, st->id);
    }
    Prune();
    return env.Undefined();
  }

  Napi::Value Destroy(const Napi::CallbackInfo &info) {
    for (auto &st : listeners_) st->removed = true;
    listeners_.clear();
    // Cancels what runs on it (their completions fail with 2300042) and releases the
    // listeners; never waits, so it is safe from inside a listener or a callback.
    ohos_http_destroy(&handle_);
    return info.Env().Undefined();
  }

  std::shared_ptr<Core> core_;
  ohos_http_request_t *handle_ = nullptr;
  std::vector<std::shared_ptr<ListenerState>> listeners_;
};

// ---------------------------------------------------------------- HttpResponseCache

struct CacheCall : Item {
  std::shared_ptr<Core> core;
  Reply reply;
  napi_ref owner = nullptr;
  int32_t status = OHOS_HTTP_INTERNAL_ERROR;
  std::string message;

  void Run(Napi::Env env) override {
    core->DonePending(env);
    Napi::ObjectReference keep(env, owner);
    owner = nullptr;
    reply.Send(env, status == OHOS_HTTP_OK ? env.Undefined() : Napi::Value(BusinessError(env, status, message)),
               env.Undefined());
  }
};

void OnCacheDone(void *user_data, int32_t status, const ohos_http_error_t *error) noexcept {
  auto *call = static_cast<CacheCall *>(user_data);
  call->status = status;
  try {
    call->message = status == OHOS_HTTP_OK ? std::string() : ErrorText(error, status);
  } catch (...) {
    call->message.clear();
  }
}

void ReleaseCacheCall(void *user_data) noexcept {
  auto *call = static_cast<CacheCall *>(user_data);
  std::shared_ptr<Core> core = call->core;
  core->Post(call, 0);
}

class HttpResponseCache : public Napi::ObjectWrap<HttpResponseCache> {
 public:
  static Napi::Function Define(Napi::Env env) {
    return DefineClass(env, "HttpResponseCache",
                       {
                           InstanceMethod<&HttpResponseCache::Flush>("flush"),
                           InstanceMethod<&HttpResponseCache::Delete>("delete"),
                       });
  }

  // new HttpResponseCache(bytes): bytes < 0 means the default (the maximum, 10 MiB).
  explicit HttpResponseCache(const Napi::CallbackInfo &info) : Napi::ObjectWrap<HttpResponseCache>(info) {
    core_ = info.Env().GetInstanceData<Instance>()->core;
    double size = info[0].As<Napi::Number>().DoubleValue();
    uint64_t bytes = size < 0 || size >= 18446744073709551615.0 ? UINT64_MAX : static_cast<uint64_t>(size);
    int32_t st = ohos_http_cache_create(bytes, &cache_);
    if (st != OHOS_HTTP_OK) ThrowBusinessError(info.Env(), st, "createHttpResponseCache failed");
  }

  ~HttpResponseCache() override { ohos_http_cache_free(cache_); }

 private:
  Napi::Value Flush(const Napi::CallbackInfo &info) { return Start(info, false); }
  Napi::Value Delete(const Napi::CallbackInfo &info) { return Start(info, true); }

  Napi::Value Start(const Napi::CallbackInfo &info, bool remove) {
    Napi::Env env = info.Env();
    auto call = std::make_unique<CacheCall>();
    call->core = core_;
    Napi::Function cb = info[0].IsFunction() ? info[0].As<Napi::Function>() : Napi::Function();
    Napi::Value ret = call->reply.Init(env, cb);
    call->owner = MakeRef(env, Value());
    int32_t st = OHOS_HTTP_OK;
    if (info.Length() > 0 && !info[0].IsUndefined() && cb.IsEmpty()) {
      st = OHOS_HTTP_PARAMETER_ERROR;
      call->message = ParameterError(std::string(remove ? "delete" : "flush") + "([callback]): callback must be a function");
    } else {
      CacheCall *raw = call.get();
      st = remove ? ohos_http_cache_delete_async(cache_, OnCacheDone, raw, ReleaseCacheCall)
                  : ohos_http_cache_flush_async(cache_, OnCacheDone, raw, ReleaseCacheCall);
      if (st == OHOS_HTTP_OK) {
        call.release();
        core_->AddPending(env);
        return ret;
      }
      call->message = ohos_http_error_message(st);
    }
    call->status = st;
    core_->AddPending(env);
    core_->Post(call.release(), 0);
    return ret;
  }

  std::shared_ptr<Core> core_;
  ohos_http_cache_t *cache_ = nullptr;
};

// ---------------------------------------------------------------- module

Napi::Value CreateHttp(const Napi::CallbackInfo &info) {
  return info.Env().GetInstanceData<Instance>()->request_ctor.New({});
}

Napi::Value CreateHttpResponseCache(const Napi::CallbackInfo &info) {
  Napi::Env env = info.Env();
  double size = -1;  // default: the maximum
  if (info.Length() > 0 && !info[0].IsUndefined()) {
    if (!info[0].IsNumber()) {
      ThrowBusinessError(env, OHOS_HTTP_PARAMETER_ERROR,
                         ParameterError("createHttpResponseCache([cacheSize]): cacheSize must be a number"));
    }
    size = info[0].As<Napi::Number>().DoubleValue();
    if (std::isnan(size) || size < 0) {
      ThrowBusinessError(env, OHOS_HTTP_PARAMETER_ERROR,
                         ParameterError("createHttpResponseCache([cacheSize]): cacheSize must be >= 0"));
    }
    size = std::floor(size);
  }
  return env.GetInstanceData<Instance>()->cache_ctor.New({Napi::Number::New(env, size)});
}

Napi::Object Frozen(Napi::Env env, Napi::Object o) {
  Napi::Object object_ctor = env.Global().Get("Object").As<Napi::Object>();
  object_ctor.Get("freeze").As<Napi::Function>().Call(object_ctor, {o});
  return o;
}

Napi::Object Enums(Napi::Env env, std::initializer_list<std::pair<const char *, Napi::Value>> entries) {
  Napi::Object o = Napi::Object::New(env);
  for (const auto &e : entries) o.Set(e.first, e.second);
  return Frozen(env, o);
}

Napi::Object Init(Napi::Env env, Napi::Object exports) {
  auto *inst = new Instance();
  inst->core = Core::Create(env);
  inst->request_ctor = Napi::Persistent(HttpRequest::Define(env));
  inst->cache_ctor = Napi::Persistent(HttpResponseCache::Define(env));
  env.SetInstanceData<Instance>(inst);

  auto str = [&](const char *s) { return Napi::Value(Napi::String::New(env, s)); };
  auto num = [&](double d) { return Napi::Value(Napi::Number::New(env, d)); };

  exports.Set("createHttp", Napi::Function::New<CreateHttp>(env, "createHttp"));
  exports.Set("createHttpResponseCache", Napi::Function::New<CreateHttpResponseCache>(env, "createHttpResponseCache"));
  // The enums from the header's constants (include/ohos_http.h), the same values as the Rust API.
  exports.Set("RequestMethod", Enums(env, {{"OPTIONS", str(OHOS_HTTP_METHOD_OPTIONS)},
                                           {"GET", str(OHOS_HTTP_METHOD_GET)},
                                           {"HEAD", str(OHOS_HTTP_METHOD_HEAD)},
                                           {"POST", str(OHOS_HTTP_METHOD_POST)},
                                           {"PUT", str(OHOS_HTTP_METHOD_PUT)},
                                           {"DELETE", str(OHOS_HTTP_METHOD_DELETE)},
                                           {"TRACE", str(OHOS_HTTP_METHOD_TRACE)},
                                           {"CONNECT", str(OHOS_HTTP_METHOD_CONNECT)}}));
  exports.Set("ResponseCode", Enums(env, {{"OK", num(OHOS_HTTP_RESPONSE_CODE_OK)},
                                          {"CREATED", num(OHOS_HTTP_RESPONSE_CODE_CREATED)},
                                          {"ACCEPTED", num(OHOS_HTTP_RESPONSE_CODE_ACCEPTED)},
                                          {"NOT_AUTHORITATIVE", num(OHOS_HTTP_RESPONSE_CODE_NOT_AUTHORITATIVE)},
                                          {"NO_CONTENT", num(OHOS_HTTP_RESPONSE_CODE_NO_CONTENT)},
                                          {"RESET", num(OHOS_HTTP_RESPONSE_CODE_RESET)},
                                          {"PARTIAL", num(OHOS_HTTP_RESPONSE_CODE_PARTIAL)},
                                          {"MULT_CHOICE", num(OHOS_HTTP_RESPONSE_CODE_MULT_CHOICE)},
                                          {"MOVED_PERM", num(OHOS_HTTP_RESPONSE_CODE_MOVED_PERM)},
                                          {"MOVED_TEMP", num(OHOS_HTTP_RESPONSE_CODE_MOVED_TEMP)},
                                          {"SEE_OTHER", num(OHOS_HTTP_RESPONSE_CODE_SEE_OTHER)},
                                          {"NOT_MODIFIED", num(OHOS_HTTP_RESPONSE_CODE_NOT_MODIFIED)},
                                          {"USE_PROXY", num(OHOS_HTTP_RESPONSE_CODE_USE_PROXY)},
                                          {"BAD_REQUEST", num(OHOS_HTTP_RESPONSE_CODE_BAD_REQUEST)},
                                          {"UNAUTHORIZED", num(OHOS_HTTP_RESPONSE_CODE_UNAUTHORIZED)},
                                          {"PAYMENT_REQUIRED", num(OHOS_HTTP_RESPONSE_CODE_PAYMENT_REQUIRED)},
                                          {"FORBIDDEN", num(OHOS_HTTP_RESPONSE_CODE_FORBIDDEN)},
                                          {"NOT_FOUND", num(OHOS_HTTP_RESPONSE_CODE_NOT_FOUND)},
                                          {"BAD_METHOD", num(OHOS_HTTP_RESPONSE_CODE_BAD_METHOD)},
                                          {"NOT_ACCEPTABLE", num(OHOS_HTTP_RESPONSE_CODE_NOT_ACCEPTABLE)},
                                          {"PROXY_AUTH", num(OHOS_HTTP_RESPONSE_CODE_PROXY_AUTH)},
                                          {"CLIENT_TIMEOUT", num(OHOS_HTTP_RESPONSE_CODE_CLIENT_TIMEOUT)},
                                          {"CONFLICT", num(OHOS_HTTP_RESPONSE_CODE_CONFLICT)},
                                          {"GONE", num(OHOS_HTTP_RESPONSE_CODE_GONE)},
                                          {"LENGTH_REQUIRED", num(OHOS_HTTP_RESPONSE_CODE_LENGTH_REQUIRED)},
                                          {"PRECON_FAILED", num(OHOS_HTTP_RESPONSE_CODE_PRECON_FAILED)},
                                          {"ENTITY_TOO_LARGE", num(OHOS_HTTP_RESPONSE_CODE_ENTITY_TOO_LARGE)},
                                          {"REQ_TOO_LONG", num(OHOS_HTTP_RESPONSE_CODE_REQ_TOO_LONG)},
                                          {"UNSUPPORTED_TYPE", num(OHOS_HTTP_RESPONSE_CODE_UNSUPPORTED_TYPE)},
                                          {"RANGE_NOT_SATISFIABLE", num(OHOS_HTTP_RESPONSE_CODE_RANGE_NOT_SATISFIABLE)},
                                          {"INTERNAL_ERROR", num(OHOS_HTTP_RESPONSE_CODE_INTERNAL_ERROR)},
                                          {"NOT_IMPLEMENTED", num(OHOS_HTTP_RESPONSE_CODE_NOT_IMPLEMENTED)},
                                          {"BAD_GATEWAY", num(OHOS_HTTP_RESPONSE_CODE_BAD_GATEWAY)},
                                          {"UNAVAILABLE", num(OHOS_HTTP_RESPONSE_CODE_UNAVAILABLE)},
                                          {"GATEWAY_TIMEOUT", num(OHOS_HTTP_RESPONSE_CODE_GATEWAY_TIMEOUT)},
                                          {"VERSION", num(OHOS_HTTP_RESPONSE_CODE_VERSION)}}));
  exports.Set("HttpDataType", Enums(env, {{"STRING", num(OHOS_HTTP_DATA_STRING)},
                                          {"OBJECT", num(OHOS_HTTP_DATA_OBJECT)},
                                          {"ARRAY_BUFFER", num(OHOS_HTTP_DATA_ARRAY_BUFFER)}}));
  exports.Set("HttpProtocol", Enums(env, {{"HTTP1_1", num(OHOS_HTTP_PROTOCOL_HTTP1_1)},
                                          {"HTTP2", num(OHOS_HTTP_PROTOCOL_HTTP2)},
                                          {"HTTP3", num(OHOS_HTTP_PROTOCOL_HTTP3)}}));
  exports.Set("CertType", Enums(env, {{"PEM", str(OHOS_HTTP_CERT_TYPE_PEM)},
                                      {"DER", str(OHOS_HTTP_CERT_TYPE_DER)},
                                      {"P12", str(OHOS_HTTP_CERT_TYPE_P12)}}));
  exports.Set("version", str(ohos_http_version()));
  return exports;
}

}  // namespace
}  // namespace ohos_node

static Napi::Object InitOhosHttp(Napi::Env env, Napi::Object exports) { return ohos_node::Init(env, exports); }

NODE_API_MODULE(ohos_http, InitOhosHttp)
