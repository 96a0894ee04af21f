// Questions about stages that several rules ask.
#pragma once

#include "analyzer/dockerfile/build_model.h"
#include "analyzer/shell/shell_model.h"

namespace mal::rules {

// A stage on the build machine's platform: `FROM --platform=$BUILDPLATFORM`, directly or
// through the stage it is based on.
bool runsOnBuildPlatform(const dockerfile::BuildModel& model, const dockerfile::Stage& stage);
// A stage pinned to some platform by --platform (constant or variable), directly or through its base stage.
bool hasPlatformFlag(const dockerfile::BuildModel& model, const dockerfile::Stage& stage);

// A command that compiles native code (go build, cargo build, gcc, make, dotnet publish, ...).
bool isNativeCompile(const shell::Command& command);
// The same, for toolchains that cross-compile by setting a variable or flag (Go, Rust, .NET, Zig).
bool isCrossCapableCompile(const shell::Command& command);

}  // namespace mal::rules
