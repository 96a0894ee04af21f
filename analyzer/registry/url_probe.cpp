#include "analyzer/registry/url_probe.h"

#include <atomic>
#include <chrono>
#include <nlohmann/json.hpp>
#include <stdexcept>
#include <thread>

#include "analyzer/fault_injection.h"
#include "analyzer/file_util.h"
#include "analyzer/image/streams.h"

namespace mal::registry {

namespace {

using dockerfile::UrlAnswer;

long long now() {
  return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}

const char* stateName(UrlAnswer::State state) { return state == UrlAnswer::State::Exists ? "exists" : "missing"; }

// 2xx/3xx: there; 404/410: not there; anything else says nothing about the file.
UrlAnswer classify(long status) {
  if (status >= 200 && status < 400) return {UrlAnswer::State::Exists, status, ""};
  if (status == 404 || status == 410) return {UrlAnswer::State::Missing, status, ""};
  return {UrlAnswer::State::Unknown, status, "HTTP " + std::to_string(status)};
}

}  // namespace

UrlProber::UrlProber(UrlProbeOptions options) : options_(std::move(options)) {}

std::string UrlProber::cachePath(const std::string& url) const {
  const std::string digest = image::digestOf(url);
  return options_.cacheRoot + "/probe/" + digest.substr(digest.find(':') + 1) + ".json";
}

std::optional<UrlAnswer> UrlProber::cached(const std::string& url) const {
  if (options_.cacheRoot.empty() || options_.ttlSeconds <= 0) return std::nullopt;
  const auto text = readWholeFile(cachePath(url));
  if (!text) return std::nullopt;
  const auto json = nlohmann::json::parse(*text, nullptr, false);
  if (!json.is_object() || json.value("url", "") != url || !json.contains("fetched") || !json["fetched"].is_number_integer() ||
      !json.contains("status") || !json["status"].is_number_integer()) {
    return std::nullopt;
  }
  if (now() - json["fetched"].get<long long>() > options_.ttlSeconds) return std::nullopt;
  const std::string state = json.value("state", "");
  if (state != "exists" && state != "missing") return std::nullopt;
  return UrlAnswer{state == "exists" ? UrlAnswer::State::Exists : UrlAnswer::State::Missing, json["status"].get<long>(), ""};
}

void UrlProber::keep(const std::string& url, const UrlAnswer& answer) const {
  // A failure is not kept: the next run asks again.
  if (options_.cacheRoot.empty() || options_.ttlSeconds <= 0 || answer.state == UrlAnswer::State::Unknown) return;
  const nlohmann::json json = {{"url", url}, {"fetched", now()}, {"state", stateName(answer.state)}, {"status", answer.status}};
  writeFileAtomically(cachePath(url), json.dump());
}

UrlAnswer UrlProber::ask(const std::string& url) const {
  HttpRequest request;
  request.method = "HEAD";
  request.url = url;
  request.timeouts = options_.timeouts;
  request.maxRedirects = 5;
  try {
    long status = HttpResponse(request).status();
    if (status == 405 || status == 403 || status == 501) {
      // HEAD refused: the first byte of the body answers the same question. The response
      // is dropped unread, which ends the transfer.
      request.method = "GET";
      request.headers = {"Range: bytes=0-0"};
      status = HttpResponse(request).status();
    }
    return classify(status);
  } catch (const HttpError& e) {
    return {UrlAnswer::State::Unknown, 0, e.what()};
  }
}

dockerfile::DownloadAnswers UrlProber::probe(const std::vector<std::string>& urls) {
  dockerfile::DownloadAnswers out;
  std::vector<std::string> toAsk;
  for (const auto& url : urls) {
    if (const auto it = answers_.find(url); it != answers_.end()) {
      out[url] = it->second;
    } else if (auto answer = cached(url)) {
      out[url] = answers_[url] = *answer;
    } else if (std::find(toAsk.begin(), toAsk.end(), url) == toAsk.end()) {
      if (asked_ + toAsk.size() >= options_.maxUrls) {
        out[url] = {UrlAnswer::State::Unknown, 0,
                    "not asked: over the limit of " + std::to_string(options_.maxUrls) + " URLs per run"};
        continue;
      }
      toAsk.push_back(url);
    }
  }
  if (toAsk.empty()) return out;
  initHttp();  // before any thread starts a transfer
  std::vector<UrlAnswer> answers(toAsk.size());
  std::vector<std::string> failures(toAsk.size());
  std::atomic<size_t> next{0};
  auto worker = [&] {
    for (size_t i = next++; i < toAsk.size(); i = next++) {
      // Nothing may escape a thread (std::terminate): an unexpected failure (out of memory,
      // a bug) is kept and raised on the calling thread, where the file's error is made.
      try {
        testing::faultPoint("probe");
        answers[i] = ask(toAsk[i]);
      } catch (const std::exception& e) {
        failures[i] = e.what();
      }
    }
  };
  std::vector<std::thread> threads;
  const size_t count = std::min(std::max<size_t>(options_.concurrency, 1), toAsk.size());
  for (size_t t = 0; t < count; ++t) threads.emplace_back(worker);
  for (auto& t : threads) t.join();
  for (size_t i = 0; i < toAsk.size(); ++i) {
    if (!failures[i].empty()) throw std::runtime_error("download probe of " + toAsk[i] + " failed: " + failures[i]);
  }
  asked_ += toAsk.size();
  for (size_t i = 0; i < toAsk.size(); ++i) {
    keep(toAsk[i], answers[i]);
    out[toAsk[i]] = answers_[toAsk[i]] = answers[i];
  }
  return out;
}

}  // namespace mal::registry
