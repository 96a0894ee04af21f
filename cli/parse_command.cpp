// `multiarch-lint parse FILE`: the syntax tree as JSON, or BuildKit's own dump format
// (`--format buildkit`), which the conformance test compares byte for byte.
#include <ostream>

#include "analyzer/dockerfile/ast.h"
#include "analyzer/dockerfile/json_dump.h"
#include "cli/commands.h"

namespace mal::cli {

int runParse(const ParseOptions& options, Streams streams) {
  if (options.format != "json" && options.format != "buildkit") {
    streams.err << "multiarch-lint: parse: unknown format '" << options.format << "' (json or buildkit)\n";
    return kExitInputError;
  }
  std::string error;
  auto bytes = readInput(options.path, streams.in, error);
  if (!bytes) {
    streams.err << "multiarch-lint: " << options.path << ": cannot read: " << error << '\n';
    return kExitInputError;
  }
  const SourceText source(options.path, std::move(*bytes));
  const auto result = dockerfile::parse(source);
  if (result.error) {
    streams.err << options.path << ':' << result.error->line << ": " << result.error->describe() << '\n';
    return kExitFindings;
  }
  if (options.format == "buildkit") {
    streams.out << dockerfile::buildkitDump(*result.dockerfile);
  } else {
    // A Dockerfile need not be UTF-8; JSON must be: invalid bytes become U+FFFD.
    streams.out << dockerfile::toJson(*result.dockerfile, source).dump(2, ' ', false, nlohmann::json::error_handler_t::replace)
                << '\n';
  }
  return kExitClean;
}

}  // namespace mal::cli
