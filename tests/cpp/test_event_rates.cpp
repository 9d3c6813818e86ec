// The events drawn by event skipping (event_skipping.hpp) happen at each
// resident's own rate, read off the state the phase sees: week by week, the
// events counted in bins of the rate are compared with the sum of the rates
// (a Poisson-binomial count: z-scores from the sum of p (1 - p)). A candidate
// kept with the wrong probability, or a bound below someone's rate, shows in
// the bins of high or of low rates.
#include "sim_fixture.hpp"

#include <catch2/catch.hpp>

#include <array>
#include <cmath>
#include <vector>

using namespace buurtsim;
using namespace buurtsim::test;

namespace {

/** Events against their expectation, in bins. */
struct Bins {
    std::vector<double> events, expected, variance;
    explicit Bins(std::size_t n) : events(n, 0.0), expected(n, 0.0), variance(n, 0.0) {}
    void add(std::size_t bin, double p, bool happened) {
        events[bin] += happened;
        expected[bin] += p;
        variance[bin] += p * (1 - p);
    }
    void check(double min_expected) const {
        for (std::size_t k = 0; k < events.size(); ++k) {
            INFO("bin " << k << ": " << events[k] << " events, " << expected[k] << " expected");
            CHECK(expected[k] > min_expected);  // enough events to see a wrong rate
            CHECK(std::abs(events[k] - expected[k]) < 4.5 * std::sqrt(variance[k]));
        }
    }
};

}  // namespace

TEST_CASE("visits: each adult wants to come with probability attend_rate x inclination") {
    Params p = small_params(11, 0.1, 8);
    p.meeting.seats_per_1000 = 1000;  // a seat for everyone: wanting to come is visiting
    Simulation sim(p, cbs(), 0);
    Bins bins(3);  // inclination in thirds
    for (std::uint32_t week = 0; week < 8; ++week) {
        sim.step();
        const State& s = sim.state();
        for (std::uint32_t i = 0; i < sim.population().size(); ++i) {
            if (sim.population().age[i] < 18) continue;
            const double incl = s.inclination[i];
            bins.add(std::min<std::size_t>(2, std::size_t(incl * 3)), p.meeting.attend_rate * incl, s.visited_week[i] == week + 1);
        }
    }
    bins.check(1000);
}

TEST_CASE("volunteering: a start follows the adult's own recent contact, a stop the dropout rate") {
    Params p = small_params(13, 0.1, 20);
    const CommunityParams& c = p.community;
    p.community.recruit_rate = 0.02;
    p.community.encounter_recruit_effect = 3.0;  // rates that differ a lot between adults: the bound matters
    p.community.dropout_rate = 0.03;
    Simulation sim(p, cbs(), 0);
    Bins starts(3), stops(1);
    double started = 0, started_support = 0, outside = 0, unchanged_outside = 0;
    for (std::uint32_t week = 0; week < 20; ++week) {
        const std::vector<std::uint8_t> before = sim.state().volunteer;
        const std::vector<float> recent = sim.state().contacts_recent;  // what the phase reads (observe updates it later)
        sim.step();
        const State& s = sim.state();
        for (std::uint32_t i = 0; i < sim.population().size(); ++i) {
            const int age = sim.population().age[i];
            if (age < 18 || age > 84) {
                unchanged_outside += s.volunteer[i] == before[i];
                outside += 1;
                continue;
            }
            if (before[i] == 0) {
                // No component in this run: both boosts are 1.
                const double rate = std::min(1.0, c.recruit_rate * (1.0 + c.encounter_recruit_effect * recent[i]));
                const std::size_t bin = recent[i] < 0.25 ? 0 : recent[i] < 0.75 ? 1 : 2;
                starts.add(bin, rate, s.volunteer[i] != 0);
                started += s.volunteer[i] != 0;
                started_support += s.volunteer[i] == 2;
            } else {
                stops.add(0, c.dropout_rate, s.volunteer[i] == 0);
            }
        }
    }
    CHECK(unchanged_outside == outside);  // children and the over-84s neither start nor stop
    starts.check(300);
    stops.check(300);
    // A start is a support volunteer with probability support_share.
    const double q = c.support_share;
    CHECK(std::abs(started_support - started * q) < 4.5 * std::sqrt(started * q * (1 - q)));
}

TEST_CASE("questions: each adult without one gets a question at its own rate") {
    // Self-reliance and episodes held still (no drift, noise or episodes), so each week's rates are read off
    // the state before the week; no care questions, so every question drawn is raised.
    for (const bool seniors : {false, true}) {
        INFO((seniors ? "65+" : "18-64"));
        Params p = small_params(17, 0.2, 10);
        QuestionParams& q = p.questions;
        (seniors ? q.rate_18_64 : q.rate_65_plus) = 0;
        (seniors ? q.rate_65_plus : q.rate_18_64) = 0.01;
        q.vulnerable_multiplier = 4;  // rates far apart within a class: the keep probability matters
        q.low_self_reliance_effect = 3;
        q.episode_multiplier = 1;  // no slack in the bound from episodes (there are none here)
        q.share_care = 0;
        p.health.drift_rate = p.health.noise = 0;
        p.health.episode_rate_low = p.health.episode_rate_high = 0;
        Simulation sim(p, cbs(), 0);
        double expected = 0, variance = 0, got = 0, in_episode = 0;
        for (std::uint32_t week = 0; week < 10; ++week) {
            const State& s = sim.state();
            for (std::uint32_t i = 0; i < sim.population().size(); ++i) {
                const int age = sim.population().age[i];
                if (age < 18 || s.status[i] != QuestionStatus::none) continue;
                in_episode += s.episode_weeks[i] > 0;
                const double base = age >= 65 ? q.rate_65_plus : q.rate_18_64;
                const double rate = std::min(1.0, base * (sim.population().vulnerability[i] ? q.vulnerable_multiplier : 1.0) *
                                                      (1.0 + q.low_self_reliance_effect * (1.0 - s.self_reliance[i])));
                expected += rate;
                variance += rate * (1 - rate);
            }
            sim.step();
            got += week_total(sim.results(), Indicator::questions_new, week);
        }
        REQUIRE(in_episode == 0);  // the rates above leave the episode factor out
        CHECK(expected > 1000);
        CHECK(std::abs(got - expected) < 4.5 * std::sqrt(variance));
    }
}

TEST_CASE("questions: an adult in an episode gets a question at the episode's rate") {
    // Long episodes that do not move self-reliance (no drop, drift or noise), started at a steady rate, so
    // the rate each adult has in the questions phase is read off the state: self-reliance from before the
    // week, the episode from after it (only the health phase, which runs first, changes episodes). During
    // an episode the question is care: those whose care is provided (Wmo, algemene voorziening) raise none.
    Params p = small_params(19, 0.2, 12);
    QuestionParams& q = p.questions;
    q.rate_18_64 = 0.01;
    q.rate_65_plus = 0.02;
    q.vulnerable_multiplier = 2;
    q.low_self_reliance_effect = 1;
    q.episode_multiplier = 6;  // far above the class bound, which leaves episodes out
    q.share_care = 0;
    HealthParams& h = p.health;
    h.drift_rate = h.noise = h.episode_drop = 0;
    h.episode_rate_low = h.episode_rate_high = 0.02;
    h.episode_weeks_mean = 200;
    Simulation sim(p, cbs(), 0);
    double expected = 0, in_episode = 0, variance = 0, got = 0;
    for (std::uint32_t week = 0; week < 12; ++week) {
        const State before = sim.state();
        sim.step();
        const State& s = sim.state();
        for (std::uint32_t i = 0; i < sim.population().size(); ++i) {
            const int age = sim.population().age[i];
            if (age < 18 || before.status[i] != QuestionStatus::none) continue;
            const bool episode = s.episode_weeks[i] > 0;
            if (episode && (before.wmo_weeks[i] > 0 || before.general_weeks[i] > 0)) continue;  // care: not raised
            const double rate = std::min(1.0, (age >= 65 ? q.rate_65_plus : q.rate_18_64) *
                                                  (sim.population().vulnerability[i] ? q.vulnerable_multiplier : 1.0) *
                                                  (1.0 + q.low_self_reliance_effect * (1.0 - before.self_reliance[i])) *
                                                  (episode ? q.episode_multiplier : 1.0));
            expected += rate;
            in_episode += episode ? rate : 0.0;
            variance += rate * (1 - rate);
        }
        got += week_total(sim.results(), Indicator::questions_new, week);
    }
    // A third of the questions come from episodes: leaving them out, or their multiplier, or drawing them
    // twice (as candidates of their class too) moves the count by more than the margin.
    CHECK(in_episode > 0.3 * expected);
    CHECK(std::abs(got - expected) < 4.5 * std::sqrt(variance));
    INFO("got " << got << ", expected " << expected << ", of which in an episode " << in_episode);
}

TEST_CASE("common random numbers: a resident's question draws do not depend on other residents' state") {
    // Two scenarios that differ in whether the own network is asked: from the first week on, many
    // residents' questions stay open in one and are solved in the other. A resident whose state is the same in both at the start of a
    // week must then get the same question that week (or none in both): its draws are its own, whatever
    // happens to the buurt's other residents (event skipping draws the same number of words for every
    // candidate, so no other resident's state shifts its draws). A question sets its hours from the
    // resident's own generator, so the hours tell whether the two runs gave it the same question.
    Params a = small_params(23, 0.1, 4);
    Params b = a;
    b.help.ask_rounds = 0;
    Simulation sa(a, cbs(), 0), sb(b, cbs(), 0);
    double alike = 0, unpaired = 0, asked = 0;
    for (std::uint32_t week = 0; week < 4; ++week) {
        const State pa = sa.state(), pb = sb.state();
        sa.step();
        sb.step();
        const State& na = sa.state();
        const State& nb = sb.state();
        for (std::uint32_t i = 0; i < sa.population().size(); ++i) {
            if (sa.population().age[i] < 18) continue;
            const bool same = pa.status[i] == pb.status[i] && pa.self_reliance[i] == pb.self_reliance[i] &&
                              pa.episode_weeks[i] == pb.episode_weeks[i] && pa.djg[i] == pb.djg[i] &&
                              pa.wmo_weeks[i] == pb.wmo_weeks[i] && pa.general_weeks[i] == pb.general_weeks[i] &&
                              pa.question_hours[i] == pb.question_hours[i] && pa.status[i] == QuestionStatus::none;
            if (!same) continue;
            alike += 1;
            const bool new_a = na.question_hours[i] != pa.question_hours[i], new_b = nb.question_hours[i] != pb.question_hours[i];
            asked += new_a;
            unpaired += new_a != new_b || (new_a && na.question_hours[i] != nb.question_hours[i]);
        }
    }
    INFO(alike << " alike adult-weeks, " << asked << " new questions among them, " << unpaired << " unpaired");
    REQUIRE(alike > 50000);
    CHECK(asked > 500);
    CHECK(unpaired < 0.02 * asked);
}
