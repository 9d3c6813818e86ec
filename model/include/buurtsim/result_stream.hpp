#pragma once
/** @file result_stream.hpp
 *  A result file written replicate by replicate, in constant memory, and resumable after a kill: what
 *  `buurtsim run` uses (the Python package keeps its batches in memory and uses write_results).
 *
 *  Each finished (scenario, replicate) pair is compressed by the thread that ran it (into the chunks the
 *  result file stores) and appended, checksummed and fdatasync'd, to the partial file OUT.partial beside
 *  the output; its memory is then freed. When every pair is in, finish() assembles OUT from those chunks
 *  (written verbatim, in (scenario, replicate) order), fsyncs it under a temporary name and renames it onto
 *  OUT, then removes the partial file. The partial file's header records what the run is, so resume()
 *  refuses a partial file of another run, naming the first key that differs. Layout: docs/FORMAT.md
 *  "Partial file". The datasets of OUT are bit-identical to write_results() of the same ResultSet, in any
 *  order of add() calls and over any number of resumes.
 */
#include "buurtsim/io.hpp"

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

namespace buurtsim {

/** @brief What a streamed result file holds apart from its replicates' values, known before any runs. */
struct StreamedRun {
    /// geo, replicate_ids, parameters, and each scenario's name, toml and files (ScenarioRun::replicates,
    /// targeted and parameter_values empty)
    ResultSet layout;
    std::uint32_t weeks = 0;  ///< recorded weeks of every replicate
    /// Of this invocation: version, git_commit, seed, data_files, threads, host, command_line, start_time
    Provenance provenance;
};

/** @brief "OUT.partial": the one, predictable name of the partial file of a streamed write of `out`. */
std::filesystem::path partial_file_path(const std::filesystem::path& out);

/** @brief Removes the partial file at `partial` (a symlink itself, never its target) unless a run holds it now.
 *  @throws IoError naming it if it is in use by another run or cannot be removed */
void remove_partial_file(const std::filesystem::path& partial);

namespace detail {
class PartialFile;
}

class ResultStream {
public:
    /** @brief Starts a new partial file for `out` (refused if one exists: resume or remove it first).
     *  @throws IoError naming the file (exists, cannot be created, disk full); InternalError if `run` breaks the
     *          validity rules of its layout */
    static std::unique_ptr<ResultStream> start(const std::filesystem::path& out, const StreamedRun& run);

    /** @brief Continues the partial file of `out` left by an interrupted run of the same `run`: the pairs recorded
     *         in it count as done, a torn last record is dropped, and a resume record is appended.
     *  @throws IoError naming the file and the rule when it is missing, in use by another run, not a buurtsim
     *          partial file, corrupt, or of another run (naming the first key that differs and both values) */
    static std::unique_ptr<ResultStream> resume(const std::filesystem::path& out, const StreamedRun& run);

    ~ResultStream();
    ResultStream(const ResultStream&) = delete;
    ResultStream& operator=(const ResultStream&) = delete;

    const std::filesystem::path& partial_path() const;
    std::size_t pairs_total() const;
    std::size_t pairs_done() const;
    /** @brief True if the pair (scenario index, replicate position) is recorded in the partial file. */
    bool done(std::size_t scenario, std::size_t replicate) const;
    /** @brief Times the run was resumed before (0 for a fresh start; counts this resume). */
    int resumed() const { return resumed_; }

    /** @brief Records a finished pair: checks it (validity rules), compresses it on the calling thread and
     *         appends it durably. Safe to call from several threads at once.
     *  @param parameter_values the values the pair used of the layout's ResultSet::parameters, in that order
     *         (empty without priors); written to parameter_values[scenario, replicate, :]
     *  @throws InternalError for results that break the rules, the wrong number of parameter values or a pair
     *          already recorded; IoError if the append fails (the partial file keeps the pairs before) */
    void add(std::size_t scenario, std::size_t replicate, const Results& results,
             const std::vector<double>& parameter_values = {});

    /** @brief The results of a recorded pair, read back from the partial file (snapshots included).
     *  @throws IoError, InternalError if the pair is not recorded */
    Results read(std::size_t scenario, std::size_t replicate) const;

    /** @brief With every pair recorded: writes `out` atomically (temporary beside it, fsync, rename; the rules of
     *         write_results for the target), then removes the partial file. Provenance: start_time and
     *         command_line of the first invocation, `resumed`, threads and end time of this one.
     *  @throws IoError (the partial file is kept, so the run can be finished with resume()); InternalError if a
     *          pair is missing or the scenarios' targeted buurten differ between replicates.
     *  A failed write that HDF5 made to disk itself (a full disk) leaves the library with a file it cannot close,
     *  and its clean-up at exit then crashes: a process that exits after such a failure calls
     *  skip_hdf5_cleanup_at_exit() first (the CLI does). */
    void finish();

    /** @brief Removes the partial file (for a run that failed before it recorded anything worth resuming).
     *  @throws IoError */
    void discard();

private:
    ResultStream(std::filesystem::path out, StreamedRun run, detail::PartialFile file);
    struct Pairs;
    std::filesystem::path out_;
    StreamedRun run_;
    std::unique_ptr<detail::PartialFile> file_;
    std::unique_ptr<Pairs> pairs_;
    int resumed_ = 0;
};

/** @brief Tells HDF5 not to clean up at process exit; call before any other HDF5 use (see ResultStream::finish). */
void skip_hdf5_cleanup_at_exit();

}  // namespace buurtsim
