// TempDir: a fresh directory under ::testing::TempDir(), removed (recursively) on destruction.
// PollUntil: re-checks a condition until it holds or a deadline passes (tests never sleep for a
// fixed time to wait for state).
#pragma once

#include <chrono>
#include <functional>
#include <string>

namespace bg::testing {

class TempDir {
 public:
  // Creates <gtest temp dir>/<prefix>XXXXXX; aborts the test binary if that fails.
  explicit TempDir(const std::string& prefix = "bg_");
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  const std::string& path() const { return path_; }
  // path() + "/" + name.
  std::string Join(const std::string& name) const { return path_ + "/" + name; }

 private:
  std::string path_;
};

// Writes `contents` to `path` (truncating). Returns false on failure.
bool WriteFile(const std::string& path, const std::string& contents);
// The whole file, or "" when it cannot be read.
std::string ReadFile(const std::string& path);

// Calls `predicate` until it returns true (-> true) or `timeout` elapses (-> false), checking
// every `interval`.
bool PollUntil(std::chrono::milliseconds timeout, const std::function<bool()>& predicate,
               std::chrono::milliseconds interval = std::chrono::milliseconds(20));

}  // namespace bg::testing
