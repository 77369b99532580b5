#pragma once
// `carereach site` as a library call: facility siting — which candidate sites to open (or existing facilities to
// upgrade) so that more of the population is within a time standard's threshold (docs/cli/site.md,
// docs/method/siting.md). Writes sites.gpkg, tables/coverage_curve.csv, tables/sites_<level>.csv, scenario.toml
// (the result as [changes]), report.md, report.html, appendix.xlsx and site.json into a temporary folder beside the
// output folder, renamed when complete. Problems are carereach::Error exceptions; warnings are in the result's Diagnostics (and in site.json).

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "core/diagnostics.hpp"
#include "core/standard.hpp"
#include "pipeline/observer.hpp"
#include "report/table.hpp"

namespace carereach::pipeline {

/// The options of `carereach site`, in the command line's notation (docs/cli/site.md).
struct SiteConfig {
  std::string scenario;               ///< the scenario file (.toml)
  std::string standard;               ///< id of the time standard to improve
  std::uint32_t budget = 0;           ///< maximal covering: at most this many new sites (0: not this objective)
  double target_share = -1.0;         ///< the fewest sites for this share (0–1); negative: the standard's target
  std::string candidates;             ///< "existing:<types or tags>", "layer:<point file>" or "grid:<spacing m>"
  std::string tags;                   ///< tags of the upgraded or new sites, comma-separated (empty: the standard's first)
  std::string new_type;               ///< facility type of new sites (empty: the standard's first type)
  std::string per_zone;               ///< "LEVEL:K": at least K facilities of the standard in every zone of LEVEL
  std::string method = "auto";        ///< "greedy", "exact" or "auto"
  double time_limit_s = 60.0;         ///< the solver's time limit
  double gap = 0.0;                   ///< the relative optimality gap accepted (0–0.5; 0: prove optimality)
  std::string closable;               ///< "existing:<types or tags>" or "ids:<ids>": facilities the model may close
  std::string capacity;               ///< persons one site serves at most, as written ("": not given)
  std::string capacity_field;         ///< facility attribute of existing sites' capacity (beds …)
  std::string persons_per_unit;       ///< persons per unit of capacity_field, as written ("": 1)
  std::filesystem::path out;          ///< the output folder
  bool overwrite = false;             ///< replace the output folder if carereach wrote it, unchanged
  report::Lang lang = report::Lang::kZh;
};

/// One chosen site, in the order of the coverage curve.
struct ChosenSite {
  std::string id;                     ///< the facility's id (upgrade) or the candidate's ("site-…")
  std::string name;
  bool upgrade = false;
  std::int64_t gain_persons = 0;      ///< published whole persons it adds
  std::int64_t covered_persons = 0;   ///< published persons covered with it and the sites before it
};

struct SiteResult {
  std::filesystem::path folder;       ///< the output folder, as given
  Standard standard;
  bool budget_objective = false;      ///< maximal covering (budget) rather than a target share
  std::uint32_t budget = 0;
  double target_share = 0.0;
  bool target_reached = false;
  double share_before = 0.0;          ///< published share covered by the existing facilities
  double share_after = 0.0;           ///< with the chosen sites
  std::int64_t persons_total = 0;     ///< published persons of the study area (the coverage curve's figures)
  std::int64_t persons_covered_before = 0;
  std::int64_t persons_covered_after = 0;
  std::string method;                 ///< how it was solved, with the gap or bound (English)
  std::vector<ChosenSite> sites;
  std::vector<ChosenSite> closed;     ///< existing facilities closed (gain_persons: minus the persons lost)
  Diagnostics diagnostics;            ///< the warnings
};

SiteResult site_facilities(const SiteConfig& config, RunObserver& observer);

}  // namespace carereach::pipeline
