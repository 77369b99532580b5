#pragma once
// Coordinates declared in the wrong system among WGS 84, GCJ-02 and BD-09. GCJ-02 data (Amap/高德, Tencent, Aliyun
// DataV) read as WGS 84 — what GDAL reports for any GeoJSON — is 300–700 m off over most of China, and nothing
// looks wrong. The offsets are smooth and known (geo/china_offsets), so a source can be tested: if its positions
// agree clearly better with an independent reference after undoing (or applying) an offset than as declared, its
// declaration is very probably wrong. The references are the road network (for points), the shipped county
// centroids (for county polygons) and the study area's boundary (for facilities, when the roads cannot decide).
// docs/method/coordinates.md ("Detecting a wrong declaration") gives the rules and the reasons for their values.

#include <cstddef>
#include <cstdint>
#include <limits>
#include <map>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "core/diagnostics.hpp"
#include "core/road_data.hpp"
#include "geo/crs.hpp"
#include "geo/geos.hpp"

namespace carereach::io {

struct LoadedScenario;

/// A position in the analysis CRS, metres.
using PointM = std::pair<double, double>;

/// The system a source's coordinates are in, as far as web-map offsets go. kWgs84 stands for every CRS PROJ knows
/// (WGS 84, CGCS2000, Gauss–Krüger, UTM …): none of them carries an offset.
enum class OffsetSystem { kWgs84, kGcj02, kBd09 };

OffsetSystem offset_system_of(const geo::CrsSpec& crs);
/// "WGS 84", "GCJ-02", "BD-09".
const char* to_string(OffsetSystem s);

/// Moves analysis-CRS positions between readings, through WGS 84 longitude/latitude. Holds two PROJ transformers
/// (slow to make): one per run of the checks, not one per point set. Not thread-safe.
class OffsetReader {
 public:
  explicit OffsetReader(const geo::CrsSpec& analysis_crs);
  /// In place: points loaded as `declared` moved to where they would be if their coordinates were really in
  /// `actual`. A point that cannot be converted stays where it is.
  void reinterpret(std::vector<double>& x_m, std::vector<double>& y_m, OffsetSystem declared, OffsetSystem actual) const;
  [[nodiscard]] std::vector<PointM> reinterpret(std::span<const PointM> points_m, OffsetSystem declared,
                                                OffsetSystem actual) const;
  /// WGS 84 longitude/latitude → analysis CRS, in place; false when the point cannot be converted.
  bool to_analysis(double& x, double& y) const { return from_lonlat_.transform(x, y); }

 private:
  geo::Transformer to_lonlat_;
  geo::Transformer from_lonlat_;
};

/// At most `cap` of the points, evenly spread over their order (all of them when there are fewer).
std::vector<PointM> even_sample(std::span<const PointM> points, std::size_t cap);

/// An evenly spread sample of a stream of points of unknown length (for loaders that do not keep their points):
/// every stride-th point is kept; whenever 2 × cap are kept, every other one is dropped and the stride doubles.
/// Ends with between cap and 2 × cap − 1 points (all of them when there are fewer than 2 × cap).
class PointSample {
 public:
  explicit PointSample(std::size_t cap);
  void add(double x_m, double y_m);
  [[nodiscard]] const std::vector<PointM>& points() const { return points_; }
  [[nodiscard]] std::vector<PointM> take() { return std::move(points_); }

 private:
  std::size_t cap_;
  std::size_t stride_ = 1;
  std::size_t seen_ = 0;
  std::vector<PointM> points_;
};

/// Points sampled from each source for the checks (the brief of the check: cheap, whatever the data size).
inline constexpr std::size_t kOffsetSampleCap = 2000;

/// Distances from points to the nearest road segment, capped at a search radius: a uniform grid of buckets over
/// the segments of the roads that come near a region of interest. Keeps a reference to `roads`.
class NearestRoad {
 public:
  /// Indexes the segments whose bounding box meets `region` (analysis CRS; give the points' envelope grown by
  /// the radius). Points outside `region` are answered too, but only segments inside it are seen.
  NearestRoad(const RoadData& roads, const geo::Envelope& region, double radius_m);
  /// Distance to the nearest segment; radius_m when there is none within radius_m.
  [[nodiscard]] double distance_m(double x_m, double y_m) const;
  [[nodiscard]] double radius_m() const { return radius_m_; }
  [[nodiscard]] std::size_t segment_count() const { return segment_a_.size(); }

 private:
  [[nodiscard]] double segment_distance_m(std::uint32_t s, double x_m, double y_m) const;

  const RoadData& roads_;
  double radius_m_;
  double min_x_m_ = 0.0, min_y_m_ = 0.0, bucket_m_ = 1.0;
  std::int64_t cols_ = 0, rows_ = 0;
  std::vector<std::uint32_t> segment_a_, segment_b_;  ///< node indices of each indexed segment
  std::vector<std::uint32_t> offset_;                 ///< CSR: cols × rows + 1
  std::vector<std::uint32_t> items_;                  ///< segment indices
};

/// One comparison: the same points (or zones) against a reference, as declared and as if in `suspected`.
struct OffsetEvidence {
  OffsetSystem suspected = OffsetSystem::kWgs84;
  std::size_t compared = 0;         ///< points that say something (a reference within reach in either reading)
  std::size_t nearer = 0;           ///< of those, nearer the reference as `suspected` than as declared
  double median_declared_m = 0.0;   ///< median distance to the reference as declared (over the compared points)
  double median_suspected_m = 0.0;  ///< … as `suspected`
  double median_shift_m = 0.0;      ///< median distance between the two readings of a point (over every point)
};

enum class OffsetVerdict {
  kNoOffset,    ///< every other reading moves the points less than the rule's minimum (outside China: not at all)
  kTooFew,      ///< fewer compared points than the rule needs: no decision
  kConsistent,  ///< no other reading fits clearly better than the declared one
  kSuspected,   ///< `evidence.suspected` fits clearly better: the declaration is very probably wrong
};
const char* to_string(OffsetVerdict v);

/// The decision rule. A reading other than the declared one is suspected when every condition holds; among
/// several, the one with the smallest median distance. docs/method/coordinates.md gives the reasons.
struct OffsetRule {
  std::size_t min_compared = 30;       ///< at least this many compared points
  double min_shift_m = 100.0;          ///< the reading moves the points at least this far (median)
  double max_median_ratio = 2.0 / 3.0;  ///< median as suspected ≤ this × median as declared
  double min_share_nearer = 0.6;       ///< share of compared points nearer as suspected, at least this …
  double sigmas = 3.0;                 ///< … and at least ½ + sigmas · ½/√n (a fair coin's n tosses, one-sided)
  double max_median_suspected_m = std::numeric_limits<double>::infinity();  ///< median as suspected at most this
};

/// Points against the nearest road: 30 points, 100 m, ratio ⅔, 60 % and 3σ nearer.
OffsetRule roads_rule();
/// County centroids against the reference: 4 counties, 200 m, ratio ½, 75 % nearer, median after ≤ 250 m.
OffsetRule reference_rule();
/// Facilities against the study area's boundary (compared = those inside in one reading only): 10 of them,
/// 100 m, 80 % and 3σ of them inside only as suspected.
OffsetRule boundary_rule();

struct OffsetCheck {
  OffsetVerdict verdict = OffsetVerdict::kNoOffset;
  OffsetSystem declared = OffsetSystem::kWgs84;
  OffsetEvidence evidence;  ///< kSuspected: the reading that fits; otherwise the best one compared (if any)
  std::vector<OffsetEvidence> readings;  ///< every other reading tried
};

/// Applies the rule to the evidence of each other reading.
OffsetCheck decide_offset(OffsetSystem declared, std::vector<OffsetEvidence> readings, const OffsetRule& rule);

/// (a) Points against the road network.
OffsetCheck check_points_against_roads(std::span<const PointM> points_m, OffsetSystem declared, const NearestRoad& roads,
                                       const OffsetReader& reader, const OffsetRule& rule = roads_rule());

/// County centroids in WGS 84 longitude/latitude by 6-digit code.
using CountyCentroids = std::map<std::string, std::pair<double, double>>;
/// The shipped reference (data/reference/county_centroids_2021.csv: 2,990 counties of 2021, CTAmap).
const CountyCentroids& shipped_county_centroids();

/// A zone polygon and its code.
struct CodedPolygon {
  std::string code;
  const geo::Geometry* polygon = nullptr;  ///< analysis CRS
};

/// (b) Zone polygons against reference centroids, matched by code (zones whose code is not there are left out).
OffsetCheck check_zones_against_reference(std::span<const CodedPolygon> zones, OffsetSystem declared,
                                          const CountyCentroids& reference, const OffsetReader& reader,
                                          const OffsetRule& rule = reference_rule());

/// (c) Facilities against the study area: compared are the points inside the area in one reading only; `nearer`
/// counts those inside only as suspected. Meaningful for facility lists of the study area itself.
OffsetCheck check_points_against_area(std::span<const PointM> points_m, OffsetSystem declared,
                                      const geo::Geometry& area, const OffsetReader& reader,
                                      const OffsetRule& rule = boundary_rule());

/// Runs the checks on a loaded scenario and adds a warning "crs.offset_suspected" for every source whose
/// declaration is very probably wrong, naming the source, the evidence and the fix. Never throws for data.
void check_declared_offsets(const LoadedScenario& loaded, Diagnostics& diag);

}  // namespace carereach::io
