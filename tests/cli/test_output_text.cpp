// Names from the inputs in every output of `carereach run`: CSV files neutralise texts a spreadsheet would run as a
// formula (a leading apostrophe, text cells only); appendix.xlsx and layers.gpkg keep the exact text (a string
// cell, a text field); report.md shows markup characters as written and keeps its table columns. The files are
// read with unzip, GDAL and the test's own Markdown reading, never with carereach.

#include <catch2/catch.hpp>

#include <gdal_priv.h>
#include <ogrsf_frmts.h>

#include <array>
#include <cctype>
#include <cstdio>
#include <set>
#include <string>
#include <vector>

#include "fixture.hpp"

using namespace carereach::test;

namespace {

const std::string kHyperlink = "=HYPERLINK(\"http://x\",\"y\")";
const std::string kMinus = "-1+2";
const std::string kAt = "@SUM(A1)";
const std::string kScript = "<script>alert(1)</script>|*x*";

/// The fixture with county 100001 named @SUM(A1), county 100002 named <script>…, facilities F1 and F2 named
/// =HYPERLINK(…) and -1+2, all three facilities village clinics, and a raster-engine standard for them (so that
/// facility_access.csv is written).
struct NamesRun {
  Fixture fx;
  std::filesystem::path out;
  CliResult result;
  NamesRun() {
    fx.set_zones(replace_all(replace_all(Fixture::zones_geojson(), "甲县", kAt), "乙县", kScript));
    fx.set_facilities("机构代码,机构名称,机构类别,标签,经度,纬度\n"
                      "F1,\"=HYPERLINK(\"\"http://x\"\",\"\"y\"\")\",村卫生室,,116.05,33.55\n"
                      "F2,-1+2,村卫生室,,116.15,33.55\n"
                      "F3,丙村卫生室,村卫生室,,116.12,33.52\n");
    fx.set_scenario(Fixture::scenario_toml() +
                    "\n[standards.clinic_walk_20min]\nname_zh = \"村卫生室20分钟\"\nname_en = \"Clinic 20 min\"\n"
                    "types = [\"village_clinic\"]\nthreshold_min = 20\nmode = \"walk\"\nengine = \"raster\"\n"
                    // No land cover: walked at the default speed, by choice (cells without land cover are impassable
                    // otherwise, and the standard would not be computed).
                    "[raster]\nno_land_cover = \"default_speed\"\n");
    out = fx.dir / "out";
    result = run_cli({"run", fx.scenario(), "--out", out.string()});
  }
};

/// Lines of a CSV file without the byte-order mark (CRLF or LF ends).
std::vector<std::string> csv_lines(const std::filesystem::path& file) {
  std::string text = slurp(file);
  if (text.starts_with("\xEF\xBB\xBF")) text.erase(0, 3);
  std::vector<std::string> lines;
  std::string line;
  for (char c : text) {
    if (c == '\n') {
      if (!line.empty() && line.back() == '\r') line.pop_back();
      lines.push_back(line);
      line.clear();
    } else {
      line += c;
    }
  }
  return lines;
}

std::string unzip_member(const std::filesystem::path& archive, const std::string& member) {
  const std::string cmd = "/usr/bin/unzip -p '" + archive.string() + "' '" + member + "'";
  FILE* pipe = popen(cmd.c_str(), "r");
  REQUIRE(pipe != nullptr);
  std::string out;
  std::array<char, 4096> buf{};
  for (std::size_t n; (n = fread(buf.data(), 1, buf.size(), pipe)) > 0;) out.append(buf.data(), n);
  REQUIRE(pclose(pipe) == 0);
  return out;
}

/// The shared strings of a workbook, XML entities read back.
std::set<std::string> shared_strings(const std::string& xml) {
  std::set<std::string> out;
  for (std::size_t at = xml.find("<t>"); at != std::string::npos; at = xml.find("<t>", at + 1)) {
    std::string s = xml.substr(at + 3, xml.find("</t>", at) - at - 3);
    for (const auto& [from, to] : std::vector<std::pair<std::string, std::string>>{
             {"&lt;", "<"}, {"&gt;", ">"}, {"&quot;", "\""}, {"&apos;", "'"}, {"&amp;", "&"}})
      s = replace_all(s, from, to);
    out.insert(s);
  }
  return out;
}

/// The values of a text field of a GeoPackage layer, read with GDAL.
std::set<std::string> gpkg_values(const std::filesystem::path& file, const std::string& layer, const std::string& field) {
  GDALAllRegister();
  GDALDatasetUniquePtr ds(GDALDataset::Open(file.string().c_str(), GDAL_OF_VECTOR | GDAL_OF_READONLY));
  REQUIRE(ds);
  OGRLayer* l = ds->GetLayerByName(layer.c_str());
  REQUIRE(l != nullptr);
  std::set<std::string> out;
  for (auto& f : *l) out.insert(f->GetFieldAsString(field.c_str()));
  return out;
}

/// The cells of a Markdown table row (CommonMark: a backslash before ASCII punctuation stands for it; an unescaped
/// "|" separates cells), without the outer pipes, trimmed.
std::vector<std::string> markdown_cells(const std::string& line) {
  std::vector<std::string> cells;
  std::string cell;
  for (std::size_t i = 0; i < line.size(); ++i) {
    if (line[i] == '\\' && i + 1 < line.size() && std::ispunct(static_cast<unsigned char>(line[i + 1])) != 0) {
      cell += line[++i];
    } else if (line[i] == '|') {
      cells.push_back(cell);
      cell.clear();
    } else {
      cell += line[i];
    }
  }
  cells.push_back(cell);
  cells.erase(cells.begin());
  cells.pop_back();
  for (auto& s : cells) {
    s.erase(0, s.find_first_not_of(' '));
    s.erase(s.find_last_not_of(' ') + 1);
  }
  return cells;
}

}  // namespace

TEST_CASE("run: CSV outputs neutralise formula-like names; numbers stay numbers", "[cli][output-text]") {
  const NamesRun run;
  INFO(run.result.all());
  REQUIRE(run.result.code == 0);

  const auto access = csv_lines(run.out / "facility_access.csv");
  REQUIRE(access.size() == 4);
  CHECK(access[1] == "村卫生室20分钟,F1,\"'=HYPERLINK(\"\"http://x\"\",\"\"y\"\")\",村卫生室,步行,栅格成本距离法,0.0,0.0,"
                     "否,是");
  CHECK(access[2] == "村卫生室20分钟,F2,'-1+2,村卫生室,步行,栅格成本距离法,0.0,0.0,否,是");

  // coverage_county.csv: the zone name is text (neutralised), the population a number (as it is).
  bool at_row = false;
  for (const auto& line : csv_lines(run.out / "tables" / "coverage_county.csv")) {
    if (line.find("100001") == std::string::npos) continue;
    at_row = true;
    CHECK_THAT(line, Catch::Contains(",100001,'@SUM(A1),1000,"));
  }
  CHECK(at_row);
  // No CSV the run wrote holds a cell that starts a formula.
  for (const auto& entry : std::filesystem::recursive_directory_iterator(run.out)) {
    if (entry.path().extension() != ".csv") continue;
    const std::string text = slurp(entry.path());
    for (const char* bad : {",=", ",\"=", ",+", ",@", ",-1+2", "\n=", "\n@"})
      CHECK_THAT(text, !Catch::Contains(bad));
  }
}

TEST_CASE("run: appendix.xlsx and layers.gpkg keep the exact names", "[cli][output-text]") {
  const NamesRun run;
  INFO(run.result.all());
  REQUIRE(run.result.code == 0);
  const auto strings = shared_strings(unzip_member(run.out / "appendix.xlsx", "xl/sharedStrings.xml"));
  CHECK(strings.count(kAt) == 1);
  CHECK(strings.count(kScript) == 1);
  CHECK(strings.count("'" + kAt) == 0);
  // Cells are strings, never formulas.
  const std::string workbook = unzip_member(run.out / "appendix.xlsx", "xl/workbook.xml");
  int sheets = 0;
  for (std::size_t at = workbook.find("<sheet "); at != std::string::npos; at = workbook.find("<sheet ", at + 1)) ++sheets;
  CHECK(sheets >= 3);
  for (int sheet = 1; sheet <= sheets; ++sheet)
    CHECK_THAT(unzip_member(run.out / "appendix.xlsx", "xl/worksheets/sheet" + std::to_string(sheet) + ".xml"),
               !Catch::Contains("<f>"));
  const auto facilities = gpkg_values(run.out / "layers.gpkg", "facilities", "name");
  CHECK(facilities.count(kHyperlink) == 1);
  CHECK(facilities.count(kMinus) == 1);
  const auto zones = gpkg_values(run.out / "layers.gpkg", "zones_county", "name");
  CHECK(zones == std::set<std::string>{kAt, kScript});
}

TEST_CASE("run: report.md shows markup in names as written and keeps its table columns", "[cli][output-text]") {
  const NamesRun run;
  INFO(run.result.all());
  REQUIRE(run.result.code == 0);
  const std::string md = slurp(run.out / "report.md");
  // No raw HTML from a name: every "<" is escaped, or one of carereach's own line breaks.
  for (std::size_t at = md.find('<'); at != std::string::npos; at = md.find('<', at + 1))
    CHECK((md[at - 1] == '\\' || md.compare(at, 4, "<br>") == 0));
  // Each table keeps the column count of its header; the zone's cell reads as the name.
  std::size_t header_cells = 0;
  std::size_t rows_with_script = 0;
  std::string previous;
  for (std::size_t at = 0, nl; (nl = md.find('\n', at)) != std::string::npos; at = nl + 1) {
    const std::string line = md.substr(at, nl - at);
    if (!line.starts_with("|")) {
      header_cells = 0;
      continue;
    }
    const auto cells = markdown_cells(line);
    if (header_cells == 0) header_cells = cells.size();
    CHECK(cells.size() == header_cells);
    for (const auto& c : cells)
      if (c == kScript) ++rows_with_script;
  }
  CHECK(rows_with_script >= 2);  // the coverage and density tables at least
  // The findings name the zone too, escaped the same way.
  CHECK_THAT(md, Catch::Contains("\\<script\\>alert(1)\\</script\\>\\|\\*x\\*"));
}

TEST_CASE("export to CSV neutralises formula-like names; GeoPackage keeps them", "[cli][output-text][export]") {
  const NamesRun run;
  INFO(run.result.all());
  REQUIRE(run.result.code == 0);
  const auto csv_out = run.fx.dir / "exported.csv";
  const auto e = run_cli({"export", (run.out / "layers.gpkg").string(), "--format", "csv", "--layers", "facilities",
                          csv_out.string()});
  INFO(e.all());
  REQUIRE(e.code == 0);
  const std::string text = slurp(csv_out);
  CHECK_THAT(text, Catch::Contains("'-1+2"));
  CHECK_THAT(text, Catch::Contains("'=HYPERLINK("));
  for (std::size_t at = text.find("=HYPERLINK"); at != std::string::npos; at = text.find("=HYPERLINK", at + 1))
    CHECK(text[at - 1] == '\'');
  const auto gpkg_out = run.fx.dir / "copy.gpkg";
  REQUIRE(run_cli({"export", (run.out / "layers.gpkg").string(), "--format", "gpkg", "--layers", "facilities",
                   gpkg_out.string()})
              .code == 0);
  const auto names = gpkg_values(gpkg_out, "facilities", "name");
  CHECK(names.count(kHyperlink) == 1);
  CHECK(names.count(kMinus) == 1);
}

TEST_CASE("convert-coords keeps the user's cells as they were (docs/cli/convert-coords.md)", "[cli][output-text]") {
  // A conversion of the user's own table: only the coordinates change, even texts that start with = or -.
  TempDir dir;
  const auto in = dir.write("in.csv", "名称,经度,纬度\n\"=HYPERLINK(\"\"http://x\"\",\"\"y\"\")\",116.05,33.55\n-1+2,116.1,33.6\n");
  const auto out = dir / "out.csv";
  const auto r = run_cli({"convert-coords", "--from", "EPSG:4326", "--to", "EPSG:4490", "--x-field", "经度", "--y-field",
                          "纬度", in.string(), out.string()});
  INFO(r.all());
  REQUIRE(r.code == 0);
  const auto lines = csv_lines(out);
  REQUIRE(lines.size() == 3);
  CHECK(lines[1].starts_with("\"=HYPERLINK(\"\"http://x\"\",\"\"y\"\")\","));
  CHECK(lines[2].starts_with("-1+2,"));
}
