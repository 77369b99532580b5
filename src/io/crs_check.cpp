#include "io/crs_check.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <optional>
#include <set>
#include <sstream>
#include <stdexcept>

#include "geo/china_offsets.hpp"
#include "geo/rings.hpp"
#include "io/county_centroids_csv.hpp"
#include "io/load.hpp"
#include "io/vector_source.hpp"

namespace carereach::io {

namespace {

constexpr std::array<OffsetSystem, 3> kSystems = {OffsetSystem::kWgs84, OffsetSystem::kGcj02, OffsetSystem::kBd09};

/// Points with no road this near in either reading say nothing about the offset (the largest offset, BD-09 against
/// WGS 84, is 1.5 km over China).
constexpr double kRoadSearchRadius_m = 2000.0;
/// Margin around the points when indexing the roads: the search radius plus the largest offset.
constexpr double kRoadRegionMargin_m = kRoadSearchRadius_m + 2000.0;
/// Buckets of the road index: at least this size, and at most this many over the region.
constexpr double kMinBucket_m = 250.0;
constexpr double kMaxBuckets = 4.0e6;
/// A zone's centroid in another reading is its exact centroid moved by how much that reading moves the centroid of
/// its outline thinned to at most this many vertices per ring: the offsets vary over tens of kilometres, so the
/// thinned outline measures the move as well as the full one, at a fraction of the conversions.
constexpr std::size_t kMaxRingVertices = 256;

double median(std::vector<double> v) {
  if (v.empty()) return 0.0;
  const auto mid = v.begin() + static_cast<std::ptrdiff_t>(v.size() / 2);
  std::nth_element(v.begin(), mid, v.end());
  if (v.size() % 2 == 1) return *mid;
  const double upper = *mid;
  const double lower = *std::max_element(v.begin(), mid);
  return 0.5 * (lower + upper);
}

geo::LonLat to_system(OffsetSystem s, geo::LonLat wgs) {
  switch (s) {
    case OffsetSystem::kGcj02: return geo::wgs84_to_gcj02(wgs);
    case OffsetSystem::kBd09: return geo::wgs84_to_bd09(wgs);
    case OffsetSystem::kWgs84: break;
  }
  return wgs;
}

geo::LonLat from_system(OffsetSystem s, geo::LonLat p) {
  switch (s) {
    case OffsetSystem::kGcj02: return geo::gcj02_to_wgs84(p);
    case OffsetSystem::kBd09: return geo::bd09_to_wgs84(p);
    case OffsetSystem::kWgs84: break;
  }
  return p;
}

std::vector<OffsetSystem> other_systems(OffsetSystem declared) {
  std::vector<OffsetSystem> out;
  for (OffsetSystem s : kSystems)
    if (s != declared) out.push_back(s);
  return out;
}

/// The points as two coordinate vectors.
void split(std::span<const PointM> points, std::vector<double>& x, std::vector<double>& y) {
  x.resize(points.size());
  y.resize(points.size());
  for (std::size_t i = 0; i < points.size(); ++i) {
    x[i] = points[i].first;
    y[i] = points[i].second;
  }
}

double median_shift_m(const std::vector<double>& x0, const std::vector<double>& y0, const std::vector<double>& x1,
                      const std::vector<double>& y1) {
  std::vector<double> d(x0.size());
  for (std::size_t i = 0; i < x0.size(); ++i) d[i] = std::hypot(x1[i] - x0[i], y1[i] - y0[i]);
  return median(std::move(d));
}

/// Area centroid of polygon rings (shells and holes told apart by their role, not their orientation).
std::optional<PointM> rings_centroid(const std::vector<geo::PolygonRings>& polygons, const std::vector<double>& x,
                                     const std::vector<double>& y) {
  // x, y hold every ring's vertices in the order of polygon_rings: shell, holes, next polygon …
  double sum_a = 0.0, sum_x = 0.0, sum_y = 0.0;
  std::size_t at = 0;
  if (x.empty()) return std::nullopt;
  const double ox = x.front(), oy = y.front();  // a local origin keeps the products small
  const auto ring = [&](std::size_t n, double sign) {
    double a2 = 0.0, cx = 0.0, cy = 0.0;
    for (std::size_t i = 0; i < n; ++i) {
      const std::size_t j = (i + 1) % n;
      const double xi = x[at + i] - ox, yi = y[at + i] - oy, xj = x[at + j] - ox, yj = y[at + j] - oy;
      const double cross = xi * yj - xj * yi;
      a2 += cross;
      cx += (xi + xj) * cross;
      cy += (yi + yj) * cross;
    }
    at += n;
    if (a2 == 0.0) return;
    // Centroid of the ring: (cx, cy) / (3 a2); its weight is its area with the role's sign.
    const double w = sign * std::abs(a2) / 2.0;
    sum_a += w;
    sum_x += w * cx / (3.0 * a2);
    sum_y += w * cy / (3.0 * a2);
  };
  for (const auto& p : polygons) {
    ring(p.shell.x.size(), 1.0);
    for (const auto& h : p.holes) ring(h.x.size(), -1.0);
  }
  if (!(sum_a > 0.0)) return std::nullopt;
  return PointM{ox + sum_x / sum_a, oy + sum_y / sum_a};
}

/// The rings with at most kMaxRingVertices vertices each (every k-th one), and all their vertices in order as two
/// vectors.
void thin_rings(std::vector<geo::PolygonRings>& polygons, std::vector<double>& x, std::vector<double>& y) {
  x.clear();
  y.clear();
  const auto thin = [&](geo::Ring& r) {
    const std::size_t n = r.x.size();
    const std::size_t step = (n + kMaxRingVertices - 1) / kMaxRingVertices;
    if (step > 1) {
      std::size_t kept = 0;
      for (std::size_t i = 0; i < n; i += step, ++kept) {
        r.x[kept] = r.x[i];
        r.y[kept] = r.y[i];
      }
      r.x.resize(kept);
      r.y.resize(kept);
    }
    x.insert(x.end(), r.x.begin(), r.x.end());
    y.insert(y.end(), r.y.begin(), r.y.end());
  };
  for (auto& p : polygons) {
    thin(p.shell);
    for (auto& h : p.holes) thin(h);
  }
}

bool is_county_code(const std::string& code) {
  return code.size() == 6 && std::all_of(code.begin(), code.end(), [](char c) { return c >= '0' && c <= '9'; });
}

CountyCentroids parse_centroids(const char* text) {
  CountyCentroids out;
  std::istringstream in(text);
  std::string line;
  std::getline(in, line);  // header
  while (std::getline(in, line)) {
    const auto c1 = line.find(',');
    const auto c2 = line.find(',', c1 + 1);
    if (c1 == std::string::npos || c2 == std::string::npos) continue;
    out[line.substr(0, c1)] = {std::stod(line.substr(c1 + 1, c2 - c1 - 1)), std::stod(line.substr(c2 + 1))};
  }
  return out;
}

}  // namespace

OffsetSystem offset_system_of(const geo::CrsSpec& crs) {
  switch (crs.kind) {
    case geo::CrsKind::kGcj02: return OffsetSystem::kGcj02;
    case geo::CrsKind::kBd09: return OffsetSystem::kBd09;
    case geo::CrsKind::kProj: break;
  }
  return OffsetSystem::kWgs84;
}

const char* to_string(OffsetSystem s) {
  switch (s) {
    case OffsetSystem::kGcj02: return "GCJ-02";
    case OffsetSystem::kBd09: return "BD-09";
    case OffsetSystem::kWgs84: break;
  }
  return "WGS 84";
}

const char* to_string(OffsetVerdict v) {
  switch (v) {
    case OffsetVerdict::kNoOffset: return "no offset";
    case OffsetVerdict::kTooFew: return "too few";
    case OffsetVerdict::kConsistent: return "consistent";
    case OffsetVerdict::kSuspected: return "suspected";
  }
  return "?";
}

OffsetReader::OffsetReader(const geo::CrsSpec& analysis_crs)
    : to_lonlat_(analysis_crs, geo::wgs84()), from_lonlat_(geo::wgs84(), analysis_crs) {}

void OffsetReader::reinterpret(std::vector<double>& x_m, std::vector<double>& y_m, OffsetSystem declared,
                               OffsetSystem actual) const {
  if (declared == actual) return;
  std::vector<double> lon = x_m, lat = y_m;
  to_lonlat_.transform(lon, lat);
  for (std::size_t i = 0; i < lon.size(); ++i) {
    if (!std::isfinite(lon[i]) || !std::isfinite(lat[i])) continue;
    // The coordinates as written (in the declared system), then read in the other one.
    const geo::LonLat p = from_system(actual, to_system(declared, geo::LonLat{lon[i], lat[i]}));
    lon[i] = p.lon;
    lat[i] = p.lat;
  }
  from_lonlat_.transform(lon, lat);
  for (std::size_t i = 0; i < lon.size(); ++i) {
    if (!std::isfinite(lon[i]) || !std::isfinite(lat[i])) continue;  // not convertible: stays where it was
    x_m[i] = lon[i];
    y_m[i] = lat[i];
  }
}

std::vector<PointM> OffsetReader::reinterpret(std::span<const PointM> points_m, OffsetSystem declared,
                                              OffsetSystem actual) const {
  std::vector<double> x, y;
  split(points_m, x, y);
  reinterpret(x, y, declared, actual);
  std::vector<PointM> out(points_m.size());
  for (std::size_t i = 0; i < out.size(); ++i) out[i] = {x[i], y[i]};
  return out;
}

std::vector<PointM> even_sample(std::span<const PointM> points, std::size_t cap) {
  if (points.size() <= cap) return {points.begin(), points.end()};
  std::vector<PointM> out;
  out.reserve(cap);
  for (std::size_t i = 0; i < cap; ++i) out.push_back(points[i * points.size() / cap]);
  return out;
}

PointSample::PointSample(std::size_t cap) : cap_(std::max<std::size_t>(cap, 1)) {}

void PointSample::add(double x_m, double y_m) {
  if (seen_++ % stride_ != 0) return;
  points_.emplace_back(x_m, y_m);
  if (points_.size() < 2 * cap_) return;
  // Keep every other point: the kept ones are then every (2 × stride)-th point of the stream.
  std::size_t kept = 0;
  for (std::size_t i = 0; i < points_.size(); i += 2) points_[kept++] = points_[i];
  points_.resize(kept);
  stride_ *= 2;
}

// ----------------------------------------------------------------------------------------------- NearestRoad

NearestRoad::NearestRoad(const RoadData& roads, const geo::Envelope& region, double radius_m)
    : roads_(roads), radius_m_(radius_m) {
  if (region.empty()) return;
  const double width = region.max_x - region.min_x, height = region.max_y - region.min_y;
  bucket_m_ = std::max(kMinBucket_m, std::sqrt(std::max(width, 1.0) * std::max(height, 1.0) / kMaxBuckets));
  min_x_m_ = region.min_x;
  min_y_m_ = region.min_y;
  cols_ = static_cast<std::int64_t>(std::floor(width / bucket_m_)) + 1;
  rows_ = static_cast<std::int64_t>(std::floor(height / bucket_m_)) + 1;

  // The segments that meet the region.
  const auto& nx = roads.node_x_m;
  const auto& ny = roads.node_y_m;
  for (std::size_t w = 0; w < roads.way_count(); ++w) {
    const auto nodes = roads.way(w);
    for (std::size_t i = 0; i + 1 < nodes.size(); ++i) {
      const std::uint32_t a = nodes[i], b = nodes[i + 1];
      if (std::max(nx[a], nx[b]) < region.min_x || std::min(nx[a], nx[b]) > region.max_x ||
          std::max(ny[a], ny[b]) < region.min_y || std::min(ny[a], ny[b]) > region.max_y)
        continue;
      segment_a_.push_back(a);
      segment_b_.push_back(b);
    }
  }

  // Each segment goes into every bucket it passes through: row by row, the columns of the part of the segment
  // within the row. Two passes (count, then fill) build the CSR arrays.
  const auto clamp_col = [&](double x) {
    return std::clamp<std::int64_t>(static_cast<std::int64_t>(std::floor((x - min_x_m_) / bucket_m_)), 0, cols_ - 1);
  };
  const auto clamp_row = [&](double y) {
    return std::clamp<std::int64_t>(static_cast<std::int64_t>(std::floor((y - min_y_m_) / bucket_m_)), 0, rows_ - 1);
  };
  const auto for_buckets = [&](std::size_t s, auto&& f) {
    const double ax = nx[segment_a_[s]], ay = ny[segment_a_[s]], bx = nx[segment_b_[s]], by = ny[segment_b_[s]];
    const double ylo = std::min(ay, by), yhi = std::max(ay, by);
    for (std::int64_t r = clamp_row(ylo); r <= clamp_row(yhi); ++r) {
      double x0 = std::min(ax, bx), x1 = std::max(ax, bx);
      if (ay != by) {
        const double row_lo = min_y_m_ + static_cast<double>(r) * bucket_m_;
        const double y0 = std::max(ylo, row_lo), y1 = std::min(yhi, row_lo + bucket_m_);
        const double xa = ax + (y0 - ay) / (by - ay) * (bx - ax), xb = ax + (y1 - ay) / (by - ay) * (bx - ax);
        x0 = std::min(xa, xb);
        x1 = std::max(xa, xb);
      }
      for (std::int64_t c = clamp_col(x0); c <= clamp_col(x1); ++c) f(static_cast<std::size_t>(r * cols_ + c));
    }
  };
  offset_.assign(static_cast<std::size_t>(cols_ * rows_) + 1, 0);
  for (std::size_t s = 0; s < segment_a_.size(); ++s) for_buckets(s, [&](std::size_t bucket) { ++offset_[bucket + 1]; });
  for (std::size_t i = 1; i < offset_.size(); ++i) offset_[i] += offset_[i - 1];
  items_.resize(offset_.back());
  std::vector<std::uint32_t> fill(offset_.begin(), offset_.end() - 1);
  for (std::size_t s = 0; s < segment_a_.size(); ++s)
    for_buckets(s, [&](std::size_t bucket) { items_[fill[bucket]++] = static_cast<std::uint32_t>(s); });
}

double NearestRoad::segment_distance_m(std::uint32_t s, double x_m, double y_m) const {
  const double ax = roads_.node_x_m[segment_a_[s]], ay = roads_.node_y_m[segment_a_[s]];
  const double bx = roads_.node_x_m[segment_b_[s]], by = roads_.node_y_m[segment_b_[s]];
  const double dx = bx - ax, dy = by - ay;
  const double len2 = dx * dx + dy * dy;
  double t = len2 > 0.0 ? ((x_m - ax) * dx + (y_m - ay) * dy) / len2 : 0.0;
  t = std::clamp(t, 0.0, 1.0);
  return std::hypot(x_m - (ax + t * dx), y_m - (ay + t * dy));
}

double NearestRoad::distance_m(double x_m, double y_m) const {
  if (items_.empty()) return radius_m_;
  const auto qc = static_cast<std::int64_t>(std::floor((x_m - min_x_m_) / bucket_m_));
  const auto qr = static_cast<std::int64_t>(std::floor((y_m - min_y_m_) / bucket_m_));
  double best = std::numeric_limits<double>::infinity();
  const auto visit = [&](std::int64_t c, std::int64_t r) {
    if (c < 0 || r < 0 || c >= cols_ || r >= rows_) return;
    const auto b = static_cast<std::size_t>(r * cols_ + c);
    for (std::uint32_t i = offset_[b]; i < offset_[b + 1]; ++i) best = std::min(best, segment_distance_m(items_[i], x_m, y_m));
  };
  // Rings of buckets around the query's bucket. A segment at distance d passes through a bucket at most
  // ⌊d / size⌋ + 1 rings out, so after ring k every segment nearer than (k − 1) · size has been seen.
  for (std::int64_t k = 0;; ++k) {
    if (k == 0) {
      visit(qc, qr);
    } else {
      for (std::int64_t c = qc - k; c <= qc + k; ++c) {
        visit(c, qr - k);
        visit(c, qr + k);
      }
      for (std::int64_t r = qr - k + 1; r <= qr + k - 1; ++r) {
        visit(qc - k, r);
        visit(qc + k, r);
      }
    }
    const double seen_m = static_cast<double>(k - 1) * bucket_m_;
    if (best <= seen_m || seen_m >= radius_m_) break;
  }
  return std::min(best, radius_m_);
}

// ----------------------------------------------------------------------------------------------- the rules

OffsetRule roads_rule() { return OffsetRule{}; }

OffsetRule reference_rule() {
  OffsetRule r;
  r.min_compared = 4;
  r.min_shift_m = 200.0;
  r.max_median_ratio = 0.5;
  r.min_share_nearer = 0.75;
  r.sigmas = 0.0;
  r.max_median_suspected_m = 250.0;
  return r;
}

OffsetRule boundary_rule() {
  OffsetRule r;
  r.min_compared = 10;
  r.min_shift_m = 100.0;
  r.max_median_ratio = std::numeric_limits<double>::infinity();  // the distances say nothing more than the counts
  r.min_share_nearer = 0.8;
  r.sigmas = 3.0;
  return r;
}

OffsetCheck decide_offset(OffsetSystem declared, std::vector<OffsetEvidence> readings, const OffsetRule& rule) {
  OffsetCheck out;
  out.declared = declared;
  out.readings = std::move(readings);
  bool any_offset = false, any_compared = false;
  const OffsetEvidence* suspected = nullptr;
  const OffsetEvidence* best = nullptr;
  for (const OffsetEvidence& e : out.readings) {
    if (e.median_shift_m < rule.min_shift_m) continue;
    any_offset = true;
    if (e.compared < rule.min_compared || e.compared == 0) continue;
    any_compared = true;
    if (best == nullptr || e.median_suspected_m < best->median_suspected_m) best = &e;
    const double n = static_cast<double>(e.compared);
    const double share = static_cast<double>(e.nearer) / n;
    const double share_needed = std::max(rule.min_share_nearer, 0.5 + rule.sigmas * 0.5 / std::sqrt(n));
    const bool ratio_ok = !std::isfinite(rule.max_median_ratio) ||
                          (e.median_suspected_m < e.median_declared_m &&
                           e.median_suspected_m <= rule.max_median_ratio * e.median_declared_m);
    if (ratio_ok && share >= share_needed && e.median_suspected_m <= rule.max_median_suspected_m &&
        (suspected == nullptr || e.median_suspected_m < suspected->median_suspected_m))
      suspected = &e;
  }
  if (suspected != nullptr) {
    out.verdict = OffsetVerdict::kSuspected;
    out.evidence = *suspected;
  } else if (any_compared) {
    out.verdict = OffsetVerdict::kConsistent;
    out.evidence = *best;
  } else {
    out.verdict = any_offset ? OffsetVerdict::kTooFew : OffsetVerdict::kNoOffset;
    if (!out.readings.empty()) out.evidence = out.readings.front();
  }
  return out;
}

// ----------------------------------------------------------------------------------------------- the checks

OffsetCheck check_points_against_roads(std::span<const PointM> points_m, OffsetSystem declared, const NearestRoad& roads,
                                       const OffsetReader& reader, const OffsetRule& rule) {
  std::vector<double> x0, y0;
  split(points_m, x0, y0);
  std::vector<double> d0(x0.size());
  for (std::size_t i = 0; i < x0.size(); ++i) d0[i] = roads.distance_m(x0[i], y0[i]);
  std::vector<OffsetEvidence> readings;
  for (OffsetSystem s : other_systems(declared)) {
    std::vector<double> x1 = x0, y1 = y0;
    reader.reinterpret(x1, y1, declared, s);
    OffsetEvidence e;
    e.suspected = s;
    e.median_shift_m = median_shift_m(x0, y0, x1, y1);
    if (e.median_shift_m >= rule.min_shift_m) {  // otherwise the distances are not needed
      std::vector<double> before, after;
      for (std::size_t i = 0; i < x0.size(); ++i) {
        const double d1 = roads.distance_m(x1[i], y1[i]);
        if (d0[i] >= roads.radius_m() && d1 >= roads.radius_m()) continue;  // no road near in either reading
        before.push_back(d0[i]);
        after.push_back(d1);
        if (d1 < d0[i]) ++e.nearer;
      }
      e.compared = before.size();
      e.median_declared_m = median(std::move(before));
      e.median_suspected_m = median(std::move(after));
    }
    readings.push_back(e);
  }
  return decide_offset(declared, std::move(readings), rule);
}

const CountyCentroids& shipped_county_centroids() {
  static const CountyCentroids centroids = parse_centroids(embedded::kCountyCentroidsCsv);
  return centroids;
}

OffsetCheck check_zones_against_reference(std::span<const CodedPolygon> zones, OffsetSystem declared,
                                          const CountyCentroids& reference, const OffsetReader& reader,
                                          const OffsetRule& rule) {
  const std::vector<OffsetSystem> others = other_systems(declared);

  // Per matched zone: the reference centroid and the zone's centroid in each reading.
  struct Match {
    PointM reference;
    PointM declared;
    std::vector<PointM> other;  ///< aligned with `others`
  };
  std::vector<Match> matches;
  std::vector<double> x, y;
  for (const CodedPolygon& z : zones) {
    if (z.polygon == nullptr || z.polygon->null() || !is_county_code(z.code)) continue;
    const auto ref = reference.find(z.code);
    if (ref == reference.end()) continue;
    Match m;
    m.reference = ref->second;
    if (!reader.to_analysis(m.reference.first, m.reference.second)) continue;
    std::vector<geo::PolygonRings> rings;
    try {
      if (z.polygon->area() <= 0.0) continue;
      rings = geo::polygon_rings(*z.polygon);
      m.declared = z.polygon->centroid();
    } catch (const std::runtime_error&) {  // GEOS could not read the polygon: the zone is left out of the check
      continue;
    }
    thin_rings(rings, x, y);
    const std::optional<PointM> thin0 = rings_centroid(rings, x, y);
    if (!thin0) continue;
    bool ok = true;
    for (OffsetSystem s : others) {
      std::vector<double> x1 = x, y1 = y;
      reader.reinterpret(x1, y1, declared, s);
      const std::optional<PointM> thin1 = rings_centroid(rings, x1, y1);
      if (!thin1) ok = false;
      const PointM move = thin1 ? PointM{thin1->first - thin0->first, thin1->second - thin0->second} : PointM{};
      m.other.emplace_back(m.declared.first + move.first, m.declared.second + move.second);
    }
    if (ok) matches.push_back(std::move(m));
  }
  if (matches.empty()) {  // no zone the reference knows: the offset here cannot even be measured
    OffsetCheck none;
    none.verdict = OffsetVerdict::kTooFew;
    none.declared = declared;
    for (OffsetSystem s : others) none.readings.push_back(OffsetEvidence{s, 0, 0, 0.0, 0.0, 0.0});
    if (!none.readings.empty()) none.evidence = none.readings.front();
    return none;
  }

  std::vector<OffsetEvidence> readings;
  const auto dist = [](PointM a, PointM b) { return std::hypot(a.first - b.first, a.second - b.second); };
  for (std::size_t k = 0; k < others.size(); ++k) {
    OffsetEvidence e;
    e.suspected = others[k];
    std::vector<double> before, after, shift;
    for (const Match& m : matches) {
      const double d0 = dist(m.declared, m.reference), d1 = dist(m.other[k], m.reference);
      before.push_back(d0);
      after.push_back(d1);
      shift.push_back(dist(m.declared, m.other[k]));
      if (d1 < d0) ++e.nearer;
    }
    e.compared = matches.size();
    e.median_declared_m = median(std::move(before));
    e.median_suspected_m = median(std::move(after));
    e.median_shift_m = median(std::move(shift));
    readings.push_back(e);
  }
  return decide_offset(declared, std::move(readings), rule);
}

OffsetCheck check_points_against_area(std::span<const PointM> points_m, OffsetSystem declared,
                                      const geo::Geometry& area, const OffsetReader& reader,
                                      const OffsetRule& rule) {
  std::vector<double> x0, y0;
  split(points_m, x0, y0);
  const geo::PreparedGeometry prepared(area);
  std::vector<char> inside0(x0.size());
  for (std::size_t i = 0; i < x0.size(); ++i) inside0[i] = prepared.covers(x0[i], y0[i]) ? 1 : 0;
  std::vector<OffsetEvidence> readings;
  for (OffsetSystem s : other_systems(declared)) {
    std::vector<double> x1 = x0, y1 = y0;
    reader.reinterpret(x1, y1, declared, s);
    OffsetEvidence e;
    e.suspected = s;
    e.median_shift_m = median_shift_m(x0, y0, x1, y1);
    for (std::size_t i = 0; i < x0.size(); ++i) {
      const bool inside1 = prepared.covers(x1[i], y1[i]);
      if (inside1 == (inside0[i] != 0)) continue;  // the same either way: says nothing
      ++e.compared;
      if (inside1) ++e.nearer;
    }
    readings.push_back(e);
  }
  return decide_offset(declared, std::move(readings), rule);
}

// ----------------------------------------------------------------------------------------------- the scenario

namespace {

std::string metres(double m) { return std::to_string(std::lround(m)) + " m"; }

/// "GCJ-02 (火星坐标)" — the system with the name users know it by.
std::string system_label(OffsetSystem s) {
  switch (s) {
    case OffsetSystem::kGcj02: return "GCJ-02 (火星坐标, Amap/Tencent)";
    case OffsetSystem::kBd09: return "BD-09 (百度坐标)";
    case OffsetSystem::kWgs84: break;
  }
  return "WGS 84";
}

std::string crs_value(OffsetSystem s) {
  switch (s) {
    case OffsetSystem::kGcj02: return "\"gcj02\"";
    case OffsetSystem::kBd09: return "\"bd09\"";
    case OffsetSystem::kWgs84: break;
  }
  return "\"EPSG:4326\"";
}

/// What to do, for a source declared `declared` that looks like `suspected`; `where` names the scenario table.
std::string fix_hint(OffsetSystem declared, OffsetSystem suspected, const std::string& where, bool geographic) {
  const std::string origin = suspected == OffsetSystem::kBd09 ? "Baidu Maps (百度)"
                                                              : "Amap (高德), Tencent or Aliyun DataV";
  if (suspected == OffsetSystem::kWgs84)
    return "the coordinates are shifted twice: remove crs = " + crs_value(declared) + " from " + where +
           " (or declare the system they are in, e.g. crs = \"EPSG:4326\") if they are GPS, WGS 84 or CGCS2000 "
           "coordinates";
  std::string hint = "declare crs = " + crs_value(suspected) +
                     (declared == OffsetSystem::kWgs84 ? "" : " instead of " + crs_value(declared)) + " on " + where +
                     " if its coordinates come from " + origin;
  if (!geographic)
    hint += ", after converting them to longitude/latitude (the offset is undone on longitude/latitude only)";
  return hint;
}

/// A source of points to test, with what the messages need.
struct PointSource {
  std::string noun;   ///< "facilities", "seats of zone level 'township'", "population points"
  std::string count_noun;  ///< for counts: "facilities", "seats", "points"
  std::string table;  ///< the scenario table to fix: "facilities[0]", "zones[1]", "[[changes.add]]"
  Location where;
  OffsetSystem declared = OffsetSystem::kWgs84;
  std::optional<bool> geographic;  ///< whether the source's coordinates are longitude/latitude (nullopt: ask)
  const SourceSpec* spec = nullptr;
  bool facilities = false;          ///< a facility list of the study area (for the boundary check)
  std::vector<PointM> points;
};

OffsetSystem declared_system(const std::string& crs) {
  if (crs.empty()) return OffsetSystem::kWgs84;  // the file's own CRS: never GCJ-02 or BD-09
  try {
    return offset_system_of(geo::CrsSpec::parse(crs));
  } catch (const Error&) {
    return OffsetSystem::kWgs84;
  }
}

bool source_is_geographic(const PointSource& src) {
  if (src.geographic) return *src.geographic;
  if (src.declared != OffsetSystem::kWgs84) return true;
  try {
    if (src.spec == nullptr) return true;
    if (!src.spec->crs.empty()) return geo::CrsSpec::parse(src.spec->crs).is_geographic();
    Diagnostics reopened;  // its problems were reported when the source was loaded
    return VectorSource(*src.spec, reopened).crs().is_geographic();
  } catch (const Error&) {
    return true;
  }
}

std::string evidence_counts(const OffsetEvidence& e, const std::string& noun, const std::string& nearer_what) {
  return std::to_string(e.nearer) + " of " + std::to_string(e.compared) + " " + noun + " " + nearer_what + " as " +
         to_string(e.suspected);
}

class OffsetChecker {
 public:
  OffsetChecker(const LoadedScenario& loaded, Diagnostics& diag)
      : loaded_(loaded), diag_(diag), reader_(loaded.analysis_crs) {}

  void run() {
    collect_points();
    const std::set<std::size_t> zones_flagged = check_zone_levels();
    std::vector<bool> decided(sources_.size(), false);
    if (loaded_.roads && loaded_.roads->node_count() > 0) check_roads(decided);
    // The study area's boundary, for facility lists the roads could not decide, unless the boundary itself was
    // found to be offset.
    const bool boundary_usable = !loaded_.study_area.null() && !loaded_.study_area.is_empty() &&
                                 loaded_.study_area_level && !zones_flagged.contains(*loaded_.study_area_level);
    if (boundary_usable)
      for (std::size_t i = 0; i < sources_.size(); ++i)
        if (sources_[i].facilities && !decided[i]) check_boundary(sources_[i]);
  }

 private:
  void collect_points() {
    const Scenario& s = loaded_.scenario;
    const std::string scenario_file = s.file.filename().string();
    // Facility sources, by the file they name (sources naming the same file with different systems are left out).
    std::map<std::string, std::size_t> source_of_file;
    std::set<std::string> ambiguous;
    for (std::size_t i = 0; i < s.facilities.size(); ++i) {
      const SourceSpec& spec = s.facilities[i].source;
      const auto [it, inserted] = source_of_file.emplace(spec.path_as_written, sources_.size());
      if (!inserted) {
        if (sources_[it->second].declared != declared_system(spec.crs)) ambiguous.insert(spec.path_as_written);
        continue;
      }
      PointSource src;
      src.noun = "facilities";
      src.count_noun = "facilities";
      src.table = spec.key.empty() ? "facilities[" + std::to_string(i) + "]" : spec.key;
      src.where = Location{spec.path_as_written, spec.layer, {}, src.table + ".crs", 0};
      src.declared = declared_system(spec.crs);
      src.spec = &spec;
      src.facilities = true;
      sources_.push_back(std::move(src));
    }
    std::map<std::string, OffsetSystem> added_system;  // changes.add key → declared system
    for (const FacilityAddition& a : s.changes.add) added_system[a.key] = declared_system(a.crs);
    std::map<OffsetSystem, std::size_t> added_source;
    for (const Facility& f : loaded_.facilities) {
      if (f.source_file == scenario_file && added_system.contains(f.source_feature)) {
        const OffsetSystem declared = added_system[f.source_feature];
        auto it = added_source.find(declared);
        if (it == added_source.end()) {
          PointSource src;
          src.noun = "facilities added in [changes]";
          src.count_noun = "added facilities";
          src.table = "each [[changes.add]] entry";
          src.where = Location{scenario_file, {}, {}, "changes.add", 0};
          src.declared = declared;
          src.geographic = true;
          it = added_source.emplace(declared, sources_.size()).first;
          sources_.push_back(std::move(src));
        }
        sources_[it->second].points.emplace_back(f.x_m, f.y_m);
        continue;
      }
      const auto it = source_of_file.find(f.source_file);
      if (it != source_of_file.end() && !ambiguous.contains(f.source_file))
        sources_[it->second].points.emplace_back(f.x_m, f.y_m);
    }
    // Seats of seat levels.
    for (const LoadedZoneLevel& level : loaded_.zones) {
      if (level.kind != ZoneGeometryKind::kSeats) continue;
      const ZoneLevelSpec* spec = s.zone_level(level.level.level);
      if (spec == nullptr) continue;
      PointSource src;
      src.noun = "seats of zone level '" + level.level.level + "'";
      src.count_noun = "seats";
      src.table = spec->source.key.empty() ? "the [[zones]] entry of level '" + level.level.level + "'" : spec->source.key;
      src.where = Location{spec->source.path_as_written, spec->source.layer, {}, src.table + ".crs", 0};
      src.declared = offset_system_of(level.source_crs);
      src.geographic = level.source_crs.is_geographic() || src.declared != OffsetSystem::kWgs84;
      src.points = level.seats_m;
      sources_.push_back(std::move(src));
    }
    // Population points (a sample kept by the loader).
    if (s.population && loaded_.population && !loaded_.population->point_sample_m.empty()) {
      const SourceSpec& spec = s.population->source;
      PointSource src;
      src.noun = "population points";
      src.count_noun = "points";
      src.table = spec.key.empty() ? "[population]" : spec.key;
      src.where = Location{spec.path_as_written, spec.layer, {}, src.table + ".crs", 0};
      src.declared = declared_system(spec.crs);
      src.spec = &spec;
      src.points = loaded_.population->point_sample_m;
      sources_.push_back(std::move(src));
    }
    // Settlement points weighting census totals (a sample kept by the loader).
    if (s.population && s.population->settlements && loaded_.population &&
        !loaded_.population->settlement_sample_m.empty()) {
      const SourceSpec& spec = s.population->settlements->source;
      PointSource src;
      src.noun = "settlement points";
      src.count_noun = "points";
      src.table = spec.key.empty() ? "[population.settlements]" : spec.key;
      src.where = Location{spec.path_as_written, spec.layer, {}, src.table + ".crs", 0};
      src.declared = declared_system(spec.crs);
      src.spec = &spec;
      src.points = loaded_.population->settlement_sample_m;
      sources_.push_back(std::move(src));
    }
    for (PointSource& src : sources_) src.points = even_sample(src.points, kOffsetSampleCap);
  }

  void check_roads(std::vector<bool>& decided) {
    geo::Envelope region{std::numeric_limits<double>::infinity(), std::numeric_limits<double>::infinity(),
                         -std::numeric_limits<double>::infinity(), -std::numeric_limits<double>::infinity()};
    for (const PointSource& src : sources_)
      for (const auto& [x, y] : src.points) {
        if (!std::isfinite(x) || !std::isfinite(y)) continue;
        region.min_x = std::min(region.min_x, x - kRoadRegionMargin_m);
        region.min_y = std::min(region.min_y, y - kRoadRegionMargin_m);
        region.max_x = std::max(region.max_x, x + kRoadRegionMargin_m);
        region.max_y = std::max(region.max_y, y + kRoadRegionMargin_m);
      }
    if (region.empty()) return;
    const NearestRoad roads(*loaded_.roads, region, kRoadSearchRadius_m);
    const bool roads_from_osm = loaded_.scenario.roads && loaded_.scenario.roads->kind == RoadSourceKind::kOsm;
    for (std::size_t i = 0; i < sources_.size(); ++i) {
      const PointSource& src = sources_[i];
      if (src.points.empty()) continue;
      const OffsetCheck check = check_points_against_roads(src.points, src.declared, roads, reader_);
      decided[i] = check.verdict == OffsetVerdict::kConsistent || check.verdict == OffsetVerdict::kSuspected;
      if (check.verdict != OffsetVerdict::kSuspected) continue;
      const OffsetEvidence& e = check.evidence;
      std::string hint = fix_hint(src.declared, e.suspected, src.table, source_is_geographic(src));
      // The check sees only that points and roads disagree by the offset; OSM data are WGS 84.
      if (!roads_from_osm) hint += "; if instead the roads are the ones in the wrong system, correct roads.crs";
      diag_.warn("crs.offset_suspected"_code,
                 "the " + src.noun + " look like " + system_label(e.suspected) + " coordinates declared as " +
                     to_string(src.declared) + ": the median distance to the nearest road is " +
                     metres(e.median_declared_m) + " as declared and " + metres(e.median_suspected_m) + " as " +
                     to_string(e.suspected) + " (" + evidence_counts(e, src.count_noun, "nearer a road") + "); read as " +
                     to_string(e.suspected) + " they move " + metres(e.median_shift_m),
                 src.where, hint);
    }
  }

  void check_boundary(const PointSource& src) {
    if (src.points.empty()) return;
    const OffsetCheck check =
        check_points_against_area(src.points, src.declared, loaded_.study_area, reader_);
    if (check.verdict != OffsetVerdict::kSuspected) return;
    const OffsetEvidence& e = check.evidence;
    diag_.warn("crs.offset_suspected"_code,
               "the " + src.noun + " look like " + system_label(e.suspected) + " coordinates declared as " +
                   to_string(src.declared) + ", or the zone boundaries are offset: " + std::to_string(e.nearer) +
                   " " + src.count_noun + " lie outside the study area as declared and inside it as " +
                   to_string(e.suspected) + ", " + std::to_string(e.compared - e.nearer) +
                   " the other way round; read as " + to_string(e.suspected) + " they move " +
                   metres(e.median_shift_m),
               src.where,
               fix_hint(src.declared, e.suspected, src.table, source_is_geographic(src)) +
                   "; if instead the zone boundaries are the ones in the wrong system, correct " + study_area_key());
  }

  /// The scenario key of the study-area level's declared CRS ("zones[0].crs").
  [[nodiscard]] std::string study_area_key() const {
    const ZoneLevelSpec* spec = loaded_.study_area_level
                                    ? loaded_.scenario.zone_level(loaded_.zones[*loaded_.study_area_level].level.level)
                                    : nullptr;
    return spec != nullptr && !spec->source.key.empty() ? spec->source.key + ".crs" : "the crs of the zones";
  }

  /// Polygon levels against the county reference; returns the indices of the levels found offset.
  std::set<std::size_t> check_zone_levels() {
    std::set<std::size_t> flagged;
    const Scenario& s = loaded_.scenario;
    for (std::size_t li = 0; li < loaded_.zones.size(); ++li) {
      const LoadedZoneLevel& level = loaded_.zones[li];
      if (level.kind != ZoneGeometryKind::kPolygons) continue;
      std::vector<CodedPolygon> zones;
      for (std::size_t z = 0; z < level.polygons.size() && z < level.level.zones.size(); ++z)
        zones.push_back(CodedPolygon{level.level.zones[z].code, &level.polygons[z]});
      const OffsetSystem declared = offset_system_of(level.source_crs);
      const OffsetCheck check =
          check_zones_against_reference(zones, declared, shipped_county_centroids(), reader_);
      if (check.verdict != OffsetVerdict::kSuspected) continue;
      flagged.insert(li);
      const ZoneLevelSpec* spec = s.zone_level(level.level.level);
      const std::string table = spec == nullptr || spec->source.key.empty()
                                    ? "the [[zones]] entry of level '" + level.level.level + "'"
                                    : spec->source.key;
      const OffsetEvidence& e = check.evidence;
      const std::string noun = "zones";
      diag_.warn("crs.offset_suspected"_code,
                 "the " + level.level.level + " zones look like " + system_label(e.suspected) +
                     " coordinates declared as " + to_string(declared) +
                     ": against the shipped county centroids (2021), the median distance of the centroids of " +
                     std::to_string(e.compared) + " zones matched by code is " + metres(e.median_declared_m) +
                     " as declared and " + metres(e.median_suspected_m) + " as " + to_string(e.suspected) + " (" +
                     evidence_counts(e, noun, "nearer") + ")",
                 Location{spec != nullptr ? spec->source.path_as_written : std::string(),
                          spec != nullptr ? spec->source.layer : std::string(), {}, table + ".crs", 0},
                 fix_hint(declared, e.suspected, table,
                          level.source_crs.is_geographic() || declared != OffsetSystem::kWgs84));
    }
    return flagged;
  }

  const LoadedScenario& loaded_;
  Diagnostics& diag_;
  OffsetReader reader_;
  std::vector<PointSource> sources_;
};

}  // namespace

void check_declared_offsets(const LoadedScenario& loaded, Diagnostics& diag) { OffsetChecker(loaded, diag).run(); }

}  // namespace carereach::io
