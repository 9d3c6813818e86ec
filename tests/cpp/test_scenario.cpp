// Scenario files, overrides, to_toml() and docs/PARAMETERS.md.
#include "buurtsim/error.hpp"
#include "buurtsim/scenario.hpp"

#include <catch2/catch.hpp>

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

using namespace buurtsim;
namespace fs = std::filesystem;

namespace {

// The message of the ParamError that `f` throws; fails the test if it does not.
template <class F>
std::string error_of(F&& f) {
    try {
        f();
    } catch (const ParamError& e) {
        return e.what();
    }
    FAIL("expected a ParamError");
    return {};
}

Params parse(const std::string& text, const std::vector<std::string>& overrides = {}) {
    return parse_scenario(text, "scenario.toml", overrides).params;
}

std::string parse_error(const std::string& text, const std::vector<std::string>& overrides = {}) {
    return error_of([&] { parse(text, overrides); });
}

// A fresh scratch directory per test case.
fs::path scratch(const std::string& name) {
    const fs::path dir = fs::path(BUURTSIM_TEST_TMP) / "test_scenario" / name;
    fs::remove_all(dir);
    fs::create_directories(dir);
    return dir;
}

void write(const fs::path& path, const std::string& text) {
    std::ofstream out(path, std::ios::binary);
    out << text;
    REQUIRE(out.good());
}

}  // namespace

// ------------------------------------------------------------------ reading

TEST_CASE("empty text gives the defaults", "[scenario]") {
    const Scenario s = parse_scenario("", "empty.toml");
    CHECK(to_toml(s.params) == to_toml(default_params()));
    CHECK(s.resolved_toml == to_toml(default_params()));
    CHECK(s.files.empty());
    CHECK(s.params.name == "unnamed");
}

TEST_CASE("tables, dotted keys and inline tables all set parameters", "[scenario]") {
    const Params p = parse(R"(
name = "test"
description = "a test"
network.friend_ties = 4.5
buurtteam = { refer_after_weeks = 3, give_up_after_weeks = 20 }

[run]
seed = 42
weeks = 52

[population]
scale = 0.25
buurten = ["BU03440111", "BU03440112"]
benefit_vulnerability_odds = 2   # an integer is fine for a real parameter
)");
    CHECK(p.name == "test");
    CHECK(p.description == "a test");
    CHECK(p.run.seed == 42);
    CHECK(p.run.weeks == 52);
    CHECK(p.population.scale == 0.25);
    CHECK(p.population.buurten == std::vector<std::string>{"BU03440111", "BU03440112"});
    CHECK(p.population.benefit_vulnerability_odds == 2.0);
    CHECK(p.network.friend_ties == 4.5);
    CHECK(p.buurtteam.refer_after_weeks == 3);
    CHECK(p.buurtteam.give_up_after_weeks == 20);
    CHECK(p.run.replicates == default_params().run.replicates);  // untouched keys keep defaults
}

TEST_CASE("unknown keys are errors with a did-you-mean", "[scenario]") {
    SECTION("typo in a table") {
        CHECK(parse_error("[run]\nseed = 3\n\n[population]\nscael = 0.5\n")
              == "scenario.toml:5: unknown key \"population.scael\" (did you mean \"population.scale\"?)");
    }
    SECTION("dotted key") {
        CHECK(parse_error("population.scael = 0.5\n")
              == "scenario.toml:1: unknown key \"population.scael\" (did you mean \"population.scale\"?)");
    }
    SECTION("right name in the wrong table: the last segment is matched") {
        CHECK(parse_error("[network]\nscale = 0.5\n")
              == "scenario.toml:2: unknown key \"network.scale\" (did you mean \"population.scale\"?)");
    }
    SECTION("key outside its table") {
        CHECK(parse_error("weeks = 10\n")
              == "scenario.toml:1: unknown key \"weeks\" (did you mean \"run.weeks\"?)");
    }
    SECTION("extends misspelt") {
        CHECK(parse_error("extend = \"base.toml\"\n")
              == "scenario.toml:1: unknown key \"extend\" (did you mean \"extends\"?)");
    }
    SECTION("nothing close: no suggestion") {
        CHECK(parse_error("\n\nbananas = 3\n") == "scenario.toml:3: unknown key \"bananas\" (see docs/PARAMETERS.md)");
    }
    SECTION("unknown table") {
        CHECK(parse_error("[run]\nseed = 1\n[populaton]\nscale = 0.5\n")
              == "scenario.toml:3: unknown table [populaton] (did you mean [population]?)");
    }
    SECTION("a table name used as a value") {
        CHECK_THAT(parse_error("population = 0.5\n"),
                   Catch::StartsWith("scenario.toml:1: \"population\" is a table of parameters, not a value"));
    }
    SECTION("the first problem in the file is reported") {
        CHECK_THAT(parse_error("[run]\nzzz = 1\naaa = 2\n"), Catch::StartsWith("scenario.toml:2: unknown key \"run.zzz\""));
    }
}

TEST_CASE("wrong value types are errors naming file, line, key, value and rule", "[scenario]") {
    CHECK(parse_error("[population]\nscale = \"abc\"\n")
          == "scenario.toml:2: key population.scale: value \"abc\" has type string, expected a number");
    CHECK(parse_error("[run]\n\nweeks = 2.5\n")
          == "scenario.toml:3: key run.weeks: value 2.5 has type float, expected an integer");
    // Integer parameters never take floats, not even integral ones.
    CHECK(parse_error("run.weeks = 52.0\n")
          == "scenario.toml:1: key run.weeks: value 52.0 has type float, expected an integer"
             " (write whole numbers without a decimal point, e.g. 52)");
    CHECK(parse_error("name = 3\n") == "scenario.toml:1: key name: value 3 has type integer, expected a string");
    CHECK(parse_error("[population]\nbuurten = \"BU03440111\"\n")
          == "scenario.toml:2: key population.buurten: value \"BU03440111\" has type string, expected an array of strings");
    CHECK(parse_error("[population]\nbuurten = [\"BU03440111\", 7]\n")
          == "scenario.toml:2: key population.buurten: value [\"BU03440111\", 7] has type array, expected an array"
             " of strings (element 2 is 7, of type integer)");
    CHECK(parse_error("[help]\nwillingness_weak = true\n")
          == "scenario.toml:2: key help.willingness_weak: value true has type boolean, expected a number");
}

TEST_CASE("out-of-range values are errors with file:line and the rule", "[scenario]") {
    CHECK(parse_error("[population]\n\nscale = 1.5\n") == "scenario.toml:3: population.scale must be in (0, 1], got 1.5");
    CHECK(parse_error("[population]\nscale = 0\n") == "scenario.toml:2: population.scale must be in (0, 1], got 0");
    CHECK(parse_error("[run]\nweeks = 0\n") == "scenario.toml:2: run.weeks must be in [1, 5200], got 0");
    CHECK(parse_error("[run]\nseed = -1\n") == "scenario.toml:2: run.seed must be in [0, 4294967295], got -1");
    CHECK(parse_error("[population]\nyear = 2022\n") == "scenario.toml:2: population.year must be in [2023, 2024], got 2022");
    CHECK(parse_error("[help]\nhours_retired = nan\n")
          == "scenario.toml:2: help.hours_retired must be a finite number, got nan");
    CHECK(parse_error("[help]\nhours_retired = inf\n")
          == "scenario.toml:2: help.hours_retired must be a finite number, got inf");
    // The bounds themselves are allowed.
    CHECK(parse("[population]\nscale = 1\n").population.scale == 1.0);
    CHECK(parse("[run]\nweeks = 5200\n").run.weeks == 5200);
}

TEST_CASE("integer lists: arrays of integers, per-element type and range errors", "[scenario]") {
    CHECK(parse("[output]\nsnapshot_weeks = [0, 52, 104]\n").output.snapshot_weeks
          == std::vector<std::int64_t>{0, 52, 104});
    CHECK(parse("[output]\nsnapshot_weeks = []\n").output.snapshot_weeks.empty());
    CHECK(parse("[output]\nsnapshot_weeks = [\n  5,\n  7,\n]\n").output.snapshot_weeks
          == std::vector<std::int64_t>{5, 7});
    // Type errors: the whole value, then which element is wrong.
    CHECK(parse_error("[output]\nsnapshot_weeks = 52\n")
          == "scenario.toml:2: key output.snapshot_weeks: value 52 has type integer, expected an array of integers");
    CHECK(parse_error("[output]\n\nsnapshot_weeks = [52, 2.5]\n")
          == "scenario.toml:3: key output.snapshot_weeks: value [52, 2.5] has type array, expected an array"
             " of integers (element 2 is 2.5, of type float)");
    CHECK(parse_error("[output]\nsnapshot_weeks = [52.0]\n")
          == "scenario.toml:2: key output.snapshot_weeks: value [52.0] has type array, expected an array"
             " of integers (element 1 is 52.0, of type float; write whole numbers without a decimal point, e.g. 52)");
    CHECK(parse_error("[output]\nsnapshot_weeks = [1, \"2\"]\n")
          == "scenario.toml:2: key output.snapshot_weeks: value [1, \"2\"] has type array, expected an array"
             " of integers (element 2 is \"2\", of type string)");
    // Range errors: element index, rule and value.
    CHECK(parse_error("[output]\nsnapshot_weeks = [1, 2, 6000]\n")
          == "scenario.toml:2: output.snapshot_weeks: element 3 must be in [0, 5200], got 6000");
    CHECK(parse_error("[output]\nsnapshot_weeks = [-1]\n")
          == "scenario.toml:2: output.snapshot_weeks: element 1 must be in [0, 5200], got -1");
}

TEST_CASE("integer lists are sorted and de-duplicated silently", "[scenario]") {
    // Snapshot weeks are a set of weeks: order and repeats carry no meaning,
    // so the parser normalises rather than rejecting "[104, 52, 52]".
    CHECK(parse("[output]\nsnapshot_weeks = [104, 52, 0, 52, 104]\n").output.snapshot_weeks
          == std::vector<std::int64_t>{0, 52, 104});
    CHECK(parse("", {"output.snapshot_weeks=[5,3,3]"}).output.snapshot_weeks == std::vector<std::int64_t>{3, 5});
    // The resolved scenario shows the normalised list.
    CHECK_THAT(parse_scenario("output.snapshot_weeks = [9, 1]\n", "s.toml").resolved_toml,
               Catch::Contains("\nsnapshot_weeks = [1, 9]\n"));
}

TEST_CASE("snapshot weeks must lie within the run; the message names both keys and where they were set",
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

TEST_CASE("TOML syntax errors give file:line:column and the parser's description", "[scenario]") {
    const std::string msg = parse_error("[run]\nseed = 1\nweeks = = 3\n");
    CHECK_THAT(msg, Catch::StartsWith("scenario.toml:3:"));
    CHECK_THAT(msg, Catch::Contains("TOML syntax error"));
    CHECK_THAT(parse_error("[run\n"), Catch::StartsWith("scenario.toml:1:"));
    CHECK_THAT(parse_error("[run]\nseed = 1\nseed = 2\n"), Catch::StartsWith("scenario.toml:3:"));
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

// ------------------------------------------------------------------ files and extends

TEST_CASE("load_scenario reads a file; a file without a name is named after its stem", "[scenario]") {
    const fs::path dir = scratch("load");
    write(dir / "plain.toml", "[run]\nweeks = 10\n");
    write(dir / "named.toml", "name = \"my run\"\n");
    const Scenario plain = load_scenario(dir / "plain.toml");
    CHECK(plain.params.run.weeks == 10);
    CHECK(plain.params.name == "plain");
    REQUIRE(plain.files.size() == 1);
    CHECK(plain.files[0] == dir / "plain.toml");
    CHECK(load_scenario(dir / "named.toml").params.name == "my run");

    CHECK_THAT(error_of([&] { load_scenario(dir / "nope.toml"); }),
               Catch::Contains("nope.toml") && Catch::Contains("does not exist"));
    write(dir / "bad.toml", "[run]\nweeks = 10\nweeks2 = 3\n");
    CHECK_THAT(error_of([&] { load_scenario(dir / "bad.toml"); }),
               Catch::EndsWith("bad.toml:3: unknown key \"run.weeks2\" (did you mean \"run.weeks\"?)"));
}

TEST_CASE("extends: base first, then overrides; chains; name and description not inherited", "[scenario]") {
    const fs::path dir = scratch("extends");
    fs::create_directories(dir / "variants");
    write(dir / "baseline.toml",
          "name = \"baseline\"\ndescription = \"the base\"\n[run]\nweeks = 100\nseed = 7\n"
          "[population]\nscale = 0.5\n");
    write(dir / "variants" / "mid.toml",
          "extends = \"../baseline.toml\"\nname = \"mid\"\n[run]\nweeks = 200\n[network]\nweak_ties = 1.0\n");
    write(dir / "variants" / "top.toml", "extends = \"mid.toml\"\n[run]\nweeks = 300\n");

    const Scenario mid = load_scenario(dir / "variants" / "mid.toml");
    CHECK(mid.params.run.weeks == 200);         // own key wins
    CHECK(mid.params.run.seed == 7);            // from the base
    CHECK(mid.params.population.scale == 0.5);  // from the base
    CHECK(mid.params.name == "mid");
    CHECK(mid.params.description.empty());      // not inherited

    const Scenario top = load_scenario(dir / "variants" / "top.toml", {"run.seed=9"});
    CHECK(top.params.run.weeks == 300);
    CHECK(top.params.run.seed == 9);               // override beats every file
    CHECK(top.params.network.weak_ties == 1.0);    // from the middle
    CHECK(top.params.population.scale == 0.5);     // from the base
    CHECK(top.params.name == "top");               // its stem, not "mid"
    REQUIRE(top.files.size() == 3);
    CHECK(top.files[0] == dir / "baseline.toml");  // base first
    CHECK(top.files[1] == dir / "variants" / "mid.toml");
    CHECK(top.files[2] == dir / "variants" / "top.toml");

    // From text, extends is relative to base_dir; with no name the default stays.
    const Scenario text = parse_scenario("extends = \"variants/mid.toml\"\n[population]\nscale = 0.1\n",
                                         "inline", {}, dir);
    CHECK(text.params.run.weeks == 200);
    CHECK(text.params.population.scale == 0.1);
    CHECK(text.params.name == "unnamed");
    REQUIRE(text.files.size() == 2);
    CHECK(text.files[0] == dir / "baseline.toml");
}

TEST_CASE("extends cycles are errors naming the chain", "[scenario]") {
    const fs::path dir = scratch("cycle");
    write(dir / "a.toml", "extends = \"b.toml\"\n");
    write(dir / "b.toml", "name = \"b\"\n\nextends = \"c.toml\"\n");
    write(dir / "c.toml", "extends = \"a.toml\"\n");
    write(dir / "self.toml", "extends = \"self.toml\"\n");
    const std::string a = (dir / "a.toml").generic_string();
    const std::string b = (dir / "b.toml").generic_string();
    const std::string c = (dir / "c.toml").generic_string();
    CHECK(error_of([&] { load_scenario(dir / "a.toml"); })
          == c + ":1: extends cycle: " + a + " -> " + b + " -> " + c + " -> " + a);
    CHECK_THAT(error_of([&] { load_scenario(dir / "self.toml"); }), Catch::Contains("extends cycle"));
}

TEST_CASE("a missing extends file is an error naming the file and the extends line", "[scenario]") {
    const fs::path dir = scratch("missing");
    write(dir / "child.toml", "name = \"child\"\n\nextends = \"baseline.toml\"\n");
    const std::string child = (dir / "child.toml").generic_string();
    const std::string base = (dir / "baseline.toml").generic_string();
    CHECK(error_of([&] { load_scenario(dir / "child.toml"); })
          == child + ":3: extends \"baseline.toml\", but \"" + base + "\" does not exist");
    CHECK(parse_error("extends = 3\n")
          == "scenario.toml:1: key extends: value 3 has type integer, expected a string (a path relative to this file)");
}

// ------------------------------------------------------------------ overrides

TEST_CASE("overrides key=value", "[scenario]") {
    SECTION("TOML values of each kind") {
        const Params p = parse("[run]\nweeks = 10\n",
                               {"run.weeks=20", "population.scale = 0.5", "name=\"my run\"",
                                "population.wijken=[\"WK034401\"]", "help={ask_rounds=3}",
                                "output.snapshot_weeks=[3, 5]"});
        CHECK(p.run.weeks == 20);
        CHECK(p.population.scale == 0.5);
        CHECK(p.name == "my run");
        CHECK(p.population.wijken == std::vector<std::string>{"WK034401"});
        CHECK(p.help.ask_rounds == 3);
        CHECK(p.output.snapshot_weeks == std::vector<std::int64_t>{3, 5});
    }
    SECTION("a bare word is a string; later overrides win") {
        const Params p = parse("", {"name=first", "description=x", "name=baseline-2024"});
        CHECK(p.name == "baseline-2024");
        CHECK(p.description == "x");
    }
    SECTION("errors name the --set argument") {
        CHECK(parse_error("", {"population.scale=abc"})
              == "--set population.scale=abc: key population.scale: value \"abc\" has type string, expected a number");
        CHECK(parse_error("", {"population.scale=2"}) == "--set population.scale=2: population.scale must be in (0, 1], got 2");
        CHECK(parse_error("", {"population.scael=0.5"})
              == "--set population.scael=0.5: unknown key \"population.scael\" (did you mean \"population.scale\"?)");
        CHECK(parse_error("", {"population.scale"})
              == "--set population.scale: expected key=value, e.g. --set population.scale=0.5");
        CHECK_THAT(parse_error("", {"=3"}), Catch::Contains("missing key"));
        CHECK_THAT(parse_error("", {"name="}), Catch::Contains("missing value"));
        CHECK_THAT(parse_error("", {"name=my run"}), Catch::StartsWith("--set name=my run: value is not valid TOML"));
        CHECK_THAT(parse_error("", {"run.weeks=1\nfoo=2"}), Catch::Contains("single TOML value"));
        CHECK_THAT(parse_error("", {"extends=base.toml"}), Catch::Contains("only be used in a scenario file"));
        CHECK(parse_error("", {"output.snapshot_weeks=[52,x]"}).rfind("--set output.snapshot_weeks=[52,x]: value is not"
                                                                     " valid TOML", 0) == 0);
        CHECK(parse_error("", {"output.snapshot_weeks=[52,-3]"})
              == "--set output.snapshot_weeks=[52,-3]: output.snapshot_weeks: element 2 must be in [0, 5200], got -3");
    }
}

// ------------------------------------------------------------------ writing

TEST_CASE("to_toml round-trips the defaults and modified params", "[scenario]") {
    const Params d = default_params();
    const std::string text = to_toml(d);
    CHECK(to_toml(parse_scenario(text, "resolved").params) == text);

    Params p = d;
    p.name = "quotes \" and \\ backslash\nnewline\ttab \x01 and ünïcode";
    p.description = "";
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
    CHECK_THAT(md, Catch::Contains("| key | default | unit | range | meaning | source |"));
    CHECK_THAT(md, Catch::Contains("| `population.scale` | `1.0` | share | number in (0, 1] |"));
    CHECK_THAT(md, Catch::Contains("| `run.weeks` | `260` | week | integer in [1, 5200] |"));
    CHECK_THAT(md, Catch::Contains("| `output.snapshot_weeks` | `[]` | week | list of integers in [0, 5200] |"));
    std::istringstream in(md);
    std::string line;
    int rows = 0;
    while (std::getline(in, line)) {
        if (line.rfind("| `", 0) != 0) continue;
        ++rows;
        int pipes = 0;  // unescaped pipes: 7 for six cells, whatever the text holds
        for (std::size_t i = 0; i < line.size(); ++i)
            if (line[i] == '|' && (i == 0 || line[i - 1] != '\\')) ++pipes;
        CHECK(pipes == 7);
    }
    CHECK(rows == static_cast<int>(param_table().size()));
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
