// Loneliness (De Jong Gierveld) and perceived cohesion are computed as
// docs/ODD.md documents them: recomputed here, independently, from the
// end-of-run state and network, and compared with what the model reported.
#include "sim_fixture.hpp"

#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <numeric>

using namespace buurtsim;
using namespace buurtsim::test;

namespace {

/// The documented latent DJG score before ties and contact (ODD 7.9), from the population's attributes.
double risk_score(const Params& p, const Population& pop, const State& s, std::uint32_t i) {
    const LonelinessParams& l = p.loneliness;
    const bool alone = pop.household_type[pop.household[i]] == HouseholdType::single;
    const std::uint8_t age = pop.age[i], o = pop.origin[i], ben = pop.benefits[i];
    return l.intercept + l.trait_sd * s.loneliness_trait[i] + (alone ? l.living_alone_effect : 0) +
           (pop.vulnerability[i] ? l.vulnerable_effect : 0) + (ben & benefit_bijstand ? l.bijstand_effect : 0) +
           (ben & benefit_disability ? l.disability_effect : 0) + (o & origin_europe ? l.origin_europe_effect : 0) +
           (o & origin_outside_europe ? l.origin_outside_europe_effect : 0) +
           (o & origin_born_abroad ? l.born_abroad_effect : 0) + (age >= 65 ? l.age_65_effect : 0) +
           (age >= 75 ? l.age_75_effect : 0) + (age >= 85 ? l.age_85_effect : 0);
}

/// Adult i's answer (1-5) to cohesion statement k, as documented (ODD 7.9).
int cohesion_answer(const Simulation& sim, std::uint32_t i, int k) {
    const CohesionParams& c = sim.params().cohesion;
    const double offsets[5] = {c.know_each_other, c.interact_pleasantly, c.gezellig, c.interact_a_lot, c.feel_comfortable};
    const Network& net = sim.network();
    const Population& pop = sim.population();
    double local = 0;
    for (std::uint64_t t = net.begin(i); t < net.end(i); ++t)
        if (pop.buurt[net.neighbour[t]] == pop.buurt[i]) local += net.strength[t];
    const double x = std::log(1 + local / 255) + sim.state().contacts_recent[i];
    return int(std::clamp(std::floor(3 + offsets[k] + c.embedding_effect * x + c.noise_sd * sim.state().cohesion_trait[k][i] + 0.5),
                          1.0, 5.0));
}

struct Recomputed {
    std::vector<int> djg;              // per resident, -1 for children
    std::vector<double> lonely, severe, score, agree_a_lot;  // per buurt
};

Recomputed recompute(const Simulation& sim) {
    const Params& p = sim.params();
    const Population& pop = sim.population();
    const Network& net = sim.network();
    const State& s = sim.state();
    const LonelinessParams& l = p.loneliness;
    const CohesionParams& c = p.cohesion;
    const double offsets[5] = {c.know_each_other, c.interact_pleasantly, c.gezellig, c.interact_a_lot, c.feel_comfortable};
    const std::size_t nb = pop.geo.buurten.size();
    Recomputed r;
    r.djg.assign(pop.size(), -1);
    std::vector<double> adults(nb, 0);
    r.lonely.assign(nb, 0);
    r.severe.assign(nb, 0);
    r.score.assign(nb, 0);
    r.agree_a_lot.assign(nb, 0);
    for (std::uint32_t i = 0; i < pop.size(); ++i) {
        if (pop.age[i] < 18) continue;
        double all = 0, local = 0;
        for (std::uint64_t t = net.begin(i); t < net.end(i); ++t) {
            all += net.strength[t];
            if (pop.buurt[net.neighbour[t]] == pop.buurt[i]) local += net.strength[t];
        }
        const double latent = risk_score(p, pop, s, i) - l.tie_effect * std::log(1 + all / 255) -
                              l.contact_effect * s.contacts_recent[i];
        const int djg = int(std::clamp(std::floor(latent + 0.5), 0.0, 11.0));
        r.djg[i] = djg;
        const std::uint16_t b = pop.buurt[i];
        adults[b] += 1;
        r.lonely[b] += djg >= 3;
        r.severe[b] += djg >= 9;
        const double x = std::log(1 + local / 255) + s.contacts_recent[i];
        double sum = 0;
        for (int k = 0; k < 5; ++k) {
            const double answer =
                std::clamp(std::floor(3 + offsets[k] + c.embedding_effect * x + c.noise_sd * s.cohesion_trait[k][i] + 0.5), 1.0, 5.0);
            sum += (answer - 1) / 4 * 10;
            if (k == 3) r.agree_a_lot[b] += answer >= 4;
        }
        r.score[b] += sum / 5;
    }
    for (std::size_t b = 0; b < nb; ++b)
        for (auto* v : {&r.lonely, &r.severe, &r.score, &r.agree_a_lot}) (*v)[b] /= adults[b];
    return r;
}

}  // namespace

TEST_CASE("DJG scores and loneliness shares follow the documented formula") {
    Simulation sim(small_params(11, 0.05, 20), cbs(), 0);
    sim.run();
    const Recomputed r = recompute(sim);
    std::size_t adults = 0, off_by_one = 0, off_more = 0;
    for (std::uint32_t i = 0; i < sim.population().size(); ++i) {
        if (r.djg[i] < 0) continue;
        ++adults;
        const int d = std::abs(int(sim.state().djg[i]) - r.djg[i]);
        off_by_one += d == 1;  // the model tabulates log(1 + x) in float: a rare .5 tie may round the other way
        off_more += d > 1;
    }
    CHECK(off_more == 0);
    CHECK(double(off_by_one) / double(adults) < 1e-3);
    // Shares reported for the last week are exactly the DJG categories of the stored scores.
    const Results& res = sim.results();
    const std::uint32_t w = res.weeks - 1;
    for (std::uint32_t b = 0; b < res.buurten; ++b) {
        double n = 0, lonely = 0, severe = 0;
        for (std::uint32_t i = sim.population().buurt_begin[b]; i < sim.population().buurt_begin[b + 1]; ++i) {
            if (sim.population().age[i] < 18) continue;
            n += 1;
            lonely += sim.state().djg[i] >= 3;
            severe += sim.state().djg[i] >= 9;
        }
        if (n == 0) {
            CHECK(std::isnan(res.at(Indicator::lonely_share, w, b)));
            continue;
        }
        CHECK(res.at(Indicator::lonely_share, w, b) == lonely / n);
        CHECK(res.at(Indicator::severely_lonely_share, w, b) == severe / n);
        CHECK(res.at(Indicator::lonely_share, w, b) == Approx(r.lonely[b]).margin(0.01));
    }
}

TEST_CASE("the cohesion score and statement shares follow the documented construction") {
    Simulation sim(small_params(12, 0.05, 20), cbs(), 0);
    sim.run();
    const Recomputed r = recompute(sim);
    const Results& res = sim.results();
    const std::uint32_t w = res.weeks - 1;
    for (std::uint32_t b = 0; b < res.buurten; ++b) {
        if (std::isnan(res.at(Indicator::cohesion_score, w, b))) continue;
        INFO("buurt " << sim.population().geo.buurten[b].code);
        CHECK(res.at(Indicator::cohesion_score, w, b) == Approx(r.score[b]).margin(0.02));
        CHECK(res.at(Indicator::cohesion_interact_a_lot, w, b) == Approx(r.agree_a_lot[b]).margin(0.01));
        CHECK(res.at(Indicator::cohesion_score, w, b) >= 0);
        CHECK(res.at(Indicator::cohesion_score, w, b) <= 10);
    }
}

TEST_CASE("each risk factor raises a resident's score by its effect, everything else equal", "[wellbeing]") {
    // Two set-ups with the same seed differ only in one effect: the latent score before ties and
    // contact moves by exactly that effect for residents with the factor and not at all for the rest.
    struct Factor {
        const char* key;
        bool (*has)(const Population&, std::uint32_t);
    };
    const Factor factors[] = {
        {"loneliness.living_alone_effect",
         [](const Population& p, std::uint32_t i) { return p.household_type[p.household[i]] == HouseholdType::single; }},
        {"loneliness.bijstand_effect", [](const Population& p, std::uint32_t i) { return (p.benefits[i] & benefit_bijstand) != 0; }},
        {"loneliness.disability_effect", [](const Population& p, std::uint32_t i) { return (p.benefits[i] & benefit_disability) != 0; }},
        {"loneliness.origin_outside_europe_effect",
         [](const Population& p, std::uint32_t i) { return (p.origin[i] & origin_outside_europe) != 0; }},
        {"loneliness.born_abroad_effect", [](const Population& p, std::uint32_t i) { return (p.origin[i] & origin_born_abroad) != 0; }},
        {"loneliness.age_85_effect", [](const Population& p, std::uint32_t i) { return p.age[i] >= 85; }},
    };
    for (const Factor& f : factors) {
        INFO(f.key);
        Params lo = small_params(21, 0.05, 1), hi = lo;
        set_param(lo, f.key, 0.0);
        set_param(hi, f.key, 2.0);
        const Simulation a(lo, cbs(), 0), b(hi, cbs(), 0);
        const Population& pop = a.population();
        REQUIRE(pop.age == b.population().age);
        std::size_t with = 0;
        double djg_with_a = 0, djg_with_b = 0;
        for (std::uint32_t i = 0; i < pop.size(); ++i) {
            if (pop.age[i] < 18) continue;
            const double d = double(b.state().loneliness_base[i]) - double(a.state().loneliness_base[i]);
            if (f.has(pop, i)) {
                ++with;
                CHECK(d == Approx(2.0).margin(1e-5));
                djg_with_a += a.state().djg[i];
                djg_with_b += b.state().djg[i];
            } else {
                CHECK(d == 0.0);
                CHECK(a.state().djg[i] == b.state().djg[i]);
            }
        }
        REQUIRE(with > 20);
        // On the clamped 0-11 scale the mean rises by less than 2, but it rises.
        CHECK(djg_with_b / with > djg_with_a / with + 1.0);
    }
}

TEST_CASE("residents with a risk factor are lonelier on average at the default effects", "[wellbeing]") {
    Simulation sim(small_params(22, 0.1, 10), cbs(), 0);
    sim.run();
    const Population& pop = sim.population();
    auto mean_djg = [&](auto has) {
        double sum = 0, n = 0;
        for (std::uint32_t i = 0; i < pop.size(); ++i)
            if (pop.age[i] >= 18 && has(i)) sum += sim.state().djg[i], n += 1;
        return sum / n;
    };
    auto alone = [&](std::uint32_t i) { return pop.household_type[pop.household[i]] == HouseholdType::single; };
    auto bijstand = [&](std::uint32_t i) { return (pop.benefits[i] & benefit_bijstand) != 0; };
    auto outside = [&](std::uint32_t i) { return (pop.origin[i] & origin_outside_europe) != 0; };
    CHECK(mean_djg(alone) > mean_djg([&](std::uint32_t i) { return !alone(i); }));
    CHECK(mean_djg(bijstand) > mean_djg([&](std::uint32_t i) { return !bijstand(i); }));
    CHECK(mean_djg(outside) > mean_djg([&](std::uint32_t i) { return !outside(i); }));
}

TEST_CASE("buurten with more residents of a risk group come out lonelier, from the CBS counts", "[wellbeing]") {
    // Switching on the outside-Europe effect raises each buurt's lonely share by an amount that
    // follows the buurt's CBS share of herkomst outside Europe: no per-buurt number enters.
    Params off = small_params(23, 0.2, 1);
    set_param(off, "loneliness.origin_outside_europe_effect", 0.0);
    set_param(off, "loneliness.born_abroad_effect", 0.0);
    Params on = off;
    set_param(on, "loneliness.origin_outside_europe_effect", 3.0);
    Simulation a(off, cbs(), 0), b(on, cbs(), 0);
    a.run();
    b.run();
    const Population& pop = a.population();
    std::vector<double> rise, cbs_share;
    for (std::uint32_t bu = 0; bu < a.results().buurten; ++bu) {
        const double adults = a.results().at(Indicator::adults, 0, bu);
        if (adults < 100) continue;  // tiny buurten: too noisy to rank
        rise.push_back(b.results().at(Indicator::lonely_share, 0, bu) - a.results().at(Indicator::lonely_share, 0, bu));
        const std::string& code = pop.geo.buurten[bu].code;
        const double inw = cbs().value(cbs().row_of(code), "a_inw");
        cbs_share.push_back((cbs().value(cbs().row_of(code), "a_geb_ne") + cbs().value(cbs().row_of(code), "a_gbl_ne")) / inw);
    }
    REQUIRE(rise.size() > 50);
    const auto mean = [](const std::vector<double>& v) { return std::accumulate(v.begin(), v.end(), 0.0) / double(v.size()); };
    const double mr = mean(rise), ms = mean(cbs_share);
    double sxy = 0, sxx = 0, syy = 0;
    for (std::size_t k = 0; k < rise.size(); ++k) {
        sxy += (rise[k] - mr) * (cbs_share[k] - ms);
        sxx += (cbs_share[k] - ms) * (cbs_share[k] - ms);
        syy += (rise[k] - mr) * (rise[k] - mr);
    }
    const double r = sxy / std::sqrt(sxx * syy);
    INFO("correlation of the rise in lonely share with the CBS outside-Europe share: " << r);
    CHECK(r > 0.8);
    CHECK(mr > 0);
}

TEST_CASE("a resident's five cohesion answers correlate through the person factor", "[wellbeing]") {
    auto correlations = [](double share) {
        Params p = small_params(24, 0.1, 4);
        set_param(p, "cohesion.person_factor_share", share);
        Simulation sim(p, cbs(), 0);
        sim.run();
        const Population& pop = sim.population();
        std::vector<std::array<int, 5>> ans;
        for (std::uint32_t i = 0; i < pop.size(); ++i) {
            if (pop.age[i] < 18) continue;
            std::array<int, 5> a{};
            for (int k = 0; k < 5; ++k) a[k] = cohesion_answer(sim, i, k);
            ans.push_back(a);
        }
        const double n = double(ans.size());
        std::array<double, 5> mean{}, agree{};
        for (const auto& a : ans)
            for (int k = 0; k < 5; ++k) mean[k] += a[k] / n, agree[k] += (a[k] >= 4) / n;
        double min_r = 1;
        for (int k = 0; k < 5; ++k)
            for (int m = k + 1; m < 5; ++m) {
                double sxy = 0, sxx = 0, syy = 0;
                for (const auto& a : ans) {
                    sxy += (a[k] - mean[k]) * (a[m] - mean[m]);
                    sxx += (a[k] - mean[k]) * (a[k] - mean[k]);
                    syy += (a[m] - mean[m]) * (a[m] - mean[m]);
                }
                min_r = std::min(min_r, sxy / std::sqrt(sxx * syy));
            }
        return std::make_pair(min_r, std::make_pair(agree, n));
    };
    const auto [r0, m0] = correlations(0.0);
    const auto [r5, m5] = correlations(0.5);
    INFO("smallest correlation between two statements: " << r0 << " without, " << r5 << " with the person factor");
    CHECK(r5 > 0.3);
    CHECK(r5 > r0 + 0.2);
    // The person factor leaves each statement's agree share where it was (same distribution).
    for (int k = 0; k < 5; ++k) {
        const double p = m0.first[k], se = std::sqrt(2 * p * (1 - p) / m0.second);
        CHECK(std::abs(m5.first[k] - p) < 4 * se);
    }
}

namespace {

/// Emotional items among `total` unfavourable answers (ODD 7.9): the u-quantile of Binomial(total, w),
/// within [total - 5, 6]. Written from the binomial probabilities, apart from the model's table.
int emotional_items(int total, double w, double u) {
    double cdf = 0;
    int k = 0;
    for (; k < total; ++k) {
        double choose = 1;
        for (int j = 0; j < k; ++j) choose = choose * (total - j) / (j + 1);
        cdf += choose * std::pow(w, k) * std::pow(1 - w, total - k);
        if (u < cdf) break;
    }
    return std::clamp(k, std::max(0, total - 5), std::min(6, total));
}

}  // namespace

TEST_CASE("emotional and social loneliness follow the documented split of the DJG score", "[wellbeing]") {
    Simulation sim(small_params(25, 0.05, 6), cbs(), 0);
    sim.run();
    const Population& pop = sim.population();
    const State& s = sim.state();
    const LonelinessParams& l = sim.params().loneliness;
    const Results& res = sim.results();
    const std::uint32_t w = res.weeks - 1;
    for (std::uint32_t b = 0; b < res.buurten; ++b) {
        double n = 0, emotional = 0, social = 0;
        for (std::uint32_t i = pop.buurt_begin[b]; i < pop.buurt_begin[b + 1]; ++i) {
            if (pop.age[i] < 18) continue;
            const bool alone = pop.household_type[pop.household[i]] == HouseholdType::single;
            const int e = emotional_items(s.djg[i], l.emotional_item_share + (alone ? l.living_alone_emotional_shift : 0),
                                          s.loneliness_split[i]);
            n += 1;
            emotional += e >= 3;
            social += s.djg[i] - e >= 3;
        }
        if (n == 0) continue;
        INFO("buurt " << pop.geo.buurten[b].code);
        CHECK(res.at(Indicator::lonely_emotional_share, w, b) == Approx(emotional / n).margin(1e-12));
        CHECK(res.at(Indicator::lonely_social_share, w, b) == Approx(social / n).margin(1e-12));
    }
}

TEST_CASE("living alone tilts loneliness towards the emotional subscale", "[wellbeing]") {
    // Same seed, same total scores: a larger shift for adults living alone moves their unfavourable
    // answers from social to emotional items, and leaves everyone else's split as it was.
    auto shares = [](double shift) {
        Params p = small_params(26, 0.1, 1);
        set_param(p, "loneliness.living_alone_emotional_shift", shift);
        Simulation sim(p, cbs(), 0);
        sim.run();
        double alone = 0, others = 0;
        for (std::uint32_t b = 0; b < sim.results().buurten; ++b) {
            const double adults = sim.results().at(Indicator::adults, 0, b);
            if (adults == 0) continue;
            alone += adults * sim.results().at(Indicator::lonely_emotional_share, 0, b);
            others += adults * sim.results().at(Indicator::lonely_social_share, 0, b);
        }
        return std::make_pair(alone, others);  // adults emotionally / socially lonely
    };
    const auto none = shares(0.0), tilt = shares(0.3);
    CHECK(tilt.first > none.first);
    CHECK(tilt.second < none.second);
}
