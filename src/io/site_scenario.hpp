#pragma once
// The scenario a siting result is written as (carereach site): the scenario siting started from, with the chosen
// sites added to its [changes], so that `carereach run` and `compare` take the decision like any other scenario.

#include <filesystem>
#include <string>
#include <vector>

#include "io/scenario.hpp"

namespace carereach::io {

/// The text of `scenario`'s file with `extra` appended to its [changes] (upgrade and add entries after its own;
/// labels replaced when `extra` gives them) and every relative input path rewritten to be relative to `folder`,
/// where the new file is to live. `header` lines are written first as TOML comments. Comments and key order of
/// the original are not kept (the values are). Throws ScenarioError when the scenario file no longer parses.
std::string scenario_with_changes(const Scenario& scenario, const ScenarioChanges& extra,
                                  const std::filesystem::path& folder, const std::vector<std::string>& header);

}  // namespace carereach::io
