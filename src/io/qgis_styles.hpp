#pragma once
// QGIS layer styles (QML, the QGIS 3.22 format) for the layers carereach writes: graduated, categorized and
// single-symbol fills, categorized point markers, optional labels, and field aliases. write_geopackage stores them
// in the GeoPackage's layer_styles table, so QGIS opens each layer styled. The QML is minimal but complete for
// QGIS 3.22 and later: a renderer-v2 with its symbols and ranges or categories, and what QGIS needs to read it.

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace carereach::io::qgis {

/// An sRGB colour with its opacity (a = 255 opaque), written "r,g,b,a" in QML.
struct Colour {
  std::uint8_t r = 0;
  std::uint8_t g = 0;
  std::uint8_t b = 0;
  std::uint8_t a = 255;
};

/// "#rrggbb" or "#rrggbbaa" (any case) to a Colour. Throws std::invalid_argument on anything else.
Colour colour(std::string_view hex);

/// One class of a classified single-band raster: values up to `upper` (inclusive; +infinity for the last, open
/// class) that the previous class does not take.
struct RasterClass {
  double upper = 0;
  Colour colour;
  std::string label;
};

/// The QML of a single-band raster drawn in discrete classes (QGIS's pseudocolour renderer with a discrete colour
/// ramp, no-data transparent), for a side-car FILE.qml that QGIS applies when it opens FILE.tif. Throws
/// std::invalid_argument when there is no class or the upper bounds do not increase.
std::string raster_classes_qml(std::span<const RasterClass> classes);

/// Labels drawn from a field's values.
struct Labels {
  std::string field;
  double size_pt = 9.0;
  Colour colour{40, 40, 40, 255};
  bool halo = true;  ///< a white 0.8 mm halo, readable on any fill
};

/// Outline of polygon symbols.
struct Outline {
  Colour colour{255, 255, 255, 255};
  double width_mm = 0.1;
};

/// One class of a graduated fill: values v with lower ≤ v ≤ upper. A value on a bound shared by two classes falls
/// in the first one (QGIS takes the first class that contains the value).
struct GraduatedClass {
  double lower = 0;
  double upper = 0;
  Colour fill;
  std::string label;  ///< legend text, e.g. "50%–80%"
};

struct GraduatedFill {
  std::string field;
  std::vector<GraduatedClass> classes;  ///< in legend order; bounds finite
  Colour no_data_fill{200, 200, 200, 255};
  std::string no_data_label = "无数据";
  Outline outline;
  std::optional<Labels> labels;
};

/// A graduated fill on a numeric field with a class for NULL (no data). QGIS's graduated renderer has no NULL
/// class, so the renderer classifies coalesce("field", S) where S = floor(lowest lower bound) - 1, and the
/// no-data class is the range [S, S], shown last in the legend. Throws std::invalid_argument when there are no
/// classes, a bound is not finite or lower > upper.
std::string graduated_fill_qml(const GraduatedFill& style);

/// One category: features whose field value, as text, equals value. An empty value is QGIS's catch-all category:
/// every other value, NULL included (put it last).
struct Category {
  std::string value;
  Colour colour;
  std::string label;  ///< legend text
};

struct CategorizedFill {
  std::string field;
  std::vector<Category> categories;
  Outline outline;
  std::optional<Labels> labels;
};

/// A categorized fill on a field (e.g. a zone's level of coverage). Throws std::invalid_argument when there are
/// no categories.
std::string categorized_fill_qml(const CategorizedFill& style);

struct SingleFill {
  Colour fill{49, 130, 189, 90};  ///< semi-transparent by default: service areas overlap other layers
  Outline outline{{8, 81, 156, 255}, 0.4};
  std::optional<Labels> labels;
};

/// One fill symbol for every feature (service areas, gap areas).
std::string single_fill_qml(const SingleFill& style);

struct CategorizedMarker {
  std::string field;  ///< e.g. the facility type
  std::vector<Category> categories;
  double size_mm = 2.6;
  std::string shape = "circle";  ///< a QGIS SimpleMarker shape: circle, square, triangle, diamond, star, cross …
  Outline outline{{255, 255, 255, 255}, 0.2};
  std::optional<Labels> labels;
};

/// Point markers coloured by a field (facility type). Throws std::invalid_argument when there are no categories.
std::string categorized_marker_qml(const CategorizedMarker& style);

struct CategorizedLine {
  std::string field;  ///< e.g. "beyond" (0/1)
  std::vector<Category> categories;
  double width_mm = 0.5;
};

/// Lines coloured by a field (referral lines within or beyond their threshold). Throws std::invalid_argument when
/// there are no categories.
std::string categorized_line_qml(const CategorizedLine& style);

// --- The same styles as OGC Styled Layer Descriptors (SLD 1.1 with Symbology Encoding 1.1 for vectors, as QGIS
// writes and reads them; SLD 1.0 with a RasterSymbolizer ColorMap for rasters, as GeoServer reads it), for GIS
// that do not read QML. Each takes the very struct its QML function takes, so the classes and colours are one.
// `layer` names the NamedLayer (the GeoPackage table or the raster's file name without .tif). Labels are left out.

/// The graduated fill: one rule per class (lower ≤ v ≤ upper for the first class, lower < v ≤ upper after a
/// class that ends at the same value, as QGIS takes the first class), then the no-data rule (v is NULL).
std::string graduated_fill_sld(const GraduatedFill& style, const std::string& layer);
/// One rule, one polygon symbol.
std::string single_fill_sld(const SingleFill& style, const std::string& layer);
/// The raster classes as a ColorMap of type "intervals": one entry per class at its upper bound (the open last
/// class at 3.4e38, the largest Float32), no-data left to the raster's no-data value. Throws like
/// raster_classes_qml.
std::string raster_classes_sld(std::span<const RasterClass> classes, const std::string& layer);

/// A field's display name (QGIS alias).
struct FieldAlias {
  std::string field;
  std::string alias;
};

/// The QML with an <aliases> element naming the fields (QGIS 3.22 shows them in the attribute table and forms).
/// QML that already has an <aliases> element, or an empty QML, is returned unchanged; aliases that are empty are
/// left out. field_index_offset is the index of the first field in QGIS (1 in a GeoPackage, whose fid comes first).
std::string with_field_aliases(std::string_view qml, std::span<const FieldAlias> aliases, int field_index_offset = 1);

}  // namespace carereach::io::qgis
