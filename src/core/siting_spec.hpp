#pragma once
// A facility siting ([siting.<id>] in a scenario, or the options of `carereach site`; docs/scenario.md,
// docs/method/siting.md): on which time standard, from which candidates, with which objective and method.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace carereach {

/// What the candidates are: existing facilities to upgrade, points of a layer, or populated cells on a sub-grid.
struct SitingCandidates {
  enum class Kind { kExisting, kLayer, kGrid } kind = Kind::kExisting;
  std::vector<std::string> selector;  ///< existing: facility types or tags (any matches)
  std::string file;                   ///< layer: the point file (as written)
  std::string path;                   ///< layer: the file to open (relative to the scenario's folder when read from one)
  double spacing_m = 0.0;             ///< grid: block size in metres
  std::string text;                   ///< as written: "existing:村卫生室"
};

/// The existing facilities a siting may close (docs/method/siting.md, "Closures"): those of the standard's facilities
/// matching a type or tag, or given by id.
struct SitingClosable {
  std::vector<std::string> selector;  ///< existing: facility types or tags (any matches)
  std::vector<std::string> ids;       ///< ids: facility ids (as in the facility layer)
  std::string text;                   ///< as written: "existing:乡镇卫生院", "ids:F1,F2"; "" when none
  [[nodiscard]] bool empty() const { return text.empty(); }
};

/// Parses "existing:<types or tags>" or "ids:<facility ids, comma-separated>". Returns "" when valid.
std::string parse_siting_closable(const std::string& text, SitingClosable& out);

/// Parses "existing:<types or tags>", "layer:<file>" or "grid:<metres>". Returns "" when valid, otherwise what is
/// wrong (English).
std::string parse_siting_candidates(const std::string& text, SitingCandidates& out);

/// Parses a per-zone minimum "LEVEL:K" (K from 1 to 1000). Returns "" when valid.
std::string parse_siting_per_zone(const std::string& text, std::string& level, std::uint32_t& k);

struct SitingSpec {
  std::string id;       ///< [siting.<id>]; "site" for the command
  std::string name_zh;  ///< default: the standard's name + 选址方案
  std::string name_en;
  std::string standard;  ///< a time standard's id
  SitingCandidates candidates;
  std::vector<std::string> tags;  ///< tags the sites get (taxonomy ids; empty: the standard's first tag)
  std::string new_type;           ///< facility type of new sites (layer, grid); empty: the standard's first type
  std::uint32_t budget = 0;       ///< > 0: maximal covering with at most this many new sites
  std::optional<double> target_share;  ///< without a budget: the fewest sites for this share (default the standard's)
  std::string per_zone_level;     ///< per-zone minimum: at least per_zone_min facilities of the standard in each zone
  std::uint32_t per_zone_min = 0;
  std::string method = "auto";    ///< greedy, exact, auto
  double time_limit_s = 60.0;
  double accept_gap = 0.0;        ///< relative optimality gap accepted (analysis::SitingOptions::accept_gap); site --gap
  SitingClosable closable;        ///< existing facilities of the standard the model may close (empty: none)
  /// Capacities (persons one site serves at most): every site `capacity`, or for existing facilities (upgrades,
  /// closable ones) their attribute `capacity_field` × persons_per_unit, `capacity` for the others. Neither: none.
  std::optional<double> capacity;
  std::string capacity_field;
  double persons_per_unit = 1.0;
  [[nodiscard]] bool capacitated() const { return capacity.has_value() || !capacity_field.empty(); }
  bool from_cli = false;  ///< messages name the command's options (--budget) rather than the scenario's keys
  int line = 0;           ///< line of [siting.<id>]
};

}  // namespace carereach
