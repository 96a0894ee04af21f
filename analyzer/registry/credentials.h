// Registry credentials as the docker CLI keeps them: config.json in $DOCKER_CONFIG (else
// ~/.docker), its `auths` (base64 "user:password", or username/password), and the
// `credHelpers` / `credsStore` helpers run with the docker-credential-* protocol
// (`docker-credential-NAME get`, the server on stdin, JSON on stdout).
// Secrets go only into Authorization headers: never into a message, a log or a report.
#pragma once

#include <optional>
#include <string>

namespace mal::registry {

struct Credentials {
  std::string username;
  std::string secret;  // password, or an identity token when username is "<token>"
};

// The directory of config.json: `explicitDir`, else $DOCKER_CONFIG, else ~/.docker.
std::string dockerConfigDirectory(const std::string& explicitDir = {});

// Credentials for `registry` ("docker.io", "ghcr.io", "127.0.0.1:5000"); nullopt when
// none are configured. A helper that fails or a config.json that does not parse sets
// `error` (without any secret) and gives nullopt.
std::optional<Credentials> lookupCredentials(const std::string& registry, const std::string& configDir, std::string& error);

}  // namespace mal::registry
