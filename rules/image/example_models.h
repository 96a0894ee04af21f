// The building blocks of the image rules' runnable examples: in-memory platform models, one
// layer each, that a rule file assembles beside its check (a bad model that gives the rule,
// a good one, one change apart, that does not). `rules ID` and docs/rules.md print what the
// rule says on its bad model, and the suite checks both models.
#pragma once

#include <string>
#include <vector>

#include "analyzer/image/image_reader.h"

namespace mal::rules::example_models {

// A regular file (`path` without the leading '/').
image::LayerEntry file(const std::string& path, uint32_t mode = 0755);
// An ELF file of one machine (EM_X86_64, EM_AARCH64, ...) and class.
image::LayerEntry elfFile(const std::string& path, uint16_t machine, int bits = 64);
// One platform whose only layer holds `entries`, started by `entrypoint`.
image::ScannedImage imageOf(const std::string& platform, std::vector<image::LayerEntry> entries,
                            std::vector<std::string> entrypoint = {"/bin/app"});

}  // namespace mal::rules::example_models
