// Runs the real estimator_server binary as a child process for end-to-end tests.
//
// The server is started with fork/exec on 127.0.0.1:0 and a port file in a fresh temporary
// directory (which also holds its quote store, quotes.db, unless extra_args give --quote_store,
// and the HTTP port file when extra_args give --http_listen); its stdout and stderr go to files in
// that directory so a test can read them (and
// print them when something fails). The destructor stops the server: SIGTERM, then SIGKILL if it
// has not exited after 10 seconds.
//
//   ServerProcess server(getenv("ESTIMATOR_SERVER"), rules_dir);
//   ASSERT_TRUE(server.Start().ok()) << server.StderrText();
//   auto channel = grpc::CreateChannel(server.Address(), grpc::InsecureChannelCredentials());
//   ...
//   EXPECT_EQ(server.Stop(), 0);
//
// For a server that is expected to refuse to start, RunToCompletion runs the binary with a bound
// on its running time and returns its exit code and output.
#ifndef ESTIMATOR_TESTS_E2E_SERVER_PROCESS_H_
#define ESTIMATOR_TESTS_E2E_SERVER_PROCESS_H_

#include <sys/types.h>

#include <chrono>
#include <string>
#include <vector>

#include "absl/status/status.h"

namespace estimator::e2e {

// What a finished process left behind.
struct ProcessResult {
  // The exit status, or 128 + the signal number if a signal ended it; -1 if it never ran.
  int exit_code = -1;
  bool timed_out = false;  // killed with SIGKILL after the time limit
  std::string stdout_text;
  std::string stderr_text;
};

class ServerProcess {
 public:
  // `binary` is the estimator_server executable; `rules_dir` is passed as --rules_dir.
  // `extra_args` are appended to the command line.
  ServerProcess(std::string binary, std::string rules_dir,
                std::vector<std::string> extra_args = {});
  ~ServerProcess();

  ServerProcess(const ServerProcess&) = delete;
  ServerProcess& operator=(const ServerProcess&) = delete;

  // Starts the server and waits (up to `timeout`) until it has written its port file.
  // Fails if the binary cannot be started, exits early, or does not become ready in time; the
  // message then includes the server's stderr.
  absl::Status Start(std::chrono::milliseconds timeout = std::chrono::seconds(10));

  // The port the server listens on (0 before a successful Start()).
  int port() const { return port_; }
  // The HTTP listener's port, when extra_args ask for one with --http_listen (0 otherwise).
  int http_port() const { return http_port_; }
  // "127.0.0.1:PORT", for grpc::CreateChannel.
  std::string Address() const;
  pid_t pid() const { return pid_; }
  bool running() const { return pid_ > 0 && !reaped_; }

  // Sends `signal` to the server (e.g. SIGHUP to reload). False if it is not running.
  bool Signal(int signal) const;

  // Stops the server: SIGTERM, waits up to `grace`, then SIGKILL. Returns the exit code
  // (128 + signal number if a signal ended it; -1 if it was never started). Calling it again
  // returns the same code.
  int Stop(std::chrono::milliseconds grace = std::chrono::seconds(10));

  // Everything the server wrote to stderr (its log) and stdout so far.
  std::string StderrText() const;
  std::string StdoutText() const;

  // The temporary directory holding the port file and the captured output.
  const std::string& temp_dir() const { return temp_dir_; }
  const std::string& port_file() const { return port_file_; }

  // Runs `binary` with `args` to completion (bounded by `timeout`, then SIGKILL) and returns its
  // exit code and output. Used for runs that are expected to fail, e.g. broken rules.
  static ProcessResult RunToCompletion(
      const std::string& binary, const std::vector<std::string>& args,
      std::chrono::milliseconds timeout = std::chrono::seconds(10));

 private:
  std::string binary_;
  std::string rules_dir_;
  std::vector<std::string> extra_args_;
  std::string temp_dir_;
  std::string port_file_;
  std::string stdout_file_;
  std::string stderr_file_;
  pid_t pid_ = -1;
  bool reaped_ = false;
  int exit_code_ = -1;
  int port_ = 0;
  int http_port_ = 0;
};

// The contents of a file, or "" if it cannot be read.
std::string ReadFileOrEmpty(const std::string& path);

// A fresh directory under $TMPDIR (or /tmp); "" on failure.
std::string MakeTempDir(const std::string& prefix);

}  // namespace estimator::e2e

#endif  // ESTIMATOR_TESTS_E2E_SERVER_PROCESS_H_
