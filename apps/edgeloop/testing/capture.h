// Capture: a FILE* for command tests; Text() returns everything written to it so far, and
// TakeText() returns it and starts afresh, for tests that run several commands in a row.
#pragma once

#include <cstdio>
#include <string>

namespace edgeloop::app::testing {

class Capture {
 public:
  Capture() : file_(std::tmpfile()) {}
  ~Capture() { std::fclose(file_); }
  Capture(const Capture&) = delete;
  Capture& operator=(const Capture&) = delete;

  std::FILE* file() { return file_; }
  std::string Text() {
    std::fflush(file_);
    std::rewind(file_);
    std::string text;
    char buf[4096];
    size_t n;
    while ((n = std::fread(buf, 1, sizeof buf, file_)) > 0) text.append(buf, n);
    return text;
  }

  std::string TakeText() {
    std::string text = Text();
    std::fclose(file_);
    file_ = std::tmpfile();
    return text;
  }

 private:
  std::FILE* file_;
};

}  // namespace edgeloop::app::testing
