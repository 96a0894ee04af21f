// What `lint` and `scan` share: rule ignores, the failure threshold, colour, and writing
// the report to stdout or a file. Each returns false (or nullopt) after a one-line error.
#pragma once

#include <optional>
#include <ostream>
#include <set>
#include <string>
#include <vector>

#include "cli/commands.h"
#include "cli/config.h"
#include "report/reporter.h"

namespace mal::cli {

// The configuration file every command reads (lint, scan, manifest): `configPath` when
// given, else the discovered one, none with `noConfig`. nullopt after a one-line error.
std::optional<Config> loadSettings(const std::string& configPath, bool noConfig, std::ostream& err);

// Adds the ids of the named rules (ids or slugs, repeatable, comma-separated).
bool addIgnoredRules(const std::vector<std::string>& names, std::set<std::string>& ids, std::ostream& err);
// The failure threshold when neither the flag nor the configuration sets one: warnings and
// errors fail a run, info findings (speed notes) do not. An info-only file must not break a
// CI gate by default; `-t info` restores the strict behaviour.
inline const Threshold kDefaultThreshold{Severity::Warning};

// --failure-threshold when given, else `fallback`.
std::optional<Threshold> thresholdOption(const std::string& text, Threshold fallback, std::ostream& err);
bool wantsColour(const std::string& color, const std::string& output, bool terminal);
bool writeReport(report::Format format, const report::Report& result, const std::string& output,
                 const report::TextOptions& options, std::ostream& out, std::ostream& err);

// Prints a line on stderr for each input that could not be analysed, writes the report,
// and returns the exit code: 2 when an input could not be analysed,
// 1 when a finding is at or above the threshold, else 0.
int finishReport(report::Format format, report::Report& report, const std::string& output, const std::string& color,
                 const Threshold& threshold, Streams streams);

}  // namespace mal::cli
