// The parameter table, default_params() and validate().
#include "buurtsim/error.hpp"
#include "buurtsim/params.hpp"
#include "buurtsim/scenario.hpp"

#include <catch2/catch.hpp>

#include <cmath>
#include <cstdint>
#include <filesystem>
#include <regex>
#include <set>
#include <string>
#include <vector>

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

// ---------------------------------------------------------------- plausible ranges
// Uncertainty analysis (priors, sensitivity) takes its ranges from the table, so
// every row must say how uncertain it is, and a range must be one a run can use.

namespace {

bool numeric(const ParamSpec& row) { return row.type() == ParamType::integer || row.type() == ParamType::real; }

double value_of(const ParamSpec& row, Params& p) {
    return row.type() == ParamType::integer ? double(std::get<0>(row.ref)(p)) : std::get<1>(row.ref)(p);
}

void set_value(const ParamSpec& row, Params& p, double v) {
    if (row.type() == ParamType::integer) std::get<0>(row.ref)(p) = std::int64_t(v);
    else std::get<1>(row.ref)(p) = v;
}

bool ends_with(std::string_view s, std::string_view tail) {
    return s.size() >= tail.size() && s.substr(s.size() - tail.size()) == tail;
}

}  // namespace

TEST_CASE("every parameter states how uncertain it is", "[params][plausible]") {
    int ranged = 0, fixed = 0;
    for (const auto& row : param_table()) {
        INFO("row " << row.name);
        const Plausible& pl = row.plausible;
        REQUIRE(pl.kind != Plausible::Kind::unstated);
        CHECK(!pl.why.empty());
        // Only numbers can be drawn from a range; text, switches and lists are choices.
        if (!numeric(row)) CHECK(pl.kind == Plausible::Kind::not_uncertain);
        (pl.kind == Plausible::Kind::range ? ranged : fixed) += 1;
    }
    CHECK(ranged > 100);  // most behavioural parameters are uncertain
    CHECK(fixed > 20);
}

TEST_CASE("plausible ranges lie within the hard bounds and hold the default", "[params][plausible]") {
    Params p = default_params();
    for (const auto& row : param_table()) {
        if (row.plausible.kind != Plausible::Kind::range) continue;
        INFO("row " << row.name << " range [" << row.plausible.lo << ", " << row.plausible.hi << "], bounds ["
                    << row.min << ", " << row.max << "]" << (row.min_exclusive ? " (min exclusive)" : ""));
        const double lo = row.plausible.lo, hi = row.plausible.hi;
        CHECK(std::isfinite(lo));
        CHECK(std::isfinite(hi));
        CHECK(lo < hi);
        CHECK((row.min_exclusive ? lo > row.min : lo >= row.min));
        CHECK(hi <= row.max);
        const double v = value_of(row, p);
        INFO("default " << v);
        CHECK(lo <= v);
        CHECK(v <= hi);
        if (row.type() == ParamType::integer) {
            CHECK(lo == std::floor(lo));
            CHECK(hi == std::floor(hi));
        }
    }
}

TEST_CASE("what is not uncertain and what is", "[params][plausible]") {
    // The kinds the table marks not uncertain: run settings, the data edition, the scale,
    // selections, and the interventions' doses, timing and targets (policy choices).
    const std::set<std::string> settings = {"run.seed", "run.weeks", "run.replicates", "run.burn_in_weeks",
                                            "population.year", "population.scale", "buurtondersteuner.fte",
                                            "facilitator.fte", "buurtkamer.seats_per_1000", "buurtkamer.makelaar_fte",
                                            "staff_shortage.reduction", "backlog.share", "buurtteam.funding"};
    // Rows that say "assumption" in their source but are settings, not estimates.
    const std::set<std::string> assumed_settings = {"run.burn_in_weeks", "buurtteam.need_allocation_weeks",
                                                    "buurtkamer.makelaar_fte"};
    for (const auto& row : param_table()) {
        INFO("row " << row.name << ", source: " << row.source);
        const std::string name(row.name);
        const bool ranged = row.plausible.kind == Plausible::Kind::range;
        if (settings.count(name) || ends_with(name, ".start_week") || ends_with(name, ".end_week")
            || ends_with(name, ".most_vulnerable") || row.source == "scenario choice")
            CHECK(!ranged);
        // A default that is an assumption or a fit is an uncertain quantity.
        const bool estimated = contains(std::string(row.source), "assumption") || row.source.rfind("calibrated", 0) == 0;
        if (estimated && !assumed_settings.count(name)) CHECK(ranged);
    }
}

TEST_CASE("any mix of plausible values is a valid scenario", "[params][plausible]") {
    // Priors are drawn independently, so the corners and random mixes of the ranges must
    // pass the cross-field rules too (e.g. refer_after_weeks < give_up_after_weeks).
    std::vector<const ParamSpec*> rows;
    for (const auto& row : param_table())
        if (row.plausible.kind == Plausible::Kind::range) rows.push_back(&row);
    std::uint64_t state = 12345;  // a fixed LCG: the test's own reproducible mixes
    auto next = [&] { return (state = state * 6364136223846793005ULL + 1442695040888963407ULL) >> 33; };
    for (int mix = 0; mix < 202; ++mix) {
        Params p = default_params();
        for (const ParamSpec* row : rows) {
            const int pick = mix == 0 ? 0 : mix == 1 ? 2 : int(next() % 3);  // lo, middle, hi
            double v = pick == 0 ? row->plausible.lo : pick == 2 ? row->plausible.hi
                                                                 : 0.5 * (row->plausible.lo + row->plausible.hi);
            if (row->type() == ParamType::integer) v = std::floor(v);
            set_value(*row, p, v);
        }
        INFO("mix " << mix);
        CHECK_NOTHROW(validate(p));
    }
}

TEST_CASE("the calibrated values and the shipped scenarios lie in the plausible ranges", "[params][plausible]") {
    namespace fs = std::filesystem;
    std::vector<fs::path> files = {fs::path(BUURTSIM_SOURCE_DIR) / "data" / "params" / "utrecht-2023.toml"};
    for (const auto& e : fs::directory_iterator(fs::path(BUURTSIM_SOURCE_DIR) / "experiments" / "scenarios"))
        if (e.path().extension() == ".toml") files.push_back(e.path());
    REQUIRE(files.size() > 5);
    for (const fs::path& f : files) {
        Scenario sc = load_scenario(f);
        for (const auto& row : param_table()) {
            if (row.plausible.kind != Plausible::Kind::range) continue;
            const double v = value_of(row, sc.params);
            INFO(f.filename().string() << ": " << row.name << " = " << v << ", plausible [" << row.plausible.lo
                                       << ", " << row.plausible.hi << "]");
            CHECK(row.plausible.lo <= v);
            CHECK(v <= row.plausible.hi);
        }
    }
}
