#pragma once
// Seeded randomness for the synthetic generator. Everything is derived from (seed, stream, counter) with the
// SplitMix64 finaliser, never from std::*_distribution (whose output differs between standard libraries), so the
// same seed gives the same bytes on every platform and in any evaluation order.

#include <cmath>
#include <cstdint>

namespace carereach::synthetic {

/// Streams keep the draws of the different parts of the generator independent: adding a draw to one part does
/// not shift the numbers of the others.
enum class Stream : std::uint64_t {
  kCountySeats = 1,
  kTownships,
  kVillages,
  kCountyWarp,
  kPartitionSeeds,
  kSettlementSizes,
  kRuralNoise,
  kRuralField,
  kNames,
  kFacilities,
  kLatticeJitter,
  kLatticeKeep,
  kLatticeTree,
  kLatticeClass,
  kLatticeShape,
  kArterialShape,
};

constexpr std::uint64_t mix64(std::uint64_t z) {
  z += 0x9E3779B97F4A7C15ULL;
  z = (z ^ (z >> 30U)) * 0xBF58476D1CE4E5B9ULL;
  z = (z ^ (z >> 27U)) * 0x94D049BB133111EBULL;
  return z ^ (z >> 31U);
}

/// A 64-bit value that depends only on (seed, stream, counter).
constexpr std::uint64_t hash64(std::uint64_t seed, Stream stream, std::uint64_t counter) {
  return mix64(mix64(mix64(seed) ^ static_cast<std::uint64_t>(stream)) ^ counter);
}

/// Uniform in [0, 1) from the top 53 bits.
constexpr double to_unit(std::uint64_t bits) {
  return static_cast<double>(bits >> 11U) * 0x1.0p-53;
}

/// Uniform in [0, 1) for (seed, stream, counter).
constexpr double hash_unit(std::uint64_t seed, Stream stream, std::uint64_t counter) {
  return to_unit(hash64(seed, stream, counter));
}

/// A sequential generator for one stream (SplitMix64).
class Rng {
 public:
  Rng(std::uint64_t seed, Stream stream) : state_(hash64(seed, stream, 0)) {}
  std::uint64_t next() {
    state_ += 0x9E3779B97F4A7C15ULL;
    return mix64(state_);
  }
  double unit() { return to_unit(next()); }
  double uniform(double lo, double hi) { return lo + (hi - lo) * unit(); }
  /// Uniform integer in [0, n) (n > 0; the bias of the modulo is below 2^-40 for the n used here).
  std::uint64_t below(std::uint64_t n) { return next() % n; }

 private:
  std::uint64_t state_;
};

/// Smooth value noise in [-1, 1]: seeded values on a square lattice of `wavelength_m`, blended with a smoothstep.
class ValueNoise {
 public:
  ValueNoise(std::uint64_t seed, Stream stream, std::uint64_t layer, double wavelength_m)
      : seed_(hash64(seed, stream, layer)), wavelength_m_(wavelength_m) {}

  [[nodiscard]] double at(double x_m, double y_m) const {
    const double gx = x_m / wavelength_m_;
    const double gy = y_m / wavelength_m_;
    const double fx = std::floor(gx);
    const double fy = std::floor(gy);
    const auto ix = static_cast<std::int64_t>(fx);
    const auto iy = static_cast<std::int64_t>(fy);
    const double tx = smooth(gx - fx);
    const double ty = smooth(gy - fy);
    const double v00 = corner(ix, iy), v10 = corner(ix + 1, iy);
    const double v01 = corner(ix, iy + 1), v11 = corner(ix + 1, iy + 1);
    const double top = v00 + (v10 - v00) * tx;
    const double bottom = v01 + (v11 - v01) * tx;
    return top + (bottom - top) * ty;
  }

 private:
  static double smooth(double t) { return t * t * (3.0 - 2.0 * t); }
  [[nodiscard]] double corner(std::int64_t ix, std::int64_t iy) const {
    const auto key = (static_cast<std::uint64_t>(ix) * 0x100000001B3ULL) ^ static_cast<std::uint64_t>(iy);
    return 2.0 * to_unit(mix64(seed_ ^ mix64(key))) - 1.0;
  }

  std::uint64_t seed_;
  double wavelength_m_;
};

}  // namespace carereach::synthetic
