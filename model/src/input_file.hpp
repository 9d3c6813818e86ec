#pragma once
// Reading a file the user named (a scenario, a CBS table) so that hostile
// input is an error, never a hang or an allocation: only a regular file (a
// FIFO would block forever, /dev/zero never ends), of at most a documented
// number of bytes, read whole so what is checked is what is used.
#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>

namespace buurtsim::input_file {

enum class Problem { none, nul_in_name, cannot_open, not_regular, too_large, read_error };

struct Contents {
    std::string bytes;
    Problem problem = Problem::none;
    int error = 0;        ///< errno for cannot_open and read_error
    std::string kind;     ///< for not_regular: "a FIFO", "a directory", ...
};

/// The bytes of `path`, or the problem; never blocks on a FIFO or device.
Contents read(const std::filesystem::path& path, std::uintmax_t max_bytes);

/// The path for messages, a NUL byte shown as \0 (messages are C strings).
std::string shown_path(const std::filesystem::path& path);

/// The problem as a sentence about `subject` (e.g. "scenario file \"a.toml\""),
/// with `limit_of` naming whose limit max_bytes is (e.g. "scenario files").
std::string describe(const Contents& c, std::string_view subject, std::uintmax_t max_bytes,
                     std::string_view limit_of);

}  // namespace buurtsim::input_file
