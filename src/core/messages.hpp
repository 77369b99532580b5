#pragma once
// The language of the messages about problems (errors and warnings), and their Chinese wording.
//
// Messages are composed in English where a problem is found; each problem with a stable code (diagnostics.hpp,
// docs/exit-codes.md) has here a Chinese template of its headline and hint, applied when the problem is printed.
// The template's variable parts come from the problem itself: the location (file, layer, feature or row, field)
// is printed in a Chinese frame (文件/图层/要素/字段), and {value} stands for the first value the English message
// quotes ('…'). A message without a code of its own (the scenario reader's key errors, input files, CRS, output
// folders, command-line usage), and a hint that varies, are worded from the phrase catalogue (core/phrases.cpp):
// English patterns with their variable parts, each with its Chinese text. A message neither covers keeps its
// English text in the Chinese frame; a translated message prints its English original too, so no detail is lost
// (docs/cli/README.md).

#include <optional>
#include <string>
#include <utility>
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

/// The Chinese wording of an English message or hint from the phrase catalogue, or nullopt when no pattern of it
/// matches the whole text (every variable part is a value, such as 'x' or a number, or a phrase of the catalogue).
std::optional<std::string> translate_phrase(std::string_view english);
/// Every pattern of the phrase catalogue with its Chinese text, in its order.
std::vector<std::pair<std::string_view, std::string_view>> phrase_catalogue();

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
