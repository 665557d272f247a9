#include "tests/e2e/server_process.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"

namespace estimator::e2e {
namespace {

using Clock = std::chrono::steady_clock;

// Exit code of a wait status: the exit status, or 128 + the signal that ended the process.
int DecodeWaitStatus(int status) {
  if (WIFEXITED(status)) return WEXITSTATUS(status);
  if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
  return -1;
}

// Polls for the exit of `pid` for up to `timeout`. True (and the exit code) if it exited.
bool WaitFor(pid_t pid, std::chrono::milliseconds timeout, int* exit_code) {
  const auto deadline = Clock::now() + timeout;
  auto pause = std::chrono::milliseconds(1);
  while (true) {
    int status = 0;
    const pid_t r = waitpid(pid, &status, WNOHANG);
    if (r == pid) {
      *exit_code = DecodeWaitStatus(status);
      return true;
    }
    if (r < 0 && errno != EINTR) {  // not our child any more (should not happen)
      *exit_code = -1;
      return true;
    }
    if (Clock::now() >= deadline) return false;
    std::this_thread::sleep_for(pause);
    pause = std::min(pause * 2, std::chrono::milliseconds(20));
  }
}

// Starts `binary args...` with stdin from /dev/null and stdout/stderr into the given files.
// Only async-signal-safe calls happen between fork and exec: the test process has gRPC threads.
pid_t Spawn(const std::string& binary, const std::vector<std::string>& args,
            const std::string& stdout_path, const std::string& stderr_path, std::string* error) {
  std::vector<std::string> all;
  all.push_back(binary);
  all.insert(all.end(), args.begin(), args.end());
  std::vector<char*> argv;
  for (std::string& a : all) argv.push_back(a.data());
  argv.push_back(nullptr);

  const int in = open("/dev/null", O_RDONLY | O_CLOEXEC);
  const int out = open(stdout_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  const int err = open(stderr_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (in < 0 || out < 0 || err < 0) {
    *error = absl::StrCat("cannot open output files in the temp dir: ", std::strerror(errno));
    for (int fd : {in, out, err}) {
      if (fd >= 0) close(fd);
    }
    return -1;
  }
  const pid_t parent = getpid();
  const pid_t pid = fork();
  if (pid == 0) {
    // The server must not outlive the test (e.g. when ctest kills a test that timed out).
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (getppid() != parent) _exit(126);
    // Undo any blocked signals inherited from the test's thread (the server sets its own).
    sigset_t none;
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, nullptr);
    dup2(in, STDIN_FILENO);
    dup2(out, STDOUT_FILENO);
    dup2(err, STDERR_FILENO);
    execv(argv[0], argv.data());
    static const char kMessage[] = "server_process: execv failed\n";
    (void)!write(STDERR_FILENO, kMessage, sizeof(kMessage) - 1);
    _exit(127);
  }
  const int fork_errno = errno;
  close(in);
  close(out);
  close(err);
  if (pid < 0) {
    *error = absl::StrCat("fork failed: ", std::strerror(fork_errno));
    return -1;
  }
  return pid;
}

}  // namespace

std::string ReadFileOrEmpty(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return "";
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

std::string MakeTempDir(const std::string& prefix) {
  const char* base = std::getenv("TMPDIR");
  std::string pattern =
      absl::StrCat(base != nullptr && *base != '\0' ? base : "/tmp", "/", prefix, ".XXXXXX");
  if (mkdtemp(pattern.data()) == nullptr) return "";
  return pattern;
}

ServerProcess::ServerProcess(std::string binary, std::string rules_dir,
                             std::vector<std::string> extra_args)
    : binary_(std::move(binary)),
      rules_dir_(std::move(rules_dir)),
      extra_args_(std::move(extra_args)) {}

ServerProcess::~ServerProcess() {
  Stop();
  if (!temp_dir_.empty() && std::getenv("ESTIMATOR_E2E_KEEP_TMP") == nullptr) {
    std::error_code ec;
    std::filesystem::remove_all(temp_dir_, ec);
  }
}

absl::Status ServerProcess::Start(std::chrono::milliseconds timeout) {
  if (pid_ > 0) return absl::FailedPreconditionError("the server was already started");
  if (binary_.empty() || access(binary_.c_str(), X_OK) != 0) {
    return absl::FailedPreconditionError(
        absl::StrCat("server binary '", binary_, "' is not executable (set ESTIMATOR_SERVER)"));
  }
  temp_dir_ = MakeTempDir("estimator_e2e");
  if (temp_dir_.empty()) {
    return absl::InternalError(absl::StrCat("mkdtemp failed: ", std::strerror(errno)));
  }
  port_file_ = temp_dir_ + "/port";
  stdout_file_ = temp_dir_ + "/stdout.txt";
  stderr_file_ = temp_dir_ + "/stderr.txt";

  std::vector<std::string> args = {"--rules_dir=" + rules_dir_, "--listen=127.0.0.1:0",
                                   "--port_file=" + port_file_};
  args.insert(args.end(), extra_args_.begin(), extra_args_.end());
  // Each server keeps its quotes in its own temporary SQLite file unless the test says where.
  if (std::none_of(extra_args_.begin(), extra_args_.end(), [](const std::string& a) {
        return a.rfind("--quote_store", 0) == 0;
      })) {
    args.push_back("--quote_store=sqlite:" + temp_dir_ + "/quotes.db");
  }
  // With HTTP asked for, its port is written beside the gRPC one (before it).
  const bool http = std::any_of(extra_args_.begin(), extra_args_.end(), [](const std::string& a) {
    return a.rfind("--http_listen", 0) == 0;
  });
  if (http) args.push_back("--http_port_file=" + temp_dir_ + "/http_port");
  // Plaintext on loopback unless the test configures TLS itself.
  if (std::none_of(extra_args_.begin(), extra_args_.end(), [](const std::string& a) {
        return a.rfind("--tls_cert_file", 0) == 0;
      })) {
    args.push_back("--plaintext");
  }
  std::string error;
  pid_ = Spawn(binary_, args, stdout_file_, stderr_file_, &error);
  if (pid_ < 0) return absl::InternalError(error);

  const auto deadline = Clock::now() + timeout;
  while (true) {
    int code = 0;
    if (WaitFor(pid_, std::chrono::milliseconds(0), &code)) {
      reaped_ = true;
      exit_code_ = code;
      return absl::FailedPreconditionError(absl::StrCat("the server exited with code ", code,
                                                        " before writing its port file; ",
                                                        "stderr:\n", StderrText()));
    }
    // The server writes the port file by rename, so a file that exists is complete.
    const std::string text = ReadFileOrEmpty(port_file_);
    int port = 0;
    if (!text.empty() && absl::SimpleAtoi(absl::StripAsciiWhitespace(text), &port) && port > 0) {
      port_ = port;
      if (http) {
        const std::string http_text = ReadFileOrEmpty(temp_dir_ + "/http_port");
        if (!absl::SimpleAtoi(absl::StripAsciiWhitespace(http_text), &http_port_)) {
          return absl::InternalError("the server wrote no HTTP port file");
        }
      }
      return absl::OkStatus();
    }
    if (Clock::now() >= deadline) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  const std::string log = StderrText();
  Stop();
  return absl::DeadlineExceededError(
      absl::StrCat("no port file after ", timeout.count(), " ms; stderr:\n", log));
}

std::string ServerProcess::Address() const { return absl::StrCat("127.0.0.1:", port_); }

bool ServerProcess::Signal(int signal) const { return running() && kill(pid_, signal) == 0; }

int ServerProcess::Stop(std::chrono::milliseconds grace) {
  if (pid_ <= 0 || reaped_) return exit_code_;
  kill(pid_, SIGTERM);
  int code = -1;
  if (!WaitFor(pid_, grace, &code)) {
    kill(pid_, SIGKILL);
    int status = 0;
    while (waitpid(pid_, &status, 0) < 0 && errno == EINTR) {
    }
    code = DecodeWaitStatus(status);
  }
  reaped_ = true;
  exit_code_ = code;
  return exit_code_;
}

std::string ServerProcess::StderrText() const { return ReadFileOrEmpty(stderr_file_); }
std::string ServerProcess::StdoutText() const { return ReadFileOrEmpty(stdout_file_); }

ProcessResult ServerProcess::RunToCompletion(const std::string& binary,
                                             const std::vector<std::string>& args,
                                             std::chrono::milliseconds timeout) {
  ProcessResult result;
  const std::string dir = MakeTempDir("estimator_e2e_run");
  if (dir.empty()) {
    result.stderr_text = absl::StrCat("mkdtemp failed: ", std::strerror(errno));
    return result;
  }
  const std::string out = dir + "/stdout.txt", err = dir + "/stderr.txt";
  std::string error;
  const pid_t pid = Spawn(binary, args, out, err, &error);
  if (pid < 0) {
    result.stderr_text = error;
  } else {
    int code = -1;
    if (!WaitFor(pid, timeout, &code)) {
      result.timed_out = true;
      kill(pid, SIGKILL);
      int status = 0;
      while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
      }
      code = DecodeWaitStatus(status);
    }
    result.exit_code = code;
    result.stdout_text = ReadFileOrEmpty(out);
    result.stderr_text = ReadFileOrEmpty(err);
  }
  std::error_code ec;
  std::filesystem::remove_all(dir, ec);
  return result;
}

}  // namespace estimator::e2e
