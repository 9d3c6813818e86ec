// `buurtsim run`: scenarios x replicates (common random numbers), each finished pair streamed to the
// partial file OUT.partial (resumable with --resume), then the HDF5 file made from it atomically, and a
// per-wijk summary.
#include "commands.hpp"
#include "summary.hpp"

#include "buurtsim/batch.hpp"
#include "buurtsim/cbs_data.hpp"
#include "buurtsim/error.hpp"
#include "buurtsim/io.hpp"
#include "buurtsim/result_stream.hpp"
#include "buurtsim/scenario.hpp"
#include "buurtsim/testing.hpp"

#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <memory>
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
    check_partials(out, o.clean_partials, o.resume);

    test_stall("reading");
    const CbsTable data = CbsTable::read_csv(data_file);

    // Every finished (scenario, replicate) goes to the partial file OUT.partial as it finishes and is freed
    // there; the result file is made from it at the end (buurtsim/result_stream.hpp).
    StreamedRun run{batch_layout(scenarios, data, replicate_ids), std::uint32_t(p.run.weeks),
                    batch_provenance(scenarios, data, o.threads, o.command_line)};
    const Geography geo = run.layout.geo;
    const std::size_t n_scen = scenarios.size(), n_rep = replicate_ids.size();
    std::unique_ptr<ResultStream> stream = o.resume ? ResultStream::resume(out, run) : ResultStream::start(out, run);
    keep_partial_on_signal(stream->partial_path());
    if (o.resume)
        std::cerr << "buurtsim: resuming from '" << stream->partial_path().string() << "': " << stream->pairs_done()
                  << " of " << stream->pairs_total() << " (scenario, replicate) pairs were done, "
                  << stream->pairs_total() - stream->pairs_done() << " to run\n";

    // The summary's sums, one replicate at a time (pairs read back from the partial file if resumed).
    std::vector<ReplicateTotals> totals(o.quiet ? 0 : n_scen * n_rep);
    if (!o.quiet)
        for (std::size_t s = 0; s < n_scen; ++s)
            for (std::size_t r = 0; r < n_rep; ++r)
                if (stream->done(s, r)) totals[s * n_rep + r] = summarise(geo, stream->read(s, r));

    try {
        const std::size_t to_run = stream->pairs_total() - stream->pairs_done();
        Progress progress(!o.quiet, to_run * std::size_t(p.run.weeks));
        std::mutex progress_mutex;
        // A signal ends the process from its handler (signals.cpp), in this loop as anywhere; what the partial
        // file holds stays there for --resume.
        run_pairs(
            scenarios, data, replicate_ids, o.threads, [&](std::size_t s, std::size_t r) { return stream->done(s, r); },
            [&](std::size_t s, std::size_t r, Results&& res, std::vector<double>&& parameter_values) {
                stream->add(s, r, res, parameter_values);
                if (!o.quiet) totals[s * n_rep + r] = summarise(geo, res);
                test_stall("pair-saved");  // the resume tests' hook: a kill here leaves recorded pairs behind
            },
            [&](const BatchProgress& at) {
                std::unique_lock lock(progress_mutex, std::try_to_lock);
                if (lock) progress.update(at.weeks_done);
            });

        stream->finish();
    } catch (const Error&) {
        // A run that fails (bad input found by a replicate, a full disk) keeps what it recorded for --resume;
        // a new run that recorded nothing leaves nothing behind.
        keep_partial_on_signal({});
        if (!o.resume && stream->pairs_done() == 0) {
            stream->discard();
        } else {
            std::cerr << "buurtsim: the " << stream->pairs_done() << " of " << stream->pairs_total()
                      << " (scenario, replicate) pairs finished are kept in '" << stream->partial_path().string()
                      << "': once the cause is fixed, run the same command with --resume (or with --clean-partials "
                         "to start again)\n";
        }
        throw;
    }
    keep_partial_on_signal({});
    if (!o.quiet) {
        for (std::size_t s = 0; s < n_scen; ++s) {
            if (n_scen > 1) std::cout << "\nScenario \"" << run.layout.scenarios[s].name << "\"\n";
            print_wijk_summary(std::cout, geo,
                               std::vector<ReplicateTotals>(totals.begin() + std::ptrdiff_t(s * n_rep),
                                                            totals.begin() + std::ptrdiff_t((s + 1) * n_rep)));
        }
        std::cout << "wrote " << out.string() << "\n";
    }
    return ok;
}

}  // namespace buurtsim::cli
