#define GEOS_USE_ONLY_R_API
#include "synthetic/layout.hpp"

#include <geos_c.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdio>
#include <limits>
#include <numeric>
#include <set>
#include <stdexcept>
#include <string_view>
#include <utility>

#include "geo/crs.hpp"
#include "synthetic/random.hpp"

namespace carereach::synthetic {

namespace {

struct Point {
  double x = 0.0;
  double y = 0.0;
};

double dist2(const Point& a, const Point& b) {
  return (a.x - b.x) * (a.x - b.x) + (a.y - b.y) * (a.y - b.y);
}

// ------------------------------------------------------------------------------------------------ spacing

/// Points in buckets of a square grid, for "distance to the nearest point within a cap" queries.
class PointBuckets {
 public:
  PointBuckets(const Extent& e, double bucket_m)
      : e_(e),
        bucket_m_(bucket_m),
        cols_(static_cast<std::size_t>(std::max(1.0, std::ceil(e.width_m() / bucket_m)))),
        rows_(static_cast<std::size_t>(std::max(1.0, std::ceil(e.height_m() / bucket_m)))),
        buckets_(cols_ * rows_) {}

  void add(const Point& p) { buckets_[bucket_of(p)].push_back(p); }

  /// Distance to the nearest point not farther than cap_m; cap_m when there is none that close.
  [[nodiscard]] double nearest(const Point& p, double cap_m) const {
    const auto reach = static_cast<long>(std::ceil(cap_m / bucket_m_));
    const auto [c0, r0] = col_row(p);
    double best = cap_m * cap_m;
    for (long r = r0 - reach; r <= r0 + reach; ++r) {
      if (r < 0 || r >= static_cast<long>(rows_)) continue;
      for (long c = c0 - reach; c <= c0 + reach; ++c) {
        if (c < 0 || c >= static_cast<long>(cols_)) continue;
        for (const Point& q : buckets_[static_cast<std::size_t>(r) * cols_ + static_cast<std::size_t>(c)])
          best = std::min(best, dist2(p, q));
      }
    }
    return std::sqrt(best);
  }

 private:
  [[nodiscard]] std::pair<long, long> col_row(const Point& p) const {
    const auto c = static_cast<long>(std::clamp(std::floor((p.x - e_.min_x_m) / bucket_m_), 0.0, double(cols_ - 1)));
    const auto r = static_cast<long>(std::clamp(std::floor((p.y - e_.min_y_m) / bucket_m_), 0.0, double(rows_ - 1)));
    return {c, r};
  }
  [[nodiscard]] std::size_t bucket_of(const Point& p) const {
    const auto [c, r] = col_row(p);
    return static_cast<std::size_t>(r) * cols_ + static_cast<std::size_t>(c);
  }

  Extent e_;
  double bucket_m_;
  std::size_t cols_;
  std::size_t rows_;
  std::vector<std::vector<Point>> buckets_;
};

/// Mitchell's best-candidate sampling: each new point is the one of `candidates` uniform draws farthest from the
/// points placed so far (and from `existing`), which spreads n points evenly but not on a lattice.
std::vector<Point> spread_points(std::size_t n, const Extent& e, double inset_share, const std::vector<Point>& existing,
                                 Rng& rng) {
  const double spacing = std::sqrt(e.width_m() * e.height_m() / static_cast<double>(std::max<std::size_t>(n, 1)));
  const double cap = 2.0 * spacing;
  PointBuckets buckets(e, spacing);
  for (const Point& p : existing) buckets.add(p);
  const double ix = e.width_m() * inset_share;
  const double iy = e.height_m() * inset_share;
  constexpr int kCandidates = 10;
  std::vector<Point> out;
  out.reserve(n);
  for (std::size_t i = 0; i < n; ++i) {
    Point best;
    double best_d = -1.0;
    for (int k = 0; k < kCandidates; ++k) {
      const Point p{rng.uniform(e.min_x_m + ix, e.max_x_m - ix), rng.uniform(e.min_y_m + iy, e.max_y_m - iy)};
      const double d = buckets.nearest(p, cap);
      if (d > best_d) {
        best_d = d;
        best = p;
      }
    }
    buckets.add(best);
    out.push_back(best);
  }
  return out;
}

// ------------------------------------------------------------------------------------------------ counties

/// Owns a GEOSGeometry created through the thread's context.
geo::Geometry own(GEOSGeometry* g, const char* what) {
  if (g == nullptr) throw std::runtime_error(std::string("GEOS failed: ") + what);
  return geo::Geometry(g);
}

geo::Geometry box_geometry(const Extent& e) {
  char wkt[256];
  std::snprintf(wkt, sizeof wkt, "POLYGON((%.3f %.3f,%.3f %.3f,%.3f %.3f,%.3f %.3f,%.3f %.3f))", e.min_x_m, e.min_y_m,
                e.max_x_m, e.min_y_m, e.max_x_m, e.max_y_m, e.min_x_m, e.max_y_m, e.min_x_m, e.min_y_m);
  return geo::Geometry::from_wkt(wkt);
}

/// Partitions the extent into one region per seat: a Voronoi diagram of many small seeds, each seed given to the
/// seat nearest to a smoothly warped copy of its position, and the seeds' cells merged per seat. The warp makes
/// the borders wander like real county borders; it is gentle enough (its gradient stays below 1) that regions
/// stay in one piece, and the cell around each seat is given to that seat, so every seat lies in its own region.
std::vector<geo::Geometry> partition(const Extent& e, const std::vector<Point>& seats, std::uint64_t seed) {
  GEOSContextHandle_t h = geo::geos_context();
  const double county_spacing = std::sqrt(e.width_m() * e.height_m() / static_cast<double>(seats.size()));

  // Seeds on a jittered lattice: one per lattice cell, so the nearest seed of a point is in the cells around it.
  const double wanted = std::max(200.0, 150.0 * static_cast<double>(seats.size()));
  const auto nsx = static_cast<std::size_t>(std::max(2.0, std::round(std::sqrt(wanted * e.width_m() / e.height_m()))));
  const auto nsy = static_cast<std::size_t>(std::max(2.0, std::round(wanted / static_cast<double>(nsx))));
  const double dx = e.width_m() / static_cast<double>(nsx);
  const double dy = e.height_m() / static_cast<double>(nsy);
  std::vector<Point> seeds(nsx * nsy);
  for (std::size_t j = 0; j < nsy; ++j)
    for (std::size_t i = 0; i < nsx; ++i) {
      const std::size_t k = j * nsx + i;
      const double u = hash_unit(seed, Stream::kPartitionSeeds, 2 * k) - 0.5;
      const double v = hash_unit(seed, Stream::kPartitionSeeds, 2 * k + 1) - 0.5;
      seeds[k] = {e.min_x_m + (static_cast<double>(i) + 0.5 + 0.7 * u) * dx,
                  e.min_y_m + (static_cast<double>(j) + 0.5 + 0.7 * v) * dy};
    }
  auto nearest_seed = [&](const Point& p) {
    const auto ci = static_cast<long>(std::floor((p.x - e.min_x_m) / dx));
    const auto cj = static_cast<long>(std::floor((p.y - e.min_y_m) / dy));
    std::size_t best = 0;
    double best_d = std::numeric_limits<double>::infinity();
    for (long j = cj - 2; j <= cj + 2; ++j)
      for (long i = ci - 2; i <= ci + 2; ++i) {
        if (i < 0 || j < 0 || i >= static_cast<long>(nsx) || j >= static_cast<long>(nsy)) continue;
        const std::size_t k = static_cast<std::size_t>(j) * nsx + static_cast<std::size_t>(i);
        const double d = dist2(p, seeds[k]);
        if (d < best_d) {
          best_d = d;
          best = k;
        }
      }
    return best;
  };

  // Owner of each seed: the seat nearest to the warped seed position.
  const ValueNoise warp_x(seed, Stream::kCountyWarp, 0, 1.6 * county_spacing);
  const ValueNoise warp_y(seed, Stream::kCountyWarp, 1, 1.6 * county_spacing);
  const ValueNoise fine_x(seed, Stream::kCountyWarp, 2, 0.5 * county_spacing);
  const ValueNoise fine_y(seed, Stream::kCountyWarp, 3, 0.5 * county_spacing);
  std::vector<std::uint32_t> owner(seeds.size());
  for (std::size_t k = 0; k < seeds.size(); ++k) {
    const Point& p = seeds[k];
    const Point w{p.x + county_spacing * (0.18 * warp_x.at(p.x, p.y) + 0.05 * fine_x.at(p.x, p.y)),
                  p.y + county_spacing * (0.18 * warp_y.at(p.x, p.y) + 0.05 * fine_y.at(p.x, p.y))};
    std::uint32_t best = 0;
    double best_d = std::numeric_limits<double>::infinity();
    for (std::size_t c = 0; c < seats.size(); ++c) {
      const double d = dist2(w, seats[c]);
      if (d < best_d) {
        best_d = d;
        best = static_cast<std::uint32_t>(c);
      }
    }
    owner[k] = best;
  }
  for (std::size_t c = 0; c < seats.size(); ++c) owner[nearest_seed(seats[c])] = static_cast<std::uint32_t>(c);

  // Voronoi cells of the seeds (GEOS returns them in its own order: a cell's seed is the seed nearest to its
  // centroid, which lies inside the convex cell).
  std::vector<GEOSGeometry*> points;
  points.reserve(seeds.size());
  for (const Point& p : seeds) points.push_back(GEOSGeom_createPointFromXY_r(h, p.x, p.y));
  const geo::Geometry multipoint =
      own(GEOSGeom_createCollection_r(h, GEOS_MULTIPOINT, points.data(), static_cast<unsigned>(points.size())),
          "multipoint of partition seeds");
  const geo::Geometry frame = box_geometry(e);
  const geo::Geometry cells = own(GEOSVoronoiDiagram_r(h, multipoint.get(), frame.get(), 0.0, 0), "Voronoi diagram");
  const int cell_count = GEOSGetNumGeometries_r(h, cells.get());
  std::vector<std::vector<GEOSGeometry*>> parts(seats.size());
  for (int i = 0; i < cell_count; ++i) {
    const GEOSGeometry* cell = GEOSGetGeometryN_r(h, cells.get(), i);
    // Cells on the border reach far beyond the extent: their centroid is taken inside it.
    double min_x = 0.0, min_y = 0.0, max_x = 0.0, max_y = 0.0;
    GEOSGeom_getXMin_r(h, cell, &min_x);
    GEOSGeom_getYMin_r(h, cell, &min_y);
    GEOSGeom_getXMax_r(h, cell, &max_x);
    GEOSGeom_getYMax_r(h, cell, &max_y);
    const bool inside = min_x >= e.min_x_m && min_y >= e.min_y_m && max_x <= e.max_x_m && max_y <= e.max_y_m;
    const geo::Geometry clipped =
        inside ? geo::Geometry() : own(GEOSIntersection_r(h, cell, frame.get()), "clip a cell");
    const geo::Geometry centroid = own(GEOSGetCentroid_r(h, inside ? cell : clipped.get()), "centroid");
    double cx = 0.0, cy = 0.0;
    GEOSGeomGetX_r(h, centroid.get(), &cx);
    GEOSGeomGetY_r(h, centroid.get(), &cy);
    parts[owner[nearest_seed({cx, cy})]].push_back(GEOSGeom_clone_r(h, cell));
  }

  std::vector<geo::Geometry> regions;
  regions.reserve(seats.size());
  for (std::size_t c = 0; c < seats.size(); ++c) {
    if (parts[c].empty()) throw std::runtime_error("county partition: a county received no cell");
    const geo::Geometry collection = own(GEOSGeom_createCollection_r(h, GEOS_GEOMETRYCOLLECTION, parts[c].data(),
                                                                     static_cast<unsigned>(parts[c].size())),
                                         "collection of cells");
    const geo::Geometry merged = own(GEOSUnaryUnion_r(h, collection.get()), "union of cells");
    const geo::Geometry clipped = own(GEOSIntersection_r(h, merged.get(), frame.get()), "clip to the extent");
    // Vertices on a 1 cm grid, so the files hold exactly what was checked.
    geo::Geometry region = own(GEOSGeom_setPrecision_r(h, clipped.get(), 0.01, 0), "snap to 1 cm");
    std::string reason;
    if (!region.is_valid(&reason)) throw std::runtime_error("county partition: invalid polygon (" + reason + ")");
    if (!region.is_polygonal()) throw std::runtime_error("county partition: a county is not polygonal");
    regions.push_back(std::move(region));
  }

  // The regions must cover the extent without overlaps: their areas add up to the extent's, and so does the
  // area of their union.
  const double extent_area = e.width_m() * e.height_m();
  double sum = 0.0;
  std::vector<geo::Geometry> copies;
  for (const auto& r : regions) {
    sum += r.area();
    copies.push_back(r.clone());
  }
  const double union_area = geo::Geometry::union_all(std::move(copies)).area();
  constexpr double kTolerance = 1e-6;
  if (std::abs(sum - extent_area) > kTolerance * extent_area ||
      std::abs(union_area - extent_area) > kTolerance * extent_area)
    throw std::runtime_error("county partition does not cover the extent exactly");
  for (std::size_t c = 0; c < seats.size(); ++c) {
    const geo::PreparedGeometry prepared(regions[c]);
    if (!prepared.covers(seats[c].x, seats[c].y))
      throw std::runtime_error("county partition: a seat outside its county");
  }
  return regions;
}

// ------------------------------------------------------------------------------------------------ names

constexpr std::array<std::string_view, 44> kPlaceFirst = {
    "安", "平", "和", "兴", "东", "西", "南", "北", "新", "丰", "宁", "永", "长", "福", "寿",
    "清", "明", "青", "白", "黄", "红", "金", "马", "龙", "凤", "古", "双", "高", "大", "太",
    "石", "柳", "桃", "杨", "梨", "松", "江", "河", "湖", "泉", "阳", "林", "山", "广"};
constexpr std::array<std::string_view, 30> kPlaceSecond = {"城", "桥", "集", "庄", "店", "湖", "河", "山", "阳", "口",
                                                           "台", "坝", "湾", "岭", "沟", "营", "屯", "寨", "岗", "圩",
                                                           "铺", "楼", "塘", "堡", "园", "田", "坊", "里", "泽", "陵"};
constexpr std::array<std::string_view, 24> kSurnames = {"王", "李", "张", "刘", "陈", "杨", "赵", "黄",
                                                        "周", "吴", "徐", "孙", "胡", "朱", "高", "林",
                                                        "何", "郭", "马", "罗", "梁", "宋", "郑", "谢"};
constexpr std::array<std::string_view, 20> kVillageSecond = {"庄", "集", "寨", "楼", "营", "湾", "桥",
                                                             "店", "圩", "岗", "屯", "园", "台", "沟",
                                                             "铺", "坊", "庙", "家", "湖", "塘"};
constexpr std::array<std::string_view, 8> kVillagePrefix = {"前", "后", "东", "西", "南", "北", "大", "小"};

template <std::size_t N>
std::string_view pick(const std::array<std::string_view, N>& words, std::uint64_t bits) {
  return words[bits % N];
}

/// A place name unique within `used`: two syllables, then three, then with a number.
std::string unique_place_name(std::set<std::string>& used, std::uint64_t seed, std::uint64_t key) {
  for (std::uint64_t attempt = 0; attempt < 64; ++attempt) {
    const std::uint64_t bits = hash64(seed, Stream::kNames, key * 131 + attempt);
    std::string name(pick(kPlaceFirst, bits));
    name += pick(kPlaceSecond, bits >> 16U);
    if (attempt >= 24) name += pick(kPlaceSecond, bits >> 32U);
    if (used.insert(name).second) return name;
  }
  std::string name = std::string(pick(kPlaceFirst, key)) + std::to_string(key);
  used.insert(name);
  return name;
}

std::string unique_village_name(std::set<std::string>& used, std::uint64_t seed, std::uint64_t key) {
  for (std::uint64_t attempt = 0; attempt < 64; ++attempt) {
    const std::uint64_t bits = hash64(seed, Stream::kNames, (key << 8U) + attempt + 0x5000000000ULL);
    std::string name;
    if (attempt >= 16) name += pick(kVillagePrefix, bits >> 40U);
    name += pick(kSurnames, bits);
    name += pick(kVillageSecond, bits >> 16U);
    if (used.insert(name).second) return name;
  }
  std::string name = std::string(pick(kSurnames, key)) + std::to_string(key);
  used.insert(name);
  return name;
}

std::string two_digits(std::size_t v) {
  char buf[8];
  std::snprintf(buf, sizeof buf, "%02zu", v);
  return buf;
}

std::string three_digits(std::size_t v) {
  char buf[8];
  std::snprintf(buf, sizeof buf, "%03zu", v);
  return buf;
}

/// North to south, then west to east: the order codes are given in.
bool north_first(const Point& a, const Point& b) {
  if (a.y != b.y) return a.y > b.y;
  return a.x < b.x;
}

}  // namespace

Extent make_extent(const SyntheticSpec& spec) {
  const geo::Transformer to_projected(geo::CrsSpec::parse("EPSG:4490"), geo::CrsSpec::parse(spec.crs));
  double x = spec.centre_lon, y = spec.centre_lat;
  if (!to_projected.transform(x, y))
    throw std::runtime_error("cannot project the centre of the extent into " + spec.crs);
  const double cell = spec.cell_size_m;
  const double w = std::max(1.0, std::round(spec.width_km * 1000.0 / cell)) * cell;
  const double hgt = std::max(1.0, std::round(spec.height_km * 1000.0 / cell)) * cell;
  Extent e;
  e.min_x_m = std::round((x - w / 2.0) / cell) * cell;
  e.min_y_m = std::round((y - hgt / 2.0) / cell) * cell;
  e.max_x_m = e.min_x_m + w;
  e.max_y_m = e.min_y_m + hgt;
  return e;
}

Layout make_layout(const SyntheticSpec& spec, const Extent& extent) {
  Layout out;
  out.extent = extent;
  const std::size_t n_counties = spec.county_count();
  const std::size_t n_townships = spec.township_count();
  const std::size_t n_villages = spec.village_count();

  // 1. Seats and villages, evenly spread. The first township of each county sits at the county seat.
  Rng county_rng(spec.seed, Stream::kCountySeats);
  const std::vector<Point> seats = spread_points(n_counties, extent, 0.08, {}, county_rng);
  Rng township_rng(spec.seed, Stream::kTownships);
  std::vector<Point> towns = seats;
  const std::vector<Point> more_towns = spread_points(n_townships - n_counties, extent, 0.02, seats, township_rng);
  towns.insert(towns.end(), more_towns.begin(), more_towns.end());
  Rng village_rng(spec.seed, Stream::kVillages);
  const std::vector<Point> villages = spread_points(n_villages, extent, 0.01, towns, village_rng);

  // 2. Counties and what lies in them.
  std::vector<geo::Geometry> regions = partition(extent, seats, spec.seed);
  std::vector<geo::Envelope> envelopes;
  std::vector<geo::PreparedGeometry> prepared;
  for (const auto& r : regions) {
    envelopes.push_back(r.envelope());
    prepared.emplace_back(r);
  }
  auto county_of = [&](const Point& p) {
    for (std::size_t c = 0; c < regions.size(); ++c) {
      const geo::Envelope& env = envelopes[c];
      if (p.x < env.min_x || p.x > env.max_x || p.y < env.min_y || p.y > env.max_y) continue;
      if (prepared[c].covers(p.x, p.y)) return static_cast<std::uint32_t>(c);
    }
    throw std::runtime_error("county partition: a point of the extent lies in no county");
  };
  std::vector<std::uint32_t> town_county(towns.size());
  for (std::size_t t = 0; t < towns.size(); ++t)
    town_county[t] = t < n_counties ? static_cast<std::uint32_t>(t) : county_of(towns[t]);
  std::vector<std::vector<std::uint32_t>> towns_in_county(n_counties);
  for (std::size_t t = 0; t < towns.size(); ++t)
    towns_in_county[town_county[t]].push_back(static_cast<std::uint32_t>(t));
  std::vector<std::uint32_t> village_town(villages.size());
  for (std::size_t v = 0; v < villages.size(); ++v) {
    const std::uint32_t c = county_of(villages[v]);
    std::uint32_t best = towns_in_county[c].front();
    double best_d = std::numeric_limits<double>::infinity();
    for (const std::uint32_t t : towns_in_county[c]) {
      const double d = dist2(villages[v], towns[t]);
      if (d < best_d) {
        best_d = d;
        best = t;
      }
    }
    village_town[v] = best;
  }

  // 3. Prefectures: blocks of the extent holding about seven counties each.
  const auto n_pref = static_cast<double>(std::max<long long>(1, std::llround(static_cast<double>(n_counties) / 7.0)));
  const double gx = std::max(1.0, std::round(std::sqrt(n_pref * extent.width_m() / extent.height_m())));
  const double gy = std::max(1.0, std::ceil(n_pref / gx));
  auto block_of = [&](const Point& p) {
    const double bx = std::clamp(std::floor((p.x - extent.min_x_m) / extent.width_m() * gx), 0.0, gx - 1);
    const double by = std::clamp(std::floor((extent.max_y_m - p.y) / extent.height_m() * gy), 0.0, gy - 1);
    return static_cast<std::size_t>(by * gx + bx);
  };

  // 4. Order: counties by prefecture block then north to south; townships by county, seat town first; villages
  // by township. Codes follow that order.
  std::vector<std::uint32_t> county_order(n_counties);
  std::iota(county_order.begin(), county_order.end(), 0U);
  std::sort(county_order.begin(), county_order.end(), [&](std::uint32_t a, std::uint32_t b) {
    const std::size_t ba = block_of(seats[a]), bb = block_of(seats[b]);
    if (ba != bb) return ba < bb;
    if (north_first(seats[a], seats[b])) return true;
    if (north_first(seats[b], seats[a])) return false;
    return a < b;
  });
  std::vector<std::uint32_t> county_rank(n_counties);
  for (std::size_t i = 0; i < n_counties; ++i) county_rank[county_order[i]] = static_cast<std::uint32_t>(i);

  std::vector<std::uint32_t> town_order(towns.size());
  std::iota(town_order.begin(), town_order.end(), 0U);
  std::sort(town_order.begin(), town_order.end(), [&](std::uint32_t a, std::uint32_t b) {
    if (town_county[a] != town_county[b]) return county_rank[town_county[a]] < county_rank[town_county[b]];
    const bool sa = a < n_counties, sb = b < n_counties;
    if (sa != sb) return sa;
    if (north_first(towns[a], towns[b])) return true;
    if (north_first(towns[b], towns[a])) return false;
    return a < b;
  });
  std::vector<std::uint32_t> town_rank(towns.size());
  for (std::size_t i = 0; i < towns.size(); ++i) town_rank[town_order[i]] = static_cast<std::uint32_t>(i);

  // Settlement sizes shrink with the room they have when an extent is too small for the usual densities (a
  // few km² still gets two counties): the same persons per km² as at full size.
  const double area_km2 = extent.width_m() * extent.height_m() / 1.0e6;
  const double county_scale = std::min(1.0, area_km2 / static_cast<double>(n_counties) / spec.km2_per_county);
  const double township_scale = std::min(1.0, area_km2 / static_cast<double>(n_townships) / spec.km2_per_township);
  const double village_scale = std::min(1.0, area_km2 / static_cast<double>(n_villages) / spec.km2_per_village);

  // 5. Counties: codes 99PP02 for the prefecture's district (the largest county town), 99PP21… for counties.
  Rng sizes(spec.seed, Stream::kSettlementSizes);
  std::set<std::string> used_names;
  std::vector<std::size_t> county_block(n_counties);
  std::vector<std::size_t> block_codes;  // distinct blocks in order: prefecture number = position + 1
  for (const std::uint32_t c : county_order) {
    county_block[c] = block_of(seats[c]);
    if (block_codes.empty() || block_codes.back() != county_block[c]) block_codes.push_back(county_block[c]);
  }
  if (block_codes.size() > 99) throw std::runtime_error("more than 99 prefectures: choose a smaller extent");
  out.counties.resize(n_counties);
  for (std::size_t i = 0; i < n_counties; ++i)
    out.counties[i].urban_population = county_scale * sizes.uniform(100'000.0, 300'000.0);
  std::size_t first = 0;
  while (first < n_counties) {
    std::size_t last = first;
    const std::size_t block = county_block[county_order[first]];
    while (last < n_counties && county_block[county_order[last]] == block) ++last;
    const auto pref =
        static_cast<std::size_t>(std::find(block_codes.begin(), block_codes.end(), block) - block_codes.begin() + 1);
    const std::string pref_code = "99" + two_digits(pref);
    std::size_t district = first;
    for (std::size_t i = first; i < last; ++i)
      if (out.counties[i].urban_population > out.counties[district].urban_population) district = i;
    out.counties[district].urban_population *= 1.6;
    if (last - first > 79) throw std::runtime_error("more than 79 counties in a prefecture block");
    std::size_t next_county = 21;
    for (std::size_t i = first; i < last; ++i) {
      County& county = out.counties[i];
      const bool is_district = i == district;
      county.code = pref_code + (is_district ? std::string("02") : two_digits(next_county++));
      county.parent_code = pref_code + "00";
      county.name = unique_place_name(used_names, spec.seed, i) + (is_district ? "区" : "县");
      county.polygon = std::move(regions[county_order[i]]);
    }
    first = last;
  }

  // Counties in code order (a prefecture's district, 99PP02, is not necessarily its northernmost county).
  {
    std::vector<std::uint32_t> by_code(n_counties);
    std::iota(by_code.begin(), by_code.end(), 0U);
    std::sort(by_code.begin(), by_code.end(),
              [&](std::uint32_t a, std::uint32_t b) { return out.counties[a].code < out.counties[b].code; });
    std::vector<std::uint32_t> new_index(n_counties);
    for (std::size_t i = 0; i < n_counties; ++i) new_index[by_code[i]] = static_cast<std::uint32_t>(i);
    std::vector<County> sorted;
    sorted.reserve(n_counties);
    for (const std::uint32_t c : by_code) sorted.push_back(std::move(out.counties[c]));
    out.counties = std::move(sorted);
    for (std::uint32_t& rank : county_rank) rank = new_index[rank];
  }

  // 6. Townships: 1xx for 镇 (the seat town 城关镇 is 100), 2xx for 乡.
  out.townships.resize(towns.size());
  std::vector<std::size_t> next_town(n_counties, 101), next_xiang(n_counties, 200);
  for (std::size_t i = 0; i < towns.size(); ++i) {
    const std::uint32_t t = town_order[i];
    Township& town = out.townships[i];
    town.county = county_rank[town_county[t]];
    town.x_m = towns[t].x;
    town.y_m = towns[t].y;
    town.county_seat = t < n_counties;
    const County& county = out.counties[town.county];
    if (town.county_seat) {
      out.counties[town.county].seat_township = static_cast<std::uint32_t>(i);
      town.code = county.code + "100";
      town.name = "城关镇";
      town.town = true;
      continue;
    }
    town.town = sizes.unit() < 0.7;
    std::size_t& counter = town.town ? next_town[town.county] : next_xiang[town.county];
    if ((town.town && counter > 199) || (!town.town && counter > 299))
      throw std::runtime_error("more than 99 towns of one kind in a county: choose fewer townships per county");
    town.code = county.code + three_digits(counter++);
    town.name = unique_place_name(used_names, spec.seed, 100'000 + i) + (town.town ? "镇" : "乡");
    town.population = township_scale * (town.town ? sizes.uniform(5'000.0, 20'000.0) : sizes.uniform(3'000.0, 9'000.0));
  }

  // Townships in code order (the 镇 and 乡 series interleave in the north-to-south order they were numbered in).
  std::vector<std::uint32_t> by_code(out.townships.size());
  std::iota(by_code.begin(), by_code.end(), 0U);
  std::sort(by_code.begin(), by_code.end(),
            [&](std::uint32_t a, std::uint32_t b) { return out.townships[a].code < out.townships[b].code; });
  std::vector<std::uint32_t> new_index(by_code.size());
  for (std::size_t i = 0; i < by_code.size(); ++i) new_index[by_code[i]] = static_cast<std::uint32_t>(i);
  std::vector<Township> sorted_towns;
  sorted_towns.reserve(by_code.size());
  for (const std::uint32_t t : by_code) sorted_towns.push_back(std::move(out.townships[t]));
  out.townships = std::move(sorted_towns);
  for (County& c : out.counties) c.seat_township = new_index[c.seat_township];
  for (std::uint32_t& rank : town_rank) rank = new_index[rank];

  std::vector<std::uint32_t> village_order(villages.size());
  std::iota(village_order.begin(), village_order.end(), 0U);
  std::sort(village_order.begin(), village_order.end(), [&](std::uint32_t a, std::uint32_t b) {
    if (village_town[a] != village_town[b]) return town_rank[village_town[a]] < town_rank[village_town[b]];
    if (north_first(villages[a], villages[b])) return true;
    if (north_first(villages[b], villages[a])) return false;
    return a < b;
  });

  // 7. Villages: 2xx within the township (村民委员会).
  out.villages.resize(villages.size());
  std::vector<std::size_t> next_village(towns.size(), 200);
  std::vector<std::set<std::string>> village_names(towns.size());
  for (std::size_t i = 0; i < villages.size(); ++i) {
    const std::uint32_t v = village_order[i];
    Village& village = out.villages[i];
    village.township = town_rank[village_town[v]];
    village.x_m = villages[v].x;
    village.y_m = villages[v].y;
    std::size_t& counter = next_village[village.township];
    if (counter > 999) throw std::runtime_error("more than 800 villages in a township");
    village.code = out.townships[village.township].code + three_digits(counter++);
    village.name = unique_village_name(village_names[village.township], spec.seed, i) + "村";
    village.population = village_scale * sizes.uniform(600.0, 2'000.0);
  }

  for (const auto& c : out.counties)
    if (GEOSGetNumGeometries_r(geo::geos_context(), c.polygon.get()) > 1) ++out.multipart_counties;
  return out;
}

}  // namespace carereach::synthetic
