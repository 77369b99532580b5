#include "io/input_access.hpp"

#include <cpl_error.h>
#include <cpl_http.h>
#include <cpl_string.h>
#include <cpl_vsi_virtual.h>
#include <gdal_priv.h>
#include <sys/stat.h>
#include <sys/statfs.h>

#if defined(__linux__)
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#endif

#include <atomic>
#include <cerrno>
#include <cstddef>
#include <cstring>
#include <map>
#include <mutex>
#include <vector>

#include "core/error.hpp"
#include "core/text.hpp"
#include "io/resources.hpp"
#include "io/vector_source.hpp"

namespace carereach::io {

namespace {

// Why not GDAL's configuration options (GDAL 3.6)? None of them stops every connection:
//  - GDAL_HTTP_PROXY / GDAL_HTTPS_PROXY pointed at a closed port: libcurl still goes direct to every host listed in
//    the no_proxy / NO_PROXY environment variable (it reads it whenever CURLOPT_NOPROXY is not set, and GDAL does
//    not set it) — typically localhost and the intranet — and a proxy does nothing for clients that are not curl
//    (libpq for PostgreSQL, the MySQL and ODBC clients, netCDF's OPeNDAP client);
//  - CPL_VSIL_CURL_ALLOWED_EXTENSIONS filters /vsicurl/ file names by extension only, not /vsis3/ … signing
//    requests, nor CPLHTTPFetch (the web-service drivers);
//  - GDAL_DISABLE_READDIR_ON_OPEN and VSI_CACHE change how many requests are made, not whether;
//  - CPLHTTPSetFetchCallback answers CPLHTTPFetch, but CPLHTTPMultiFetch (WMS tiles) and the /vsicurl/ family call
//    libcurl directly, without it.
// So the block replaces the network file systems themselves (VSIFileManager::InstallHandler: every GDAL open, at
// any depth of nesting, goes through the handler of the path's prefix), answers CPLHTTPFetch, deregisters the
// drivers that exist to talk to servers, and for the command line adds the kernel filter on internet sockets.
std::atomic<bool> g_allowed{false};
std::mutex g_mutex;

/// GDAL's file systems that reach servers (GDAL 3.6 has no /vsihdfs/ in Debian's build; listed for later ones).
constexpr const char* kNetworkPrefixes[] = {"/vsicurl/",
                                            "/vsicurl?",
                                            "/vsicurl_streaming/",
                                            "/vsis3/",
                                            "/vsis3_streaming/",
                                            "/vsigs/",
                                            "/vsigs_streaming/",
                                            "/vsiaz/",
                                            "/vsiaz_streaming/",
                                            "/vsiadls/",
                                            "/vsioss/",
                                            "/vsioss_streaming/",
                                            "/vsiswift/",
                                            "/vsiswift_streaming/",
                                            "/vsihdfs/",
                                            "/vsiwebhdfs/"};

/// Drivers whose purpose is talking to a server (web services, databases, remote catalogues). They are
/// deregistered while the network is off, so that a nested dataset name (a VRT source, a WMS description file, an
/// OGR VRT naming "PG:host=…") cannot reach one through a client library of its own.
constexpr const char* kServerDrivers[] = {
    "HTTP",          "WMS",     "WMTS",      "WCS",         "WFS",           "OAPIF",    "OGCAPI",  "CSW",
    "EEDA",          "EEDAI",   "DAAS",      "PLMOSAIC",    "PLSCENES",      "NGW",      "Carto",   "AmigoCloud",
    "Elasticsearch", "CouchDB", "MongoDBv3", "PostgreSQL",  "PostGISRaster", "MySQL",    "ODBC",    "PGeo",
    "MSSQLSpatial",  "OCI",     "OGR_OGDI",  "GNMDatabase", "DODS",          "OGR_DODS", "GPSBabel"};

const char* const kFlagNote = "network access is off: run with --allow-network to let carereach open it";

/// Answers every request to a network file system with a failure that says why (GDAL shows it as the reason
/// a dataset cannot be opened).
class RefusingFilesystem final : public VSIFilesystemHandler {
 public:
  VSIVirtualHandle* Open(const char* name, const char*, bool, CSLConstList) override {
    CPLError(CE_Failure, CPLE_AppDefined, "%s is on the network, and %s", name, kFlagNote);
    errno = EACCES;
    return nullptr;
  }
  int Stat(const char* name, VSIStatBufL*, int) override {
    CPLError(CE_Failure, CPLE_AppDefined, "%s is on the network, and %s", name, kFlagNote);
    errno = EACCES;
    return -1;
  }
};

CPLHTTPResult* refuse_http(const char* url, CSLConstList, GDALProgressFunc, void*, CPLHTTPFetchWriteFunc, void*,
                           void*) {
  auto* r = static_cast<CPLHTTPResult*>(CPLCalloc(1, sizeof(CPLHTTPResult)));
  const std::string why = std::string(url) + " is on the network, and " + kFlagNote;
  r->nStatus = 1;
  r->pszErrBuf = CPLStrdup(why.c_str());
  CPLError(CE_Failure, CPLE_AppDefined, "%s", why.c_str());
  return r;
}

struct GdalState {
  bool blocked = false;
  VSIFilesystemHandler* refusing = nullptr;  ///< owned by GDAL once installed (it deletes handlers at clean-up)
  std::map<std::string, VSIFilesystemHandler*> saved;  ///< the handlers replaced, to put back
  std::vector<GDALDriver*> deregistered;
};
// Lives as long as the process, like the GDAL objects it holds: the handlers and drivers taken out of GDAL while
// the network is off are reachable only from here, and a static destroyed at exit would orphan them before the
// leak checker looks (and before GDAL's own clean-up, which runs later).
GdalState& g_gdal = *new GdalState;

/// Idempotent, and complete again after a GDALAllRegister() that brought the server drivers back.
void block_gdal() {
  if (g_gdal.refusing == nullptr) g_gdal.refusing = new RefusingFilesystem();
  VSIFilesystemHandler* local = VSIFileManager::GetHandler("/carereach-local-probe");
  for (const char* prefix : kNetworkPrefixes) {
    VSIFilesystemHandler* current = VSIFileManager::GetHandler(prefix);
    if (current == g_gdal.refusing) continue;
    // GetHandler falls back to the local file system for an unknown prefix: only a real one is saved.
    if (current != local) g_gdal.saved[prefix] = current;
    VSIFileManager::InstallHandler(prefix, g_gdal.refusing);
  }
  CPLHTTPSetFetchCallback(refuse_http, nullptr);
  GDALDriverManager* drivers = GetGDALDriverManager();
  for (const char* name : kServerDrivers) {
    if (GDALDriver* d = drivers->GetDriverByName(name)) {
      drivers->DeregisterDriver(d);
      g_gdal.deregistered.push_back(d);
    }
  }
  g_gdal.blocked = true;
}

void unblock_gdal() {
  if (!g_gdal.blocked) return;
  for (const char* prefix : kNetworkPrefixes) {
    const auto it = g_gdal.saved.find(prefix);
    // A prefix GDAL did not have goes to the local file system's handler again.
    VSIFileManager::InstallHandler(
        prefix, it != g_gdal.saved.end() ? it->second : VSIFileManager::GetHandler("/carereach-local-probe"));
  }
  CPLHTTPSetFetchCallback(nullptr, nullptr);
  for (GDALDriver* d : g_gdal.deregistered) GetGDALDriverManager()->RegisterDriver(d);
  g_gdal.deregistered.clear();
  g_gdal.blocked = false;
}

#if defined(__linux__) && (defined(__x86_64__) || defined(__aarch64__))
/// seccomp filter: socket(AF_INET | AF_INET6 | AF_PACKET, …) and io_uring_setup fail with EACCES; everything
/// else (files, AF_UNIX sockets, threads) is allowed. Returns false when the kernel refuses it.
bool install_socket_filter() {
#if defined(__x86_64__)
  constexpr std::uint32_t kArch = AUDIT_ARCH_X86_64;
#else
  constexpr std::uint32_t kArch = AUDIT_ARCH_AARCH64;
#endif
  const std::uint32_t deny = SECCOMP_RET_ERRNO | (static_cast<std::uint32_t>(EACCES) & SECCOMP_RET_DATA);
  std::vector<sock_filter> f;
  // Jumps are written to labels (the index of the instruction) and resolved below.
  constexpr std::uint8_t kToAllow = 0xF0, kToDeny = 0xF1;
  auto stmt = [&](std::uint16_t code, std::uint32_t k) { f.push_back(sock_filter{code, 0, 0, k}); };
  auto jeq = [&](std::uint32_t k, std::uint8_t to) { f.push_back(sock_filter{BPF_JMP | BPF_JEQ | BPF_K, to, 0, k}); };
  stmt(BPF_LD | BPF_W | BPF_ABS, offsetof(seccomp_data, arch));
  f.push_back(sock_filter{BPF_JMP | BPF_JEQ | BPF_K, 0, kToAllow, kArch});  // another ABI: not ours to judge
  stmt(BPF_LD | BPF_W | BPF_ABS, offsetof(seccomp_data, nr));
#if defined(__x86_64__)
  f.push_back(sock_filter{BPF_JMP | BPF_JGE | BPF_K, kToDeny, 0, 0x40000000u});  // x32 system calls
#endif
#ifdef __NR_io_uring_setup
  jeq(__NR_io_uring_setup, kToDeny);  // io_uring can create sockets without socket()
#endif
  f.push_back(sock_filter{BPF_JMP | BPF_JEQ | BPF_K, 0, kToAllow, static_cast<std::uint32_t>(__NR_socket)});
  stmt(BPF_LD | BPF_W | BPF_ABS, offsetof(seccomp_data, args[0]));  // the domain (low word, little-endian)
  jeq(AF_INET, kToDeny);
  jeq(AF_INET6, kToDeny);
  jeq(AF_PACKET, kToDeny);
  const std::size_t allow_at = f.size();
  stmt(BPF_RET | BPF_K, SECCOMP_RET_ALLOW);
  const std::size_t deny_at = f.size();
  stmt(BPF_RET | BPF_K, deny);
  for (std::size_t i = 0; i < f.size(); ++i) {
    auto resolve = [&](std::uint8_t& j) {
      if (j == kToAllow)
        j = static_cast<std::uint8_t>(allow_at - i - 1);
      else if (j == kToDeny)
        j = static_cast<std::uint8_t>(deny_at - i - 1);
    };
    if (BPF_CLASS(f[i].code) == BPF_JMP) {
      resolve(f[i].jt);
      resolve(f[i].jf);
    }
  }
  sock_fprog prog{static_cast<unsigned short>(f.size()), f.data()};
  if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0) return false;
  return prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &prog, 0, 0) == 0;
}
#else
bool install_socket_filter() {
  return false;
}
#endif

Location at(const SourceSpec& src) {
  return Location{src.path_as_written.empty() ? src.path.string() : src.path_as_written, {}, {}, src.key, src.line};
}

const char* file_kind(mode_t mode) {
  if (S_ISCHR(mode)) return "a character device";
  if (S_ISBLK(mode)) return "a block device";
  if (S_ISFIFO(mode)) return "a pipe (FIFO)";
  if (S_ISSOCK(mode)) return "a socket";
  return "not a regular file";
}

/// `place`: where the user names the input ("in facilities[0]", "as INPUT").
void check_path(const std::filesystem::path& path, const Location& where, const std::string& place) {
  const std::string p = path.string();
  const std::string lower = ascii_lower(p);
  if (const std::string scheme = network_scheme(p); !scheme.empty() && !network_allowed())
    throw CodedError(ExitCode::kInput, "input.network"_code,
                     "is on the network (" + scheme + "), and carereach reaches the network only when allowed", where,
                     "copy the file to this computer and name the copy " + place +
                         ", or run with --allow-network if you trust where the scenario points");
  if (lower.find("/vsistdin") != std::string::npos)
    throw CodedError(ExitCode::kInput, "input.not_a_file"_code, "is standard input, not a file", where,
                     "save the data to a file and name that file " + place);
  if (p.starts_with("/vsi")) return;  // GDAL's own (in-memory, archives): GDAL checks them
  struct stat st {};
  if (::stat(p.c_str(), &st) != 0) return;  // missing: the reader says so in its own words
  if (S_ISDIR(st.st_mode)) return;          // Shapefile folders, FileGDB, ArcInfo grids
  if (!S_ISREG(st.st_mode))
    throw CodedError(ExitCode::kInput, "input.not_a_file"_code,
                     std::string("is ") + file_kind(st.st_mode) + ", not a data file (resolved to " + p + ")", where,
                     "save the data to a file and name that file " + place);
  struct statfs fs {};
  constexpr long kProcMagic = 0x9fa0, kSysfsMagic = 0x62656572;
  if (::statfs(p.c_str(), &fs) == 0 && (fs.f_type == kProcMagic || fs.f_type == kSysfsMagic))
    throw CodedError(ExitCode::kInput, "input.not_a_file"_code,
                     "is a file of the kernel's /proc or /sys, not a data file (resolved to " + p + ")", where,
                     "save the data to a file and name that file " + place);
}

}  // namespace

void allow_network(bool allowed) {
  g_allowed = allowed;
  ensure_gdal();  // registers GDAL, then applies the setting
  apply_network_access_to_gdal();
}

bool network_allowed() {
  return g_allowed;
}

bool lock_network_for_process(bool allowed) {
  allow_network(allowed);
  if (allowed) return false;
  return install_socket_filter();
}

void apply_network_access_to_gdal() {
  const std::lock_guard lock(g_mutex);
  if (g_allowed)
    unblock_gdal();
  else
    block_gdal();
}

std::string network_scheme(const std::string& path) {
  const std::string lower = ascii_lower(path);
  // GDAL's virtual paths chain (/vsizip//vsicurl/…): a network file system anywhere in a /vsi path counts. A path
  // that does not start with /vsi is a local path to GDAL, whatever folder names it has.
  const bool virtual_path = lower.starts_with("/vsi");
  if (virtual_path)
    for (const char* prefix : kNetworkPrefixes)
      if (lower.find(prefix) != std::string::npos) {
        std::string shown(prefix);
        if (shown.back() == '?') shown.back() = '/';  // "/vsicurl?url=…" is /vsicurl/
        return shown;
      }
  for (const char* scheme : {"http://", "https://", "ftp://", "ftps://", "s3://", "gs://", "az://"}) {
    const auto at = lower.find(scheme);
    if (at == std::string::npos) continue;
    // at the start, after a driver prefix or a quote (NETCDF:"https://…"), or inside a virtual path
    const char before = at == 0 ? '\0' : lower[at - 1];
    if (at == 0 || before == '"' || before == '\'' || before == ':' || (virtual_path && before == '/')) return scheme;
  }
  return {};
}

void check_input_path(const SourceSpec& src) {
  check_path(src.path, at(src), "in " + src.key);
}

void check_input_path(const std::filesystem::path& path, const std::string& shown, const std::string& option) {
  check_path(path, Location{shown, {}, {}, {}, 0}, "as " + option);
}

}  // namespace carereach::io
