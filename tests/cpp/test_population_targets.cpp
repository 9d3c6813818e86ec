// Per-buurt targets (model/src/population_targets.cpp): CBS counts reproduced
// exactly, scaled, fallbacks to the wijk, feasibility at tiny scales, limits.
#include "population_fixture.hpp"

#include <fstream>

using namespace buurtsim;
using namespace buurtsim::test;

TEST_CASE("whole city 2023 at scale 1 reproduces the CBS counts", "[population]") {
    const auto& t = table(2023);
    const auto& pop = city2023();
    check_structure(pop);
    check_targets_met(pop);
    REQUIRE(pop.geo.buurten.size() == 111);
    REQUIRE(pop.geo.wijken.size() == 10);

    double inw = 0;
    for (const auto& r : t.rows())
        if (r.level == AreaLevel::buurt) inw += t.value(t.row_of(r.code), "a_inw");
    CHECK(pop.size() == inw);  // scale 1: every buurt's a_inw exactly
    CHECK(inw == 367715);

    // Targets are the CBS counts, split by largest remainder where CBS
    // rounding makes the bands miss a_inw.
    for (std::size_t b = 0; b < pop.geo.buurten.size(); ++b) {
        const auto& code = pop.geo.buurten[b].code;
        INFO("buurt " << code);
        const auto& T = pop.targets[b];
        CHECK(T.residents == cbs(t, code, "a_inw"));
        double band_sum = 0;
        for (const char* col : {"a_00_14", "a_15_24", "a_25_44", "a_45_64", "a_65_oo"}) band_sum += cbs(t, code, col);
        if (band_sum > 0) {
            int a = 0;
            for (const char* col : {"a_00_14", "a_15_24", "a_25_44", "a_45_64", "a_65_oo"})
                CHECK(std::abs(T.age[a++] - T.residents * cbs(t, code, col) / band_sum) < 1.0);
        }
    }
    // One buurt by hand: CBS numbers add up here, so targets equal them.
    const auto b = std::find_if(pop.geo.buurten.begin(), pop.geo.buurten.end(),
                                [](const Buurt& x) { return x.code == "BU03440111"; }) - pop.geo.buurten.begin();
    const auto& T = pop.targets[b];
    CHECK(T.residents == 1810);
    CHECK(T.age[band_00_14] == 200);
    CHECK(T.age[band_65_plus] == 360);
    CHECK(T.men == 847);  // 1810 * 845 / (845 + 960) = 847.3
    CHECK(T.households == 1070);
    CHECK(T.single_households == 630);
    CHECK(T.households_without_children == 295);
    CHECK(T.households_with_children == 145);
    CHECK(T.aow == 320);
    CHECK(T.bijstand == 10);
    CHECK(T.disability == 20);
    CHECK(T.mean_household_size == Approx(1.6));
}

TEST_CASE("buurten without residents are kept, missing bands fall back to the wijk", "[population]") {
    const auto& pop = city2023();
    auto index = [&](const char* code) {
        for (std::size_t b = 0; b < pop.geo.buurten.size(); ++b)
            if (pop.geo.buurten[b].code == code) return b;
        FAIL("no buurt " << code);
        return std::size_t(0);
    };
    // Strijkviertel: a_inw 0 in 2023.
    const auto s = index("BU03440952");
    CHECK(pop.targets[s].residents == 0);
    CHECK(pop.buurt_begin[s] == pop.buurt_begin[s + 1]);
    // De Wetering: a_inw 5 but every age band 0 (CBS rounding): wijk shares.
    const auto w = index("BU03440911");
    CHECK(pop.targets[w].residents == 5);
    CHECK(count_buurt(pop, w).residents == 5);
}

TEST_CASE("scale 0.05 gives about 5 % of the residents", "[population]") {
    const auto& t = table(2023);
    auto p = defaults();
    p.scale = 0.05;
    const auto pop = synthesize_population(t, p, 5, 0);
    check_structure(pop);
    check_targets_met(pop);
    // Each buurt is rounded on its own: at most 0.5 off per buurt.
    CHECK(std::abs(double(pop.size()) - 0.05 * 367715) <= 0.5 * 111);
    for (std::size_t b = 0; b < pop.geo.buurten.size(); ++b) {
        const double exact = 0.05 * cbs(t, pop.geo.buurten[b].code, "a_inw");
        CHECK(std::abs(pop.targets[b].residents - exact) <= 0.5);
    }
}

TEST_CASE("tiny scales keep every invariant", "[population]") {
    // Rounding makes CBS counts inconsistent in small buurten; the household
    // repair must still give a valid population whose counts meet its targets.
    for (int year : {2023, 2024})
        for (double scale : {0.001, 0.01})
            for (std::uint64_t seed : {1, 2, 3}) {
                auto p = defaults();
                p.year = year;
                p.scale = scale;
                INFO("year " << year << " scale " << scale << " seed " << seed);
                const auto pop = synthesize_population(table(year), p, seed, 0);
                check_structure(pop);
                check_targets_met(pop);
            }
}

// ------------------------------------------------------------------ limits

TEST_CASE("a selection or scale with no residents is an error", "[population][errors][hostile]") {
    const auto& t = table(2023);
    auto p = defaults();
    p.buurten = {"BU03440952"};  // Strijkviertel: a_inw 0
    REQUIRE_THROWS_AS(synthesize_population(t, p, 1, 0), ParamError);
    REQUIRE_THROWS_WITH(synthesize_population(t, p, 1, 0),
                        Catch::StartsWith("the 1 buurt selected by population.buurten and population.wijken has no"
                                          " residents at population.scale = 1 (CBS a_inw in ")
                            && Catch::Contains("cbs-kwb-utrecht-2023.csv"));
    auto tiny = defaults();
    tiny.scale = 1e-6;  // every buurt rounds to 0
    REQUIRE_THROWS_WITH(synthesize_population(t, tiny, 1, 0),
                        Catch::StartsWith("the whole gemeente (111 buurten) has no residents at population.scale = 1e-06"));
    // One resident is enough.
    tiny.scale = 0.001;
    CHECK(synthesize_population(t, tiny, 1, 0).size() > 0);
}

TEST_CASE("more residents than max_residents is an error before any is built", "[population][errors][hostile]") {
    const fs::path dir = fs::path(BUURTSIM_TEST_TMP) / "test_population_targets";
    fs::create_directories(dir);
    const fs::path csv = dir / "crowded.csv";
    {
        std::ofstream out(csv, std::ios::binary);
        out << "gwb_code_10,regio,recs,a_inw,a_man,a_vrouw,a_00_14,a_15_24,a_25_44,a_45_64,a_65_oo,a_hh,a_1p_hh,"
               "a_hh_z_k,a_hh_m_k,g_hhgro\n"
               "GM0344,G,Gemeente,20000000,10000000,10000000,4000000,4000000,4000000,4000000,4000000,9000000,"
               "3000000,3000000,3000000,2.2\n"
               "WK034401,W,Wijk,20000000,10000000,10000000,4000000,4000000,4000000,4000000,4000000,9000000,"
               "3000000,3000000,3000000,2.2\n";
        for (const char* b : {"BU03440101", "BU03440102"})
            out << b << ",B,Buurt,15000000,7500000,7500000,3000000,3000000,3000000,3000000,3000000,7000000,"
                        "2000000,2500000,2500000,2.2\n";
    }
    const CbsTable t = CbsTable::read_csv(csv);
    auto p = defaults();
    REQUIRE_THROWS_AS(synthesize_population(t, p, 1, 0), ParamError);
    REQUIRE_THROWS_WITH(synthesize_population(t, p, 1, 0),
                        Catch::StartsWith("the whole gemeente (2 buurten) has 30000000 residents at population.scale = 1")
                            && Catch::Contains("more than buurtsim simulates (20000000)"));
}
