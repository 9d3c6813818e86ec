// `buurtsim bench`: fixed workload (all of Utrecht, default parameters,
// 52 weeks, one replicate). Setup (population + network) and the weekly loop
// are timed apart; throughput counts the loop only; --phases adds the time per
// phase of the weekly schedule. The last line is for
// scripts: resident_weeks_per_s=... peak_rss_bytes_per_resident=... threads=...
// results_digest is FNV-1a over every indicator value's bits: a speed change
// that must not change results can be checked at full scale with the bench itself.
#include "commands.hpp"

#include "buurtsim/cbs_data.hpp"
#include "buurtsim/scenario.hpp"
#include "buurtsim/simulation.hpp"

#include <oneapi/tbb/global_control.h>

#include <sys/resource.h>

#include <chrono>
#include <cstdio>
#include <cstring>
#include <memory>

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

    using clock = std::chrono::steady_clock;
    const auto t0 = clock::now();
    Simulation sim(p, data, 0);
    const auto t1 = clock::now();
    sim.run();
    const auto t2 = clock::now();

    const double setup_s = std::chrono::duration<double>(t1 - t0).count();
    const double loop_s = std::chrono::duration<double>(t2 - t1).count();
    const double residents = double(sim.population().size());
    rusage ru{};
    getrusage(RUSAGE_SELF, &ru);
    const double peak_rss = double(ru.ru_maxrss) * 1024.0;  // Linux reports KiB
    std::printf("residents=%.0f households=%zu ties=%zu weeks=%lld\n", residents, sim.population().households(),
                sim.network().ties(), static_cast<long long>(o.weeks));
    std::printf("setup_s=%.3f loop_s=%.3f peak_rss_mib=%.1f\n", setup_s, loop_s, peak_rss / 1048576.0);
    if (o.phases) {
        // Seconds per phase of the weekly schedule (Starsim's cpu_df): where the loop's time goes.
        const auto names = Simulation::phase_names();
        const auto& secs = sim.phase_seconds();
        double sum = 0;
        for (double s : secs) sum += s;
        std::printf("%-24s %10s %7s %14s\n", "phase", "seconds", "share", "ns/resident-wk");
        for (std::size_t k = 0; k < names.size(); ++k)
            std::printf("%-24.*s %10.3f %6.1f%% %14.1f\n", int(names[k].size()), names[k].data(), secs[k],
                        sum > 0 ? 100.0 * secs[k] / sum : 0.0, 1e9 * secs[k] / (residents * double(o.weeks)));
    }
    std::printf("results_digest=%016llx\n", static_cast<unsigned long long>(results_digest(sim.results())));
    std::printf("resident_weeks_per_s=%.0f peak_rss_bytes_per_resident=%.1f threads=%d\n",
                residents * double(o.weeks) / loop_s, peak_rss / residents, threads);
    return ok;
}

}  // namespace buurtsim::cli
