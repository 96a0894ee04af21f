#include "rules/layer_mapping.h"

#include "analyzer/text_util.h"

namespace mal::rules {
namespace {

// The instruction keyword a history entry names: BuildKit writes `RUN /bin/sh -c ... #
// buildkit`, `COPY src dst # buildkit`; the classic builder `/bin/sh -c #(nop) COPY ...`.
std::string keywordOf(std::string createdBy) {
  createdBy = text::trim(createdBy);
  const std::string nop = "/bin/sh -c #(nop) ";
  if (text::startsWith(createdBy, nop)) createdBy = text::trim(createdBy.substr(nop.size()));
  else if (text::startsWith(createdBy, "/bin/sh -c ")) return "run";
  std::string first = text::lower(createdBy.substr(0, createdBy.find(' ')));
  if (first == "run" || first == "copy" || first == "add") return first;
  return {};
}

}  // namespace

std::vector<std::optional<size_t>> mapLayersToInstructions(const dockerfile::ParsedDockerfile& file,
                                                           const dockerfile::BuildModel& model, const image::Config& config,
                                                           size_t layerCount) {
  std::vector<std::optional<size_t>> out(layerCount);
  if (model.stages.empty()) return out;
  // The final stage, and the stages it is based on (FROM <stage>), oldest first.
  std::vector<const dockerfile::Stage*> chain;
  for (const dockerfile::Stage* s = &model.stages.back(); s && chain.size() < 64;
       s = s->parentStage ? &model.stages[*s->parentStage] : nullptr) {
    chain.insert(chain.begin(), s);
  }
  std::vector<size_t> makers;  // RUN/COPY/ADD of the chain, in build order
  for (const auto* stage : chain) {
    for (size_t index : stage->instructions) {
      const std::string& c = file.instructions[index].command;
      if (c == "run" || c == "copy" || c == "add") makers.push_back(index);
    }
  }
  // The history entries that made layers, in order (empty_layer ones made none).
  std::vector<std::string> layerHistory;
  for (const auto& h : config.history) {
    if (!h.emptyLayer) layerHistory.push_back(h.createdBy);
  }
  const bool historyFits = layerHistory.size() == layerCount;
  // Align from the end: the last layer is the last instruction that made one.
  size_t matched = 0;
  for (size_t k = 0; k < makers.size() && k < layerCount; ++k) {
    const size_t layer = layerCount - 1 - k;
    const size_t instruction = makers[makers.size() - 1 - k];
    if (historyFits) {
      const std::string keyword = keywordOf(layerHistory[layer]);
      if (!keyword.empty() && keyword != file.instructions[instruction].command) break;  // out of step: stop
    }
    out[layer] = instruction;
    ++matched;
  }
  // What is left below came with the base image.
  const size_t baseFrom = chain.front()->fromInstruction;
  for (size_t layer = 0; layer + matched < layerCount; ++layer) out[layer] = baseFrom;
  return out;
}

DockerfileOrigin::DockerfileOrigin(SourceText source) : source_(std::move(source)) {
  auto parsed = dockerfile::parse(source_);
  if (!parsed.dockerfile) {
    error_ = parsed.error->describe();
    return;
  }
  file_ = std::move(parsed.dockerfile);
  model_ = dockerfile::buildModel(*file_);
}

void DockerfileOrigin::locate(std::vector<Finding>& findings, const image::ScannedImage& scanned) const {
  if (!model_) return;
  const SourceText& source = source_;
  const dockerfile::ParsedDockerfile& file = *file_;
  for (const auto& platform : scanned.platforms) {
    const auto mapping = mapLayersToInstructions(file, *model_, platform.config, platform.layers.size());
    for (auto& f : findings) {
      if (f.location.platform != platform.platform.str() || f.location.layerIndex < 0 ||
          static_cast<size_t>(f.location.layerIndex) >= mapping.size()) {
        continue;
      }
      const auto& instruction = mapping[static_cast<size_t>(f.location.layerIndex)];
      if (!instruction) continue;
      const auto& in = file.instructions[*instruction];
      const Position start = source.position(in.span.begin);
      const Position end = source.position(in.line.text.empty() ? in.span.end : in.line.origin[in.line.text.size() - 1] + 1);
      f.location.path = source.path();
      f.location.line = start.line;
      f.location.column = start.column;
      f.location.endLine = end.line;
      f.location.endColumn = end.column;
      f.location.sourceLine = std::string(source.lineText(start.line));
    }
  }
}

}  // namespace mal::rules
