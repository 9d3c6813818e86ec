// Which buurten and wijken are simulated (model/src/geography.cpp).
#include "population_fixture.hpp"

using namespace buurtsim;
using namespace buurtsim::test;

TEST_CASE("selection by wijk and buurt code", "[population]") {
    const auto& t = table(2023);
    auto p = defaults();
    p.wijken = {"WK034405"};
    const auto geo = select_geography(t, p);
    std::size_t expected = 0;
    for (const auto& r : t.rows()) expected += r.level == AreaLevel::buurt && r.code.rfind("BU034405", 0) == 0;
    REQUIRE(geo.buurten.size() == expected);
    REQUIRE(expected > 0);
    REQUIRE(geo.wijken.size() == 1);
    CHECK(geo.wijken[0].code == "WK034405");
    for (const auto& b : geo.buurten) {
        CHECK(b.code.rfind("BU034405", 0) == 0);
        CHECK(b.wijk == 0);
    }

    // Union of a buurt in another wijk and the wijk; wijken in file order.
    p.buurten = {"BU03440111"};
    const auto geo2 = select_geography(t, p);
    REQUIRE(geo2.buurten.size() == expected + 1);
    CHECK(geo2.buurten[0].code == "BU03440111");
    REQUIRE(geo2.wijken.size() == 2);
    CHECK(geo2.wijken[0].code == "WK034401");
    CHECK(geo2.buurten[0].wijk == 0);
    CHECK(geo2.buurten[1].wijk == 1);

    // A buurt simulated alone gets the same residents as inside the city
    // (its stream is keyed by its CBS row, not its position in the selection).
    auto one = defaults();
    one.buurten = {"BU03440511"};
    const auto alone = synthesize_population(t, one, 42, 0);
    check_structure(alone);
    const auto& city = city2023();
    std::size_t b = 0;
    while (city.geo.buurten[b].code != "BU03440511") ++b;
    const std::vector<std::uint8_t> in_city(city.age.begin() + city.buurt_begin[b], city.age.begin() + city.buurt_begin[b + 1]);
    CHECK(alone.age == in_city);
}

TEST_CASE("unknown or misplaced codes name the key and the code", "[population][errors]") {
    const auto& t = table(2023);
    auto p = defaults();
    p.buurten = {"BU0344999"};
    REQUIRE_THROWS_AS(select_geography(t, p), ParamError);
    REQUIRE_THROWS_WITH(select_geography(t, p),
                        Catch::Contains("population.buurten: unknown buurt code \"BU0344999\"")
                            && Catch::Contains("BU03440111") && Catch::Contains("cbs-kwb-utrecht-2023.csv"));
    p.buurten = {"WK034401"};
    REQUIRE_THROWS_WITH(select_geography(t, p),
                        Catch::Contains("population.buurten: \"WK034401\" is a wijk code")
                            && Catch::Contains("population.wijken"));
    p.buurten = {};
    p.wijken = {"BU03440111"};
    REQUIRE_THROWS_WITH(select_geography(t, p),
                        Catch::Contains("population.wijken: \"BU03440111\" is a buurt code")
                            && Catch::Contains("population.buurten"));
    p.wijken = {"WK034499"};
    REQUIRE_THROWS_WITH(select_geography(t, p), Catch::Contains("population.wijken: unknown wijk code \"WK034499\""));
    // synthesize_population checks the same way.
    REQUIRE_THROWS_AS(synthesize_population(t, p, 1, 0), ParamError);

    auto bad = defaults();
    bad.scale = 0;
    REQUIRE_THROWS_WITH(synthesize_population(t, bad, 1, 0), Catch::Contains("population.scale"));
}
