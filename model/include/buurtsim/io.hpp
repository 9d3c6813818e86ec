#pragma once
/** @file io.hpp
 *  HDF5 result files (netCDF-4 compatible: dimension scales, so xarray's
 *  h5netcdf engine sees named dimensions). Layout: docs/FORMAT.md.
 *  Writing is atomic: a temporary file beside the target, renamed on success.
 */
#include "buurtsim/indicators.hpp"
#include "buurtsim/population.hpp"

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace buurtsim {

/** @brief Version of the file layout; readers accept the same major version. */
inline constexpr const char* format_version = "1.1";

struct DataFileRecord {
    std::string path;    ///< as given to the run
    std::string sha256;  ///< hex digest of its bytes
};

/** @brief Provenance stored with every result. */
struct Provenance {
    std::string version;
    std::string git_commit;
    std::uint64_t seed = 0;
    std::string scenario_name;
    std::string scenario_toml;  ///< fully resolved scenario (to_toml)
    std::vector<std::string> scenario_files;
    std::vector<DataFileRecord> data_files;
    int threads = 0;
    std::string host;
    std::string command_line;
    std::string start_time;  ///< ISO 8601 UTC
    std::string end_time;    ///< ISO 8601 UTC
};

/** @brief Write a result file atomically.
 *  @param replicates  one Results per replicate, all with the geography's buurt count and the same weeks
 *  @throws IoError if the file cannot be written (no partial file is left). */
void write_results(const std::filesystem::path& out, const Geography& geo,
                   const std::vector<Results>& replicates, const Provenance& prov);

/** @brief Path of the temporary file write_results uses for `out` (the CLI removes it on a signal). */
std::filesystem::path temporary_path(const std::filesystem::path& out);

/** @brief UTC time now as ISO 8601, e.g. "2026-11-23T19:30:00Z". */
std::string utc_now_iso8601();

}  // namespace buurtsim
