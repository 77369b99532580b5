#pragma once
// run.json: what a run read (with checksums), how it was set up, what it found and how long it took.

#include <ctime>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/diagnostics.hpp"
#include "io/load.hpp"

namespace carereach::io {

struct RunInfo {
  std::string command;                     ///< "run"
  std::vector<std::string> arguments;      ///< as given on the command line
  std::string started_at;                  ///< ISO 8601 UTC
  std::string finished_at;
  std::map<std::string, std::string> versions;  ///< carereach and library versions
  std::vector<std::string> outputs;        ///< files written, relative to the output folder
  nlohmann::ordered_json travel;           ///< travel settings and per-standard results (null: none computed)
  nlohmann::ordered_json coverage;         ///< coverage per standard and zone level (null: none computed)
  std::string data_note_zh;                ///< the key findings' sentence on modelled data (empty: none)
  std::string data_note_en;
  nlohmann::ordered_json indicators;       ///< planning indicators per zone (null: none in the scenario)
  nlohmann::ordered_json changes;          ///< what the scenario's [changes] did (null: none)
  nlohmann::ordered_json access_models;    ///< referral, accessibility and Huff summaries (null: none)
  std::vector<StepTiming> timings;         ///< steps after loading (travel times …), appended to timings_s
};

/// The counts of a loaded scenario (zones per level, population, facilities per type, roads) as JSON; the
/// same numbers `validate` prints.
nlohmann::ordered_json scenario_counts(const LoadedScenario& loaded);

/// The whole manifest.
nlohmann::ordered_json make_run_manifest(const LoadedScenario& loaded, const Diagnostics& diag, const RunInfo& info);

/// SOURCE_DATE_EPOCH (seconds since 1970, UTC) when it is set to a number: outputs then carry this time
/// instead of the clock's and no timings, so that the same inputs give the same bytes in every file.
std::optional<std::time_t> source_date_epoch();

/// What run.json says instead of timings when SOURCE_DATE_EPOCH is set.
inline constexpr const char* kTimingsNotRecorded =
    "not recorded: SOURCE_DATE_EPOCH is set, so that the same inputs give the same bytes";

/// Current UTC time as "2026-11-24T13:05:00Z" (SOURCE_DATE_EPOCH's when it is set).
std::string utc_now_iso8601();

}  // namespace carereach::io
