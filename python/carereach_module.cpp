// The Python module `carereach` (pybind11): load a scenario, compute a standard's travel times, its coverage per
// zone level and what each facility reaches, with the code paths of the command line (io::load_scenario,
// pipeline::make_travel_model, pipeline::analyse_run, analysis::facility_reach). carereach errors become Python exceptions of
// a carereach.Error hierarchy with the same messages and hints. docs/python.md describes the module.

#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "analysis/coverage.hpp"
#include "analysis/reach.hpp"
#include "analysis/travel.hpp"
#include "pipeline/run_analysis.hpp"
#include "pipeline/travel_setup.hpp"
#include "core/diagnostics.hpp"
#include "core/error.hpp"
#include "core/standard.hpp"
#include "core/version.hpp"
#include "io/input_access.hpp"
#include "io/load.hpp"
#include "io/scenario.hpp"

namespace py = pybind11;

namespace carereach::python {

namespace {

// ------------------------------------------------------------------------------------------------ exceptions

/// The Python classes of carereach's errors, by exit code: carereach.Error and one subclass per kind.
struct ErrorClasses {
  py::object base, usage, scenario, input, crs, output;
  [[nodiscard]] const py::object& of(ExitCode code) const {
    switch (code) {
      case ExitCode::kUsage: return usage;
      case ExitCode::kScenario: return scenario;
      case ExitCode::kInput: return input;
      case ExitCode::kCrs: return crs;
      case ExitCode::kOutput: return output;
      default: return base;
    }
  }
};

ErrorClasses& error_classes() {
  // Filled once when the module is imported; never destroyed, as the interpreter may be gone by the time static
  // objects are.
  static ErrorClasses* classes = new ErrorClasses;
  return *classes;
}

py::dict location_dict(const Location& where) {
  py::dict d;
  d["file"] = where.file;
  d["layer"] = where.layer;
  d["feature"] = where.feature;
  d["field"] = where.field;
  d["line"] = where.line;
  return d;
}

/// Raises the Python exception of a carereach error: str(e) is the message the command line prints (location and
/// message), with the parts as attributes.
void raise_python(const Error& e) {
  const py::object& cls = error_classes().of(e.exit_code());
  py::object exc = cls(py::str(e.what()));
  exc.attr("message") = py::str(e.message());
  exc.attr("hint") = py::str(e.hint());
  exc.attr("location") = location_dict(e.where());
  exc.attr("exit_code") = static_cast<int>(e.exit_code());
  PyErr_SetObject(cls.ptr(), exc.ptr());
}

py::dict problem_dict(const Problem& p) {
  py::dict d;
  d["severity"] = p.severity == Severity::kError ? "error" : "warning";
  d["code"] = p.code.str();
  d["message"] = p.message;
  d["hint"] = p.hint;
  d["location"] = location_dict(p.where);
  d["text"] = p.describe();
  return d;
}

py::list warning_list(const Diagnostics& diag) {
  py::list out;
  for (const Problem& p : diag.all())
    if (p.severity == Severity::kWarning) out.append(problem_dict(p));
  return out;
}

// ------------------------------------------------------------------------------------------------ the scenario

/// A loaded scenario: every input read and checked, as `carereach run` loads it. Computations keep one travel
/// model (its graphs and friction surfaces are built once per mode and reused).
class Scenario {
 public:
  Scenario(const std::string& path, const std::optional<std::string>& snap, bool allow_network) {
    io::allow_network(allow_network);
    io::Scenario scenario = io::read_scenario(path);
    if (snap) {
      if (*snap != "edge" && *snap != "node")
        throw UsageError("snap must be \"edge\" or \"node\", not \"" + *snap + "\"", "leave it out to use the scenario's");
      scenario.travel.snap = *snap == "node" ? io::SnapRule::kNode : io::SnapRule::kEdge;
    }
    path_ = path;
    Diagnostics diag;
    io::LoadOptions options;
    options.checksums = false;
    {
      py::gil_scoped_release release;
      loaded_ = std::make_unique<io::LoadedScenario>(io::load_scenario(std::move(scenario), diag, options, nullptr));
    }
    diag.throw_if_errors();
    load_warnings_ = warning_list(diag);
  }

  [[nodiscard]] py::list warnings() const { return load_warnings_; }
  [[nodiscard]] const std::string& path() const { return path_; }

  [[nodiscard]] py::list standards() const {
    py::list out;
    for (const Standard& s : loaded_->scenario.standards) {
      py::dict d;
      d["id"] = s.id;
      d["name_zh"] = s.name_zh;
      d["name_en"] = s.name_en;
      d["mode"] = to_string(s.mode);
      d["engine"] = to_string(s.engine);
      d["threshold_min"] = s.threshold_min ? py::object(py::float_(*s.threshold_min)) : py::object(py::none());
      d["distance_m"] = s.distance_m ? py::object(py::float_(*s.distance_m)) : py::object(py::none());
      d["target_share"] = s.target_share;
      out.append(d);
    }
    return out;
  }

  [[nodiscard]] py::list facilities() const {
    py::list out;
    for (const Facility& f : loaded_->facilities) {
      py::dict d;
      d["index"] = f.id.value;
      d["id"] = f.source_id;
      d["name"] = f.name;
      d["type"] = f.type;
      d["x_m"] = f.x_m;
      d["y_m"] = f.y_m;
      d["lon"] = f.lon;
      d["lat"] = f.lat;
      out.append(d);
    }
    return out;
  }

  [[nodiscard]] py::list zone_levels() const {
    py::list out;
    for (const auto& z : loaded_->zones) out.append(z.level.level);
    return out;
  }

  [[nodiscard]] py::tuple geotransform() const {
    const Grid& g = grid();
    return py::make_tuple(g.origin_x_m, g.cell_size_m, 0.0, g.origin_y_m, 0.0, -g.cell_size_m);
  }
  [[nodiscard]] std::string crs_wkt() const { return loaded_->analysis_crs.wkt(); }

  /// Travel times of one time standard, as `carereach traveltime` computes and writes them.
  py::dict travel_times(const std::string& id) {
    const Standard& st = time_standard(id);
    Diagnostics diag;
    analysis::StandardTravel travel;
    {
      py::gil_scoped_release release;
      const std::lock_guard<std::mutex> lock(mutex_);
      travel = model().compute(st, loaded_->facilities, diag, nullptr);
    }
    if (!travel.not_computed.empty())
      throw ScenarioError("travel times of standard " + id + " cannot be computed: " + travel.not_computed.en,
                          Location{path_, {}, {}, "standards." + id, 0}, travel.not_computed.hint);
    const Grid& g = travel.field.grid;
    const std::vector<py::ssize_t> shape = {static_cast<py::ssize_t>(g.rows), static_cast<py::ssize_t>(g.cols)};
    py::array_t<float> minutes(shape);
    py::array_t<std::uint32_t> nearest(shape);
    float* m = minutes.mutable_data();
    std::uint32_t* n = nearest.mutable_data();
    for (std::size_t i = 0; i < g.cell_count(); ++i) {
      const bool reached = travel.field.reached(i);
      m[i] = reached ? travel.field.minutes[i] : std::numeric_limits<float>::quiet_NaN();
      // As the --nearest GeoTIFF: facility index + 1, 0 where no facility is within the search limit.
      const std::uint32_t f = travel.field.nearest[i];
      n[i] = !reached || f == TravelTimeField::kNoFacility ? 0U : f + 1U;
    }
    py::dict out;
    out["minutes"] = minutes;
    out["nearest"] = nearest;
    out["geotransform"] = geotransform();
    out["crs_wkt"] = crs_wkt();
    out["limit_min"] = travel.limit_min;
    out["facilities_used"] = travel.facilities_used;
    out["warnings"] = warning_list(diag);
    return out;
  }

  /// Coverage of a standard on the zones of one level, as `carereach run` computes it for its tables: one dict per
  /// zone, then the total row (over the cells in some zone of the level; the zones add up to it).
  py::list coverage(const std::string& id, const std::string& level) {
    const Standard* st = find_standard(id);
    const auto level_it = std::find_if(loaded_->zones.begin(), loaded_->zones.end(),
                                       [&](const io::LoadedZoneLevel& z) { return z.level.level == level; });
    if (level_it == loaded_->zones.end()) {
      std::string levels;
      for (const auto& z : loaded_->zones) levels += (levels.empty() ? "" : ", ") + z.level.level;
      throw UsageError("the scenario has no zone level '" + level + "'", "its levels: " + levels);
    }
    const auto li = static_cast<std::size_t>(level_it - loaded_->zones.begin());

    // The run's analysis over this one standard (the other standards are set aside while it runs).
    pipeline::RunAnalysis run;
    Diagnostics diag;
    {
      py::gil_scoped_release release;
      const std::lock_guard<std::mutex> lock(mutex_);
      // The analyses built on other standards (capacity coverage, referral, accessibility, Huff) are set aside too.
      std::vector<Standard> all = std::move(loaded_->scenario.standards);
      auto capacity = std::move(loaded_->scenario.capacity);
      auto access_models = std::move(loaded_->scenario.access_models);
      loaded_->scenario.standards = {*st};
      loaded_->scenario.capacity = {};
      loaded_->scenario.access_models = {};
      auto restore = [&] {
        loaded_->scenario.standards = std::move(all);
        loaded_->scenario.capacity = std::move(capacity);
        loaded_->scenario.access_models = std::move(access_models);
      };
      try {
        run = pipeline::analyse_run(*loaded_, diag, nullptr, [](pipeline::StandardOutcome&, const pipeline::StandardCells&) {});
      } catch (...) {
        restore();
        throw;
      }
      restore();
    }
    const pipeline::StandardOutcome& o = run.standards.at(0);
    if (!o.not_computed.empty())
      throw ScenarioError("standard " + id + " cannot be computed: " + o.not_computed,
                          Location{path_, {}, {}, "standards." + id, 0}, o.not_computed_hint);
    if (!o.reported[li])
      throw UsageError("standard " + id + " is not reported on the " + level + " level (its report_levels)",
                       "choose one of the levels the standard reports");
    const pipeline::LevelOnGrid& lg = run.levels[li];
    const analysis::LevelCoverage& cov = o.levels[li];
    const bool minutes = o.unit == analysis::CoverageUnit::kMinutes;
    const double target = st->target_share;
    const auto row = [&](const analysis::CoverageStats& s) {
      py::dict d;
      d["population"] = s.pop_total;
      d["covered"] = s.pop_covered;
      d["uncovered"] = s.pop_uncovered;
      d["reached"] = s.pop_reached;
      d["share_covered"] = s.share_covered();
      d["meets_target"] = analysis::meets_target(s.share_covered(), target);
      d["unit"] = minutes ? "min" : "m";
      d["mean"] = s.mean;
      d["p50"] = s.p50;
      d["p90"] = s.p90;
      d["max"] = s.max;
      d["facilities"] = s.n_facilities;
      return d;
    };
    py::list out;
    for (std::size_t z = 0; z < cov.zones.size(); ++z) {
      py::dict d = row(cov.zones[z]);
      d["total"] = false;
      d["code"] = lg.level.zones[z].code;
      d["name"] = lg.level.zones[z].name;
      d["approximate"] = lg.level.zones[z].approximate;
      out.append(d);
    }
    py::dict total = row(cov.total);
    total["total"] = true;
    total["code"] = "";
    total["name"] = "";
    total["approximate"] = false;
    out.append(total);
    return out;
  }

  /// What each of the standard's facilities reaches by itself within limit_min (the standard's threshold when not
  /// given): (facility index, cells as Grid indices, minutes), in facility order.
  py::list facility_reach(const std::string& id, std::optional<double> limit_min) {
    const Standard& st = time_standard(id);
    std::vector<Facility> chosen;
    for (const Facility& f : loaded_->facilities)
      if (st.select.matches(f)) chosen.push_back(f);
    const double limit = limit_min.value_or(*st.threshold_min);
    if (!(limit > 0) || !std::isfinite(limit))
      throw UsageError("limit_min must be a positive number of minutes", "leave it out to use the standard's threshold");
    Diagnostics diag;
    std::vector<analysis::FacilityReach> reach;
    {
      py::gil_scoped_release release;
      const std::lock_guard<std::mutex> lock(mutex_);
      reach = analysis::facility_reach(model(), st, chosen, limit, diag, nullptr);
    }
    py::list out;
    for (const analysis::FacilityReach& r : reach) {
      py::array_t<std::uint32_t> cells(static_cast<py::ssize_t>(r.cells.size()));
      py::array_t<float> mins(static_cast<py::ssize_t>(r.cells.size()));
      std::uint32_t* c = cells.mutable_data();
      float* m = mins.mutable_data();
      for (std::size_t i = 0; i < r.cells.size(); ++i) {
        c[i] = r.cells[i].cell;
        m[i] = r.cells[i].minutes;
      }
      out.append(py::make_tuple(r.facility, cells, mins));
    }
    return out;
  }

 private:
  [[nodiscard]] const Grid& grid() const {
    if (!loaded_->population) throw UsageError("the scenario has no population surface", "add [population]");
    return loaded_->population->surface.grid;
  }

  const Standard* find_standard(const std::string& id) const {
    std::string ids;
    for (const Standard& s : loaded_->scenario.standards) {
      if (s.id == id) return &s;
      ids += (ids.empty() ? "" : ", ") + s.id;
    }
    throw UsageError("the scenario has no standard '" + id + "'", "its standards: " + ids);
  }

  /// A time standard whose travel times can be computed (the checks of `carereach traveltime`).
  const Standard& time_standard(const std::string& id) const {
    const Standard& st = *find_standard(id);
    if (!st.threshold_min)
      throw UsageError("'" + id + "' is a distance standard, not a time standard",
                       "its coverage is given by coverage(); travel times are for time standards");
    if (const analysis::NotComputed why = pipeline::why_not_computable(*loaded_, st); !why.empty())
      throw ScenarioError("travel times of standard " + id + " cannot be computed: " + why.en,
                          Location{path_, {}, {}, "standards." + id, 0}, why.hint);
    return st;
  }

  /// The travel model cannot be moved: it is built in place, once, on first use.
  struct ModelBox {
    explicit ModelBox(const io::LoadedScenario& loaded) : model(pipeline::make_travel_model(loaded)) {}
    analysis::TravelModel model;
  };
  analysis::TravelModel& model() {
    if (!model_) model_ = std::make_unique<ModelBox>(*loaded_);
    return model_->model;
  }

  std::string path_;
  std::unique_ptr<io::LoadedScenario> loaded_;
  std::unique_ptr<ModelBox> model_;
  /// One computation at a time on a scenario (they run without the GIL, and share the model and the inputs);
  /// taken only while the GIL is released, so that neither lock waits for the other.
  std::mutex mutex_;
  py::list load_warnings_;
};

/// Loads every input as `carereach validate` does (going on after an input that fails) and returns the warnings;
/// raises the first error (with how many more there are) when there is any.
py::list validate(const std::string& path, bool allow_network) {
  io::allow_network(allow_network);
  io::Scenario scenario = io::read_scenario(path);
  Diagnostics diag;
  io::LoadOptions options;
  options.keep_going = true;
  options.checksums = false;
  {
    py::gil_scoped_release release;
    (void)io::load_scenario(std::move(scenario), diag, options, nullptr);
  }
  diag.throw_if_errors();
  return warning_list(diag);
}

}  // namespace

}  // namespace carereach::python

PYBIND11_MODULE(carereach, m) {
  using namespace carereach;
  using carereach::python::Scenario;
  m.doc() = "carereach: access to health services — scenarios, travel times, coverage (docs/python.md)";
  m.attr("__version__") = carereach::kVersion;

  auto& classes = python::error_classes();
  classes.base = py::reinterpret_steal<py::object>(
      PyErr_NewExceptionWithDoc("carereach.Error", "A carereach error: message, hint, location, exit_code.",
                                PyExc_Exception, nullptr));
  const auto sub = [&](const char* name, const char* doc) {
    return py::reinterpret_steal<py::object>(PyErr_NewExceptionWithDoc(
        (std::string("carereach.") + name).c_str(), doc, classes.base.ptr(), nullptr));
  };
  classes.usage = sub("UsageError", "Wrong arguments (exit code 2 of the command line).");
  classes.scenario = sub("ScenarioError", "The scenario file: malformed, unknown key, bad value (exit code 3).");
  classes.input = sub("InputError", "An input dataset is missing, unreadable or wrong (exit code 4).");
  classes.crs = sub("CrsError", "A coordinate reference system is missing, unknown or unsuitable (exit code 5).");
  classes.output = sub("OutputError", "An output cannot be written (exit code 6).");
  m.attr("Error") = classes.base;
  m.attr("UsageError") = classes.usage;
  m.attr("ScenarioError") = classes.scenario;
  m.attr("InputError") = classes.input;
  m.attr("CrsError") = classes.crs;
  m.attr("OutputError") = classes.output;
  py::register_exception_translator([](std::exception_ptr p) {
    try {
      if (p) std::rethrow_exception(p);
    } catch (const Error& e) {
      python::raise_python(e);
    }
  });

  py::class_<Scenario>(m, "Scenario", "A loaded scenario (every input read and checked, as `carereach run` loads it)")
      .def(py::init<const std::string&, const std::optional<std::string>&, bool>(), py::arg("path"),
           py::arg("snap") = py::none(), py::arg("allow_network") = false)
      .def_property_readonly("path", &Scenario::path)
      .def_property_readonly("warnings", &Scenario::warnings, "the warnings of loading, as dicts")
      .def_property_readonly("standards", &Scenario::standards)
      .def_property_readonly("facilities", &Scenario::facilities)
      .def_property_readonly("zone_levels", &Scenario::zone_levels)
      .def_property_readonly("geotransform", &Scenario::geotransform, "GDAL geotransform of the analysis grid")
      .def_property_readonly("crs_wkt", &Scenario::crs_wkt, "WKT of the analysis CRS")
      .def("travel_times", &Scenario::travel_times, py::arg("standard"))
      .def("coverage", &Scenario::coverage, py::arg("standard"), py::arg("level"))
      .def("facility_reach", &Scenario::facility_reach, py::arg("standard"), py::arg("limit_min") = py::none());

  m.def(
      "load_scenario",
      [](const std::string& path, const std::optional<std::string>& snap, bool allow_network) {
        return std::make_unique<Scenario>(path, snap, allow_network);
      },
      py::arg("path"), py::arg("snap") = py::none(), py::arg("allow_network") = false,
      "Loads a scenario as `carereach run` does; raises carereach.Error subclasses on errors.");
  m.def("validate", &python::validate, py::arg("path"), py::arg("allow_network") = false,
        "Loads every input as `carereach validate` does; returns the warnings as dicts, raises the first error.");
}
