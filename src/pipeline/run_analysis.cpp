#include "pipeline/run_analysis.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <unordered_map>
#if defined(__GLIBC__)
#include <malloc.h>
#endif

#include "pipeline/run_access_models.hpp"
#include "pipeline/travel_setup.hpp"
#include "core/error.hpp"
#include "core/units.hpp"
#include "report/appendix.hpp"

namespace carereach::pipeline {

namespace {

using analysis::kNoZone;

double seconds_since(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

std::vector<double> population_per_zone(const PopulationGrid& pop, const std::vector<std::uint32_t>& zone_of_cell,
                                        std::size_t zones) {
  std::vector<CompensatedSum> sums(zones);
  for (std::size_t c = 0; c < zone_of_cell.size(); ++c)
    if (zone_of_cell[c] != kNoZone && pop.persons[c] > 0) sums[zone_of_cell[c]].add(pop.persons[c]);
  std::vector<double> out(zones);
  for (std::size_t z = 0; z < zones; ++z) out[z] = sums[z].value();
  return out;
}

std::optional<std::size_t> level_index(const io::LoadedScenario& loaded, const std::string& level) {
  for (std::size_t i = 0; i < loaded.zones.size(); ++i)
    if (loaded.zones[i].level.level == level) return i;
  return std::nullopt;
}

const io::ZoneLevelSpec* spec_of(const io::LoadedScenario& loaded, const std::string& level) {
  for (const auto& z : loaded.scenario.zones)
    if (z.level == level) return &z;
  return nullptr;
}

/// Parent zone index of each zone of `child` in `parent`, matched by code (kNoZone when unmatched).
std::vector<std::uint32_t> match_parents(const ZoneLevel& child, const ZoneLevel& parent) {
  std::unordered_map<std::string, std::uint32_t> by_code;
  for (std::size_t z = 0; z < parent.zones.size(); ++z) by_code.emplace(parent.zones[z].code, static_cast<std::uint32_t>(z));
  std::vector<std::uint32_t> out(child.zones.size(), kNoZone);
  for (std::size_t z = 0; z < child.zones.size(); ++z)
    if (auto it = by_code.find(child.zones[z].parent_code); it != by_code.end()) out[z] = it->second;
  return out;
}

/// Gives the memory of freed blocks back to the system (glibc's malloc_trim). The cell arrays of a mode or a standard
/// (connectors, strips built on several threads, travel times, labels) are freed into the heaps of the threads that
/// made them, and glibc keeps such memory once its threshold for mapping blocks of their own has grown: without this
/// the process would hold a mode's connectors after they are released, while the next mode's are built.
void give_back_freed_memory() {
#if defined(__GLIBC__)
  malloc_trim(0);
#endif
}

/// Travel times from seats by car over the network, for the allocation of seat zones.
analysis::SeatTravel seat_travel(analysis::TravelModel* model, const std::vector<analysis::Seat>& seats,
                                 double limit_min) {
  if (model == nullptr) return {};
  return [model, &seats, limit_min](std::span<const std::uint32_t> chosen, std::vector<float>& minutes,
                                    std::vector<std::uint32_t>& nearest) {
    std::vector<Facility> pseudo;
    pseudo.reserve(chosen.size());
    for (std::size_t i = 0; i < chosen.size(); ++i) {
      Facility f;
      f.id = FacilityId(static_cast<std::uint32_t>(i));
      f.source_id = "seat-" + std::to_string(chosen[i]);
      f.type = "seat";
      f.x_m = seats[chosen[i]].x_m;
      f.y_m = seats[chosen[i]].y_m;
      pseudo.push_back(std::move(f));
    }
    Standard st;
    st.id = "seat_allocation";
    st.name_zh = "驻地分配";
    st.select.types = {"seat"};
    st.mode = TravelMode::kCar;
    st.threshold_min = limit_min;
    Diagnostics ignored;  // seats far from roads are still allocated (in a straight line when not reached)
    const analysis::StandardTravel t = model->compute(st, pseudo, ignored);
    minutes.assign(t.field.minutes.begin(), t.field.minutes.end());
    nearest.resize(t.field.nearest.size());
    for (std::size_t c = 0; c < nearest.size(); ++c)
      nearest[c] = t.field.nearest[c] == TravelTimeField::kNoFacility ? analysis::kNoZone : chosen[t.field.nearest[c]];
  };
}

/// The per-zone targets of `id` on a level ([[zone_targets]]), or empty when none is set.
std::vector<std::optional<double>> zone_targets_of(const std::vector<io::LoadedZoneTargets>& zone_targets,
                                                   const std::string& level, const std::string& id) {
  for (const io::LoadedZoneTargets& t : zone_targets) {
    if (t.level != level) continue;
    if (auto it = t.by_id.find(id); it != t.by_id.end()) return it->second;
  }
  return {};
}

/// The zone levels as siting takes them.
SitingLevels siting_levels(const RunAnalysis& out, const std::vector<std::span<const std::uint32_t>>& spans) {
  SitingLevels l;
  for (const LevelOnGrid& level : out.levels) l.levels.push_back(&level.level);
  l.zone_of_cell = spans;
  l.facility_zone = &out.facility_zone;
  return l;
}

}  // namespace

analysis::DensityZoneInputs density_inputs(const std::vector<io::LoadedZoneTotals>& zone_totals,
                                           const std::vector<io::LoadedZoneTargets>& zone_targets,
                                           const std::string& level, std::size_t zones,
                                           const std::vector<analysis::DensityIndicator>& indicators) {
  analysis::DensityZoneInputs in;
  for (const io::LoadedZoneTotals& t : zone_totals)
    if (t.level == level && t.totals.size() == zones) {
      in.totals = t.totals;
      in.population = t.population;
    }
  for (std::size_t i = 0; i < indicators.size(); ++i) {
    const std::vector<std::optional<double>> targets = zone_targets_of(zone_targets, level, indicators[i].id);
    if (targets.size() != zones) continue;
    if (in.targets.empty()) in.targets.assign(zones, std::vector<std::optional<double>>(indicators.size()));
    for (std::size_t z = 0; z < zones; ++z) in.targets[z][i] = targets[z];
  }
  return in;
}

std::vector<analysis::DensityIndicator> density_indicators(const io::Scenario& s) {
  std::vector<analysis::DensityIndicator> out = analysis::default_density_indicators();
  const io::DensitySpec& local = s.density;
  for (const auto& [id, target] : local.targets) {
    const std::string& wanted = id;  // a structured binding cannot be captured by a lambda in clang 14 (fuzz build)
    auto it = std::find_if(out.begin(), out.end(),
                           [&wanted](const analysis::DensityIndicator& d) { return d.id == wanted; });
    if (it == out.end()) {
      std::string ids;
      for (const auto& d : out) ids += (ids.empty() ? "" : ", ") + d.id;
      throw ScenarioError("'" + id + "' is not a density indicator",
                          Location{s.file.filename().string(), {}, {}, "density.targets." + id,
                                   local.target_lines.at(id)},
                          "the indicators are: " + ids + " (docs/method/density.md)");
    }
    it->target = target;
    it->target_source = local.source;
  }
  return out;
}

RunAnalysis analyse_run(const io::LoadedScenario& loaded, Diagnostics& diag, ProgressSink* progress,
                        const std::function<void(StandardOutcome&, const StandardCells&)>& on_standard) {
  RunAnalysis out;
  // The density indicators with the scenario's local targets, first: an unknown indicator id stops the run before
  // any travel time is computed.
  out.indicators = density_indicators(loaded.scenario);
  const io::DensitySpec& local = loaded.scenario.density;
  // Capacity-aware coverage: every facility's capacity is checked before any travel time is computed.
  out.capacity = prepare_capacity(loaded);
  // Siting ([siting.<id>]): the candidates are checked before any travel time is computed.
  out.siting = prepare_siting(loaded, loaded.scenario.siting, diag);
  const PopulationGrid& pop = loaded.population->surface;
  const Grid& grid = pop.grid;
  analysis::TravelModel model = make_travel_model(loaded);
  out.travel_settings = model.settings();
  const bool have_roads = loaded.roads.has_value();
  const auto& standards = loaded.scenario.standards;
  auto later_uses = [&](std::size_t from, TravelMode mode) {
    for (std::size_t i = from; i < standards.size(); ++i)
      if (standards[i].threshold_min && standards[i].mode == mode && standards[i].engine == TravelEngine::kNetwork)
        return true;
    return false;
  };

  // --- zone levels on the grid: polygon levels first (seat levels need their parent's cells)
  out.levels.resize(loaded.zones.size());
  for (std::size_t i = 0; i < loaded.zones.size(); ++i) {
    const io::LoadedZoneLevel& z = loaded.zones[i];
    LevelOnGrid& l = out.levels[i];
    l.level = z.level;
    l.from_seats = z.kind == io::ZoneGeometryKind::kSeats;
    if (!l.from_seats) l.zone_of_cell = loaded.zone_rasters[i].zone_of_cell;
  }
  for (std::size_t i = 0; i < loaded.zones.size(); ++i) {
    LevelOnGrid& l = out.levels[i];
    const io::ZoneLevelSpec* spec = spec_of(loaded, l.level.level);
    if (spec != nullptr && !spec->parent_level.empty()) l.parent_level = level_index(loaded, spec->parent_level);
    if (l.parent_level) l.parent_of_zone = match_parents(l.level, out.levels[*l.parent_level].level);
    if (!l.from_seats) continue;

    // Seats: allocate the cells of each parent zone (or of the whole study area) to its seats.
    const io::LoadedZoneLevel& z = loaded.zones[i];
    std::vector<std::uint32_t> parent_of_cell;
    std::size_t parent_count = 1;
    std::vector<analysis::Seat> seats(z.seats_m.size());
    const bool polygon_parent = l.parent_level && !out.levels[*l.parent_level].from_seats;
    if (polygon_parent) {
      parent_of_cell = out.levels[*l.parent_level].zone_of_cell;
      parent_count = out.levels[*l.parent_level].level.zones.size();
    } else {
      parent_of_cell = loaded.zone_rasters[*loaded.study_area_level].zone_of_cell;
      for (auto& p : parent_of_cell) p = p == kNoZone ? kNoZone : 0;
    }
    for (std::size_t s = 0; s < seats.size(); ++s) {
      seats[s].x_m = z.seats_m[s].first;
      seats[s].y_m = z.seats_m[s].second;
      seats[s].parent = polygon_parent ? l.parent_of_zone[s] : 0;
      if (seats[s].parent == kNoZone)
        diag.warn("zones.seat_without_parent"_code,
                  l.level.label_zh + " " + l.level.zones[s].code + " " + l.level.zones[s].name + ": its parent code '" +
                      l.level.zones[s].parent_code + "' is not a zone of the parent level; it gets no cells",
                  {}, "check the seat's parent code");
    }
    ProgressStep step(progress, l.level.label_en + " zones from seats");
    const auto travel = seat_travel(have_roads ? &model : nullptr, seats, model.settings().search_limit_min);
    l.allocation = analysis::allocate_to_seats(grid, parent_of_cell, parent_count, seats, travel);
    l.zone_of_cell = std::move(l.allocation.zone_of_cell);  // one copy of 4 bytes per cell, not two
    for (auto& zone : l.level.zones) zone.approximate = true;
    for (std::uint32_t p : l.allocation.parents_without_seat) {
      const std::string name = polygon_parent ? out.levels[*l.parent_level].level.zones[p].name : std::string("study area");
      diag.warn("zones.parent_without_seat"_code,
                name + " has no " + l.level.label_zh + " seat: its cells belong to no " + l.level.label_zh +
                    " and are left out of the " + l.level.label_en + " tables",
                {}, "add the missing seats");
    }
    if (!later_uses(0, TravelMode::kCar)) {
      model.release(TravelMode::kCar);
      give_back_freed_memory();
    }
  }
  for (LevelOnGrid& l : out.levels) {
    l.population = population_per_zone(pop, l.zone_of_cell, l.level.zones.size());
    // Zone areas of derived zones: their cells.
    if (l.from_seats) {
      std::vector<std::size_t> cells(l.level.zones.size(), 0);
      for (auto z : l.zone_of_cell)
        if (z != kNoZone) ++cells[z];
      for (std::size_t z = 0; z < cells.size(); ++z) l.level.zones[z].area_km2 = static_cast<double>(cells[z]) * grid.cell_area_km2();
    }
  }

  // --- facilities in zones
  std::vector<std::vector<std::uint32_t>> facility_zone(out.levels.size());
  for (std::size_t li = 0; li < out.levels.size(); ++li) {
    facility_zone[li].assign(loaded.facilities.size(), kNoZone);
    for (std::size_t f = 0; f < loaded.facilities.size(); ++f)
      if (auto cell = grid.cell_at(loaded.facilities[f].x_m, loaded.facilities[f].y_m))
        facility_zone[li][f] = out.levels[li].zone_of_cell[*cell];
  }
  if (!out.levels.empty()) out.facility_zone_lowest = facility_zone.back();
  out.facility_zone = facility_zone;

  // --- the zone class of each cell, from the lowest level with classes (distance standards by zone class)
  std::vector<std::uint8_t> class_of_cell;
  for (std::size_t li = out.levels.size(); li-- > 0;) {
    const auto& zones = out.levels[li].level.zones;
    if (std::none_of(zones.begin(), zones.end(), [](const Zone& z) { return !z.zone_class.empty(); })) continue;
    class_of_cell.assign(grid.cell_count(), 255);
    for (std::size_t c = 0; c < class_of_cell.size(); ++c) {
      const auto z = out.levels[li].zone_of_cell[c];
      if (z == kNoZone) continue;
      const std::string& k = zones[z].zone_class;
      class_of_cell[c] = k == "urban" ? 0 : k == "rural" ? 1 : 255;
    }
    break;
  }

  std::vector<std::span<const std::uint32_t>> level_spans;
  for (const auto& l : out.levels) level_spans.emplace_back(l.zone_of_cell);
  std::vector<std::size_t> level_zone_counts;
  for (const auto& l : out.levels) level_zone_counts.push_back(l.level.zones.size());

  // --- per standard
  for (std::size_t si = 0; si < standards.size(); ++si) {
    if (si > 0) give_back_freed_memory();  // the cells of the standard before
    const Standard& st = standards[si];
    StandardOutcome o;
    o.standard = &st;
    std::vector<Facility> selected;
    for (const auto& f : loaded.facilities)
      if (st.select.matches(f)) {
        o.facility_ids.push_back(f.id.value);
        selected.push_back(f);
      }
    for (std::size_t li = 0; li < out.levels.size(); ++li)
      o.reported.push_back(st.report_levels.empty() ||
                           std::find(st.report_levels.begin(), st.report_levels.end(), out.levels[li].level.level) !=
                               st.report_levels.end());

    analysis::CellMeasure measure;
    analysis::CellThreshold threshold;
    std::optional<analysis::StandardTravel> travel;
    const auto t0 = std::chrono::steady_clock::now();
    if (st.threshold_min) {
      const auto skip = [&](const analysis::NotComputed& why) {
        o.not_computed = why.en;
        o.not_computed_zh = why.zh;
        o.not_computed_hint = why.hint;
        diag.warn("standard.not_computed"_code, "standard " + st.id + " (" + st.name_zh + ") was not computed: " + why.en,
                  Location{loaded.scenario.file.filename().string(), {}, {}, "standards." + st.id, 0}, why.hint);
        finish_capacity(out.capacity, st.id, why.en, why.zh);
        finish_siting(out.siting, st.id, why.en, why.zh);
        out.standards.push_back(std::move(o));
      };
      if (const analysis::NotComputed why = why_not_computable(loaded, st); !why.empty()) {
        skip(why);
        continue;
      }
      travel = model.compute(st, loaded.facilities, diag, progress);
      if (!travel->not_computed.empty()) {
        skip(travel->not_computed);
        if (!later_uses(si + 1, st.mode)) {
          model.release(st.mode);
          give_back_freed_memory();
        }
        continue;
      }
      o.friction = travel->friction;
      o.circuity = travel->circuity;
      o.estimate_speed_kmh = travel->estimate_speed_kmh;
      o.timings_s = travel->timings_s;
      o.access = travel->access;
      o.limit = travel->limit_min;
      measure = analysis::measure_from_travel_time(travel->field);
      threshold.uniform = static_cast<float>(*st.threshold_min);
      // Capacity coverages on this standard, while the model still holds its mode.
      compute_capacity(out.capacity, st, model, loaded, level_spans, level_zone_counts, diag, progress);
      compute_siting(out.siting, st, model, loaded, measure, threshold, o.facility_ids, siting_levels(out, level_spans),
                     diag, progress);
      if (!later_uses(si + 1, st.mode)) {
        model.release(st.mode);
        give_back_freed_memory();
      }
    } else {
      ProgressStep step(progress, "distances " + st.id);
      double largest = st.distance_m.value_or(0.0);
      for (const auto& [k, v] : st.distance_m_by_zone_class) largest = std::max(largest, v);
      o.unit = analysis::CoverageUnit::kMetres;
      o.limit = 2.0 * largest;  // gap areas still get a distance up to twice the largest radius
      measure = analysis::measure_straight_line(pop, selected, o.limit);
      if (st.distance_m) {
        threshold.uniform = static_cast<float>(*st.distance_m);
      } else {
        const auto get = [&](const char* k, double fallback) {
          auto it = st.distance_m_by_zone_class.find(k);
          return static_cast<float>(it == st.distance_m_by_zone_class.end() ? fallback : it->second);
        };
        const float rural = get("rural", largest);
        threshold.by_class = {get("urban", rural), rural};
        threshold.fallback = rural;
        if (class_of_cell.empty()) {
          threshold.uniform = rural;
          o.unclassified_population = pop.total();
        } else {
          threshold.class_of_cell = class_of_cell;
          CompensatedSum unclassified;
          for (std::size_t c = 0; c < class_of_cell.size(); ++c)
            if (class_of_cell[c] == 255 && pop.persons[c] > 0) unclassified.add(pop.persons[c]);
          o.unclassified_population = unclassified.value();
        }
        if (o.unclassified_population > 0)
          diag.warn("standard.zone_class_unknown"_code,
                    "standard " + st.id + ": " + std::to_string(static_cast<long long>(std::llround(o.unclassified_population))) +
                        " persons live in zones that are neither urban nor rural; they are held to the rural radius",
                    {}, "add class_field (and urban_values) to the lowest [[zones]] level (docs/scenario.md)");
      }
      o.timings_s["distance"] = seconds_since(t0);
    }

    const auto t1 = std::chrono::steady_clock::now();
    for (std::size_t li = 0; li < out.levels.size(); ++li) {
      const LevelOnGrid& l = out.levels[li];
      if (!o.reported[li]) {
        o.levels.emplace_back();
        continue;
      }
      std::vector<std::uint32_t> fz;
      for (const auto id : o.facility_ids) fz.push_back(facility_zone[li][id]);
      o.levels.push_back(analysis::zone_coverage(pop, measure, threshold, l.zone_of_cell, l.level.zones.size(), fz));
      if (loaded.tile) {
        o.tile_values.resize(li);
        o.tile_values.push_back(tile_zone_values(pop, measure, l.zone_of_cell, l.level.zones.size()));
      }
    }
    // Gap areas lie within one zone of the finest level (an uncovered band across a whole prefecture would be
    // one "gap" otherwise); clusters of less than one person are left out.
    o.gaps = analysis::gap_areas(pop, measure, threshold, level_spans, 1.0,
                                 level_spans.empty() ? std::span<const std::uint32_t>{} : level_spans.back());
    o.catchments = analysis::catchments(pop, measure, threshold, o.facility_ids);
    o.timings_s["coverage"] = seconds_since(t1);
    on_standard(o, StandardCells{measure, threshold, travel ? &*travel : nullptr});
    out.standards.push_back(std::move(o));
  }

  // --- referral times, accessibility index and Huff model ([referral.<id>], [accessibility.<id>], [huff.<id>])
  analyse_access_models(loaded, model, out, diag, progress);

  // --- resource density per level (the indicators and their local targets were set up first)
  for (std::size_t li = 0; li < out.levels.size(); ++li) {
    const analysis::DensityZoneInputs in =
        density_inputs(loaded.zone_totals, loaded.zone_targets, out.levels[li].level.level,
                       out.levels[li].level.zones.size(), out.indicators);
    out.density.push_back(analysis::zone_density(loaded.facilities, facility_zone[li], out.levels[li].population,
                                                 out.indicators, local.include_planned, &in));
  }

  // --- planning indicators: facilities counted per zone of their level, against the indicator's or the zone's target
  for (const PlanIndicator& ind : loaded.scenario.indicators) {
    const std::optional<std::size_t> li = level_index(loaded, ind.level);
    if (!li) continue;  // the level did not load (an error was reported)
    const io::LoadedZoneLevel& zl = loaded.zones[*li];
    const std::size_t zones = out.levels[*li].level.zones.size();
    std::span<const std::optional<std::pair<double, double>>> seats;
    if (ind.within_m && zl.zone_seats_m.size() == zones) seats = zl.zone_seats_m;
    const std::vector<std::optional<double>> targets = zone_targets_of(loaded.zone_targets, ind.level, ind.id);
    IndicatorOutcome o;
    o.indicator = &ind;
    o.level = *li;
    o.result = analysis::evaluate_indicator(ind, loaded.facilities, facility_zone[*li], zones, seats,
                                            targets.size() == zones ? std::span<const std::optional<double>>(targets)
                                                                    : std::span<const std::optional<double>>());
    if (ind.within_m && o.result.zones_not_assessed > 0) {
      std::string names;
      std::size_t named = 0;
      for (std::size_t z = 0; z < zones; ++z)
        if (o.result.zones[z].met == -1 && named++ < 5)
          names += (names.empty() ? "" : ", ") + out.levels[*li].level.zones[z].name;
      if (named > 5) names += " and " + std::to_string(named - 5) + " more";
      diag.warn("indicator.zone_without_seat"_code,
                "indicator " + ind.id + " (" + (ind.name_zh.empty() ? ind.name_en : ind.name_zh) + "): " +
                    std::to_string(o.result.zones_not_assessed) + " " + ind.level + " zone" +
                    (o.result.zones_not_assessed == 1 ? " has" : "s have") +
                    " no seat and " + (o.result.zones_not_assessed == 1 ? "is" : "are") + " not assessed: " + names,
                Location{loaded.scenario.file.filename().string(), {}, {}, "indicators." + ind.id + ".within_m", 0},
                "give every zone a seat in [zones.seats] (its 政府驻地)");
    }
    out.plan_indicators.push_back(std::move(o));
  }
  return out;
}

std::vector<TileZoneValues> tile_zone_values(const PopulationGrid& population, const analysis::CellMeasure& measure,
                                             std::span<const std::uint32_t> zone_of_cell, std::size_t zone_count) {
  struct Bin {
    double min = 0.0;
    CompensatedSum persons;
  };
  std::vector<CompensatedSum> weighted(zone_count);
  std::vector<std::map<std::string, Bin>> bins(zone_count);
  std::vector<TileZoneValues> out(zone_count);
  const auto& persons = population.persons;
  for (std::size_t c = 0; c < zone_of_cell.size() && c < persons.size() && c < measure.value.size(); ++c) {
    const std::uint32_t z = zone_of_cell[c];
    const double p = persons[c];
    if (z == kNoZone || z >= zone_count || !(p > 0)) continue;
    const float v = measure.value[c];
    TileZoneValues& zv = out[z];
    if (!std::isfinite(v)) {
      ++zv.cells_unreached;
      continue;
    }
    weighted[z].add(p * static_cast<double>(v));
    if (!(zv.max >= v)) zv.max = v;  // NaN at first
    auto [it, fresh] = bins[z].try_emplace(report::coverage_value_text(v, measure.unit));
    if (fresh || v < it->second.min) it->second.min = v;
    it->second.persons.add(p);
  }
  for (std::size_t z = 0; z < zone_count; ++z) {
    out[z].weighted = weighted[z].value();
    for (const auto& [text, b] : bins[z]) out[z].bins.emplace_back(b.min, b.persons.value());
    std::sort(out[z].bins.begin(), out[z].bins.end());
  }
  return out;
}

}  // namespace carereach::pipeline
