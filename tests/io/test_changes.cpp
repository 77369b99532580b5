// A scenario's [changes] applied to loaded facilities: close, upgrade, add, and the mistakes named.

#include <catch2/catch.hpp>

#include <algorithm>
#include <string>
#include <vector>

#include "core/error.hpp"
#include "core/taxonomy.hpp"
#include "geo/crs.hpp"
#include "io/changes.hpp"

using namespace carereach;
using namespace carereach::io;

namespace {

Facility facility(std::uint32_t i, const std::string& id, const std::string& type, std::vector<std::string> tags = {}) {
  Facility f;
  f.id = FacilityId(i);
  f.source_id = id;
  f.name = id + " 名称";
  f.type = type;
  f.tags = std::move(tags);
  return f;
}

std::vector<Facility> three() {
  return {facility(0, "A", "village_clinic"), facility(1, "B", "village_clinic"),
          facility(2, "C", "township_health_center", {"tcm", "tcm_hall"})};
}

bool has(const std::vector<std::string>& v, const std::string& x) { return std::find(v.begin(), v.end(), x) != v.end(); }

}  // namespace

TEST_CASE("changes: close, upgrade with implied tags, add with its coordinates converted", "[changes]") {
  const Taxonomy taxonomy = Taxonomy::builtin();
  std::vector<Facility> fs = three();
  ScenarioChanges c;
  c.close = {"C"};
  FacilityUpgrade up;
  up.ids = {"A", "B"};
  up.add_tags = {"中医阁"};  // the Chinese name of tcm_corner, which implies tcm
  up.attributes.doctors = 2;
  up.key = "changes.upgrade[0]";
  c.upgrade.push_back(up);
  FacilityAddition add;
  add.id = "N1";
  add.name = "新增卫生院";
  add.type = "乡镇卫生院";
  add.tags = {"中医馆"};
  add.x = 117.5;  // longitude
  add.y = 31.0;   // latitude
  add.crs = "EPSG:4326";
  add.attributes.beds = 30;
  add.key = "changes.add[0]";
  c.add.push_back(add);

  Diagnostics diag;
  const ChangeSummary s = apply_changes(fs, c, taxonomy, geo::CrsSpec::parse("EPSG:32650"), "s.toml", diag);
  CHECK(s.closed == 1);
  CHECK(s.upgraded == 2);
  CHECK(s.added == 1);
  CHECK(fs[2].status == FacilityStatus::kClosed);
  for (int i : {0, 1}) {
    CHECK(has(fs[i].tags, "tcm_corner"));
    CHECK(has(fs[i].tags, "tcm"));
    CHECK(fs[i].doctors == 2.0);
    CHECK_FALSE(fs[i].beds.has_value());
  }
  REQUIRE(fs.size() == 4);
  const Facility& n = fs[3];
  CHECK(n.id.value == 3);
  CHECK(n.source_id == "N1");
  CHECK(n.type == "township_health_center");
  CHECK(has(n.tags, "tcm_hall"));
  CHECK(has(n.tags, "tcm"));
  CHECK(n.beds == 30.0);
  CHECK(n.status == FacilityStatus::kActive);
  // 117.5°E 31°N in UTM 50N, from `echo "31 117.5" | cs2cs EPSG:4326 EPSG:32650`: 547733.317 3429709.205.
  CHECK(n.x_m == Approx(547733.317).margin(0.01));
  CHECK(n.y_m == Approx(3429709.205).margin(0.01));
  CHECK(n.lon == Approx(117.5));
  CHECK(n.lat == Approx(31.0));
  CHECK(s.lines.size() == 3);
  // The same lines in Chinese, for the Chinese reports: tags and types by their Chinese names.
  CHECK(s.lines_zh == std::vector<std::string>{"关闭 1 个：C", "调整 2 个：增加标签中医阁（A、B）", "新增 N1 新增卫生院（乡镇卫生院）"});
  CHECK(diag.all().empty());
}

TEST_CASE("changes: remove_tags and a new type; closing twice is a warning", "[changes]") {
  const Taxonomy taxonomy = Taxonomy::builtin();
  std::vector<Facility> fs = three();
  fs[1].status = FacilityStatus::kClosed;
  ScenarioChanges c;
  c.close = {"B"};
  FacilityUpgrade up;
  up.ids = {"C"};
  up.remove_tags = {"tcm_hall"};
  up.type = "社区卫生服务中心";
  up.level = "一级";
  c.upgrade.push_back(up);
  Diagnostics diag;
  const ChangeSummary s = apply_changes(fs, c, taxonomy, geo::CrsSpec::parse("EPSG:32650"), "s.toml", diag);
  CHECK(s.closed == 0);
  REQUIRE(diag.all().size() == 1);
  CHECK(diag.all()[0].code == "changes.already_closed");
  CHECK(fs[2].type == "community_health_center");
  CHECK(fs[2].level == FacilityLevel::kPrimary);
  CHECK_FALSE(has(fs[2].tags, "tcm_hall"));
}

TEST_CASE("changes: unknown ids, types and tags, and a duplicate new id are errors naming the key", "[changes]") {
  const Taxonomy taxonomy = Taxonomy::builtin();
  const auto crs = geo::CrsSpec::parse("EPSG:32650");
  Diagnostics diag;
  auto message = [&](ScenarioChanges c) {
    std::vector<Facility> fs = three();
    try {
      apply_changes(fs, c, taxonomy, crs, "s.toml", diag);
    } catch (const Error& e) {
      return std::string(e.what());
    }
    return std::string("no error");
  };
  ScenarioChanges unknown_id;
  unknown_id.close = {"Z"};
  CHECK(message(unknown_id).find("'Z'") != std::string::npos);
  CHECK(message(unknown_id).find("changes.close") != std::string::npos);

  ScenarioChanges bad_tag;
  FacilityUpgrade up;
  up.ids = {"A"};
  up.add_tags = {"不存在的标签"};
  up.key = "changes.upgrade[0]";
  bad_tag.upgrade.push_back(up);
  CHECK(message(bad_tag).find("not a known tag") != std::string::npos);
  CHECK(message(bad_tag).find("changes.upgrade[0].add_tags") != std::string::npos);

  ScenarioChanges dup;
  FacilityAddition a;
  a.id = "A";
  a.type = "village_clinic";
  a.key = "changes.add[0]";
  dup.add.push_back(a);
  CHECK(message(dup).find("already used") != std::string::npos);

  ScenarioChanges bad_type;
  a.id = "N";
  a.type = "飞船";
  bad_type.add.push_back(a);
  CHECK(message(bad_type).find("not a facility type") != std::string::npos);
}
