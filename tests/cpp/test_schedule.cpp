// The weekly schedule as data (model/src/schedule.cpp): phase names in order,
// time per phase recorded for every phase, and the order the model documents.
#include "sim_fixture.hpp"

#include <catch2/catch.hpp>

#include <algorithm>
#include <string>

using namespace buurtsim;
using namespace buurtsim::test;

TEST_CASE("schedule: the phases in their documented order, each named once") {
    const auto names = Simulation::phase_names();
    std::vector<std::string> v(names.begin(), names.end());
    auto pos = [&](const char* n) { return std::find(v.begin(), v.end(), n) - v.begin(); };
    for (const char* n : {"levers", "health", "questions", "meeting", "ask_network", "brokerage", "ask_community",
                          "escalation_referral", "buurtteam", "carers_volunteers", "observe", "wmo_countdown", "snapshot"})
        CHECK(pos(n) < std::ptrdiff_t(v.size()));
    // Levers are set before anything reads them; questions arise before anyone asks; Wmo
    // provisions run down after they are counted; the snapshot sees the end of the week.
    CHECK(pos("levers") < pos("information"));
    CHECK(pos("questions") < pos("ask_network"));
    CHECK(pos("ask_network") < pos("brokerage"));
    CHECK(pos("brokerage") < pos("ask_community"));
    CHECK(pos("observe") < pos("wmo_countdown"));
    CHECK(pos("wmo_countdown") < pos("snapshot"));
    std::sort(v.begin(), v.end());
    CHECK(std::adjacent_find(v.begin(), v.end()) == v.end());
}

TEST_CASE("schedule: seconds per phase are recorded for every phase and add up to the run") {
    Params p = small_params(5, 0.05, 6);
    p.population.wijken = {"WK034403"};
    Simulation sim(p, cbs(), 0);
    CHECK(sim.phase_seconds().size() == Simulation::phase_names().size());
    CHECK(std::all_of(sim.phase_seconds().begin(), sim.phase_seconds().end(), [](double s) { return s == 0; }));
    sim.run();
    const auto& secs = sim.phase_seconds();
    CHECK(std::all_of(secs.begin(), secs.end(), [](double s) { return s >= 0; }));
    double sum = 0;
    for (double s : secs) sum += s;
    CHECK(sum > 0);
    // The observe phase scans every tie of every resident: never free.
    const auto names = Simulation::phase_names();
    CHECK(secs[std::size_t(std::find(names.begin(), names.end(), "observe") - names.begin())] > 0);
}
