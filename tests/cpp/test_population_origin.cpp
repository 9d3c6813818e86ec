// Origin (model/src/population_origin.cpp): every resident gets a CBS herkomst
// group; the counts per buurt are the CBS counts (scaled, largest remainder),
// the choice of residents is random and keyed by the buurt's CBS row.
#include "population_fixture.hpp"

#include <fstream>

using namespace buurtsim;
using namespace buurtsim::test;

namespace {

constexpr const char* origin_columns[n_origin_groups] = {"a_geb_nl", "a_geb_eu", "a_geb_ne", "a_gbl_eu", "a_gbl_ne"};

std::size_t group_of(std::uint8_t origin) {
    for (std::size_t k = 0; k < n_origin_groups; ++k)
        if (origin_groups[k] == origin) return k;
    FAIL("origin " << int(origin) << " is no CBS herkomst group");
    return 0;
}

}  // namespace

TEST_CASE("origin counts per buurt are the CBS herkomst counts", "[population]") {
    const auto& pop = city2023();
    const auto& t = table(2023);
    REQUIRE(pop.origin.size() == pop.size());
    for (std::size_t b = 0; b < pop.geo.buurten.size(); ++b) {
        const std::string& code = pop.geo.buurten[b].code;
        INFO("buurt " << code);
        std::uint32_t counted[n_origin_groups] = {}, total = 0;
        for (std::uint32_t i = pop.buurt_begin[b]; i < pop.buurt_begin[b + 1]; ++i) ++counted[group_of(pop.origin[i])];
        double cbs_sum = 0;
        for (const char* c : origin_columns) cbs_sum += cbs(t, code, c);
        const std::uint32_t residents = pop.targets[b].residents;
        for (std::size_t k = 0; k < n_origin_groups; ++k) {
            CHECK(counted[k] == pop.targets[b].origin[k]);
            total += counted[k];
            // Largest remainder: within one of the exact proportional share.
            if (residents > 0 && cbs_sum > 0)
                CHECK(std::abs(counted[k] - residents * cbs(t, code, origin_columns[k]) / cbs_sum) < 1.0);
        }
        CHECK(total == residents);
    }
}

TEST_CASE("origin is drawn independently of age", "[population]") {
    // Within a buurt the residents of a group are a uniform draw without replacement, so the number
    // of adults of herkomst outside Europe is hypergeometric given the buurt's counts; summed over
    // buurten it must be within a few standard errors of its expectation.
    const auto& pop = city2023();
    double observed = 0, expected = 0, variance = 0;
    for (std::size_t b = 0; b < pop.geo.buurten.size(); ++b) {
        double n = 0, adults = 0, out = 0, adult_out = 0;
        for (std::uint32_t i = pop.buurt_begin[b]; i < pop.buurt_begin[b + 1]; ++i) {
            const bool o = pop.origin[i] & origin_outside_europe, a = pop.age[i] >= 18;
            n += 1, adults += a, out += o, adult_out += a && o;
        }
        if (n < 2) continue;
        observed += adult_out;
        expected += adults * out / n;
        variance += adults * (out / n) * (1 - out / n) * (n - adults) / (n - 1);
    }
    INFO("observed " << observed << ", expected " << expected << ", sd " << std::sqrt(variance));
    CHECK(std::abs(observed - expected) < 4 * std::sqrt(variance));
}

TEST_CASE("a buurt gets the same origins alone as within the city", "[population][determinism]") {
    const auto& t = table(2023);
    auto p = defaults();
    p.buurten = {"BU03440611"};
    const auto alone = synthesize_population(t, p, 42, 0);
    const auto& city = city2023();
    std::size_t b = 0;
    while (city.geo.buurten[b].code != "BU03440611") ++b;
    const std::vector<std::uint8_t> in_city(city.origin.begin() + city.buurt_begin[b],
                                            city.origin.begin() + city.buurt_begin[b + 1]);
    CHECK(alone.origin == in_city);
}

TEST_CASE("a table without herkomst columns gives everyone herkomst Nederland", "[population]") {
    const fs::path dir = fs::path(BUURTSIM_TEST_TMP) / "test_population_origin";
    fs::create_directories(dir);
    const fs::path csv = dir / "no-origin.csv";
    {
        std::ofstream out(csv, std::ios::binary);
        out << "gwb_code_10,regio,recs,a_inw,a_man,a_vrouw,a_00_14,a_15_24,a_25_44,a_45_64,a_65_oo,a_hh,a_1p_hh,"
               "a_hh_z_k,a_hh_m_k,g_hhgro\n"
               "GM0344,G,Gemeente,200,100,100,40,40,40,40,40,90,30,30,30,2.2\n"
               "WK034401,W,Wijk,200,100,100,40,40,40,40,40,90,30,30,30,2.2\n"
               "BU03440101,B,Buurt,200,100,100,40,40,40,40,40,90,30,30,30,2.2\n";
    }
    const auto pop = synthesize_population(CbsTable::read_csv(csv), defaults(), 1, 0);
    REQUIRE(pop.size() == 200);
    CHECK(std::all_of(pop.origin.begin(), pop.origin.end(), [](std::uint8_t o) { return o == 0; }));
    CHECK(pop.targets[0].origin[0] == 200);
}
