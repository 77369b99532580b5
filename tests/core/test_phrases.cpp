// The phrase catalogue (core/phrases.cpp): messages and hints without a problem code of their own are worded in
// Chinese. The test reads the sources of the scenario reader, the input readers, CRS and output folders and the
// command line, and fails for a complete message (a string literal given whole to fail(…) or to a …Error(…)) or a
// hint that the catalogue cannot word: a new message there needs its Chinese text.

#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "core/messages.hpp"

using namespace carereach;
namespace fs = std::filesystem;

namespace {

std::string source(const std::string& rel) {
  std::ifstream in(fs::path(CAREREACH_TEST_DATA) / ".." / ".." / rel);
  REQUIRE(in.good());
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

/// The C++ string literal at s[i] == '"', unescaped (\" \\ \n); i is moved past it.
std::string literal(const std::string& s, std::size_t& i) {
  std::string out;
  for (++i; i < s.size() && s[i] != '"'; ++i) {
    if (s[i] == '\\' && i + 1 < s.size()) {
      ++i;
      out += s[i] == 'n' ? '\n' : s[i];
    } else {
      out += s[i];
    }
  }
  ++i;
  return out;
}

/// The arguments of the call whose "(" is just before s[i], as written (split at top-level commas).
std::vector<std::string> arguments(const std::string& s, std::size_t i) {
  std::vector<std::string> out(1);
  int depth = 0;
  while (i < s.size()) {
    const char c = s[i];
    if (c == '"') {
      const std::size_t from = i;
      literal(s, i);
      out.back() += s.substr(from, i - from);
      continue;
    }
    if (c == '\'') {  // a character literal
      const std::size_t end = s.find('\'', i + (s[i + 1] == '\\' ? 3 : 2));
      out.back() += s.substr(i, end + 1 - i);
      i = end + 1;
      continue;
    }
    if (c == '(' || c == '[' || c == '{') ++depth;
    if (c == ')' || c == ']' || c == '}') {
      if (depth == 0) return out;
      --depth;
    }
    if (c == ',' && depth == 0) out.emplace_back();
    else out.back() += c;
    ++i;
  }
  return out;
}

/// The text of an argument that is string literals alone ("a" "b" joined), or nullopt.
std::optional<std::string> pure_literal(const std::string& arg) {
  std::string out;
  bool any = false;
  for (std::size_t i = 0; i < arg.size();) {
    if (std::isspace(static_cast<unsigned char>(arg[i])) != 0) {
      ++i;
      continue;
    }
    if (arg[i] != '"') return std::nullopt;
    out += literal(arg, i);
    any = true;
  }
  if (!any) return std::nullopt;
  return out;
}

struct Found {
  std::string file;
  std::string text;
};

/// The whole messages and hints of fail(key, message, hint) and XError(message, where, hint) / UsageError(message, hint).
std::vector<Found> literal_messages(const std::string& file) {
  const std::string s = source(file);
  std::vector<Found> out;
  for (const std::string call : {"fail(", "UsageError(", "ScenarioError(", "InputError(", "CrsError(", "OutputError("}) {
    for (std::size_t at = s.find(call); at != std::string::npos; at = s.find(call, at + 1)) {
      const char before = at == 0 ? ' ' : s[at - 1];
      if (std::isalnum(static_cast<unsigned char>(before)) != 0 || before == '_') continue;  // e.g. a word ending in fail
      if (s.compare(at > 7 ? at - 7 : 0, 7, "struct ") == 0) continue;
      const auto args = arguments(s, at + call.size());
      std::vector<std::size_t> texts;  // which arguments are the message and the hint
      if (call == "fail(") texts = {1, 2};
      else if (call == "UsageError(") texts = {0, 1};
      else texts = {0, 2};
      for (const std::size_t k : texts)
        if (k < args.size())
          if (const auto text = pure_literal(args[k])) out.push_back({file, *text});
    }
  }
  return out;
}

}  // namespace

TEST_CASE("the phrase catalogue words a message with its values, and refuses English it does not know", "[messages]") {
  CHECK(translate_phrase("unknown key") == "未知的键（该表没有这个键）");
  CHECK(translate_phrase("did you mean 'cell_size_m'?") == "是否应为「cell_size_m」？");
  // the parts of a pattern are worded too: the type names here
  CHECK(translate_phrase("must be a number, not a string") == "应为数字，而不是字符串");
  CHECK(translate_phrase("must be \"step\" or \"gaussian\", not \"box\"") == "应为\"step\"或\"gaussian\"，而不是\"box\"");
  CHECK(translate_phrase("no zone level 'village' in this scenario") == "本情景中没有区划级别「village」");
  CHECK(translate_phrase("must be more than 0 and at most 1440 minutes") == "须大于 0 且不超过 1440 分钟");
  // a library's detail ({*}) is carried over as it is
  CHECK(translate_phrase("is not valid TOML: expected ']' (column 10)") ==
        "不是有效的 TOML（第 10 列）。解析器的说明：expected ']'");
  // a part that is English prose, not a value, is not carried into a Chinese sentence
  CHECK_FALSE(translate_phrase("must be a frobnicated widget, not a string"));
  CHECK_FALSE(translate_phrase("no zone level named by the other table in this scenario"));
  CHECK_FALSE(translate_phrase("something the catalogue has never seen"));
  CHECK_FALSE(translate_phrase(""));
  // in a Chinese message: the translated headline, the hint, and the English kept for the original line
  Location at;
  at.file = "s.toml";
  at.line = 3;
  at.field = "analysis.cel_size_m";
  const auto m = localise("", "unknown key", at, "did you mean 'cell_size_m'?", MessageLang::kZh);
  CHECK(m.translated);
  CHECK(m.headline == "文件 s.toml，第 3 行，字段「analysis.cel_size_m」：未知的键（该表没有这个键）");
  CHECK(m.hint == "是否应为「cell_size_m」？");
  const auto en = localise("", "unknown key", at, "did you mean 'cell_size_m'?", MessageLang::kEn);
  CHECK(en.message == "unknown key");
  CHECK(en.hint == "did you mean 'cell_size_m'?");
}

TEST_CASE("every whole message and hint of the scenario reader, input readers, CRS, output folders and command line "
          "has its Chinese wording", "[messages][sources]") {
  const std::vector<std::string> files = {
      "src/io/toml_reader.cpp", "src/io/scenario.cpp", "src/io/site_scenario.cpp", "src/core/capacity_spec.cpp",
      "src/core/siting_spec.cpp", "src/geo/crs.cpp", "src/io/output_folder.cpp", "src/io/files.cpp",
      "src/io/input_access.cpp", "src/io/vector_source.cpp", "src/io/load.cpp", "src/pipeline/site.cpp",
      "src/pipeline/traveltime.cpp", "src/cli/cmd_traveltime.cpp", "src/io/population.cpp", "src/io/zones.cpp",
      "src/io/roads.cpp", "src/io/raster_inputs.cpp", "src/io/raster_source.cpp", "src/io/changes.cpp",
      "src/io/speeds.cpp", "src/io/plan_inputs.cpp", "src/io/resources.cpp", "src/io/facilities.cpp",
      "src/io/convert.cpp", "src/io/export.cpp", "src/io/layers.cpp", "src/io/raster_writer.cpp",
      "src/io/qgis_project.cpp", "src/io/ogr_transform.cpp", "src/pipeline/compare.cpp", "src/pipeline/run_siting.cpp",
      "src/pipeline/run_capacity.cpp", "src/pipeline/run_access_models.cpp", "src/pipeline/travel_setup.cpp",
      "src/pipeline/run_analysis.cpp", "src/pipeline/merge.cpp", "src/cli/cmd_merge.cpp", "src/pipeline/tile_jobs.cpp",
      "src/pipeline/tile_plan.cpp", "src/pipeline/run_tile.cpp", "src/cli/cmd_tile.cpp", "src/cli/cmd_jobs.cpp"};
  std::size_t checked = 0;
  for (const auto& file : files) {
    for (const Found& f : literal_messages(file)) {
      ++checked;
      INFO(f.file << ": " << f.text);
      CHECK(translate_phrase(f.text).has_value());
    }
  }
  CHECK(checked > 300);  // the sources are read (about 400 whole messages and hints when this test was written)
}
