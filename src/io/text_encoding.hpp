#pragma once
// Text encodings of input files: the values of the `encoding` key, UTF-8 validation, decoding into UTF-8
// (glibc iconv), byte-order marks, CSV records and the character fields of a DBF file. VectorSource decides
// with these how each input is read (docs/scenario.md, "Text encodings").

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <cpl_vsi.h>

namespace carereach::io {

/// The encodings the `encoding` key (and convert-coords --encoding) accepts.
enum class TextEncoding {
  kAuto,     ///< "" or "auto": detect (UTF-8, else GB18030 with a warning)
  kUtf8,     ///< "utf-8", "utf8"
  kGb18030,  ///< "gbk", "gb18030", "gb2312", "cp936": read as GB18030, which contains GB 2312 and GBK
  kBig5,     ///< "big5", "cp950" (Taiwan, Hong Kong)
  kUtf16,    ///< "utf-16": the byte-order mark decides, little-endian without one (as Windows writes)
  kUtf16Le,  ///< "utf-16le"
  kUtf16Be,  ///< "utf-16be"
};

/// Parses a value of the `encoding` key (ASCII case and '-'/'_' ignored); nullopt when unknown.
std::optional<TextEncoding> parse_text_encoding(std::string_view value);
/// The accepted values, for hints: "utf-8, gbk (also gb18030, gb2312, cp936), big5, utf-16 …".
std::string text_encoding_values();
/// Name for messages: "UTF-8", "GB18030 (GBK)", "Big5", "UTF-16LE" …
std::string text_encoding_label(TextEncoding e);
/// Name iconv (and GDAL's ENCODING open options) understands: "UTF-8", "GB18030", "CP950", "UTF-16LE" …
const char* text_encoding_iconv(TextEncoding e);
[[nodiscard]] inline bool is_utf16(TextEncoding e) {
  return e == TextEncoding::kUtf16 || e == TextEncoding::kUtf16Le || e == TextEncoding::kUtf16Be;
}

/// Offset of the first byte that does not start a valid UTF-8 sequence (RFC 3629: no overlong forms, no
/// surrogates, nothing above U+10FFFF), or npos when the whole text is valid UTF-8.
std::size_t first_invalid_utf8(std::string_view s);
[[nodiscard]] inline bool is_utf8(std::string_view s) {
  return first_invalid_utf8(s) == std::string_view::npos;
}
/// True when every byte is below 0x80.
bool is_ascii(std::string_view s);
/// The bad bytes at `at` in hexadecimal for messages: "B2 AD D6 DD" (the run of bytes of 0x80 and above that
/// starts there, at most 8).
std::string hex_bytes(std::string_view s, std::size_t at);
/// Text that can go into a message: itself when it is UTF-8, else its bytes as \xHH escapes for the bytes
/// of 0x80 and above.
std::string printable(std::string_view s);

/// Whether UTF-8 text reads like a Chinese office file: every character above ASCII is a CJK ideograph,
/// CJK or full-width punctuation, or a common symbol (U+2000–U+2BFF, ·, °, ±, ×, ÷). GBK bytes that happen
/// to form valid UTF-8 decode to Latin, Greek, Cyrillic, Hebrew or Arabic letters instead.
bool reads_as_chinese_utf8(std::string_view utf8);

/// Decodes text from one encoding into UTF-8 with glibc's iconv. One decoder serves many calls.
class Decoder {
 public:
  /// `from`: an iconv name. Throws std::runtime_error when iconv does not know it.
  explicit Decoder(const char* from);
  ~Decoder();
  Decoder(const Decoder&) = delete;
  Decoder& operator=(const Decoder&) = delete;
  /// Whether iconv knows the encoding (for names read from files, such as a .cpg).
  static bool known(const char* from);
  /// The UTF-8 text, or nullopt when a byte sequence is not valid in the encoding (or is cut off at the end);
  /// then *bad_at (if given) is the offset of its first byte.
  std::optional<std::string> operator()(std::string_view bytes, std::size_t* bad_at = nullptr);

 private:
  void* cd_;
};

/// Whether the bytes are valid text in the encoding (for UTF-8: valid UTF-8); *bad_at as for Decoder.
class TextCheck {
 public:
  explicit TextCheck(const char* encoding);
  bool operator()(std::string_view bytes, std::size_t* bad_at = nullptr);

 private:
  bool utf8_;
  std::unique_ptr<Decoder> decoder_;
};

/// What a byte-order mark at the start of a file says.
enum class Bom { kNone, kUtf8, kUtf16Le, kUtf16Be };
Bom detect_bom(std::string_view s);
std::size_t bom_size(Bom b);
/// Text without a byte-order mark that holds NUL bytes in its first line(s): most likely UTF-16. Sets *little_endian.
bool looks_like_utf16(std::string_view s, bool* little_endian);

/// One record of a CSV text: [begin, end) includes its line break; `row` counts records as the spreadsheet
/// rows GDAL reports (header = row 1, blank lines skipped, 0 for a blank line); `line` is its first line.
struct TextRecord {
  std::size_t begin = 0;
  std::size_t end = 0;
  std::size_t row = 0;
  std::size_t line = 1;
};
/// Splits CSV text into records: a record ends at a line break outside double quotes, so a quoted field may
/// hold line breaks. Safe on GBK, GB18030 and Big5 bytes: none of their multi-byte sequences holds a quote,
/// a separator or a line break.
std::vector<TextRecord> split_csv_records(std::string_view text);
/// The separator GDAL's CSV driver finds in a header line: the first of , ; TAB outside quotes (',' when the
/// line mixes them or has none).
char csv_separator(std::string_view header);
/// Index of the field of a CSV record (fields split at `sep` outside quotes) that holds the byte at `offset`.
std::size_t csv_field_at(std::string_view record, char sep, std::size_t offset);
/// The fields of a CSV record, unquoted ("" → "), without the line break.
std::vector<std::string> csv_fields(std::string_view record, char sep);

/// The character fields of a dBASE (.dbf) file, as stored (no recoding), read through GDAL's virtual file
/// layer (so /vsizip/ paths work).
class DbfText {
 public:
  /// Opens and reads the header; ok() is false when the file cannot be read or is not a DBF.
  explicit DbfText(const std::string& path);
  ~DbfText();
  DbfText(const DbfText&) = delete;
  DbfText& operator=(const DbfText&) = delete;
  [[nodiscard]] bool ok() const { return file_ != nullptr; }
  /// The names of all fields, as stored.
  [[nodiscard]] const std::vector<std::string>& field_names() const { return names_; }
  /// The language-driver byte (29): 0 = none declared.
  [[nodiscard]] int language_driver() const { return ldid_; }
  /// Calls visit(record, field, bytes) for every character value that holds a byte of 0x80 or above, in file
  /// order (record = the OGR feature id; deleted records skipped); stops when visit returns false.
  void for_each_non_ascii(const std::function<bool(std::int64_t, std::size_t, std::string_view)>& visit);

 private:
  struct Field {
    std::size_t offset = 0;
    std::size_t width = 0;
    bool text = false;
  };
  VSILFILE* file_ = nullptr;
  std::vector<std::string> names_;
  std::vector<Field> fields_;
  std::int64_t records_ = 0;
  std::size_t header_size_ = 0;
  std::size_t record_size_ = 0;
  int ldid_ = 0;
};

}  // namespace carereach::io
