// Back to the source: which Dockerfile instruction made each layer of an image, from the
// config's history (`created_by`) aligned with the final stage's layer-making
// instructions. Layers older than the Dockerfile's own come from its base image and map
// to the FROM line of the stage they came through.
#pragma once

#include <optional>
#include <string>
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

// The Dockerfile an image was built from (scan --dockerfile), parsed and modelled once:
// it points each image finding that names a layer at the instruction that made that layer
// (path, line and columns of the Dockerfile). Findings of layers that cannot be mapped
// keep their image location only. Not copied or moved: it keeps the text its parse read.
class DockerfileOrigin {
 public:
  explicit DockerfileOrigin(SourceText source);
  DockerfileOrigin(const DockerfileOrigin&) = delete;
  DockerfileOrigin& operator=(const DockerfileOrigin&) = delete;

  // Why the Dockerfile cannot be used (it does not parse, as BuildKit would say); then
  // locate() changes nothing.
  const std::optional<std::string>& error() const { return error_; }
  void locate(std::vector<Finding>& findings, const image::ScannedImage& scanned) const;

 private:
  SourceText source_;
  std::optional<dockerfile::ParsedDockerfile> file_;
  std::optional<dockerfile::BuildModel> model_;
  std::optional<std::string> error_;
};

}  // namespace mal::rules
