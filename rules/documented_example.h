// A rule's documented example as `rules` and docs/rules.md print it. A Dockerfile rule's
// example is a Dockerfile followed by a last line `# <ID>` (or `# <ID> with --platform
// <list>`); the message after it is not typed into the rule file but obtained here, by
// linting that Dockerfile with the engine, so the docs cannot drift from what the tool
// prints. An example whose message needs evidence from outside the file (the build
// context's files, a registry, a download server) is run in a documented world given to the
// engine in memory (documented_example.cpp says what it holds); the suite runs the same
// examples against a real build context, registry and server and requires the same message.
// An image rule's example is generated from its in-memory bad model, an index rule's from its
// in-memory bad OCI layout (ImageRule::examples, IndexRule::examples, beside each check).
#pragma once

#include <string>

#include "rules/rule.h"

namespace mal::rules {

// Is this rule's example message generated (a Dockerfile rule whose example's last line is
// `# <ID>` or `# <ID> with --platform <list>`, with no typed message; an image or index rule
// with no typed example)?
bool exampleIsGenerated(const RuleInfo& rule);

// The example with its message line complete: generated when exampleIsGenerated, else as
// written. A generated example that does not fire says so in its message line (the suite
// fails on that).
std::string documentedExample(const RuleInfo& rule);

}  // namespace mal::rules
