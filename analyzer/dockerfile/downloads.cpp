#include "analyzer/dockerfile/downloads.h"

#include <algorithm>
#include <set>

#include "analyzer/text_util.h"

namespace mal::dockerfile {

namespace {

enum class Taken { No, Yes, Unknown };

std::string baseNameOf(const std::string& path) {
  const size_t slash = path.rfind('/');
  return slash == std::string::npos ? path : path.substr(slash + 1);
}

// Splits a short command or test on blanks, dropping the quotes around words.
std::vector<std::string> splitWords(const std::string& text) {
  std::vector<std::string> words;
  std::string current;
  bool inWord = false;
  char quote = 0;
  for (const char c : text) {
    if (quote) {
      if (c == quote) {
        quote = 0;
      } else {
        current += c;
      }
    } else if (c == '"' || c == '\'') {
      quote = c;
      inWord = true;
    } else if (c == ' ' || c == '\t' || c == '\n') {
      if (inWord) words.push_back(current);
      current.clear();
      inWord = false;
    } else {
      current += c;
      inWord = true;
    }
  }
  if (inWord) words.push_back(current);
  return words;
}

// A shell glob (`*`, `?`, `[...]`) against a whole string, iteratively (no backtracking
// blow-up: the classic two-pointer match with one remembered star).
bool globMatches(const std::string& pattern, const std::string& text) {
  size_t p = 0, t = 0, starP = std::string::npos, starT = 0;
  auto matchOne = [&](size_t& pi, char c) -> bool {  // advances pi past one pattern element
    if (pattern[pi] == '?') {
      ++pi;
      return true;
    }
    if (pattern[pi] == '[') {
      const size_t close = pattern.find(']', pi + 2);
      if (close != std::string::npos) {
        size_t i = pi + 1;
        const bool negate = pattern[i] == '!' || pattern[i] == '^';
        if (negate) ++i;
        bool found = false;
        for (; i < close; ++i) {
          if (i + 2 < close && pattern[i + 1] == '-') {
            found = found || (c >= pattern[i] && c <= pattern[i + 2]);
            i += 2;
          } else {
            found = found || c == pattern[i];
          }
        }
        pi = close + 1;
        return found != negate;
      }
    }
    if (pattern[pi] == '\\' && pi + 1 < pattern.size()) ++pi;
    return pattern[pi++] == c;
  };
  while (t < text.size()) {
    if (p < pattern.size() && pattern[p] == '*') {
      starP = p++;
      starT = t;
      continue;
    }
    size_t next = p;
    if (p < pattern.size() && matchOne(next, text[t])) {
      p = next;
      ++t;
    } else if (starP != std::string::npos) {
      p = starP + 1;
      t = ++starT;
    } else {
      return false;
    }
  }
  while (p < pattern.size() && pattern[p] == '*') ++p;
  return p == pattern.size();
}

class Evaluator {
 public:
  Evaluator(const Platform& platform) : platform_(platform) {}

  // A word as written (quotes and all: expandWord removes them as the shell does) with the
  // architecture probes substituted and the variables expanded; nullopt when anything in
  // it is unknown.
  std::optional<std::string> evaluate(const std::string& word, const Environment& env) const {
    std::string out;
    for (size_t i = 0; i < word.size();) {
      if (word.compare(i, 3, "$((") == 0) return std::nullopt;  // arithmetic
      if (word.compare(i, 2, "$(") == 0 || word[i] == '`') {
        const bool backtick = word[i] == '`';
        size_t j = i + (backtick ? 1 : 2);
        int depth = 1;
        for (; j < word.size(); ++j) {
          if (backtick ? word[j] == '`' : word[j] == ')') {
            if (backtick || --depth == 0) break;
          } else if (!backtick && word[j] == '(') {
            ++depth;
          }
        }
        if (j >= word.size()) return std::nullopt;
        const std::string inner = word.substr(i + (backtick ? 1 : 2), j - i - (backtick ? 1 : 2));
        const auto value = archProbeOutput(splitWords(inner), platform_);
        if (!value) return std::nullopt;
        out += *value;
        i = j + 1;
        continue;
      }
      out += word[i++];
    }
    const Expansion e = expandWord(out, env, '\\');
    if (!e.unset.empty()) return std::nullopt;
    return e.value;
  }

  // `[ "$a" = amd64 ]`, `[[ $(uname -m) == x86* ]]`, `test x = y`: nullopt unless it is one
  // comparison of two words this evaluator can spell out.
  std::optional<bool> test(std::string condition, const Environment& env) const {
    condition = text::trim(condition);
    while (!condition.empty() && (condition.back() == ';' || condition.back() == ' ' || condition.back() == '\n')) {
      condition.pop_back();
    }
    auto words = splitWords(condition);
    const bool bracketed = words.size() == 5 && ((words[0] == "[" && words[4] == "]") || (words[0] == "[[" && words[4] == "]]"));
    if (bracketed || (words.size() == 4 && words[0] == "test")) {
      words = {words[1], words[2], words[3]};  // the operands and operator, without `[ ]` or `test`
    } else {
      return std::nullopt;
    }
    const std::string& op = words[1];
    if (op != "=" && op != "==" && op != "!=") return std::nullopt;
    const auto left = evaluate(words[0], env);
    if (!left) return std::nullopt;
    const bool equal = globMatches(words[2], *left) || words[2] == *left;
    return op == "!=" ? !equal : equal;
  }

  // Does the platform take every branch around position `at` of the script?
  Taken takes(const std::vector<shell::Branch>& branches, size_t at, const shell::Script& script, const Environment& env) const {
    Taken result = Taken::Yes;
    for (const auto& branch : branches) {
      const Taken t = takesOne(branch, at, script, env);
      if (t == Taken::No) return Taken::No;
      if (t == Taken::Unknown) result = Taken::Unknown;
    }
    return result;
  }

 private:
  // The innermost switch of the script around `at` with this subject.
  static const shell::ArchSwitch* switchAround(const shell::Script& script, const std::string& subject, size_t at) {
    const shell::ArchSwitch* best = nullptr;
    for (const auto& sw : script.archSwitches) {
      if (sw.subject == subject && sw.begin <= at && at < sw.end && (!best || sw.end - sw.begin < best->end - best->begin)) {
        best = &sw;
      }
    }
    return best;
  }

  Taken takesOne(const shell::Branch& branch, size_t at, const shell::Script& script, const Environment& env) const {
    using Kind = shell::Branch::Kind;
    switch (branch.kind) {
      case Kind::CaseArm: {
        const auto subject = evaluate(branch.condition, env);
        if (!subject) return Taken::Unknown;
        auto armMatches = [&](const std::vector<std::string>& patterns) {
          return std::any_of(patterns.begin(), patterns.end(), [&](const std::string& p) { return globMatches(p, *subject); });
        };
        // The first arm that matches runs, so a `*)` arm is taken only when no earlier one matched.
        if (const auto* sw = switchAround(script, branch.condition, at)) {
          for (const auto& arm : sw->arms) {
            if (armMatches(arm.patterns)) return arm.patterns == branch.patterns ? Taken::Yes : Taken::No;
          }
          return Taken::No;
        }
        if (!armMatches(branch.patterns)) return Taken::No;
        const bool catchAll = std::find(branch.patterns.begin(), branch.patterns.end(), "*") != branch.patterns.end();
        return catchAll ? Taken::Unknown : Taken::Yes;
      }
      case Kind::IfThen: {
        const auto holds = test(branch.condition, env);
        return holds ? (*holds ? Taken::Yes : Taken::No) : Taken::Unknown;
      }
      case Kind::IfElse: {
        // The else of an if/elif chain depends on every condition of the chain.
        if (const auto* sw = switchAround(script, branch.condition, at); sw && sw->arms.size() > 2) return Taken::Unknown;
        const auto holds = test(branch.condition, env);
        return holds ? (*holds ? Taken::No : Taken::Yes) : Taken::Unknown;
      }
      case Kind::AndThen:
      case Kind::OrElse: {
        const bool andThen = branch.kind == Kind::AndThen;
        // `cmd && next` goes on when cmd succeeds, which a download that follows assumes.
        if (!branch.onArchitecture) return andThen ? Taken::Yes : Taken::No;
        const auto holds = test(branch.condition, env);
        if (!holds) return Taken::Unknown;
        return *holds == andThen ? Taken::Yes : Taken::No;
      }
    }
    return Taken::Unknown;
  }

  const Platform& platform_;
};

bool isHttpUrl(const std::string& text) { return text::startsWith(text, "http://") || text::startsWith(text, "https://"); }

// The global scope for one target: the automatic platform ARGs, then the ARGs before the
// first FROM (a default replaces an automatic value, as in BuildKit's buildMetaArgs).
// The build machine's values are unknown and left out.
Environment globalScope(const BuildModel& model, const Platform& target) {
  Environment env;
  env["TARGETPLATFORM"] = target.str();
  env["TARGETOS"] = target.os;
  env["TARGETARCH"] = target.architecture;
  env["TARGETVARIANT"] = target.variant;
  for (const auto& arg : model.globalArgs) {
    if (arg.value) {
      const Expansion e = expandWord(*arg.value, env, '\\');
      env[arg.name] = e.unset.empty() ? std::optional(e.value) : std::nullopt;
    } else if (!env.count(arg.name)) {
      env[arg.name] = std::nullopt;
    }
  }
  return env;
}

struct Builder {
  const ParsedDockerfile& file;
  const BuildModel& model;
  const StageGraph& graph;

  // The ARG/ENV environment of a stage before `before`, for target number `t`.
  Environment stageEnvironment(size_t stage, size_t before, size_t t, const Environment& globals, int depth = 0) const {
    Environment env;
    const size_t base = t < graph.baseFor[stage].size() ? graph.baseFor[stage][t] : std::string::npos;
    if (base != std::string::npos && base < stage && depth < 64) {
      env = stageEnvironment(base, static_cast<size_t>(-1), t, globals, depth + 1);
    }
    const Stage& s = model.stages[stage];
    for (const size_t idx : s.instructions) {
      if (idx >= before) break;
      const Instruction& in = file.instructions[idx];
      if (in.command == "arg") {
        for (const auto& d : s.args) {
          if (d.instruction != idx) continue;
          if (d.value) {
            const Expansion e = expandWord(*d.value, env, file.escapeToken);
            env[d.name] = e.unset.empty() ? std::optional(e.value) : std::nullopt;
          } else if (const auto g = globals.find(d.name); g != globals.end()) {
            env[d.name] = g->second;
          } else if (!env.count(d.name)) {
            env[d.name] = std::nullopt;
          }
        }
      } else if (in.command == "env") {
        for (size_t i = 0; i + 1 < in.args.size(); i += 3) {  // key, value, separator
          const Expansion e = expandWord(in.args[i + 1].value, env, file.escapeToken);
          env[in.args[i].value] = e.unset.empty() ? std::optional(e.value) : std::nullopt;
        }
      }
    }
    return env;
  }

  // The targets (by index) that build a stage on their own platform.
  std::vector<size_t> runningTargets(size_t stage) const {
    std::vector<size_t> out;
    if (graph.platform[stage].runs != StageRuns::OnTarget) return out;
    for (size_t t = 0; t < graph.targets.size(); ++t) {
      if (graph.reachedBy[stage][t]) out.push_back(t);
    }
    return out;
  }

  static bool varies(const std::vector<PlatformUrl>& urls) {
    std::set<std::string> distinct;
    for (const auto& u : urls) distinct.insert(u.url);
    return distinct.size() >= 2;
  }

  void fromRun(const RunScript& run, std::vector<Download>& out) const {
    const auto targets = runningTargets(run.stage);
    if (targets.size() < 2) return;
    const shell::Script& script = run.script;
    std::vector<const shell::Assignment*> assignments;
    for (const auto& a : script.assignments) assignments.push_back(&a);
    std::sort(assignments.begin(), assignments.end(),
              [](const auto* a, const auto* b) { return a->value.begin < b->value.begin; });
    for (const auto& command : script.commands) {
      size_t program = command.words.size();
      for (size_t i = 0; i < std::min<size_t>(command.words.size(), 3); ++i) {
        const std::string name = baseNameOf(command.words[i].literal);
        if (name == "curl" || name == "wget" || name == "aria2c") {
          program = i;
          break;
        }
      }
      for (size_t w = program + 1; w < command.words.size(); ++w) {
        const shell::Word& word = command.words[w];
        if (word.literal.empty() || word.literal[0] == '-') continue;
        std::vector<PlatformUrl> urls;
        bool complete = true;
        bool anyUrl = false;
        for (const size_t t : targets) {
          const Platform& platform = graph.targets[t];
          const Environment globals = globalScope(model, platform);
          Environment env = stageEnvironment(run.stage, run.instruction, t, globals);
          const Evaluator eval(platform);
          // The script's own assignments up to the download, in the arms this platform takes.
          for (const auto* a : assignments) {
            if (a->value.begin >= word.begin) break;
            switch (eval.takes(a->branches, a->value.begin, script, env)) {
              case Taken::No: break;
              case Taken::Unknown: env[a->name] = std::nullopt; break;
              case Taken::Yes: env[a->name] = eval.evaluate(a->value.text, env); break;
            }
          }
          const Taken runs = eval.takes(command.branches, word.begin, script, env);
          if (runs == Taken::No) continue;
          const auto url = runs == Taken::Yes ? eval.evaluate(word.text, env) : std::nullopt;
          if (!url) {
            complete = false;
            break;
          }
          if (!isHttpUrl(*url)) {
            complete = false;  // an output file, a header: not a URL on this platform
            break;
          }
          anyUrl = true;
          urls.push_back({platform, *url});
        }
        if (!complete || !anyUrl || !varies(urls)) continue;
        const Span span = script.source.span(word.begin, word.end);
        out.push_back({run.instruction, run.stage, span, word.literal, std::move(urls)});
      }
    }
  }

  void fromAdd(size_t stage, size_t index, std::vector<Download>& out) const {
    const Instruction& in = file.instructions[index];
    if (in.args.size() < 2) return;
    const auto targets = runningTargets(stage);
    if (targets.size() < 2) return;
    for (size_t a = 0; a + 1 < in.args.size(); ++a) {
      const auto& arg = in.args[a];
      std::vector<PlatformUrl> urls;
      bool complete = true;
      for (const size_t t : targets) {
        const Platform& platform = graph.targets[t];
        const Environment env = stageEnvironment(stage, index, t, globalScope(model, platform));
        const Expansion e = expandWord(arg.value, env, file.escapeToken);
        // A Git repository (ADD https://host/repo.git#ref) is cloned, not downloaded.
        if (!e.unset.empty() || !isHttpUrl(e.value) || e.value.find(".git#") != std::string::npos ||
            text::endsWith(e.value, ".git")) {
          complete = false;
          break;
        }
        urls.push_back({platform, e.value});
      }
      if (complete && varies(urls)) out.push_back({index, stage, arg.span, arg.value, std::move(urls)});
    }
  }
};

}  // namespace

std::optional<std::string> archProbeOutput(const std::vector<std::string>& words, const Platform& platform) {
  if (words.empty()) return std::nullopt;
  const std::string name = baseNameOf(words[0]);
  const std::string& arch = platform.architecture;
  const std::string& variant = platform.variant;
  const bool armV6 = arch == "arm" && variant == "v6";
  const bool armV7 = arch == "arm" && (variant == "v7" || variant.empty());
  auto has = [&](const char* word) { return std::find(words.begin() + 1, words.end(), word) != words.end(); };
  if ((name == "uname" && words.size() == 2 && (has("-m") || has("--machine"))) || (name == "arch" && words.size() == 1)) {
    if (arch == "amd64") return "x86_64";
    if (arch == "arm64") return "aarch64";
    if (armV7) return "armv7l";
    if (armV6) return "armv6l";
    if (arch == "386") return "i686";
    if (arch == "ppc64le" || arch == "s390x" || arch == "riscv64") return arch;
    return std::nullopt;
  }
  if (name == "dpkg" && words.size() == 2 && has("--print-architecture")) {
    if (arch == "amd64" || arch == "arm64" || arch == "s390x" || arch == "riscv64") return arch;
    if (armV7) return "armhf";
    if (armV6) return "armel";
    if (arch == "386") return "i386";
    if (arch == "ppc64le") return "ppc64el";
    return std::nullopt;
  }
  if (name == "apk" && words.size() == 2 && has("--print-arch")) {
    if (arch == "amd64") return "x86_64";
    if (arch == "arm64") return "aarch64";
    if (armV7) return "armv7";
    if (armV6) return "armhf";
    if (arch == "386") return "x86";
    if (arch == "ppc64le" || arch == "s390x" || arch == "riscv64") return arch;
    return std::nullopt;
  }
  return std::nullopt;
}

std::vector<Download> findDownloads(const ParsedDockerfile& file, const BuildModel& model, const StageGraph& graph) {
  std::vector<Download> out;
  if (graph.targets.size() < 2 || graph.platform.size() != model.stages.size()) return out;
  const Builder builder{file, model, graph};
  for (const auto& run : model.scripts) builder.fromRun(run, out);
  for (size_t s = 0; s < model.stages.size(); ++s) {
    for (const size_t idx : model.stages[s].instructions) {
      if (file.instructions[idx].command == "add") builder.fromAdd(s, idx, out);
    }
  }
  std::sort(out.begin(), out.end(), [](const Download& a, const Download& b) { return a.span.begin < b.span.begin; });
  return out;
}

}  // namespace mal::dockerfile
