#pragma once
// Converting the coordinates of a vector file or a table between any two CRSs, GCJ-02 and BD-09 included
// (carereach convert-coords).

#include <cstddef>
#include <filesystem>
#include <string>

#include "core/diagnostics.hpp"

namespace carereach::io {

struct ConvertOptions {
  std::filesystem::path input;
  std::filesystem::path output;
  std::string input_as_written;  ///< for messages
  std::string from;              ///< CRS of the input; empty = the file's own
  std::string to;                ///< CRS of the output
  std::string x_field, y_field;  ///< tables: coordinate columns (then the output is a table with the same columns)
  std::string layer;             ///< convert only this layer (default: all)
  std::string format;            ///< GDAL driver of the output; empty = from the output's extension
  std::string encoding;          ///< text encoding of the input, as the scenario's `encoding` key ("" = detect)
  int decimals = -1;             ///< tables: decimals written; -1 = 7 for degrees, 3 for metres
  bool overwrite = false;
};

struct ConvertResult {
  std::size_t layers = 0;
  std::size_t features = 0;
  std::size_t converted = 0;
  std::size_t empty = 0;  ///< rows with empty coordinates or features without geometry, copied unchanged
  std::string driver;
};

/// Converts; the output appears complete or not at all. Rows that cannot be converted (not a number, out of
/// range) are errors in diag and nothing is written; rows with empty coordinates are copied with a warning.
ConvertResult convert_coordinates(const ConvertOptions& options, Diagnostics& diag);

}  // namespace carereach::io
