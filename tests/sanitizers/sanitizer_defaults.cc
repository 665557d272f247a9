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

}  // extern "C"

#if defined(ABSL_HAVE_THREAD_SANITIZER)
// absl::Mutex, our lock (RuleStore, the server) and gRPC's, lives in Debian's uninstrumented
// libabsl_synchronization, so TSan cannot see it lock or unlock: every correctly locked access
// looked like a race. These definitions take the place of the library's (an executable's
// definitions win at dynamic link time), call it, and tell TSan the one thing a lock promises:
// taking it happens after the last release of it. A missing lock is still a race TSan reports.
// Only that order is modelled, not who holds the lock: gRPC also waits on absl::CondVar, which
// releases and retakes the lock inside the library, unseen, so TSan's lock-state checks (double
// lock, lock order) would report nonsense. Blind spot: two readers are ordered too, so a write
// made under a reader lock is not reported against another reader.
#include <dlfcn.h>
#include <sanitizer/tsan_interface.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

#include "absl/synchronization/mutex.h"

#define ESTIMATOR_STRINGIFY_EXPANDED(x) ESTIMATOR_STRINGIFY(x)
#define ESTIMATOR_STRINGIFY(x) #x

namespace {

// The library's own definition of absl::Mutex::<method>, named by its mangled suffix ("4LockEv").
template <typename Function>
Function Library(const char* mangled_method) {
  const char* ns = ESTIMATOR_STRINGIFY_EXPANDED(ABSL_OPTION_INLINE_NAMESPACE_NAME);
  const std::string symbol =
      "_ZN4absl" + std::to_string(std::strlen(ns)) + ns + "5Mutex" + mangled_method;
  void* f = dlsym(RTLD_NEXT, symbol.c_str());
  if (f == nullptr) {
    std::fprintf(stderr, "sanitizer_defaults: %s not found\n", symbol.c_str());
    std::abort();
  }
  return reinterpret_cast<Function>(f);
}

using Call = void (*)(absl::Mutex*);
using TryCall = bool (*)(absl::Mutex*);

}  // namespace

namespace absl {
ABSL_NAMESPACE_BEGIN

void Mutex::Lock() {
  static const Call lock = Library<Call>("4LockEv");
  lock(this);
  __tsan_acquire(this);
}

void Mutex::ReaderLock() {
  static const Call lock = Library<Call>("10ReaderLockEv");
  lock(this);
  __tsan_acquire(this);
}

bool Mutex::TryLock() {
  static const TryCall try_lock = Library<TryCall>("7TryLockEv");
  const bool locked = try_lock(this);
  if (locked) __tsan_acquire(this);
  return locked;
}

bool Mutex::ReaderTryLock() {
  static const TryCall try_lock = Library<TryCall>("13ReaderTryLockEv");
  const bool locked = try_lock(this);
  if (locked) __tsan_acquire(this);
  return locked;
}

void Mutex::Unlock() {
  static const Call unlock = Library<Call>("6UnlockEv");
  __tsan_release(this);
  unlock(this);
}

void Mutex::ReaderUnlock() {
  static const Call unlock = Library<Call>("12ReaderUnlockEv");
  __tsan_release(this);
  unlock(this);
}

ABSL_NAMESPACE_END
}  // namespace absl
#endif  // ABSL_HAVE_THREAD_SANITIZER
