// Every subcommand has a page docs/cli/<command>.md that contains its `--help` text verbatim, so the synopsis in
// the documentation cannot drift from the program. Every problem code the program can emit (a "…"_code literal
// in src/) has its row in the catalogue of docs/exit-codes.md, and every row there names a code still emitted.

#include <catch2/catch.hpp>

#include <algorithm>
#include <cctype>
#include <map>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include "cli_runner.hpp"

using carereach::test::run_cli;
using carereach::test::slurp;
namespace fs = std::filesystem;

namespace {

/// The repository root: CAREREACH_TEST_DATA is <repo>/tests/data.
fs::path repo_root() {
  return fs::path(CAREREACH_TEST_DATA).lexically_normal().parent_path().parent_path();
}

/// The subcommands listed by `carereach --help`, in order.
std::vector<std::string> subcommands() {
  const auto top = run_cli({"--help"});
  REQUIRE(top.code == 0);
  const auto at = top.out.find("Subcommands:");
  REQUIRE(at != std::string::npos);
  std::istringstream lines(top.out.substr(at));
  std::string line;
  std::getline(lines, line);  // "Subcommands:"
  std::vector<std::string> names;
  while (std::getline(lines, line)) {
    if (line.rfind("  ", 0) != 0) break;  // the list ends at the first line that is not indented
    std::istringstream words(line);
    std::string name;
    if (words >> name) names.push_back(name);
  }
  return names;
}


/// A "…"_code literal in a C++ source text: the code and the line it is on (1-based).
struct CodeLiteral {
  std::string code;
  int line = 0;
  bool operator==(const CodeLiteral&) const = default;
};

bool identifier_char(char c) { return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '_'; }

/// The "…"_code literals of a C++ source text, outside comments: a code named in a comment is not emitted. A small
/// lexer: comments, string and character literals (with escapes), raw strings and numbers with digit separators
/// (100'000) are stepped over as wholes, so that a quote or "//" inside one of them misleads nothing.
std::vector<CodeLiteral> code_literals(std::string_view text) {
  std::vector<CodeLiteral> out;
  const std::size_t n = text.size();
  auto at = [&](std::size_t k) { return k < n ? text[k] : '\0'; };
  int line = 1;
  auto skip_to = [&](std::size_t from, std::size_t to) {  // counts the lines passed
    to = std::min(to, n);
    line += static_cast<int>(std::count(text.begin() + static_cast<std::ptrdiff_t>(from),
                                        text.begin() + static_cast<std::ptrdiff_t>(to), '\n'));
    return to;
  };
  std::size_t i = 0;
  while (i < n) {
    const char c = text[i];
    if (c == '/' && at(i + 1) == '/') {
      i = skip_to(i, text.find('\n', i));
    } else if (c == '/' && at(i + 1) == '*') {
      const std::size_t end = text.find("*/", i + 2);
      i = skip_to(i, end == std::string_view::npos ? n : end + 2);
    } else if (std::isdigit(static_cast<unsigned char>(c)) != 0) {
      // A number: digits, letters, '.', digit separators, exponent signs.
      ++i;
      while (i < n) {
        const char d = text[i];
        if (identifier_char(d) || d == '.') ++i;
        else if (d == '\'' && identifier_char(at(i + 1))) i += 2;
        else if ((d == '+' || d == '-') && std::string_view("eEpP").find(text[i - 1]) != std::string_view::npos) ++i;
        else break;
      }
    } else if (identifier_char(c)) {
      const std::size_t start = i;
      while (i < n && identifier_char(text[i])) ++i;
      const std::string_view word = text.substr(start, i - start);
      if (at(i) == '"' && (word == "R" || word == "LR" || word == "uR" || word == "UR" || word == "u8R")) {
        const std::size_t open = text.find('(', i + 1);
        if (open == std::string_view::npos) break;
        const std::string close = ")" + std::string(text.substr(i + 1, open - i - 1)) + "\"";
        const std::size_t end = text.find(close, open);
        i = skip_to(i, end == std::string_view::npos ? n : end + close.size());
      }
    } else if (c == '\'' || c == '"') {
      const std::size_t start = ++i;
      while (i < n && text[i] != c && text[i] != '\n') i += text[i] == '\\' ? 2 : 1;
      const std::string_view body = text.substr(start, std::min(i, n) - start);
      i = std::min(i + 1, n);
      // (operator""_code, the literal's own declaration, names no code: a code is never empty)
      if (c == '"' && !body.empty() && text.substr(i, 5) == "_code" && !identifier_char(at(i + 5)))
        out.push_back({std::string(body), line});
    } else {
      if (c == '\n') ++line;
      ++i;
    }
  }
  return out;
}

/// Where the program emits each code: "src/io/zones.cpp:125", for every .cpp and .hpp under src/.
std::map<std::string, std::vector<std::string>> emitted_codes() {
  const fs::path root = repo_root();
  std::vector<fs::path> files;
  for (const auto& entry : fs::recursive_directory_iterator(root / "src"))
    if (entry.is_regular_file() && (entry.path().extension() == ".cpp" || entry.path().extension() == ".hpp"))
      files.push_back(entry.path());
  std::sort(files.begin(), files.end());
  std::map<std::string, std::vector<std::string>> sites;
  for (const auto& file : files)
    for (const auto& literal : code_literals(slurp(file)))
      sites[literal.code].push_back(fs::relative(file, root).generic_string() + ":" + std::to_string(literal.line));
  return sites;
}

/// A row of the catalogue: a table row of docs/exit-codes.md whose first cell is a code in backticks.
struct CatalogueRow {
  std::string code;
  int line = 0;
};

std::vector<CatalogueRow> catalogue_rows(const std::string& markdown) {
  std::vector<CatalogueRow> rows;
  std::istringstream lines(markdown);
  std::string text;
  for (int line = 1; std::getline(lines, text); ++line) {
    if (text.rfind("|", 0) != 0) continue;
    const std::size_t end = text.find('|', 1);
    if (end == std::string::npos) continue;
    std::string cell = text.substr(1, end - 1);
    cell.erase(0, cell.find_first_not_of(' '));
    cell.erase(cell.find_last_not_of(' ') + 1);
    if (cell.size() < 3 || cell.front() != '`' || cell.back() != '`') continue;
    const std::string code = cell.substr(1, cell.size() - 2);
    const bool code_like = std::all_of(code.begin(), code.end(), [](char ch) {
      return (ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') || ch == '_' || ch == '.';
    });
    if (code_like) rows.push_back({code, line});
  }
  return rows;
}

std::string joined(const std::vector<std::string>& items) {
  std::string out;
  for (const auto& s : items) out += (out.empty() ? "" : ", ") + s;
  return out;
}

}  // namespace

TEST_CASE("every command has a page in docs/cli with its --help text", "[cli][docs]") {
  const fs::path docs = repo_root() / "docs" / "cli";
  REQUIRE(fs::is_directory(docs));
  const auto names = subcommands();
  CHECK(names.size() >= 3);
  for (const auto& name : names) {
    INFO("command " << name << ": docs/cli/" << name << ".md");
    const fs::path page = docs / (name + ".md");
    REQUIRE(fs::exists(page));
    const auto help = run_cli({name, "--help"});
    REQUIRE(help.code == 0);
    REQUIRE_FALSE(help.out.empty());
    const std::string text = slurp(page);
    // The synopsis is the help text in a ```text block, copied unchanged.
    INFO("expected, verbatim:\n" << help.out);
    CHECK(text.find("```text\n" + help.out + "```") != std::string::npos);
    // The page links the exit codes.
    CHECK(text.find("../exit-codes.md") != std::string::npos);
  }
}

TEST_CASE("the code scanner finds \"…\"_code literals outside comments, strings and raw strings", "[cli][docs]") {
  const std::string text = "// \"in.line_comment\"_code\n"                          // line 1
                           "/* \"in.block\"_code\n   \"still.block\"_code */\n"     // lines 2-3
                           "f(\"https://x\", \"first.code\"_code);\n"                // line 4: "//" in a string
                           "auto r = R\"x(\"in.raw\"_code )\" )x\"; char q = '\"';\n"  // line 5
                           "n = 100'000; g(\"second.code\"_code, \"plain\", \"not.code\"_codes);\n"  // line 6
                           "h(\"esc\\\"aped\", \"third.code\"_code);\n"            // line 7
                           "consteval ProblemCode operator\"\"_code(const char* text);\n";  // line 8
  const std::vector<CodeLiteral> expected{{"first.code", 4}, {"second.code", 6}, {"third.code", 7}};
  CHECK(code_literals(text) == expected);
}

TEST_CASE("every problem code is in the catalogue of docs/exit-codes.md, and every code there is emitted",
          "[cli][docs]") {
  const auto sites = emitted_codes();
  // The scanner works: the codes are many, and one is where it is known to be.
  REQUIRE(sites.size() >= 50);
  REQUIRE(sites.count("input.not_loaded") == 1);
  CHECK(sites.at("input.not_loaded").front().rfind("src/core/diagnostics.cpp:", 0) == 0);

  const fs::path doc = repo_root() / "docs" / "exit-codes.md";
  REQUIRE(fs::exists(doc));
  const std::vector<CatalogueRow> rows = catalogue_rows(slurp(doc));
  REQUIRE_FALSE(rows.empty());

  std::map<std::string, int> documented;
  for (const auto& row : rows) {
    if (const auto [it, fresh] = documented.emplace(row.code, row.line); !fresh)
      FAIL_CHECK("docs/exit-codes.md:" << row.line << ": `" << row.code << "` has a row already (line " << it->second
                                       << "): one row per code");
    if (sites.count(row.code) == 0)
      FAIL_CHECK("docs/exit-codes.md:" << row.line << ": `" << row.code
                                       << "` is documented, but no source file under src/ emits it any more: remove "
                                          "the row, or correct the code");
  }
  for (const auto& [code, where] : sites)
    if (documented.count(code) == 0)
      FAIL_CHECK("problem code `" << code << "` (emitted at " << joined(where)
                                  << ") has no row in docs/exit-codes.md: add `| `" << code
                                  << "` | severity | what it means | example, as printed | what to do |` to the table of "
                                     "its group");
}
