// The state a run starts from: mantelzorg already running at the documented
// share, and buurtteam hours split by need during the burn-in.
#include "sim_fixture.hpp"

#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <numeric>

using namespace buurtsim;
using namespace buurtsim::test;

namespace {
struct CareCount {
    double adults = 0, carers = 0, recipients = 0, recipients_75 = 0, adults_75 = 0;
};

CareCount count_care(const Simulation& sim) {
    CareCount c;
    const State& s = sim.state();
    const Population& pop = sim.population();
    for (std::uint32_t i = 0; i < pop.size(); ++i) {
        if (pop.age[i] >= 18) {
            c.adults += 1;
            c.adults_75 += pop.age[i] >= 75;
        }
        if (s.caring_for[i] != no_one) c.carers += 1;
        if (s.status[i] == QuestionStatus::cared) {
            c.recipients += 1;
            c.recipients_75 += pop.age[i] >= 75;
        }
    }
    return c;
}
}  // namespace

TEST_CASE("mantelzorg at the start: carers.initial_share of adults, through real ties, weighted by care need") {
    Params p = small_params(4, 0.2, 1);
    const Simulation sim(p, cbs(), 0);
    const CareCount c = count_care(sim);
    // A few recipients find nobody with the hours; the rest get exactly one carer.
    CHECK(c.carers == c.recipients);
    CHECK(c.carers / c.adults == Approx(p.carers.initial_share).margin(0.015));
    CHECK(c.carers / c.adults > 0.8 * p.carers.initial_share);
    // Recipients are drawn by their rate of care questions, which rises with age.
    CHECK(c.recipients_75 / c.recipients > 1.5 * c.adults_75 / c.adults);

    const State& s = sim.state();
    const Network& net = sim.network();
    std::size_t bad = 0;
    for (std::uint32_t i = 0; i < sim.population().size(); ++i) {
        const std::uint32_t r = s.caring_for[i];
        if (r == no_one) continue;
        const std::uint64_t t = net.find(i, r);
        bad += t == Network::npos || net.type[t] == TieType::weak || net.type[t] == TieType::met;
        bad += s.status[r] != QuestionStatus::cared || s.kind[r] != QuestionKind::care || s.care_weeks[i] == 0;
    }
    CHECK(bad == 0);

    p.carers.initial_share = 0;
    CHECK(count_care(Simulation(p, cbs(), 0)).carers == 0);
}

TEST_CASE("mantelzorg at the start: remaining durations are geometric with the care mean (memoryless)") {
    Params p = small_params(4, 0.2, 1);
    p.carers.duration_weeks_mean = 40;
    const Simulation sim(p, cbs(), 0);
    double n = 0, weeks = 0;
    for (std::uint32_t i = 0; i < sim.population().size(); ++i)
        if (sim.state().caring_for[i] != no_one) {
            n += 1;
            weeks += sim.state().care_weeks[i];
        }
    REQUIRE(n > 100);
    // 1 + Geometric(1/40): mean 40, sd ~ sqrt(40 * 39).
    CHECK(weeks / n == Approx(40).margin(5 * std::sqrt(40.0 * 39.0 / n)));
    // Memoryless: P(D > 40) = (1 - 1/40)^40 ~ 0.363 (a fixed or uniform duration would be far off).
    double over = 0;
    for (std::uint32_t i = 0; i < sim.population().size(); ++i)
        over += sim.state().caring_for[i] != no_one && sim.state().care_weeks[i] > 40;
    const double expect = std::pow(1.0 - 1.0 / 40, 40);
    CHECK(over / n == Approx(expect).margin(5 * std::sqrt(expect * (1 - expect) / n)));
}

TEST_CASE("buurtteam hours: split by residents, then by burn-in referrals, the city total unchanged") {
    Params p = small_params(6, 0.1, 1);
    p.run.burn_in_weeks = 20;
    p.buurtteam.need_allocation_weeks = 8;
    Simulation sim(p, cbs(), 0);
    const std::size_t teams = sim.state().teams.size();
    REQUIRE(teams > 3);
    std::vector<double> start(teams);
    for (std::size_t t = 0; t < teams; ++t) start[t] = sim.state().teams[t].capacity_hours();
    const double city = std::accumulate(start.begin(), start.end(), 0.0);
    std::vector<double> residents(teams, 0.0), referrals(teams, 0.0);
    const Population& pop = sim.population();
    for (std::size_t b = 0; b < pop.geo.buurten.size(); ++b)
        residents[pop.geo.buurten[b].wijk] += pop.buurt_begin[b + 1] - pop.buurt_begin[b];
    for (std::size_t t = 0; t < teams; ++t) CHECK(start[t] / residents[t] == Approx(start[0] / residents[0]));

    for (int week = 0; week < 8; ++week) {
        for (std::size_t t = 0; t < teams; ++t) CHECK(sim.state().teams[t].capacity_hours() == start[t]);
        sim.step();
        for (std::size_t b = 0; b < pop.geo.buurten.size(); ++b)
            referrals[pop.geo.buurten[b].wijk] += sim.state().week[b].referrals;
    }
    const double weight = std::accumulate(referrals.begin(), referrals.end(), 0.0) + double(teams);
    double after = 0;
    for (std::size_t t = 0; t < teams; ++t) {
        after += sim.state().team_capacity[t];
        CHECK(sim.state().teams[t].capacity_hours() == Approx(city * (referrals[t] + 1) / weight).epsilon(1e-12));
    }
    CHECK(after == Approx(city).epsilon(1e-12));
    CHECK(std::accumulate(referrals.begin(), referrals.end(), 0.0) > 20);

    p.buurtteam.need_allocation_weeks = 0;  // stays by residents
    Simulation flat(p, cbs(), 0);
    for (int week = 0; week < 12; ++week) flat.step();
    for (std::size_t t = 0; t < teams; ++t) CHECK(flat.state().teams[t].capacity_hours() == start[t]);
}

TEST_CASE("leaving the waiting list: a constant weekly hazard, nobody with 0") {
    // A wijk whose team has almost no hours: referrals pile up on the list.
    Params p = small_params(8, 0.1, 40);
    p.population.wijken = {"WK034403"};
    p.buurtteam.fte_per_10k = 0.05;
    p.buurtteam.knows_where_to_go = 1;
    p.escalation.base_hazard = 0;  // no urgent entries
    p.buurtteam.leave_list_weeks_mean = 0;
    const Results never = [&] { Simulation s(p, cbs(), 0); s.run(); return s.results(); }();
    CHECK(total(never, Indicator::buurtteam_left_list) == 0);
    // The team has no whole case slot, so with nobody leaving the list only grows.
    for (std::uint32_t w = 1; w < 40; ++w)
        CHECK(week_total(never, Indicator::buurtteam_waiting, w) >= week_total(never, Indicator::buurtteam_waiting, w - 1));

    p.buurtteam.leave_list_weeks_mean = 4;
    // In steady state the list is arrivals x 4 weeks; those who leave each week are list / 4. Pooled over
    // six replicates: one replicate's ratio has a standard deviation of about 0.04 (12 replicates), so the
    // margin below would be 2.5 of them for one run, and 6 for the pool.
    double waiting = 0, left = 0;
    for (std::uint32_t replicate = 0; replicate < 6; ++replicate) {
        Simulation sim(p, cbs(), replicate);
        sim.run();
        const Results& r = sim.results();
        for (std::uint32_t w = 20; w < 40; ++w) {
            waiting += week_total(r, Indicator::buurtteam_waiting, w);
            left += week_total(r, Indicator::buurtteam_left_list, w);
        }
    }
    CHECK(waiting > 1200);
    // Each week about a quarter of the list leaves (the list counted after leaving, so left ~ waiting / 3).
    CHECK(left / waiting == Approx(1.0 / 3.0).margin(0.1));
}

TEST_CASE("algemene voorzieningen start in steady state beside the Wmo stock, and their clients need no carer") {
    Params p = small_params(5, 0.2, 1);
    const double g = p.wmo.general_provision_share;
    REQUIRE(g > 0);
    const Simulation sim(p, cbs(), 0);  // the initial state, before any week
    const State& s = sim.state();
    double general = 0, residents = double(sim.population().size());
    std::size_t both = 0, cared = 0;
    for (std::uint32_t i = 0; i < sim.population().size(); ++i) {
        if (s.general_weeks[i] == 0) continue;
        general += 1;
        both += s.wmo_weeks[i] > 0;                     // one provision or the other
        cared += s.status[i] == QuestionStatus::cared;  // their care is provided: no mantelzorger drawn
    }
    const double expected = p.wmo.initial_share * g / (1 - g) * residents;  // the assessment's steady ratio
    CHECK(general == Approx(expected).margin(5 * std::sqrt(expected)));
    CHECK(both == 0);
    CHECK(cared == 0);

    p.wmo.general_provision_share = 0;
    const Simulation none(p, cbs(), 0);
    CHECK(std::count_if(none.state().general_weeks.begin(), none.state().general_weeks.end(),
                        [](auto w) { return w > 0; }) == 0);
}
