// `buurtsim run`: scenarios x replicates (common random numbers) -> atomic HDF5 file -> per-wijk summary.
#include "commands.hpp"
#include "summary.hpp"

#include "buurtsim/batch.hpp"
#include "buurtsim/cbs_data.hpp"
#include "buurtsim/error.hpp"
#include "buurtsim/io.hpp"
#include "buurtsim/scenario.hpp"
#include "buurtsim/testing.hpp"

#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <mutex>

namespace buurtsim::cli {
namespace {

// A progress line on stderr once a run has taken a few seconds: rewritten in
// place on a terminal, a line every 10 s otherwise (CI logs).
class Progress {
public:
    Progress(bool enabled, std::size_t total_weeks)
        : enabled_(enabled), total_(total_weeks), tty_(::isatty(STDERR_FILENO)),
          start_(std::chrono::steady_clock::now()), last_(start_) {}
    void update(std::size_t done) {
        if (!enabled_ || done == 0) return;  // burn-in: nothing recorded yet, no estimate
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

}  // namespace

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
    const std::vector<std::filesystem::path> overlays(o.overlays.begin(), o.overlays.end());
    for (const auto& file : o.scenarios) scenarios.push_back(load_scenario(file, overrides, overlays));
    check_paired(o.scenarios, scenarios);
    const Params& p = scenarios.front().params;  // run.* and population.* are the same in all

    std::vector<std::uint32_t> replicate_ids;
    if (o.only_replicate) {
        if (*o.only_replicate < 0 || *o.only_replicate >= p.run.replicates)
            throw Error("--only-replicate " + std::to_string(*o.only_replicate) + " is not a replicate of this batch: "
                        "run.replicates = " + std::to_string(p.run.replicates) + " (replicates 0-"
                        + std::to_string(p.run.replicates - 1) + ")");
        replicate_ids.push_back(std::uint32_t(*o.only_replicate));
    } else {
        for (std::uint32_t k = 0; k < std::uint32_t(p.run.replicates); ++k) replicate_ids.push_back(k);
    }

    const std::filesystem::path out(o.output);
    if (out.has_parent_path() && !std::filesystem::is_directory(out.parent_path()))
        throw IoError("output directory " + out.parent_path().string() + " does not exist (-o " + o.output + ")");
    // Before the run, not only when writing (write_results checks again): a refusal must not cost the run.
    const std::filesystem::path data_file = cbs_path(o.data_dir, p.population.year);
    std::vector<std::filesystem::path> inputs{data_file};
    for (const Scenario& s : scenarios) inputs.insert(inputs.end(), s.files.begin(), s.files.end());
    check_output_target(out, inputs);
    report_partials(out, o.clean_partials);

    test_stall("reading");
    const CbsTable data = CbsTable::read_csv(data_file);

    const std::size_t weeks_total = scenarios.size() * replicate_ids.size() * std::size_t(p.run.weeks);
    Progress progress(!o.quiet, weeks_total);
    std::mutex progress_mutex;
    // A signal ends the process from its handler (signals.cpp), in this loop as anywhere.
    const BatchResult batch =
        run_batch(scenarios, data, replicate_ids, o.threads, o.command_line, [&](const BatchProgress& at) {
            std::unique_lock lock(progress_mutex, std::try_to_lock);
            if (lock) progress.update(at.weeks_done);
        });
    const ResultSet& rs = batch.results;
    const std::size_t n_scen = rs.scenarios.size();

    write_results(out, rs, batch.provenance);
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
