// The shell bridge: commands, words at exact Dockerfile positions, and the branches
// around each command (which arm of which switch on the architecture).
#include <catch2/catch.hpp>

#include <set>

#include "analyzer/dockerfile/build_model.h"
#include "test_support.h"

using namespace mal;

namespace {

struct Built {
  SourceText source;
  dockerfile::ParsedDockerfile file;
  dockerfile::BuildModel model;
};

Built build(const std::string& text) {
  Built b{SourceText("Dockerfile", text), {}, {}};
  auto parsed = dockerfile::parse(b.source);
  REQUIRE(parsed.dockerfile.has_value());
  b.file = *parsed.dockerfile;
  b.model = dockerfile::buildModel(b.file);
  return b;
}

const shell::Command& commandNamed(const shell::Script& script, const std::string& name, int nth = 0) {
  for (const auto& c : script.commands) {
    if (c.name() == name && nth-- == 0) return c;
  }
  FAIL("no command " << name);
  throw;
}

}  // namespace

TEST_CASE("words carry exact Dockerfile positions through continuations", "[shell]") {
  const auto b = build("FROM debian\nRUN set -eux; \\\n    curl -fsSLO \\\n      \"https://example.com/x\"\n");
  REQUIRE(b.model.scripts.size() == 1);
  const auto& script = b.model.scripts[0].script;
  const auto& curl = commandNamed(script, "curl");
  REQUIRE(curl.words.size() == 3);
  CHECK(curl.words[2].literal == "https://example.com/x");
  const Span span = script.source.span(curl.words[2].begin, curl.words[2].end);
  CHECK(b.source.position(span.begin).line == 4);
  CHECK(b.source.position(span.begin).column == 7);
  CHECK(b.source.bytes().substr(span.begin, span.end - span.begin) == "\"https://example.com/x\"");
}

TEST_CASE("a pipeline tells each command which command reads its output", "[shell]") {
  const auto b = build(
      "FROM debian\nRUN V=$(curl -s https://x/Packages 2>/dev/null | grep -A7 app | awk '{print}') && "
      "curl -fsSL https://x/t.tgz | tar xz && echo done\n");
  const auto& script = b.model.scripts[0].script;
  const auto& first = commandNamed(script, "curl", 0);
  const auto& second = commandNamed(script, "curl", 1);
  REQUIRE(first.pipesInto < script.commands.size());
  CHECK(script.commands[first.pipesInto].name() == "grep");  // through the 2>/dev/null redirect
  const auto& grep = commandNamed(script, "grep");
  REQUIRE(grep.pipesInto < script.commands.size());
  CHECK(script.commands[grep.pipesInto].name() == "awk");
  CHECK(commandNamed(script, "awk").pipesInto == static_cast<size_t>(-1));  // the end of its pipeline
  REQUIRE(second.pipesInto < script.commands.size());
  CHECK(script.commands[second.pipesInto].name() == "tar");
  CHECK(commandNamed(script, "echo").pipesInto == static_cast<size_t>(-1));  // `&&` is no pipe
}

TEST_CASE("a case on dpkg --print-architecture is an arch switch with its arms", "[shell][arch]") {
  const auto b = build(
      "FROM debian\nRUN dpkgArch=\"$(dpkg --print-architecture)\"; case \"${dpkgArch##*-}\" in "
      "amd64) a=x64 ;; arm64|aarch64) a=arm64 ;; *) echo unsupported; exit 1 ;; esac; echo \"$a\"\n");
  const auto& script = b.model.scripts[0].script;
  REQUIRE(script.archSwitches.size() == 1);
  const auto& sw = script.archSwitches[0];
  REQUIRE(sw.arms.size() == 3);
  CHECK(sw.arms[1].patterns == std::vector<std::string>{"arm64", "aarch64"});
  CHECK_FALSE(sw.arms[0].fails);
  CHECK(sw.arms[2].fails);
  CHECK(script.archVariables.count("dpkgArch"));
  CHECK(script.archVariables.count("a"));  // assigned inside an arch arm
  const auto& echo = commandNamed(script, "echo", 1);
  CHECK(echo.words[1].archVarying);
  CHECK_FALSE(echo.insideArchBranch());
}

TEST_CASE("if, elif, else and && tests on the architecture are branches", "[shell][arch]") {
  const auto b = build(
      "FROM debian\nRUN if [ \"$(uname -m)\" = x86_64 ]; then a; elif [ \"$(uname -m)\" = aarch64 ]; then b; else c; fi; "
      "[ \"$TARGETARCH\" = amd64 ] && d || e; [ -f /x ] && f\n");
  const auto& script = b.model.scripts[0].script;
  for (const char* name : {"a", "b", "c", "d"}) {
    INFO(name);
    CHECK(commandNamed(script, name).insideArchBranch());
  }
  CHECK_FALSE(commandNamed(script, "f").insideArchBranch());
  CHECK(commandNamed(script, "a").branches.back().kind == shell::Branch::Kind::IfThen);
  CHECK(commandNamed(script, "c").branches.back().kind == shell::Branch::Kind::IfElse);
}

TEST_CASE("uname's long options probe the architecture as its short ones do", "[shell][arch]") {
  // ppodgorsek/docker-robot-framework (Part ZZZZZZZZZZZZB): `if [ \`uname --machine\` == "x86_64" ];
  // then export PLATFORM="linux64"; else export PLATFORM="linux-aarch64"; fi`, then the
  // geckodriver of ${PLATFORM}.
  for (const std::string option : {"--machine", "--processor", "--hardware-platform", "-m"}) {
    const auto b = build("FROM fedora\nRUN if [ `uname " + option + "` == \"x86_64\" ]; then a; else b; fi && c\n");
    const auto& script = b.model.scripts[0].script;
    CHECK(commandNamed(script, "a").insideArchBranch());
    CHECK(commandNamed(script, "b").insideArchBranch());
    CHECK_FALSE(commandNamed(script, "c").insideArchBranch());
  }
  const auto b = build("FROM fedora\nRUN if [ `uname --kernel-name` == Linux ]; then a; fi\n");
  CHECK_FALSE(commandNamed(b.model.scripts[0].script, "a").insideArchBranch());
}

TEST_CASE("a top-level architecture guard puts what follows under its condition", "[shell][arch]") {
  // wischner/docker-toolchains' xcc-z80-idp (Part ZZZZZZZC): `test "$(uname -m)" = "x86_64"` under
  // `set -eux`, then the x86_64 release assets.
  const auto guarded = [](const std::string& run, const std::string& name) {
    const auto b = build("FROM debian\nRUN " + run + "\n");
    const auto& command = commandNamed(b.model.scripts[0].script, name);
    return command.insideArchBranch() && command.branches.back().guard;
  };
  CHECK(guarded("set -eux; test \"$(uname -m)\" = \"x86_64\"; curl x", "curl"));
  CHECK(guarded("[ \"$(uname -m)\" = x86_64 ] || exit 1; curl x", "curl"));
  CHECK(guarded("[ \"$TARGETARCH\" = amd64 ] || { echo unsupported; exit 2; }; curl x", "curl"));
  CHECK(guarded("if [ \"$(dpkg --print-architecture)\" != amd64 ]; then echo no; exit 1; fi; curl x", "curl"));
  CHECK(guarded("if [ \"$(uname -m)\" = x86_64 ]; then echo ok; else exit 1; fi; curl x", "curl"));
  // Twins: without errexit a failing test does not stop the script; a bare `exit` returns the
  // echo's 0; a negated test's `|| exit` lets the named architecture fail; an `if` that only
  // warns stops nothing; a test inside a subshell ends only the subshell; and commands before
  // the guard are not under it.
  CHECK_FALSE(guarded("test \"$(uname -m)\" = \"x86_64\"; curl x", "curl"));
  CHECK_FALSE(guarded("[ \"$(uname -m)\" = x86_64 ] || { echo no; exit; }; curl x", "curl"));
  CHECK_FALSE(guarded("[ \"$(uname -m)\" != x86_64 ] || exit 1; curl x", "curl"));
  CHECK_FALSE(guarded("if [ \"$(uname -m)\" != x86_64 ]; then echo warning; fi; curl x", "curl"));
  CHECK_FALSE(guarded("[ \"$(uname -m)\" = x86_64 ] || (exit 1); curl x", "curl"));
  CHECK_FALSE(guarded("curl x; [ \"$(uname -m)\" = x86_64 ] || exit 1", "curl"));
  CHECK_FALSE(guarded("[ -f /etc/x ] || exit 1; curl x", "curl"));
}

TEST_CASE("in a script that does not parse, no one of several assignments is every platform's value", "[shell][arch]") {
  // azinchen/actions_playground: `then && \` after each test loses the if/elif structure, and
  // the last assignment (aarch64) must not be read as the value every platform gets.
  const auto broken = build(
      "FROM alpine\nARG TARGETPLATFORM\nRUN if [[ $TARGETPLATFORM == \"linux/amd64\" ]]; then && p=\"amd64\" && "
      "elif [[ $TARGETPLATFORM == \"linux/arm64\" ]]; then && p=\"aarch64\" && fi && curl -fsSLO https://x/s6-$p.tgz\n");
  const auto& script = broken.model.scripts[0].script;
  REQUIRE(script.hasSyntaxError);
  const auto before = script.assignedBefore("p", commandNamed(script, "curl").begin);
  REQUIRE(before.last != nullptr);
  CHECK(before.archChosen);
  // One assignment in a script with an unrelated error is still its value.
  const auto single = build("FROM alpine\nRUN if true; then && p=amd64 && curl -fsSLO https://x/s6-$p.tgz; fi\n");
  const auto& one = single.model.scripts[0].script;
  REQUIRE(one.hasSyntaxError);
  const auto value = one.assignedBefore("p", commandNamed(one, "curl").begin);
  REQUIRE(value.last != nullptr);
  CHECK_FALSE(value.archChosen);
}
TEST_CASE("a case on a plain variable is not an arch switch", "[shell][arch]") {
  const auto b = build("FROM debian\nRUN case \"$MODE\" in debug) curl https://x/amd64 ;; esac\n");
  const auto& script = b.model.scripts[0].script;
  CHECK(script.archSwitches.empty());
  CHECK_FALSE(commandNamed(script, "curl").insideArchBranch());
}

TEST_CASE("ARG TARGETARCH and ENV built from it seed the arch variables", "[shell][arch]") {
  const auto b = build("FROM debian\nARG TARGETARCH\nENV ARCH=${TARGETARCH}\nRUN curl https://x/tool-$ARCH\n");
  const auto& script = b.model.scripts[0].script;
  CHECK(commandNamed(script, "curl").words[1].archVarying);
}

TEST_CASE("rpm queryformat, apk --print-arch and xx-info are probes", "[shell][arch]") {
  const auto b = build(
      "FROM fedora\nRUN A=\"$(rpm --query --queryformat='%{ARCH}' rpm)\"; B=$(apk --print-arch); C=$(xx-info arch); "
      "D=$(date)\n");
  const auto& vars = b.model.scripts[0].script.archVariables;
  CHECK(vars.count("A"));
  CHECK(vars.count("B"));
  CHECK(vars.count("C"));
  CHECK_FALSE(vars.count("D"));
}

TEST_CASE("counting the processors in /proc/cpuinfo is no architecture probe", "[shell][arch]") {
  // derekmerck/old-docker-orthanc-xarch (Part ZZZZZZZZZZZZZZZZZZZJ): COUNT_CORES for make -j.
  const auto b = build(
      "FROM debian\nRUN A=`grep -c ^processor /proc/cpuinfo`; B=$(grep --count processor /proc/cpuinfo); "
      "C=$(grep ^processor /proc/cpuinfo); D=$(grep -c ARMv7 /proc/cpuinfo); E=$(grep Processor /proc/cpuinfo); "
      "F=$(cat /proc/cpuinfo); G=$(grep -C 1 processor /proc/cpuinfo)\n");
  const auto& vars = b.model.scripts[0].script.archVariables;
  CHECK_FALSE(vars.count("A"));
  CHECK_FALSE(vars.count("B"));
  CHECK_FALSE(vars.count("C"));
  // Twins: other words of /proc/cpuinfo tell architectures apart (an old ARM kernel's
  // `Processor : ARMv7 Processor rev 4`), and so does the whole file.
  CHECK(vars.count("D"));
  CHECK(vars.count("E"));
  CHECK(vars.count("F"));
  CHECK(vars.count("G"));  // -C is context, not a count
}

TEST_CASE("heredoc RUN bodies are parsed as scripts with their own line numbers", "[shell][heredoc]") {
  const auto b = build("FROM debian\nRUN <<EOF\nset -e\ncurl -fsSLO https://x/y\nEOF\n");
  REQUIRE(b.model.scripts.size() == 1);
  CHECK(b.model.scripts[0].fromHeredoc);
  const auto& script = b.model.scripts[0].script;
  const auto& curl = commandNamed(script, "curl");
  CHECK(b.source.position(script.source.span(curl.begin, curl.end).begin).line == 4);
}

TEST_CASE("a RUN with the escape character set to backtick keeps positions", "[shell]") {
  const auto b = build("# escape=`\nFROM debian\nRUN echo one `\n  && curl https://x/amd64/y\n");
  const auto& script = b.model.scripts[0].script;
  const auto& curl = commandNamed(script, "curl");
  const Span span = script.source.span(curl.words[1].begin, curl.words[1].end);
  CHECK(b.source.position(span.begin).line == 4);
  CHECK(b.source.position(span.begin).column == 11);
}

TEST_CASE("the build model: stages, global vs stage ARGs, the COPY --from graph", "[model]") {
  const auto b = build(
      "ARG BASE=golang:1.22\nFROM --platform=$BUILDPLATFORM ${BASE} AS build\nARG TARGETARCH\nRUN go build\n"
      "FROM build AS test\nFROM alpine\nCOPY --from=build /out /out\nRUN --mount=type=cache,from=test,target=/t true\n");
  REQUIRE(b.model.stages.size() == 3);
  REQUIRE(b.model.globalArgs.size() == 1);
  CHECK(b.model.globalArgs[0].name == "BASE");
  CHECK(b.model.globalArgs[0].value == std::optional<std::string>("golang:1.22"));
  CHECK(b.model.stages[0].baseExpanded == "golang:1.22");
  CHECK(b.model.stages[0].platformRaw == "$BUILDPLATFORM");
  CHECK(b.model.stages[0].declaresArgBefore("TARGETARCH", 3));
  CHECK_FALSE(b.model.stages[0].declaresArgBefore("TARGETARCH", 2));
  CHECK(b.model.stages[1].parentStage == std::optional<size_t>(0));
  CHECK(b.model.stages[2].copiesFrom == std::vector<size_t>{0, 1});
  CHECK(b.model.errors.empty());
}

TEST_CASE("an ONBUILD RUN trigger is parsed as a script on its own line", "[shell][regression]") {
  // Found by the fuzzer: the trigger's offsets index the parent's joined line.
  const auto b = build("FROM debian\nONBUILD RUN curl -fsSLO https://x/linux-amd64/tool\n");
  REQUIRE(b.model.scripts.size() == 1);
  const auto& script = b.model.scripts[0].script;
  const auto& curl = commandNamed(script, "curl");
  const Span span = script.source.span(curl.words[2].begin, curl.words[2].end);
  CHECK(b.source.bytes().substr(span.begin, span.end - span.begin) == "https://x/linux-amd64/tool");
}

TEST_CASE("hostile nesting is bounded: deep $(...) and ${a:-${a:-...}} do not crash", "[shell][hostile]") {
  std::string deep = "FROM debian\nRUN echo ";
  for (int i = 0; i < 20000; ++i) deep += "$(";
  deep += "x";
  for (int i = 0; i < 20000; ++i) deep += ")";
  deep += "\nENV A=";
  for (int i = 0; i < 20000; ++i) deep += "${A:-";
  deep += "x";
  for (int i = 0; i < 20000; ++i) deep += "}";
  deep += "\n";
  const auto findings = test::lint(deep);
  CHECK(findings.empty());
}

// Every spelling of an expansion is one shell word, as bash and BuildKit's lexer
// (frontend/dockerfile/shell/lex.go: processDollar reads a name after `$` and the word goes
// on) read it: tree-sitter-bash ends an unquoted `$A` at the next `$`, and the bridge joins
// the pieces again.
TEST_CASE("unbraced $A$B, ${A}${B} and a variable twice in one URL are one word each", "[shell][spelling]") {
  const auto b = build(
      "FROM debian\nARG TARGETARCH\n"
      "RUN curl -fsSLO https://example.com/$V/tool-$V.tgz \\\n"
      "  && echo $A$B ${A}${B} \"$A$B\" x$A-$B.tgz $TARGETARCH$V '$A$B' \\$A$B\n");
  REQUIRE(b.model.scripts.size() == 1);
  const auto& script = b.model.scripts[0].script;
  const auto& curl = commandNamed(script, "curl");
  REQUIRE(curl.words.size() == 3);
  CHECK(curl.words[2].literal == "https://example.com/$V/tool-$V.tgz");
  CHECK(std::set<std::string>(curl.words[2].variables.begin(), curl.words[2].variables.end()) == std::set<std::string>{"V"});
  const auto& echo = commandNamed(script, "echo");
  REQUIRE(echo.words.size() == 8);
  CHECK(echo.words[1].text == "$A$B");
  CHECK(echo.words[2].text == "${A}${B}");
  CHECK(echo.words[3].text == "\"$A$B\"");
  CHECK(echo.words[4].text == "x$A-$B.tgz");
  CHECK(echo.words[5].text == "$TARGETARCH$V");
  CHECK(echo.words[6].text == "'$A$B'");
  CHECK(echo.words[7].text == "\\$A$B");
  for (int i : {1, 2, 3, 4}) {
    INFO(echo.words[i].text);
    const std::set<std::string> names(echo.words[i].variables.begin(), echo.words[i].variables.end());
    CHECK(names == std::set<std::string>{"A", "B"});
  }
  // The architecture variable anywhere in the joined word makes the whole word vary.
  CHECK(echo.words[5].archVarying);
  CHECK_FALSE(echo.words[1].archVarying);
  // A single-quoted word expands nothing; an escaped dollar is a dollar sign.
  CHECK(echo.words[6].variables.empty());
  CHECK(std::set<std::string>(echo.words[7].variables.begin(), echo.words[7].variables.end()) == std::set<std::string>{"B"});
}

TEST_CASE("the script of sh -c / bash -c is read as commands at their own places", "[shell][nested]") {
  // jmerle/docker-opentelemetry-stack (Part ZZZZZZZZZZJ): a whole architecture switch and its
  // download inside `bash -c '...'` was one word to the rules, a URL with $TARGETARCH in it.
  const auto b = build(
      "FROM debian\nARG TARGETARCH\n"
      "RUN bash -c 'if [ \"$TARGETARCH\" == \"amd64\" ]; then S6_ARCH=x86_64; else S6_ARCH=aarch64; fi; "
      "curl -sOL \"https://example.com/s6-overlay-${S6_ARCH}.tar.xz\"'\n"
      "RUN sh -ec \"apt-get update && curl -fsSLO https://example.com/a.tgz\" && echo done\n"
      "RUN /bin/bash -o pipefail -c 'wget -q https://example.com/b.tgz'\n"
      "RUN bash -c \"echo \\\"quoted\\\"\" && bash script.sh -c 'not a script'\n");
  const auto& first = b.model.scripts[0];
  const auto& outer = commandNamed(first.script, "bash");
  REQUIRE(outer.words.size() == 2);  // `bash -c`: the script is not kept as a word
  const auto& curl = commandNamed(first.script, "curl");
  REQUIRE(curl.words.size() == 3);
  CHECK(curl.words[2].literal == "https://example.com/s6-overlay-${S6_ARCH}.tar.xz");
  CHECK(curl.words[2].archVarying);  // S6_ARCH is set in the switch's arms
  CHECK(first.script.source.text.substr(curl.words[2].begin, curl.words[2].end - curl.words[2].begin) ==
        "\"https://example.com/s6-overlay-${S6_ARCH}.tar.xz\"");
  // Double quotes without a backslash, options before -c, and the outer script's own commands.
  CHECK(commandNamed(b.model.scripts[1].script, "curl").words.back().literal == "https://example.com/a.tgz");
  CHECK(commandNamed(b.model.scripts[1].script, "apt-get").words[1].literal == "update");
  CHECK(commandNamed(b.model.scripts[1].script, "echo").words[1].literal == "done");
  CHECK(commandNamed(b.model.scripts[2].script, "wget").words[2].literal == "https://example.com/b.tgz");
  // Escapes inside double quotes, or a script file before -c: the argument stays a word.
  const auto& fourth = b.model.scripts[3].script;
  CHECK(commandNamed(fourth, "bash").words.size() == 3);
  CHECK(commandNamed(fourth, "bash", 1).words.size() == 4);
  for (const auto& c : fourth.commands) CHECK(c.name() != "echo");
}

TEST_CASE("MA140: an undeclared platform ARG only printed to the build log is info, used otherwise an error", "[shell][MA140]") {
  // tygerlord/docker-domoticz-dev (Part ZZZZZZZZZZZZZQ): `echo "I'm building for $TARGETPLATFORM"`.
  auto severityOf = [](const std::string& run) {
    std::vector<std::string> out;
    for (const auto& f : test::lint("FROM debian:12\nRUN " + run + "\n")) {
      if (f.ruleId == "MA140") out.push_back(std::string(severityName(f.severity)));
    }
    return out;
  };
  using V = std::vector<std::string>;
  CHECK(severityOf("echo \"I'm building for $TARGETPLATFORM\" && apt-get update") == V{"info"});
  CHECK(severityOf("printf 'arch %s\\n' \"$TARGETARCH\"") == V{"info"});
  // Twins: what the printed text goes on to do is the build's.
  CHECK(severityOf("echo \"$TARGETARCH\" > /etc/build-arch") == V{"error"});
  CHECK(severityOf("echo $TARGETARCH | tee /arch") == V{"error"});
  CHECK(severityOf("arch=$(echo $TARGETARCH) && curl -fsSLO https://example.org/tool-$arch.tgz") == V{"error"});
  CHECK(severityOf("curl -fsSLO https://example.org/tool-$TARGETARCH.tgz && echo $TARGETARCH") == V{"error"});
}
