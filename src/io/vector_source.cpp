#include "io/vector_source.hpp"

#include <cpl_conv.h>
#include <cpl_error.h>
#include <cpl_string.h>
#include <cpl_vsi.h>

#include <algorithm>
#include <atomic>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <mutex>
#include <regex>
#include <sstream>
#include <unordered_map>

#include "core/error.hpp"
#include "core/text.hpp"
#include "io/input_access.hpp"

namespace carereach::io {

namespace {

void CPL_STDCALL quiet_handler(CPLErr, CPLErrorNum, const char*) {}

std::string join(const std::vector<std::string>& items, std::size_t max_items = 30) {
  std::string out;
  for (std::size_t i = 0; i < items.size() && i < max_items; ++i) {
    if (i) out += ", ";
    out += items[i];
  }
  if (items.size() > max_items) out += ", … (" + std::to_string(items.size()) + " in all)";
  return out;
}

std::atomic<int> g_vsimem_counter{0};

/// The open sources by the definition their features point to, so that the static text() can name the file of
/// a value that is not UTF-8. Looked up on that error path only.
std::mutex g_sources_mutex;
std::unordered_map<const OGRFeatureDefn*, const VectorSource*>& open_sources() {
  static std::unordered_map<const OGRFeatureDefn*, const VectorSource*> sources;
  return sources;
}

/// The whole file, through GDAL's virtual file layer (so /vsizip/ and /vsimem/ paths work too).
std::optional<std::string> ingest(const std::string& path) {
  GByte* buffer = nullptr;
  vsi_l_offset size = 0;
  if (!VSIIngestFile(nullptr, path.c_str(), &buffer, &size, -1)) return std::nullopt;
  std::string out(reinterpret_cast<const char*>(buffer), static_cast<std::size_t>(size));
  VSIFree(buffer);
  return out;
}

int line_at(std::string_view text, std::size_t offset) {
  const auto end = text.begin() + static_cast<std::ptrdiff_t>(std::min(offset, text.size()));
  return 1 + static_cast<int>(std::count(text.begin(), end, '\n'));
}

std::string row_list(const std::vector<std::size_t>& rows) {
  constexpr std::size_t kShown = 5;
  std::string out = rows.size() == 1 ? "row " : "rows ";
  for (std::size_t i = 0; i < rows.size() && i < kShown; ++i) out += (i ? ", " : "") + std::to_string(rows[i]);
  if (rows.size() > kShown) out += " …";
  return out;
}

bool file_exists(const std::string& path) {
  VSIStatBufL st;
  return VSIStatL(path.c_str(), &st) == 0;
}

/// The sidecar of a Shapefile with another extension (".dbf", ".cpg"), in the case it has, or "".
std::string sidecar(const std::string& path, const std::string& ext) {
  const std::size_t dot = path.find_last_of('.');
  const std::string stem = dot == std::string::npos ? path : path.substr(0, dot);
  std::string upper = ext;
  for (char& c : upper)
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
  for (const std::string& e : {ext, upper})
    if (file_exists(stem + e)) return stem + e;
  return {};
}

}  // namespace

void ensure_gdal() {
  static std::once_flag once;
  std::call_once(once, [] {
    GDALAllRegister();
    CPLSetErrorHandler(quiet_handler);
    // Big GeoJSON files (county boundaries) must not hit the default object size limit.
    CPLSetConfigOption("OGR_GEOJSON_MAX_OBJ_SIZE", "0");
    apply_network_access_to_gdal();  // off unless allowed (io/input_access.hpp)
  });
}

std::string last_gdal_error() {
  const char* msg = CPLGetLastErrorMsg();
  return msg != nullptr ? std::string(msg) : std::string();
}

std::optional<double> parse_number(const std::string& raw) {
  std::string s(raw);
  auto not_space = [](unsigned char c) { return !std::isspace(c); };
  s.erase(s.begin(), std::find_if(s.begin(), s.end(), not_space));
  s.erase(std::find_if(s.rbegin(), s.rend(), not_space).base(), s.end());
  if (s.empty()) return std::nullopt;
  if (s.find(',') != std::string::npos) {
    static const std::regex thousands(R"(^[+-]?\d{1,3}(,\d{3})+(\.\d+)?$)");
    if (!std::regex_match(s, thousands)) return std::nullopt;
    s.erase(std::remove(s.begin(), s.end(), ','), s.end());
  }
  char* end = nullptr;
  const double v = std::strtod(s.c_str(), &end);
  if (end == s.c_str() || *end != '\0' || !std::isfinite(v)) return std::nullopt;
  return v;
}

VectorSource::VectorSource(const SourceSpec& spec, Diagnostics& diag) : spec_(spec) {
  ensure_gdal();
  const std::string shown = spec.path_as_written.empty() ? spec.path.string() : spec.path_as_written;
  Location at_file{shown, {}, {}, {}, 0};
  // GDAL virtual file systems (/vsizip/, /vsimem/ …) are checked by GDAL itself; real files here, so the
  // message can say exactly what is wrong.
  const bool virtual_path = spec.path.string().starts_with("/vsi");
  std::error_code ec;
  if (!virtual_path) {
    if (!std::filesystem::exists(spec.path, ec))
      throw InputError("file not found (resolved to " + spec.path.string() + ")", at_file,
                       from_command_line() ? "check the input path"
                                           : "check the path in the scenario (" + spec.key +
                                                 "); relative paths are relative to the scenario file");
    if (std::filesystem::is_directory(spec.path, ec) && !ascii_lower(spec.path.string()).ends_with(".gdb"))
      throw InputError("is a folder, not a data file", at_file, "name the file itself in " + spec.key);
    std::ifstream probe(spec.path, std::ios::binary);
    if (!probe && !std::filesystem::is_directory(spec.path, ec))
      throw InputError("cannot be read (permission denied?)", at_file, "check the file's permissions");
  }

  const std::string ext = ascii_lower(spec.path.extension().string());
  is_table_ = ext == ".csv" || ext == ".txt" || ext == ".tsv" || ext == ".xlsx" || ext == ".xls" || ext == ".ods";
  if (ext == ".csv" || ext == ".txt" || ext == ".tsv")
    kind_ = TextKind::kTable;
  else if (ext == ".geojson" || ext == ".json" || ext == ".geojsonl" || ext == ".geojsons")
    kind_ = TextKind::kJson;
  else if (ext == ".shp" || ext == ".dbf")
    kind_ = TextKind::kDbf;
  else if (ext == ".tab" || ext == ".mif")
    kind_ = TextKind::kMapInfo;

  const std::optional<TextEncoding> requested = parse_text_encoding(spec.encoding);
  if (!requested)
    refuse_encoding("unknown encoding '" + spec.encoding + "'",
                    "use " + text_encoding_values() + ", or leave it out to detect");
  encoding_ = *requested;
  if (kind_ == TextKind::kMapInfo && encoding_ != TextEncoding::kAuto && encoding_ != TextEncoding::kUtf8)
    refuse_encoding("the encoding of a MapInfo file is the charset in its header, not '" + spec.encoding + "'",
                    "remove it; for GBK text the header should say !charset WindowsSimpChinese (.tab) or "
                    "Charset \"WindowsSimpChinese\" (.mif)");
  if (kind_ == TextKind::kOther && encoding_ != TextEncoding::kAuto && encoding_ != TextEncoding::kUtf8)
    refuse_encoding("the encoding '" + spec.encoding + "' does not apply to " +
                        (ext.empty() ? "this format" : ext + " files") +
                        ": their text is UTF-8 or says its own encoding",
                    "remove it; the encoding can be given for CSV, TSV, TXT, GeoJSON and Shapefile sources");
  if (kind_ == TextKind::kDbf && is_utf16(encoding_))
    refuse_encoding("the attributes of a Shapefile cannot be UTF-16",
                    "use utf-8, gbk or big5, or leave the encoding out to detect it");

  std::string open_path = spec.path.string();
  if (kind_ == TextKind::kTable || kind_ == TextKind::kJson) prepare_text(kind_, ext, open_path, diag);
  // GDAL's CSV driver takes .txt files (Excel's "Unicode text") only when told.
  if (ext == ".txt") open_path = "CSV:" + open_path;

  CPLStringList open_options;
  if (kind_ == TextKind::kTable) {
    open_options.AddNameValue("AUTODETECT_TYPE", "NO");
    open_options.AddNameValue("KEEP_GEOM_COLUMNS", "YES");
    open_options.AddNameValue("EMPTY_STRING_AS_NULL", "NO");
    open_options.AddNameValue("GEOM_POSSIBLE_NAMES", "");
    open_options.AddNameValue("X_POSSIBLE_NAMES", "");
    open_options.AddNameValue("Y_POSSIBLE_NAMES", "");
  }
  if (ext == ".xlsx" || ext == ".xls" || ext == ".ods") open_options.AddNameValue("FIELD_TYPES", "STRING");
  if (kind_ == TextKind::kDbf && encoding_ != TextEncoding::kAuto) {
    open_options.AddNameValue("ENCODING", text_encoding_iconv(encoding_));
    recoded_ = encoding_ != TextEncoding::kUtf8;
  }
  open(open_path, open_options);
  if (kind_ == TextKind::kDbf) check_dbf(diag);

  if (spec.is_table_with_xy()) {
    if (spec.x_field.empty() || spec.y_field.empty())
      throw ScenarioError("x_field and y_field must be given together", Location{{}, {}, {}, spec.key, spec.line},
                          "name both coordinate columns, e.g. x_field = \"经度\", y_field = \"纬度\"");
    x_index_ = field_index(spec.x_field, spec.key + ".x_field");
    y_index_ = field_index(spec.y_field, spec.key + ".y_field");
  } else if (is_table_) {
    // A table without coordinates is fine for attribute-only sources (zone totals).
  }
  if (spec.is_table_with_xy() || layer_->GetGeomType() != wkbNone) {
    if (!spec.crs.empty() || has_file_crs()) coords_.emplace(crs());
  }
  // Last: a constructor that throws never runs the destructor that would take the entry out again.
  const std::lock_guard lock(g_sources_mutex);
  open_sources()[layer_->GetLayerDefn()] = this;
}

void VectorSource::open(const std::string& path, const CPLStringList& options) {
  const Location at_file = where_file();
  CPLErrorReset();
  ds_.reset();
  GDALDataset* raw =
      GDALDataset::Open(path.c_str(), GDAL_OF_VECTOR | GDAL_OF_READONLY, nullptr, options.List(), nullptr);
  if (raw == nullptr) {
    const std::string why = last_gdal_error();
    throw InputError(
        "cannot be opened as a vector dataset" + (why.empty() ? std::string() : " (" + printable(why) + ")"), at_file,
        "give a file GDAL/OGR can read (GeoPackage, Shapefile, GeoJSON, CSV …); "
        "'ogrinfo' shows what GDAL makes of it");
  }
  ds_.reset(raw);

  std::vector<std::string> layers;
  for (int i = 0; i < ds_->GetLayerCount(); ++i) layers.emplace_back(printable(ds_->GetLayer(i)->GetName()));
  if (layers.empty()) throw InputError("has no layers", at_file, "give a file that holds vector data");
  if (spec_.layer.empty()) {
    if (layers.size() > 1)
      throw InputError("has " + std::to_string(layers.size()) + " layers and no layer is named", at_file,
                       (from_command_line() ? std::string("give --layer") : "add layer = \"…\" to " + spec_.key) +
                           "; the layers are: " + join(layers));
    layer_ = ds_->GetLayer(0);
  } else {
    layer_ = ds_->GetLayerByName(spec_.layer.c_str());
    if (layer_ == nullptr)
      throw InputError("has no layer '" + spec_.layer + "'", at_file, "the layers are: " + join(layers));
  }
  layer_name_ = layer_->GetName();
}

std::string VectorSource::encoding_key() const {
  return from_command_line() ? std::string("--encoding") : spec_.key + ".encoding";
}

std::string VectorSource::declare(const std::string& value) const {
  if (from_command_line()) return "give --encoding " + value;
  return "add encoding = \"" + value + "\" to " + spec_.key + " in the scenario";
}

void VectorSource::refuse_encoding(const std::string& what, const std::string& hint) const {
  if (from_command_line()) throw UsageError("--encoding: " + what, hint);
  throw ScenarioError(what, Location{{}, {}, {}, encoding_key(), spec_.line}, hint);
}

std::string VectorSource::bad_text_hint(std::string_view bytes) const {
  if (kind_ == TextKind::kMapInfo)
    return "a MapInfo file is decoded by the charset in its header: for GBK text it should say "
           "!charset WindowsSimpChinese (.tab) or Charset \"WindowsSimpChinese\" (.mif)";
  if (kind_ == TextKind::kOther)
    return "this format keeps its text in UTF-8, but the program that wrote the file stored other bytes: write the "
           "layer again (e.g. from QGIS) or correct the value";
  Decoder gb(text_encoding_iconv(TextEncoding::kGb18030));
  if (gb(bytes) && encoding_ != TextEncoding::kGb18030)
    return "the text reads as GB18030 (GBK): " + declare("gbk") +
           (kind_ == TextKind::kDbf ? " (or write GBK into the Shapefile's .cpg file)" : std::string()) +
           ", or save the file as UTF-8";
  return "save the file as UTF-8, or " + declare("…") + " with the encoding it was saved in (" +
         text_encoding_values() + ")";
}

void VectorSource::warn_detected(Diagnostics& diag) const {
  std::string hint = "check that the names read correctly; to make it explicit, " + declare("gbk");
  if (kind_ == TextKind::kDbf) {
    const std::string stem = spec_.path.stem().string();
    hint += ", or put a file " + stem + ".cpg holding the word GBK beside " + stem + ".shp";
  }
  diag.warn("input.encoding_detected"_code, "the text is not UTF-8: it was read as GB18030 (GBK), in which it is valid text",
            where_file(), hint + " (or save the file as UTF-8)");
}

void VectorSource::refuse_declared(const std::string& declared, const std::string& declared_by) const {
  std::string hint;
  if (declared_by == encoding_key())
    hint = "remove " + encoding_key() + ": UTF-8 needs no key";
  else
    hint = declared_by.find(".cpg") != std::string::npos ? "write UTF-8 into the .cpg file, or " + declare("utf-8")
                                                         : declare("utf-8");
  throw InputError("the text is UTF-8 (it reads as Chinese), not " + declared + " as " + declared_by + " says",
                   where_file(), hint);
}

void VectorSource::prepare_text(TextKind kind, const std::string& ext, std::string& open_path, Diagnostics& diag) {
  const Location at_file = where_file();
  const std::optional<std::string> raw = ingest(spec_.path.string());
  if (!raw) throw InputError("cannot be read", at_file, "check the file's permissions");
  const std::string_view bytes = *raw;
  const Bom bom = detect_bom(bytes);
  std::string decoded;  // the UTF-8 text to read when it is not the file as it is
  bool changed = false;

  // A byte-order mark says how the file is encoded; an encoding key that says otherwise is a mistake.
  if (bom != Bom::kNone && encoding_ != TextEncoding::kAuto) {
    const bool agrees = bom == Bom::kUtf8
                            ? encoding_ == TextEncoding::kUtf8
                            : encoding_ == TextEncoding::kUtf16 ||
                                  encoding_ == (bom == Bom::kUtf16Le ? TextEncoding::kUtf16Le : TextEncoding::kUtf16Be);
    if (!agrees)
      throw InputError(std::string("starts with the byte-order mark of ") +
                           (bom == Bom::kUtf8      ? "UTF-8"
                            : bom == Bom::kUtf16Le ? "UTF-16LE"
                                                   : "UTF-16BE") +
                           ", but " + encoding_key() + " says " + text_encoding_label(encoding_),
                       at_file, "remove " + encoding_key() + ": the mark says how the file is encoded");
  }
  if (bom == Bom::kUtf16Le || bom == Bom::kUtf16Be || is_utf16(encoding_)) {
    const bool big_endian = bom == Bom::kUtf16Be || (bom == Bom::kNone && encoding_ == TextEncoding::kUtf16Be);
    const TextEncoding from = big_endian ? TextEncoding::kUtf16Be : TextEncoding::kUtf16Le;
    Decoder decode(text_encoding_iconv(from));
    std::size_t bad = 0;
    std::optional<std::string> text = decode(bytes.substr(bom_size(bom)), &bad);
    if (!text) {
      bad += bom_size(bom);
      throw InputError("is not valid " + text_encoding_label(from) + " text (bytes " + hex_bytes(bytes, bad) +
                           " at byte " + std::to_string(bad) + ")",
                       at_file, "save the file again, as UTF-8 or as Excel's \"Unicode text\"");
    }
    decoded = std::move(*text);
    changed = true;
  } else {
    bool little_endian = true;
    if (encoding_ == TextEncoding::kAuto && bom == Bom::kNone && looks_like_utf16(bytes, &little_endian))
      throw InputError("holds NUL bytes: it looks like UTF-16 text without a byte-order mark", at_file,
                       declare(little_endian ? "utf-16le" : "utf-16be") + ", or save the file as UTF-8");
    const std::string_view text = bytes.substr(bom_size(bom));
    if (kind == TextKind::kTable) {
      changed = decode_table(text, decoded, diag);
    } else if (encoding_ == TextEncoding::kAuto || encoding_ == TextEncoding::kUtf8) {
      const std::size_t bad = first_invalid_utf8(text);
      if (bad != std::string_view::npos) {
        if (encoding_ == TextEncoding::kUtf8) {
          const BadText b = locate_in_json(
              [](std::string_view v, std::size_t* at) { return TextCheck("UTF-8")(v, at); }, text, bad);
          throw InputError("text is not valid UTF-8, as " + encoding_key() + " says (bytes " + b.hex() + ")", b.at,
                           bad_text_hint(b.value));
        }
        Decoder gb(text_encoding_iconv(TextEncoding::kGb18030));
        std::size_t gb_bad = 0;
        std::optional<std::string> text_gb = gb(text, &gb_bad);
        if (!text_gb) {
          const BadText b = locate_in_json(
              [&gb](std::string_view v, std::size_t* at) { return is_utf8(v) || gb(v, at).has_value(); }, text, gb_bad);
          throw InputError("text is neither UTF-8 nor GB18030 (GBK) (bytes " + b.hex() + ")", b.at,
                           bad_text_hint(b.value));
        }
        decoded = std::move(*text_gb);
        changed = true;
        warn_detected(diag);
      }
    } else {
      if (!is_ascii(text) && is_utf8(text) && reads_as_chinese_utf8(text))
        refuse_declared(text_encoding_label(encoding_), encoding_key());
      Decoder decode(text_encoding_iconv(encoding_));
      std::size_t bad = 0;
      std::optional<std::string> text_dec = decode(text, &bad);
      if (!text_dec) {
        const BadText b = locate_in_json(
            [&decode](std::string_view v, std::size_t* at) { return decode(v, at).has_value(); }, text, bad);
        throw InputError("text is not valid " + text_encoding_label(encoding_) + ", as " + encoding_key() +
                             " says (bytes " + b.hex() + ")",
                         b.at, is_utf8(text) ? "the file is UTF-8: remove " + encoding_key() : bad_text_hint(b.value));
      }
      decoded = std::move(*text_dec);
      changed = true;
    }
  }
  if (!changed) return;
  recoded_ = true;
  // The copy keeps the file's name, so that the layer keeps its name.
  const std::string folder = "/vsimem/carereach_recoded_" + std::to_string(g_vsimem_counter++);
  vsimem_copy_ = folder + "/" + spec_.path.filename().string();
  if (spec_.path.extension().string() != ext) vsimem_copy_ = folder + "/" + spec_.path.stem().string() + ext;
  VSILFILE* fp = VSIFOpenL(vsimem_copy_.c_str(), "wb");
  if (fp == nullptr) throw InputError("cannot be decoded in memory", at_file, "free some memory");
  VSIFWriteL(decoded.data(), 1, decoded.size(), fp);
  VSIFCloseL(fp);
  open_path = vsimem_copy_;
}

bool VectorSource::decode_table(std::string_view text, std::string& out, Diagnostics& diag) {
  const std::vector<TextRecord> records = split_csv_records(text);
  if (records.empty()) return false;
  enum class Kind { kAscii, kChinese, kOtherUtf8, kInvalid };
  std::vector<Kind> kinds;
  kinds.reserve(records.size());
  std::size_t invalid = 0;
  std::size_t chinese = 0;
  std::size_t other_utf8 = 0;
  std::size_t first_invalid = records.size();
  for (std::size_t i = 0; i < records.size(); ++i) {
    const std::string_view r = text.substr(records[i].begin, records[i].end - records[i].begin);
    Kind k = Kind::kAscii;
    if (!is_utf8(r))
      k = Kind::kInvalid;
    else if (!is_ascii(r))
      k = reads_as_chinese_utf8(r) ? Kind::kChinese : Kind::kOtherUtf8;
    if (k == Kind::kInvalid && invalid++ == 0) first_invalid = i;
    if (k == Kind::kChinese) ++chinese;
    if (k == Kind::kOtherUtf8) ++other_utf8;
    kinds.push_back(k);
  }
  if (invalid == 0 && (encoding_ == TextEncoding::kAuto || encoding_ == TextEncoding::kUtf8)) return false;

  auto record = [&](std::size_t i) { return text.substr(records[i].begin, records[i].end - records[i].begin); };
  const char sep = csv_separator(record(0));
  auto column = [&](std::size_t field) -> std::string {
    const std::string_view header = record(0);
    std::vector<std::string> names;
    if (is_utf8(header)) {
      names = csv_fields(header, sep);
    } else if (auto h = Decoder(text_encoding_iconv(
                   encoding_ == TextEncoding::kBig5 ? encoding_ : TextEncoding::kGb18030))(header)) {
      names = csv_fields(*h, sep);
    }
    if (field < names.size()) return names[field];
    return "column " + std::to_string(field + 1);
  };
  auto fail = [&](std::size_t i, std::size_t bad, const std::string& what, const std::string& hint) {
    const std::string_view r = record(i);
    Location at = where_file(column(csv_field_at(r, sep, bad)));
    at.feature = "row " + std::to_string(records[i].row);
    throw InputError(what + " (bytes " + hex_bytes(r, bad) + ")", at, hint);
  };

  if (encoding_ == TextEncoding::kUtf8) {
    const std::string_view r = record(first_invalid);
    fail(first_invalid, first_invalid_utf8(r), "text is not valid UTF-8, as " + encoding_key() + " says",
         bad_text_hint(r));
  }
  out.clear();
  out.reserve(text.size() + text.size() / 2);
  if (encoding_ != TextEncoding::kAuto) {
    // Declared GBK or Big5: the whole table is in it, unless all of it is Chinese in UTF-8.
    if (invalid == 0 && other_utf8 == 0 && chinese > 0) refuse_declared(text_encoding_label(encoding_), encoding_key());
    Decoder decode(text_encoding_iconv(encoding_));
    for (std::size_t i = 0; i < records.size(); ++i) {
      const std::string_view r = record(i);
      if (kinds[i] == Kind::kAscii) {
        out += r;
        continue;
      }
      std::size_t bad = 0;
      std::optional<std::string> t = decode(r, &bad);
      if (!t)
        fail(i, bad, "text is not valid " + text_encoding_label(encoding_) + ", as " + encoding_key() + " says",
             kinds[i] == Kind::kInvalid ? bad_text_hint(r)
                                        : "this row is UTF-8: remove " + encoding_key() +
                                              " (rows in UTF-8 and GBK are then each read in their own encoding)");
      out += *t;
    }
    return true;
  }

  // Detected. Rows whose UTF-8 reads like Chinese text stay UTF-8 when others are not UTF-8 (a mixed table);
  // every other row with bytes above ASCII is GB18030. GBK rows that happen to be valid UTF-8 decode to Latin,
  // Greek or Cyrillic letters, not to Chinese, so a table all in GBK is read all as GBK.
  const bool mixed = chinese > 0;
  Decoder gb(text_encoding_iconv(TextEncoding::kGb18030));
  std::vector<std::size_t> utf8_rows;
  std::vector<std::size_t> gb_rows;
  for (std::size_t i = 0; i < records.size(); ++i) {
    const std::string_view r = record(i);
    if (kinds[i] == Kind::kAscii) {
      out += r;
      continue;
    }
    if (kinds[i] == Kind::kChinese) {
      out += r;
      utf8_rows.push_back(records[i].row);
      continue;
    }
    std::size_t bad = 0;
    std::optional<std::string> t = gb(r, &bad);
    if (!t && kinds[i] == Kind::kOtherUtf8) {  // valid UTF-8 that is not GBK: UTF-8 after all
      out += r;
      utf8_rows.push_back(records[i].row);
      continue;
    }
    if (!t) fail(i, bad, "text is neither UTF-8 nor GB18030 (GBK)", bad_text_hint(r));
    out += *t;
    gb_rows.push_back(records[i].row);
  }
  if (!mixed) {
    warn_detected(diag);
    return true;
  }
  const bool gb_fewer = gb_rows.size() <= utf8_rows.size();
  const std::vector<std::size_t>& fewer = gb_fewer ? gb_rows : utf8_rows;
  diag.warn("input.encoding_mixed"_code,
            "the table mixes encodings: " + std::to_string(utf8_rows.size()) +
                " row(s) with Chinese text are UTF-8 and " + std::to_string(gb_rows.size()) +
                " are GB18030 (GBK); each row was read in its own encoding (the " + (gb_fewer ? "GBK" : "UTF-8") +
                " ones: " + row_list(fewer) + ")",
            where_file(),
            "check that the names of those rows read correctly, and save the whole table in one encoding "
            "(UTF-8) to be sure");
  return true;
}

VectorSource::BadText VectorSource::locate_in_json(const std::function<bool(std::string_view, std::size_t*)>& good,
                                                   std::string_view raw, std::size_t fallback_offset) const {
  GDALDatasetUniquePtr ds(GDALDataset::Open(spec_.path.string().c_str(), GDAL_OF_VECTOR | GDAL_OF_READONLY));
  OGRLayer* layer = nullptr;
  if (ds) layer = spec_.layer.empty() ? ds->GetLayer(0) : ds->GetLayerByName(spec_.layer.c_str());
  if (layer != nullptr) {
    OGRFeatureDefn* defn = layer->GetLayerDefn();
    for (int i = 0; i < defn->GetFieldCount(); ++i) {
      BadText b;
      b.value = defn->GetFieldDefn(i)->GetNameRef();
      if (good(b.value, &b.offset)) continue;
      b.at = where_file(printable(b.value));
      b.at.feature = "the field's name";
      return b;
    }
    for (auto& f : *layer) {
      for (int i = 0; i < defn->GetFieldCount(); ++i) {
        if (defn->GetFieldDefn(i)->GetType() != OFTString || !f->IsFieldSetAndNotNull(i)) continue;
        BadText b;
        b.value = f->GetFieldAsString(i);
        if (good(b.value, &b.offset)) continue;
        b.at = where_file(printable(defn->GetFieldDefn(i)->GetNameRef()));
        b.at.feature = "feature " + std::to_string(f->GetFID());
        return b;
      }
    }
  }
  BadText b;
  const std::size_t line_end = raw.find('\n', fallback_offset);
  b.value = std::string(raw.substr(fallback_offset, std::min<std::size_t>(line_end - fallback_offset, 64)));
  b.at = where_file();
  b.at.line = line_at(raw, fallback_offset);
  return b;
}

void VectorSource::check_dbf(Diagnostics& diag) {
  const std::string path = spec_.path.string();
  const std::string dbf_path = ascii_lower(spec_.path.extension().string()) == ".dbf" ? path : sidecar(path, ".dbf");
  if (dbf_path.empty()) return;
  DbfText dbf(dbf_path);
  if (!dbf.ok()) return;  // GDAL reads what it can; there is no text to check
  const OGRFeatureDefn* defn = layer_->GetLayerDefn();
  auto field_name = [&](std::size_t k) {
    return static_cast<int>(k) < defn->GetFieldCount()
               ? printable(defn->GetFieldDefn(static_cast<int>(k))->GetNameRef())
               : "field " + std::to_string(k + 1);
  };
  struct Bad {
    std::int64_t record = -1;  ///< -1: a field's name
    std::size_t field = 0;
    std::string value;
    std::size_t at = 0;
  };
  // The first name or value that `good` refuses.
  auto first_bad = [&](const std::function<bool(std::string_view, std::size_t*)>& good) -> std::optional<Bad> {
    for (std::size_t k = 0; k < dbf.field_names().size(); ++k) {
      std::size_t at = 0;
      if (!good(dbf.field_names()[k], &at)) return Bad{-1, k, dbf.field_names()[k], at};
    }
    std::optional<Bad> found;
    dbf.for_each_non_ascii([&](std::int64_t record, std::size_t field, std::string_view value) {
      std::size_t at = 0;
      if (good(value, &at)) return true;
      found = Bad{record, field, std::string(value), at};
      return false;
    });
    return found;
  };
  auto location = [&](const Bad& b) {
    Location at = where_file(field_name(b.field));
    at.feature = b.record < 0 ? "the field's name" : "feature " + std::to_string(b.record);
    return at;
  };

  std::string declared;
  std::string declared_by;
  if (encoding_ != TextEncoding::kAuto) {
    declared = text_encoding_iconv(encoding_);
    declared_by = encoding_key();
  } else if (const char* e = layer_->GetMetadataItem("SOURCE_ENCODING", "SHAPEFILE"); e != nullptr && *e != '\0') {
    declared = e;
    const std::string cpg = sidecar(path, ".cpg");
    declared_by = !cpg.empty() ? "the .cpg file" : "the .dbf's language driver";
  }
  if (!declared.empty()) {
    const bool utf8 = parse_text_encoding(declared) == TextEncoding::kUtf8;
    if (!utf8 && !Decoder::known(declared.c_str())) return;  // GDAL recodes as best it can
    if (!utf8) {
      recoded_ = true;
      bool any = false;
      const auto not_chinese = first_bad([&any](std::string_view v, std::size_t*) {
        if (is_ascii(v)) return true;
        any = true;
        return is_utf8(v) && reads_as_chinese_utf8(v);
      });
      if (any && !not_chinese) refuse_declared(declared, declared_by);
    }
    TextCheck check(declared.c_str());
    if (const auto bad = first_bad([&check](std::string_view v, std::size_t* at) { return check(v, at); }))
      throw InputError("text is not valid " + declared + ", as " + declared_by + " says (bytes " +
                           hex_bytes(bad->value, bad->at) + ")",
                       location(*bad), bad_text_hint(bad->value));
    return;
  }

  // No encoding declared: UTF-8 when it is, else GB18030 when every value is valid in it.
  bool utf8 = true;
  Decoder gb(text_encoding_iconv(TextEncoding::kGb18030));
  const auto bad = first_bad([&](std::string_view v, std::size_t* at) {
    if (is_utf8(v)) return true;
    utf8 = false;
    return gb(v, at).has_value();
  });
  if (bad)
    throw InputError("text is neither UTF-8 nor GB18030 (GBK) (bytes " + hex_bytes(bad->value, bad->at) + ")",
                     location(*bad), bad_text_hint(bad->value));
  if (utf8) return;
  CPLStringList options;
  options.AddNameValue("ENCODING", text_encoding_iconv(TextEncoding::kGb18030));
  open(path, options);
  recoded_ = true;
  warn_detected(diag);
}

void VectorSource::check_coordinates_reach(const std::vector<geo::CoordinateCheck::Target>& targets) {
  if (!coords_) return;
  const geo::CrsSpec crs = coords_->crs();  // emplace destroys the old check first
  coords_.emplace(crs, targets);
}

VectorSource::~VectorSource() {
  {
    const std::lock_guard lock(g_sources_mutex);
    if (layer_ != nullptr) {
      auto it = open_sources().find(layer_->GetLayerDefn());
      if (it != open_sources().end() && it->second == this) open_sources().erase(it);
    }
  }
  ds_.reset();
  if (!vsimem_copy_.empty()) {
    VSIUnlink(vsimem_copy_.c_str());
    VSIRmdir(std::filesystem::path(vsimem_copy_).parent_path().string().c_str());
  }
}

std::vector<std::string> VectorSource::field_names() const {
  std::vector<std::string> out;
  const OGRFeatureDefn* defn = layer_->GetLayerDefn();
  for (int i = 0; i < defn->GetFieldCount(); ++i) out.emplace_back(defn->GetFieldDefn(i)->GetNameRef());
  return out;
}

std::int64_t VectorSource::feature_count() { return layer_->GetFeatureCount(TRUE); }

int VectorSource::field_index(const std::string& name, const std::string& key, bool optional) const {
  if (name.empty()) {
    if (optional) return -1;
    throw ScenarioError("a field name is required", Location{{}, {}, {}, key, spec_.line},
                        "the fields of " + spec_.path_as_written + " are: " + join(field_names()));
  }
  const int idx = layer_->GetLayerDefn()->GetFieldIndex(name.c_str());
  if (idx >= 0) return idx;
  throw InputError("has no field '" + name + "' (named by " + key + ")", where_file(),
                   "the fields are: " + join(field_names()) + "; correct " + key +
                       (from_command_line() ? "" : " in the scenario"));
}

bool VectorSource::has_file_crs() const {
  if (is_table_) return false;
  return layer_->GetSpatialRef() != nullptr;
}

geo::CrsSpec VectorSource::crs() const {
  if (!spec_.crs.empty()) {
    try {
      return geo::CrsSpec::parse(spec_.crs);
    } catch (const CrsError& e) {
      throw CrsError(e.message(), Location{{}, {}, {}, from_command_line() ? spec_.key : spec_.key + ".crs", spec_.line},
                     e.hint());
    }
  }
  if (const OGRSpatialReference* srs = layer_->GetSpatialRef(); srs != nullptr && !is_table_) {
    char* wkt = nullptr;
    const char* options[] = {"FORMAT=WKT2_2019", nullptr};
    srs->exportToWkt(&wkt, options);
    std::string text = wkt != nullptr ? wkt : "";
    CPLFree(wkt);
    return geo::CrsSpec::from_wkt(std::move(text));
  }
  if (from_command_line())
    throw CrsError("has no coordinate system and none is given", where_file(),
                   "give " + spec_.key + " EPSG:4326 (or gcj02 for Amap/Tencent coordinates, bd09 for Baidu)");
  throw CrsError("has no coordinate system and the scenario declares none", where_file(),
                 "add crs = \"EPSG:4326\" (or \"gcj02\" for Amap/Tencent coordinates, \"bd09\" for Baidu) to " +
                     spec_.key);
}

Location VectorSource::where(const OGRFeature& f, const std::string& field) const {
  Location at = where_file(field);
  at.feature = feature_label(f);
  return at;
}

Location VectorSource::where_file(const std::string& field) const {
  Location at;
  at.file = spec_.path_as_written.empty() ? spec_.path.string() : spec_.path_as_written;
  if (!is_table_ && ds_ && ds_->GetLayerCount() > 1) at.layer = layer_name_;
  at.field = field;
  return at;
}

std::string VectorSource::feature_label(const OGRFeature& f) const {
  // The CSV driver numbers data rows from 1; the spreadsheet row also counts the header.
  if (is_table_) return "row " + std::to_string(f.GetFID() + 1);
  return "feature " + std::to_string(f.GetFID());
}

std::string VectorSource::text(const OGRFeature& f, int field) {
  if (field < 0 || !f.IsFieldSetAndNotNull(field)) return {};
  std::string s = f.GetFieldAsString(field);
  if (const std::size_t bad = first_invalid_utf8(s); bad != std::string::npos) not_utf8(f, field, s, bad);
  auto not_space = [](unsigned char c) { return !std::isspace(c); };
  s.erase(s.begin(), std::find_if(s.begin(), s.end(), not_space));
  s.erase(std::find_if(s.rbegin(), s.rend(), not_space).base(), s.end());
  return s;
}

void VectorSource::not_utf8(const OGRFeature& f, int field, const std::string& value, std::size_t bad) {
  const std::string name = printable(f.GetFieldDefnRef(field)->GetNameRef());
  const std::string what = "text is not valid UTF-8 (bytes " + hex_bytes(value, bad) + ")";
  {
    const std::lock_guard lock(g_sources_mutex);
    const auto it = open_sources().find(f.GetDefnRef());
    if (it != open_sources().end())
      throw InputError(what, it->second->where(f, name), it->second->bad_text_hint(value));
  }
  throw InputError(what, Location{{}, {}, "feature " + std::to_string(f.GetFID()), name, 0},
                   "save the file as UTF-8, or declare its encoding with the encoding key");
}

std::string VectorSource::code(const OGRFeature& f, int field) {
  std::string s = text(f, field);
  if (s.empty()) return s;
  const OGRFieldType type = f.GetFieldDefnRef(field)->GetType();
  if (type == OFTInteger || type == OFTInteger64) return s;
  // "341602.0", "341602.000000", 3.41602e5 → "341602"; anything else unchanged.
  const auto dot = s.find_first_of(".eE");
  if (dot == std::string::npos) return s;
  if (auto v = parse_number(s); v && std::floor(*v) == *v && std::abs(*v) < 9.0e15) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.0f", *v);
    return buf;
  }
  return s;
}

std::optional<std::pair<double, double>> VectorSource::point(const OGRFeature& f, Diagnostics& diag,
                                                              Severity severity, const std::string& note) const {
  auto report = [&](ProblemCode code, const std::string& msg, const std::string& field, const std::string& hint) {
    Problem p;
    p.severity = severity;
    p.kind = ExitCode::kInput;
    p.code = code;
    p.message = msg + note;
    p.where = where(f, field);
    p.hint = hint;
    diag.add(std::move(p));
  };
  double x = 0;
  double y = 0;
  if (x_index_ >= 0) {
    const std::string xs = text(f, x_index_);
    const std::string ys = text(f, y_index_);
    for (const auto& [value, field] : {std::pair{xs, spec_.x_field}, std::pair{ys, spec_.y_field}}) {
      if (value.empty()) {
        report("coordinate.empty"_code, "empty coordinate", field, "fill in the coordinate or remove the row");
        return std::nullopt;
      }
      if (!parse_number(value)) {
        report("coordinate.not_a_number"_code, "coordinate '" + value + "' is not a number", field,
               "write coordinates as decimal numbers (e.g. 115.7826), not degrees-minutes-seconds");
        return std::nullopt;
      }
    }
    x = *parse_number(xs);
    y = *parse_number(ys);
  } else {
    const OGRGeometry* g = f.GetGeometryRef();
    if (g == nullptr || g->IsEmpty()) {
      report("geometry.missing"_code, "feature has no geometry", {}, "give every feature a point, or remove it");
      return std::nullopt;
    }
    const auto type = wkbFlatten(g->getGeometryType());
    if (type == wkbPoint) {
      const auto* p = g->toPoint();
      x = p->getX();
      y = p->getY();
    } else if (type == wkbMultiPoint && g->toMultiPoint()->getNumGeometries() == 1) {
      const auto* p = g->toMultiPoint()->getGeometryRef(0);
      x = p->getX();
      y = p->getY();
    } else {
      report("geometry.not_point"_code, std::string("expected a point, found a ") + OGRGeometryTypeToName(type), {},
             "give point features (facility or settlement locations)");
      return std::nullopt;
    }
    // Geometries read from files are in the data axis order, which for geographic CRSs is longitude, latitude.
  }
  if (!coords_ && (!std::isfinite(x) || !std::isfinite(y))) {
    report("coordinate.not_a_number"_code, "coordinate is not a finite number", {}, "fix the geometry");
    return std::nullopt;
  }
  if (auto p = coords_ ? coords_->check(x, y) : std::nullopt) {
    const std::string field = p->axis == 'x'   ? spec_.x_field
                              : p->axis == 'y' ? spec_.y_field
                              : x_index_ >= 0  ? spec_.x_field + "/" + spec_.y_field
                                               : std::string();
    report(p->code(), p->message, field, p->hint);
    return std::nullopt;
  }
  return std::pair{x, y};
}

}  // namespace carereach::io
