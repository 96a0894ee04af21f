// libFuzzer target: the readers of the files that declare which platforms a project builds
// for (bake HCL and JSON, compose, GitHub workflows, Azure Pipelines, Cloud Build, Travis CI, CircleCI, Drone, Semaphore,
// Jenkinsfiles, GitLab CI,
// Fly.io, Heroku, Serverless, Makefiles, shell scripts) and the
// scanner of the build arguments they pass. All of it is text from the linted repository,
// read on every `lint`: it must never crash, hang or throw, whatever the bytes.
#include <cstddef>
#include <cstdint>
#include <set>
#include <string>

#include "analyzer/context/declared_platforms.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  const std::filesystem::path root = "/repo";
  (void)mal::context::readBakeFiles({{"docker-bake.hcl", text}}, root);
  (void)mal::context::readBakeFiles({{"docker-bake.json", text}}, root);
  (void)mal::context::readComposeFile(text, root);
  // The script a CI job runs, or a local action it uses, is the same bytes again: followed, never re-entered.
  const mal::context::ReadRepositoryFile sameBytes = [&](const std::filesystem::path&) { return std::optional(text); };
  (void)mal::context::readWorkflows({{".github/workflows/build.yml", text}}, root, sameBytes);
  (void)mal::context::readAzurePipeline(text, root);
  (void)mal::context::readCloudBuild(text, root);
  (void)mal::context::readTravisConfig(text, root, sameBytes);
  (void)mal::context::readCircleCiConfig(text, root, sameBytes);
  (void)mal::context::readDronePipelines(text, root, sameBytes);
  (void)mal::context::readSemaphorePipeline(text, root, sameBytes);
  (void)mal::context::readJenkinsfile(text, root, sameBytes);
  (void)mal::context::readGitlabCi(text, root);
  (void)mal::context::readFlyConfig(text, root);
  (void)mal::context::readHerokuManifest(text, root);
  (void)mal::context::readServerlessConfig(text, root);
  (void)mal::context::definesSutService(text);
  (void)mal::context::readMakefile(text, root);
  (void)mal::context::readShellScript(text, root);
  std::set<std::string> names;
  mal::context::collectBuildArgNames(text, names);
  (void)mal::context::platformOfImageReference(text.substr(0, 256));
  return 0;
}
