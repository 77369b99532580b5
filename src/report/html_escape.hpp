#pragma once
// Escaping of text for HTML and SVG (text content and quoted attribute values alike). Every text that comes from
// inputs — facility and zone names, scenario titles, legend labels, file names — goes through escape_html before
// it is written into report.html or an SVG map, so that a name like `<img src=x onerror=alert(1)>` shows as text.

#include <string>
#include <string_view>

namespace carereach::report {

/// `text` with & < > " ' replaced by &amp; &lt; &gt; &quot; &#39;. Valid UTF-8 is kept byte for byte (Chinese
/// stays Chinese, not numeric references). Replaced by U+FFFD (one per bad byte): bytes that do not form valid
/// UTF-8 (stray continuation bytes, truncated sequences, overlong forms, surrogates, code points above U+10FFFF),
/// and code points XML 1.0 forbids even as references — C0 controls other than tab, LF and CR, and U+FFFE/U+FFFF —
/// so the result is always well-formed XML and valid HTML text. Safe inside text content and inside attribute
/// values quoted with " or '.
std::string escape_html(std::string_view text);

}  // namespace carereach::report
