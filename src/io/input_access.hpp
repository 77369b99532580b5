#pragma once
// What an input path may be: a regular file (or a folder where a format is a folder), never a device, a pipe,
// a socket or a /proc file; and nothing on the network unless the user allows it (--allow-network).
//
// Network access is off by default, for every GDAL user of the process: a scenario received from someone else
// must not make carereach open URLs. Three layers enforce it (docs/scenario.md, "Inputs on the network"):
//  1. check_input_path() refuses a network path up front, naming the scenario key and the flag;
//  2. at the GDAL level (applied by ensure_gdal() and by allow_network()), for paths nested anywhere — inside
//     /vsizip/, in a local .vrt, a WMS description file, an OGR VRT naming a database: GDAL's network file
//     systems are replaced by one that refuses, CPLHTTPFetch is answered by a callback that refuses, and the
//     drivers that talk to servers are deregistered;
//  3. for the command line, lock_network_for_process(): the kernel refuses to create internet sockets for the
//     rest of the process (seccomp), which also covers libraries that reach the network on their own (netCDF's
//     OPeNDAP client, database clients).

#include <filesystem>
#include <string>

#include "io/scenario.hpp"

namespace carereach::io {

/// Allows or forbids network access at the GDAL level (reversible; off by default).
void allow_network(bool allowed);
[[nodiscard]] bool network_allowed();

/// The command line: allow_network(allowed), and when not allowed also forbids internet sockets for the rest of
/// the process where the kernel supports it. Call once, before any input is opened. Returns whether the kernel
/// block is in place (false when allowed, or when the kernel refuses the filter: the GDAL level still holds).
bool lock_network_for_process(bool allowed);

/// Applies the current network setting to GDAL (called by ensure_gdal() once GDAL is registered).
void apply_network_access_to_gdal();

/// The network prefix or scheme a path uses ("/vsicurl/", "http://" …, also nested such as
/// "/vsizip//vsicurl/…"), or "" for a local path.
[[nodiscard]] std::string network_scheme(const std::string& path);

/// Refuses, with an InputError naming the file and the scenario key (src.key): a path on the network when network
/// access is off (the message names --allow-network); standard input (/vsistdin/, /dev/stdin as a pipe); a path
/// that is not a regular file — a character or block device (/dev/zero), a FIFO, a socket; a file of /proc or
/// /sys. A folder passes (Shapefile folders, FileGDB, ArcInfo grids are folders; the readers decide). A path
/// that does not exist passes (the readers report it with their own message).
void check_input_path(const SourceSpec& src);

/// The same for a path given on the command line (`option` names it in messages, e.g. "INPUT").
void check_input_path(const std::filesystem::path& path, const std::string& shown, const std::string& option);

}  // namespace carereach::io
