#pragma once
// The population surface: persons per cell of the analysis grid. Built by io::load_population
// (docs/method/population.md); every engine reads population through it.

#include <cmath>
#include <cstddef>
#include <vector>

#include "core/grid.hpp"

namespace carereach {

struct PopulationGrid {
  Grid grid;
  /// Persons per cell, row-major as Grid::index; 0 outside the study area. Never negative.
  std::vector<double> persons;

  /// Sum of persons over all cells (compensated summation, so it does not drift on 15 M cells).
  [[nodiscard]] double total() const;
  /// Cells with more than 0 persons.
  [[nodiscard]] std::size_t populated_cells() const;
};

/// Adds values without losing the small ones next to large sums (Neumaier's variant of Kahan summation).
class CompensatedSum {
 public:
  void add(double v) {
    const double t = sum_ + v;
    if (std::abs(sum_) >= std::abs(v)) compensation_ += (sum_ - t) + v;
    else compensation_ += (v - t) + sum_;
    sum_ = t;
  }
  [[nodiscard]] double value() const { return sum_ + compensation_; }

 private:
  double sum_ = 0.0;
  double compensation_ = 0.0;
};

}  // namespace carereach
