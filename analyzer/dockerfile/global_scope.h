// The values FROM lines are expanded with, as BuildKit's buildMetaArgs leaves them: the
// automatic platform ARGs of the platform being built, then each ARG before the first FROM,
// in order, its default expanded against what came before (a default replaces an automatic
// value). Kept apart from stage_graph.h, which most of the rules include.
#pragma once

#include "analyzer/dockerfile/build_model.h"
#include "analyzer/dockerfile/expand.h"
#include "analyzer/platform.h"

namespace mal::dockerfile {

// `target` null: the target's automatic ARGs hold a marker instead of a platform.
Environment globalScope(const BuildModel& model, const Platform* target, char escape);

}  // namespace mal::dockerfile
