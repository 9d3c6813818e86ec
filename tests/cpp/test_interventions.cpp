// Interventions: off means bit-identical to baseline, nothing changes before
// the start week, the mechanisms move outcomes in the expected direction,
// and bad settings are clear errors.
#include "buurtsim/error.hpp"
#include "sim_fixture.hpp"

#include <catch2/catch.hpp>
#include <oneapi/tbb/global_control.h>

#include <cstring>

using namespace buurtsim;
using namespace buurtsim::test;

namespace {

Params base() {
    Params p = small_params(21, 0.3, 40);
    p.population.wijken = {"WK034403"};  // Overvecht
    return p;
}

Results run(const Params& p, std::uint32_t replicate = 0) {
    Simulation sim(p, cbs(), replicate);
    sim.run();
    return sim.take_results();
}

bool same_bits(const std::vector<double>& a, const std::vector<double>& b, std::size_t from, std::size_t to) {
    return std::memcmp(a.data() + from, b.data() + from, (to - from) * sizeof(double)) == 0;
}

bool identical(const Results& a, const Results& b, std::uint32_t weeks) {
    const std::size_t n = std::size_t(weeks) * a.buurten;
    for (std::size_t i = 0; i < n_indicators; ++i)
        if (!same_bits(a.values[i], b.values[i], 0, n)) return false;
    return true;
}

}  // namespace

TEST_CASE("an intervention with zero FTE or starting after the horizon is bit-identical to baseline") {
    const Params p = base();
    const Results ref = run(p);
    Params zero = p;
    set_param(zero, "buurtondersteuner.fte", 0);
    set_param(zero, "buurtondersteuner.wijken", {"WK034403"});
    CHECK(identical(ref, run(zero), ref.weeks));

    Params late = p;
    set_param(late, "buurtondersteuner.fte", 2);
    set_param(late, "buurtondersteuner.wijken", {"WK034403"});
    set_param(late, "buurtondersteuner.start_week", 100);
    set_param(late, "facilitator.fte", 2);
    set_param(late, "facilitator.every_wijk", true);
    set_param(late, "facilitator.start_week", 100);
    set_param(late, "buurtkamer.seats_per_1000", 30);
    set_param(late, "buurtkamer.most_vulnerable", 3);
    set_param(late, "buurtkamer.start_week", 100);
    set_param(late, "staff_shortage.reduction", 0.5);
    set_param(late, "staff_shortage.start_week", 100);
    CHECK(identical(ref, run(late), ref.weeks));
}

TEST_CASE("every indicator is bit-identical to baseline before the start week") {
    const Params p = base();
    const Results ref = run(p);
    Params all = p;
    const std::int64_t start = 15;
    set_param(all, "buurtondersteuner.fte", 2);
    set_param(all, "buurtondersteuner.most_vulnerable", 4);
    set_param(all, "buurtondersteuner.start_week", start);
    set_param(all, "facilitator.fte", 2);
    set_param(all, "facilitator.every_wijk", true);
    set_param(all, "facilitator.start_week", start);
    set_param(all, "buurtkamer.seats_per_1000", 30);
    set_param(all, "buurtkamer.wijken", {"WK034403"});
    set_param(all, "buurtkamer.start_week", start);
    set_param(all, "staff_shortage.reduction", 0.3);
    set_param(all, "staff_shortage.start_week", start);
    const Results with = run(all);
    CHECK(identical(ref, with, std::uint32_t(start)));
    CHECK_FALSE(identical(ref, with, ref.weeks));  // and they do act afterwards
}

TEST_CASE("a buurtondersteuner raises community-solved questions in its buurten (paired replicates)") {
    // Direction only: in each of several paired replicates the targeted
    // buurten solve more questions in the community than in the baseline.
    Params p = base();
    p.run.weeks = 52;
    Params bo = p;
    set_param(bo, "buurtondersteuner.fte", 1);
    set_param(bo, "buurtondersteuner.most_vulnerable", 5);
    int higher = 0;
    const int reps = 4;
    for (std::uint32_t k = 0; k < reps; ++k) {
        const Results a = run(p, k), b = run(bo, k);
        REQUIRE(b.targeted.size() == b.buurten);
        double ca = 0, cb = 0;
        for (std::uint32_t w = 0; w < a.weeks; ++w)
            for (std::uint32_t buurt = 0; buurt < a.buurten; ++buurt)
                if (b.targeted[buurt]) {
                    ca += a.at(Indicator::questions_solved_community, w, buurt);
                    cb += b.at(Indicator::questions_solved_community, w, buurt);
                }
        higher += cb > ca;
    }
    CHECK(higher == reps);
}

TEST_CASE("a staff shortage lengthens the buurtteam waiting list") {
    Params p = base();
    Params short_ = p;
    set_param(short_, "staff_shortage.reduction", 0.4);
    CHECK(total(run(short_), Indicator::buurtteam_waiting) > total(run(p), Indicator::buurtteam_waiting));
}

TEST_CASE("a backlog adds open questions at week 0 only") {
    Params p = base();
    Params b = p;
    set_param(b, "backlog.share", 0.05);
    const Results ra = run(p), rb = run(b);
    const double adults = week_total(ra, Indicator::adults, 0);
    const double extra = week_total(rb, Indicator::questions_new, 0) - week_total(ra, Indicator::questions_new, 0);
    CHECK(extra == Approx(0.05 * adults).margin(5 * std::sqrt(0.05 * adults) + 0.01 * adults));
}

TEST_CASE("intervention costs are charged only where and while the intervention works") {
    Params p = base();
    set_param(p, "buurtondersteuner.fte", 1);
    set_param(p, "buurtondersteuner.most_vulnerable", 2);
    set_param(p, "buurtondersteuner.start_week", 10);
    set_param(p, "buurtondersteuner.end_week", 19);
    const Results r = run(p);
    double before = 0, during = 0, after = 0, untargeted = 0;
    for (std::uint32_t w = 0; w < r.weeks; ++w)
        for (std::uint32_t b = 0; b < r.buurten; ++b) {
            const double c = r.at(Indicator::intervention_cost_eur, w, b);
            if (!r.targeted[b]) untargeted += c;
            else if (w < 10) before += c;
            else if (w <= 19) during += c;
            else after += c;
        }
    CHECK(before == 0);
    CHECK(after == 0);
    CHECK(untargeted == 0);
    // 2 buurten x 10 weeks x 1 FTE x cost/52, scaled like every capacity.
    CHECK(during == Approx(2 * 10 * param_ref<double>(p, "buurtondersteuner.cost_per_fte_year") / 52.0 * p.population.scale));
}

TEST_CASE("bad intervention settings are clear errors") {
    Params p = base();
    set_param(p, "buurtondersteuner.fte", 1);
    SECTION("no target") {
        CHECK_THROWS_WITH(run(p), Catch::Contains("buurtondersteuner: no target"));
    }
    SECTION("unknown buurt code") {
        set_param(p, "buurtondersteuner.buurten", {"BU03449999"});
        CHECK_THROWS_WITH(run(p), Catch::Contains("BU03449999") && Catch::Contains("buurtondersteuner.buurten"));
    }
    SECTION("unknown wijk code") {
        set_param(p, "buurtondersteuner.wijken", {"WK034499"});
        CHECK_THROWS_WITH(run(p), Catch::Contains("WK034499"));
    }
    SECTION("contradictory targets") {
        set_param(p, "buurtondersteuner.wijken", {"WK034403"});
        set_param(p, "buurtondersteuner.most_vulnerable", 3);
        CHECK_THROWS_WITH(run(p), Catch::Contains("contradictory"));
    }
    SECTION("duplicated code") {
        set_param(p, "buurtondersteuner.buurten", {"BU03440311", "BU03440311"});
        CHECK_THROWS_AS(run(p), ParamError);
    }
    SECTION("facilitator both every_wijk and a list") {
        set_param(p, "buurtondersteuner.fte", 0);
        set_param(p, "facilitator.fte", 1);
        set_param(p, "facilitator.every_wijk", true);
        set_param(p, "facilitator.wijken", {"WK034403"});
        CHECK_THROWS_WITH(run(p), Catch::Contains("contradictory"));
    }
}

TEST_CASE("scenario files: end before start and negative FTE are rejected with file and key") {
    CHECK_THROWS_WITH(parse_scenario("[buurtondersteuner]\nfte = -1\n", "s.toml"),
                      Catch::Contains("s.toml:2") && Catch::Contains("buurtondersteuner.fte"));
    CHECK_THROWS_WITH(parse_scenario("[buurtondersteuner]\nstart_week = 20\nend_week = 10\n", "s.toml"),
                      Catch::Contains("buurtondersteuner.end_week") && Catch::Contains("buurtondersteuner.start_week"));
    CHECK_THROWS_WITH(parse_scenario("[staff_shortage]\nstart_week = 20\nend_week = 10\n", "s.toml"),
                      Catch::Contains("staff_shortage.end_week"));
}
