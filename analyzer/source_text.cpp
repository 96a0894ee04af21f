#include "analyzer/source_text.h"

#include <algorithm>

#include "analyzer/text_util.h"

namespace mal {

SourceText::SourceText(std::string path, std::string bytes) : path_(std::move(path)), bytes_(std::move(bytes)) {
  lineStarts_.push_back(0);
  for (uint32_t i = 0; i < bytes_.size(); ++i) {
    if (bytes_[i] == '\n') lineStarts_.push_back(i + 1);
  }
}

Position SourceText::position(uint32_t offset) const {
  offset = std::min<uint32_t>(offset, static_cast<uint32_t>(bytes_.size()));
  auto it = std::upper_bound(lineStarts_.begin(), lineStarts_.end(), offset);
  const auto lineIndex = static_cast<size_t>(it - lineStarts_.begin()) - 1;
  int column = 1;
  // Count code points as utf8.DecodeRune steps: an invalid byte is one (it is written as
  // one U+FFFD where a format needs valid UTF-8, so the column stays right there too).
  for (size_t i = lineStarts_[lineIndex]; i < offset; i += text::runeWidth(bytes_, i, bytes_.size())) ++column;
  return {static_cast<int>(lineIndex) + 1, column};
}

std::string_view SourceText::lineText(int line) const {
  if (line < 1 || line > lineCount()) return {};
  const uint32_t begin = lineStarts_[line - 1];
  uint32_t end = line < lineCount() ? lineStarts_[line] : static_cast<uint32_t>(bytes_.size());
  while (end > begin && (bytes_[end - 1] == '\n' || bytes_[end - 1] == '\r')) --end;
  return std::string_view(bytes_).substr(begin, end - begin);
}

}  // namespace mal
