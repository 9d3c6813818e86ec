// The weekly loop: reproducible to the bit for any thread count, sensitive to
// the seed, and every question accounted for.
#include "buurtsim/cbs_data.hpp"
#include "buurtsim/scenario.hpp"
#include "buurtsim/simulation.hpp"
#include "buurtsim/testing.hpp"
#include "state.hpp"  // private: the test reads team state

#include <catch2/catch.hpp>
#include <oneapi/tbb/global_control.h>

#include <cmath>
#include <cstring>

using namespace buurtsim;

namespace {

const CbsTable& cbs() {
    static const CbsTable t = CbsTable::read_csv(BUURTSIM_SOURCE_DIR "/data/cbs/cbs-kwb-utrecht-2023.csv");
    return t;
}

Params small(std::int64_t seed = 3) {
    Params p = default_params();
    p.population.scale = 0.1;
    p.run.weeks = 30;
    p.run.seed = seed;
    p.run.burn_in_weeks = 4;
    return p;
}

Results run(const Params& p, int threads, std::uint32_t replicate = 0) {
    tbb::global_control c(tbb::global_control::max_allowed_parallelism, std::size_t(threads));
    Simulation sim(p, cbs(), replicate);
    sim.run();
    return sim.take_results();
}

// Bitwise equality, so NaN == NaN and -0 != +0: "bit-identical" means exactly that.
bool identical(const Results& a, const Results& b) {
    if (a.weeks != b.weeks || a.buurten != b.buurten) return false;
    for (std::size_t i = 0; i < n_indicators; ++i)
        if (a.values[i].size() != b.values[i].size() ||
            std::memcmp(a.values[i].data(), b.values[i].data(), a.values[i].size() * sizeof(double)) != 0)
            return false;
    return true;
}

double total(const Results& r, Indicator ind) {
    double s = 0;
    for (double v : r.values[std::size_t(ind)])
        if (!std::isnan(v)) s += v;
    return s;
}

}  // namespace

TEST_CASE("results are bit-identical on 1 and 2 threads") {
    const Params p = small();
    const Results one = run(p, 1), two = run(p, 2), again = run(p, 2);
    CHECK(identical(one, two));
    CHECK(identical(two, again));
}

TEST_CASE("results are bit-identical with the AVX-512, the AVX2 and the baseline build of the vectorised loops") {
    // health, health_care and observe run compiled for AVX-512 or AVX2 where the processor has it
    // (for_each_buurt_wide): the same arithmetic eight or four lanes wide, so the same bits. Snapshots too.
    Params p = small();
    p.output.snapshot_weeks = {10};
    const int widest = wide_level();
    const auto run_at = [&](int level) {
        set_wide_level(level);
        REQUIRE(wide_level() == std::min(level, widest));
        Simulation sim(p, cbs(), 0);
        sim.run();
        return sim;
    };
    const Simulation narrow = run_at(0);
    REQUIRE(narrow.results().snapshots.size() == 1);
    if (widest < 2) WARN("this processor has no AVX-512" << (widest < 1 ? " and no AVX2" : "") << ": fewer builds compared");
    for (int level = 1; level <= widest; ++level) {
        INFO("level " << level);
        const Simulation wide = run_at(level);
        CHECK(identical(narrow.results(), wide.results()));
        REQUIRE(wide.results().snapshots.size() == 1);
        CHECK(narrow.results().snapshots[0].loneliness == wide.results().snapshots[0].loneliness);
        CHECK(narrow.state().self_reliance == wide.state().self_reliance);
        CHECK(narrow.state().djg == wide.state().djg);
        CHECK(narrow.state().care_words == wide.state().care_words);
    }
    set_wide_level(widest);
}

TEST_CASE("another seed or another replicate gives other results") {
    const Results base = run(small(3), 2);
    CHECK_FALSE(identical(base, run(small(4), 2)));
    CHECK_FALSE(identical(base, run(small(3), 2, 1)));
}

TEST_CASE("every question is accounted for in every buurt") {
    Params p = small();
    p.run.burn_in_weeks = 0;  // no questions open before week 0
    tbb::global_control c(tbb::global_control::max_allowed_parallelism, 2);
    Simulation sim(p, cbs(), 0);
    sim.run();
    const Results& r = sim.results();
    const std::uint32_t last = r.weeks - 1;
    for (std::uint32_t b = 0; b < r.buurten; ++b) {
        // In: new questions and care questions reopened by a carer who stopped.
        // Out: solved by network (care: a carer took it on), community or buurtteam, or given up.
        double in = 0, out = 0;
        for (std::uint32_t w = 0; w < r.weeks; ++w) {
            in += r.at(Indicator::questions_new, w, b) + r.at(Indicator::carers_withdrawn, w, b);
            out += r.at(Indicator::questions_solved_network, w, b) + r.at(Indicator::questions_solved_community, w, b) +
                   r.at(Indicator::questions_solved_professional, w, b) + r.at(Indicator::questions_dropped, w, b);
        }
        const double still_open = r.at(Indicator::questions_unmet_open, last, b) +
                                  r.at(Indicator::buurtteam_waiting, last, b) +
                                  r.at(Indicator::buurtteam_clients, last, b);
        INFO("buurt " << sim.population().geo.buurten[b].code);
        CHECK(in == out + still_open);
    }
    for (Indicator i : {Indicator::questions_new, Indicator::questions_solved_network, Indicator::questions_solved_community,
                        Indicator::questions_solved_professional, Indicator::escalations, Indicator::wmo_new,
                        Indicator::carers, Indicator::meeting_visits})
        CHECK(total(r, i) > 0);
}

TEST_CASE("the buurtteam never works more hours than it has") {
    Params p = small();
    p.buurtteam.fte_per_10k = 2.0;  // scarce staff: a queue must form
    tbb::global_control c(tbb::global_control::max_allowed_parallelism, 2);
    Simulation sim(p, cbs(), 0);
    sim.run();
    const Results& r = sim.results();
    const Population& pop = sim.population();
    bool queued = false;
    for (std::uint32_t w = 0; w < r.weeks; ++w) {
        std::vector<double> used(pop.geo.wijken.size(), 0.0);
        for (std::uint32_t b = 0; b < r.buurten; ++b) {
            used[pop.geo.buurten[b].wijk] += r.at(Indicator::buurtteam_hours, w, b);
            queued = queued || r.at(Indicator::buurtteam_waiting, w, b) > 0;
        }
        for (std::size_t k = 0; k < used.size(); ++k) CHECK(used[k] <= sim.state().teams[k].capacity_hours() + 1e-9);
    }
    CHECK(queued);
}

TEST_CASE("more buurtteam staff means shorter waits") {
    Params scarce = small(), ample = small();
    scarce.buurtteam.fte_per_10k = 3.0;
    ample.buurtteam.fte_per_10k = 20.0;
    const Results a = run(scarce, 2), b = run(ample, 2);
    CHECK(total(a, Indicator::buurtteam_waiting) > total(b, Indicator::buurtteam_waiting));
}

TEST_CASE("informal help is capped by the helpers' hours") {
    Params p = small();
    p.help.hours_working_age = 0;
    p.help.hours_retired = 0;
    p.help.hours_youth = 0;
    p.help.care_hours_household = 0;
    const Results r = run(p, 2);
    CHECK(total(r, Indicator::questions_solved_network) == 0);
    CHECK(total(r, Indicator::informal_care_hours) == 0);
    CHECK(total(r, Indicator::questions_new) > 0);
}

TEST_CASE("the model runs at the corners of the plausible ranges, every question accounted for") {
    // Uncertainty analysis draws parameters from their plausible ranges (the table), so a run
    // with every uncertain parameter at its low, or at its high, end must work and keep its books.
    for (const bool high : {false, true}) {
        Params p = small(5);
        p.run.burn_in_weeks = 0;  // no questions open before week 0
        p.run.weeks = 26;
        p.population.wijken = {"WK034403"};
        p.population.scale = 0.2;
        for (const auto& row : param_table()) {
            if (row.plausible.kind != Plausible::Kind::range) continue;
            const double v = high ? row.plausible.hi : row.plausible.lo;
            if (row.type() == ParamType::integer) param_ref<std::int64_t>(p, row.name) = std::int64_t(v);
            else param_ref<double>(p, row.name) = v;
        }
        // Every intervention on, so their ranges are exercised too.
        param_ref<double>(p, "buurtondersteuner.fte") = 1.0;
        param_ref<std::vector<std::string>>(p, "buurtondersteuner.wijken") = {"WK034403"};
        param_ref<double>(p, "facilitator.fte") = 1.0;
        param_ref<bool>(p, "facilitator.every_wijk") = true;
        param_ref<double>(p, "buurtkamer.seats_per_1000") = 20.0;
        param_ref<std::int64_t>(p, "buurtkamer.most_vulnerable") = 3;
        if (high) p.buurtteam.funding = "follows_demand";
        INFO((high ? "every range at its high end" : "every range at its low end"));
        REQUIRE_NOTHROW(validate(p));
        tbb::global_control c(tbb::global_control::max_allowed_parallelism, 2);
        Simulation sim(p, cbs(), 0);
        sim.run();
        const Results& r = sim.results();
        for (std::size_t i = 0; i < n_indicators; ++i)
            for (double v : r.values[i]) CHECK(!std::isinf(v));
        const std::uint32_t last = r.weeks - 1;
        for (std::uint32_t b = 0; b < r.buurten; ++b) {
            double in = 0, out = 0;
            for (std::uint32_t w = 0; w < r.weeks; ++w) {
                in += r.at(Indicator::questions_new, w, b) + r.at(Indicator::carers_withdrawn, w, b);
                out += r.at(Indicator::questions_solved_network, w, b) + r.at(Indicator::questions_solved_community, w, b)
                       + r.at(Indicator::questions_solved_professional, w, b) + r.at(Indicator::questions_dropped, w, b);
            }
            const double still_open = r.at(Indicator::questions_unmet_open, last, b)
                                      + r.at(Indicator::buurtteam_waiting, last, b)
                                      + r.at(Indicator::buurtteam_clients, last, b);
            INFO("buurt " << sim.population().geo.buurten[b].code);
            CHECK(in == out + still_open);
        }
        CHECK(total(r, Indicator::questions_new) > 0);
    }
}
