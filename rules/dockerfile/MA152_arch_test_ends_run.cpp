// MA152: a RUN whose last statement is `[ <architecture test> ] && cmd`. BuildKit runs a
// shell-form RUN as `/bin/sh -c '<script>'` and fails the step on a non-zero exit status, and
// the status of `false && cmd` is 1: on every platform where the test is false, the build
// stops at this step. (foundry-rs/foundry Dockerfile before f6c4365: `RUN [[ "$TARGETARCH" =
// "arm64" ]] && echo "export CFLAGS=..." >> $HOME/.profile` broke the amd64 build.)
#include <algorithm>

#include "analyzer/shell/arch_vocabulary.h"
#include "analyzer/text_util.h"
#include "rules/dockerfile/context.h"

namespace mal::rules {
namespace {

// An equality test (`[ "$A" = arm64 ]`, `[[ $(uname -m) == aarch64 ]]`): true only on the
// architectures it names. A negation, `-o` or `||` makes it something else: no verdict.
bool isEqualityTest(std::string_view condition) {
  while (!condition.empty() && (condition.front() == ' ' || condition.front() == '\t')) condition.remove_prefix(1);
  if (!text::startsWith(condition, "[") && !text::startsWith(condition, "test ")) return false;
  for (std::string_view negation : {"!=", "! ", "-o", "||", "-ne"}) {
    if (condition.find(negation) != std::string_view::npos) return false;
  }
  return condition.find('=') != std::string_view::npos;
}

void check(const DockerfileContext& ctx, const RuleInfo& rule, FindingSink& out) {
  for (const auto& run : ctx.model.scripts) {
    const auto& script = run.script;
    if (script.hasSyntaxError || script.commands.empty()) continue;
    // Only a RUN's own script: a COPY heredoc that a later RUN executes is judged by how it runs.
    if (ctx.instruction(run.instruction).command != "run") continue;
    // The last command: the one that ends last in the script.
    const auto last = std::max_element(script.commands.begin(), script.commands.end(),
                                       [](const shell::Command& a, const shell::Command& b) { return a.end < b.end; });
    // It must sit in exactly one `&&` on an architecture test (a statement after it, or an
    // `|| true`, would be a later command, and an enclosing if or case another branch).
    if (last->branches.size() != 1) continue;
    const auto& branch = last->branches.front();
    if (branch.kind != shell::Branch::Kind::AndThen || !branch.onArchitecture || branch.guard ||
        !isEqualityTest(branch.condition))
      continue;
    std::vector<Platform> named;
    for (const auto& token : vocab::findArchTokens(branch.condition)) named.push_back(token.platform);
    if (named.empty()) continue;
    const auto broken = ctx.stages->brokenWhere(run.stage, [&](const Platform& target) {
      return std::any_of(named.begin(), named.end(), [&](const Platform& p) { return dockerfile::runsOn(p, target); });
    });
    if (broken.empty()) continue;
    const size_t at = script.source.text.find(branch.condition);
    const Span span = at == std::string::npos ? script.source.span(last->begin, last->end)
                                              : script.source.span(at, at + branch.condition.size());
    out.report(rule, span,
               "the RUN ends with `" + branch.condition +
                   " && ...`: where the test is false its exit status is 1, "
                   "and the build fails at this step on " +
                   platformList(broken),
               "use `if ...; then ...; fi` (whose status is 0 when the test is false), or end the line with `|| true`",
               std::nullopt, broken);
  }
}

}  // namespace

extern const DockerfileRule kMA152 = {
    {.id = "MA152",
     .slug = "arch-test-ends-run",
     .severity = Severity::Error,
     .analysis = Analysis::Dockerfile,
     .summary = "A RUN ends with `[ architecture test ] && ...`, which fails the build where the test is false",
     .what = "A RUN whose last statement is an equality test on the architecture ($TARGETARCH, `uname -m`, `dpkg "
             "--print-architecture`) joined with `&&` to a command, with nothing after it: `RUN [ \"$TARGETARCH\" = "
             "arm64 ] && apt-get install -y foo`.",
     .why = "BuildKit runs a shell-form RUN as `/bin/sh -c` and fails the step on a non-zero exit status. The status "
            "of `false && cmd` is 1, so on every target platform where the test is false the build stops here.",
     .example = "FROM debian\n"
                "ARG TARGETARCH\n"
                "RUN [ \"$TARGETARCH\" = \"arm64\" ] && echo \"export CFLAGS=-mno-outline-atomics\" >> $HOME/.profile\n"
                "# MA152",
     .fix = "Write `if [ ... ]; then ...; fi`, whose status is 0 when the test is false, or end with `|| true`.",
     .bad = {"FROM alpine\nARG TARGETARCH\nRUN [ \"$TARGETARCH\" = \"arm64\" ] && echo arm > /etc/arch\n",
             "FROM debian\nRUN [ \"$(uname -m)\" = x86_64 ] && apt-get install -y cpuid\n"},
     .good = {"FROM alpine\nARG TARGETARCH\nRUN if [ \"$TARGETARCH\" = \"arm64\" ]; then echo arm > /etc/arch; fi\n",
              "FROM alpine\nARG TARGETARCH\nRUN [ \"$TARGETARCH\" = \"arm64\" ] && echo arm > /etc/arch || true\n",
              "FROM alpine\nARG TARGETARCH\nRUN [ \"$TARGETARCH\" = \"arm64\" ] && echo arm > /etc/arch; echo done\n",
              "FROM alpine\nARG TARGETARCH\nRUN [ \"$TARGETARCH\" != \"s390x\" ] && echo ok\n"}},
    check};

}  // namespace mal::rules
