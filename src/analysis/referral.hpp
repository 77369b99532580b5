#pragma once
// Referral times (转诊时间, 县域医共体): for each facility of one group (村卫生室), the travel time to the nearest
// facility of another group (乡镇卫生院), by a standard's mode and engine. Pure: no files, no printing.
// docs/method/referral.md gives the rule and its approximation.

#include <cstdint>
#include <limits>
#include <span>
#include <vector>

#include "analysis/travel.hpp"
#include "core/diagnostics.hpp"
#include "core/facility.hpp"
#include "core/road_data.hpp"
#include "core/landcover.hpp"
#include "core/standard.hpp"

namespace carereach::analysis {

enum class ReferralStatus {
  kReached,      ///< a target within the search limit: `to` and `minutes` are set
  kNotReached,   ///< no target within the search limit
  kOutsideGrid,  ///< the source facility lies outside the analysis grid
};

struct ReferralRow {
  std::uint32_t from = 0;  ///< FacilityId value of the source facility
  std::uint32_t to = std::numeric_limits<std::uint32_t>::max();  ///< FacilityId value of the nearest target
  double minutes = std::numeric_limits<double>::infinity();      ///< travel time, or +inf
  ReferralStatus status = ReferralStatus::kNotReached;
};

/// The rule (docs/method/referral.md): a source facility stands for its grid cell, and the cell joins the roads
/// (or the friction surface) exactly as a populated cell does; the time is that cell's time to the nearest target
/// facility, the targets joined as the standard's facilities are, over the standard's mode and engine — the
/// standard's travel field computed for the targets alone, up to limit_min. A dedicated travel model is built on a
/// surface that holds only the source cells (one person each), so that a source in a cell without residents still
/// gets its time. Rows in the order of `from`. Throws std::invalid_argument for a distance standard or a limit that
/// is not a positive number of minutes.
std::vector<ReferralRow> referral_times(const RoadData* roads, const RasterTravelData* raster, const Grid& grid,
                                        const TravelSettings& settings, const Standard& standard,
                                        std::span<const Facility* const> from, std::span<const Facility* const> to,
                                        double limit_min, Diagnostics& diag);

}  // namespace carereach::analysis
