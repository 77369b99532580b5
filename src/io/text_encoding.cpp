#include "io/text_encoding.hpp"

#include <iconv.h>

#include <algorithm>
#include <cerrno>
#include <cstdint>
#include <stdexcept>

namespace carereach::io {

namespace {

constexpr std::size_t kNpos = std::string_view::npos;

unsigned char byte_at(std::string_view s, std::size_t i) {
  return static_cast<unsigned char>(s[i]);
}

bool in(unsigned char c, unsigned char lo, unsigned char hi) {
  return c >= lo && c <= hi;
}

/// Length of the valid UTF-8 sequence at i, or 0.
std::size_t utf8_sequence(std::string_view s, std::size_t i) {
  const unsigned char c = byte_at(s, i);
  if (c < 0x80) return 1;
  auto cont = [&](std::size_t k, unsigned char lo = 0x80, unsigned char hi = 0xBF) {
    return i + k < s.size() && in(byte_at(s, i + k), lo, hi);
  };
  if (in(c, 0xC2, 0xDF)) return cont(1) ? 2 : 0;
  if (c == 0xE0) return cont(1, 0xA0, 0xBF) && cont(2) ? 3 : 0;
  if (in(c, 0xE1, 0xEC) || in(c, 0xEE, 0xEF)) return cont(1) && cont(2) ? 3 : 0;
  if (c == 0xED) return cont(1, 0x80, 0x9F) && cont(2) ? 3 : 0;
  if (c == 0xF0) return cont(1, 0x90, 0xBF) && cont(2) && cont(3) ? 4 : 0;
  if (in(c, 0xF1, 0xF3)) return cont(1) && cont(2) && cont(3) ? 4 : 0;
  if (c == 0xF4) return cont(1, 0x80, 0x8F) && cont(2) && cont(3) ? 4 : 0;
  return 0;
}

/// The code point of the valid sequence of length n at i.
char32_t code_point(std::string_view s, std::size_t i, std::size_t n) {
  const unsigned char c = byte_at(s, i);
  if (n == 1) return c;
  char32_t cp = n == 2 ? (c & 0x1Fu) : n == 3 ? (c & 0x0Fu) : (c & 0x07u);
  for (std::size_t k = 1; k < n; ++k) cp = (cp << 6) | (byte_at(s, i + k) & 0x3Fu);
  return cp;
}

std::string normalise(std::string_view value) {
  std::string out;
  for (char c : value) {
    if (c == '-' || c == '_' || c == ' ') continue;
    out += (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
  }
  return out;
}

iconv_t kNoIconv() {
  return reinterpret_cast<iconv_t>(static_cast<std::intptr_t>(-1));
}

}  // namespace

std::optional<TextEncoding> parse_text_encoding(std::string_view value) {
  const std::string v = normalise(value);
  if (v.empty() || v == "auto") return TextEncoding::kAuto;
  if (v == "utf8") return TextEncoding::kUtf8;
  if (v == "gbk" || v == "gb18030" || v == "gb2312" || v == "cp936") return TextEncoding::kGb18030;
  if (v == "big5" || v == "cp950") return TextEncoding::kBig5;
  if (v == "utf16") return TextEncoding::kUtf16;
  if (v == "utf16le") return TextEncoding::kUtf16Le;
  if (v == "utf16be") return TextEncoding::kUtf16Be;
  return std::nullopt;
}

std::string text_encoding_values() {
  return "utf-8, gbk (also gb18030, gb2312, cp936), big5 (also cp950), utf-16 (also utf-16le, utf-16be)";
}

std::string text_encoding_label(TextEncoding e) {
  switch (e) {
    case TextEncoding::kAuto:
      return "detected";
    case TextEncoding::kUtf8:
      return "UTF-8";
    case TextEncoding::kGb18030:
      return "GB18030 (GBK)";
    case TextEncoding::kBig5:
      return "Big5";
    case TextEncoding::kUtf16:
      return "UTF-16";
    case TextEncoding::kUtf16Le:
      return "UTF-16LE";
    case TextEncoding::kUtf16Be:
      return "UTF-16BE";
  }
  return "?";
}

const char* text_encoding_iconv(TextEncoding e) {
  switch (e) {
    case TextEncoding::kAuto:
    case TextEncoding::kUtf8:
      return "UTF-8";
    case TextEncoding::kGb18030:
      return "GB18030";
    case TextEncoding::kBig5:
      return "CP950";
    case TextEncoding::kUtf16:
    case TextEncoding::kUtf16Le:
      return "UTF-16LE";
    case TextEncoding::kUtf16Be:
      return "UTF-16BE";
  }
  return "UTF-8";
}

std::size_t first_invalid_utf8(std::string_view s) {
  std::size_t i = 0;
  while (i < s.size()) {
    if (byte_at(s, i) < 0x80) {
      ++i;
      continue;
    }
    const std::size_t n = utf8_sequence(s, i);
    if (n == 0) return i;
    i += n;
  }
  return kNpos;
}

bool is_ascii(std::string_view s) {
  return std::all_of(s.begin(), s.end(), [](char c) { return static_cast<unsigned char>(c) < 0x80; });
}

std::string hex_bytes(std::string_view s, std::size_t at) {
  static const char* digits = "0123456789ABCDEF";
  std::string out;
  for (std::size_t i = at, n = 0; i < s.size() && n < 8; ++i, ++n) {
    const unsigned char c = byte_at(s, i);
    if (c < 0x80 && n > 0) break;
    if (!out.empty()) out += ' ';
    out += digits[c >> 4];
    out += digits[c & 0xF];
  }
  return out;
}

std::string printable(std::string_view s) {
  if (is_utf8(s)) return std::string(s);
  static const char* digits = "0123456789ABCDEF";
  std::string out;
  for (char ch : s) {
    const auto c = static_cast<unsigned char>(ch);
    if (c < 0x80) {
      out += ch;
    } else {
      out += "\\x";
      out += digits[c >> 4];
      out += digits[c & 0xF];
    }
  }
  return out;
}

bool reads_as_chinese_utf8(std::string_view s) {
  for (std::size_t i = 0; i < s.size();) {
    const std::size_t n = utf8_sequence(s, i);
    if (n == 0) return false;
    const char32_t cp = code_point(s, i, n);
    i += n;
    if (cp < 0x80) continue;
    const bool common = cp == 0xB0 || cp == 0xB1 || cp == 0xB7 || cp == 0xD7 || cp == 0xF7 ||
                        (cp >= 0x2000 && cp <= 0x2BFF) ||  // punctuation, letter-like, number forms, ①, ★ …
                        (cp >= 0x3000 && cp <= 0x9FFF) ||  // CJK punctuation, kana, bopomofo, ideographs
                        (cp >= 0xF900 && cp <= 0xFAFF) ||  // compatibility ideographs
                        (cp >= 0xFE30 && cp <= 0xFE4F) ||  // CJK compatibility forms
                        (cp >= 0xFF00 && cp <= 0xFFEF);    // full-width forms
    if (!common) return false;
  }
  return true;
}

Decoder::Decoder(const char* from) : cd_(iconv_open("UTF-8", from)) {
  if (static_cast<iconv_t>(cd_) == kNoIconv()) throw std::runtime_error(std::string("iconv does not know ") + from);
}

Decoder::~Decoder() {
  iconv_close(static_cast<iconv_t>(cd_));
}

bool Decoder::known(const char* from) {
  iconv_t cd = iconv_open("UTF-8", from);
  if (cd == kNoIconv()) return false;
  iconv_close(cd);
  return true;
}

std::optional<std::string> Decoder::operator()(std::string_view bytes, std::size_t* bad_at) {
  auto* cd = static_cast<iconv_t>(cd_);
  iconv(cd, nullptr, nullptr, nullptr, nullptr);  // initial state
  std::string out(bytes.size() * 3 / 2 + 16, '\0');
  char* in_ptr = const_cast<char*>(bytes.data());
  std::size_t in_left = bytes.size();
  std::size_t used = 0;
  while (true) {
    char* out_ptr = out.data() + used;
    std::size_t out_left = out.size() - used;
    const std::size_t r = in_left == 0 ? iconv(cd, nullptr, nullptr, &out_ptr, &out_left)
                                       : iconv(cd, &in_ptr, &in_left, &out_ptr, &out_left);
    used = static_cast<std::size_t>(out_ptr - out.data());
    if (r != static_cast<std::size_t>(-1)) {
      if (in_left == 0) break;
      continue;
    }
    if (errno == E2BIG) {
      out.resize(out.size() * 2 + 16);
      continue;
    }
    if (bad_at != nullptr) *bad_at = static_cast<std::size_t>(in_ptr - bytes.data());
    return std::nullopt;
  }
  out.resize(used);
  return out;
}

TextCheck::TextCheck(const char* encoding) : utf8_(normalise(encoding) == "utf8") {
  if (!utf8_) decoder_ = std::make_unique<Decoder>(encoding);
}

bool TextCheck::operator()(std::string_view bytes, std::size_t* bad_at) {
  if (utf8_) {
    const std::size_t at = first_invalid_utf8(bytes);
    if (at != kNpos && bad_at != nullptr) *bad_at = at;
    return at == kNpos;
  }
  return (*decoder_)(bytes, bad_at).has_value();
}

Bom detect_bom(std::string_view s) {
  if (s.size() >= 3 && byte_at(s, 0) == 0xEF && byte_at(s, 1) == 0xBB && byte_at(s, 2) == 0xBF) return Bom::kUtf8;
  if (s.size() >= 2 && byte_at(s, 0) == 0xFF && byte_at(s, 1) == 0xFE) return Bom::kUtf16Le;
  if (s.size() >= 2 && byte_at(s, 0) == 0xFE && byte_at(s, 1) == 0xFF) return Bom::kUtf16Be;
  return Bom::kNone;
}

std::size_t bom_size(Bom b) {
  switch (b) {
    case Bom::kNone:
      return 0;
    case Bom::kUtf8:
      return 3;
    case Bom::kUtf16Le:
    case Bom::kUtf16Be:
      return 2;
  }
  return 0;
}

bool looks_like_utf16(std::string_view s, bool* little_endian) {
  // ASCII characters in UTF-16 have a NUL beside them: count NULs at even and odd offsets in the first bytes.
  const std::size_t n = std::min<std::size_t>(s.size(), 4096);
  std::size_t even = 0;
  std::size_t odd = 0;
  for (std::size_t i = 0; i < n; ++i)
    if (s[i] == '\0') ++(i % 2 == 0 ? even : odd);
  if (even + odd < 2) return false;
  if (little_endian != nullptr) *little_endian = odd >= even;
  return true;
}

std::vector<TextRecord> split_csv_records(std::string_view text) {
  std::vector<TextRecord> out;
  bool quoted = false;
  std::size_t begin = 0;
  std::size_t line = 1;
  std::size_t row = 0;
  std::size_t lines_in_record = 0;
  auto close = [&](std::size_t end) {
    TextRecord r;
    r.begin = begin;
    r.end = end;
    r.line = line;
    std::string_view body = text.substr(begin, end - begin);
    while (!body.empty() && (body.back() == '\n' || body.back() == '\r')) body.remove_suffix(1);
    r.row = body.empty() ? 0 : ++row;
    out.push_back(r);
    line += lines_in_record;
    lines_in_record = 0;
    begin = end;
  };
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '"')
      quoted = !quoted;
    else if (text[i] == '\n') {
      ++lines_in_record;
      if (!quoted) close(i + 1);
    }
  }
  if (begin < text.size()) close(text.size());
  return out;
}

char csv_separator(std::string_view header) {
  bool quoted = false;
  char sep = '\0';
  for (std::size_t i = 0; i < header.size(); ++i) {
    const char c = header[i];
    if (c == '\n' && !quoted) break;
    if (c == '"') {
      quoted = !quoted;
    } else if (!quoted && (c == ',' || c == ';' || c == '\t')) {
      if (sep == '\0')
        sep = c;
      else if (sep != c)
        return ',';
    }
  }
  return sep == '\0' ? ',' : sep;
}

std::size_t csv_field_at(std::string_view record, char sep, std::size_t offset) {
  bool quoted = false;
  std::size_t field = 0;
  for (std::size_t i = 0; i < record.size() && i < offset; ++i) {
    if (record[i] == '"')
      quoted = !quoted;
    else if (record[i] == sep && !quoted)
      ++field;
  }
  return field;
}

std::vector<std::string> csv_fields(std::string_view record, char sep) {
  while (!record.empty() && (record.back() == '\n' || record.back() == '\r')) record.remove_suffix(1);
  std::vector<std::string> out(1);
  bool quoted = false;
  for (std::size_t i = 0; i < record.size(); ++i) {
    const char c = record[i];
    if (c == '"') {
      if (quoted && i + 1 < record.size() && record[i + 1] == '"') {
        out.back() += '"';
        ++i;
      } else {
        quoted = !quoted;
      }
    } else if (c == sep && !quoted) {
      out.emplace_back();
    } else {
      out.back() += c;
    }
  }
  return out;
}

DbfText::DbfText(const std::string& path) {
  file_ = VSIFOpenL(path.c_str(), "rb");
  if (file_ == nullptr) return;
  auto fail = [this] {
    VSIFCloseL(file_);
    file_ = nullptr;
  };
  unsigned char head[32];
  if (VSIFReadL(head, 1, sizeof head, file_) != sizeof head) {
    fail();
    return;
  }
  auto u16 = [](const unsigned char* p) { return static_cast<std::size_t>(p[0] | (p[1] << 8)); };
  records_ = static_cast<std::int64_t>(
      static_cast<std::uint32_t>(head[4]) | (static_cast<std::uint32_t>(head[5]) << 8) |
      (static_cast<std::uint32_t>(head[6]) << 16) | (static_cast<std::uint32_t>(head[7]) << 24));
  header_size_ = u16(head + 8);
  record_size_ = u16(head + 10);
  ldid_ = head[29];
  if (header_size_ < 33 || record_size_ < 1) {
    fail();
    return;
  }
  std::vector<unsigned char> descriptors(header_size_ - 32);
  if (VSIFReadL(descriptors.data(), 1, descriptors.size(), file_) != descriptors.size()) {
    fail();
    return;
  }
  std::size_t offset = 1;  // after the deletion flag
  for (std::size_t at = 0; at + 32 <= descriptors.size() && descriptors[at] != 0x0D; at += 32) {
    const unsigned char* d = descriptors.data() + at;
    std::size_t len = 0;
    while (len < 11 && d[len] != 0) ++len;
    names_.emplace_back(reinterpret_cast<const char*>(d), len);
    Field f;
    f.offset = offset;
    f.width = d[16];
    f.text = d[11] == 'C';
    offset += f.width;
    fields_.push_back(f);
  }
  if (offset > record_size_) {
    fail();
    return;
  }
}

DbfText::~DbfText() {
  if (file_ != nullptr) VSIFCloseL(file_);
}

void DbfText::for_each_non_ascii(const std::function<bool(std::int64_t, std::size_t, std::string_view)>& visit) {
  if (file_ == nullptr) return;
  const bool any_text = std::any_of(fields_.begin(), fields_.end(), [](const Field& f) { return f.text; });
  if (!any_text) return;
  const std::size_t per_chunk = std::max<std::size_t>(1, (std::size_t{1} << 20) / record_size_);
  std::string chunk(per_chunk * record_size_, '\0');
  VSIFSeekL(file_, header_size_, SEEK_SET);
  for (std::int64_t first = 0; first < records_;) {
    const std::size_t want =
        static_cast<std::size_t>(std::min<std::int64_t>(records_ - first, static_cast<std::int64_t>(per_chunk)));
    const std::size_t got = VSIFReadL(chunk.data(), record_size_, want, file_);
    for (std::size_t r = 0; r < got; ++r) {
      const std::string_view rec(chunk.data() + r * record_size_, record_size_);
      if (rec[0] == '*') continue;  // deleted
      for (std::size_t k = 0; k < fields_.size(); ++k) {
        const Field& f = fields_[k];
        if (!f.text) continue;
        std::string_view value = rec.substr(f.offset, f.width);
        if (is_ascii(value)) continue;
        while (!value.empty() && (value.back() == ' ' || value.back() == '\0')) value.remove_suffix(1);
        if (!visit(first + static_cast<std::int64_t>(r), k, value)) return;
      }
    }
    if (got < want) return;
    first += static_cast<std::int64_t>(got);
  }
}

}  // namespace carereach::io
