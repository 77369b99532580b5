// carereach export INPUT --format FORMAT [--crs CRS] [--layers a,b] [--overwrite] OUTPUT — hands a run's layers
// (or any vector source) on in the formats and coordinate systems GIS staff need, GCJ-02/BD-09 included.

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <iostream>

#include "cli/command.hpp"
#include "cli/summary.hpp"
#include "core/progress.hpp"
#include "io/export.hpp"
#include "io/input_access.hpp"

namespace carereach::cli {

namespace {

/// Progress shown only where it takes a while: for large layers from the start, for others once a step has
/// taken more than a second, so a small export prints nothing but its result.
class DelayedProgress final : public ProgressSink {
 public:
  explicit DelayedProgress(Console& console) : console_(console) {}
  void begin_step(std::string_view label) override {
    label_ = label;
    started_ = std::chrono::steady_clock::now();
    shown_ = false;
  }
  void update(std::size_t done, std::size_t total) override {
    if (!shown_ && total < kLargeLayerFeatures && std::chrono::steady_clock::now() - started_ < kDelay) return;
    if (!shown_) console_.step(label_);
    shown_ = true;
    console_.progress(done, total);
  }
  void end_step() override {
    if (shown_) console_.done();
    shown_ = false;
  }

 private:
  static constexpr std::chrono::seconds kDelay{1};
  static constexpr std::size_t kLargeLayerFeatures = 100'000;
  Console& console_;
  std::string label_;
  std::chrono::steady_clock::time_point started_;
  bool shown_ = false;
};

/// "ａ，ｂ" and "a, b": layer lists split at ASCII and full-width commas.
std::vector<std::string> split_layers(const std::vector<std::string>& items) {
  std::vector<std::string> out;
  for (std::string item : items) {
    for (std::size_t at = item.find("，"); at != std::string::npos; at = item.find("，")) item.replace(at, 3, ",");
    std::size_t start = 0;
    while (start <= item.size()) {
      const std::size_t end = std::min(item.find(',', start), item.size());
      out.push_back(item.substr(start, end - start));
      start = end + 1;
    }
  }
  return out;
}

class ExportCommand final : public Command {
 public:
  const char* name() const override { return "export"; }
  const char* summary() const override {
    return "Export layers (a run's layers.gpkg, any vector source) as GeoPackage, Shapefile, GeoJSON, KML, "
           "FlatGeobuf or CSV, in any CRS or GCJ-02/BD-09";
  }
  void setup(CLI::App& app) override {
    app.add_option("input", o_.input_as_written, "Input: a run's layers.gpkg, or any OGR vector source")->required();
    app.add_option("output", output_,
                   "Output: a .gpkg file; for the other formats a folder with one file per layer (or, for one "
                   "layer, a file such as facilities.shp)")
        ->required();
    app.add_option("--format", o_.format,
                   "GPKG, \"ESRI Shapefile\" (shp), GeoJSON, KML, FlatGeobuf (fgb) or CSV, in any case")
        ->required();
    app.add_option("--crs", o_.crs,
                   "CRS of the output: EPSG:4490, EPSG:4548, any PROJ definition, gcj02 (Amap/Tencent) or bd09 "
                   "(Baidu) (default: each layer's own; KML: WGS 84)");
    app.add_option("--layers", layers_, "Export only these layers, separated by commas (default: every layer)")
        ->delimiter(',');
    app.add_flag("--overwrite", o_.overwrite, "Replace the output if it exists (a folder only if carereach wrote it, unchanged)");
    app.add_flag("--allow-network", allow_network_, "Let inputs be read from the network (URLs, /vsicurl/ …): off by default, as a scenario or file from someone else must not reach servers");
    app.footer("Example: carereach export out/bozhou/layers.gpkg --format shp --crs EPSG:4548 out/bozhou/shp_gk117");
  }
  int run(Console& console) override {
    io::lock_network_for_process(allow_network_);
    o_.input = o_.input_as_written;
    io::check_input_path(o_.input, o_.input_as_written, "INPUT");
    o_.output = output_;
    o_.output_as_written = output_;
    o_.layers = split_layers(layers_);
    Diagnostics diag;
    DelayedProgress progress(console);
    const io::ExportResult r = io::export_layers(o_, diag, &progress);
    for (const auto& note : r.recovery_notes) console.info(note);
    if (diag.has_errors()) {
      print_errors(console, diag);
      console.error("nothing was written");
      return static_cast<int>(diag.first_error()->kind);
    }
    for (const auto& p : diag.all()) console.problem(p);
    print_result(console, r);
    return 0;
  }

 private:
  void print_result(const Console& console, const io::ExportResult& r) const {
    std::string where = output_;
    if (r.folder && !where.empty() && where.back() != '/') where += '/';
    console.out("Exported " + std::to_string(r.layers.size()) + " layer(s), " + grouped(double(r.features)) +
                " feature(s) to " + where + " (" + r.format.driver + (r.folder ? ", one file per layer" : "") + ")");
    std::size_t width = 0;
    for (const auto& l : r.layers) width = std::max(width, (r.folder ? l.file : l.name).size());
    for (const auto& l : r.layers) {
      std::string label = r.folder ? l.file : l.name;
      label.resize(std::max(width, label.size()), ' ');
      char count[32];
      std::snprintf(count, sizeof count, "%12s", grouped(double(l.features)).c_str());
      console.out("  " + label + count + " feature(s)  " + l.crs + (l.style ? "  (QGIS style)" : ""));
      if (!l.renamed_fields.empty()) {
        std::string renamed;
        for (const auto& [from, to] : l.renamed_fields) renamed += (renamed.empty() ? "" : ", ") + from + " → " + to;
        console.out("    Shapefile field names (10 bytes at most): " + renamed);
      }
    }
    if (r.format.driver == "CSV")
      console.out("Note: a CSV file stores no coordinate system; the geometries are WKT in the CRS listed above.");
    if (!r.crs_note.empty()) console.out("Note: " + r.crs_note);
  }

  io::ExportOptions o_;
  std::string output_;
  bool allow_network_ = false;
  std::vector<std::string> layers_;
};

}  // namespace

std::unique_ptr<Command> make_export_command() {
  return std::make_unique<ExportCommand>();
}

}  // namespace carereach::cli
