#include "analyzer/registry/client.h"
#include "analyzer/crypto_api.h"

#include <chrono>
#include <cmath>
#include <nlohmann/json.hpp>
#include <thread>

#include "analyzer/image/oci.h"
#include "analyzer/registry/curl_api.h"
#include "analyzer/text_util.h"

namespace mal::registry {
namespace {

std::string base64(const std::string& bytes) {
  std::string out(4 * ((bytes.size() + 2) / 3) + 1, '\0');
  const int n = libcrypto().encode_block(reinterpret_cast<unsigned char*>(out.data()),
                                         reinterpret_cast<const unsigned char*>(bytes.data()), static_cast<int>(bytes.size()));
  out.resize(static_cast<size_t>(n));
  return out;
}

std::string escape(const std::string& text) {
  const CurlApi& api = curl();
  char* escaped = api.easy_escape(nullptr, text.data(), static_cast<int>(text.size()));
  std::string out = escaped ? escaped : "";
  api.free(escaped);
  return out;
}

// A distribution error body, {"errors":[{"code":"MANIFEST_UNKNOWN","message":"..."}]}, as
// "MANIFEST_UNKNOWN: manifest unknown"; empty for anything else.
std::string describeErrorBody(const std::string& body) {
  const auto json = nlohmann::json::parse(body, nullptr, false);
  if (!json.is_object() || !json.contains("errors") || !json["errors"].is_array() || json["errors"].empty()) return {};
  const auto& first = json["errors"][0];
  if (!first.is_object()) return {};
  std::string out;
  if (first.contains("code") && first["code"].is_string()) out = first["code"].get<std::string>();
  if (first.contains("message") && first["message"].is_string()) {
    out += (out.empty() ? "" : ": ") + first["message"].get<std::string>();
  }
  // A hostile body must not flood the message.
  if (out.size() > 200) out = out.substr(0, 200) + "...";
  for (auto& c : out) {
    if (static_cast<unsigned char>(c) < 0x20) c = ' ';
  }
  return out;
}

void pause(double seconds) { std::this_thread::sleep_for(std::chrono::milliseconds(static_cast<long>(seconds * 1000))); }

double backoff(int attempt) { return std::min(8.0, 0.5 * std::pow(2.0, attempt - 1)); }

}  // namespace

const char* const kManifestAccept =
    "application/vnd.oci.image.index.v1+json, application/vnd.oci.image.manifest.v1+json, "
    "application/vnd.docker.distribution.manifest.list.v2+json, "
    "application/vnd.docker.distribution.manifest.v2+json";

std::optional<Challenge> parseChallenge(const std::string& header) {
  size_t i = header.find_first_not_of(' ');
  if (i == std::string::npos) return std::nullopt;
  const size_t schemeEnd = header.find(' ', i);
  Challenge c;
  c.scheme = text::lower(header.substr(i, schemeEnd == std::string::npos ? std::string::npos : schemeEnd - i));
  if (c.scheme.empty()) return std::nullopt;
  i = schemeEnd;
  // name=value or name="quoted, value", comma-separated.
  while (i != std::string::npos && i < header.size()) {
    i = header.find_first_not_of(" ,", i);
    if (i == std::string::npos) break;
    const size_t eq = header.find('=', i);
    if (eq == std::string::npos) break;
    const std::string name = text::lower(header.substr(i, eq - i));
    std::string value;
    i = eq + 1;
    if (i < header.size() && header[i] == '"') {
      for (++i; i < header.size() && header[i] != '"'; ++i) {
        if (header[i] == '\\' && i + 1 < header.size()) ++i;
        value += header[i];
      }
      ++i;
    } else {
      const size_t end = header.find(',', i);
      value = header.substr(i, end == std::string::npos ? std::string::npos : end - i);
      i = end;
    }
    c.params[name] = value;
  }
  return c;
}

std::optional<double> parseRetryAfter(const std::string& value) {
  if (value.empty()) return std::nullopt;
  if (value.find_first_not_of("0123456789") == std::string::npos && value.size() < 10) return std::stod(value);
  const time_t when = curl().getdate(value.c_str(), nullptr);
  if (when < 0) return std::nullopt;
  return std::max(0.0, std::difftime(when, std::time(nullptr)));
}

std::unique_ptr<HttpResponse> RegistryClient::open(const HttpRequest& request) {
  try {
    auto response = std::make_unique<HttpResponse>(request);
    ++counters_.requests;
    return response;
  } catch (const HttpError& e) {
    if (e.curlCode != CURLE_PEER_FAILED_VERIFICATION) throw;
    throw HttpError(std::string(e.what()) + "; give the registry's CA with --registry-ca FILE", e.curlCode, false);
  }
}

RegistryClient::RegistryClient(ClientOptions options) : options_(std::move(options)) { initHttp(); }

bool RegistryClient::insecure(const Reference& ref) const { return options_.insecureRegistries.count(ref.registry) > 0; }

HttpRequest RegistryClient::baseRequest(const Reference& ref) const {
  HttpRequest request;
  request.verifyTls = !insecure(ref);
  request.caFile = options_.caFile;
  request.timeouts = options_.timeouts;
  return request;
}

std::string RegistryClient::endpoint(const Reference& ref) {
  {
    std::lock_guard lock(mutex_);
    if (const auto it = endpoints_.find(ref.registry); it != endpoints_.end()) return it->second;
  }
  const std::string host = ref.apiHost();
  std::string chosen = "https://" + host;
  // Plain HTTP only where it is allowed, and only when the registry does not speak TLS
  // at all: a certificate that fails verification is an error, not a reason to downgrade.
  if (ref.isLoopback() || insecure(ref)) {
    HttpRequest probe = baseRequest(ref);
    probe.url = chosen + "/v2/";
    probe.maxRedirects = 0;
    // The probe only asks whether TLS is spoken; the requests that follow verify it.
    // (Not loading the CA bundle here spares a plain loopback registry ~40 ms.)
    probe.verifyTls = false;
    try {
      open(probe);
    } catch (const HttpError& e) {
      if (e.curlCode != CURLE_SSL_CONNECT_ERROR && e.curlCode != CURLE_GOT_NOTHING && e.curlCode != CURLE_RECV_ERROR) throw;
      chosen = "http://" + host;
    }
  }
  std::lock_guard lock(mutex_);
  endpoints_[ref.registry] = chosen;
  return chosen;
}

void RegistryClient::authorize(const Reference& ref, const HttpResponse& response) {
  const std::string host = ref.registry;
  const auto challenge = parseChallenge(response.header("www-authenticate"));
  if (!challenge) throw HttpError(host + ": HTTP 401 without a WWW-Authenticate challenge");
  std::string credentialError;
  const auto credentials = lookupCredentials(ref.registry, options_.dockerConfigDir, credentialError);
  if (!credentialError.empty()) throw HttpError(host + ": " + credentialError);
  std::string value;
  if (challenge->scheme == "basic") {
    if (!credentials || credentials->username == "<token>") {
      throw HttpError(host + " requires a login and no credentials are configured for it (docker login " + host + ")");
    }
    value = "Basic " + base64(credentials->username + ":" + credentials->secret);
  } else if (challenge->scheme == "bearer") {
    const std::string realm = challenge->params.count("realm") ? challenge->params.at("realm") : "";
    const bool https = realm.rfind("https://", 0) == 0;
    if (!https && !(realm.rfind("http://", 0) == 0 && (isLoopbackHost(urlHost(realm)) || insecure(ref)))) {
      throw HttpError(host + ": the token service '" + urlHost(realm) + "' is not an https URL");
    }
    const std::string service = challenge->params.count("service") ? challenge->params.at("service") : "";
    const std::string scope = "repository:" + ref.repository + ":pull";
    HttpRequest request = baseRequest(ref);
    request.url = realm;
    std::string query = "service=" + escape(service) + "&scope=" + escape(scope);
    if (credentials && credentials->username == "<token>") {
      // An identity token (docker login with OAuth) is exchanged with the OAuth2 POST form.
      request.method = "POST";
      request.headers.push_back("Content-Type: application/x-www-form-urlencoded");
      request.body = query + "&grant_type=refresh_token&client_id=multiarch-lint&refresh_token=" + escape(credentials->secret);
    } else {
      request.url += (realm.find('?') == std::string::npos ? "?" : "&") + query;
      if (credentials)
        request.headers.push_back("Authorization: Basic " + base64(credentials->username + ":" + credentials->secret));
    }
    const auto tokenResponse = open(request);
    const std::string body = tokenResponse->readAll(1 << 20, "the token service's answer");
    if (tokenResponse->status() != 200) {
      throw HttpError(host + ": the token service at " + urlHost(realm) + " answered HTTP " +
                      std::to_string(tokenResponse->status()) +
                      (credentials ? " (the configured credentials were refused)" : " (no credentials are configured)"));
    }
    const auto json = nlohmann::json::parse(body, nullptr, false);
    std::string token;
    for (const char* key : {"token", "access_token"}) {
      if (json.is_object() && json.contains(key) && json[key].is_string() && token.empty()) token = json[key].get<std::string>();
    }
    if (token.empty()) throw HttpError(host + ": the token service at " + urlHost(realm) + " gave no token");
    ++counters_.tokens;
    value = "Bearer " + token;
  } else {
    throw HttpError(host + ": unsupported authentication scheme '" + challenge->scheme + "'");
  }
  std::lock_guard lock(mutex_);
  authorizations_[ref.registry + " " + ref.repository] = value;
}

std::unique_ptr<HttpResponse> RegistryClient::get(const Reference& ref, const std::string& path, const std::string& accept) {
  const std::string base = endpoint(ref);
  bool answeredChallenge = false;
  for (int attempt = 1;; ++attempt) {
    HttpRequest request = baseRequest(ref);
    request.url = base + "/v2/" + ref.repository + path;
    if (!accept.empty()) request.headers.push_back("Accept: " + accept);
    {
      std::lock_guard lock(mutex_);
      if (const auto it = authorizations_.find(ref.registry + " " + ref.repository); it != authorizations_.end()) {
        request.headers.push_back("Authorization: " + it->second);
      }
    }
    std::unique_ptr<HttpResponse> response;
    try {
      response = open(request);
    } catch (const HttpError& e) {
      if (!e.retryable || attempt >= options_.maxAttempts) throw;
      ++counters_.retries;
      pause(backoff(attempt));
      continue;
    }
    const long status = response->status();
    if (status == 401 && !answeredChallenge) {
      authorize(ref, *response);
      answeredChallenge = true;
      --attempt;  // the challenge is part of the protocol, not a failed attempt
      continue;
    }
    if (status == 429 || status >= 500) {
      const auto asked = parseRetryAfter(response->header("retry-after"));
      const std::string what = ref.registry + ": HTTP " + std::to_string(status);
      if (asked && *asked > options_.maxRetryAfterSeconds) {
        throw HttpError(what + ", asked to retry after " + std::to_string(static_cast<long>(*asked)) + " s (longer than the " +
                        std::to_string(static_cast<long>(options_.maxRetryAfterSeconds)) + " s limit)");
      }
      if (attempt >= options_.maxAttempts) {
        throw HttpError(what + " after " + std::to_string(attempt) + " attempts");
      }
      ++counters_.retries;
      pause(asked ? *asked : backoff(attempt));
      continue;
    }
    return response;
  }
}

void RegistryClient::failStatus(const Reference& ref, HttpResponse& response, const std::string& what) {
  std::string detail;
  try {
    detail = describeErrorBody(response.readAll(64 * 1024, "the error"));
  } catch (const HttpError&) {
  }
  const long status = response.status();
  std::string reason = status == 404   ? "not found"
                       : status == 401 ? "access denied (the credentials were refused, or none are configured)"
                       : status == 403 ? "forbidden"
                                       : "unexpected answer";
  throw HttpError(ref.registry + "/" + ref.repository + ": " + what + ": HTTP " + std::to_string(status) + " " + reason +
                  (detail.empty() ? "" : " (" + detail + ")"));
}

RegistryClient::Body RegistryClient::fetch(const Reference& ref, const std::string& path, const std::string& accept,
                                           size_t maxBytes, const std::string& what) {
  for (int attempt = 1;; ++attempt) {
    auto response = get(ref, path, accept);
    if (response->status() != 200) failStatus(ref, *response, what);
    try {
      std::string bytes = response->readAll(maxBytes, ref.registry + ": " + what);
      return {std::move(bytes), response->header("content-type")};
    } catch (const HttpError& e) {
      if (!e.retryable || attempt >= options_.maxAttempts) throw;
      ++counters_.retries;
    }
  }
}

RegistryClient::Document RegistryClient::manifest(const Reference& ref, const std::string& tagOrDigest, size_t maxBytes) {
  const std::string what = "manifest " + tagOrDigest;
  auto body = fetch(ref, "/manifests/" + tagOrDigest, kManifestAccept, maxBytes, what);
  ++counters_.manifests;
  Document document;
  document.bytes = std::move(body.bytes);
  document.mediaType = image::documentMediaType(document.bytes, body.contentType);
  if (document.mediaType.rfind("application/vnd.docker.distribution.manifest.v1", 0) == 0) {
    throw HttpError(ref.str() + " is a Docker schema 1 manifest, which no current builder makes; it is not analysed");
  }
  const bool isDigest = tagOrDigest.find(':') != std::string::npos;
  document.digest = image::digestOf(document.bytes, isDigest ? tagOrDigest.substr(0, tagOrDigest.find(':')) : "sha256");
  if (isDigest && document.digest != tagOrDigest) {
    throw HttpError(ref.registry + ": " + what + " does not match its digest (the registry sent bytes hashing to " +
                    document.digest + ")");
  }
  return document;
}

std::string RegistryClient::blob(const Reference& ref, const std::string& digest, size_t maxBytes) {
  auto body = fetch(ref, "/blobs/" + digest, "", maxBytes, "blob " + digest);
  ++counters_.blobs;
  return std::move(body.bytes);
}

std::unique_ptr<image::ByteSource> RegistryClient::openBlob(const Reference& ref, const std::string& digest) {
  auto response = get(ref, "/blobs/" + digest, "");
  if (response->status() != 200) failStatus(ref, *response, "layer " + digest);
  ++counters_.layers;
  return response;
}

}  // namespace mal::registry
