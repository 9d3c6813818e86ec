// The batch loop (see batch.hpp): scenarios x replicates on TBB.
#include "buurtsim/batch.hpp"
#include "buurtsim/testing.hpp"

#include "buurtsim/error.hpp"
#include "buurtsim/population.hpp"
#include "buurtsim/simulation.hpp"
#include "buurtsim/version.hpp"

#include <oneapi/tbb/blocked_range.h>
#include <oneapi/tbb/global_control.h>
#include <oneapi/tbb/parallel_for.h>
#include <oneapi/tbb/task_arena.h>

#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <memory>

namespace buurtsim {

std::string host_name() {
    char buf[256] = {0};
    if (::gethostname(buf, sizeof buf - 1) != 0) return "unknown";
    return buf;
}

BatchResult run_batch(const std::vector<Scenario>& scenarios, const CbsTable& data,
                      const std::vector<std::uint32_t>& replicates, int threads, const std::string& command_line,
                      const BatchCallback& on_week) {
    if (scenarios.empty()) throw UsageError("a batch needs at least one scenario");
    if (replicates.empty()) throw UsageError("a batch needs at least one replicate index");
    if (threads < 0) throw UsageError("threads must be >= 0 (0: all cores), got " + std::to_string(threads));
    const Params& p = scenarios.front().params;  // run.* and population.* are the same in all

    std::unique_ptr<tbb::global_control> limit;
    if (threads > 0)
        limit = std::make_unique<tbb::global_control>(tbb::global_control::max_allowed_parallelism, threads);

    BatchResult b;
    Provenance& prov = b.provenance;
    prov.version = version();
    prov.git_commit = git_commit();
    prov.seed = std::uint64_t(p.run.seed);
    prov.threads = int(tbb::global_control::active_value(tbb::global_control::max_allowed_parallelism));
    prov.host = host_name();
    prov.command_line = command_line;
    prov.start_time = utc_now_iso8601();
    prov.data_files.push_back({data.path().string(), data.sha256()});

    ResultSet& rs = b.results;
    rs.geo = select_geography(data, p.population);  // what every Simulation builds (population.* is shared)
    rs.replicate_ids = replicates;
    // The parameters with a prior in any scenario, in table order: every scenario records its value of each.
    for (const ParamSpec& row : param_table())
        for (const Scenario& sc : scenarios)
            if (std::any_of(sc.priors.begin(), sc.priors.end(), [&](const Prior& q) { return q.name == row.name; })) {
                rs.parameters.emplace_back(row.name);
                break;
            }
    for (const Scenario& sc : scenarios) {
        ScenarioRun run;
        run.name = sc.params.name;
        run.toml = sc.resolved_toml;
        for (const auto& f : sc.files) run.files.push_back(f.string());
        run.replicates.resize(replicates.size());
        if (!rs.parameters.empty()) run.parameter_values.resize(replicates.size());
        rs.scenarios.push_back(std::move(run));
    }

    // One job per (replicate, scenario), scenarios innermost. Each job owns its Simulation and
    // writes only its own slot of `rs`; results depend only on (params, replicate index), never
    // on which thread runs it.
    const std::size_t n_scen = scenarios.size(), n_jobs = n_scen * replicates.size();
    // Each job's params, drawn before any job starts (a draw that breaks a rule fails now, not hours in). A
    // draw is a pure function of (seed, replicate, name): the same in every scenario with the same prior.
    std::vector<Params> job_params;
    job_params.reserve(n_jobs);
    for (std::size_t job = 0; job < n_jobs; ++job) {
        const std::size_t s = job % n_scen, j = job / n_scen;
        job_params.push_back(params_for_replicate(scenarios[s], replicates[j]));
        if (!rs.parameters.empty()) {
            auto& used = rs.scenarios[s].parameter_values[j];
            for (const std::string& name : rs.parameters) used.push_back(param_ref<double>(job_params.back(), name));
        }
    }
    const auto weeks = std::uint32_t(p.run.weeks);
    std::atomic<std::size_t> weeks_done{0};
    const std::size_t weeks_total = n_jobs * weeks;
    tbb::parallel_for(tbb::blocked_range<std::size_t>(0, n_jobs, 1), [&](const tbb::blocked_range<std::size_t>& jobs) {
        for (std::size_t job = jobs.begin(); job != jobs.end(); ++job) {
            const std::size_t s = job % n_scen, j = job / n_scen;
            // Isolated: while this job waits inside its own parallel loops the
            // thread must not start another job, or Simulations (and memory) pile up.
            tbb::this_task_arena::isolate([&] {
                Simulation sim(job_params[job], data, replicates[j]);
                // Step by step rather than Simulation::run, so the callback also sees burn-in
                // weeks (a cancellation must not wait for the burn-in); the same steps either way.
                while (sim.week() < weeks) {
                    const std::uint32_t before = sim.week();
                    test_stall(before == 0 ? "burn-in" : "weeks");  // the signal tests' hook; nothing otherwise
                    sim.step();
                    const std::size_t done = sim.week() > before ? ++weeks_done : weeks_done.load();
                    if (on_week) on_week(BatchProgress{done, weeks_total});
                }
                rs.scenarios[s].replicates[j] = sim.take_results();
            });
        }
    });
    prov.end_time = utc_now_iso8601();

    for (ScenarioRun& run : rs.scenarios) {
        // Targets are resolved from CBS counts, not replicate draws: the same in every replicate.
        run.targeted = run.replicates.front().targeted;
        for (const Results& r : run.replicates)
            if (r.targeted != run.targeted)
                throw InternalError("scenario " + run.name + ": targeted buurten differ between replicates");
    }
    return b;
}

}  // namespace buurtsim
