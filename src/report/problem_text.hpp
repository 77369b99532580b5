#pragma once
// Problems in the reader's language. Problem messages are English, with their details (counts, ids, values), as
// run.json keeps them; a Chinese report shows instead, for every problem code, a Chinese kind (the heading in 【】)
// and one Chinese sentence saying what is wrong and what to do, followed by where (file, row, field) in Chinese.
// Every "…"_code literal in src/ has an entry: tests/report/test_problem_text.cpp reads the sources and fails for a
// code without one, so a Chinese report never falls back to the English message.

#include <span>
#include <string>
#include <string_view>

#include "core/diagnostics.hpp"
#include "core/error.hpp"

namespace carereach::report {

struct ProblemText {
  std::string_view code;         ///< "facility.outside_study_area"
  std::string_view kind_zh;      ///< 机构位于研究区域外
  std::string_view sentence_zh;  ///< a whole sentence with its full stop: what is wrong, what it means, what to do
};

/// Every entry, sorted by code.
std::span<const ProblemText> problem_texts_zh();

/// The entry of a code, or nullptr when it has none.
const ProblemText* problem_text_zh(std::string_view code);

/// Where a problem is, in Chinese: "文件 facilities.csv，第 12 行，字段 经度" (the parts that are set: file, line of a
/// text file, layer, row or feature, field); empty when no part is set.
std::string location_zh(const Location& where);

/// A problem as a Chinese report lists it: "【kind】sentence（位置：…）". A code without an entry (which the test
/// above rules out) shows the English message after its code.
std::string describe_zh(const Problem& p);

}  // namespace carereach::report
