// Paired scenario comparison (compare.cpp): horizon values, the t interval,
// and compare_scenarios on synthetic results with known differences.
#include "buurtsim/compare.hpp"
#include "buurtsim/error.hpp"
#include "buurtsim/io.hpp"

#include <catch2/catch.hpp>

#include <cmath>
#include <filesystem>
#include <limits>
#include <string>
#include <vector>

using namespace buurtsim;
namespace fs = std::filesystem;

namespace {

constexpr double NaN = std::numeric_limits<double>::quiet_NaN();

/// t quantiles independent of Boost: for 2 degrees of freedom the closed form
/// t = a * sqrt(2 / (1 - a^2)), a = 2p - 1 (exact); for 4 from tables (to 1e-8).
const double t975_df2 = 0.95 * std::sqrt(2.0 / (1.0 - 0.95 * 0.95));
constexpr double t975_df4 = 2.776445105;
constexpr double t95_df4 = 2.131846786;

Indicator key(Indicator i) {
    for (Indicator k : key_indicators())
        if (k == i) return k;
    FAIL("not a key indicator");
    throw 0;
}

/// Results of `weeks` weeks and `buurten` buurten: 10 adults everywhere, every
/// other key indicator 0, shares 0.5, the score 6.
Results plain(std::uint32_t weeks = 4, std::uint32_t buurten = 3) {
    Results r(weeks, buurten);
    for (std::uint32_t w = 0; w < weeks; ++w)
        for (std::uint32_t b = 0; b < buurten; ++b) {
            r.at(Indicator::adults, w, b) = 10;
            r.at(Indicator::adults_65plus, w, b) = 2;
            r.at(Indicator::lonely_share, w, b) = 0.5;
            r.at(Indicator::severely_lonely_share, w, b) = 0.1;
            r.at(Indicator::cohesion_score, w, b) = 6;
            r.at(Indicator::buurtteam_wait_weeks, w, b) = NaN;  // no case started
        }
    return r;
}

Geography geography(std::uint32_t buurten = 3) {
    Geography geo;
    geo.wijken = {{"WK034401", "West"}};
    for (std::uint32_t b = 0; b < buurten; ++b) geo.buurten.push_back({"BU0344010" + std::to_string(b), "b", 0});
    return geo;
}

/// A file's worth of results: the baseline "base" and scenarios made by `make(r)` per replicate.
ResultSet with_baseline(std::uint32_t reps) {
    ResultSet rs;
    rs.geo = geography();
    for (std::uint32_t k = 0; k < reps; ++k) rs.replicate_ids.push_back(k);
    ScenarioRun base;
    base.name = "base";
    base.replicates.assign(reps, plain());
    rs.scenarios.push_back(base);
    return rs;
}

const ComparisonRow& find(const Comparison& c, const std::string& scenario, const std::string& area,
                          std::string_view indicator) {
    for (const auto& r : c.rows)
        if (r.scenario == scenario && r.area == area && r.indicator == indicator) return r;
    FAIL("no row " << scenario << "/" << area << "/" << indicator);
    throw 0;
}

}  // namespace

TEST_CASE("t_interval: known values give the textbook interval", "[compare]") {
    SECTION("1, 2, 3: mean 2, sd 1, df 2") {
        const MeanInterval m = t_interval({1, 2, 3});
        CHECK(m.n == 3);
        CHECK(m.mean == Approx(2));
        const double half = t975_df2 / std::sqrt(3.0);
        CHECK(m.low == Approx(2 - half).epsilon(1e-12));
        CHECK(m.high == Approx(2 + half).epsilon(1e-12));
    }
    SECTION("five values, 95 % and 90 %") {
        const std::vector<double> x = {4, 8, 6, 5, 7};  // mean 6, sd sqrt(2.5)
        const double se = std::sqrt(2.5 / 5);
        const MeanInterval m95 = t_interval(x);
        CHECK(m95.low == Approx(6 - t975_df4 * se).epsilon(1e-8));
        CHECK(m95.high == Approx(6 + t975_df4 * se).epsilon(1e-8));
        const MeanInterval m90 = t_interval(x, 0.90);
        CHECK(m90.high - m90.mean == Approx(t95_df4 * se).epsilon(1e-8));
    }
    SECTION("equal values: zero width") {
        const MeanInterval m = t_interval({-3.5, -3.5, -3.5, -3.5});
        CHECK(m.mean == -3.5);
        CHECK(m.low == -3.5);
        CHECK(m.high == -3.5);
    }
    SECTION("non-finite values are left out") {
        const MeanInterval m = t_interval({1, NaN, 2, 3, std::numeric_limits<double>::infinity()});
        CHECK(m.n == 3);
        CHECK(m.mean == Approx(2));
        CHECK(m.high - m.mean == Approx(t975_df2 / std::sqrt(3.0)));
    }
    SECTION("one value: a mean but no interval; none: nothing") {
        const MeanInterval one = t_interval({7});
        CHECK(one.n == 1);
        CHECK(one.mean == 7);
        CHECK(std::isnan(one.low));
        CHECK(std::isnan(one.high));
        const MeanInterval none = t_interval({NaN});
        CHECK(none.n == 0);
        CHECK(std::isnan(none.mean));
    }
    CHECK_THROWS_AS(t_interval({1, 2}, 1.0), InternalError);
}

TEST_CASE("horizon_value: flows sum, stocks average, shares weight", "[compare]") {
    Results r = plain(4, 3);
    const std::vector<std::uint8_t> all = {1, 1, 1}, two = {0, 1, 1};
    for (std::uint32_t w = 0; w < 4; ++w)
        for (std::uint32_t b = 0; b < 3; ++b) {
            r.at(Indicator::buurtteam_hours, w, b) = 1 + w + 10 * b;  // sum over all: 4*3 + 3*6 + 10*4*3 = 150
            r.at(Indicator::wmo_clients, w, b) = 2 * (b + 1);         // buurt sum 12 every week
        }
    SECTION("flow") {
        CHECK(horizon_value(r, key(Indicator::buurtteam_hours), all, 0) == 150);
        CHECK(horizon_value(r, key(Indicator::buurtteam_hours), two, 0) == 150 - (4 + 6));
        CHECK(horizon_value(r, key(Indicator::buurtteam_hours), all, 2) == (3 + 4) * 3 + 10 * 2 * 3);
    }
    SECTION("stock") {
        CHECK(horizon_value(r, key(Indicator::wmo_clients), all, 0) == 12);
        CHECK(horizon_value(r, key(Indicator::wmo_clients), two, 1) == 10);
    }
    SECTION("share weighted by adults, skipping buurten without adults") {
        r.at(Indicator::adults, 0, 0) = 30;
        r.at(Indicator::lonely_share, 0, 0) = 0.9;
        r.at(Indicator::adults, 3, 2) = 0;
        r.at(Indicator::lonely_share, 3, 2) = NaN;  // as the model writes it
        // (30 * 0.9 + 10 adults * 0.5 in the other 10 elements) / (30 + 100)
        CHECK(horizon_value(r, key(Indicator::lonely_share), all, 0) == Approx((27.0 + 50.0) / 130.0));
        CHECK(horizon_value(r, key(Indicator::lonely_share), two, 3) == Approx(0.5));
    }
    SECTION("wait weighted by cases started; NaN without any") {
        CHECK(std::isnan(horizon_value(r, key(Indicator::buurtteam_wait_weeks), all, 0)));
        r.at(Indicator::buurtteam_started, 1, 1) = 3;
        r.at(Indicator::buurtteam_wait_weeks, 1, 1) = 2;
        r.at(Indicator::buurtteam_started, 2, 2) = 1;
        r.at(Indicator::buurtteam_wait_weeks, 2, 2) = 6;
        CHECK(horizon_value(r, key(Indicator::buurtteam_wait_weeks), all, 0) == Approx(3.0));
        CHECK(horizon_value(r, key(Indicator::buurtteam_wait_weeks), {1, 0, 1}, 0) == Approx(6.0));
    }
    CHECK_THROWS_AS(horizon_value(r, key(Indicator::wmo_clients), {1, 1}, 0), InternalError);
}

TEST_CASE("compare_scenarios: known paired differences give known intervals", "[compare]") {
    ResultSet rs = with_baseline(3);
    ScenarioRun more = rs.scenarios[0];
    more.name = "more";
    more.targeted = {0, 1, 0};
    // Baseline buurtteam hours differ between replicates (100, 200, 300 in buurt 1);
    // the scenario adds 1, 2, 3 hours: differences 1, 2, 3 whatever the baseline.
    for (std::uint32_t k = 0; k < 3; ++k) {
        rs.scenarios[0].replicates[k].at(Indicator::buurtteam_hours, 0, 1) = 100.0 * (k + 1);
        more.replicates[k].at(Indicator::buurtteam_hours, 0, 1) = 100.0 * (k + 1) + (k + 1);
        // Costs in buurt 1: baseline care 1000 each replicate; the scenario spends 10, 20, 40
        // on interventions and its care cost falls to 970, 960, 900: savings 30/10, 40/20, 100/40.
        // All of it is the gemeente's: the zorgverzekeraar's cost stays 0, and so does its ratio.
        rs.scenarios[0].replicates[k].at(Indicator::total_cost_eur, 2, 1) = 1000;
        rs.scenarios[0].replicates[k].at(Indicator::gemeente_cost_eur, 2, 1) = 1000;
        const double spent[3] = {10, 20, 40}, care[3] = {970, 960, 900};
        more.replicates[k].at(Indicator::intervention_cost_eur, 2, 1) = spent[k];
        more.replicates[k].at(Indicator::total_cost_eur, 2, 1) = care[k] + spent[k];
        more.replicates[k].at(Indicator::gemeente_cost_eur, 2, 1) = care[k] + spent[k];
        // A buurt outside the targets changes too: only the city rows see it.
        more.replicates[k].at(Indicator::crises, 3, 2) = 5;
    }
    rs.scenarios.push_back(more);
    const Comparison c = compare_scenarios(rs, "base");
    CHECK(c.baseline == "base");
    CHECK(c.weeks_from == 0);
    CHECK(c.weeks == 4);
    CHECK(c.replicate_ids == std::vector<std::uint32_t>{0, 1, 2});
    const std::size_t per_area = key_indicators().size() + savings_rows().size();
    REQUIRE(c.rows.size() == 2 * per_area);  // city and targeted of "more"

    const double half = t975_df2 / std::sqrt(3.0);
    for (const char* area : {"city", "targeted"}) {
        INFO(area);
        const ComparisonRow& h = find(c, "more", area, "buurtteam_hours");
        CHECK(h.buurten == (std::string(area) == "city" ? 3 : 1));
        CHECK(h.replicates == 3);
        CHECK(h.unit == "h");
        CHECK(h.baseline_mean == Approx(200));
        CHECK(h.scenario_mean == Approx(202));
        CHECK(h.estimate == Approx(2));
        CHECK(h.ci_low == Approx(2 - half));
        CHECK(h.ci_high == Approx(2 + half));
        CHECK(h.relative_change == Approx(0.01));

        const ComparisonRow& s = find(c, "more", area, savings_indicator);
        CHECK(s.replicates == 3);
        const MeanInterval want = t_interval({3.0, 2.0, 2.5});
        CHECK(s.estimate == Approx(2.5));
        CHECK(s.ci_low == Approx(want.low));
        CHECK(s.ci_high == Approx(want.high));
        CHECK(std::isnan(s.baseline_mean));
        CHECK(std::isnan(s.relative_change));
        const ComparisonRow& g = find(c, "more", area, "euro_saved_per_euro_spent_gemeente");
        CHECK(g.estimate == Approx(2.5));
        CHECK(g.ci_low == Approx(want.low));
        const ComparisonRow& z = find(c, "more", area, "euro_saved_per_euro_spent_zorgverzekeraar");
        CHECK(z.replicates == 3);
        CHECK(z.estimate == 0);

        const ComparisonRow& t = find(c, "more", area, "total_cost_eur");
        CHECK(t.estimate == Approx(((980 + 980 + 940) - 3000) / 3.0));
    }
    // Crises changed outside the targets: seen in the city, not in the targeted buurten.
    CHECK(find(c, "more", "city", "crises").estimate == 5);
    CHECK(find(c, "more", "city", "crises").ci_low == 5);
    CHECK(find(c, "more", "targeted", "crises").estimate == 0);
    // Weighted means without weight (no buurtteam case started) have no replicate pairs.
    CHECK(find(c, "more", "city", "buurtteam_wait_weeks").replicates == 0);
    CHECK(std::isnan(find(c, "more", "city", "buurtteam_wait_weeks").estimate));
}

TEST_CASE("empirical_quantile interpolates between order statistics (numpy's default)", "[compare]") {
    CHECK(empirical_quantile({3, 1, 2}, 0) == 1);
    CHECK(empirical_quantile({3, 1, 2}, 1) == 3);
    CHECK(empirical_quantile({3, 1, 2}, 0.5) == 2);
    CHECK(empirical_quantile({1, 2, 3}, 0.025) == Approx(1.05));
    CHECK(empirical_quantile({1, 2, 3, 4}, 0.975) == Approx(3.925));  // h = 2.925: 3 + 0.925
    CHECK(empirical_quantile({5}, 0.3) == 5);
    CHECK(empirical_quantile({NaN, 2, std::numeric_limits<double>::infinity(), 4}, 0.5) == 3);  // finite values only
    CHECK(std::isnan(empirical_quantile({}, 0.5)));
    CHECK_THROWS_AS(empirical_quantile({1}, 1.5), InternalError);
}

TEST_CASE("compare_scenarios with priors: the uncertainty interval of one pair and the probability of saving",
          "[compare][prior]") {
    // The paired differences of the known-values case: buurtteam hours +1, +2, +3; savings ratios 3, 2, 2.5.
    ResultSet rs = with_baseline(3);
    ScenarioRun more = rs.scenarios[0];
    more.name = "more";
    more.targeted = {0, 1, 0};
    const double spent[3] = {10, 20, 40}, care[3] = {970, 960, 900};
    for (std::uint32_t k = 0; k < 3; ++k) {
        rs.scenarios[0].replicates[k].at(Indicator::buurtteam_hours, 0, 1) = 100.0 * (k + 1);
        more.replicates[k].at(Indicator::buurtteam_hours, 0, 1) = 100.0 * (k + 1) + (k + 1);
        rs.scenarios[0].replicates[k].at(Indicator::total_cost_eur, 2, 1) = 1000;
        rs.scenarios[0].replicates[k].at(Indicator::gemeente_cost_eur, 2, 1) = 1000;
        more.replicates[k].at(Indicator::intervention_cost_eur, 2, 1) = spent[k];
        more.replicates[k].at(Indicator::total_cost_eur, 2, 1) = care[k] + spent[k];
        more.replicates[k].at(Indicator::gemeente_cost_eur, 2, 1) = care[k] + spent[k];
    }
    rs.scenarios.push_back(more);

    const Comparison fixed = compare_scenarios(rs, "base");
    CHECK(fixed.parameters.empty());
    CHECK(std::isnan(find(fixed, "more", "city", "buurtteam_hours").ui_low));
    CHECK(std::isnan(find(fixed, "more", "city", savings_indicator).ui_high));
    CHECK(find(fixed, "more", "city", savings_indicator).p_saving == 1);  // chance only, but defined
    CHECK(std::isnan(find(fixed, "more", "city", "buurtteam_hours").p_saving));

    rs.parameters = {"help.hours_retired"};
    const Comparison c = compare_scenarios(rs, "base");
    CHECK(c.parameters == rs.parameters);
    const ComparisonRow& h = find(c, "more", "city", "buurtteam_hours");
    CHECK(h.ui_low == Approx(1.05));   // quantiles 0.025 and 0.975 of {1, 2, 3}
    CHECK(h.ui_high == Approx(2.95));
    CHECK(h.ci_low == find(fixed, "more", "city", "buurtteam_hours").ci_low);  // the mean's interval is unchanged
    const ComparisonRow& s = find(c, "more", "targeted", savings_indicator);
    CHECK(s.ui_low == Approx(2.025));  // of {2, 2.5, 3}
    CHECK(s.ui_high == Approx(2.975));
    CHECK(s.p_saving == 1);
    // The zorgverzekeraar saves nothing: ratio 0 in every pair, never above 1.
    CHECK(find(c, "more", "city", "euro_saved_per_euro_spent_zorgverzekeraar").p_saving == 0);
    // One pair of three saving more than it costs: p = 1/3.
    more = rs.scenarios[1];
    rs.scenarios[1].replicates[0].at(Indicator::total_cost_eur, 2, 1) = 1000 + spent[0] - 30;   // saved 30 for 10
    rs.scenarios[1].replicates[1].at(Indicator::total_cost_eur, 2, 1) = 1000 + spent[1] - 10;   // 10 for 20
    rs.scenarios[1].replicates[2].at(Indicator::total_cost_eur, 2, 1) = 1000 + spent[2] + 5;    // -5 for 40
    CHECK(find(compare_scenarios(rs, "base"), "more", "city", savings_indicator).p_saving == Approx(1.0 / 3));
}

TEST_CASE("compare_scenarios: identical scenarios differ by exactly zero", "[compare]") {
    ResultSet rs = with_baseline(4);
    for (std::uint32_t k = 0; k < 4; ++k)
        for (std::uint32_t w = 0; w < 4; ++w)
            for (std::uint32_t b = 0; b < 3; ++b) {
                Results& r = rs.scenarios[0].replicates[k];
                r.at(Indicator::buurtteam_hours, w, b) = 1.25 * (k + w + b);
                r.at(Indicator::wmo_clients, w, b) = k + b;
                r.at(Indicator::lonely_share, w, b) = 0.1 * (k + 1);
                r.at(Indicator::total_cost_eur, w, b) = 17.0 * k + b;
                r.at(Indicator::buurtteam_started, w, b) = 1;
                r.at(Indicator::buurtteam_wait_weeks, w, b) = w;
            }
    ScenarioRun twin = rs.scenarios[0];
    twin.name = "twin";
    rs.scenarios.push_back(twin);
    const Comparison c = compare_scenarios(rs, "base");
    for (const ComparisonRow& r : c.rows) {
        INFO(r.area << " " << r.indicator);
        if (r.area == "targeted") {
            // The twin targets no buurten: nothing to estimate there.
            CHECK(r.buurten == 0);
            CHECK(r.replicates == 0);
            CHECK(std::isnan(r.estimate));
        } else if (r.indicator.starts_with(savings_indicator)) {
            CHECK(r.replicates == 0);  // no intervention cost, for any payer
            CHECK(std::isnan(r.estimate));
        } else {
            CHECK(r.replicates == 4);
            CHECK(r.estimate == 0);
            CHECK(r.ci_low == 0);
            CHECK(r.ci_high == 0);
            CHECK(r.baseline_mean == r.scenario_mean);
        }
    }
}

TEST_CASE("compare_scenarios: the horizon starts at weeks_from", "[compare]") {
    ResultSet rs = with_baseline(2);
    ScenarioRun later = rs.scenarios[0];
    later.name = "later";
    for (auto& r : later.replicates) {
        r.at(Indicator::volunteer_hours, 0, 0) = 100;  // before the horizon
        r.at(Indicator::volunteer_hours, 3, 0) = 4;
    }
    rs.scenarios.push_back(later);
    CHECK(find(compare_scenarios(rs, "base", 0), "later", "city", "volunteer_hours").estimate == 104);
    const Comparison c = compare_scenarios(rs, "base", 1);
    CHECK(c.weeks_from == 1);
    CHECK(find(c, "later", "city", "volunteer_hours").estimate == 4);
    CHECK_THROWS_WITH(compare_scenarios(rs, "base", 4), Catch::Contains("weeks_from = 4") && Catch::Contains("4 weeks"));
}

TEST_CASE("compare_scenarios: user errors", "[compare]") {
    ResultSet rs = with_baseline(2);
    ScenarioRun other = rs.scenarios[0];
    other.name = "buurtkamers";
    SECTION("unknown baseline: the message lists the names") {
        rs.scenarios.push_back(other);
        try {
            compare_scenarios(rs, "basline");
            FAIL("expected Error");
        } catch (const Error& e) {
            const std::string msg = e.what();
            CHECK_THAT(msg, Catch::Contains("\"basline\""));
            CHECK_THAT(msg, Catch::Contains("\"base\", \"buurtkamers\""));
        }
    }
    SECTION("only the baseline in the file") {
        CHECK_THROWS_WITH(compare_scenarios(rs, "base"), Catch::Contains("nothing to compare"));
    }
    SECTION("a needed indicator is missing (older file)") {
        rs.scenarios.push_back(other);
        rs.scenarios[1].replicates[1].values[std::size_t(Indicator::cohesion_score)].clear();
        CHECK_THROWS_AS(compare_scenarios(rs, "base"), IoError);
        CHECK_THROWS_WITH(compare_scenarios(rs, "base"), Catch::Contains("cohesion_score"));
    }
}

TEST_CASE("compare_scenarios on a file read back equals the comparison in memory", "[compare][io]") {
    ResultSet rs = with_baseline(3);
    ScenarioRun more = rs.scenarios[0];
    more.name = "more";
    more.targeted = {1, 0, 1};
    for (std::uint32_t k = 0; k < 3; ++k) {
        more.replicates[k].at(Indicator::wmo_clients, 1, 2) = 4.0 * k;
        more.replicates[k].at(Indicator::cohesion_score, 2, 0) = 7.0 + k;
        more.replicates[k].at(Indicator::intervention_cost_eur, 3, 0) = 5;
        more.replicates[k].at(Indicator::total_cost_eur, 3, 0) = 5;
    }
    rs.scenarios.push_back(more);
    const fs::path dir = fs::path(BUURTSIM_TEST_TMP) / "test_compare";
    fs::create_directories(dir);
    const fs::path out = dir / "roundtrip.h5";
    Provenance prov;
    write_results(out, rs, prov);
    const Comparison a = compare_scenarios(rs, "base", 1);
    const Comparison b = compare_scenarios(read_results(out, comparison_inputs()), "base", 1);
    REQUIRE(a.rows.size() == b.rows.size());
    for (std::size_t k = 0; k < a.rows.size(); ++k) {
        INFO(a.rows[k].area << " " << a.rows[k].indicator);
        CHECK(a.rows[k].indicator == b.rows[k].indicator);
        CHECK(a.rows[k].buurten == b.rows[k].buurten);
        for (auto field : {&ComparisonRow::baseline_mean, &ComparisonRow::scenario_mean, &ComparisonRow::estimate,
                           &ComparisonRow::ci_low, &ComparisonRow::ci_high, &ComparisonRow::relative_change}) {
            const double x = a.rows[k].*field, y = b.rows[k].*field;
            CHECK((x == y || (std::isnan(x) && std::isnan(y))));
        }
    }
    // Savings: 5 spent, nothing saved in care cost.
    CHECK(find(a, "more", "targeted", savings_indicator).estimate == 0);
    CHECK(find(a, "more", "targeted", "cohesion_score").estimate > 0);
}
