// Sanitizer settings compiled into every executable of a sanitizer build (-DESTIMATOR_SANITIZE=...),
// so that ctest, a server started by an end-to-end test and a binary run by hand all behave the
// same without any environment. ASAN_OPTIONS / UBSAN_OPTIONS / LSAN_OPTIONS / TSAN_OPTIONS still
// override these. The runtimes look the hooks up by name; unused ones cost nothing.

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

const char* __tsan_default_suppressions() { return ""; }

}  // extern "C"
