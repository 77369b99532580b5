#pragma once
// Opening a vector source (any OGR format, or a CSV/XLSX table with coordinate columns) with errors that name
// the file, layer, feature and field. Every loader reads through this.

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <cpl_string.h>
#include <gdal_priv.h>
#include <ogrsf_frmts.h>

#include "core/diagnostics.hpp"
#include "geo/coordinate_check.hpp"
#include "geo/crs.hpp"
#include "io/scenario.hpp"
#include "io/text_encoding.hpp"

namespace carereach::io {

/// Registers GDAL drivers once and routes GDAL's messages away from the terminal (they are turned into
/// carereach errors where they matter). Safe to call from anywhere, any number of times.
void ensure_gdal();

/// The last GDAL error message, or "" (for error texts).
std::string last_gdal_error();

class VectorSource {
 public:
  /// Opens spec.path (and spec.layer) or throws InputError: missing file, not a vector dataset, no such layer
  /// (the message lists the layers there are). CSV files are read with every column as text.
  ///
  /// Text is decoded into UTF-8 here, so that no other encoding reaches the data model (docs/scenario.md,
  /// "Text encodings"): CSV/TSV/TXT and GeoJSON through a recoded copy in /vsimem/, Shapefiles through GDAL's
  /// ENCODING open option; other formats say their own encoding. Without spec.encoding, text that is
  /// UTF-8 is UTF-8 (a byte-order mark decides for UTF-16), text that decodes as GB18030 is read so with a
  /// warning in diag ("input.encoding_detected"; a CSV mixing UTF-8 and GBK rows is read row by row with
  /// "input.encoding_mixed"), and anything else is an InputError naming the feature, the field and the bytes.
  /// An unknown spec.encoding, or one the format cannot have, is a ScenarioError (UsageError for a source
  /// named on the command line).
  VectorSource(const SourceSpec& spec, Diagnostics& diag);

  [[nodiscard]] OGRLayer& layer() const { return *layer_; }
  [[nodiscard]] const std::string& layer_name() const { return layer_name_; }
  [[nodiscard]] const SourceSpec& spec() const { return spec_; }
  [[nodiscard]] bool is_table() const { return is_table_; }  ///< CSV/spreadsheet: rows, not features
  /// The source was named on the command line (its key is an option such as "--from"), not in a scenario.
  [[nodiscard]] bool from_command_line() const { return spec_.key.starts_with("--"); }
  /// The text was decoded from another encoding than UTF-8 (GBK, Big5, UTF-16 …).
  [[nodiscard]] bool recoded() const { return recoded_; }
  [[nodiscard]] std::vector<std::string> field_names() const;
  [[nodiscard]] std::int64_t feature_count();

  /// Index of a named field, or throws InputError naming the scenario key (e.g. "code_field") and listing the
  /// fields there are. With an empty name, returns -1 when optional, else throws.
  [[nodiscard]] int field_index(const std::string& name, const std::string& key, bool optional = false) const;

  /// The CRS of the data: the declared one (spec.crs) if any, else the file's own. Throws CrsError when neither
  /// exists ("the file has no coordinate system and the scenario declares none").
  [[nodiscard]] geo::CrsSpec crs() const;
  [[nodiscard]] bool has_file_crs() const;

  /// Location of a feature (and field) for messages: the file as written, the layer, "row N" for tables
  /// (N = spreadsheet row, header = row 1) or "feature FID".
  [[nodiscard]] Location where(const OGRFeature& f, const std::string& field = {}) const;
  [[nodiscard]] Location where_file(const std::string& field = {}) const;
  [[nodiscard]] std::string feature_label(const OGRFeature& f) const;

  /// A field's value as trimmed text ("" when unset/null). Every text read from an input passes here: text that
  /// is not valid UTF-8 (a file whose encoding was declared wrongly, a GeoPackage written with GBK bytes) is an
  /// InputError naming the file, the feature and the field, so it can never reach the outputs.
  [[nodiscard]] static std::string text(const OGRFeature& f, int field);
  /// A code (adcode, id) as text: like text(), but integral numbers are written without decimals, whether the
  /// field is numeric (341602.0) or text ("341602.0"), so codes from CSV, Excel and GeoJSON compare equal.
  [[nodiscard]] static std::string code(const OGRFeature& f, int field);

  /// The coordinate check of this source's CRS (geo::CoordinateCheck: finite, in range, convertible), which
  /// point() applies; nullptr when the source has no CRS.
  [[nodiscard]] const geo::CoordinateCheck* coordinate_check() const { return coords_ ? &*coords_ : nullptr; }
  /// Makes the coordinate check also require that points convert to these CRSs (the analysis CRS, the output CRS).
  void check_coordinates_reach(const std::vector<geo::CoordinateCheck::Target>& targets);

  /// The point of a feature, in the source's CRS (not transformed): from x_field/y_field when the spec names
  /// them, else from the point geometry. Bad values (empty, not a number, refused by coordinate_check(), no
  /// geometry, not a point) are reported to diag with the given severity and give nullopt.
  /// `note` is appended to the messages (e.g. "; row left out").
  std::optional<std::pair<double, double>> point(const OGRFeature& f, Diagnostics& diag, Severity severity,
                                                 const std::string& note = {}) const;

 private:
  enum class TextKind { kTable, kJson, kDbf, kMapInfo, kOther };
  void open(const std::string& path, const CPLStringList& options);
  void prepare_text(TextKind kind, const std::string& ext, std::string& open_path, Diagnostics& diag);
  bool decode_table(std::string_view text, std::string& decoded, Diagnostics& diag);
  void check_dbf(Diagnostics& diag);
  /// A value that is not valid text, where it is, and the offset of its first bad byte.
  struct BadText {
    Location at;
    std::string value;
    std::size_t offset = 0;
    [[nodiscard]] std::string hex() const { return hex_bytes(value, offset); }
  };
  /// The first field name or string value of a JSON source that `good` refuses (GDAL's reader keeps the bytes
  /// as they are); else the line of `fallback_offset` in the raw text.
  [[nodiscard]] BadText locate_in_json(const std::function<bool(std::string_view, std::size_t*)>& good,
                                       std::string_view raw, std::size_t fallback_offset) const;
  /// The key that sets the encoding ("facilities[0].encoding", or "--encoding" on the command line).
  [[nodiscard]] std::string encoding_key() const;
  /// "add encoding = \"gbk\" to facilities[0] in the scenario", or "give --encoding gbk".
  [[nodiscard]] std::string declare(const std::string& value) const;
  [[noreturn]] void refuse_encoding(const std::string& what, const std::string& hint) const;
  /// Hint for text that is not valid in the encoding it was read in.
  [[nodiscard]] std::string bad_text_hint(std::string_view bytes) const;
  /// Throws the InputError of text() for a value that is not UTF-8 (bad: offset of the first bad byte).
  [[noreturn]] static void not_utf8(const OGRFeature& f, int field, const std::string& value, std::size_t bad);
  void warn_detected(Diagnostics& diag) const;
  /// Throws the InputError for text that is Chinese in UTF-8 although `declared_by` says another encoding.
  [[noreturn]] void refuse_declared(const std::string& declared, const std::string& declared_by) const;

  SourceSpec spec_;
  TextEncoding encoding_ = TextEncoding::kAuto;
  TextKind kind_ = TextKind::kOther;
  bool recoded_ = false;
  GDALDatasetUniquePtr ds_;
  OGRLayer* layer_ = nullptr;
  std::string layer_name_;
  std::string vsimem_copy_;  ///< recoded copy of a text file (removed in the destructor)
  bool is_table_ = false;
  int x_index_ = -1;
  int y_index_ = -1;
  std::optional<geo::CoordinateCheck> coords_;

 public:
  ~VectorSource();
  VectorSource(const VectorSource&) = delete;
  VectorSource& operator=(const VectorSource&) = delete;
};

/// Parses a number written in a table cell: trims spaces, accepts thousands separators ("1,200.5").
/// Returns nullopt for text that is not entirely a finite number.
std::optional<double> parse_number(const std::string& text);

}  // namespace carereach::io
