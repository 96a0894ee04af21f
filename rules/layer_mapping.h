// Back to the source: which Dockerfile instruction made each layer of an image, from the
// config's history (`created_by`) aligned with the final stage's layer-making
// instructions. Layers older than the Dockerfile's own come from its base image and map
// to the FROM line of the stage they came through.
#pragma once

#include <optional>
#include <vector>

#include "analyzer/dockerfile/build_model.h"
#include "analyzer/image/image_reader.h"
#include "analyzer/source_text.h"
#include "rules/finding.h"

namespace mal::rules {

// Per layer index: the index of the instruction in `file`, when known.
std::vector<std::optional<size_t>> mapLayersToInstructions(const dockerfile::ParsedDockerfile& file,
                                                           const dockerfile::BuildModel& model, const image::Config& config,
                                                           size_t layerCount);

// Points each image finding that names a layer at the instruction that made that layer
// (path, line and columns of `source`, the Dockerfile `scanned` was built from). Findings
// of layers that cannot be mapped keep their image location only.
void locateOnDockerfile(std::vector<Finding>& findings, const image::ScannedImage& scanned, const SourceText& source,
                        const dockerfile::ParsedDockerfile& file, const dockerfile::BuildModel& model);

}  // namespace mal::rules
