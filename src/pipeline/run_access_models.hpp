#pragma once
// The accessibility models of `carereach run` after the standards: referral times ([referral.<id>]), the E2SFCA
// index ([accessibility.<id>]) and the Huff model ([huff.<id>]), on the run's travel model.

#include <cstdint>
#include <vector>

#include "analysis/travel.hpp"
#include "pipeline/run_analysis.hpp"
#include "core/diagnostics.hpp"
#include "core/progress.hpp"
#include "io/load.hpp"

namespace carereach::pipeline {

/// Fills out.referrals, out.accessibility and out.huff (out.levels and out.facility_zone must be set). Releases
/// the modes it used from the model when done. Throws ScenarioError for an observed rate of a zone code the level
/// does not have.
void analyse_access_models(const io::LoadedScenario& loaded, analysis::TravelModel& model, RunAnalysis& out,
                           Diagnostics& diag, ProgressSink* progress);

/// The value of a facility attribute as a supply or attractiveness (nullopt: the facility has no value).
std::optional<double> facility_quantity(const Facility& f, FacilityQuantity q);

}  // namespace carereach::pipeline
