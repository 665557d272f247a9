// Sanitizer settings compiled into every executable of a sanitizer build (-DESTIMATOR_SANITIZE=...),
// so that ctest, a server started by an end-to-end test and a binary run by hand all behave the
// same without any environment. ASAN_OPTIONS / UBSAN_OPTIONS / LSAN_OPTIONS / TSAN_OPTIONS still
// override these. The runtimes look the hooks up by name; unused ones cost nothing.
#include "absl/base/config.h"

extern "C" {

// quarantine_size_mb=16: freed memory is held back (to catch use after free) in a 16 MB quarantine
// instead of the default 256 MB; the end-to-end tests that bound the server's resident memory
// would otherwise measure the quarantine filling up. Recently freed blocks are still caught.
const char* __asan_default_options() {
  return "quarantine_size_mb=16:check_initialization_order=1:strict_string_checks=1";
}

const char* __ubsan_default_options() { return "print_stacktrace=1:halt_on_error=1"; }

// Leaks reported inside Debian's uninstrumented libraries, not in our code.
const char* __lsan_default_suppressions() {
  return
      // c-ares (gRPC's DNS resolver) keeps a few 10-byte allocations until exit; gRPC does not
      // shut the resolver library down. Seen in every e2e client that opens a channel.
      "leak:libcares.so\n";
}

// ignore_noninstrumented_modules=1: Debian's gRPC, protobuf and Abseil are not built with TSan.
// Their memcpy, sendmsg, free... would otherwise count as unsynchronized accesses (their own
// atomics, which order them, are invisible), hundreds of false races per run. Accesses made by
// our code, and by the gRPC/protobuf header code compiled into it, are still checked.
const char* __tsan_default_options() { return "ignore_noninstrumented_modules=1"; }

// What TSan still reports about ordering it cannot see, each with why it is not a race of ours.
// (absl::Mutex itself is made visible below.)
const char* __tsan_default_suppressions() {
  return
      // gRPC's callback API code (grpcpp headers, compiled into our binaries) hands each call
      // between threads through libgrpc's completion queue and executor, whose atomics are not
      // instrumented: the thread that sets up a call and the one that completes it look
      // unordered. Seen mostly when gRPC itself refuses or cancels calls (overload, passed
      // deadlines, shutdown). Top frame in gRPC's code, or anywhere under the completion of an
      // operation (CallbackWithSuccessTag::Run: gRPC's bookkeeping after Finish, where none of
      // our handler code runs). A race in our handlers, which run under CallbackCallTag, still
      // shows.
      "race_top:grpc::internal::\n"
      "race:grpc::internal::CallbackWithSuccessTag::Run\n"
      // Threads gRPC starts and detaches inside libgpr: with ignore_noninstrumented_modules the
      // detach is not seen, and a finished thread looks leaked.
      "thread:grpc_core::Thread::Thread\n"
      // absl::Mutex::Await and LockWhen evaluate their Condition inside the library while they
      // hold the lock, where the annotations below cannot reach.
      "race:absl::*Condition::CastAndCallFunction\n";
}

}  // extern "C"

#if defined(ABSL_HAVE_THREAD_SANITIZER)
// absl::Mutex, our lock (RuleStore, the server) and gRPC's, lives in Debian's uninstrumented
// libabsl_synchronization, so TSan cannot see it lock or unlock: every correctly locked access
// looked like a race. These definitions take the place of the library's (an executable's
// definitions win at dynamic link time), call it, and tell TSan the one thing a lock promises:
// taking it happens after the last release of it (a wait releases it, then takes it again).
// A missing lock is still a race TSan reports. Only that order is modelled, not who holds the
// lock, so TSan's lock-state checks (double lock, lock order) stay off. Blind spot: two readers
// are ordered too, so a write made under a reader lock is not reported against another reader.
#include <dlfcn.h>
#include <sanitizer/tsan_interface.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"

#define ESTIMATOR_STRINGIFY_EXPANDED(x) ESTIMATOR_STRINGIFY(x)
#define ESTIMATOR_STRINGIFY(x) #x

namespace {

// The library's own definition of absl::<type>::<method>, named by the end of its mangled name,
// e.g. Library<...>("5Mutex", "4LockEv").
template <typename Function>
Function Library(const char* type, const char* method) {
  const char* ns = ESTIMATOR_STRINGIFY_EXPANDED(ABSL_OPTION_INLINE_NAMESPACE_NAME);
  const std::string symbol =
      std::string("_ZN4absl") + std::to_string(std::strlen(ns)) + ns + type + method;
  void* f = dlsym(RTLD_NEXT, symbol.c_str());
  if (f == nullptr) {
    std::fprintf(stderr, "sanitizer_defaults: %s not found\n", symbol.c_str());
    std::abort();
  }
  return reinterpret_cast<Function>(f);
}

}  // namespace

namespace absl {
ABSL_NAMESPACE_BEGIN

void Mutex::Lock() {
  static const auto f = Library<void (*)(Mutex*)>("5Mutex", "4LockEv");
  f(this);
  __tsan_acquire(this);
}

void Mutex::ReaderLock() {
  static const auto f = Library<void (*)(Mutex*)>("5Mutex", "10ReaderLockEv");
  f(this);
  __tsan_acquire(this);
}

bool Mutex::TryLock() {
  static const auto f = Library<bool (*)(Mutex*)>("5Mutex", "7TryLockEv");
  const bool locked = f(this);
  if (locked) __tsan_acquire(this);
  return locked;
}

bool Mutex::ReaderTryLock() {
  static const auto f = Library<bool (*)(Mutex*)>("5Mutex", "13ReaderTryLockEv");
  const bool locked = f(this);
  if (locked) __tsan_acquire(this);
  return locked;
}

void Mutex::LockWhen(const Condition& cond) {
  static const auto f = Library<void (*)(Mutex*, const Condition&)>(
      "5Mutex", "8LockWhenERKNS0_9ConditionE");
  f(this, cond);
  __tsan_acquire(this);
}

void Mutex::ReaderLockWhen(const Condition& cond) {
  static const auto f = Library<void (*)(Mutex*, const Condition&)>(
      "5Mutex", "14ReaderLockWhenERKNS0_9ConditionE");
  f(this, cond);
  __tsan_acquire(this);
}

void Mutex::Unlock() {
  static const auto f = Library<void (*)(Mutex*)>("5Mutex", "6UnlockEv");
  __tsan_release(this);
  f(this);
}

void Mutex::ReaderUnlock() {
  static const auto f = Library<void (*)(Mutex*)>("5Mutex", "12ReaderUnlockEv");
  __tsan_release(this);
  f(this);
}

void Mutex::Await(const Condition& cond) {
  static const auto f = Library<void (*)(Mutex*, const Condition&)>(
      "5Mutex", "5AwaitERKNS0_9ConditionE");
  __tsan_release(this);
  f(this, cond);
  __tsan_acquire(this);
}

void CondVar::Wait(Mutex* mu) {
  static const auto f = Library<void (*)(CondVar*, Mutex*)>("7CondVar", "4WaitEPNS0_5MutexE");
  __tsan_release(mu);
  f(this, mu);
  __tsan_acquire(mu);
}

bool CondVar::WaitWithTimeout(Mutex* mu, Duration timeout) {
  static const auto f = Library<bool (*)(CondVar*, Mutex*, Duration)>(
      "7CondVar", "15WaitWithTimeoutEPNS0_5MutexENS0_8DurationE");
  __tsan_release(mu);
  const bool timed_out = f(this, mu, timeout);
  __tsan_acquire(mu);
  return timed_out;
}

bool CondVar::WaitWithDeadline(Mutex* mu, Time deadline) {
  static const auto f = Library<bool (*)(CondVar*, Mutex*, Time)>(
      "7CondVar", "16WaitWithDeadlineEPNS0_5MutexENS0_4TimeE");
  __tsan_release(mu);
  const bool timed_out = f(this, mu, deadline);
  __tsan_acquire(mu);
  return timed_out;
}

ABSL_NAMESPACE_END
}  // namespace absl
#endif  // ABSL_HAVE_THREAD_SANITIZER
