#pragma once
// A monotone bucket queue for the grid search: cells are kept in buckets of equal width in seconds, in a circular
// window of 2^k buckets; a key beyond the window waits in an overflow list until the window reaches it. The search
// takes a whole bucket at a time (lowest first) and may push into the bucket it is working on; it stays exact
// whatever the width, because a cell improved after its expansion is queued and expanded again (label correction).
// With a width no larger than the cheapest step this is Dial's algorithm and every cell is expanded once.
// Internal to the raster engine.

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <utility>
#include <vector>

namespace carereach::raster {

class BucketQueue {
 public:
  static constexpr std::uint64_t kEmpty = std::numeric_limits<std::uint64_t>::max();

  /// The number of buckets (a power of two, at least 2) that covers keys up to `span_s` beyond the current one.
  static std::size_t window_for(double width_s, double span_s) {
    double need = std::ceil(span_s / width_s) + 2.0;
    if (!(need >= 2.0)) need = 2.0;
    std::size_t n = 2;
    while (static_cast<double>(n) < need && n < (std::size_t{1} << 20U)) n <<= 1U;
    return n;
  }

  BucketQueue() = default;
  BucketQueue(double width_s, std::size_t buckets) : inv_width_(1.0 / width_s), mask_(buckets - 1), buckets_(buckets) {}

  void push(std::uint32_t cell, double key_s) {
    std::uint64_t b = bucket_of(key_s);
    if (b < current_) b = current_;  // never before the bucket being worked on (rounding)
    if (b - current_ <= mask_) {
      buckets_[b & mask_].push_back(cell);
      ++in_window_;
      peak_ = std::max(peak_, in_window_);
    } else {
      overflow_.emplace_back(b, cell);
    }
  }

  /// Index of the lowest bucket holding a cell; kEmpty when there is none.
  [[nodiscard]] std::uint64_t lowest() const {
    if (in_window_ > 0) {
      for (std::uint64_t i = 0; i <= mask_; ++i) {
        if (!buckets_[(current_ + i) & mask_].empty()) return current_ + i;
      }
    }
    std::uint64_t low = kEmpty;
    for (const auto& e : overflow_) low = std::min(low, e.first);
    return low;
  }

  /// Moves the window to start at bucket b (no cell may wait below b) and takes in what now fits.
  void advance_to(std::uint64_t b) {
    if (b <= current_) return;
    current_ = b;
    if (overflow_.empty()) return;
    std::size_t kept = 0;
    for (const auto& e : overflow_) {
      if (e.first - current_ <= mask_) {
        buckets_[e.first & mask_].push_back(e.second);
        ++in_window_;
      } else {
        overflow_[kept++] = e;
      }
    }
    overflow_.resize(kept);
    peak_ = std::max(peak_, in_window_);
  }

  /// Moves the cells of bucket b (the lowest, see lowest()) into `batch`, replacing its contents. Cells pushed
  /// into bucket b afterwards wait for the next take.
  void take(std::uint64_t b, std::vector<std::uint32_t>& batch) {
    advance_to(b);
    std::vector<std::uint32_t>& bucket = buckets_[b & mask_];
    batch.clear();
    batch.swap(bucket);
    in_window_ -= batch.size();
  }

  /// Whether two keys fall into the same bucket.
  [[nodiscard]] bool same_bucket(double a_s, double b_s) const { return bucket_of(a_s) == bucket_of(b_s); }

  [[nodiscard]] std::size_t peak_memory_bytes() const {
    std::size_t bytes = buckets_.capacity() * sizeof(std::vector<std::uint32_t>);
    for (const auto& b : buckets_) bytes += b.capacity() * sizeof(std::uint32_t);
    return bytes + overflow_.capacity() * sizeof(std::pair<std::uint64_t, std::uint32_t>);
  }

 private:
  [[nodiscard]] std::uint64_t bucket_of(double key_s) const {
    const double b = key_s * inv_width_;
    constexpr double kLargest = 9.0e18;
    return b < kLargest ? static_cast<std::uint64_t>(b) : static_cast<std::uint64_t>(kLargest);
  }

  double inv_width_ = 1.0;
  std::uint64_t mask_ = 0;
  std::vector<std::vector<std::uint32_t>> buckets_;
  std::vector<std::pair<std::uint64_t, std::uint32_t>> overflow_;
  std::uint64_t current_ = 0;
  std::size_t in_window_ = 0;
  std::size_t peak_ = 0;
};

}  // namespace carereach::raster
