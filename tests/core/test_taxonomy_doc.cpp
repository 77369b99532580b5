// docs/method/taxonomy.md lists the built-in types and tags; this keeps the page and the code in step.

#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "core/taxonomy.hpp"

using namespace carereach;

namespace {

std::vector<std::string> cells(const std::string& line) {
  std::vector<std::string> out;
  std::stringstream ss(line);
  std::string cell;
  std::getline(ss, cell, '|');  // before the first bar
  while (std::getline(ss, cell, '|')) {
    const auto b = cell.find_first_not_of(' ');
    const auto e = cell.find_last_not_of(' ');
    out.push_back(b == std::string::npos ? "" : cell.substr(b, e - b + 1));
  }
  return out;
}

std::string joined(const std::vector<std::string>& items) {
  std::string out;
  for (const auto& i : items) out += (out.empty() ? "" : ", ") + i;
  return out;
}

}  // namespace

TEST_CASE("the taxonomy page lists exactly the built-in types and tags", "[taxonomy][docs]") {
  const auto page = std::filesystem::path(CAREREACH_TEST_DATA).parent_path().parent_path() / "docs/method/taxonomy.md";
  std::ifstream in(page);
  REQUIRE(in);
  const Taxonomy t = Taxonomy::builtin();
  std::size_t types = 0;
  std::size_t tags = 0;
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("| `", 0) != 0) continue;
    const auto c = cells(line);
    const std::string id = c[0].substr(1, c[0].size() - 2);
    if (c.size() == 6) {  // types: id, 名称, English, category, aliases, implied tags
      const FacilityType* ft = t.type_by_id(id);
      INFO("type " << id);
      REQUIRE(ft != nullptr);
      CHECK(c[1] == ft->name_zh);
      CHECK(c[2] == ft->name_en);
      CHECK(c[4] == joined(ft->aliases));
      CHECK(c[5] == joined(ft->implied_tags));
      ++types;
    } else if (c.size() == 5) {  // tags: id, 名称, English, aliases, implies
      const auto& all = t.tags();
      auto it = std::find_if(all.begin(), all.end(), [&](const TagDef& d) { return d.id == id; });
      INFO("tag " << id);
      REQUIRE(it != all.end());
      CHECK(c[1] == it->name_zh);
      CHECK(c[2] == it->name_en);
      CHECK(c[3] == joined(it->aliases));
      CHECK(c[4] == joined(it->implies));
      ++tags;
    }
  }
  CHECK(types == t.types().size());
  CHECK(tags == t.tags().size());
}
