// MA143: a switch on the architecture with no arm for some target platform and no
// failing default: the build goes on with whatever the switch was meant to set unset.
#include <algorithm>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "analyzer/shell/arch_vocabulary.h"
#include "rules/dockerfile/context.h"

namespace mal::rules {
namespace {

// What dependsOnSwitch asks of a script, gathered once per script: asked at every incomplete
// switch, a pass over the script each was quadratic in a script's switches (audit H10).
class SwitchReadings {
 public:
  explicit SwitchReadings(const shell::Script& script) : script_(script) {
    for (size_t i = 0; i < script.assignments.size(); ++i) byBegin_.push_back({script.assignments[i].value.begin, i});
    std::sort(byBegin_.begin(), byBegin_.end());
    for (const auto& use : script.variableUses) {
      auto& last = lastUse_[use.name];
      last = std::max(last, use.begin + 1);  // one past, so 0 means never
    }
    findEmptinessTests(script.source.text);
  }

  // Does the script depend on what the switch sets? Only if it expands a variable the arms
  // assign, and handles none of them as optional: a variable given a value before the
  // switch (`rustArch=;`) or tested for emptiness after it (`[ -n "$rustArch" ]`) marks
  // the switch as a deliberate fast path for some platforms.
  bool dependsOnSwitch(const shell::ArchSwitch& sw) const {
    std::set<std::string> assigned;
    const auto first = std::lower_bound(byBegin_.begin(), byBegin_.end(), std::pair<size_t, size_t>{sw.begin, 0});
    for (auto it = first; it != byBegin_.end() && it->first < sw.end; ++it) {
      const auto& a = script_.assignments[it->second];
      if (a.value.end <= sw.end && !a.branches.empty()) assigned.insert(a.name);
    }
    for (const auto& name : assigned) {
      if (script_.assignedBefore(name, sw.begin).plain) return false;
      if (const auto test = lastEmptinessTest_.find(name); test != lastEmptinessTest_.end() && test->second >= sw.end)
        return false;
    }
    return std::any_of(assigned.begin(), assigned.end(), [&](const std::string& name) {
      const auto last = lastUse_.find(name);
      return last != lastUse_.end() && last->second > sw.end;  // a use at or after the switch's end
    });
  }

 private:
  // Each `-n "$name"` / `-z ${name}` of the text: per name, where the last one starts.
  void findEmptinessTests(std::string_view text) {
    for (size_t at = text.find('-'); at != std::string_view::npos; at = text.find('-', at + 1)) {
      if (at + 2 >= text.size() || (text[at + 1] != 'n' && text[at + 1] != 'z') ||
          !std::isspace(static_cast<unsigned char>(text[at + 2])))
        continue;
      size_t i = at + 2;
      while (i < text.size() && std::isspace(static_cast<unsigned char>(text[i]))) ++i;
      if (i < text.size() && text[i] == '"') ++i;
      if (i >= text.size() || text[i] != '$') continue;
      ++i;
      if (i < text.size() && text[i] == '{') ++i;
      size_t end = i;
      while (end < text.size() && (std::isalnum(static_cast<unsigned char>(text[end])) || text[end] == '_')) ++end;
      if (end == i) continue;
      lastEmptinessTest_[std::string(text.substr(i, end - i))] = at;
    }
  }

  const shell::Script& script_;
  std::vector<std::pair<size_t, size_t>> byBegin_;  // (value begin, index in assignments)
  std::map<std::string, size_t> lastUse_;           // per name, one past where its last use starts
  std::map<std::string, size_t> lastEmptinessTest_;
};

// The platforms the switch must cover: those that build the stage on their own platform; the
// pinned platform in a pinned stage; on the build machine only a switch on TARGET* matters.
std::vector<Platform> platformsToCover(const DockerfileContext& ctx, size_t stage, const shell::ArchSwitch& sw) {
  const auto& where = ctx.stages->platform[stage];
  switch (where.runs) {
    case dockerfile::StageRuns::OnTarget: return ctx.stages->targetsReaching(stage);
    case dockerfile::StageRuns::Pinned: return where.pinned ? std::vector<Platform>{*where.pinned} : std::vector<Platform>{};
    case dockerfile::StageRuns::OnBuilder:
      return sw.subject.find("TARGET") != std::string::npos ? ctx.targets : std::vector<Platform>{};
  }
  return {};
}

bool armCovers(const shell::ArchSwitch::Arm& arm, const Platform& target) {
  return std::any_of(arm.patterns.begin(), arm.patterns.end(),
                     [&](const std::string& p) { return p != "*" && vocab::switchPatternCovers(p, target); });
}

bool isFallback(const shell::ArchSwitch::Arm& arm) {
  return std::find(arm.patterns.begin(), arm.patterns.end(), "*") != arm.patterns.end();
}

void check(const DockerfileContext& ctx, const RuleInfo& rule, FindingSink& out) {
  // Per stage, the platforms an earlier switch already turned away (arms that fail, or a
  // failing default): the build stops there, so later switches need no arm for them.
  // Only a switch with a failing default turns anything away. Each stage and target keeps how
  // far it has read that list, so every switch is matched against a target once (asking all
  // earlier switches at every switch was quadratic in a script's switches, audit H10).
  std::map<size_t, std::vector<const shell::ArchSwitch*>> rejecting;
  std::map<std::pair<size_t, std::string>, std::pair<size_t, bool>> rejectedSoFar;  // read up to, rejected
  const auto rejectedEarlier = [&](size_t stage, const Platform& target) {
    const auto& switches = rejecting[stage];
    auto& [readUpTo, rejected] = rejectedSoFar[{stage, target.str()}];
    for (; readUpTo < switches.size() && !rejected; ++readUpTo) {
      bool covered = false;
      for (const auto& arm : switches[readUpTo]->arms) {
        if (armCovers(arm, target)) covered = !arm.fails;
      }
      rejected = !covered;
    }
    return rejected;
  };
  for (const auto& run : ctx.model.scripts) {
    std::optional<SwitchReadings> readings;  // only for a script with an incomplete switch
    for (const auto& sw : run.script.archSwitches) {
      const auto targets = platformsToCover(ctx, run.stage, sw);
      std::vector<Platform> missed;
      for (const auto& target : targets) {
        const bool covered = std::any_of(sw.arms.begin(), sw.arms.end(), [&](const auto& arm) { return armCovers(arm, target); });
        if (!covered && !rejectedEarlier(run.stage, target)) missed.push_back(target);
      }
      if (std::any_of(sw.arms.begin(), sw.arms.end(), [](const auto& arm) { return isFallback(arm) && arm.fails; }))
        rejecting[run.stage].push_back(&sw);
      if (missed.empty()) continue;
      const auto fallback = std::find_if(sw.arms.begin(), sw.arms.end(), isFallback);
      // A default that fails, sets something (`*) ARCH=amd64`) or does something covers the rest.
      if (fallback != sw.arms.end() && (fallback->fails || fallback->assigns || fallback->acts)) continue;
      const bool anyAssigns = std::any_of(sw.arms.begin(), sw.arms.end(), [](const auto& arm) { return arm.assigns; });
      if (!readings) readings.emplace(run.script);
      if (!anyAssigns || !readings->dependsOnSwitch(sw)) continue;  // optional per-platform work
      out.report(rule, run.script.source.span(sw.begin, sw.begin + 4),
                 "the switch on " + sw.subject + " has no arm for " + platformList(missed) + " and " +
                     (fallback != sw.arms.end() ? "a default that does not fail" : "no default") +
                     ": on those platforms the build goes on with what it sets left unset",
                 "add the missing arms, or end with `*) echo \"unsupported architecture\" >&2; exit 1 ;;`", std::nullopt, missed);
    }
  }
}

}  // namespace

extern const DockerfileRule kMA143 = {
    {.id = "MA143",
     .slug = "incomplete-arch-switch",
     .severity = Severity::Warning,
     .analysis = Analysis::Dockerfile,
     .summary = "A switch on the architecture misses a target platform and has no failing default",
     .what = "A `case` on an architecture probe whose arms set something (a URL, a checksum, a name) but cover "
             "not every target platform (matching each arm's patterns against every vocabulary: dpkg, uname, apk, "
             "GOARCH, platform strings), with no default arm or one that neither fails nor does anything.",
     .why = "On the missing platform the variables stay empty and the build goes on: `curl` fetches a directory "
            "listing, `tar` fails far from the cause, or the image quietly lacks the tool.",
     .example = "FROM debian\n"
                "RUN case \"$(uname -m)\" in x86_64) ARCH=amd64 ;; esac; curl -fsSLO \"https://example.com/tool-$ARCH\"\n"
                "# MA143",
     .fix = "Add the missing arms, or end the switch with `*) echo \"unsupported architecture: $arch\" >&2; exit 1 ;;`.",
     .bad = {"FROM debian\nRUN case \"$(uname -m)\" in x86_64) ARCH=amd64 ;; esac; curl -fsSLO \"https://x/tool-$ARCH\"\n",
             "FROM debian\nRUN case \"$(dpkg --print-architecture)\" in amd64) a=x64 ;; *) echo unsupported ;; esac; "
             "curl -fsSLO \"https://nodejs.org/dist/v20.15.0/node-v20.15.0-linux-$a.tar.xz\"\n"},
     .good =
         {"FROM debian\nRUN case \"$(uname -m)\" in x86_64) ARCH=amd64 ;; aarch64) ARCH=arm64 ;; esac\n",
          "FROM debian\nRUN fast=; case \"$(uname -m)\" in x86_64) fast=x86_64; url=https://x/$fast ;; esac; "
          "if [ -n \"$fast\" ]; then curl -fsSLO \"$url\"; else make; fi\n",
          "FROM debian\nRUN case \"$(dpkg --print-architecture)\" in amd64) a=x64 ;; *) echo unsupported >&2; exit 1 ;; esac\n",
          "FROM debian\nRUN case \"$(dpkg --print-architecture)\" in amd64) apt-get install -y cpuid ;; esac\n",
          "FROM debian\nRUN case \"$(uname -m)\" in aarch64) A=arm64 ;; *) A=amd64 ;; esac; curl -fsSLO \"https://x/tool-$A\"\n",
          "FROM debian\nRUN case \"$(uname -m)\" in x86_64) ;; *) echo unsupported >&2; exit 1 ;; esac\n"
          "RUN case \"$(uname -m)\" in x86_64) A=amd64 ;; esac; curl -fsSLO \"https://x/tool-$A\"\n"}},
    check};

}  // namespace mal::rules
