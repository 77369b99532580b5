#pragma once
// Memory before work: how much memory a run of a scenario needs, estimated from the grid, the roads, the raster
// inputs and the standards before anything large is allocated, against the memory this process can have. A
// scenario that asks for more is refused with the estimate, the memory available and what to change — instead
// of running for minutes and dying out of memory (docs/performance.md, "Memory before work").

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "core/coded_error.hpp"
#include "core/diagnostics.hpp"
#include "core/error.hpp"
#include "io/scenario.hpp"

namespace carereach::io {

/// An Error with a stable code for Diagnostics: `validate` records it under that code (Loader::guarded). A
/// carereach::CodedError, so that the command line names the code in --json and words it in Chinese.
class CodedError : public carereach::CodedError {
 public:
  CodedError(ExitCode kind, ProblemCode code, std::string what, Location where, std::string hint)
      : carereach::CodedError(kind, code.str(), std::move(what), std::move(where), std::move(hint)), code_(code) {}
  [[nodiscard]] ProblemCode code() const { return code_; }
  [[nodiscard]] Problem problem() const { return {Severity::kError, exit_code(), code_, message(), where(), hint()}; }

 private:
  ProblemCode code_;
};

/// The memory this process can have: the smallest of MemAvailable (/proc/meminfo), the cgroup limit of the
/// process (memory.max of its cgroup and of the cgroups above it, minus what the cgroup already uses) and
/// `ulimit -v`. The environment variable CAREREACH_MEMORY_AVAILABLE_MB replaces all of them (for tests, or to
/// tell carereach what it may use).
struct MemoryAvailable {
  std::uint64_t bytes = 0;
  std::string source;  ///< "MemAvailable", "cgroup memory.max", "ulimit -v", "CAREREACH_MEMORY_AVAILABLE_MB"
};
MemoryAvailable memory_available();

/// What a run needs, by part.
struct MemoryEstimate {
  std::uint64_t bytes = 0;
  double cells = 0;
  double area_cells = 0;  ///< of them in the study area (estimated from its area)
  double width_m = 0, height_m = 0, cell_size_m = 0;
  std::uint64_t road_nodes = 0;  ///< upper estimate from the roads file's size
  std::uint64_t road_file_bytes = 0;
  std::size_t network_modes = 0;  ///< distinct modes of the network-engine standards (computed)
  bool raster_engine = false;
  std::vector<std::pair<std::string, std::uint64_t>> parts;  ///< "grid", "roads", "rasters", "base"
};

/// The memory of `carereach run` on the scenario with a grid of `cells` cells over width × height metres, of
/// which the study area covers `area_share` (its area over the rectangle's). `standards`: the ids of the
/// standards that will be computed (empty: all of them).
MemoryEstimate estimate_run_memory(const Scenario& s, double width_m, double height_m, double cells, double area_share,
                                   const std::vector<std::string>& standards = {});

/// Throws CodedError "resources.memory" (exit 3, key analysis.cell_size_m) when the estimate exceeds what is
/// available, with both figures and what to change.
void require_memory(const MemoryEstimate& need, const MemoryAvailable& have, const Scenario& s);

/// "180 GB", "1.2 GB", "350 MB", "12 kB".
std::string describe_bytes(std::uint64_t bytes);
/// "1.2 billion", "120,000".
std::string describe_count(double n);

/// Pixels of a raster window read at most (4 × 10⁹: 32 GB as values, hours of reading). Above it the read is
/// refused before anything is allocated.
inline constexpr double kMaxRasterWindowPixels = 4.0e9;

/// Throws CodedError "raster.window_too_large" (exit 4) when a raster's window over the study area has more
/// pixels than kMaxRasterWindowPixels or its rows need more memory than is available. `what` says what it holds
/// ("population raster").
void require_raster_window(const SourceSpec& src, const std::string& what, std::int64_t width, std::int64_t height,
                           double pixel_size, const MemoryAvailable& have);

}  // namespace carereach::io
