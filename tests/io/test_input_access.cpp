// Input paths: what is a network path, what is not a file, the GDAL-level block of network file systems, the
// checksum of a device, and the kernel-level block of internet sockets (in a child process: it cannot be undone).

#include <catch2/catch.hpp>

#include <cpl_vsi.h>
#include <gdal_priv.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <filesystem>
#include <string>

#include "core/error.hpp"
#include "io/files.hpp"
#include "io/input_access.hpp"
#include "io/resources.hpp"
#include "io/vector_source.hpp"
#include "temp_dir.hpp"

namespace io = carereach::io;

namespace {

io::SourceSpec spec(const std::string& path, const std::string& key = "population") {
  io::SourceSpec s;
  s.path = path;
  s.path_as_written = path;
  s.key = key;
  return s;
}

std::string refusal_code(const io::SourceSpec& s) {
  try {
    io::check_input_path(s);
  } catch (const io::CodedError& e) {
    return e.code();
  }
  return {};
}

}  // namespace

TEST_CASE("network paths are recognised, nested ones too", "[input_access]") {
  CHECK(io::network_scheme("/vsicurl/http://example.org/a.tif") == "/vsicurl/");
  CHECK(io::network_scheme("/vsicurl?url=http%3A%2F%2Fexample.org%2Fa.tif") == "/vsicurl/");
  CHECK(io::network_scheme("/vsizip//vsicurl/https://example.org/a.zip/a.shp") == "/vsicurl/");
  CHECK(io::network_scheme("/VSIS3/bucket/a.tif") == "/vsis3/");
  for (const char* p : {"/vsicurl_streaming/x", "/vsigs/b/x", "/vsiaz/c/x", "/vsiadls/c/x", "/vsioss/b/x",
                        "/vsiswift/c/x", "/vsihdfs/x", "/vsiwebhdfs/x", "/vsis3_streaming/b/x"})
    CHECK_FALSE(io::network_scheme(p).empty());
  CHECK(io::network_scheme("http://example.org/a.tif") == "http://");
  CHECK(io::network_scheme("ftp://example.org/a.tif") == "ftp://");
  CHECK(io::network_scheme("NETCDF:\"https://example.org/a.nc\":pop") == "https://");
  CHECK(io::network_scheme("/data/pop.tif").empty());
  CHECK(io::network_scheme("/vsizip//data/pop.zip/pop.tif").empty());
  CHECK(io::network_scheme("/data/http_dump/pop.tif").empty());
  CHECK(io::network_scheme("/home/u/vsicurl_test/pop.tif").empty());  // a folder name, not GDAL's prefix
  CHECK(io::network_scheme("/home/u/vsis3/pop.tif").empty());         // not a /vsi path: local to GDAL
}

TEST_CASE("inputs that are not files are refused; files, folders and missing paths pass", "[input_access]") {
  carereach::test::TempDir dir;
  CHECK(refusal_code(spec("/dev/zero")) == "input.not_a_file");
  CHECK(refusal_code(spec("/proc/self/status")) == "input.not_a_file");
  CHECK(refusal_code(spec("/vsistdin/")) == "input.not_a_file");
  REQUIRE(::mkfifo((dir / "fifo").c_str(), 0600) == 0);
  CHECK(refusal_code(spec((dir / "fifo").string())) == "input.not_a_file");
  CHECK(refusal_code(spec(dir.write("pop.csv", "a\n").string())).empty());
  CHECK(refusal_code(spec(dir.path().string())).empty());
  CHECK(refusal_code(spec((dir / "missing.tif").string())).empty());
  CHECK(refusal_code(spec("/vsimem/x.tif")).empty());
  // The message names the key and the kind of file.
  try {
    io::check_input_path(spec("/dev/zero", "facilities[2]"));
    FAIL("expected a refusal");
  } catch (const carereach::InputError&) {
    FAIL("expected a CodedError");
  } catch (const io::CodedError& e) {
    CHECK(e.exit_code() == carereach::ExitCode::kInput);
    CHECK(e.where().field == "facilities[2]");
    CHECK(e.message().find("a character device") != std::string::npos);
  }
}

TEST_CASE("the checksum of a device or a pipe is refused, not read for ever", "[input_access]") {
  carereach::test::TempDir dir;
  CHECK_THROWS_AS(io::sha256_file("/dev/zero"), carereach::InputError);
  REQUIRE(::mkfifo((dir / "fifo").c_str(), 0600) == 0);
  CHECK_THROWS_AS(io::sha256_file(dir / "fifo"), carereach::InputError);
  // A regular file still works: SHA-256 of "abc" (FIPS 180-2 example).
  CHECK(io::sha256_file(dir.write("abc.txt", "abc")) ==
        "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

TEST_CASE("network file systems are off at the GDAL level until allowed", "[input_access]") {
  io::ensure_gdal();
  REQUIRE_FALSE(io::network_allowed());
  io::allow_network(false);  // again: another test of this binary may have called GDALAllRegister()
  // Off: opening a /vsicurl/ path fails at once with the reason, without any request (the address is in the
  // reserved TEST-NET-1 range and port 9, so a real attempt would fail differently).
  CPLErrorReset();
  VSILFILE* f = VSIFOpenL("/vsicurl/http://192.0.2.1:9/a.tif", "rb");
  CHECK(f == nullptr);
  CHECK(std::string(CPLGetLastErrorMsg()).find("--allow-network") != std::string::npos);
  CHECK(GetGDALDriverManager()->GetDriverByName("WMS") == nullptr);
  CHECK(GetGDALDriverManager()->GetDriverByName("PostgreSQL") == nullptr);
  // Allowed: the handlers and drivers are back; off again: refused again.
  io::allow_network(true);
  CHECK(GetGDALDriverManager()->GetDriverByName("WMS") != nullptr);
  CPLErrorReset();
  VSIStatBufL st;
  CPLSetThreadLocalConfigOption("GDAL_HTTP_TIMEOUT", "1");
  CHECK(VSIStatL("/vsicurl/http://127.0.0.1:9/a.tif", &st) != 0);  // port 9 on loopback: refused at once
  CPLSetThreadLocalConfigOption("GDAL_HTTP_TIMEOUT", nullptr);
  CHECK(std::string(CPLGetLastErrorMsg()).find("--allow-network") == std::string::npos);
  io::allow_network(false);
  CHECK(GetGDALDriverManager()->GetDriverByName("WMS") == nullptr);
  CPLErrorReset();
  CHECK(VSIFOpenL("/vsicurl/http://192.0.2.1:9/b.tif", "rb") == nullptr);
  CHECK(std::string(CPLGetLastErrorMsg()).find("--allow-network") != std::string::npos);
}

TEST_CASE("the command line's kernel block: internet sockets cannot be created, local ones can", "[input_access]") {
  io::ensure_gdal();
  const pid_t pid = ::fork();
  REQUIRE(pid >= 0);
  if (pid == 0) {
    // Child: exit code 0 when the filter is in place and does what it should.
    if (!io::lock_network_for_process(false)) ::_exit(10);
    const int inet = ::socket(AF_INET, SOCK_STREAM, 0);
    if (inet >= 0 || errno != EACCES) ::_exit(11);
    const int inet6 = ::socket(AF_INET6, SOCK_DGRAM, 0);
    if (inet6 >= 0 || errno != EACCES) ::_exit(12);
    const int local = ::socket(AF_UNIX, SOCK_STREAM, 0);
    if (local < 0) ::_exit(13);
    ::close(local);
    ::_exit(0);
  }
  int status = 0;
  REQUIRE(::waitpid(pid, &status, 0) == pid);
  REQUIRE(WIFEXITED(status));
  CHECK(WEXITSTATUS(status) == 0);
  // This process is not affected.
  const int inet = ::socket(AF_INET, SOCK_STREAM, 0);
  CHECK(inet >= 0);
  if (inet >= 0) ::close(inet);
}
