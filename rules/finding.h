// The one findings model shared by the three analyses and read by every reporter.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "analyzer/platform.h"

namespace mal {

enum class Severity { Info = 0, Warning = 1, Error = 2 };

std::string_view severityName(Severity s);  // "info", "warning", "error"
std::optional<Severity> parseSeverity(std::string_view text);

// Where a finding is. Dockerfile findings fill the file range; image and index findings
// (later analyses) fill the image fields and may also carry a file range.
struct Location {
  std::string path;  // a file, or "-" for stdin
  int line = 0;      // 1-based; 0 when the finding has no position in a file
  int column = 0;    // 1-based, in Unicode code points
  int endLine = 0;
  int endColumn = 0;       // exclusive
  std::string sourceLine;  // the text of `line`, for the text reporter's excerpt
  // Image findings: which image, which platform's filesystem, which file, which layer
  // wrote it. With --dockerfile, path/line/column point at the instruction that made it.
  std::string image;        // the scanned input
  std::string platform;     // "linux/arm64"
  std::string imagePath;    // "/usr/lib/libvendor.so"
  std::string layerDigest;  // "sha256:..."
  int layerIndex = -1;      // 0-based position in the manifest
  std::string pointer;      // index findings: the descriptor's JSON pointer, /manifests/2
  bool isImage() const { return !platform.empty() || !pointer.empty(); }
};

struct Finding {
  std::string ruleId;  // "MA110"
  std::string slug;    // "arch-specific-download"
  Severity severity = Severity::Warning;
  std::string message;
  Location location;
  std::string fix;  // how to fix it, in words; empty when the message says it
  // Other places that explain it: where a value used here was defined (SARIF relatedLocations).
  struct Related {
    Location location;
    std::string message;  // "ARCH is set here"
  };
  std::vector<Related> related;
  // Dockerfile findings: the target platforms this finding breaks (or degrades), when the
  // rule knows them; empty when it concerns every target (or the rule does not say).
  // Image and index findings name their platform in the location instead.
  std::vector<Platform> breaks;
};

}  // namespace mal
