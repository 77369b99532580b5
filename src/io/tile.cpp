#include "io/tile.hpp"

#include "io/resources.hpp"

namespace carereach::io {

namespace {

[[noreturn]] void refuse(const std::string& at, const std::string& section, const std::string& why) {
  throw CodedError(ExitCode::kScenario, "tile.not_tileable"_code,
                   section + " cannot be computed tile by tile: " + why, Location{at, {}, {}, section, 0},
                   "run this scenario untiled, or leave " + section + " out of the scenario that is tiled "
                   "(docs/method/tiles.md, \"What is refused\")");
}

}  // namespace

void check_tileable(const Scenario& s, const std::string& at) {
  if (!s.capacity.empty())
    refuse(at, "[capacity." + s.capacity.front().id + "]",
           "capacity-aware coverage fills facilities in order over the whole area, so a tile's result depends on "
           "people outside it");
  if (!s.siting.empty())
    refuse(at, "[siting." + s.siting.front().id + "]", "a siting chooses new sites over the whole study area");
  if (!s.access_models.accessibility.empty())
    refuse(at, "[accessibility." + s.access_models.accessibility.front().id + "]",
           "E2SFCA divides each facility's supply by every person within its reach, inside and beyond the tile");
  if (!s.access_models.huff.empty())
    refuse(at, "[huff." + s.access_models.huff.front().id + "]",
           "a Huff share depends on every competing facility and on calibration over the whole area");
  if (!s.access_models.referral.empty())
    refuse(at, "[referral." + s.access_models.referral.front().id + "]",
           "a referral is measured per facility to the nearest higher facility, at any distance");
  for (const auto& z : s.zones)
    if (z.geometry == ZoneGeometryKind::kSeats)
      refuse(at, "[[zones]] level \"" + z.level + "\" (geometry = \"seats\")",
             "cells go to the nearest seat at any distance, so a zone's cells depend on seats beyond the halo");
  if (s.population && s.population->settlements && !s.population->settlements->bandwidth_m)
    throw CodedError(ExitCode::kScenario, "tile.not_tileable"_code,
                     "[population.settlements] without bandwidth_m cannot be computed tile by tile: the bandwidth is "
                     "derived from the points and the area a run reads, which differ from tile to tile, so the "
                     "persons would be spread differently from the untiled run",
                     Location{at, {}, {}, "[population.settlements] bandwidth_m", 0},
                     "set bandwidth_m in [population.settlements] to the bandwidth `carereach validate` reports for "
                     "the untiled scenario (its population line: \"bandwidth … m, from the points' spacing\")");
  if (s.population && s.population->kind == PopulationKind::kPolygons)
    refuse(at, "[population] kind = \"polygons\"",
           "a polygon's persons are spread over all of its cells, which the tile's grid may cut");
  if (s.raster.friction)
    refuse(at, "[raster] friction", "a friction surface has no top speed known before it is read, so no halo");
  if (s.raster.anisotropic && s.raster.bicycle)
    refuse(at, "[raster.bicycle]", "bicycling on slopes has no top speed downhill, so no halo bounds it");
  if (s.travel.snap == SnapRule::kNode)
    refuse(at, "[travel] snap = \"node\"", "a facility starts at its nearest node however far it is, so no halo bounds it");
}

}  // namespace carereach::io
