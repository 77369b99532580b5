#pragma once
// Strong ids: a FacilityId cannot be passed where a ZoneId is meant. Dense 32-bit indices with a named
// invalid value; external ids (strings from input files) stay in the records themselves.

#include <compare>
#include <cstdint>
#include <functional>
#include <limits>

namespace carereach {

template <class Tag>
struct StrongId {
  using Rep = std::uint32_t;
  static constexpr Rep kInvalidValue = std::numeric_limits<Rep>::max();

  Rep value = kInvalidValue;

  constexpr StrongId() = default;
  constexpr explicit StrongId(Rep v) : value(v) {}
  static constexpr StrongId invalid() { return StrongId{}; }
  [[nodiscard]] constexpr bool valid() const { return value != kInvalidValue; }
  constexpr auto operator<=>(const StrongId&) const = default;
};

using FacilityId = StrongId<struct FacilityTag>;
using ZoneId = StrongId<struct ZoneTag>;
using NodeId = StrongId<struct NodeTag>;
using CellId = StrongId<struct CellTag>;

}  // namespace carereach

template <class Tag>
struct std::hash<carereach::StrongId<Tag>> {
  std::size_t operator()(const carereach::StrongId<Tag>& id) const noexcept { return std::hash<std::uint32_t>{}(id.value); }
};
