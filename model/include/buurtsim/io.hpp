#pragma once
/** @file io.hpp
 *  HDF5 result files (netCDF-4 compatible: dimension scales, so xarray's
 *  h5netcdf engine sees named dimensions). Layout: docs/FORMAT.md.
 *  A file holds one or more scenarios run with the same replicate seeds
 *  (common random numbers); every indicator has dims (scenario, replicate,
 *  week, buurt). Writing is atomic: a temporary file beside the target
 *  (unpredictable name, created exclusively), renamed on success; the target
 *  must be a new name or a regular file that is not an input of the run.
 */
#include "buurtsim/indicators.hpp"
#include "buurtsim/population.hpp"

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace buurtsim {

/** @brief Version of the file layout; readers accept the same major version. */
inline constexpr const char* format_version = "3.2";

/// Read limits (docs/FORMAT.md "Read checks"), checked before allocating: the lengths of the dimensions
/// (run.replicates and run.weeks have the same maxima) and the values of one data variable (2 GiB of float64).
inline constexpr unsigned long long max_read_scenarios = 10000;
inline constexpr unsigned long long max_read_replicates = 10000;
inline constexpr unsigned long long max_read_weeks = 5200;
inline constexpr unsigned long long max_read_buurten = 100000;
inline constexpr unsigned long long max_read_values = 1ull << 28;

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
    int resumed = 0;         ///< times the run was resumed from its partial file (`buurtsim run --resume`)
};

/** @brief One scenario of a result file and its replicates. */
struct ScenarioRun {
    std::string name;                    ///< unique within the file
    std::string toml;                    ///< fully resolved scenario (to_toml)
    std::vector<std::string> files;      ///< scenario files read, base first
    std::vector<Results> replicates;     ///< in the order of ResultSet::replicate_ids
    std::vector<std::uint8_t> targeted;  ///< per buurt: 1 if an intervention of the scenario targets it (empty: none)
    /// [replicate position][parameter]: the value each parameter of ResultSet::parameters had in that replicate
    /// (drawn from its prior, or the scenario's fixed value); empty when ResultSet::parameters is.
    std::vector<std::vector<double>> parameter_values;
};

/** @brief Everything in a result file's data variables: areas, replicate indices, scenarios. */
struct ResultSet {
    Geography geo;
    /// Replicate index of each position along the replicate dimension
    /// (0..K-1 for a whole batch; {k} for a batch re-run as replicate k alone).
    std::vector<std::uint32_t> replicate_ids;
    std::vector<ScenarioRun> scenarios;
    /// Dotted names of the parameters that have a prior in at least one scenario, in parameter-table order
    /// (the coordinate of parameter_values; empty: no priors, and the file has no parameter_values).
    std::vector<std::string> parameters;
};

/** @brief Write a result file atomically.
 *  @param results every scenario with one Results per replicate id, all with the geography's buurt count
 *                 and the same weeks; scenario names unique
 *  @throws IoError if the file cannot be written (no partial file is left; every HDF5 object is closed), if `out`
 *          exists and is not a regular file, or if it is one of the run's inputs (ScenarioRun::files,
 *          Provenance::data_files);
 *          InternalError if `results` is inconsistent. */
void write_results(const std::filesystem::path& out, const ResultSet& results, const Provenance& prov);

/** @brief Read the data variables of a result file (not snapshots, not provenance).
 *  @param only indicators to read; empty: all. Indicators not read, or absent from the file
 *              (an older minor version), have empty `values` vectors. Results::snapshots stay empty.
 *  @throws IoError for a missing or unreadable file, a file that is not a buurtsim result, a file of another
 *          format major version (the message names both versions) or a malformed format_version, repeated
 *          scenario names or replicate indices, or a dimension beyond the read limits above. */
ResultSet read_results(const std::filesystem::path& in, const std::vector<Indicator>& only = {});

/** @brief The root attribute format_version of a result file. @throws IoError if it cannot be read. */
std::string read_format_version(const std::filesystem::path& in);

struct Comparison;  // buurtsim/compare.hpp

/** @brief Add (or replace) the group /comparison of an existing result file, atomically:
 *         the file is copied beside itself, the group written into the copy, and the copy renamed
 *         onto the file. On failure the file is unchanged and no copy is left.
 *  @throws IoError if the file cannot be read, copied or written. */
void write_comparison(const std::filesystem::path& file, const Comparison& comparison);

/** @brief Refuses an output target that may not be replaced: it must be a new name, or a regular file (not a
 *         directory, device, FIFO, socket or symbolic link) that is none of `inputs` (same device and inode).
 *  @throws IoError naming the target, what it is and the rule */
void check_output_target(const std::filesystem::path& out, const std::vector<std::filesystem::path>& inputs = {});

/** @brief "<file name of out>.partial-": the start of the name of every temporary file written for `out`
 *         (the rest is random). */
std::string partial_prefix(const std::filesystem::path& out);

/** @brief Files beside `out` whose names start with partial_prefix(out): left by a run that was killed
 *         (SIGKILL, power loss) while writing `out`, or being written by another process now. */
std::vector<std::filesystem::path> find_partial_files(const std::filesystem::path& out);

/** @brief Async-signal-safe: unlinks the temporary files of the writes in progress in this process and marks
 *         those writes stopped: each then fails with IoError instead of replacing its target (and removes its
 *         temporary if it created it only now). For a signal handler, whether it then ends the process (the
 *         CLI) or lets it go on (Python's KeyboardInterrupt). */
void remove_partial_files_now() noexcept;

/** @brief The name of a temporary file beside `out` for a writer outside this library (the Python report
 *         writer), with the protection write_results gives its own: an unused, unpredictable name
 *         (partial_prefix(out) and 16 random characters) that remove_partial_files_now() unlinks while this
 *         object lives. The caller creates the file exclusively (O_CREAT|O_EXCL|O_NOFOLLOW), then renames it
 *         onto `out` or removes it, before the object ends. */
class TemporaryName {
public:
    explicit TemporaryName(const std::filesystem::path& out);
    ~TemporaryName();
    TemporaryName(const TemporaryName&) = delete;
    TemporaryName& operator=(const TemporaryName&) = delete;
    const std::filesystem::path& path() const { return path_; }
    /** @brief True once remove_partial_files_now() has run: the write must not replace its target. */
    bool stopped() const noexcept;

private:
    std::filesystem::path path_;
    int slot_ = -1;  // in the table remove_partial_files_now() reads; -1: a path too long for it
};

/** @brief UTC time now as ISO 8601, e.g. "2026-11-23T19:30:00Z". */
std::string utc_now_iso8601();

}  // namespace buurtsim
