#pragma once
// map.html: an interactive map of a run (or of a comparison) as one self-contained page that opens offline — Leaflet
// (embedded at build time, its licence in a comment), the zones filled by the share covered of the standard chosen
// in a switcher, popups with each zone's figures per standard, the facilities as markers, a legend, the title and
// date. Pure: it takes the data already in WGS 84 longitude/latitude and returns the page's text. docs/map.md
// describes the page.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "geo/rings.hpp"
#include "report/table.hpp"

namespace carereach::report {

/// One service standard the page can colour the zones by.
struct MapPageStandard {
  std::string id;
  std::string name;  ///< in the page's language
  double target_share = 0.0;
};

/// A zone's published whole persons for one standard (the figures of the tables).
struct MapPageFigures {
  std::int64_t population = 0;
  std::int64_t covered = 0;
};

/// One zone: its outline (longitude/latitude degrees, x = longitude) and, per standard of MapPage::standards, its
/// figures (nullopt where the standard does not report this level).
struct MapPageZone {
  std::string name;
  std::string code;
  std::vector<geo::PolygonRings> polygons;
  std::vector<std::optional<MapPageFigures>> figures;
};

/// One zone level (区县, 乡镇 …), coarsest first in MapPage::levels.
struct MapPageLevel {
  std::string id;     ///< "county"
  std::string label;  ///< "区县" / "county"
  std::vector<MapPageZone> zones;
};

/// One facility marker.
struct MapPageFacility {
  std::string name;
  std::string type;   ///< the type's name in the page's language
  std::string level;  ///< "三级" / "tertiary"
  double lon = 0.0;
  double lat = 0.0;
  std::vector<std::size_t> standards;  ///< indices into MapPage::standards of the standards that count it
  std::string change;  ///< a comparison: "新增" / "added", "关闭" / "closed", "调整" / "changed", or empty
};

/// A zone of a comparison whose covered population changed under one standard.
struct MapPageChange {
  std::size_t standard = 0;  ///< index into MapPage::standards
  std::size_t level = 0;     ///< index into MapPage::levels
  std::size_t zone = 0;      ///< index into that level's zones
  std::int64_t covered_before = 0;
  std::int64_t covered_after = 0;
  std::int64_t population = 0;
};

/// Share classes: value ≥ breaks[i] is in class i + 1 (below breaks[0], class 0), as report.html colours them.
struct MapPageClasses {
  std::vector<double> breaks;
  std::vector<std::string> colours;  ///< breaks.size() + 1
  std::vector<std::string> labels;   ///< breaks.size() + 1
  std::string no_data_colour;
  std::string no_data_label;
};

struct MapPage {
  Lang lang = Lang::kZh;
  std::string title;
  std::string subtitle;
  std::string date;          ///< "2026-11-24"
  std::string note;          ///< one line under the map (what the colours mean, the CRS the data came from)
  std::vector<MapPageStandard> standards;
  std::vector<MapPageLevel> levels;  ///< coarsest first
  std::vector<MapPageFacility> facilities;
  MapPageClasses classes;
  /// A comparison: the zones whose covered population changed, coloured gained / lost, with a list that zooms to
  /// each. Empty for a run.
  bool comparison = false;
  std::vector<MapPageChange> changes;
};

/// The share class of `share` (NaN: nullopt), per MapPageClasses.
std::optional<std::size_t> share_class(double share, const std::vector<double>& breaks);

/// The page: HTML with Leaflet's licence in a comment, Leaflet's CSS and script inline, the data as JSON in
/// <script type="application/json" id="carereach-map-data"> (GeoJSON FeatureCollections for zones and facilities,
/// coordinates rounded to 5 decimals, about a metre), a Content-Security-Policy that forbids every load from elsewhere, and the
/// page's own script. Throws std::invalid_argument when the classes are inconsistent.
std::string render_map_page(const MapPage& page);

/// The Leaflet version embedded ("1.9.4").
const char* leaflet_version();

}  // namespace carereach::report
