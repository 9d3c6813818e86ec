#pragma once
// Shared set-up for the population tests: parameter defaults written out, the
// CBS tables, the whole city at scale 1, and the structure and targets every
// population must meet.
#include "buurtsim/error.hpp"
#include "buurtsim/population.hpp"

#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <string>
#include <vector>

namespace buurtsim::test {

namespace fs = std::filesystem;


// Defaults of the parameter table (model/src/params_table.cpp), written out
// so this test does not depend on the scenario code.
inline PopulationParams defaults() {
    PopulationParams p;
    p.year = 2023;
    p.scale = 1.0;
    p.two_parent_share = 0.78;
    p.psych_prevalence = 0.017;
    p.homeless_history_prevalence = 0.005;
    p.nah_prevalence = 0.015;
    p.lvb_prevalence = 0.02;
    p.frail_65_74 = 0.10;
    p.frail_75_84 = 0.25;
    p.frail_85_plus = 0.50;
    p.benefit_vulnerability_odds = 3.0;
    return p;
}

inline const CbsTable& table(int year) {
    static const CbsTable t2023 = CbsTable::read_csv(fs::path(BUURTSIM_SOURCE_DIR) / "data/cbs/cbs-kwb-utrecht-2023.csv");
    static const CbsTable t2024 = CbsTable::read_csv(fs::path(BUURTSIM_SOURCE_DIR) / "data/cbs/cbs-kwb-utrecht-2024.csv");
    return year == 2023 ? t2023 : t2024;
}

inline const Population& city2023() {
    static const Population pop = synthesize_population(table(2023), defaults(), 42, 0);
    return pop;
}

inline double cbs(const CbsTable& t, const std::string& code, const char* col) { return t.value(t.row_of(code), col); }

/// Structure every population must have, at any scale.
inline void check_structure(const Population& pop) {
    const std::size_t nb = pop.geo.buurten.size(), n = pop.size(), nh = pop.households();
    REQUIRE(pop.targets.size() == nb);
    REQUIRE(pop.buurt_begin.size() == nb + 1);
    REQUIRE(pop.buurt_begin.front() == 0);
    REQUIRE(pop.buurt_begin.back() == n);
    REQUIRE(pop.household_begin.size() == nh + 1);
    REQUIRE(pop.household_begin.front() == 0);
    REQUIRE(pop.household_begin.back() == n);
    REQUIRE(pop.buurt.size() == n);
    REQUIRE(pop.female.size() == n);
    REQUIRE(pop.household.size() == n);
    REQUIRE(pop.vulnerability.size() == n);
    REQUIRE(pop.benefits.size() == n);

    // Residents sorted by buurt.
    for (std::size_t b = 0; b < nb; ++b)
        for (std::uint32_t i = pop.buurt_begin[b]; i < pop.buurt_begin[b + 1]; ++i) REQUIRE(pop.buurt[i] == b);
    // Every resident in exactly one non-empty, contiguous household inside one buurt;
    // household ids increase with the resident index (and so with the buurt).
    std::size_t bad = 0;
    for (std::size_t h = 0; h < nh; ++h) {
        const auto lo = pop.household_begin[h], hi = pop.household_begin[h + 1];
        if (hi <= lo || pop.buurt[lo] != pop.buurt[hi - 1]) ++bad;
        for (auto i = lo; i < hi; ++i)
            if (pop.household[i] != h) ++bad;
    }
    REQUIRE(bad == 0);
    for (std::size_t i = 0; i < n; ++i) REQUIRE(pop.age[i] <= 104);
}

struct BuurtCounts {
    std::uint32_t residents = 0, men = 0, age[n_age_bands] = {}, types[3] = {}, aow = 0, bijstand = 0, disability = 0;
};

inline BuurtCounts count_buurt(const Population& pop, std::size_t b) {
    BuurtCounts c;
    for (auto i = pop.buurt_begin[b]; i < pop.buurt_begin[b + 1]; ++i) {
        ++c.residents;
        c.men += pop.female[i] == 0;
        ++c.age[age_band(pop.age[i])];
        c.aow += (pop.benefits[i] & benefit_aow) != 0;
        c.bijstand += (pop.benefits[i] & benefit_bijstand) != 0;
        c.disability += (pop.benefits[i] & benefit_disability) != 0;
    }
    if (pop.buurt_begin[b + 1] > pop.buurt_begin[b]) {
        for (auto h = pop.household[pop.buurt_begin[b]]; h <= pop.household[pop.buurt_begin[b + 1] - 1]; ++h)
            ++c.types[static_cast<int>(pop.household_type[h])];
    }
    return c;
}

inline void check_targets_met(const Population& pop) {
    for (std::size_t b = 0; b < pop.geo.buurten.size(); ++b) {
        INFO("buurt " << pop.geo.buurten[b].code);
        const auto& T = pop.targets[b];
        const auto c = count_buurt(pop, b);
        REQUIRE(c.residents == T.residents);
        REQUIRE(c.men == T.men);
        std::uint32_t sum = 0;
        for (int a = 0; a < n_age_bands; ++a) {
            REQUIRE(c.age[a] == T.age[a]);
            sum += T.age[a];
        }
        REQUIRE(sum == T.residents);
        REQUIRE(c.types[0] == T.single_households);
        REQUIRE(c.types[1] == T.households_without_children);
        REQUIRE(c.types[2] == T.households_with_children);
        REQUIRE(T.households == T.single_households + T.households_without_children + T.households_with_children);
        REQUIRE(c.aow == T.aow);
        REQUIRE(c.bijstand == T.bijstand);
        REQUIRE(c.disability == T.disability);
    }
}

/// Prevalence within k standard errors of p.
inline void check_prevalence(const char* what, std::uint64_t hits, std::uint64_t n, double p, double k = 4) {
    INFO(what << ": " << hits << " of " << n << " (expected share " << p << ")");
    REQUIRE(n > 0);
    const double se = std::sqrt(p * (1 - p) / n);
    CHECK(std::abs(double(hits) / n - p) < k * se);
}

}  // namespace buurtsim::test
