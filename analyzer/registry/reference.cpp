#include "analyzer/registry/reference.h"

#include <algorithm>
#include <string_view>

#include "analyzer/image/streams.h"

namespace mal::registry {
namespace {

// distribution/reference's grammar, component by component, checked by hand: references
// come from Dockerfiles and the command line, and a backtracking regex engine recurses per
// character on long input.
bool isLowerAlnum(char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); }
bool isAlnum(char c) { return isLowerAlnum(c) || (c >= 'A' && c <= 'Z'); }

// [a-z0-9]+ ( ( [._] | __ | -+ ) [a-z0-9]+ )*
bool isPathComponent(std::string_view s) {
  size_t i = 0;
  while (true) {
    const size_t start = i;
    while (i < s.size() && isLowerAlnum(s[i])) ++i;
    if (i == start) return false;  // every part starts with [a-z0-9]+
    if (i == s.size()) return true;
    if (s[i] == '.') {
      ++i;
    } else if (s[i] == '_') {
      ++i;
      if (i < s.size() && s[i] == '_') ++i;
    } else if (s[i] == '-') {
      while (i < s.size() && s[i] == '-') ++i;
    } else {
      return false;
    }
  }
}

// [A-Za-z0-9_][A-Za-z0-9_.-]{0,127}
bool isTag(std::string_view s) {
  if (s.empty() || s.size() > 128 || !(isAlnum(s[0]) || s[0] == '_')) return false;
  return std::all_of(s.begin(), s.end(), [](char c) { return isAlnum(c) || c == '_' || c == '.' || c == '-'; });
}

// A domain name or IPv4 (dot-separated labels of [A-Za-z0-9-] that start and end with an
// alphanumeric), or a bracketed IPv6; then an optional :port of digits.
bool isHost(std::string_view s) {
  std::string_view name = s;
  if (!s.empty() && s.front() == '[') {
    const size_t close = s.find(']');
    if (close == std::string_view::npos || close == 1) return false;
    const std::string_view inside = s.substr(1, close - 1);
    if (!std::all_of(inside.begin(), inside.end(), [](char c) {
          return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F') || c == ':' || c == '.';
        })) {
      return false;
    }
    name = {};
    s = s.substr(close + 1);
  } else {
    const size_t colon = s.find(':');
    name = s.substr(0, colon);
    s = colon == std::string_view::npos ? std::string_view() : s.substr(colon);
    if (name.empty()) return false;
    size_t start = 0;
    while (start <= name.size()) {
      const size_t dot = name.find('.', start);
      const std::string_view label = name.substr(start, dot == std::string_view::npos ? std::string_view::npos : dot - start);
      if (label.empty() || !isAlnum(label.front()) || !isAlnum(label.back())) return false;
      if (!std::all_of(label.begin(), label.end(), [](char c) { return isAlnum(c) || c == '-'; })) return false;
      if (dot == std::string_view::npos) break;
      start = dot + 1;
    }
  }
  if (s.empty()) return true;
  if (s.front() != ':' || s.size() == 1) return false;
  return std::all_of(s.begin() + 1, s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

}  // namespace

std::string Reference::apiHost() const { return registry == "docker.io" ? "registry-1.docker.io" : registry; }

std::string Reference::str() const {
  std::string s = registry + "/" + repository;
  if (!tag.empty()) s += ":" + tag;
  if (!digest.empty()) s += "@" + digest;
  return s;
}

bool Reference::isLoopback() const { return isLoopbackHost(registry); }

std::string canonicalRegistry(const std::string& host) {
  return host == "index.docker.io" || host == "registry-1.docker.io" ? "docker.io" : host;
}

bool isLoopbackHost(const std::string& hostPort) {
  const size_t colon = hostPort.rfind(':');
  const std::string host = colon == std::string::npos || hostPort.back() == ']' ? hostPort : hostPort.substr(0, colon);
  return host == "localhost" || host == "[::1]" || host.rfind("127.", 0) == 0;
}

std::optional<Reference> parseReference(const std::string& text, std::string& error) {
  if (text.empty() || text.size() > 4096) {
    error = "an image reference must be 1 to 4096 characters";
    return std::nullopt;
  }
  std::string rest = text;
  Reference ref;
  // @digest
  if (const size_t at = rest.find('@'); at != std::string::npos) {
    ref.digest = rest.substr(at + 1);
    rest = rest.substr(0, at);
    if (!image::validDigest(ref.digest)) {
      error = "'" + ref.digest + "' is not a valid digest (sha256:<64 hex> or sha512:<128 hex>)";
      return std::nullopt;
    }
  }
  // :tag (a colon after the last slash; before it, a colon is a port)
  const size_t lastSlash = rest.rfind('/');
  if (const size_t colon = rest.rfind(':'); colon != std::string::npos && (lastSlash == std::string::npos || colon > lastSlash)) {
    ref.tag = rest.substr(colon + 1);
    rest = rest.substr(0, colon);
    if (!isTag(ref.tag)) {
      error = "'" + ref.tag + "' is not a valid tag";
      return std::nullopt;
    }
  }
  // The first component is a registry when it looks like a host: a dot, a port, or localhost.
  const size_t firstSlash = rest.find('/');
  std::string path = rest;
  ref.registry = "docker.io";
  if (firstSlash != std::string::npos) {
    const std::string first = rest.substr(0, firstSlash);
    if (first.find('.') != std::string::npos || first.find(':') != std::string::npos || first == "localhost" ||
        first.front() == '[') {
      if (!isHost(first)) {
        error = "'" + first + "' is not a valid registry host";
        return std::nullopt;
      }
      ref.registry = canonicalRegistry(first);
      path = rest.substr(firstSlash + 1);
    }
  }
  if (path.empty()) {
    error = "the reference names no repository";
    return std::nullopt;
  }
  size_t start = 0;
  while (start <= path.size()) {
    const size_t slash = path.find('/', start);
    const std::string component = path.substr(start, slash == std::string::npos ? std::string::npos : slash - start);
    if (!isPathComponent(component)) {
      error = "'" + component + "' is not a valid repository name component (lowercase letters, digits, . _ - separators)";
      return std::nullopt;
    }
    if (slash == std::string::npos) break;
    start = slash + 1;
  }
  if (ref.registry == "docker.io" && path.find('/') == std::string::npos) path = "library/" + path;
  if (ref.registry.size() + 1 + path.size() > 255) {
    error = "the repository name is longer than 255 characters";
    return std::nullopt;
  }
  ref.repository = path;
  if (ref.tag.empty() && ref.digest.empty()) ref.tag = "latest";
  return ref;
}

}  // namespace mal::registry
