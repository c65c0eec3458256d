// bindings/node/src/core.h: the bridge between the library's threads and the JS thread.
//
// One Core per Node environment (the main thread and each worker have their own). Every
// completion callback and listener of the C ABI runs on the library's dispatcher thread; it
// never touches a JS value. It turns what it got into an Item (plain C++ data that owns its
// copies) and posts it to one Napi::TypedThreadSafeFunction, whose CallJs runs Item::Run on
// the JS thread, in posting order.
//
// Flow control: listener events (dataReceive chunks above all) are charged against a byte
// budget of items posted but not yet run. While the budget is spent, the dispatcher waits in
// Core::Post until the JS thread has run enough of them. The library counts a chunk as
// consumed only when its listener returns, so a waiting dispatcher makes the library pause
// the transfer (it stops reading the socket above 4 MiB queued). Memory stays bounded by
// the library's queue plus this budget, however slow the JS listener is. The JS thread never
// waits for the dispatcher (the addon only uses the async C calls, and off/destroy do not
// wait), so this cannot deadlock the event loop; the wait also ends when the environment
// shuts down (Close()).
//
// Liveness: the thread-safe function is unref'd while nothing is pending, so an idle
// HttpRequest does not keep the process alive; each request (and cache flush/delete) in
// flight adds one to `pending` and refs it.
#pragma once

#include <napi.h>

#include <condition_variable>
#include <cstddef>
#include <memory>
#include <mutex>
#include <thread>

namespace ohos_node {

// Bytes of listener events that may wait for the JS thread before the dispatcher waits
// (OHOS_HTTP_NODE_EVENT_BUDGET overrides it, read once per environment; 0 = no bound, only
// to show in a test what the bound prevents).
constexpr size_t kEventBudget = 4u << 20;
// What one queued event costs against the budget besides its payload.
constexpr size_t kEventOverhead = 256;

// Work for the JS thread. Built on any thread. Its destructor must never call Node-API: an
// item can be dropped on the dispatcher thread (after the environment is gone), so napi_refs
// it holds are released in Run, on the JS thread, or left to the environment's teardown.
struct Item {
  virtual ~Item() = default;
  // Runs on the JS thread with a live environment. May throw Napi::Error (rethrown into JS).
  virtual void Run(Napi::Env env) = 0;
  // Bytes charged against Core's event budget (set by Post).
  size_t charged = 0;
};

class Core;
void CallJs(Napi::Env env, Napi::Function unused, std::shared_ptr<Core> *context, Item *item);
using Tsfn = Napi::TypedThreadSafeFunction<std::shared_ptr<Core>, Item, CallJs>;

class Core : public std::enable_shared_from_this<Core> {
 public:
  // JS thread: creates the thread-safe function (unref'd) and the cleanup hook.
  static std::shared_ptr<Core> Create(Napi::Env env);

  // Any thread. Takes `item`; queues it for the JS thread. With `budget` > 0 (listener
  // events) it first waits, when called off the JS thread, until the queued events are under
  // kEventBudget. Returns false when the environment is gone: the item was deleted unrun.
  bool Post(Item *item, size_t budget);

  // JS thread: a request (or cache operation) starts / has delivered its result.
  void AddPending(Napi::Env env);
  void DonePending(Napi::Env env);

  // JS thread, from CallJs: the item's budget is free again.
  void Uncharge(size_t bytes);

  // JS thread (cleanup hook, thread-safe function finalizer): no more posting; waiters go.
  void Close();

  bool OnJsThread() const { return std::this_thread::get_id() == js_thread_; }

 private:
  std::mutex m_;
  std::condition_variable cv_;
  Tsfn tsfn_;           // guarded by m_; used only while !closed_
  bool closed_ = false; // guarded by m_
  size_t queued_ = 0;   // guarded by m_: bytes charged by items not yet run
  size_t budget_ = kEventBudget;
  size_t pending_ = 0;  // JS thread only
  std::thread::id js_thread_;
};

}  // namespace ohos_node
