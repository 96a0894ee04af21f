#include "analyzer/text_util.h"

#include <cstdio>

namespace mal::text {

std::string upper(std::string_view s) {
  std::string out(s);
  for (auto& c : out) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return out;
}

std::string lower(std::string_view s) {
  std::string out(s);
  for (auto& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

bool startsWith(std::string_view s, std::string_view prefix) { return s.substr(0, prefix.size()) == prefix; }

bool endsWith(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

std::vector<std::string> split(std::string_view s, char separator) {
  std::vector<std::string> parts;
  size_t start = 0;
  while (true) {
    const size_t at = s.find(separator, start);
    parts.emplace_back(s.substr(start, at == std::string_view::npos ? std::string_view::npos : at - start));
    if (at == std::string_view::npos) break;
    start = at + 1;
  }
  return parts;
}

std::string join(const std::vector<std::string>& parts, std::string_view separator) {
  std::string out;
  for (size_t i = 0; i < parts.size(); ++i) {
    if (i > 0) out += separator;
    out += parts[i];
  }
  return out;
}

std::string withArticle(std::string_view word) {
  if (word.empty()) return "a";
  const char first = static_cast<char>(std::tolower(static_cast<unsigned char>(word[0])));
  const bool vowelSound =
      std::string_view("aeio").find(first) != std::string_view::npos ||
      ((first == 's' || first == 'x') && word.size() > 1 && std::isdigit(static_cast<unsigned char>(word[1])));
  return std::string(vowelSound ? "an " : "a ") + std::string(word);
}

std::string_view withoutQuotes(std::string_view s) {
  while (!s.empty() && (s.front() == '"' || s.front() == '\'')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == '"' || s.back() == '\'')) s.remove_suffix(1);
  return s;
}

std::string trim(std::string_view s) {
  const auto isBlank = [](char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; };
  while (!s.empty() && isBlank(s.front())) s.remove_prefix(1);
  while (!s.empty() && isBlank(s.back())) s.remove_suffix(1);
  return std::string(s);
}

namespace {
constexpr uint32_t kRuneError = 0xFFFD;

// Decodes one UTF-8 sequence; width 0 means invalid.
uint32_t decode(const std::string& s, size_t pos, size_t end, size_t& width) {
  const auto byte = [&](size_t i) { return static_cast<unsigned char>(s[i]); };
  const unsigned char b0 = byte(pos);
  width = 0;
  if (b0 < 0x80) {
    width = 1;
    return b0;
  }
  size_t need = 0;
  uint32_t cp = 0, min = 0;
  if ((b0 & 0xE0) == 0xC0) {
    need = 1, cp = b0 & 0x1F, min = 0x80;
  } else if ((b0 & 0xF0) == 0xE0) {
    need = 2, cp = b0 & 0x0F, min = 0x800;
  } else if ((b0 & 0xF8) == 0xF0) {
    need = 3, cp = b0 & 0x07, min = 0x10000;
  } else {
    return kRuneError;
  }
  for (size_t i = 1; i <= need; ++i) {
    if (pos + i >= end || (byte(pos + i) & 0xC0) != 0x80) return kRuneError;
    cp = (cp << 6) | (byte(pos + i) & 0x3F);
  }
  if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return kRuneError;
  width = need + 1;
  return cp;
}
}  // namespace

uint32_t decodeRune(const std::string& s, size_t pos, size_t end) {
  size_t width = 0;
  return decode(s, pos, end, width);
}

size_t runeWidth(const std::string& s, size_t pos, size_t end) {
  size_t width = 0;
  decode(s, pos, end, width);
  return width == 0 ? 1 : width;
}

size_t lastRuneStart(const std::string& s, size_t begin, size_t end) {
  size_t start = end - 1;
  for (size_t back = 0; back < 3 && start > begin && (static_cast<unsigned char>(s[start]) & 0xC0) == 0x80; ++back) {
    --start;
  }
  if (start + runeWidth(s, start, end) != end) return end - 1;  // not one valid rune: Go backs up one byte
  return start;
}

std::string toValidUtf8(const std::string& s) {
  if (isValidUtf8(s)) return s;
  std::string out;
  out.reserve(s.size() + s.size() / 2);
  for (size_t i = 0; i < s.size();) {
    size_t width = 0;
    decode(s, i, s.size(), width);
    if (width == 0) {
      out += "\xEF\xBF\xBD";
      ++i;
    } else {
      out.append(s, i, width);
      i += width;
    }
  }
  return out;
}

bool isValidUtf8(const std::string& s) {
  for (size_t i = 0; i < s.size();) {
    if (static_cast<unsigned char>(s[i]) < 0x80) {
      ++i;
      continue;
    }
    size_t width = 0;
    decode(s, i, s.size(), width);
    if (width == 0) return false;
    i += width;
  }
  return true;
}

bool isGoSpace(uint32_t r) {
  switch (r) {
    case '\t':
    case '\n':
    case '\v':
    case '\f':
    case '\r':
    case ' ':
    case 0x85:
    case 0xA0:
    case 0x1680:
    case 0x2028:
    case 0x2029:
    case 0x202F:
    case 0x205F:
    case 0x3000: return true;
    default: return r >= 0x2000 && r <= 0x200A;
  }
}

namespace {
// Go's unicode.IsPrint for the code points a Dockerfile realistically holds: everything
// but controls, the Unicode separators other than U+0020, and invalid code points.
bool isPrintable(uint32_t r) {
  if (r < 0x20 || (r >= 0x7F && r < 0xA0)) return false;
  if (r == 0xAD) return false;  // soft hyphen is a format character
  if (r == 0x2028 || r == 0x2029 || (r >= 0x2000 && r <= 0x200F) || r == 0x202F || r == 0x205F || r == 0x3000 || r == 0x1680 ||
      r == 0xFEFF || (r >= 0x202A && r <= 0x202E) || (r >= 0x2060 && r <= 0x206F)) {
    return false;
  }
  if (r >= 0xE000 && r <= 0xF8FF) return false;  // private use
  if ((r & 0xFFFE) == 0xFFFE) return false;      // noncharacters
  return r <= 0x10FFFF;
}
}  // namespace

std::string goQuote(std::string_view s) {
  const std::string bytes(s);
  std::string out = "\"";
  char buf[16];
  for (size_t i = 0; i < bytes.size();) {
    size_t width = 0;
    const uint32_t r = decode(bytes, i, bytes.size(), width);
    if (width == 0) {  // an invalid byte is written as \xNN
      std::snprintf(buf, sizeof buf, "\\x%02x", static_cast<unsigned char>(bytes[i]));
      out += buf;
      ++i;
      continue;
    }
    i += width;
    switch (r) {
      case '"': out += "\\\""; continue;
      case '\\': out += "\\\\"; continue;
      case '\a': out += "\\a"; continue;
      case '\b': out += "\\b"; continue;
      case '\f': out += "\\f"; continue;
      case '\n': out += "\\n"; continue;
      case '\r': out += "\\r"; continue;
      case '\t': out += "\\t"; continue;
      case '\v': out += "\\v"; continue;
      default: break;
    }
    if (isPrintable(r)) {
      out.append(bytes, i - width, width);
    } else if (r < 0x80 || (r < 0x100 && width == 1)) {
      std::snprintf(buf, sizeof buf, "\\x%02x", r);
      out += buf;
    } else if (r < 0x10000) {
      std::snprintf(buf, sizeof buf, "\\u%04x", r);
      out += buf;
    } else {
      std::snprintf(buf, sizeof buf, "\\U%08x", r);
      out += buf;
    }
  }
  out += '"';
  return out;
}

std::string substituteShellVariables(const std::string& s,
                                     const std::function<std::optional<std::string>(const std::string&)>& lookup) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] != '$' || i + 1 >= s.size()) {
      out += s[i];
      continue;
    }
    const bool braced = s[i + 1] == '{';
    const size_t begin = i + (braced ? 2 : 1);
    size_t end = begin;
    while (end < s.size() && (std::isalnum(static_cast<unsigned char>(s[end])) || s[end] == '_')) ++end;
    std::string name = s.substr(begin, end - begin);
    if (braced && (s.compare(end, 4, "[@]}") == 0 || s.compare(end, 4, "[*]}") == 0)) {
      name += "[@]";
      end += 3;
    }
    if (name.empty() || (braced && (end >= s.size() || s[end] != '}'))) {
      out += s[i];
      continue;
    }
    const auto value = lookup(name);
    if (!value) {
      out += s[i];
      continue;
    }
    if (endsWith(name, "[@]") && !out.empty() && out.back() == '"' && end + 1 < s.size() && s[end + 1] == '"') {
      out.pop_back();
      out += *value;
      i = end + 1;
      continue;
    }
    out += *value;
    i = braced ? end : end - 1;
  }
  return out;
}

}  // namespace mal::text
