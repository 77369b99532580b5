// The text check of everything that goes from an input into the outputs (output_text_fault), and the CSV formula
// guard (formula_safe). Expected verdicts are worked out by hand from the rules: UTF-8 (RFC 3629), the characters
// XML 1.0 allows, the 4,000-character limit counted in UTF-16 units, OWASP's list of formula starts.

#include <catch2/catch.hpp>

#include <string>

#include "core/text.hpp"

using carereach::formula_safe;
using carereach::is_excel_escape;
using carereach::output_text_fault;
using carereach::TextFault;

TEST_CASE("ordinary names pass", "[text][output-text]") {
  for (const char* s : {"", "甲镇卫生院", "A&B <x> \"q\" 'a'", "tab\there", "two\nlines\r\n", "emoji 🏥"})
    CHECK_FALSE(output_text_fault(s));
}

TEST_CASE("bytes that are not UTF-8", "[text][output-text]") {
  struct Case {
    std::string text;
    std::size_t byte;  // 1-based position named in the message
  };
  const Case cases[] = {
      {"\xFF", 1},                  // never in UTF-8
      {"ab\x80", 3},                // a continuation byte without a lead
      {"\xC0\xAF", 1},              // overlong "/"
      {"x\xED\xA0\x80", 2},         // a surrogate (U+D800)
      {"\xF4\x90\x80\x80", 1},      // above U+10FFFF
      {"中\xE4\xB8", 4},            // truncated at the end
      {"\xB9\xE3\xD6\xDD", 1},      // 广州 in GBK
  };
  for (const auto& c : cases) {
    const TextFault f = output_text_fault(c.text);
    INFO(c.text);
    CHECK(f.kind == TextFault::kNotUtf8);
    CHECK(std::string(f.code()) == "text.not_utf8");
    CHECK_THAT(f.message, Catch::Contains("byte " + std::to_string(c.byte) + " of"));
  }
}

TEST_CASE("control characters XML cannot carry", "[text][output-text]") {
  const TextFault nul = output_text_fault(std::string("甲\0乙", 7));
  CHECK(nul.kind == TextFault::kControl);
  CHECK(std::string(nul.code()) == "text.control_character");
  CHECK_THAT(nul.message, Catch::Contains("U+0000 at character 2"));
  CHECK_THAT(output_text_fault("a\x1F").message, Catch::Contains("U+001F at character 2"));
  CHECK_THAT(output_text_fault("\x0B").message, Catch::Contains("U+000B"));  // vertical tab
  CHECK_THAT(output_text_fault("x\xEF\xBF\xBF").message, Catch::Contains("U+FFFF"));
  CHECK_THAT(output_text_fault("\xEF\xBF\xBE").message, Catch::Contains("U+FFFE"));
  // DEL and C1 controls are allowed in XML 1.0.
  CHECK_FALSE(output_text_fault("\x7F\xC2\x85"));
}

TEST_CASE("at most 4,000 characters, counted as Excel counts them", "[text][output-text]") {
  CHECK_FALSE(output_text_fault(std::string(4000, 'a')));
  const TextFault f = output_text_fault(std::string(4001, 'a'));
  CHECK(f.kind == TextFault::kTooLong);
  CHECK(std::string(f.code()) == "text.too_long");
  CHECK_THAT(f.message, Catch::Contains("4001"));
  // A Chinese character is one unit however many bytes it has (3 in UTF-8).
  std::string zh;
  for (int i = 0; i < 4000; ++i) zh += "中";
  CHECK_FALSE(output_text_fault(zh));
  CHECK(output_text_fault(zh + "中").kind == TextFault::kTooLong);
  // A character beyond U+FFFF is two UTF-16 units: 2,000 of them fill the limit.
  std::string astral;
  for (int i = 0; i < 2000; ++i) astral += "\xF0\x9F\x8F\xA5";  // U+1F3E5
  CHECK_FALSE(output_text_fault(astral));
  CHECK(output_text_fault(astral + "a").kind == TextFault::kTooLong);
  // "_x0041_" is stored as "_x005F_x0041_" (13 units) so that Excel shows it as written: 307 of them are 3,991
  // units, 308 are 4,004.
  std::string escapes;
  for (int i = 0; i < 307; ++i) escapes += "_x0041_";
  CHECK_FALSE(output_text_fault(escapes));
  CHECK(output_text_fault(escapes + "_x0041_").kind == TextFault::kTooLong);
}

TEST_CASE("is_excel_escape: _x, four hex digits, _", "[text][output-text]") {
  CHECK(is_excel_escape("_x0041_", 0));
  CHECK(is_excel_escape("a_xBEEF_", 1));
  CHECK(is_excel_escape("_xbeef_", 0));
  CHECK_FALSE(is_excel_escape("_x004_", 0));
  CHECK_FALSE(is_excel_escape("_x00G1_", 0));
  CHECK_FALSE(is_excel_escape("_X0041_", 0));
  CHECK_FALSE(is_excel_escape("_x0041", 0));
}

TEST_CASE("formula_safe: a leading apostrophe for texts a spreadsheet would run", "[text][csv]") {
  CHECK(formula_safe("=HYPERLINK(\"http://x\",\"y\")") == "'=HYPERLINK(\"http://x\",\"y\")");
  CHECK(formula_safe("-1+2") == "'-1+2");
  CHECK(formula_safe("+86 555") == "'+86 555");
  CHECK(formula_safe("@SUM(A1)") == "'@SUM(A1)");
  CHECK(formula_safe("\t=1") == "'\t=1");
  CHECK(formula_safe("\r=1") == "'\r=1");
  // Anything else is unchanged: an equals sign inside, Chinese, an empty text, a full-width equals sign.
  for (const char* s : {"a=b", "甲镇卫生院", "", "＝1", "'quoted"}) CHECK(formula_safe(s) == s);
}

TEST_CASE("valid_utf8: each byte that is not UTF-8 becomes U+FFFD", "[text][output-text]") {
  CHECK(carereach::valid_utf8("甲镇 ok") == "甲镇 ok");
  CHECK(carereach::valid_utf8("a\xFF" "b") == "a\xEF\xBF\xBD" "b");
  CHECK(carereach::valid_utf8("\xE4\xB8") == "\xEF\xBF\xBD\xEF\xBF\xBD");  // a truncated 中: two bytes, two marks
  CHECK_FALSE(output_text_fault(carereach::valid_utf8("\xC0\xAF\xED\xA0\x80")));
}
