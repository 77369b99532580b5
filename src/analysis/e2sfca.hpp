#pragma once
// The enhanced two-step floating catchment area method (E2SFCA, Luo & Qi 2009; Gaussian decay after Dai 2010): the
// supply-to-demand ratio of each facility and the accessibility of each populated cell, from what each facility
// reaches by itself (analysis/reach.hpp). Pure: plain inputs, plain results. docs/method/accessibility.md.

#include <cstdint>
#include <span>
#include <vector>

#include "analysis/reach.hpp"

namespace carereach::analysis {

enum class DecayKind {
  kStep,      ///< a weight per time band (bands_min ascending; weights between 0 and 1)
  kGaussian,  ///< (exp(-½ (t/t0)²) − exp(-½)) / (1 − exp(-½)) for t ≤ t0, 0 beyond (Dai 2010)
};

struct E2sfcaDecay {
  DecayKind kind = DecayKind::kStep;
  std::vector<double> bands_min;  ///< kStep: upper bound of each band, minutes, ascending (t ≤ bound)
  std::vector<double> weights;    ///< kStep: one weight per band
  double t0_min = 30.0;           ///< kGaussian: the catchment size, minutes

  /// The weight of a travel time (0 beyond the last band, or beyond t0).
  [[nodiscard]] double weight(double minutes) const;
  /// The largest time with a weight above 0: the reach limit to compute.
  [[nodiscard]] double limit_min() const;
};

struct E2sfcaResult {
  /// Per facility (aligned with the reach lists): its supply, the weighted population of its catchment
  /// Σ_k P_k W(t_kj), and the ratio R_j = S_j / that (0 when the catchment holds nobody: `reaches_nobody`).
  std::vector<double> supply;
  std::vector<double> demand;
  std::vector<double> ratio;
  std::vector<bool> reaches_nobody;
  /// Per grid cell: A_i = Σ_j R_j W(t_ij), supply per person (0 where no facility reaches).
  std::vector<double> accessibility;
  /// Σ_i P_i A_i, and Σ_j S_j over the facilities that reach someone: equal up to rounding (the conservation
  /// property of the method).
  double population_weighted_total = 0.0;
  double supply_reaching_population = 0.0;
};

/// reaches[j]: what facility j reaches (cells and minutes); supply[j] its supply (≥ 0); persons: per grid cell.
/// Throws std::invalid_argument when the sizes disagree or a supply is negative.
E2sfcaResult e2sfca(std::span<const FacilityReach> reaches, std::span<const double> supply,
                    std::span<const double> persons, const E2sfcaDecay& decay);

/// Population-weighted mean accessibility per zone: Σ_{i in z} P_i A_i / Σ_{i in z} P_i (0 for a zone without
/// residents). zone_of_cell: per cell its zone or kNoZone (analysis/coverage.hpp).
std::vector<double> zone_accessibility(std::span<const double> accessibility, std::span<const double> persons,
                                       std::span<const std::uint32_t> zone_of_cell, std::size_t zones);

}  // namespace carereach::analysis
