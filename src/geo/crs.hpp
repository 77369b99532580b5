#pragma once
// Coordinate reference systems: any PROJ CRS plus the Chinese pseudo-CRSs GCJ-02 and BD-09, which PROJ does not
// know. A Transformer converts between any two of them (GCJ-02/BD-09 go through WGS84 longitude/latitude).
// docs/method/coordinates.md documents the formulas, the accuracy and the automatic choice of analysis CRS.

#include <memory>
#include <span>
#include <string>
#include <string_view>

namespace carereach::geo {

enum class CrsKind { kProj, kGcj02, kBd09 };

struct CrsSpec {
  CrsKind kind = CrsKind::kProj;
  std::string definition;  ///< as the user wrote it ("EPSG:4326", WKT, PROJ string); "gcj02" / "bd09" for those

  /// Parses "gcj02" / "GCJ-02" / "bd09" / "BD-09" (any case) or anything PROJ accepts. Throws CrsError naming
  /// the text when PROJ cannot make a CRS of it.
  static CrsSpec parse(std::string_view text);
  /// From an OGC WKT string (e.g. the CRS of an OGR layer).
  static CrsSpec from_wkt(std::string wkt);

  /// "EPSG:4548 CGCS2000 / 3-degree Gauss-Kruger CM 117E" or "GCJ-02 (Chinese web-map offset of WGS 84)".
  [[nodiscard]] std::string display() const;
  /// Authority code as "EPSG:4548" when the CRS carries one or PROJ identifies it as equivalent to one, else empty.
  [[nodiscard]] std::string authority_code() const;
  /// WKT2 of the CRS; WGS 84 for GCJ-02/BD-09 (their coordinates are longitude/latitude).
  [[nodiscard]] std::string wkt() const;
  [[nodiscard]] bool is_geographic() const;
  /// A projected CRS whose axes are in metres (what the analysis needs).
  [[nodiscard]] bool is_projected_metric() const;
};

/// Converts coordinates between two CRSs. Input and output use the GIS axis order: x = longitude or easting,
/// y = latitude or northing, whatever the CRS definition says. Not thread-safe: use one per thread.
class Transformer {
 public:
  Transformer(const CrsSpec& from, const CrsSpec& to);  ///< throws CrsError
  ~Transformer();
  Transformer(Transformer&&) noexcept;
  Transformer& operator=(Transformer&&) noexcept;
  Transformer(const Transformer&) = delete;
  Transformer& operator=(const Transformer&) = delete;

  /// Converts in place; a point that cannot be converted becomes (inf, inf). Returns the number that failed.
  std::size_t transform(std::span<double> x, std::span<double> y) const;
  /// Converts one point in place; false when it cannot be converted.
  bool transform(double& x, double& y) const;
  [[nodiscard]] bool is_identity() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

/// The analysis CRS for a study area whose centre is (lon, lat) in WGS84 degrees: in China (the bounding box
/// 73–135.1°E, 18–53.6°N) the CGCS2000 3-degree Gauss–Krüger zone (EPSG:4534–4554, central meridian
/// 3°·round(lon/3), false easting 500 km), elsewhere the WGS 84 UTM zone (EPSG:326zz / 327zz). Throws CrsError
/// when lon/lat are not finite degrees.
CrsSpec choose_analysis_crs(double lon, double lat);

/// WGS 84 longitude/latitude (EPSG:4326 with GIS axis order).
CrsSpec wgs84();

}  // namespace carereach::geo
