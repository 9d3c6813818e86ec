// `buurtsim run`: scenarios x replicates (common random numbers) -> atomic HDF5 file -> per-wijk summary.
#include "commands.hpp"
#include "summary.hpp"

#include "buurtsim/cbs_data.hpp"
#include "buurtsim/error.hpp"
#include "buurtsim/io.hpp"
#include "buurtsim/population.hpp"
#include "buurtsim/scenario.hpp"
#include "buurtsim/simulation.hpp"
#include "buurtsim/version.hpp"

#include <oneapi/tbb/blocked_range.h>
#include <oneapi/tbb/global_control.h>
#include <oneapi/tbb/info.h>
#include <oneapi/tbb/parallel_for.h>
#include <oneapi/tbb/task_arena.h>

#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <iostream>
#include <memory>
#include <mutex>

namespace buurtsim::cli {
namespace {

std::atomic<bool> g_interrupted{false};
char g_partial[4096] = {0};  // fixed buffer: read from a signal handler

extern "C" void on_signal(int sig) {
    g_interrupted.store(true);
    if (g_partial[0]) {
        // unlink and _exit are async-signal-safe; a half-written file must not survive.
        ::unlink(g_partial);
        ::_exit(128 + sig);
    }
}

class Interrupted : public std::exception {
public:
    const char* what() const noexcept override { return "interrupted"; }
};

// A progress line on stderr once a run has taken a few seconds: rewritten in
// place on a terminal, a line every 10 s otherwise (CI logs).
class Progress {
public:
    Progress(bool enabled, std::size_t total_weeks)
        : enabled_(enabled), total_(total_weeks), tty_(::isatty(STDERR_FILENO)),
          start_(std::chrono::steady_clock::now()), last_(start_) {}
    void update(std::size_t done) {
        if (!enabled_) return;
        const auto now = std::chrono::steady_clock::now();
        const double elapsed = std::chrono::duration<double>(now - start_).count();
        const double since = std::chrono::duration<double>(now - last_).count();
        if (elapsed < 3.0 || since < (tty_ ? 0.5 : 10.0)) return;
        last_ = now;
        const double eta = elapsed / double(done) * double(total_ - done);
        std::fprintf(stderr, "%sbuurtsim: %zu/%zu replicate-weeks (%.0f%%), %.0f s elapsed, ~%.0f s left%s",
                     tty_ ? "\r" : "", done, total_, 100.0 * double(done) / double(total_), elapsed, eta,
                     tty_ ? "   " : "\n");
        printed_ = true;
    }
    ~Progress() {
        if (printed_ && tty_) std::fputc('\n', stderr);
    }

private:
    bool enabled_;
    std::size_t total_;
    bool tty_;
    std::chrono::steady_clock::time_point start_, last_;
    bool printed_ = false;
};

std::string hostname() {
    char buf[256] = {0};
    if (::gethostname(buf, sizeof buf - 1) != 0) return "unknown";
    return buf;
}

}  // namespace

bool interrupt_requested() { return g_interrupted.load(); }

void install_signal_handlers() {
    std::signal(SIGINT, on_signal);
    std::signal(SIGTERM, on_signal);
}

void set_partial_file(const std::filesystem::path& p) {
    const std::string s = p.string();
    if (s.size() >= sizeof g_partial) return;
    std::memcpy(g_partial, s.c_str(), s.size() + 1);
}

void clear_partial_file() { g_partial[0] = 0; }

std::string default_data_dir() {
    if (const char* env = std::getenv("BUURTSIM_DATA_DIR"); env && *env) return env;
    return BUURTSIM_SOURCE_DIR "/data";
}

std::filesystem::path cbs_path(const std::string& data_dir, std::int64_t year) {
    return std::filesystem::path(data_dir) / "cbs" / ("cbs-kwb-utrecht-" + std::to_string(year) + ".csv");
}

int run_command(const RunOptions& o) {
    if (o.scenarios.empty()) throw Error("run needs at least one scenario file");
    std::vector<std::string> overrides = o.overrides;
    if (o.seed) overrides.push_back("run.seed=" + std::to_string(*o.seed));
    if (o.replicates) overrides.push_back("run.replicates=" + std::to_string(*o.replicates));
    std::vector<Scenario> scenarios;
    for (const auto& file : o.scenarios) scenarios.push_back(load_scenario(file, overrides));
    check_paired(o.scenarios, scenarios);
    const Params& p = scenarios.front().params;  // run.* and population.* are the same in all

    const auto batch = std::uint32_t(p.run.replicates);
    std::vector<std::uint32_t> replicate_ids;
    if (o.only_replicate) {
        if (*o.only_replicate < 0 || *o.only_replicate >= p.run.replicates)
            throw Error("--only-replicate " + std::to_string(*o.only_replicate) + " is not a replicate of this batch: "
                        "run.replicates = " + std::to_string(p.run.replicates) + " (replicates 0-"
                        + std::to_string(p.run.replicates - 1) + ")");
        replicate_ids.push_back(std::uint32_t(*o.only_replicate));
    } else {
        for (std::uint32_t k = 0; k < batch; ++k) replicate_ids.push_back(k);
    }

    const std::filesystem::path out(o.output);
    if (out.has_parent_path() && !std::filesystem::is_directory(out.parent_path()))
        throw IoError("output directory " + out.parent_path().string() + " does not exist (-o " + o.output + ")");

    install_signal_handlers();
    std::unique_ptr<tbb::global_control> limit;
    if (o.threads > 0)
        limit = std::make_unique<tbb::global_control>(tbb::global_control::max_allowed_parallelism, o.threads);
    const int threads = int(tbb::global_control::active_value(tbb::global_control::max_allowed_parallelism));

    Provenance prov;
    prov.version = version();
    prov.git_commit = git_commit();
    prov.seed = std::uint64_t(p.run.seed);
    prov.threads = threads;
    prov.host = hostname();
    prov.command_line = o.command_line;
    prov.start_time = utc_now_iso8601();

    const CbsTable data = CbsTable::read_csv(cbs_path(o.data_dir, p.population.year));
    prov.data_files.push_back({data.path().string(), data.sha256()});

    ResultSet rs;
    rs.geo = select_geography(data, p.population);  // what every Simulation builds (population.* is shared)
    rs.replicate_ids = replicate_ids;
    for (const Scenario& sc : scenarios) {
        ScenarioRun run;
        run.name = sc.params.name;
        run.toml = sc.resolved_toml;
        for (const auto& f : sc.files) run.files.push_back(f.string());
        run.replicates.resize(replicate_ids.size());
        rs.scenarios.push_back(std::move(run));
    }

    // One job per (replicate, scenario). Each job owns its Simulation; results
    // depend only on (params, replicate index), never on which thread runs it.
    const std::size_t n_scen = scenarios.size(), n_jobs = n_scen * replicate_ids.size();
    const auto weeks = std::uint32_t(p.run.weeks);
    Progress progress(!o.quiet, n_jobs * weeks);
    std::mutex progress_mutex;
    std::atomic<std::size_t> weeks_done{0};
    try {
        tbb::parallel_for(tbb::blocked_range<std::size_t>(0, n_jobs, 1), [&](const tbb::blocked_range<std::size_t>& jobs) {
            for (std::size_t job = jobs.begin(); job != jobs.end(); ++job) {
                const std::size_t s = job % n_scen, j = job / n_scen;
                // Isolated: while this job waits inside its own parallel loops the
                // thread must not start another job, or Simulations (and memory) pile up.
                tbb::this_task_arena::isolate([&] {
                    Simulation sim(scenarios[s].params, data, replicate_ids[j]);
                    sim.run([&](std::uint32_t) {
                        if (interrupt_requested()) throw Interrupted();
                        const std::size_t done = ++weeks_done;
                        std::unique_lock lock(progress_mutex, std::try_to_lock);
                        if (lock) progress.update(done);
                    });
                    rs.scenarios[s].replicates[j] = sim.take_results();
                });
            }
        });
    } catch (const Interrupted&) {
        std::cerr << "buurtsim: interrupted; no result file written\n";
        return interrupted;
    }
    prov.end_time = utc_now_iso8601();

    for (ScenarioRun& run : rs.scenarios) {
        // Targets are resolved from CBS counts, not replicate draws: the same in every replicate.
        run.targeted = run.replicates.front().targeted;
        for (const Results& r : run.replicates)
            if (r.targeted != run.targeted)
                throw InternalError("scenario " + run.name + ": targeted buurten differ between replicates");
    }

    set_partial_file(temporary_path(out));
    try {
        write_results(out, rs, prov);
    } catch (...) {
        clear_partial_file();
        throw;
    }
    clear_partial_file();
    if (!o.quiet) {
        for (const ScenarioRun& run : rs.scenarios) {
            if (n_scen > 1) std::cout << "\nScenario \"" << run.name << "\"\n";
            print_wijk_summary(std::cout, rs.geo, run.replicates);
        }
        std::cout << "wrote " << out.string() << "\n";
    }
    return ok;
}

}  // namespace buurtsim::cli
