#pragma once
// The Huff model of where residents seek care (Huff 1963): the probability that a resident of cell i visits
// facility j is A_j f(t_ij) / Σ_k A_k f(t_ik) over the facilities within the search limit, with A_j the facility's
// attractiveness and f a distance decay. Per zone (county) the modelled share of its residents' visits that stay in
// the zone: the modelled counterpart of 县域就诊率. Pure: plain inputs, plain results. docs/method/huff.md.

#include <cstdint>
#include <optional>
#include <span>
#include <vector>

#include "analysis/reach.hpp"

namespace carereach::analysis {

enum class HuffDecay {
  kExponential,  ///< f(t) = exp(−β t), t in minutes
  kPower,        ///< f(t) = max(t, 1 min)^(−β)
};

/// f(t) of the decay with parameter beta.
double huff_decay(HuffDecay decay, double beta, double minutes);

/// The model's inputs gathered per cell once (calibration evaluates many parameters on the same inputs).
struct HuffInputs {
  struct Entry {
    std::uint32_t facility;
    float minutes;
  };
  std::size_t zones = 0;
  std::vector<double> attractiveness;        ///< per facility
  std::vector<std::uint32_t> facility_zone;  ///< per facility: its zone or kNoZone
  std::vector<double> cell_persons;          ///< per listed cell (a populated cell of a zone some facility reaches)
  std::vector<std::uint32_t> cell_zone;      ///< per listed cell
  std::vector<std::size_t> first;            ///< per listed cell, its first entry; one more at the end
  std::vector<Entry> entries;                ///< the facilities of attractiveness > 0 reaching each listed cell
  std::vector<double> zone_population;       ///< residents per zone (reached or not)
};

/// reaches[j]: what facility j reaches within the search limit; attractiveness[j] ≥ 0; persons and zone_of_cell
/// per grid cell; facility_zone[j]: the zone facility j lies in, or kNoZone (outside every zone). Throws
/// std::invalid_argument when the sizes disagree or an attractiveness is negative.
HuffInputs prepare_huff(std::span<const FacilityReach> reaches, std::span<const double> attractiveness,
                        std::span<const double> persons, std::span<const std::uint32_t> zone_of_cell,
                        std::span<const std::uint32_t> facility_zone, std::size_t zones);

struct HuffResult {
  std::vector<double> visits;  ///< per facility: the residents expected to choose it, Σ_i P_i p_ij
  /// flows[z][d]: residents of zone z expected to visit a facility of zone d; d = zones: a facility in no zone.
  std::vector<std::vector<double>> flows;
  std::vector<double> population;          ///< per zone: residents
  std::vector<double> reached_population;  ///< per zone: residents with a facility of attractiveness > 0 in reach
  std::vector<std::optional<double>> stay_share;  ///< per zone: flows[z][z] / reached_population[z]
};

HuffResult huff(const HuffInputs& in, HuffDecay decay, double beta);

struct HuffFit {
  double beta = 0.0;
  double sse = 0.0;                              ///< Σ over zones with an observed rate of (modelled − observed)²
  std::vector<std::optional<double>> modelled;   ///< per zone, at the fitted beta
  std::vector<std::optional<double>> residuals;  ///< per zone: modelled − observed (empty where not observed)
  std::size_t zones_used = 0;                    ///< zones with both an observed and a modelled rate
};

/// The beta in [beta_lo, beta_hi] minimising the squared error between the modelled stay shares and the observed
/// rates (per zone; nullopt: not observed): a scan of 41 log-spaced values, then a golden-section search between
/// the neighbours of the best one. Throws std::invalid_argument when no zone has both an observed and a modelled
/// rate, or the range is not 0 < lo < hi.
HuffFit calibrate_huff(const HuffInputs& in, HuffDecay decay, std::span<const std::optional<double>> observed,
                       double beta_lo, double beta_hi);

}  // namespace carereach::analysis
