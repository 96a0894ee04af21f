// Small text helpers. The rune functions follow Go's unicode/utf8 semantics because the
// Dockerfile parser must split words exactly where BuildKit (written in Go) does.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace mal::text {

std::string lower(std::string_view s);
std::string upper(std::string_view s);
bool startsWith(std::string_view s, std::string_view prefix);
bool endsWith(std::string_view s, std::string_view suffix);
std::vector<std::string> split(std::string_view s, char separator);
std::string join(const std::vector<std::string>& parts, std::string_view separator);
std::string trim(std::string_view s);
// "an amd64", "a ppc64le": the indefinite article as the word is read aloud (letters
// spelled out, as in s390x and x86_64, take the article of the letter's name).
std::string withArticle(std::string_view word);

// utf8.DecodeRune: the code point at `pos` (U+FFFD for an invalid sequence).
uint32_t decodeRune(const std::string& s, size_t pos, size_t end);
// Its width in bytes (1 for an invalid sequence), as utf8.DecodeRune reports it.
size_t runeWidth(const std::string& s, size_t pos, size_t end);
// The start of the last rune in [begin, end).
size_t lastRuneStart(const std::string& s, size_t begin, size_t end);
// unicode.IsSpace.
bool isGoSpace(uint32_t rune);

// Valid UTF-8 for formats that cannot carry other bytes (JSON, XML): every byte of an
// invalid sequence becomes one U+FFFD, as utf8.DecodeRune steps over it, so a column
// counted in code points (SourceText::position) is the same before and after.
std::string toValidUtf8(const std::string& s);
bool isValidUtf8(const std::string& s);

// `s` without the quote characters (' and ") at either end: a shell word or a Dockerfile value
// as its reader sees it when the quotes only group it (`"linux/amd64"`, `'/opt/jdk'`).
std::string_view withoutQuotes(std::string_view s);

// Go's strconv.Quote: a double-quoted string with Go escapes; printable Unicode kept.
std::string goQuote(std::string_view s);

// `$NAME`, `${NAME}` and `${NAME[@]}` (`${NAME[*]}`) in `s`, each replaced by what `lookup`
// gives for the name (an array as `NAME[@]`); a name it has no value for stays as written. An
// array's words come quoted one by one, so the quotes around its use (`"${args[@]}"`) go. The
// one scanner for the values a reader knows: a workflow run step's env and the script's own
// assignments, a CI job's variables, a Dockerfile stage's ARG and ENV values (MA146).
std::string substituteShellVariables(const std::string& s,
                                     const std::function<std::optional<std::string>(const std::string&)>& lookup);

}  // namespace mal::text
