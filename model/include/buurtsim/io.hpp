#pragma once
/** @file io.hpp
 *  HDF5 result files (netCDF-4 compatible: dimension scales, so xarray's
 *  h5netcdf engine sees named dimensions). Layout: docs/FORMAT.md.
 *  A file holds one or more scenarios run with the same replicate seeds
 *  (common random numbers); every indicator has dims (scenario, replicate,
 *  week, buurt). Writing is atomic: a temporary file beside the target,
 *  renamed on success.
 */
#include "buurtsim/indicators.hpp"
#include "buurtsim/population.hpp"

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace buurtsim {

/** @brief Version of the file layout; readers accept the same major version. */
inline constexpr const char* format_version = "2.2";

struct DataFileRecord {
    std::string path;    ///< as given to the run
    std::string sha256;  ///< hex digest of its bytes
};

/** @brief Provenance of the whole file (what the scenarios share). */
struct Provenance {
    std::string version;
    std::string git_commit;
    std::uint64_t seed = 0;
    std::vector<DataFileRecord> data_files;
    int threads = 0;
    std::string host;
    std::string command_line;
    std::string start_time;  ///< ISO 8601 UTC
    std::string end_time;    ///< ISO 8601 UTC
};

/** @brief One scenario of a result file and its replicates. */
struct ScenarioRun {
    std::string name;                    ///< unique within the file
    std::string toml;                    ///< fully resolved scenario (to_toml)
    std::vector<std::string> files;      ///< scenario files read, base first
    std::vector<Results> replicates;     ///< in the order of ResultSet::replicate_ids
    std::vector<std::uint8_t> targeted;  ///< per buurt: 1 if an intervention of the scenario targets it (empty: none)
};

/** @brief Everything in a result file's data variables: areas, replicate indices, scenarios. */
struct ResultSet {
    Geography geo;
    /// Replicate index of each position along the replicate dimension
    /// (0..K-1 for a whole batch; {k} for a batch re-run as replicate k alone).
    std::vector<std::uint32_t> replicate_ids;
    std::vector<ScenarioRun> scenarios;
};

/** @brief Write a result file atomically.
 *  @param results every scenario with one Results per replicate id, all with the geography's buurt count
 *                 and the same weeks; scenario names unique
 *  @throws IoError if the file cannot be written (no partial file is left);
 *          InternalError if `results` is inconsistent. */
void write_results(const std::filesystem::path& out, const ResultSet& results, const Provenance& prov);

/** @brief Read the data variables of a result file (not snapshots, not provenance).
 *  @param only indicators to read; empty: all. Indicators not read, or absent from the file
 *              (an older minor version), have empty `values` vectors. Results::snapshots stay empty.
 *  @throws IoError for a missing or unreadable file, a file that is not a buurtsim result, or a
 *          file of another format major version (the message names both versions). */
ResultSet read_results(const std::filesystem::path& in, const std::vector<Indicator>& only = {});

/** @brief The root attribute format_version of a result file. @throws IoError if it cannot be read. */
std::string read_format_version(const std::filesystem::path& in);

struct Comparison;  // buurtsim/compare.hpp

/** @brief Add (or replace) the group /comparison of an existing result file, atomically:
 *         the file is copied beside itself, the group written into the copy, and the copy renamed
 *         onto the file. On failure the file is unchanged and no copy is left.
 *  @throws IoError if the file cannot be read, copied or written. */
void write_comparison(const std::filesystem::path& file, const Comparison& comparison);

/** @brief Path of the temporary file write_results uses for `out` (the CLI removes it on a signal). */
std::filesystem::path temporary_path(const std::filesystem::path& out);

/** @brief UTC time now as ISO 8601, e.g. "2026-11-23T19:30:00Z". */
std::string utc_now_iso8601();

}  // namespace buurtsim
