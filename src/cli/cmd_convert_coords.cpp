// carereach convert-coords --from CRS --to CRS INPUT OUTPUT — converts coordinates of a vector file or a table,
// including between WGS 84 and the Chinese web-map systems GCJ-02 and BD-09.

#include <iostream>

#include "cli/command.hpp"
#include "cli/summary.hpp"
#include "io/convert.hpp"
#include "io/input_access.hpp"

namespace carereach::cli {

namespace {

class ConvertCoordsCommand final : public Command {
 public:
  const char* name() const override { return "convert-coords"; }
  const char* summary() const override {
    return "Convert coordinates of a vector file or CSV between CRSs, GCJ-02 (Amap/Tencent) and BD-09 (Baidu) included";
  }
  void setup(CLI::App& app) override {
    app.add_option("input", o_.input_as_written, "Input: any OGR vector file, or a CSV with --x-field/--y-field")
        ->required();
    app.add_option("output", output_, "Output file; the format follows the extension (.gpkg .shp .geojson .kml .fgb .csv)")
        ->required();
    app.add_option("--from", o_.from,
                   "CRS of the input: EPSG:4326, gcj02, bd09, any PROJ definition (default: the file's own)");
    app.add_option("--to", o_.to, "CRS of the output (same forms as --from)")->required();
    app.add_option("--x-field", o_.x_field, "Table input: longitude/x column, e.g. 经度 or lng");
    app.add_option("--y-field", o_.y_field, "Table input: latitude/y column, e.g. 纬度 or lat");
    app.add_option("--layer", o_.layer, "Convert only this layer (default: every layer)");
    app.add_option("--format", o_.format, "GDAL driver of the output, when the extension does not say");
    app.add_option("--encoding", o_.encoding,
                   "Text encoding of the input (CSV, TXT, GeoJSON, Shapefile): utf-8, gbk, big5, utf-16 "
                   "(default: detect)");
    app.add_option("--decimals", o_.decimals, "Decimals written to a table (default 7 for degrees, 3 for metres)")
        ->check(CLI::Range(0, 12));
    app.add_flag("--overwrite", o_.overwrite, "Replace the output file if it exists");
    app.add_flag("--allow-network", allow_network_, "Let inputs be read from the network (URLs, /vsicurl/ …): off by default, as a scenario or file from someone else must not reach servers");
    app.footer("Example: carereach convert-coords --from gcj02 --to EPSG:4326 --x-field 经度 --y-field 纬度 "
               "amap_points.csv wgs84_points.csv");
  }
  int run(Console& console) override {
    io::lock_network_for_process(allow_network_);
    o_.input = o_.input_as_written;
    io::check_input_path(o_.input, o_.input_as_written, "INPUT");
    o_.output = output_;
    Diagnostics diag;
    const io::ConvertResult r = io::convert_coordinates(o_, diag);
    if (diag.has_errors()) {
      // The failure's reasons are messages, not results: they go to stderr with the final line.
      print_errors(console, diag);
      console.error("nothing was written: fix the rows above, or remove them");
      return static_cast<int>(diag.first_error()->kind);
    }
    for (const auto& p : diag.all()) console.problem(p);
    console.out("Converted " + grouped(double(r.converted)) + " of " + grouped(double(r.features)) + " feature(s) in " +
                std::to_string(r.layers) + " layer(s) to " + output_ + " (" + r.driver + ")");
    return 0;
  }

 private:
  io::ConvertOptions o_;
  std::string output_;
  bool allow_network_ = false;
};

}  // namespace

std::unique_ptr<Command> make_convert_coords_command() { return std::make_unique<ConvertCoordsCommand>(); }

}  // namespace carereach::cli
