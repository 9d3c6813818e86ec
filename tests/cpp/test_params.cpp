// The parameter table, default_params() and validate().
#include "buurtsim/error.hpp"
#include "buurtsim/params.hpp"

#include <catch2/catch.hpp>

#include <cmath>
#include <regex>
#include <set>
#include <string>

using namespace buurtsim;

namespace {

// An independent reading of a table default literal, without toml++, so a
// bug in the parser's value handling cannot hide a wrong default.
std::string unquote(std::string_view lit) {
    REQUIRE(lit.size() >= 2);
    REQUIRE(lit.front() == '"');
    REQUIRE(lit.back() == '"');
    const std::string inner(lit.substr(1, lit.size() - 2));
    REQUIRE(inner.find('\\') == std::string::npos);  // keep table literals simple
    return inner;
}

const void* field_address(const ParamSpec& row, Params& p) {
    return std::visit([&](auto fn) -> const void* { return &fn(p); }, row.ref);
}

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

}  // namespace

TEST_CASE("parameter table rows are well formed", "[params]") {
    const auto& table = param_table();
    REQUIRE(table.size() > 30);
    const std::regex name_re("[a-z][a-z0-9_]*(\\.[a-z][a-z0-9_]*)*");
    std::set<std::string> names;
    std::set<const void*> fields;
    Params p{};
    for (const auto& row : table) {
        INFO("row " << row.name);
        CHECK(std::regex_match(std::string(row.name), name_re));
        CHECK(names.insert(std::string(row.name)).second);           // unique names
        CHECK(fields.insert(field_address(row, p)).second);          // no two rows on one field
        CHECK(!row.default_toml.empty());
        CHECK(!row.unit.empty());
        CHECK(!row.meaning.empty());
        CHECK(!row.source.empty());
        if (row.type() == ParamType::integer || row.type() == ParamType::real
            || row.type() == ParamType::integer_list) {
            CHECK(row.min <= row.max);
            CHECK(!std::isnan(row.min));
            CHECK(!std::isnan(row.max));
        }
    }
}

TEST_CASE("default_params() applies every table default", "[params]") {
    Params p = default_params();
    for (const auto& row : param_table()) {
        INFO("row " << row.name << " default " << row.default_toml);
        const std::string lit(row.default_toml);
        switch (row.type()) {
            case ParamType::integer:
                CHECK(std::get<0>(row.ref)(p) == std::stoll(lit));
                break;
            case ParamType::real:
                CHECK(std::get<1>(row.ref)(p) == std::stod(lit));
                break;
            case ParamType::boolean:
                CHECK(std::get<2>(row.ref)(p) == (lit == "true"));
                break;
            case ParamType::text:
                CHECK(std::get<3>(row.ref)(p) == unquote(lit));
                break;
            case ParamType::text_list:
                REQUIRE(lit == "[]");  // extend this reader if a non-empty list default appears
                CHECK(std::get<4>(row.ref)(p).empty());
                break;
            case ParamType::integer_list:
                REQUIRE(lit == "[]");  // extend this reader if a non-empty list default appears
                CHECK(std::get<5>(row.ref)(p).empty());
                break;
        }
    }
}

TEST_CASE("default_params() spot values", "[params]") {
    const Params p = default_params();
    CHECK(p.name == "unnamed");
    CHECK(p.description.empty());
    CHECK(p.run.seed == 1);
    CHECK(p.run.weeks == 260);
    CHECK(p.population.year == 2023);
    CHECK(p.population.scale == 1.0);
    CHECK(p.population.buurten.empty());
    CHECK(p.network.block_households == 20.0);
    CHECK(p.buurtteam.client_hours_per_fte == 20.0);
    CHECK(p.buurtteam.refer_after_weeks == 4);
    CHECK(p.buurtteam.give_up_after_weeks == 12);
    CHECK(p.output.snapshot_weeks.empty());
}

TEST_CASE("the defaults pass validate()", "[params]") {
    CHECK_NOTHROW(validate(default_params()));
}

TEST_CASE("validate() checks per-key ranges for params built in code", "[params]") {
    Params p = default_params();
    SECTION("exclusive lower bound") {
        p.population.scale = 0.0;
        CHECK_THROWS_WITH(validate(p), "population.scale must be in (0, 1], got 0");
    }
    SECTION("above the upper bound") {
        p.population.scale = 1.5;
        CHECK_THROWS_WITH(validate(p), "population.scale must be in (0, 1], got 1.5");
    }
    SECTION("integer bounds print without decimals") {
        p.run.weeks = 0;
        CHECK_THROWS_WITH(validate(p), "run.weeks must be in [1, 5200], got 0");
        p.run.weeks = 10;
        p.run.seed = 4294967296;
        CHECK_THROWS_WITH(validate(p), "run.seed must be in [0, 4294967295], got 4294967296");
    }
    SECTION("NaN and infinity are rejected") {
        p.help.willingness_friend = std::nan("");
        CHECK_THROWS_AS(validate(p), ParamError);
        CHECK_THROWS_WITH(validate(p), Catch::Contains("help.willingness_friend must be a finite number"));
        p.help.willingness_friend = 0.5;
        p.help.hours_retired = INFINITY;
        CHECK_THROWS_WITH(validate(p), Catch::Contains("help.hours_retired must be a finite number, got inf"));
    }
}

TEST_CASE("validate() cross-field: referral must come before giving up", "[params]") {
    Params p = default_params();
    p.buurtteam.refer_after_weeks = 12;
    p.buurtteam.give_up_after_weeks = 12;
    try {
        validate(p);
        FAIL("expected ParamError");
    } catch (const ParamError& e) {
        const std::string msg = e.what();
        CHECK(contains(msg, "buurtteam.refer_after_weeks"));
        CHECK(contains(msg, "buurtteam.give_up_after_weeks"));
        CHECK(contains(msg, "must be less than"));
        CHECK(contains(msg, "got 12 and 12"));
    }
    p.buurtteam.refer_after_weeks = 11;
    CHECK_NOTHROW(validate(p));
}

TEST_CASE("validate() checks the form of area codes", "[params]") {
    Params p = default_params();
    p.population.buurten = {"BU03440111", "WK034401"};
    CHECK_THROWS_WITH(validate(p), Catch::StartsWith("population.buurten: element 2, \"WK034401\", is not a buurt code"));
    p.population.buurten = {"BU03440111"};
    p.population.wijken = {"WK034401", "WK0344"};
    CHECK_THROWS_WITH(validate(p), Catch::StartsWith("population.wijken: element 2, \"WK0344\", is not a wijk code"));
    p.population.wijken = {"WK034401"};
    CHECK_NOTHROW(validate(p));
}

TEST_CASE("validate() requires a name", "[params]") {
    Params p = default_params();
    p.name = "";
    CHECK_THROWS_WITH(validate(p), Catch::StartsWith("name must not be empty"));
}

TEST_CASE("validate() checks integer lists element by element", "[params]") {
    Params p = default_params();
    p.run.weeks = 5200;
    SECTION("each element against the row's range") {
        p.output.snapshot_weeks = {0, 52, 5201};
        CHECK_THROWS_WITH(validate(p), "output.snapshot_weeks: element 3 must be in [0, 5200], got 5201");
        p.output.snapshot_weeks = {-1};
        CHECK_THROWS_WITH(validate(p), "output.snapshot_weeks: element 1 must be in [0, 5200], got -1");
    }
    SECTION("lists built in code must be strictly increasing (the parser sorts them)") {
        p.output.snapshot_weeks = {104, 52};
        CHECK_THROWS_WITH(validate(p), Catch::StartsWith("output.snapshot_weeks must be strictly increasing, got 104"
                                                         " (element 1) then 52 (element 2)"));
        p.output.snapshot_weeks = {52, 52};
        CHECK_THROWS_AS(validate(p), ParamError);
        p.output.snapshot_weeks = {0, 52, 104};
        CHECK_NOTHROW(validate(p));
    }
}

TEST_CASE("validate() cross-field: snapshot weeks lie within the run", "[params]") {
    Params p = default_params();
    p.run.weeks = 104;
    p.output.snapshot_weeks = {0, 103};
    CHECK_NOTHROW(validate(p));
    p.output.snapshot_weeks = {0, 52, 104};
    try {
        validate(p);
        FAIL("expected ParamError");
    } catch (const ParamError& e) {
        const std::string msg = e.what();
        CHECK(contains(msg, "output.snapshot_weeks"));
        CHECK(contains(msg, "run.weeks"));
        CHECK(contains(msg, "must all be less than"));
        CHECK(contains(msg, "got 104 and run.weeks 104"));
    }
}
