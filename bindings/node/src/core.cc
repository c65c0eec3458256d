// bindings/node/src/core.cc: see core.h.
#include "core.h"

#include <cstdint>
#include <cstdlib>

namespace ohos_node {

namespace {

// Whether JS can run in `env` now: false while a worker is being terminated or the
// environment is stopping (Node-API calls that may run JS fail then).
bool CanRunJs(napi_env env) {
  bool pending = false;
  if (napi_is_exception_pending(env, &pending) != napi_ok || pending) return false;
  napi_value probe = nullptr;
  napi_value undefined = nullptr;
  if (napi_create_object(env, &probe) != napi_ok || napi_get_undefined(env, &undefined) != napi_ok) return false;
  return napi_set_named_property(env, probe, "p", undefined) == napi_ok;
}

// After a caught Napi::Error (which cleared the exception): still able to report it?
bool CanRunJsAfterError(napi_env env) {
  bool pending = false;
  return napi_is_exception_pending(env, &pending) == napi_ok && !pending;
}

}  // namespace

void CallJs(Napi::Env env, Napi::Function /*unused*/, std::shared_ptr<Core> *context, Item *item) {
  std::unique_ptr<Item> owned(item);
  // The environment is being torn down: drop the item without touching JS (or the context,
  // which the finalizer may already have deleted).
  if (env == nullptr || item == nullptr) return;
  Core &core = **context;
  // Free the budget however Run ends.
  struct Uncharge {
    Core &core;
    size_t bytes;
    ~Uncharge() {
      if (bytes != 0) core.Uncharge(bytes);
    }
  } uncharge{core, item->charged};
  // Stopping (worker.terminate(), process exit): drop it; its napi_refs go with the env.
  if (!CanRunJs(env)) return;
  try {
    item->Run(env);
  } catch (const Napi::Error &e) {
    // A JS callback threw (or a call failed): an uncaught exception, as it would be for any
    // callback from the event loop. (Left pending, Node 20 would only print DEP0168 for it.)
    if (CanRunJsAfterError(env)) napi_fatal_exception(env, e.Value());
  }
}

std::shared_ptr<Core> Core::Create(Napi::Env env) {
  auto core = std::make_shared<Core>();
  core->js_thread_ = std::this_thread::get_id();
  if (const char *b = std::getenv("OHOS_HTTP_NODE_EVENT_BUDGET")) {
    char *end = nullptr;
    unsigned long long v = std::strtoull(b, &end, 10);
    if (end != b && *end == '\0') core->budget_ = v == 0 ? SIZE_MAX : static_cast<size_t>(v);
  }
  auto *context = new std::shared_ptr<Core>(core);
  core->tsfn_ = Tsfn::New(
      env, "ohos-http", 0 /* unlimited queue: Post never blocks in Node */, 1, context,
      [](Napi::Env, void *, std::shared_ptr<Core> *ctx) {
        (*ctx)->Close();
        delete ctx;
      },
      static_cast<void *>(nullptr));
  core->tsfn_.Unref(env);
  // Runs before the thread-safe function's own cleanup (hooks run in reverse order), so a
  // dispatcher thread waiting for budget is released before anything is freed.
  auto *hook = new std::shared_ptr<Core>(core);
  napi_add_env_cleanup_hook(
      env,
      [](void *arg) {
        auto *c = static_cast<std::shared_ptr<Core> *>(arg);
        (*c)->Close();
        delete c;
      },
      hook);
  return core;
}

bool Core::Post(Item *item, size_t budget) {
  std::unique_lock<std::mutex> lock(m_);
  if (budget != 0 && !OnJsThread()) {
    cv_.wait(lock, [this] { return closed_ || queued_ < budget_; });
  }
  if (!closed_) {
    item->charged = budget;
    queued_ += budget;
    // Non-blocking with an unlimited queue: never waits for the JS thread.
    if (tsfn_.NonBlockingCall(item) == napi_ok) return true;
    queued_ -= budget;
  }
  lock.unlock();
  delete item;
  return false;
}

void Core::Uncharge(size_t bytes) {
  {
    std::lock_guard<std::mutex> lock(m_);
    queued_ -= bytes;
  }
  cv_.notify_all();
}

void Core::AddPending(Napi::Env env) {
  if (pending_++ == 0) {
    std::lock_guard<std::mutex> lock(m_);
    if (!closed_) tsfn_.Ref(env);
  }
}

void Core::DonePending(Napi::Env env) {
  if (pending_ == 0) return;
  if (--pending_ == 0) {
    std::lock_guard<std::mutex> lock(m_);
    if (!closed_) tsfn_.Unref(env);
  }
}

void Core::Close() {
  {
    std::lock_guard<std::mutex> lock(m_);
    closed_ = true;
  }
  cv_.notify_all();
}

}  // namespace ohos_node
