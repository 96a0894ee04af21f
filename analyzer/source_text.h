// A file's bytes plus an index of its line starts, so that any byte offset can be
// reported as a 1-based line and a 1-based column counted in Unicode code points
// (the column kind SARIF calls "unicodeCodePoints").
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace mal {

struct Position {
  int line = 0;    // 1-based
  int column = 0;  // 1-based, in code points
};

// A half-open byte range [begin, end) in one file.
struct Span {
  uint32_t begin = 0;
  uint32_t end = 0;
  bool empty() const { return end <= begin; }
};

class SourceText {
 public:
  SourceText() = default;
  SourceText(std::string path, std::string bytes);

  const std::string& path() const { return path_; }
  const std::string& bytes() const { return bytes_; }
  Position position(uint32_t offset) const;
  // The text of a 1-based line without its line terminator.
  std::string_view lineText(int line) const;
  int lineCount() const { return static_cast<int>(lineStarts_.size()); }
  // The byte offset where a 1-based line starts.
  uint32_t lineStart(int line) const { return lineStarts_.at(static_cast<size_t>(line - 1)); }

 private:
  std::string path_;
  std::string bytes_;
  std::vector<uint32_t> lineStarts_;
};

}  // namespace mal
