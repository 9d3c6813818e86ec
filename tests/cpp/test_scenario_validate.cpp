// Validation of any Params: ranges and cross-field rules, with where each key
// was set (model/src/scenario_validate.cpp).
#include "scenario_fixture.hpp"

using namespace buurtsim;
using namespace buurtsim::test;

TEST_CASE("snapshot weeks must lie within the run, the message names both keys and where they were set",
          "[scenario]") {
    CHECK_NOTHROW(parse("[run]\nweeks = 10\n[output]\nsnapshot_weeks = [0, 9]\n"));
    CHECK(parse_error("[run]\nweeks = 10\n[output]\nsnapshot_weeks = [3, 10]\n")
          == "output.snapshot_weeks must all be less than run.weeks (weeks are numbered from 0), got 10"
             " (scenario.toml:4) and run.weeks 10 (scenario.toml:2)");
    CHECK(parse_error("", {"output.snapshot_weeks=[300]"})
          == "output.snapshot_weeks must all be less than run.weeks (weeks are numbered from 0), got 300"
             " (--set output.snapshot_weeks=[300]) and run.weeks 260 (default)");
    // Lowering run.weeks after the list was set is caught too.
    CHECK_THAT(parse_error("[output]\nsnapshot_weeks = [52]\n", {"run.weeks=52"}),
               Catch::Contains("got 52 (scenario.toml:2) and run.weeks 52 (--set run.weeks=52)"));
}

TEST_CASE("cross-field validation runs after parsing and names where keys were set", "[scenario]") {
    const std::string msg = parse_error("[buurtteam]\nrefer_after_weeks = 12\n");
    CHECK_THAT(msg, Catch::StartsWith("buurtteam.refer_after_weeks must be less than buurtteam.give_up_after_weeks"));
    CHECK_THAT(msg, Catch::Contains("got 12 (scenario.toml:2) and 12 (default)"));
    CHECK_THAT(parse_error("", {"buurtteam.give_up_after_weeks=1"}),
               Catch::Contains("got 4 (default) and 1 (--set buurtteam.give_up_after_weeks=1)"));
    CHECK_THAT(parse_error("name = \"\"\n"), Catch::StartsWith("name must not be empty"));
    CHECK_THAT(parse_error("[population]\nwijken = [\"BU03440111\"]\n"),
               Catch::StartsWith("population.wijken: element 1, \"BU03440111\", is not a wijk code")
                   && Catch::EndsWith("(scenario.toml:2)"));
    CHECK_THAT(parse_error("[buurtteam]\nleave_list_weeks_mean = 0.5\n"),
               Catch::StartsWith("buurtteam.leave_list_weeks_mean must be 0 (nobody leaves) or at least 1 week")
                   && Catch::EndsWith("got 0.5 (scenario.toml:2)"));
    CHECK_NOTHROW(parse_scenario("[buurtteam]\nleave_list_weeks_mean = 0\n", "scenario.toml"));
    CHECK_NOTHROW(parse_scenario("[buurtteam]\nleave_list_weeks_mean = 1\n", "scenario.toml"));
}


TEST_CASE("text parameters cannot hold NUL bytes, names no control characters", "[scenario][hostile]") {
    // Names that differ only after a NUL byte were the same name in a result file.
    CHECK(parse_error("name = \"a\\u0000x\"\n") == "name must not contain a NUL byte, got \"a\\u0000x\" (scenario.toml:1)");
    CHECK(parse_error("name = \"two\\nlines\"\n")
          == "name must not contain control characters (tabs, line breaks, ...); it labels the scenario in results"
             " and tables, got \"two\\nlines\" (scenario.toml:1)");
    CHECK_THAT(parse_error("name = \"tab\\there\"\n"), Catch::StartsWith("name must not contain control characters"));
    CHECK(parse_error("description = \"x\\u0000\"\n")
          == "description must not contain a NUL byte, got \"x\\u0000\" (scenario.toml:1)");
    CHECK(parse_error("population.buurten = [\"BU03440111\", \"BU0344\\u00000111\"]\n")
          == "population.buurten: element 2 must not contain a NUL byte, got \"BU0344\\u00000111\" (scenario.toml:1)");
    // Params built in code are checked the same way.
    Params p = default_params();
    p.name = std::string("a\0b", 3);
    CHECK_THROWS_AS(validate(p), ParamError);
    // A description may hold tabs and line breaks.
    CHECK(parse("description = \"one\\ttwo\\nthree\"\n").description == "one\ttwo\nthree");
}
