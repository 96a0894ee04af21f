// The building blocks of the index rules' runnable examples: an OCI layout held in memory
// (real JSON documents under their real sha256 digests) that the real index reader reads.
// A rule file assembles a bad layout that gives the rule and a good one, one change apart,
// that does not; `rules ID` and docs/rules.md print what the rule says on the bad one.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "analyzer/image/index_reader.h"

namespace mal::rules::example_models {

// One platform's image in the layout: its manifest's descriptor in the index and what its
// config says. The defaults make a correct entry; a rule's example changes one thing.
struct ExampleEntry {
  std::string platform;                                  // the descriptor's platform as written ("linux/arm64"; "" for none)
  std::string configPlatform;                            // what the config says; the descriptor's platform when empty
  std::string describedAs = image::media::kOciManifest;  // the descriptor's media type
  std::string declares = image::media::kOciManifest;     // the manifest's own mediaType
  std::string layerOf;                                   // the platform whose layer it holds (its own when empty)
  std::map<std::string, std::string> annotations;
  bool tampered = false;  // the manifest blob's bytes changed after its digest was taken
};

// The index of `entries` as the real reader reads it from the in-memory layout: an OCI
// index, or, with `single`, index.json naming one plain manifest without a platform.
image::IndexModel layoutOf(const std::vector<ExampleEntry>& entries, bool single = false);

// The message as the docs print it: every sha256 digest written `sha256:…` (the examples'
// digests say nothing a reader needs).
std::string digestsElided(const std::string& message);

}  // namespace mal::rules::example_models
