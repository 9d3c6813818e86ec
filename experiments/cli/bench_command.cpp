// `buurtsim bench`: fixed workload (all of Utrecht, default parameters,
// 52 weeks, one replicate). Setup (population + network) and the weekly loop
// are timed apart; throughput counts the loop only; --phases adds the time per
// phase of the weekly schedule; --runs N repeats setup and loop N times and
// reports min / median / max. The last line is for scripts:
// resident_weeks_per_s=... peak_rss_bytes_per_resident=... threads=... (the
// median run's rate; with --runs, also runs=N min=... max=...).
// results_digest is FNV-1a over every indicator value's bits: a speed change
// that must not change results can be checked at full scale with the bench itself.
#include "commands.hpp"

#include "buurtsim/cbs_data.hpp"
#include "buurtsim/error.hpp"
#include "buurtsim/scenario.hpp"
#include "buurtsim/simulation.hpp"

#include <oneapi/tbb/global_control.h>

#include <malloc.h>
#include <sys/resource.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <memory>
#include <string>
#include <vector>

namespace buurtsim::cli {
namespace {

std::uint64_t results_digest(const Results& r) {
    std::uint64_t h = 14695981039346656037ull;
    for (const auto& v : r.values)
        for (double x : v) {
            std::uint64_t bits;
            std::memcpy(&bits, &x, sizeof bits);
            for (int k = 0; k < 8; ++k) h = (h ^ ((bits >> (8 * k)) & 0xFF)) * 1099511628211ull;
        }
    return h;
}

std::string hex(std::uint64_t x) {
    char buf[17];
    std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(x));
    return buf;
}

struct Spread {
    double min, median, max;  // the median of an even count: the mean of the two middle values
};

Spread spread(std::vector<double> v) {
    std::sort(v.begin(), v.end());
    const std::size_t n = v.size(), mid = (n - 1) / 2;
    return {v.front(), n % 2 ? v[mid] : 0.5 * (v[mid] + v[mid + 1]), v.back()};
}

}  // namespace

int bench_command(const BenchOptions& o) {
    std::unique_ptr<tbb::global_control> limit;
    if (o.threads > 0)
        limit = std::make_unique<tbb::global_control>(tbb::global_control::max_allowed_parallelism, o.threads);
    const int threads = int(tbb::global_control::active_value(tbb::global_control::max_allowed_parallelism));

    Params p = default_params();
    p.name = "bench";
    p.run.weeks = o.weeks;
    p.run.replicates = 1;
    p.run.burn_in_weeks = 0;  // every simulated week is counted
    p.population.scale = o.scale;
    validate(p);
    const CbsTable data = CbsTable::read_csv(cbs_path(o.data_dir, p.population.year));

    // Each run builds its city afresh and runs the loop; one Simulation at a time, so the peak is about one run's.
    // A run's figures are the same whichever run it is, so the spread over runs is the machine's.
    struct Run {
        double setup_s, loop_s;
        std::vector<double> phase_s;
        std::uint64_t digest;
    };
    // With several runs, a fixed mmap threshold: glibc raises it to the largest block freed, so a second run's
    // big arrays would come from the heap, not from mmap, and the peak would be more than one run's (by about
    // 40 B a resident; 2-3 % with it). One run keeps the allocator's defaults, as the history was measured.
    if (o.runs > 1) mallopt(M_MMAP_THRESHOLD, 1 << 20);
    std::vector<Run> runs;
    double residents = 0;
    std::size_t households = 0, ties = 0;
    using clock = std::chrono::steady_clock;
    for (int k = 0; k < o.runs; ++k) {
        const auto t0 = clock::now();
        Simulation sim(p, data, 0);
        const auto t1 = clock::now();
        sim.run();
        const auto t2 = clock::now();
        runs.push_back({std::chrono::duration<double>(t1 - t0).count(), std::chrono::duration<double>(t2 - t1).count(),
                        sim.phase_seconds(), results_digest(sim.results())});
        residents = double(sim.population().size());
        households = sim.population().households();
        ties = sim.network().ties();
        if (o.runs > 1) {
            std::printf("run=%d setup_s=%.3f loop_s=%.3f resident_weeks_per_s=%.0f\n", k + 1, runs.back().setup_s,
                        runs.back().loop_s, residents * double(o.weeks) / runs.back().loop_s);
            std::fflush(stdout);  // each run as it ends, also through a pipe (a long series can be watched)
        }
        // The same seed gives the same bits on every run (and at any thread count): a run that does not is a
        // bug to report, not a figure to average.
        if (runs.back().digest != runs.front().digest)
            throw InternalError("bench: run " + std::to_string(k + 1) + " gave results_digest " + hex(runs.back().digest) +
                                ", run 1 gave " + hex(runs.front().digest) + ": the same seed must give the same results");
    }
    const double resident_weeks = residents * double(o.weeks);
    const std::size_t n = runs.size();
    std::vector<double> rates(n), setups(n);
    for (std::size_t k = 0; k < n; ++k) rates[k] = resident_weeks / runs[k].loop_s, setups[k] = runs[k].setup_s;
    const Spread rate = spread(rates), setup = spread(setups);
    // The median run, whose figures and phase table are printed: the middle one by rate (the lower middle
    // for an even count).
    std::vector<std::size_t> order(n);
    for (std::size_t k = 0; k < n; ++k) order[k] = k;
    std::sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return rates[a] < rates[b]; });
    const Run& median = runs[order[(n - 1) / 2]];

    rusage ru{};
    getrusage(RUSAGE_SELF, &ru);
    const double peak_rss = double(ru.ru_maxrss) * 1024.0;  // Linux reports KiB
    std::printf("residents=%.0f households=%zu ties=%zu weeks=%lld\n", residents, households, ties,
                static_cast<long long>(o.weeks));
    std::printf("setup_s=%.3f loop_s=%.3f peak_rss_mib=%.1f\n", median.setup_s, median.loop_s, peak_rss / 1048576.0);
    if (n > 1)
        std::printf("runs=%zu resident_weeks_per_s min=%.0f median=%.0f max=%.0f; setup_s min=%.3f median=%.3f max=%.3f\n",
                    n, rate.min, rate.median, rate.max, setup.min, setup.median, setup.max);
    if (o.phases) {
        // Seconds per phase of the weekly schedule (Starsim's cpu_df): where the loop's time goes.
        const auto names = Simulation::phase_names();
        const auto& secs = median.phase_s;
        double sum = 0;
        for (double s : secs) sum += s;
        if (n > 1) std::printf("phases of the median run (loop_s=%.3f):\n", median.loop_s);
        std::printf("%-24s %10s %7s %14s\n", "phase", "seconds", "share", "ns/resident-wk");
        for (std::size_t k = 0; k < names.size(); ++k)
            std::printf("%-24.*s %10.3f %6.1f%% %14.1f\n", int(names[k].size()), names[k].data(), secs[k],
                        sum > 0 ? 100.0 * secs[k] / sum : 0.0, 1e9 * secs[k] / resident_weeks);
    }
    std::printf("results_digest=%s\n", hex(median.digest).c_str());
    std::printf("resident_weeks_per_s=%.0f peak_rss_bytes_per_resident=%.1f threads=%d", rate.median, peak_rss / residents,
                threads);
    if (n > 1) std::printf(" runs=%zu min=%.0f max=%.0f", n, rate.min, rate.max);
    std::printf("\n");
    return ok;
}

}  // namespace buurtsim::cli
