// The batch loop (model/src/batch.cpp): the same results as one Simulation per
// job, in scenario x replicate order, for any thread count; replicate k alone
// equals replicate k of the batch; the callback sees every week and can cancel.
#include "buurtsim/batch.hpp"
#include "buurtsim/error.hpp"
#include "buurtsim/simulation.hpp"

#include "sim_fixture.hpp"

#include <catch2/catch.hpp>

#include <atomic>
#include <cstring>
#include <stdexcept>

using namespace buurtsim;
using buurtsim::test::cbs;

namespace {

Scenario tiny(const std::string& name, const std::string& extra = "") {
    return parse_scenario("name = \"" + name + "\"\n[run]\nweeks = 6\nburn_in_weeks = 3\nseed = 11\n"
                          "[population]\nscale = 0.05\nwijken = [\"WK034403\"]\n" + extra,
                          "<test>");
}

std::vector<Scenario> two_scenarios() {
    return {tiny("a"), tiny("b", "[buurtteam]\nfte_per_10k = 1.0\n")};
}

bool identical(const Results& a, const Results& b) {
    if (a.weeks != b.weeks || a.buurten != b.buurten || a.targeted != b.targeted) return false;
    for (std::size_t i = 0; i < n_indicators; ++i) {
        const auto& x = a.values[i];
        const auto& y = b.values[i];
        if (x.size() != y.size() || std::memcmp(x.data(), y.data(), x.size() * sizeof(double)) != 0) return false;
    }
    return true;
}

Results alone(const Scenario& sc, std::uint32_t replicate) {
    Simulation sim(sc.params, cbs(), replicate);
    sim.run();
    return sim.take_results();
}

}  // namespace

TEST_CASE("a batch holds one Simulation's results per scenario and replicate, in order, for 1 and 2 threads") {
    const auto scen = two_scenarios();
    for (int threads : {1, 2}) {
        const BatchResult b = run_batch(scen, cbs(), {0, 1}, threads, "test");
        REQUIRE(b.results.scenarios.size() == 2);
        CHECK(b.results.replicate_ids == std::vector<std::uint32_t>{0, 1});
        CHECK(b.provenance.threads == threads);
        CHECK(b.provenance.command_line == "test");
        CHECK(b.provenance.seed == 11);
        CHECK(b.provenance.data_files.at(0).sha256 == cbs().sha256());
        for (std::size_t s = 0; s < 2; ++s) {
            CHECK(b.results.scenarios[s].name == scen[s].params.name);
            CHECK(b.results.scenarios[s].toml == scen[s].resolved_toml);
            for (std::uint32_t k = 0; k < 2; ++k)
                CHECK(identical(b.results.scenarios[s].replicates[k], alone(scen[s], k)));
        }
    }
}

TEST_CASE("replicate k of a batch re-run alone gives the same result") {
    const auto scen = two_scenarios();
    const BatchResult all = run_batch(scen, cbs(), {0, 1, 2});
    const BatchResult one = run_batch(scen, cbs(), {2});
    for (std::size_t s = 0; s < 2; ++s)
        CHECK(identical(one.results.scenarios[s].replicates[0], all.results.scenarios[s].replicates[2]));
    CHECK_FALSE(identical(all.results.scenarios[0].replicates[0], all.results.scenarios[0].replicates[1]));
}

TEST_CASE("the callback sees every week, burn-in included, and counts recorded replicate-weeks") {
    std::atomic<std::size_t> calls{0}, last_done{0}, total{0};
    std::atomic<bool> zero_seen{false};
    run_batch(two_scenarios(), cbs(), {0, 1}, 1, "", [&](const BatchProgress& at) {
        ++calls;
        if (at.weeks_done == 0) zero_seen = true;
        last_done = at.weeks_done;
        total = at.weeks_total;
    });
    // 2 scenarios x 2 replicates x (3 burn-in + 6 recorded weeks); one thread, so in order.
    CHECK(calls == 4 * 9);
    CHECK(total == 4 * 6);
    CHECK(last_done == 4 * 6);
    CHECK(zero_seen);  // burn-in weeks of the first job
}

TEST_CASE("a callback that throws cancels the batch and its exception comes out") {
    struct Stop : std::runtime_error {
        Stop() : std::runtime_error("stop") {}
    };
    std::atomic<std::size_t> calls{0};
    CHECK_THROWS_AS(run_batch(two_scenarios(), cbs(), {0, 1}, 2, "",
                              [&](const BatchProgress&) {
                                  if (++calls == 5) throw Stop();
                              }),
                    Stop);
    CHECK(calls < 4 * 9);
}

TEST_CASE("a batch without scenarios or replicates, or with negative threads, is a usage error") {
    CHECK_THROWS_AS(run_batch({}, cbs(), {0}), UsageError);
    CHECK_THROWS_AS(run_batch(two_scenarios(), cbs(), {}), UsageError);
    CHECK_THROWS_AS(run_batch(two_scenarios(), cbs(), {0}, -1), UsageError);
}
