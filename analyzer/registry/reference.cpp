#include "analyzer/registry/reference.h"

#include <regex>

#include "analyzer/image/streams.h"

namespace mal::registry {
namespace {

// distribution/reference's grammar, component by component.
const std::regex& pathComponent() {
  static const std::regex re("^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$");
  return re;
}
const std::regex& tagPattern() {
  static const std::regex re("^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$");
  return re;
}
const std::regex& hostPattern() {
  // A domain name, IPv4, or bracketed IPv6, with an optional port.
  static const std::regex re(R"(^(?:[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)*|\[[0-9A-Fa-f:.]+\])(?::[0-9]+)?$)");
  return re;
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
  const std::string host =
      colon == std::string::npos || hostPort.back() == ']' ? hostPort : hostPort.substr(0, colon);
  return host == "localhost" || host == "[::1]" || host.rfind("127.", 0) == 0;
}

std::optional<Reference> parseReference(const std::string& input, std::string& error) {
  if (input.empty() || input.size() > 4096) {
    error = "an image reference must be 1 to 4096 characters";
    return std::nullopt;
  }
  std::string rest = input;
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
    if (!std::regex_match(ref.tag, tagPattern())) {
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
      if (!std::regex_match(first, hostPattern())) {
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
    if (!std::regex_match(component, pathComponent())) {
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
