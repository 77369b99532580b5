#include "synthetic/facilities.hpp"

#include <cmath>

#include "synthetic/random.hpp"

namespace carereach::synthetic {

namespace {

int draw(Rng& rng, int lo, int hi) {
  return lo + static_cast<int>(rng.below(static_cast<std::uint64_t>(hi - lo + 1)));
}

/// Strips the suffix 县/区/镇/乡/村 (3 bytes in UTF-8) from a place name: 安城县 → 安城.
std::string stem(const std::string& name) {
  return name.size() > 3 ? name.substr(0, name.size() - 3) : name;
}

/// Keeps a facility next to its settlement inside the extent and inside its county (so 所属县区代码 is true and no
/// facility is reported outside the study area); a position that would leave either falls back to the
/// settlement's own point, which lies in its county by construction.
class Placer {
 public:
  explicit Placer(const Layout& layout) : layout_(layout) {
    for (const County& c : layout.counties) prepared_.emplace_back(c.polygon);
  }
  void place(FacilityRow& row, double x, double y, double at_x, double at_y, std::uint32_t county) const {
    constexpr double kMarginM = 1.0;
    const Extent& e = layout_.extent;
    const bool inside = x > e.min_x_m + kMarginM && x < e.max_x_m - kMarginM && y > e.min_y_m + kMarginM &&
                        y < e.max_y_m - kMarginM && prepared_[county].covers(x, y);
    row.x_m = inside ? x : at_x;
    row.y_m = inside ? y : at_y;
  }

 private:
  const Layout& layout_;
  std::vector<geo::PreparedGeometry> prepared_;
};

}  // namespace

std::vector<FacilityRow> make_facilities(const SyntheticSpec& spec, const Layout& layout) {
  Rng rng(spec.seed, Stream::kFacilities);
  const Placer placer(layout);
  std::vector<FacilityRow> rows;
  rows.reserve(2 * layout.counties.size() + layout.townships.size() + layout.villages.size());

  for (const County& c : layout.counties) {
    const Township& seat = layout.townships[c.seat_township];
    const std::uint32_t county = seat.county;
    const bool large = c.urban_population > 250'000.0;
    FacilityRow general;
    general.code = "ZH" + c.code;
    general.name = c.name + "人民医院";
    general.type = "综合医院";
    general.level = large ? "三级" : "二级";
    general.tags = "县级医院";
    general.beds = large ? draw(rng, 900, 1500) : draw(rng, 400, 900);
    general.doctors = general.beds * draw(rng, 30, 40) / 100;
    general.nurses = general.beds * draw(rng, 45, 60) / 100;
    general.gps = draw(rng, 8, 30);
    general.tcm_beds = draw(rng, 20, 60);
    general.tcm_doctors = draw(rng, 8, 30);
    const double gx = seat.x_m + rng.uniform(200.0, 500.0);
    const double gy = seat.y_m + rng.uniform(-300.0, 300.0);
    placer.place(general, gx, gy, seat.x_m, seat.y_m, county);
    general.county_code = c.code;
    rows.push_back(general);

    FacilityRow tcm;
    tcm.code = "ZY" + c.code;
    tcm.name = c.name + "中医院";
    tcm.type = "中医医院";
    tcm.level = "二级";
    tcm.tags = "县级医院";
    tcm.beds = draw(rng, 200, 700);
    tcm.doctors = tcm.beds * draw(rng, 30, 40) / 100;
    tcm.nurses = tcm.beds * draw(rng, 40, 55) / 100;
    tcm.gps = draw(rng, 4, 15);
    tcm.tcm_beds = tcm.beds * draw(rng, 60, 85) / 100;
    tcm.tcm_doctors = tcm.doctors * draw(rng, 50, 70) / 100;
    const double tx = seat.x_m - rng.uniform(300.0, 900.0);
    const double ty = seat.y_m + rng.uniform(-600.0, 600.0);
    placer.place(tcm, tx, ty, seat.x_m, seat.y_m, county);
    tcm.county_code = c.code;
    rows.push_back(tcm);
  }

  for (const Township& t : layout.townships) {
    FacilityRow r;
    r.code = "WY" + t.code;
    r.name = (t.county_seat ? layout.counties[t.county].name + t.name : t.name) + "卫生院";
    r.type = "乡镇卫生院";
    r.level = "一级";
    r.tags = rng.unit() < 0.9 ? "中医馆" : "";
    r.beds = draw(rng, 20, 80);
    r.doctors = draw(rng, 8, 25);
    r.nurses = draw(rng, 6, 25);
    r.gps = draw(rng, 2, 8);
    r.tcm_beds = r.tags.empty() ? 0 : draw(rng, 2, 12);
    r.tcm_doctors = draw(rng, 1, 5);
    const double x = t.x_m + rng.uniform(-120.0, 120.0);
    const double y = t.y_m + rng.uniform(-120.0, 120.0);
    placer.place(r, x, y, t.x_m, t.y_m, t.county);
    r.county_code = layout.counties[t.county].code;
    r.township_code = t.code;
    rows.push_back(r);
  }

  for (const Village& v : layout.villages) {
    const Township& t = layout.townships[v.township];
    FacilityRow r;
    r.code = "CW" + v.code;
    r.name = (t.county_seat ? std::string() : stem(t.name)) + v.name + "卫生室";
    r.type = "村卫生室";
    r.level = "未定级";
    r.tags = rng.unit() < 0.35 ? "中医阁" : "";
    r.doctors = draw(rng, 0, 2);
    r.nurses = draw(rng, 0, 1);
    const double x = v.x_m + rng.uniform(-80.0, 80.0);
    const double y = v.y_m + rng.uniform(-80.0, 80.0);
    placer.place(r, x, y, v.x_m, v.y_m, t.county);
    r.county_code = layout.counties[t.county].code;
    r.township_code = t.code;
    rows.push_back(r);
  }
  return rows;
}

}  // namespace carereach::synthetic
