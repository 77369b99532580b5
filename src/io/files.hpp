#pragma once
// File helpers of the io layer: checksums of inputs, and files written whole or not at all (output folders:
// io/output_folder.hpp).

#include <cstdint>
#include <filesystem>
#include <string>

namespace carereach::io {

/// SHA-256 of a file's bytes, as 64 lower-case hex digits. Throws InputError when it cannot be read.
std::string sha256_file(const std::filesystem::path& file);
/// SHA-256 of a string (for tests and for hashing text outputs).
std::string sha256_text(const std::string& text);

/// Writes text to a file through a temporary file in the same folder and a rename.
void write_file_atomically(const std::filesystem::path& file, const std::string& content);

}  // namespace carereach::io
