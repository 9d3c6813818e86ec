// The tie summaries observe reads (tie_sums.hpp) are kept up to date as ties
// change instead of rescanned every week. They must equal a rescan of every
// row at every week, with every way a tie changes in play: street contact,
// meetings (a buurtkamer adds seats), community and ondersteuner help (new met
// ties), Wmo carers and the four-weekly decay that ends met ties.
#include "sim_fixture.hpp"
#include "tie_sums.hpp"

#include <catch2/catch.hpp>

using namespace buurtsim;
using namespace buurtsim::test;

namespace {

bool same(const TieSummary& a, const TieSummary& b) {
    return a.strength_all == b.strength_all && a.strength_buurt == b.strength_buurt && a.ties_buurt == b.ties_buurt &&
           a.nonhousehold_buurt == b.nonhousehold_buurt;
}

}  // namespace

TEST_CASE("kept tie summaries equal a rescan of every row every week", "[ties][wellbeing]") {
    Params p = small_params(11, 0.05, 12);
    set_param(p, "buurtondersteuner.fte", 2);
    set_param(p, "buurtondersteuner.most_vulnerable", 5);
    set_param(p, "buurtkamer.seats_per_1000", 20);
    set_param(p, "buurtkamer.most_vulnerable", 5);
    set_param(p, "ties.decay_weak", 0.3);  // met ties fade below weak_min within the 12 weeks, and end
    Simulation sim(p, cbs(), 0);
    const Population& pop = sim.population();
    const std::size_t n = pop.size();
    std::vector<TieSummary> before(n);
    for (std::uint32_t i = 0; i < n; ++i) before[i] = summarise_ties(sim.network(), pop, i);
    std::vector<std::uint16_t> degree(sim.network().count);
    std::size_t changed_rows = 0, grown_rows = 0, shrunk_rows = 0, mismatches = 0;
    for (int week = 0; week < 12; ++week) {
        sim.step();
        const State& s = sim.state();
        for (std::uint32_t i = 0; i < n; ++i) {
            const TieSummary now = summarise_ties(sim.network(), pop, i);
            mismatches += !same(s.ties[i], now);
            changed_rows += !same(before[i], now);
            grown_rows += now.ties_buurt > before[i].ties_buurt;
            shrunk_rows += sim.network().degree(i) < degree[i];
            before[i] = now;
            degree[i] = std::uint16_t(sim.network().degree(i));
        }
    }
    CHECK(mismatches == 0);
    // Not vacuous: rows changed every week (contact and decay), new ties were made, and the decay ended
    // some (its second walk over a row, ties_decay).
    CHECK(changed_rows > n);
    CHECK(grown_rows > 0);
    INFO("rows that lost a tie " << shrunk_rows);
    CHECK(shrunk_rows > 0);
}
