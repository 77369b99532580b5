// escape_html: markup from inputs shows as text, Chinese stays as it is, bad bytes become U+FFFD.

#include <catch2/catch.hpp>

#include <string>

#include "report/html_escape.hpp"

using carereach::report::escape_html;

namespace {
const std::string kFffd = "\xEF\xBF\xBD";  // U+FFFD
}  // namespace

TEST_CASE("a facility name holding markup is escaped to text", "[report][escape]") {
  CHECK(escape_html("<img src=x onerror=alert(1)>") == "&lt;img src=x onerror=alert(1)&gt;");
  CHECK(escape_html("<script>alert('x')</script>") == "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;");
  // Breaking out of a quoted attribute is not possible with either quote.
  CHECK(escape_html("\" onload=\"alert(1)") == "&quot; onload=&quot;alert(1)");
  CHECK(escape_html("' onload='alert(1)") == "&#39; onload=&#39;alert(1)");
  // & is escaped first: an entity in the input shows as written, not as the character it names.
  CHECK(escape_html("A&amp;B &lt;") == "A&amp;amp;B &amp;lt;");
}

TEST_CASE("Chinese and other valid UTF-8 are kept byte for byte", "[report][escape]") {
  CHECK(escape_html("谯城区华佗镇卫生院") == "谯城区华佗镇卫生院");
  CHECK(escape_html("亳州市中医院（东院）") == "亳州市中医院（东院）");
  CHECK(escape_html("芍花路社区卫生服务中心<中医馆>") == "芍花路社区卫生服务中心&lt;中医馆&gt;");
  CHECK(escape_html("São João & Cia — 15 min ≤ T") == "São João &amp; Cia — 15 min ≤ T");
  CHECK(escape_html("𠀀 emoji 🏥") == "𠀀 emoji 🏥");  // 4-byte sequences
  CHECK(escape_html("") == "");
  CHECK(escape_html("tab\tline\nreturn\r") == "tab\tline\nreturn\r");
}

TEST_CASE("invalid UTF-8 becomes U+FFFD, one per bad byte", "[report][escape]") {
  CHECK(escape_html("a\xFF"
                    "b") == "a" + kFffd + "b");
  CHECK(escape_html("\x80") == kFffd);                          // continuation byte without a lead
  CHECK(escape_html("\xE4\xB8") == kFffd + kFffd);              // truncated 中 (E4 B8 AD)
  CHECK(escape_html("\xE4\xB8<") == kFffd + kFffd + "&lt;");    // a truncated sequence never swallows markup
  CHECK(escape_html("\xC0\xBC") == kFffd + kFffd);              // overlong '<'
  CHECK(escape_html("\xE0\x80\xBC") == kFffd + kFffd + kFffd);  // overlong '<' in three bytes
  CHECK(escape_html("\xED\xA0\x80") == kFffd + kFffd + kFffd);  // surrogate U+D800
  CHECK(escape_html("\xF4\x90\x80\x80") == kFffd + kFffd + kFffd + kFffd);  // above U+10FFFF
  CHECK(escape_html("\xC3\xA3\xC3") == "ã" + kFffd);
}

TEST_CASE("characters XML forbids are replaced, so the output is always well-formed", "[report][escape]") {
  CHECK(escape_html(std::string("a\0b", 3)) == "a" + kFffd + "b");
  CHECK(escape_html("\x01\x1F") == kFffd + kFffd);
  CHECK(escape_html("\xEF\xBF\xBE\xEF\xBF\xBF") == kFffd + kFffd);  // U+FFFE, U+FFFF
  CHECK(escape_html("\xEF\xBF\xBD") == kFffd);                      // U+FFFD itself is kept
}
