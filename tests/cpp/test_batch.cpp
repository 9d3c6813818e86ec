// The batch loop (model/src/batch.cpp): the same results as one Simulation per
// job, in scenario x replicate order, for any thread count; replicate k alone
// equals replicate k of the batch; the callback sees every week and can cancel.
#include "buurtsim/batch.hpp"
#include "buurtsim/error.hpp"
#include "buurtsim/simulation.hpp"

#include "sim_fixture.hpp"

#include <catch2/catch.hpp>

#include <algorithm>
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

// ---------------------------------------------------------------- priors (prior.hpp)

namespace {

const std::string hours_prior = "[help]\nhours_retired = { prior = \"uniform\", lo = 2.0, hi = 12.0 }\n";

std::size_t index_of(const std::vector<std::string>& names, const std::string& name) {
    const auto it = std::find(names.begin(), names.end(), name);
    REQUIRE(it != names.end());
    return std::size_t(it - names.begin());
}

}  // namespace

TEST_CASE("with priors each replicate draws its own values, the same in every scenario and for 1 and 2 threads",
          "[prior]") {
    const std::vector<Scenario> scen = {
        tiny("a", hours_prior),
        tiny("b", hours_prior + "willingness_weak = { prior = \"triangular\", lo = 0.05, mode = 0.2, hi = 0.35 }\n"),
        tiny("c")};
    const BatchResult one = run_batch(scen, cbs(), {0, 1, 2}, 1);
    const BatchResult two = run_batch(scen, cbs(), {0, 1, 2}, 2);
    const ResultSet& rs = one.results;
    // The union over the scenarios, in table order (help.willingness_weak comes before help.hours_retired).
    CHECK(rs.parameters == std::vector<std::string>{"help.willingness_weak", "help.hours_retired"});
    const std::size_t h = index_of(rs.parameters, "help.hours_retired"), w = index_of(rs.parameters, "help.willingness_weak");
    for (std::uint32_t k = 0; k < 3; ++k) {
        const auto& a = rs.scenarios[0].parameter_values[k];
        const auto& b = rs.scenarios[1].parameter_values[k];
        const auto& c = rs.scenarios[2].parameter_values[k];
        CHECK(a[h] == b[h]);                                         // common random numbers
        CHECK(a[h] == draw(scen[0].priors.front(), 11, k));         // what was drawn was used
        CHECK((a[h] >= 2.0 && a[h] <= 12.0));
        CHECK(a[w] == default_params().help.willingness_weak);      // no prior in a: its fixed value
        CHECK(c[h] == default_params().help.hours_retired);         // nor in c
        CHECK(b[w] != a[w]);
        for (std::size_t s = 0; s < 3; ++s) {
            CHECK(rs.scenarios[s].parameter_values[k] == two.results.scenarios[s].parameter_values[k]);
            CHECK(identical(rs.scenarios[s].replicates[k], two.results.scenarios[s].replicates[k]));
        }
    }
    CHECK(rs.scenarios[0].parameter_values[0][h] != rs.scenarios[0].parameter_values[1][h]);
    // The resolved scenario keeps the prior, so a re-run from it draws the same.
    CHECK_THAT(rs.scenarios[0].toml, Catch::Contains("hours_retired = { prior = \"uniform\", lo = 2.0, hi = 12.0 }"));
}

TEST_CASE("a replicate with a prior is bit-identical to a fixed-value run at its draw", "[prior]") {
    const Scenario with = tiny("a", hours_prior);
    const BatchResult b = run_batch({with}, cbs(), {0, 1});
    for (std::uint32_t k = 0; k < 2; ++k) {
        const double drawn = b.results.scenarios[0].parameter_values[k][0];
        // The draw written as text and read back: shortest round-trip digits, so the same double.
        const Scenario fixed = parse_scenario(to_toml(params_for_replicate(with, k)), "<fixed>");
        REQUIRE(fixed.priors.empty());
        REQUIRE(fixed.params.help.hours_retired == drawn);
        CHECK(identical(b.results.scenarios[0].replicates[k], alone(fixed, k)));
        // ... and differs from the run at the prior's median (the draw matters).
        CHECK_FALSE(identical(b.results.scenarios[0].replicates[k], alone(with, k)));
    }
}

TEST_CASE("without priors a batch records no parameter values",
          "[prior]") {
    const BatchResult b = run_batch({tiny("a")}, cbs(), {0});
    CHECK(b.results.parameters.empty());
    CHECK(b.results.scenarios[0].parameter_values.empty());
}
