#include "analyzer/registry/credentials.h"
#include "analyzer/crypto_api.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <nlohmann/json.hpp>

#include "analyzer/file_util.h"
#include "analyzer/registry/reference.h"

extern char** environ;

namespace mal::registry {
namespace {

// Docker Hub's credentials live under its v1 index URL, for historical reasons.
constexpr const char* kDockerHubServer = "https://index.docker.io/v1/";

std::string serverKey(const std::string& registry) { return registry == "docker.io" ? kDockerHubServer : registry; }

// "https://host:5000/v2/" -> "host:5000": how docker matches an `auths` key to a registry.
std::string hostOfKey(std::string key) {
  if (const size_t scheme = key.find("://"); scheme != std::string::npos) key = key.substr(scheme + 3);
  return canonicalRegistry(key.substr(0, key.find('/')));
}

std::optional<std::string> decodeBase64(const std::string& text) {
  if (text.empty() || text.size() % 4 != 0) return std::nullopt;
  std::string out(text.size() / 4 * 3, '\0');
  const int n = libcrypto().decode_block(reinterpret_cast<unsigned char*>(out.data()),
                                         reinterpret_cast<const unsigned char*>(text.data()), static_cast<int>(text.size()));
  if (n < 0) return std::nullopt;
  size_t padding = 0;
  for (size_t i = text.size(); i > 0 && text[i - 1] == '='; --i) ++padding;
  out.resize(static_cast<size_t>(n) - padding);
  return out;
}

// Runs `docker-credential-<helper> get` with the server on stdin; its stdout, bounded in
// size and time (a helper waiting on a locked keychain must not hang a CI job).
std::optional<std::string> runHelper(const std::string& helper, const std::string& server, std::string& error) {
  const std::string program = "docker-credential-" + helper;
  int in[2], out[2];
  if (pipe2(in, O_CLOEXEC) != 0) return std::nullopt;
  if (pipe2(out, O_CLOEXEC) != 0) {
    close(in[0]);
    close(in[1]);
    return std::nullopt;
  }
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, in[0], 0);
  posix_spawn_file_actions_adddup2(&actions, out[1], 1);
  posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0);
  char* argv[] = {const_cast<char*>(program.c_str()), const_cast<char*>("get"), nullptr};
  pid_t pid = 0;
  const int rc = posix_spawnp(&pid, program.c_str(), &actions, nullptr, argv, environ);
  posix_spawn_file_actions_destroy(&actions);
  close(in[0]);
  close(out[1]);
  if (rc != 0) {
    close(in[1]);
    close(out[0]);
    error = "credential helper " + program + " is configured but cannot be run";
    return std::nullopt;
  }
  // A helper that exits without reading must not kill us with SIGPIPE.
  signal(SIGPIPE, SIG_IGN);  // (initHttp does the same for sockets)
  [[maybe_unused]] const ssize_t written = write(in[1], server.data(), server.size());
  close(in[1]);
  std::string output;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  bool timedOut = false;
  while (output.size() < (1 << 20)) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) {
      timedOut = true;
      break;
    }
    pollfd pfd{out[0], POLLIN, 0};
    if (poll(&pfd, 1, static_cast<int>(left.count())) <= 0) continue;
    char buffer[4096];
    const ssize_t n = ::read(out[0], buffer, sizeof buffer);
    if (n <= 0) break;
    output.append(buffer, static_cast<size_t>(n));
  }
  close(out[0]);
  if (timedOut) kill(pid, SIGKILL);
  int status = 0;
  waitpid(pid, &status, 0);
  if (timedOut) {
    error = "credential helper " + program + " did not answer in 20 s";
    return std::nullopt;
  }
  // A helper with nothing stored exits non-zero ("credentials not found"): no credentials.
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) return std::nullopt;
  return output;
}

std::optional<Credentials> fromHelper(const std::string& helper, const std::string& registry, std::string& error) {
  const auto output = runHelper(helper, serverKey(registry), error);
  if (!output) return std::nullopt;
  const auto json = nlohmann::json::parse(*output, nullptr, false);
  if (!json.is_object() || !json.contains("Secret") || !json["Secret"].is_string()) {
    error = "credential helper docker-credential-" + helper + " answered something that is not credentials";
    return std::nullopt;
  }
  Credentials c;
  if (json.contains("Username") && json["Username"].is_string()) c.username = json["Username"].get<std::string>();
  c.secret = json["Secret"].get<std::string>();
  return c;
}

}  // namespace

std::string dockerConfigDirectory(const std::string& explicitDir) {
  if (!explicitDir.empty()) return explicitDir;
  if (const char* dir = std::getenv("DOCKER_CONFIG"); dir && *dir) return dir;
  if (const char* home = std::getenv("HOME"); home && *home) return std::string(home) + "/.docker";
  return {};
}

std::optional<Credentials> lookupCredentials(const std::string& registry, const std::string& configDir, std::string& error) {
  const std::string dir = dockerConfigDirectory(configDir);
  if (dir.empty()) return std::nullopt;
  const auto text = readWholeFile(dir + "/config.json");
  if (!text) return std::nullopt;
  const auto config = nlohmann::json::parse(*text, nullptr, false);
  if (!config.is_object()) {
    error = dir + "/config.json is not a JSON object";
    return std::nullopt;
  }
  // A registry's own helper first, then the default store, then inline auths (as docker does).
  if (config.contains("credHelpers") && config["credHelpers"].is_object()) {
    for (const auto& [key, helper] : config["credHelpers"].items()) {
      if (hostOfKey(key) == registry && helper.is_string()) return fromHelper(helper.get<std::string>(), registry, error);
    }
  }
  if (config.contains("credsStore") && config["credsStore"].is_string() && !config["credsStore"].get<std::string>().empty()) {
    if (auto c = fromHelper(config["credsStore"].get<std::string>(), registry, error)) return c;
    if (!error.empty()) return std::nullopt;
  }
  if (!config.contains("auths") || !config["auths"].is_object()) return std::nullopt;
  for (const auto& [key, entry] : config["auths"].items()) {
    if (hostOfKey(key) != registry || !entry.is_object()) continue;
    if (entry.contains("identitytoken") && entry["identitytoken"].is_string()) {
      return Credentials{"<token>", entry["identitytoken"].get<std::string>()};
    }
    if (entry.contains("auth") && entry["auth"].is_string()) {
      const auto decoded = decodeBase64(entry["auth"].get<std::string>());
      const size_t colon = decoded ? decoded->find(':') : std::string::npos;
      if (colon == std::string::npos) {
        error = dir + "/config.json: the auth entry for " + registry + " is not base64 of user:password";
        return std::nullopt;
      }
      return Credentials{decoded->substr(0, colon), decoded->substr(colon + 1)};
    }
    if (entry.contains("username") && entry.contains("password") && entry["username"].is_string() &&
        entry["password"].is_string()) {
      return Credentials{entry["username"].get<std::string>(), entry["password"].get<std::string>()};
    }
  }
  return std::nullopt;
}

}  // namespace mal::registry
