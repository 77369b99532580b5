// Small text helpers of core.

#include <catch2/catch.hpp>

#include "core/text.hpp"

TEST_CASE("xml_escape: the five XML specials and line feeds; Chinese text kept", "[text]") {
  CHECK(carereach::xml_escape("a&b<c>d\"e'f") == "a&amp;b&lt;c&gt;d&quot;e&apos;f");
  CHECK(carereach::xml_escape("覆盖人口\n（人）") == "覆盖人口&#xa;（人）");
  CHECK(carereach::xml_escape("") == "");
}
