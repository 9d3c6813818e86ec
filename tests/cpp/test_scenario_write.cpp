// Params -> TOML and the parameter table -> Markdown (model/src/scenario_write.cpp).
#include "scenario_fixture.hpp"

#include <sstream>

using namespace buurtsim;
using namespace buurtsim::test;

TEST_CASE("to_toml round-trips the defaults and modified params", "[scenario]") {
    const Params d = default_params();
    const std::string text = to_toml(d);
    CHECK(to_toml(parse_scenario(text, "resolved").params) == text);

    Params p = d;
    // Names take no control characters (validate); the description carries them.
    p.name = "quotes \" and \\ backslash and ünïcode";
    p.description = "quotes \" and \\ backslash\nnewline\ttab \x01 and ünïcode";
    p.run.seed = 4294967295;
    p.population.scale = 0.1;
    p.population.buurten = {"BU03440111", "BU03440112"};
    p.network.block_households = 10.0 / 3.0;
    p.questions.rate_18_64 = 1e-7;
    p.questions.hours_mean = 123.456789012345678;
    p.help.hours_working_age = 168;
    p.buurtteam.case_weeks_mean = 12.345678901234567;
    p.output.snapshot_weeks = {0, 52, 259};
    const std::string mod = to_toml(p);
    const Params q = parse_scenario(mod, "resolved").params;
    CHECK(to_toml(q) == mod);
    CHECK(q.name == p.name);
    CHECK(q.description == p.description);
    CHECK(q.run.seed == p.run.seed);
    CHECK(q.population.buurten == p.population.buurten);
    CHECK(q.network.block_households == p.network.block_households);  // bit-exact doubles
    CHECK(q.questions.rate_18_64 == p.questions.rate_18_64);
    CHECK(q.questions.hours_mean == p.questions.hours_mean);
    CHECK(q.help.hours_working_age == 168.0);
    CHECK(q.buurtteam.case_weeks_mean == p.buurtteam.case_weeks_mean);
    CHECK(q.output.snapshot_weeks == p.output.snapshot_weeks);
    CHECK_THAT(mod, Catch::Contains("\nsnapshot_weeks = [0, 52, 259]\n"));
}

TEST_CASE("to_toml layout: top-level keys, then one commented table per section in table order", "[scenario]") {
    const std::string text = to_toml(default_params());
    const auto name_at = text.find("\nname = \"unnamed\"\n");
    const auto run_at = text.find("\n[run]\n");
    const auto pop_at = text.find("\n[population]\n");
    const auto bt_at = text.find("\n[buurtteam]\n");
    REQUIRE(name_at != std::string::npos);
    REQUIRE(run_at != std::string::npos);
    CHECK(name_at < run_at);
    CHECK(run_at < pop_at);
    CHECK(pop_at < bt_at);
    CHECK_THAT(text, Catch::Contains("# share; Fraction of residents simulated; buurtteam capacity scales with it.\nscale = 1.0\n"));
    CHECK_THAT(text, Catch::Contains("\nblock_households = 20.0\n"));  // a real default "20" is written as a float
    CHECK_THAT(text, Catch::Contains("\nweeks = 260\n"));
    CHECK_THAT(text, Catch::Contains("\nbuurten = []\n"));
    CHECK_THAT(text, Catch::Contains("\n[output]\n# week; "));
    CHECK_THAT(text, Catch::Contains("\nsnapshot_weeks = []\n"));
    // Every parameter line is preceded by its comment.
    std::istringstream in(text);
    std::string line, previous;
    int values = 0;
    while (std::getline(in, line)) {
        if (!line.empty() && line[0] != '#' && line[0] != '[') {
            ++values;
            CHECK_THAT(previous, Catch::StartsWith("# "));
        }
        previous = line;
    }
    CHECK(values == static_cast<int>(param_table().size()));
}

TEST_CASE("parameters_markdown has one table row per parameter", "[scenario]") {
    const std::string md = parameters_markdown();
    CHECK_THAT(md, Catch::StartsWith("# Parameters\n\n"));
    CHECK_THAT(md, Catch::Contains("| key | default | unit | range | meaning | source | plausible |"));
    CHECK_THAT(md, Catch::Contains("| `population.scale` | `1.0` | share | number in (0, 1] |"));
    CHECK_THAT(md, Catch::Contains("| `run.weeks` | `260` | week | integer in [1, 5200] |"));
    CHECK_THAT(md, Catch::Contains("| `output.snapshot_weeks` | `[]` | week | list of integers in [0, 5200] |"));
    std::istringstream in(md);
    std::string line;
    int rows = 0;
    while (std::getline(in, line)) {
        if (line.rfind("| `", 0) != 0) continue;
        ++rows;
        int pipes = 0;  // unescaped pipes: 8 for seven cells, whatever the text holds
        for (std::size_t i = 0; i < line.size(); ++i)
            if (line[i] == '|' && (i == 0 || line[i - 1] != '\\')) ++pipes;
        CHECK(pipes == 8);
        // The last cell says how uncertain the parameter is: a range with its reason, or why not.
        const std::size_t last = line.rfind("| ", line.size() - 3);
        REQUIRE(last != std::string::npos);
        const std::string cell = line.substr(last + 2);
        CHECK((cell.rfind("[", 0) == 0 || cell.rfind("not uncertain: ", 0) == 0));
    }
    CHECK(rows == static_cast<int>(param_table().size()));
}

TEST_CASE("parameters_markdown shows each plausible range with its reason", "[scenario][plausible]") {
    const std::string md = parameters_markdown();
    // An integer range prints whole numbers, a real one the shortest digits.
    CHECK_THAT(md, Catch::Contains(" | [2, 5]: assumption: the keukentafelgesprek asks about two to five people |"));
    CHECK_THAT(md, Catch::Contains(" | [1.5, 4]: assumption: from a short weekly visit to two visits a week, with their work |"));
    CHECK_THAT(md, Catch::Contains("| `run.seed` | `1` |"));
    CHECK_THAT(md, Catch::Contains(" | not uncertain: selects the random numbers"));
    CHECK_THAT(md, Catch::Contains(" parameters have a plausible range, "));
}

TEST_CASE("docs/PARAMETERS.md is in sync with the parameter table", "[scenario]") {
    const fs::path path = fs::path(BUURTSIM_SOURCE_DIR) / "docs" / "PARAMETERS.md";
    std::ifstream in(path, std::ios::binary);
    INFO("docs/PARAMETERS.md is missing or out of date; regenerate it with "
         "`build/bin/buurtsim params --markdown > docs/PARAMETERS.md`");
    REQUIRE(in.good());
    std::ostringstream text;
    text << in.rdbuf();
    const bool in_sync = text.str() == parameters_markdown();
    REQUIRE(in_sync);
}
