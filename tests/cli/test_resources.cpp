// Resource bounds on the command line: a scenario whose grid would not fit in memory is refused before any work,
// with the estimate, the memory available and what to change; a raster that declares an enormous window is
// refused before it is read; inputs that are not files (devices, pipes, /proc, standard input) are refused; and
// nothing is read from the network unless --allow-network is given — checked with a listener on 127.0.0.1 that
// counts the connections it receives.

#include <catch2/catch.hpp>

#include <arpa/inet.h>
#include <gdal_priv.h>
#include <netinet/in.h>
#include <ogr_spatialref.h>
#include <poll.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <string>
#include <thread>

#include "cli_runner.hpp"
#include "fixture.hpp"

using carereach::test::Fixture;
using carereach::test::replace_all;
using carereach::test::run_cli;

namespace {

/// Sets an environment variable for the life of the object (the command inherits it).
struct EnvVar {
  std::string name;
  EnvVar(std::string n, const std::string& value) : name(std::move(n)) { setenv(name.c_str(), value.c_str(), 1); }
  ~EnvVar() { unsetenv(name.c_str()); }
  EnvVar(const EnvVar&) = delete;
  EnvVar& operator=(const EnvVar&) = delete;
};

/// A TCP listener on 127.0.0.1 (ephemeral port) that accepts and closes every connection, counting them. It
/// stops with the object.
class Listener {
 public:
  Listener() {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    REQUIRE(fd_ >= 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    addr.sin_port = 0;
    REQUIRE(::bind(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0);
    REQUIRE(::listen(fd_, 16) == 0);
    socklen_t len = sizeof addr;
    REQUIRE(::getsockname(fd_, reinterpret_cast<sockaddr*>(&addr), &len) == 0);
    port_ = ntohs(addr.sin_port);
    thread_ = std::thread([this] {
      while (!stop_) {
        pollfd p{fd_, POLLIN, 0};
        if (::poll(&p, 1, 50) <= 0) continue;
        const int c = ::accept(fd_, nullptr, nullptr);
        if (c < 0) continue;
        ++connections_;
        ::close(c);  // no answer: the client sees an empty reply
      }
    });
  }
  ~Listener() {
    stop_ = true;
    thread_.join();
    ::close(fd_);
  }
  Listener(const Listener&) = delete;
  Listener& operator=(const Listener&) = delete;
  [[nodiscard]] int port() const { return port_; }
  /// Connections so far, after a moment for one still in the queue.
  [[nodiscard]] int connections() const {
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
    return connections_;
  }
  [[nodiscard]] std::string url(const std::string& file) const {
    return "http://127.0.0.1:" + std::to_string(port_) + "/" + file;
  }

 private:
  int fd_ = -1;
  int port_ = 0;
  std::atomic<int> connections_{0};
  std::atomic<bool> stop_{false};
  std::thread thread_;
};

/// The fixture's scenario with its [population] (census totals) replaced by a raster source.
std::string with_population_raster(const std::string& source) {
  const std::string s = Fixture::scenario_toml();
  const auto from = s.find("[population]");
  const auto to = s.find("[[facilities]]");
  return s.substr(0, from) + "[population]\nkind = \"raster\"\nsource = \"" + source + "\"\n\n" + s.substr(to);
}

/// A local VRT of persons per pixel over the fixture's counties (WGS 84, 0.01° pixels) whose source is `source`.
std::string vrt_over_fixture(const std::string& source) {
  return R"(<VRTDataset rasterXSize="40" rasterYSize="40">
  <SRS>EPSG:4326</SRS>
  <GeoTransform>115.9, 0.01, 0, 33.7, 0, -0.01</GeoTransform>
  <VRTRasterBand dataType="Float32" band="1">
    <SimpleSource>
      <SourceFilename relativeToVRT="0">)" +
         source + R"(</SourceFilename>
      <SourceBand>1</SourceBand>
      <SourceProperties RasterXSize="40" RasterYSize="40" DataType="Float32" BlockXSize="40" BlockYSize="40"/>
    </SimpleSource>
  </VRTRasterBand>
</VRTDataset>
)";
}

}  // namespace

TEST_CASE("memory before work: a grid that would not fit is refused at once with the estimate", "[cli][resources]") {
  Fixture f;
  // The two counties span 0.2° × 0.1° (about 18.6 × 11.1 km): 1 m cells make about 207 million cells, which need
  // tens of GB; 20,000 MB are declared available, so the refusal does not depend on this machine.
  const EnvVar available("CAREREACH_MEMORY_AVAILABLE_MB", "20000");
  f.set_scenario(replace_all(Fixture::scenario_toml(), "cell_size_m = 500", "cell_size_m = 1"));
  for (const char* command : {"run", "validate"}) {
    INFO(command);
    const auto r = std::string(command) == "run" ? run_cli({"run", f.scenario(), "--out", (f.dir / "out").string()})
                                                 : run_cli({"validate", f.scenario()});
    CHECK(r.code == 3);
    CHECK(r.all().find("analysis.cell_size_m") != std::string::npos);
    CHECK(r.all().find("million cells (1 m cells over") != std::string::npos);
    CHECK(r.all().find("GB of memory; 20 GB are available (CAREREACH_MEMORY_AVAILABLE_MB)") != std::string::npos);
    CHECK(r.all().find("use a larger analysis.cell_size_m") != std::string::npos);
  }
  CHECK_FALSE(std::filesystem::exists(f.dir / "out"));
}

TEST_CASE("memory before work: the memory available is what the environment says (for tests)", "[cli][resources]") {
  Fixture f;
  SECTION("1 MB: even the tiny scenario is refused") {
    const EnvVar available("CAREREACH_MEMORY_AVAILABLE_MB", "1");
    const auto r = run_cli({"run", f.scenario(), "--out", (f.dir / "out").string()});
    CHECK(r.code == 3);
    CHECK(r.err.find("1 MB are available (CAREREACH_MEMORY_AVAILABLE_MB)") != std::string::npos);
    CHECK_FALSE(std::filesystem::exists(f.dir / "out"));
  }
  SECTION("enough: validate prints the estimate and the scenario can run") {
    const EnvVar available("CAREREACH_MEMORY_AVAILABLE_MB", "5000");
    const auto r = run_cli({"validate", f.scenario()});
    CHECK(r.code == 0);
    CHECK(r.out.find("Memory 内存: about ") != std::string::npos);
    CHECK(r.out.find("needed by `run`; 5.0 GB available (CAREREACH_MEMORY_AVAILABLE_MB)") != std::string::npos);
  }
}

TEST_CASE("memory before work: a refused scenario's standards are not said to lack the roads it names",
          "[cli][resources]") {
  // The Bozhou demo names its roads; with 1 MB available, loading stops before them. validate still lists the
  // standards that cannot be computed, and must not blame a missing [roads] table.
  const EnvVar available("CAREREACH_MEMORY_AVAILABLE_MB", "1");
  const auto r = run_cli({"validate", std::string(CAREREACH_GEODATA) + "/bozhou/scenario.toml"});
  INFO(r.all());
  CHECK(r.code == 3);
  CHECK(r.all().find("1 MB are available (CAREREACH_MEMORY_AVAILABLE_MB)") != std::string::npos);
  CHECK(r.all().find("the scenario has no [roads]") == std::string::npos);
  CHECK(r.all().find("the scenario's [roads] were not loaded (see the error above)") != std::string::npos);
}

TEST_CASE("a raster that declares 200,000 × 200,000 pixels is refused before it is read", "[cli][resources]") {
  Fixture f;
  GDALAllRegister();
  const std::string huge = (f.dir / "huge.tif").string();
  {
    // Sparse: no tile is written, so the file is a few kB although it declares 40 billion Float32 pixels.
    const char* options[] = {"TILED=YES",      "BLOCKXSIZE=4096",  "BLOCKYSIZE=4096",
                             "SPARSE_OK=TRUE", "COMPRESS=DEFLATE", "BIGTIFF=YES",
                             nullptr};
    GDALDriver* gtiff = GetGDALDriverManager()->GetDriverByName("GTiff");
    REQUIRE(gtiff != nullptr);
    GDALDatasetUniquePtr ds(gtiff->Create(huge.c_str(), 200000, 200000, 1, GDT_Float32, const_cast<char**>(options)));
    REQUIRE(ds);
    double gt[6] = {115.9, 2e-6, 0, 33.7, 0, -2e-6};  // 0.4° × 0.4° over the counties, pixels of about 0.2 m
    ds->SetGeoTransform(gt);
    OGRSpatialReference srs;
    srs.importFromEPSG(4326);
    ds->SetSpatialRef(&srs);
  }
  REQUIRE(std::filesystem::file_size(huge) < 1'000'000);
  f.set_scenario(with_population_raster("huge.tif"));
  const auto r = run_cli({"run", f.scenario(), "--out", (f.dir / "out").string()});
  CHECK(r.code == 4);
  CHECK(r.err.find("huge.tif") != std::string::npos);
  CHECK(r.err.find("window over the study area is") != std::string::npos);
  CHECK(r.err.find("billion pixels") != std::string::npos);
  CHECK(r.err.find("gdalwarp -tr") != std::string::npos);
  CHECK_FALSE(std::filesystem::exists(f.dir / "out"));
}

TEST_CASE("inputs that are not files are refused, naming the scenario key", "[cli][resources]") {
  Fixture f;
  SECTION("/dev/zero as the population raster") {
    f.set_scenario(with_population_raster("/dev/zero"));
    const auto r = run_cli({"validate", f.scenario()});
    CHECK(r.code == 4);
    CHECK(r.err.find("field 'population'") != std::string::npos);
    CHECK(r.err.find("is a character device, not a data file") != std::string::npos);
  }
  SECTION("a named pipe as the facilities (it would block a reader for ever)") {
    std::filesystem::remove(f.dir / "facilities.csv");
    REQUIRE(::mkfifo((f.dir / "facilities.csv").c_str(), 0600) == 0);
    const auto r = run_cli({"run", f.scenario(), "--out", (f.dir / "out").string()});
    CHECK(r.code == 4);
    CHECK(r.err.find("field 'facilities[0]'") != std::string::npos);
    CHECK(r.err.find("is a pipe (FIFO)") != std::string::npos);
  }
  SECTION("a /proc file") {
    f.set_scenario(
        replace_all(Fixture::scenario_toml(), "source = \"facilities.csv\"", "source = \"/proc/self/status\""));
    const auto r = run_cli({"validate", f.scenario()});
    CHECK(r.code == 4);
    CHECK(r.err.find("/proc or /sys") != std::string::npos);
  }
  SECTION("GDAL's standard input") {
    f.set_scenario(with_population_raster("/vsistdin/"));
    const auto r = run_cli({"validate", f.scenario()});
    CHECK(r.code == 4);
    CHECK(r.err.find("is standard input, not a file") != std::string::npos);
  }
  SECTION("the scenario file itself, and its speed profile") {
    const auto r = run_cli({"validate", "/dev/zero"});
    CHECK(r.code == 4);
    CHECK(r.err.find("is a character device, not a data file") != std::string::npos);
    f.set_scenario(Fixture::scenario_toml() + "\n[travel]\nspeeds_file = \"/dev/zero\"\n");
    const auto s = run_cli({"validate", f.scenario()});
    CHECK(s.code == 4);
    CHECK(s.err.find("field 'travel.speeds_file'") != std::string::npos);
    CHECK(s.err.find("is a character device") != std::string::npos);
  }
  SECTION("a folder where a file is expected is left to the reader (formats may be folders)") {
    std::filesystem::create_directory(f.dir / "census_dir");
    f.set_scenario(replace_all(Fixture::scenario_toml(), "source = \"census.csv\"", "source = \"census_dir\""));
    const auto r = run_cli({"validate", f.scenario()});
    CHECK(r.code == 4);
    CHECK(r.all().find("is a folder, not a data file") != std::string::npos);
  }
}

TEST_CASE("no network unless allowed: a URL in the scenario is not opened", "[cli][resources][network]") {
  Fixture f;
  Listener server;
  SECTION("directly, and nested in a local archive path") {
    for (const std::string& path :
         {"/vsicurl/" + server.url("pop.tif"), "/vsizip//vsicurl/" + server.url("pop.zip") + "/pop.tif"}) {
      INFO(path);
      f.set_scenario(with_population_raster(path));
      const auto r = run_cli({"run", f.scenario(), "--out", (f.dir / "out").string()});
      CHECK(r.code == 4);
      CHECK(r.err.find("field 'population'") != std::string::npos);
      CHECK(r.err.find("is on the network (/vsicurl/)") != std::string::npos);
      CHECK(r.err.find("--allow-network") != std::string::npos);
    }
    CHECK(server.connections() == 0);
    // The block is what stops it: allowed, the same scenario reaches the listener (which answers nothing, so the
    // raster still cannot be read).
    f.set_scenario(with_population_raster("/vsicurl/" + server.url("pop.tif")));
    const auto allowed = run_cli({"validate", f.scenario(), "--allow-network"});
    CHECK(allowed.code == 4);
    CHECK(server.connections() > 0);
  }
  SECTION("through a local VRT whose source is on the network (/vsicurl/ or a plain http:// URL)") {
    for (const std::string& source : {"/vsicurl/" + server.url("pop.tif"), server.url("pop.tif")}) {
      INFO(source);
      f.dir.write("pop.vrt", vrt_over_fixture(source));
      f.set_scenario(with_population_raster("pop.vrt"));
      const auto r = run_cli({"run", f.scenario(), "--out", (f.dir / "out").string()});
      CHECK(r.code == 4);
      CHECK(r.err.find("pop.vrt") != std::string::npos);
      CHECK(server.connections() == 0);
    }
    // The /vsicurl/ source names the flag in the message.
    f.dir.write("pop.vrt", vrt_over_fixture("/vsicurl/" + server.url("pop.tif")));
    const auto r = run_cli({"validate", f.scenario()});
    CHECK(r.all().find("is on the network, and network access is off: run with --allow-network") != std::string::npos);
    CHECK(server.connections() == 0);
    const auto allowed = run_cli({"validate", f.scenario(), "--allow-network"});
    CHECK(allowed.code == 4);
    CHECK(server.connections() > 0);
  }
  CHECK_FALSE(std::filesystem::exists(f.dir / "out"));
}

TEST_CASE("no network unless allowed: export and convert-coords", "[cli][resources][network]") {
  Fixture f;
  Listener server;
  const std::string url = "/vsicurl/" + server.url("layers.gpkg");
  const auto e = run_cli({"export", url, (f.dir / "out.gpkg").string(), "--format", "GPKG"});
  CHECK(e.code == 4);
  CHECK(e.err.find("--allow-network") != std::string::npos);
  const auto c =
      run_cli({"convert-coords", "--from", "gcj02", "--to", "EPSG:4326", url, (f.dir / "out2.gpkg").string()});
  CHECK(c.code == 4);
  CHECK(c.err.find("--allow-network") != std::string::npos);
  CHECK(server.connections() == 0);
  const auto allowed = run_cli({"export", url, (f.dir / "out.gpkg").string(), "--format", "GPKG", "--allow-network"});
  CHECK(allowed.code == 4);  // the listener answers nothing
  CHECK(server.connections() > 0);
}
