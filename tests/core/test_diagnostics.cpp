#include <catch2/catch.hpp>

#include "core/diagnostics.hpp"

using namespace carereach;

TEST_CASE("locations and errors name file, layer, feature and field", "[errors]") {
  const InputError e("empty coordinate", Location{"fac.csv", "", "row 7", "经度", 0}, "fill it in");
  CHECK(std::string(e.what()) == "fac.csv, row 7, field '经度': empty coordinate");
  CHECK(e.exit_code() == ExitCode::kInput);
  CHECK(e.hint() == "fill it in");
  const ScenarioError s("unknown key", Location{"s.toml", "", "", "analysis.cel_size_m", 12});
  CHECK(std::string(s.what()) == "s.toml, line 12, field 'analysis.cel_size_m': unknown key");
  CHECK(s.exit_code() == ExitCode::kScenario);
}

TEST_CASE("diagnostics count and rethrow the first error", "[errors]") {
  Diagnostics d;
  d.warn("zone.repaired"_code, "repaired");
  CHECK_FALSE(d.has_errors());
  CHECK_NOTHROW(d.throw_if_errors());
  d.error(ExitCode::kInput, "facility.duplicate_id"_code, "duplicate id 'a'", Location{"f.csv", "", "row 3", "id", 0});
  d.error(ExitCode::kCrs, "x"_code, "second");
  CHECK(d.error_count() == 2);
  CHECK(d.warning_count() == 1);
  CHECK(d.count("facility.duplicate_id") == 1);
  try {
    d.throw_if_errors();
    FAIL("expected an error");
  } catch (const Error& e) {
    CHECK(e.exit_code() == ExitCode::kInput);
    CHECK_THAT(e.what(), Catch::Contains("duplicate id 'a'") && Catch::Contains("and 1 more error"));
  }
}
