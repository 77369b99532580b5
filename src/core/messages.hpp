#pragma once
// The language of the messages about problems (errors and warnings), and their Chinese wording.
//
// Messages are composed in English where a problem is found; each problem with a stable code (diagnostics.hpp,
// docs/exit-codes.md) has here a Chinese template of its headline and hint, applied when the problem is printed.
// The template's variable parts come from the problem itself: the location (file, layer, feature or row, field)
// is printed in a Chinese frame (文件/图层/要素/字段), and {value} stands for the first value the English message
// quotes ('…'). A code without a template, and an error without a code, keep the English message in the
// Chinese frame; the English message is always printed too, so no detail is lost (docs/cli/README.md).

#include <string>
#include <string_view>
#include <vector>

#include "core/error.hpp"

namespace carereach {

enum class MessageLang { kEn, kZh };

/// The message language from the locale variables' values: the first set of LC_ALL, LC_MESSAGES, LANG decides;
/// Chinese when it starts with "zh", English otherwise (also when none is set).
MessageLang message_lang_from_locale(const char* lc_all, const char* lc_messages, const char* lang);

/// The Chinese template of a problem code: its headline (may hold {value}) and its hint (may be empty).
struct ZhTemplate {
  std::string_view code;
  std::string_view headline;
  std::string_view hint;
};

/// The template of the code, or nullptr when the catalogue has none.
const ZhTemplate* zh_template(std::string_view code);
/// Every code of the catalogue, in its order.
std::vector<std::string_view> zh_template_codes();

/// The first value the English message quotes: the text between a "'" and the next "'" that ends a word
/// (followed by a space, a punctuation mark or the end). Empty when it quotes none.
std::string quoted_value(const std::string& message);

/// The location in a Chinese frame: "文件 facilities.csv，第 16 行，图层「x」，第 8 行，字段「经度」" (the parts that
/// are set; "row N" as 第 N 行, "feature N" and ids as 要素 N).
std::string describe_location_zh(const Location& where);

/// A problem's text in a language: the headline (with the location before it), the hint, and whether a
/// template translated it. For kEn, and for a code without a template, the headline is the English message.
struct LocalisedMessage {
  std::string headline;  ///< "<where>: <message>" (kEn) or "<位置>：<标题>" (kZh)
  std::string message;   ///< the headline without the location
  std::string hint;
  bool translated = false;
};
LocalisedMessage localise(std::string_view code, const std::string& message, const Location& where,
                          const std::string& hint, MessageLang lang);

}  // namespace carereach
