// The batch loop (see batch.hpp): scenarios x replicates on TBB.
#include "buurtsim/batch.hpp"
#include "buurtsim/testing.hpp"

#include "buurtsim/error.hpp"
#include "buurtsim/params.hpp"
#include "buurtsim/population.hpp"
#include "buurtsim/prior.hpp"
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

ResultSet batch_layout(const std::vector<Scenario>& scenarios, const CbsTable& data,
                       const std::vector<std::uint32_t>& replicates) {
    if (scenarios.empty()) throw UsageError("a batch needs at least one scenario");
    if (replicates.empty()) throw UsageError("a batch needs at least one replicate index");
    ResultSet rs;
    rs.geo = select_geography(data, scenarios.front().params.population);  // what every Simulation builds
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
        rs.scenarios.push_back(std::move(run));
    }
    return rs;
}

Provenance batch_provenance(const std::vector<Scenario>& scenarios, const CbsTable& data, int threads,
                            const std::string& command_line) {
    if (scenarios.empty()) throw UsageError("a batch needs at least one scenario");
    Provenance prov;
    prov.version = version();
    prov.git_commit = git_commit();
    prov.seed = std::uint64_t(scenarios.front().params.run.seed);
    prov.threads = threads > 0 ? threads
                               : int(tbb::global_control::active_value(tbb::global_control::max_allowed_parallelism));
    prov.host = host_name();
    prov.command_line = command_line;
    prov.start_time = utc_now_iso8601();
    prov.data_files.push_back({data.path().string(), data.sha256()});
    return prov;
}

void run_pairs(const std::vector<Scenario>& scenarios, const CbsTable& data,
               const std::vector<std::uint32_t>& replicates, int threads,
               const std::function<bool(std::size_t, std::size_t)>& skip, const PairSink& sink,
               const BatchCallback& on_week) {
    if (scenarios.empty()) throw UsageError("a batch needs at least one scenario");
    if (replicates.empty()) throw UsageError("a batch needs at least one replicate index");
    if (threads < 0) throw UsageError("threads must be >= 0 (0: all cores), got " + std::to_string(threads));
    std::unique_ptr<tbb::global_control> limit;
    if (threads > 0)
        limit = std::make_unique<tbb::global_control>(tbb::global_control::max_allowed_parallelism, threads);

    // One job per (replicate, scenario), scenarios innermost. Each job owns its Simulation; results depend
    // only on (params, replicate index), never on which thread runs a job or in which order jobs finish.
    const std::size_t n_scen = scenarios.size();
    std::vector<std::pair<std::size_t, std::size_t>> jobs;
    for (std::size_t j = 0; j < replicates.size(); ++j)
        for (std::size_t s = 0; s < n_scen; ++s)
            if (!skip || !skip(s, j)) jobs.emplace_back(s, j);
    // Each job's params, drawn before any job starts (a draw that breaks a rule fails now, not hours in). A
    // draw is a pure function of (seed, replicate, name): the same in every scenario with the same prior, and
    // the same whether the job runs in the first invocation or after --resume.
    std::vector<std::string> parameters;
    for (const ParamSpec& row : param_table())
        for (const Scenario& sc : scenarios)
            if (std::any_of(sc.priors.begin(), sc.priors.end(), [&](const Prior& q) { return q.name == row.name; })) {
                parameters.emplace_back(row.name);
                break;
            }
    std::vector<Params> job_params;
    std::vector<std::vector<double>> job_values(jobs.size());
    job_params.reserve(jobs.size());
    for (std::size_t job = 0; job < jobs.size(); ++job) {
        const auto [s, j] = jobs[job];
        job_params.push_back(params_for_replicate(scenarios[s], replicates[j]));
        for (const std::string& name : parameters) job_values[job].push_back(param_ref<double>(job_params.back(), name));
    }
    const auto weeks = std::uint32_t(scenarios.front().params.run.weeks);
    std::atomic<std::size_t> weeks_done{0};
    const std::size_t weeks_total = jobs.size() * weeks;
    tbb::parallel_for(tbb::blocked_range<std::size_t>(0, jobs.size(), 1), [&](const tbb::blocked_range<std::size_t>& range) {
        for (std::size_t job = range.begin(); job != range.end(); ++job) {
            const auto [s, j] = jobs[job];
            // Isolated: while this job waits inside its own parallel loops the
            // thread must not start another job, or Simulations (and memory) pile up.
            tbb::this_task_arena::isolate([&] {
                Results results;
                {
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
                    results = sim.take_results();
                }  // the Simulation is freed before its results are handed on
                sink(s, j, std::move(results), std::move(job_values[job]));
            });
        }
    });
}

BatchResult run_batch(const std::vector<Scenario>& scenarios, const CbsTable& data,
                      const std::vector<std::uint32_t>& replicates, int threads, const std::string& command_line,
                      const BatchCallback& on_week) {
    BatchResult b;
    b.results = batch_layout(scenarios, data, replicates);
    if (threads < 0) throw UsageError("threads must be >= 0 (0: all cores), got " + std::to_string(threads));
    ResultSet& rs = b.results;
    for (ScenarioRun& run : rs.scenarios) {
        run.replicates.resize(replicates.size());
        if (!rs.parameters.empty()) run.parameter_values.resize(replicates.size());
    }
    {
        // The provenance records the thread count the loop runs with (0: every core, under this limit).
        std::unique_ptr<tbb::global_control> limit;
        if (threads > 0)
            limit = std::make_unique<tbb::global_control>(tbb::global_control::max_allowed_parallelism, threads);
        b.provenance = batch_provenance(scenarios, data, threads, command_line);
    }
    // Each job writes only its own slot of `rs`.
    run_pairs(
        scenarios, data, replicates, threads, {},
        [&](std::size_t s, std::size_t j, Results&& r, std::vector<double>&& values) {
            rs.scenarios[s].replicates[j] = std::move(r);
            if (!rs.parameters.empty()) rs.scenarios[s].parameter_values[j] = std::move(values);
        },
        on_week);
    b.provenance.end_time = utc_now_iso8601();

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
