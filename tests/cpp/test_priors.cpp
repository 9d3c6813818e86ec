// Priors in scenario files (model/src/scenario_prior.cpp, prior.cpp): the syntax and each rule's
// message, the resolved TOML round trip, overlays, and the draws: the quantile functions against
// Boost's distributions, the draws' moments against the analytic ones, and the stream rules (common
// random numbers, independence between parameters).
#include "scenario_fixture.hpp"

#include "buurtsim/prior.hpp"

#include <boost/math/distributions/beta.hpp>
#include <boost/math/distributions/lognormal.hpp>
#include <boost/math/distributions/normal.hpp>
#include <boost/math/distributions/triangular.hpp>

#include <cmath>
#include <numeric>
#include <set>

using namespace buurtsim;
using namespace buurtsim::test;

namespace {

Scenario parse_full(const std::string& text, const std::vector<std::string>& overrides = {}) {
    return parse_scenario(text, "scenario.toml", overrides);
}

// The prior of one parameter, set at line 2 of a [help] table.
Prior prior_of(const std::string& value) {
    const Scenario s = parse_full("[help]\nhours_retired = " + value + "\n");
    REQUIRE(s.priors.size() == 1);
    return s.priors.front();
}

std::string prior_error(const std::string& key, const std::string& value) {
    const auto dot = key.rfind('.');
    return parse_error("[" + key.substr(0, dot) + "]\n" + key.substr(dot + 1) + " = " + value + "\n");
}

std::vector<double> draws(const Prior& p, std::uint32_t n, std::uint64_t seed = 7) {
    std::vector<double> out;
    for (std::uint32_t k = 0; k < n; ++k) out.push_back(draw(p, seed, k));
    return out;
}

double mean_of(const std::vector<double>& x) { return std::accumulate(x.begin(), x.end(), 0.0) / double(x.size()); }

}  // namespace

TEST_CASE("a prior is an inline table (or a table) in place of a value, params hold its median", "[prior]") {
    const Scenario s = parse_full("[help]\nhours_retired = { prior = \"triangular\", lo = 3.0, mode = 4.26, hi = 6.0 }\n"
                                  "[questions.rate_18_64]\nprior = \"lognormal\"\nmedian = 0.006\nsdlog = 0.3\n");
    REQUIRE(s.priors.size() == 2);
    // Parameter-table order (questions before help), whatever the file's order.
    CHECK(s.priors[0].name == "questions.rate_18_64");
    CHECK(s.priors[1].name == "help.hours_retired");
    CHECK(s.priors[1].kind == Prior::Kind::triangular);
    CHECK(s.priors[1].where == "scenario.toml:2");
    CHECK(s.priors[0].where == "scenario.toml:3");
    CHECK(s.params.help.hours_retired == s.priors[1].quantile(0.5));
    CHECK(s.params.questions.rate_18_64 == Approx(0.006).epsilon(1e-12));  // a lognormal's median
    // Every kind parses.
    CHECK(prior_of("{ prior = \"uniform\", lo = 2, hi = 9 }").kind == Prior::Kind::uniform);
    CHECK(prior_of("{ prior = \"normal\", mean = 4, sd = 1 }").lo == 0);  // truncated to the hard bounds [0, 168]
    CHECK(prior_of("{ prior = \"normal\", mean = 4, sd = 1 }").hi == 168);
    CHECK(prior_of("{ prior = \"normal\", mean = 4, sd = 1, lo = 3 }").hi == 168);
    CHECK(prior_of("{ prior = \"beta\", alpha = 2, beta = 5, lo = 3, hi = 6 }").kind == Prior::Kind::beta);
}

TEST_CASE("a value set later replaces a prior, and a prior replaces a value", "[prior]") {
    CHECK(parse_full("[help]\nhours_retired = { prior = \"uniform\", lo = 2, hi = 9 }\n", {"help.hours_retired=5"})
              .priors.empty());
    const Scenario s = parse_full("[help]\nhours_retired = 5.0\n", {"help.hours_retired={prior=\"uniform\",lo=2,hi=9}"});
    REQUIRE(s.priors.size() == 1);
    CHECK(s.priors[0].where == "--set help.hours_retired={prior=\"uniform\",lo=2,hi=9}");
    CHECK(s.params.help.hours_retired == 5.5);
}

TEST_CASE("prior errors name file, line, key, value and rule", "[prior][errors]") {
    const std::string head = "scenario.toml:2: key help.hours_retired: prior ";
    CHECK(prior_error("help.hours_retired", "{ prior = \"triangle\", lo = 3, mode = 4, hi = 6 }")
          == head + "{ hi = 6, lo = 3, mode = 4, prior = \"triangle\" }: unknown distribution \"triangle\" (did you mean "
                    "\"triangular\"?); the distributions are uniform, triangular, normal, lognormal, beta");
    CHECK(prior_error("help.hours_retired", "{ prior = \"triangular\", lo = 3, hi = 6 }")
          == head + "{ hi = 6, lo = 3, prior = \"triangular\" }: missing key mode; a triangular prior takes lo, mode, hi");
    CHECK(prior_error("help.hours_retired", "{ prior = \"uniform\", lo = 3, hi = 6, mode = 4 }")
          == head + "{ hi = 6, lo = 3, mode = 4, prior = \"uniform\" }: unknown key \"mode\"; a uniform prior takes lo, hi");
    CHECK_THAT(prior_error("help.hours_retired", "{ prior = \"normal\", mean = 4, sd = 1, max = 6 }"),
               Catch::EndsWith("unknown key \"max\"; a normal prior takes mean, sd and optionally lo and hi (truncation "
                               "bounds)"));
    CHECK_THAT(prior_error("help.hours_retired", "{ prior = \"uniform\", lo = 6, hi = 3 }"),
               Catch::StartsWith(head) && Catch::EndsWith(": lo must be less than hi, got lo = 6 and hi = 3"));
    CHECK_THAT(prior_error("help.hours_retired", "{ prior = \"uniform\", lo = 3, hi = 3 }"),
               Catch::EndsWith("lo must be less than hi, got lo = 3 and hi = 3"));
    CHECK_THAT(prior_error("help.hours_retired", "{ prior = \"triangular\", lo = 3, mode = 7, hi = 6 }"),
               Catch::EndsWith("mode must be in [lo, hi] = [3, 6], got 7"));
    CHECK_THAT(prior_error("help.hours_retired", "{ prior = \"normal\", mean = 4, sd = 0 }"),
               Catch::EndsWith("sd must be > 0, got 0"));
    CHECK_THAT(prior_error("help.hours_retired", "{ prior = \"normal\", mean = 4, sd = -1 }"),
               Catch::EndsWith("sd must be > 0, got -1"));
    CHECK_THAT(prior_error("help.hours_retired", "{ prior = \"normal\", mean = 9, sd = 1, lo = 3, hi = 6 }"),
               Catch::EndsWith("mean must be in the truncation bounds [3, 6], got 9"));
    CHECK_THAT(prior_error("help.hours_retired", "{ prior = \"lognormal\", median = 4, sdlog = 0 }"),
               Catch::EndsWith("sdlog must be > 0, got 0"));
    CHECK_THAT(prior_error("help.hours_retired", "{ prior = \"lognormal\", median = 0, sdlog = 1 }"),
               Catch::Contains("median must be > 0 and in the truncation bounds [0, 168] (the parameter's bounds), got 0"));
    CHECK_THAT(prior_error("help.hours_retired", "{ prior = \"beta\", alpha = 0, beta = 2, lo = 3, hi = 6 }"),
               Catch::EndsWith("alpha must be > 0, got 0"));
    CHECK_THAT(prior_error("help.hours_retired", "{ prior = \"beta\", alpha = 2, beta = -1, lo = 3, hi = 6 }"),
               Catch::EndsWith("beta must be > 0, got -1"));
    // The support inside the parameter's hard bounds.
    CHECK_THAT(prior_error("help.hours_retired", "{ prior = \"uniform\", lo = -1, hi = 6 }"),
               Catch::EndsWith("lo must be >= 0, the parameter's lower bound (help.hours_retired must be in [0, 168]), "
                               "got -1"));
    CHECK_THAT(prior_error("help.hours_retired", "{ prior = \"uniform\", lo = 1, hi = 200 }"),
               Catch::EndsWith("hi must be <= 168, the parameter's upper bound (help.hours_retired must be in [0, 168]), "
                               "got 200"));
    CHECK_THAT(prior_error("help.willingness_strong", "{ prior = \"beta\", alpha = 2, beta = 2, lo = 0.5, hi = 1.5 }"),
               Catch::EndsWith("hi must be <= 1, the parameter's upper bound (help.willingness_strong must be in [0, 1]), "
                               "got 1.5"));
    // Values: numbers only.
    CHECK_THAT(prior_error("help.hours_retired", "{ prior = \"uniform\", lo = \"3\", hi = 6 }"),
               Catch::EndsWith("lo must be a number, got \"3\" (string)"));
    CHECK_THAT(prior_error("help.hours_retired", "{ prior = \"uniform\", lo = nan, hi = 6 }"),
               Catch::EndsWith("lo must be a finite number, got nan"));
    CHECK_THAT(prior_error("help.hours_retired", "{ prior = \"lognorm\", median = 4, sdlog = 1 }"),
               Catch::Contains("unknown distribution \"lognorm\" (did you mean \"lognormal\"?)"));
    CHECK_THAT(prior_error("help.hours_retired", "{ prior = \"poisson\", lo = 1, hi = 6 }"),
               Catch::Contains("unknown distribution \"poisson\"; the distributions are"));
    CHECK_THAT(prior_error("help.hours_retired", "{ prior = 3, lo = 1, hi = 6 }"),
               Catch::EndsWith("prior must be a string naming the distribution, got 3"));
    // A table without `prior`.
    CHECK(prior_error("help.hours_retired", "{ lo = 3, hi = 6 }")
          == "scenario.toml:2: key help.hours_retired: value { hi = 6, lo = 3 } is a table; a table given for a "
             "parameter must be a prior, e.g. { prior = \"uniform\", lo = 3.0, hi = 16.0 } (docs/ODD.md, Parameter "
             "uncertainty)");
    // Parameters that cannot have one.
    CHECK_THAT(prior_error("help.ask_rounds", "{ prior = \"uniform\", lo = 1, hi = 4 }"),
               Catch::EndsWith("help.ask_rounds is an integer parameter (a count or a number of weeks); priors are only "
                               "for real-valued parameters, whose draws need no rounding"));
    CHECK_THAT(prior_error("buurtteam.funding", "{ prior = \"uniform\", lo = 1, hi = 4 }"),
               Catch::EndsWith("priors are only for real-valued parameters; buurtteam.funding takes a string"));
    CHECK_THAT(prior_error("population.scale", "{ prior = \"uniform\", lo = 0.1, hi = 0.4 }"),
               Catch::EndsWith("population.scale must be the same in every replicate and scenario of a run (it pairs "
                               "them); it cannot have a prior"));
    // From --set: the override names itself.
    CHECK_THAT(parse_error("", {"help.hours_retired={prior=\"uniform\",lo=6,hi=3}"}),
               Catch::StartsWith("--set help.hours_retired={prior=\"uniform\",lo=6,hi=3}: key help.hours_retired: prior"));
}

TEST_CASE("a prior whose support breaks a rule of several keys fails when the file is read", "[prior][errors]") {
    // leave_list_weeks_mean must be 0 or >= 1: a prior reaching down to 0.5 could draw a forbidden value.
    CHECK(parse_error("[buurtteam]\nleave_list_weeks_mean = { prior = \"uniform\", lo = 0.5, hi = 26 }\n")
          == "buurtteam.leave_list_weeks_mean must be 0 (nobody leaves) or at least 1 week (a weekly probability of 1 / "
             "value), got 0.5 (the lower end of its prior at scenario.toml:2)");
    CHECK_NOTHROW(parse_full("[buurtteam]\nleave_list_weeks_mean = { prior = \"uniform\", lo = 4, hi = 26 }\n"));
}

TEST_CASE("the resolved TOML keeps the priors and reads back to the same scenario", "[prior]") {
    const Scenario s = parse_full(
        "[help]\nhours_retired = { prior = \"triangular\", lo = 3.0, mode = 4.26, hi = 6.0 }\n"
        "willingness_strong = { prior = \"beta\", alpha = 8, beta = 2, lo = 0.5, hi = 1 }\n"
        "willingness_friend = { prior = \"normal\", mean = 0.5, sd = 0.1 }\n"
        "willingness_weak = { prior = \"normal\", mean = 0.2, sd = 0.1, lo = 0.05, hi = 0.4 }\n"
        "hours_youth = { prior = \"lognormal\", median = 2, sdlog = 0.5, hi = 8 }\n"
        "hours_working_age = { prior = \"uniform\", lo = 2, hi = 9 }\n");
    CHECK_THAT(s.resolved_toml, Catch::Contains("hours_retired = { prior = \"triangular\", lo = 3.0, mode = 4.26, hi = 6.0 }"));
    CHECK_THAT(s.resolved_toml, Catch::Contains("willingness_friend = { prior = \"normal\", mean = 0.5, sd = 0.1 }"));
    CHECK_THAT(s.resolved_toml,
               Catch::Contains("hours_youth = { prior = \"lognormal\", median = 2.0, sdlog = 0.5, lo = 0.0, hi = 8.0 }"));
    const Scenario again = parse_full(s.resolved_toml);
    CHECK(again.resolved_toml == s.resolved_toml);
    REQUIRE(again.priors.size() == s.priors.size());
    for (std::uint32_t k = 0; k < 5; ++k)
        for (std::size_t i = 0; i < s.priors.size(); ++i) CHECK(draw(again.priors[i], 3, k) == draw(s.priors[i], 3, k));
    // Without priors the text is to_toml(params), as before.
    CHECK(parse_full("").resolved_toml == to_toml(default_params()));
}

TEST_CASE("overlays apply a fragment after the scenario and before --set, they cannot name or extend", "[prior]") {
    const fs::path dir = scratch("overlay");
    write(dir / "base.toml", "name = \"mine\"\n[help]\nhours_retired = 5.0\nhours_youth = 1.0\n");
    write(dir / "priors.toml", "[help]\nhours_retired = { prior = \"uniform\", lo = 3, hi = 6 }\n");
    const Scenario s = load_scenario(dir / "base.toml", {}, {dir / "priors.toml"});
    CHECK(s.params.name == "mine");
    CHECK(s.params.help.hours_youth == 1.0);
    REQUIRE(s.priors.size() == 1);
    CHECK(s.priors[0].where == (dir / "priors.toml").generic_string() + ":2");
    CHECK(s.files.back() == dir / "priors.toml");
    CHECK(load_scenario(dir / "base.toml", {"help.hours_retired=4"}, {dir / "priors.toml"}).priors.empty());
    for (const char* key : {"name = \"x\"", "description = \"x\"", "extends = \"base.toml\""}) {
        write(dir / "bad.toml", std::string("# an overlay\n") + key + "\n");
        CHECK_THAT(error_of([&] { load_scenario(dir / "base.toml", {}, {dir / "bad.toml"}); }),
                   Catch::StartsWith((dir / "bad.toml").generic_string() + ":2: key ")
                       && Catch::Contains("an overlay cannot set it"));
    }
    CHECK_THAT(error_of([&] { load_scenario(dir / "base.toml", {}, {dir / "missing.toml"}); }),
               Catch::EndsWith("missing.toml\" does not exist"));
}

TEST_CASE("the shipped uncertainty overlay applies to the shipped scenarios", "[prior][data]") {
    const fs::path root(BUURTSIM_SOURCE_DIR);
    const fs::path overlay = root / "data" / "params" / "utrecht-2023-uncertainty.toml";
    for (const char* name : {"baseline", "buurtondersteuners-targeted", "facilitator-every-wijk"}) {
        INFO(name);
        const Scenario s = load_scenario(root / "experiments" / "scenarios" / (std::string(name) + ".toml"), {}, {overlay});
        CHECK(s.priors.size() >= 10);
        // Every prior inside its parameter's plausible range, which the table gives the reason for.
        for (const Prior& p : s.priors) {
            INFO(p.name);
            const ParamSpec* row = nullptr;
            for (const auto& r : param_table())
                if (r.name == p.name) row = &r;
            REQUIRE(row);
            REQUIRE(row->plausible.kind == Plausible::Kind::range);
            CHECK(p.lo >= row->plausible.lo);
            CHECK(p.hi <= row->plausible.hi);
        }
    }
}

TEST_CASE("each quantile function inverts its distribution's CDF (Boost.Math, truncated)", "[prior][statistics]") {
    namespace bm = boost::math;
    auto truncated_cdf = [](const auto& d, double lo, double hi, double x) {
        const double a = std::isinf(lo) ? 0.0 : bm::cdf(d, lo), b = std::isinf(hi) ? 1.0 : bm::cdf(d, hi);
        return (bm::cdf(d, x) - a) / (b - a);
    };
    const Prior uni = prior_of("{ prior = \"uniform\", lo = 2, hi = 9 }");
    const Prior tri = prior_of("{ prior = \"triangular\", lo = 3.0, mode = 4.26, hi = 6.0 }");
    const Prior nor = prior_of("{ prior = \"normal\", mean = 5, sd = 2, lo = 4, hi = 12 }");
    const Prior lgn = prior_of("{ prior = \"lognormal\", median = 4, sdlog = 0.6, lo = 2, hi = 9 }");
    const Prior bet = prior_of("{ prior = \"beta\", alpha = 2.5, beta = 0.7, lo = 3, hi = 6 }");
    for (const double u : {1e-12, 1e-6, 0.01, 0.2, 0.5, 0.77, 0.99, 1 - 1e-9}) {
        INFO("u = " << u);
        CHECK((uni.quantile(u) - 2) / 7 == Approx(u).margin(1e-12));
        CHECK(bm::cdf(bm::triangular_distribution<double>(3.0, 4.26, 6.0), tri.quantile(u)) == Approx(u).margin(1e-10));
        CHECK(truncated_cdf(bm::normal_distribution<double>(5, 2), 4, 12, nor.quantile(u)) == Approx(u).margin(1e-10));
        CHECK(truncated_cdf(bm::lognormal_distribution<double>(std::log(4.0), 0.6), 2, 9, lgn.quantile(u))
              == Approx(u).margin(1e-10));
        CHECK(bm::cdf(bm::beta_distribution<double>(2.5, 0.7), (bet.quantile(u) - 3) / 3) == Approx(u).margin(1e-9));
    }
    // Far in a tail, on the side away from the mean: the upper tail is inverted, not 1 - lower.
    const Prior tail = prior_of("{ prior = \"normal\", mean = 4, sd = 0.5 }");
    CHECK(tail.quantile(1 - 1e-15) > 4 + 0.5 * 7.5);
    CHECK(tail.quantile(1 - 1e-15) < 4 + 0.5 * 8.5);
}

TEST_CASE("draws lie in the support and have the analytic moments (4000 replicates, 4 standard errors)",
          "[prior][statistics]") {
    const std::uint32_t n = 4000;
    struct Case {
        std::string toml;
        double mean, sd;
    };
    const double tri_mean = (3.0 + 4.26 + 6.0) / 3;
    const double tri_var = (9 + 4.26 * 4.26 + 36 - 3 * 4.26 - 18 - 4.26 * 6) / 18;
    const double ba = 2.0, bb = 5.0;
    const std::vector<Case> cases = {
        {"{ prior = \"uniform\", lo = 2, hi = 9 }", 5.5, 7 / std::sqrt(12.0)},
        {"{ prior = \"triangular\", lo = 3.0, mode = 4.26, hi = 6.0 }", tri_mean, std::sqrt(tri_var)},
        // Bounds 6 sd away: the truncation is invisible at this sample size.
        {"{ prior = \"normal\", mean = 20, sd = 2 }", 20, 2},
        {"{ prior = \"lognormal\", median = 4, sdlog = 0.25 }", 4 * std::exp(0.25 * 0.25 / 2),
         4 * std::exp(0.25 * 0.25 / 2) * std::sqrt(std::exp(0.25 * 0.25) - 1)},
        {"{ prior = \"beta\", alpha = 2, beta = 5, lo = 3, hi = 6 }", 3 + 3 * ba / (ba + bb),
         3 * std::sqrt(ba * bb / ((ba + bb) * (ba + bb) * (ba + bb + 1)))},
    };
    for (const Case& c : cases) {
        INFO(c.toml);
        const Prior p = prior_of(c.toml);
        const std::vector<double> x = draws(p, n);
        for (double v : x) REQUIRE((v >= p.lo && v <= p.hi));
        const double m = mean_of(x);
        CHECK(std::abs(m - c.mean) < 4 * c.sd / std::sqrt(double(n)));
        double ss = 0;
        for (double v : x) ss += (v - m) * (v - m);
        const double sd = std::sqrt(ss / (n - 1));
        CHECK(std::abs(sd - c.sd) < 4 * c.sd / std::sqrt(2.0 * (n - 1)) * 1.5);  // wider for non-normal kurtosis
    }
    // The truncated normal's mean against its analytic value (a bound 0.5 sd from the mean).
    const Prior t = prior_of("{ prior = \"normal\", mean = 5, sd = 2, lo = 4, hi = 12 }");
    const boost::math::normal z;
    const double a = -0.5, b = 3.5;
    const double mass = boost::math::cdf(z, b) - boost::math::cdf(z, a);
    const double analytic = 5 + 2 * (boost::math::pdf(z, a) - boost::math::pdf(z, b)) / mass;
    CHECK(std::abs(mean_of(draws(t, n)) - analytic) < 4 * 2 / std::sqrt(double(n)));
}

TEST_CASE("streams: replicate k draws the same in every scenario, priors do not disturb each other", "[prior][rng]") {
    const std::string a = "[help]\nhours_retired = { prior = \"uniform\", lo = 3, hi = 6 }\n";
    const std::string b = "[help]\nhours_youth = { prior = \"uniform\", lo = 0.5, hi = 3 }\n";
    const Scenario one = parse_full(a);
    const Scenario other = parse_full("name = \"other\"\n[buurtondersteuner]\nfte = 1.0\nmost_vulnerable = 3\n" + a);
    const Scenario both = parse_full(a + "hours_youth = { prior = \"uniform\", lo = 0.5, hi = 3 }\n");
    std::set<double> seen;
    for (std::uint32_t k = 0; k < 50; ++k) {
        const Params p1 = params_for_replicate(one, k), p2 = params_for_replicate(other, k),
                     p3 = params_for_replicate(both, k);
        CHECK(p1.help.hours_retired == p2.help.hours_retired);  // common random numbers
        CHECK(p1.help.hours_retired == p3.help.hours_retired);  // adding a prior on hours_youth changes nothing here
        CHECK(p3.help.hours_youth != p1.help.hours_youth);  // drawn in `both` only
        seen.insert(p1.help.hours_retired);
    }
    CHECK(seen.size() == 50);  // replicates differ
    // A draw depends on the seed, and the stream is not the replicate's other streams.
    const Prior& p = one.priors.front();
    CHECK(draw(p, 7, 0) != draw(p, 8, 0));
    CHECK(prior_uniform(7, 0, "help.hours_retired") != prior_uniform(7, 0, "help.hours_youth"));
    // The hash is FNV-1a: pinned, so a draw never changes with the compiler or platform.
    CHECK(stable_hash("") == 0xcbf29ce484222325ULL);
    CHECK(stable_hash("a") == 0xaf63dc4c8601ec8cULL);
    // Without priors a replicate's params are the scenario's.
    CHECK(to_toml(params_for_replicate(parse_full(""), 3)) == to_toml(default_params()));
}
