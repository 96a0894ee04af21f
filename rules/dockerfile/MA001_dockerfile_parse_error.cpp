// MA001: the engine emits this one itself when BuildKit's parser or instruction checks
// reject the file; the entry carries its docs and examples.
#include "rules/dockerfile/context.h"

namespace mal::rules {

extern const DockerfileRule kMA001 = {
    {.id = "MA001",
     .slug = "dockerfile-parse-error",
     .severity = Severity::Error,
     .analysis = Analysis::Dockerfile,
     .summary = "The file is not a valid Dockerfile",
     .what =
         "A Dockerfile that BuildKit would refuse: a syntax error, an unknown instruction or flag, an "
         "unterminated heredoc, a JSON array holding something other than strings, an instruction "
         "before the first FROM. BuildKit refuses the file at the first such line and reads no further, so "
         "there is one finding per file, at that line, and its message counts the other lines that would "
         "be refused. A template that a project expands into a Dockerfile before the build "
         "(a line starting with a preprocessor directive where an instruction belongs: `@INCLUDE`, "
         "`{% if %}`, `{{ if }}`, `%%VAR%%`, or an include spelt as an instruction: `IMPORT base/_main AS base`, "
         "`INCLUDE common.df`, `INCLUDE+`, which no BuildKit Dockerfile frontend has; or a template tag with its closer "
         "on a refused line: ERB/EEx's `<%= version %>`, Jinja's `{{ base }}`) is said once, as info, and "
         "not analysed: BuildKit never sees its text. So is a C-preprocessor template (`#include \"common.Dockerfile\"`, "
         "`#if defined(ARCH_AMD64)` ... `#elif` ... `#endif` around one FROM per architecture, `#define` macros; two "
         "such directives, written as cpp writes them): BuildKit would take the directives for comments, but `cpp` "
         "expands the file into one Dockerfile per architecture before any build, so its branches are no stages and a "
         "macro's `\\` continuation is no instruction. So is a fragment with no FROM at all (RUN and ENV lines "
         "that a script appends to a Dockerfile holding the FROM, as docker-stacks-style generators do): "
         "BuildKit's dispatcher refuses it alone (\"no build stage in current context\"), and a snippet whose lines continue a "
         "RUN of the file it is spliced into (`&& apt -y autoclean \\`: BuildKit reads `&&` as an unknown instruction), but a file without "
         "any FROM can never have been built by itself, so it is the script's input; a FROM with an "
         "instruction before it stays an error. So is a file that holds no instruction at all (empty, blank, or only comments): a placeholder "
         "nothing can have built (BuildKit: \"file with no instructions\"). So is a file whose whole text is one path naming a Dockerfile (`../Dockerfile`): a "
         "symbolic link checked out as text, where the build reads the file the link names; and so is source "
         "code, data or an editor's syntax file named like a Dockerfile (`dockerfile.lua`, `Dockerfile_test.py`, "
         "nano's `Dockerfile.nanorc`) whose text BuildKit would refuse.",
     .why = "The build fails before any platform is built; no other rule can judge the file.",
     .example = "FROM debian\n"
                "ENV PATH\n"
                "# MA001",
     .fix = "Correct the line at the reported position; the message is BuildKit's own.",
     .bad = {"FROM alpine\nENV PATH\n", "FROM alpine\nRUN --frobnicate echo hi\n", "FROM alpine\nCMD [\"a\", [\"b\"]]\n",
             "ENV PATH=/opt/bin\nFROM alpine\n"},
     .good = {"FROM alpine\nENV PATH=/usr/bin\n"}},
    nullptr};

extern const DockerfileRule kMA002 = {
    {.id = "MA002",
     .slug = "invalid-pragma",
     .severity = Severity::Warning,
     .analysis = Analysis::Dockerfile,
     .summary = "An inline ignore pragma names an unknown rule or gives no reason",
     .what = "A `# multiarch-lint ignore=...` comment naming a rule id or slug that does not exist, or "
             "without the `-- reason` that the configuration requires (`require-reason: true`).",
     .why = "A misspelt pragma silences nothing and hides that the finding is still there.",
     .example = "FROM debian\n"
                "# multiarch-lint ignore=MA999\n"
                "RUN true\n"
                "# MA002",
     .fix = "Name an existing rule (see `multiarch-lint rules`) and say why it does not apply.",
     .bad = {"FROM alpine\n# multiarch-lint ignore=MA999 -- no such rule\nRUN true\n"},
     .good = {"FROM alpine\n# multiarch-lint ignore=MA110 -- the vendor ships only amd64; the image is amd64-only\n"
              "RUN curl -fsSLO https://example.com/tool-linux-amd64\n"}},
    nullptr};

}  // namespace mal::rules
