// The registry client's parsers of what a server or a config file says: authentication
// challenges, Retry-After, and docker's credential store (config.json and helpers). The
// client's network behaviour is tested against real and hostile registries in
// tests/registry_end_to_end.sh and tests/registry_hostile.sh.
#include <catch2/catch.hpp>

#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <unistd.h>

#include "analyzer/registry/client.h"
#include "analyzer/registry/credentials.h"

using namespace mal::registry;
namespace fs = std::filesystem;

TEST_CASE("WWW-Authenticate challenges are read as the distribution spec writes them", "[registry]") {
  const auto bearer = parseChallenge(
      R"(Bearer realm="https://auth.docker.io/token",service="registry.docker.io",scope="repository:library/alpine:pull,push")");
  REQUIRE(bearer);
  CHECK(bearer->scheme == "bearer");
  CHECK(bearer->params.at("realm") == "https://auth.docker.io/token");
  CHECK(bearer->params.at("service") == "registry.docker.io");
  CHECK(bearer->params.at("scope") == "repository:library/alpine:pull,push");  // a comma inside quotes

  const auto basic = parseChallenge(R"(Basic realm="Registry Realm")");
  REQUIRE(basic);
  CHECK(basic->scheme == "basic");
  CHECK(basic->params.at("realm") == "Registry Realm");

  const auto unquoted = parseChallenge("Bearer realm=https://ghcr.io/token, service=ghcr.io");
  REQUIRE(unquoted);
  CHECK(unquoted->params.at("realm") == "https://ghcr.io/token");
  CHECK(unquoted->params.at("service") == "ghcr.io");

  CHECK_FALSE(parseChallenge(""));
  CHECK_FALSE(parseChallenge("   "));
  const auto unterminated = parseChallenge(R"(Bearer realm="https://x)");
  REQUIRE(unterminated);
  CHECK(unterminated->params.at("realm") == "https://x");
}

TEST_CASE("Retry-After is seconds or an HTTP date", "[registry]") {
  CHECK(parseRetryAfter("3") == 3.0);
  CHECK(parseRetryAfter("0") == 0.0);
  CHECK_FALSE(parseRetryAfter(""));
  CHECK_FALSE(parseRetryAfter("soon"));
  const auto past = parseRetryAfter("Wed, 21 Oct 2015 07:28:00 GMT");
  REQUIRE(past);
  CHECK(*past == 0.0);  // a date gone by: retry now
  // The seconds from now to that date (4102444800 s after the epoch), not just "some wait".
  const auto future = parseRetryAfter("Fri, 01 Jan 2100 00:00:00 GMT");
  const double expected = 4102444800.0 - static_cast<double>(std::time(nullptr));
  REQUIRE(future);
  CHECK(*future <= expected + 1);
  CHECK(*future >= expected - 5);
}

namespace {

struct TempConfig {
  fs::path dir = fs::temp_directory_path() / ("mal-credentials-" + std::to_string(::getpid()));
  TempConfig() { fs::create_directories(dir); }
  ~TempConfig() { fs::remove_all(dir); }
  void write(const std::string& json) const { std::ofstream(dir / "config.json") << json; }
};

}  // namespace

TEST_CASE("credentials come from config.json's auths, matched by host", "[registry]") {
  TempConfig config;
  // "tester:pa:ss" — a password may itself hold a colon.
  config.write(R"({"auths": {
      "https://index.docker.io/v1/": {"auth": "aHViOmh1YnNlY3JldA=="},
      "https://127.0.0.1:5000/v2/": {"auth": "dGVzdGVyOnBhOnNz"},
      "ghcr.io": {"username": "octo", "password": "token123"},
      "quay.io": {"identitytoken": "refresh-me"}}})");
  std::string error;
  const auto local = lookupCredentials("127.0.0.1:5000", config.dir.string(), error);
  REQUIRE(local);
  CHECK(local->username == "tester");
  CHECK(local->secret == "pa:ss");
  const auto hub = lookupCredentials("docker.io", config.dir.string(), error);
  REQUIRE(hub);
  CHECK(hub->username == "hub");
  CHECK(hub->secret == "hubsecret");
  const auto ghcr = lookupCredentials("ghcr.io", config.dir.string(), error);
  REQUIRE(ghcr);
  CHECK(ghcr->username == "octo");
  CHECK(ghcr->secret == "token123");
  const auto quay = lookupCredentials("quay.io", config.dir.string(), error);
  REQUIRE(quay);
  CHECK(quay->username == "<token>");
  CHECK(quay->secret == "refresh-me");
  CHECK_FALSE(lookupCredentials("127.0.0.1:5001", config.dir.string(), error));  // another port, another registry
  CHECK(error.empty());
}

TEST_CASE("a broken auth entry is an error that does not repeat the secret", "[registry]") {
  TempConfig config;
  config.write(R"({"auths": {"example.com": {"auth": "bm8tY29sb24taGVyZQ=="}}})");  // "no-colon-here"
  std::string error;
  CHECK_FALSE(lookupCredentials("example.com", config.dir.string(), error));
  CHECK(error.find("not base64 of user:password") != std::string::npos);
  CHECK(error.find("no-colon-here") == std::string::npos);
  CHECK(error.find("bm8tY29sb24taGVyZQ") == std::string::npos);

  config.write("[not json");
  error.clear();
  CHECK_FALSE(lookupCredentials("example.com", config.dir.string(), error));
  CHECK(error.find("config.json") != std::string::npos);
}

TEST_CASE("credential helpers speak the docker-credential protocol", "[registry]") {
  TempConfig config;
  const fs::path bin = config.dir / "bin";
  fs::create_directories(bin);
  // Answers for one server only, as real helpers do; "not found" is exit 1.
  std::ofstream(bin / "docker-credential-mal-unit")
      << "#!/bin/sh\nread server\n"
         "[ \"$1\" = get ] && [ \"$server\" = registry.example.com ] || exit 1\n"
         "printf '{\"ServerURL\":\"%s\",\"Username\":\"robot\",\"Secret\":\"s3\"}' \"$server\"\n";
  fs::permissions(bin / "docker-credential-mal-unit", fs::perms::owner_all);
  const std::string oldPath = std::getenv("PATH") ? std::getenv("PATH") : "";
  setenv("PATH", (bin.string() + ":" + oldPath).c_str(), 1);

  std::string error;
  config.write(R"({"credHelpers": {"registry.example.com": "mal-unit"}})");
  const auto c = lookupCredentials("registry.example.com", config.dir.string(), error);
  REQUIRE(c);
  CHECK(c->username == "robot");
  CHECK(c->secret == "s3");

  // The default store knows nothing of this registry: fall back to auths.
  config.write(R"({"credsStore": "mal-unit", "auths": {"other.example.com": {"auth": "YTpi"}}})");
  const auto fallback = lookupCredentials("other.example.com", config.dir.string(), error);
  REQUIRE(fallback);
  CHECK(fallback->username == "a");
  CHECK(fallback->secret == "b");
  CHECK(error.empty());

  // A configured helper that is not installed is an error, not "no credentials".
  config.write(R"({"credHelpers": {"registry.example.com": "not-installed-anywhere"}})");
  CHECK_FALSE(lookupCredentials("registry.example.com", config.dir.string(), error));
  CHECK(error.find("docker-credential-not-installed-anywhere") != std::string::npos);
  setenv("PATH", oldPath.c_str(), 1);
}

TEST_CASE("DOCKER_CONFIG names the config directory", "[registry]") {
  CHECK(dockerConfigDirectory("/explicit") == "/explicit");
  setenv("DOCKER_CONFIG", "/from/env", 1);
  CHECK(dockerConfigDirectory() == "/from/env");
  unsetenv("DOCKER_CONFIG");
  const std::string oldHome = std::getenv("HOME") ? std::getenv("HOME") : "";
  setenv("HOME", "/home/someone", 1);
  CHECK(dockerConfigDirectory() == "/home/someone/.docker");
  setenv("HOME", oldHome.c_str(), 1);
}
