#pragma once
/** @file batch.hpp
 *  A batch: every scenario x replicate index, run on TBB, gathered into the
 *  layout of a result file (io.hpp). The one batch loop of buurtsim: the CLI
 *  (`buurtsim run`) adds progress and signals, the Python bindings the GIL
 *  release and Ctrl-C, both through the per-week callback.
 */
#include "buurtsim/cbs_data.hpp"
#include "buurtsim/io.hpp"
#include "buurtsim/scenario.hpp"

#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

namespace buurtsim {

/** @brief Where a batch stands, as passed to its callback. */
struct BatchProgress {
    std::size_t weeks_done = 0;   ///< recorded replicate-weeks finished so far, over all jobs
    std::size_t weeks_total = 0;  ///< recorded replicate-weeks of the whole batch
};

/** @brief Called after every simulated week of every job, burn-in weeks included, on the worker
 *  thread that ran it (concurrently from several threads). Throwing cancels the batch: every job
 *  stops at its next week and run_batch rethrows the exception. */
using BatchCallback = std::function<void(const BatchProgress&)>;

/** @brief A finished batch: what a result file holds. */
struct BatchResult {
    ResultSet results;      ///< every scenario, one Results per replicate index, in the order given
    Provenance provenance;  ///< version, commit, seed, threads, host, times, the CBS file and its checksum
};

/** @brief Called once per finished job with its results, on the worker thread that ran it (concurrently from
 *  several threads), after its Simulation is freed; the results are freed when it returns. `parameter_values`:
 *  the values the job used of ResultSet::parameters (batch_layout), in that order; empty without priors.
 *  Throwing cancels the batch as for BatchCallback. */
using PairSink = std::function<void(std::size_t scenario, std::size_t replicate_position, Results&& results,
                                    std::vector<double>&& parameter_values)>;

/** @brief What the result file of a batch holds besides the replicates' values: the geography every
 *  Simulation builds, the replicate indices, the parameters with a prior in any scenario, and each scenario's
 *  name, resolved TOML and files (ScenarioRun::replicates, targeted and parameter_values empty). @throws UsageError for no scenarios or replicates */
ResultSet batch_layout(const std::vector<Scenario>& scenarios, const CbsTable& data,
                       const std::vector<std::uint32_t>& replicates);

/** @brief Provenance of a batch starting now: version, commit, seed, threads (0: every core, as run_batch
 *  resolves it), host, command line, start time, the CBS file and its checksum; end_time empty. */
Provenance batch_provenance(const std::vector<Scenario>& scenarios, const CbsTable& data, int threads,
                            const std::string& command_line);

/** @brief The batch loop without the gathering: runs every (scenario, replicate position) for which `skip`
 *  (may be empty) returns false, and hands each one's results to `sink` as it finishes, so only the jobs in
 *  flight (one per thread) are in memory. Same jobs, seeds and values as run_batch; progress counts only the
 *  jobs run. @throws as run_batch, and whatever `sink` throws */
void run_pairs(const std::vector<Scenario>& scenarios, const CbsTable& data,
               const std::vector<std::uint32_t>& replicates, int threads,
               const std::function<bool(std::size_t scenario, std::size_t replicate_position)>& skip,
               const PairSink& sink, const BatchCallback& on_week = {});

/** @brief Run every scenario x replicate index with common random numbers: replicate k of each
 *  scenario is keyed by (run.seed, k). One job per (replicate, scenario), each owning its
 *  Simulation, so results depend only on (params, replicate index) and are bit-identical for
 *  any thread count.
 *  @param scenarios at least one; they must agree on run.* and population.* (check_paired)
 *  @param data the CBS table of population.year
 *  @param replicates replicate indices (0..K-1 for a whole batch, {k} to re-run replicate k alone)
 *  @param threads worker threads, 0 for every core (recorded in the provenance)
 *  @param command_line recorded in the provenance
 *  @param on_week progress and cancellation, see BatchCallback; may be empty
 *  @throws UsageError for no scenarios, no replicates or threads < 0; whatever Simulation throws
 *          (ParamError, DataError); whatever on_week throws; InternalError if the targeted buurten
 *          of a scenario differ between replicates. */
BatchResult run_batch(const std::vector<Scenario>& scenarios, const CbsTable& data,
                      const std::vector<std::uint32_t>& replicates, int threads = 0,
                      const std::string& command_line = "", const BatchCallback& on_week = {});

/** @brief This machine's host name ("unknown" if it cannot be read), for provenance. */
std::string host_name();

}  // namespace buurtsim
