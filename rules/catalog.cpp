#include "rules/catalog.h"

#include "analyzer/text_util.h"

namespace mal::rules {

extern const DockerfileRule kMA001, kMA002, kMA101, kMA102, kMA103, kMA104, kMA105, kMA106, kMA110, kMA111, kMA112, kMA120,
    kMA130, kMA131, kMA132, kMA140, kMA141, kMA142, kMA143, kMA144, kMA145, kMA146, kMA147, kMA148, kMA149, kMA150, kMA151,
    kMA152, kMA153, kMA154;

const std::vector<const DockerfileRule*>& dockerfileRules() {
  static const std::vector<const DockerfileRule*> rules = {
      &kMA001,  // dockerfile-parse-error        (emitted by the engine)
      &kMA002,  // invalid-pragma                (emitted by the engine)
      &kMA101,  // constant-platform-flag
      &kMA102,  // redundant-target-platform
      &kMA103,  // arch-prefixed-base-image
      &kMA104,  // base-image-missing-platform    (lint --resolve)
      &kMA105,  // base-digest-pins-one-platform  (lint --resolve)
      &kMA106,  // stage-selector-missing-platform
      &kMA110,  // arch-specific-download
      &kMA111,  // arch-only-package
      &kMA112,  // foreign-userland
      &kMA120,  // arch-specific-path
      &kMA130,  // hardcoded-target-arch
      &kMA131,  // x86-only-compiler-flag
      &kMA132,  // host-tuned-compiler-flag
      &kMA140,  // platform-arg-undeclared
      &kMA141,  // buildplatform-stage-builds-for-host
      &kMA142,  // emulated-compile-stage
      &kMA143,  // incomplete-arch-switch
      &kMA144,  // arch-probe-lost-between-runs
      &kMA145,  // platform-arg-default
      &kMA146,  // arch-vocabulary-mismatch
      &kMA147,  // download-missing-for-platform  (lint --probe-downloads)
      &kMA148,  // switch-on-fixed-arch
      &kMA149,  // platform-test-never-matches
      &kMA150,  // prebuilt-binary-copied
      &kMA151,  // foreign-binary-executed       (reads the build context)
      &kMA152,  // arch-test-ends-run
      &kMA153,  // build-arch-in-target-stage
      &kMA154,  // switch-arm-sets-other-arch
  };
  return rules;
}

extern const ImageRule kMA201, kMA202, kMA203, kMA204, kMA205, kMA206, kMA207, kMA208, kMA209, kMA210;

const std::vector<const ImageRule*>& imageRules() {
  static const std::vector<const ImageRule*> rules = {
      &kMA201,  // foreign-arch-binary
      &kMA202,  // entrypoint-cannot-start
      &kMA203,  // missing-elf-interpreter
      &kMA204,  // missing-shared-library
      &kMA205,  // page-alignment-too-small
      &kMA206,  // x86-isa-level-required
      &kMA207,  // arm-float-abi-mismatch
      &kMA208,  // native-lib-missing-for-arch
      &kMA209,  // file-not-examined
      &kMA210,  // arm-isa-newer-than-variant
  };
  return rules;
}

extern const IndexRule kMA301, kMA302, kMA303, kMA304, kMA305, kMA306, kMA307, kMA308, kMA309;

const std::vector<const IndexRule*>& indexRules() {
  static const std::vector<const IndexRule*> rules = {
      &kMA301,  // missing-required-platform
      &kMA302,  // single-platform-image
      &kMA303,  // platform-config-mismatch
      &kMA304,  // duplicate-platform
      &kMA305,  // non-normalized-platform
      &kMA306,  // blob-digest-mismatch
      &kMA307,  // media-type-mismatch
      &kMA308,  // unlabelled-unknown-platform
      &kMA309,  // identical-platform-images
  };
  return rules;
}

std::vector<const RuleInfo*> allRules() {
  std::vector<const RuleInfo*> out;
  for (const auto* rule : dockerfileRules()) out.push_back(&rule->info);
  for (const auto* rule : imageRules()) out.push_back(&rule->info);
  for (const auto* rule : indexRules()) out.push_back(&rule->info);
  return out;
}

const RuleInfo* findRule(std::string_view idOrSlug) {
  const std::string wanted = text::lower(idOrSlug);
  for (const auto* info : allRules()) {
    if (text::lower(info->id) == wanted || info->slug == wanted) return info;
  }
  return nullptr;
}

}  // namespace mal::rules
