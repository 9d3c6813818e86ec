// The loader (model/src/scenario.cpp) and TOML values (scenario_value.cpp):
// files, extends, --set overrides, types and ranges.
#include "scenario_fixture.hpp"

#include <sys/stat.h>

#include <cstdint>

using namespace buurtsim;
using namespace buurtsim::test;

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

TEST_CASE("TOML syntax errors give file:line:column and the parser's description", "[scenario]") {
    const std::string msg = parse_error("[run]\nseed = 1\nweeks = = 3\n");
    CHECK_THAT(msg, Catch::StartsWith("scenario.toml:3:"));
    CHECK_THAT(msg, Catch::Contains("TOML syntax error"));
    CHECK_THAT(parse_error("[run\n"), Catch::StartsWith("scenario.toml:1:"));
    CHECK_THAT(parse_error("[run]\nseed = 1\nseed = 2\n"), Catch::StartsWith("scenario.toml:3:"));
}

TEST_CASE("load_scenario reads a file, a file without a name is named after its stem", "[scenario]") {
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

TEST_CASE("extends: base first, then overrides, chains, name and description not inherited", "[scenario]") {
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


// ------------------------------------------------------------------ hostile files and overrides

TEST_CASE("scenario files must be regular files of bounded size", "[scenario][hostile]") {
    const fs::path dir = scratch("hostile-files");
    SECTION("a FIFO is refused at once instead of blocking") {
        const fs::path fifo = dir / "fifo.toml";
        REQUIRE(::mkfifo(fifo.c_str(), 0600) == 0);
        CHECK(error_of([&] { load_scenario(fifo); })
              == "scenario file " + ("\"" + fifo.generic_string() + "\"")
                     + " is a FIFO (named pipe), not a regular file (only regular files are read as input)");
    }
    SECTION("a device, directly or through extends") {
        CHECK_THAT(error_of([&] { load_scenario("/dev/zero"); }),
                   Catch::StartsWith("scenario file \"/dev/zero\" is a character device, not a regular file"));
        write(dir / "zero.toml", "extends = \"/dev/zero\"\n");
        CHECK_THAT(error_of([&] { load_scenario(dir / "zero.toml"); }),
                   Catch::Contains("zero.toml:1: scenario file \"/dev/zero\" is a character device"));
    }
    SECTION("a directory") {
        CHECK_THAT(error_of([&] { load_scenario(dir); }), Catch::Contains("is a directory, not a regular file"));
    }
    SECTION("larger than max_scenario_file_bytes") {
        std::string text = "name = \"big\"\n";
        text.resize(std::size_t(max_scenario_file_bytes), '\n');
        write(dir / "edge.toml", text);
        CHECK(load_scenario(dir / "edge.toml").params.name == "big");
        write(dir / "big.toml", text + "\n");
        CHECK(error_of([&] { load_scenario(dir / "big.toml"); })
              == "scenario file \"" + (dir / "big.toml").generic_string()
                     + "\" is larger than 1 MiB (1048576 bytes), the limit for scenario files");
    }
}

TEST_CASE("an extends chain deeper than max_extends_depth is an error, not a stack overflow", "[scenario][hostile]") {
    const fs::path dir = scratch("deep-extends");
    auto chain = [&](std::size_t n) {  // f0 extends f1 ... extends f(n-1)
        for (std::size_t k = 0; k < n; ++k)
            write(dir / ("f" + std::to_string(k) + ".toml"),
                  k + 1 < n ? "extends = \"f" + std::to_string(k + 1) + ".toml\"\n" : "run.seed = 9\n");
        return dir / "f0.toml";
    };
    CHECK(load_scenario(chain(max_extends_depth)).params.run.seed == 9);
    const std::string e = error_of([&] { load_scenario(chain(3000)); });
    CHECK_THAT(e, Catch::StartsWith((dir / "f63.toml").generic_string() + ":1: extends chain is deeper than 64 files: "
                                    + (dir / "f0.toml").generic_string() + " -> "));
    CHECK_THAT(e, Catch::Contains(" -> ... -> ") && Catch::EndsWith("f63.toml -> f64.toml"));
}

TEST_CASE("NUL bytes in overrides and extends are errors", "[scenario][hostile]") {
    using namespace std::string_literals;
    CHECK(parse_error("", {"name=a\0b"s}) == "--set \"name=a\\u0000b\": contains a NUL byte; keys and values cannot contain NUL");
    CHECK(parse_error("", {"na\0me=x"s}) == "--set \"na\\u0000me=x\": contains a NUL byte; keys and values cannot contain NUL");
    CHECK(parse_error("extends = \"a\\u0000b.toml\"\n")
          == "scenario.toml:1: extends \"a\\u0000b.toml\": a file name cannot contain a NUL byte");
    CHECK_THAT(error_of([] { load_scenario("a\0b.toml"s); }), Catch::Contains("contains a NUL byte"));
}

// Found by the fuzzer (tests/fuzz/corpus/crash-float-to-int-hint.toml): the
// "write whole numbers" hint converted any integral float to long long, which
// is undefined behaviour past 2^63 (UBSan: "2e+32 is outside the range of
// representable values"). Such a value gets the plain type error instead.
TEST_CASE("an integral float too large for an integer is a type error without a hint", "[scenario]") {
    CHECK(parse_error("[run]\nseed = 20e31\n")
          == "scenario.toml:2: key run.seed: value 2e+32 has type float, expected an integer");
    CHECK(parse_error("[run]\nseed = -9.3e18\n")
          == "scenario.toml:2: key run.seed: value -9.3e+18 has type float, expected an integer");
    CHECK(parse_error("[output]\nsnapshot_weeks = [1e300]\n")
          == "scenario.toml:2: key output.snapshot_weeks: value [1e+300] has type array, expected an array"
             " of integers (element 1 is 1e+300, of type float)");
    // The largest whole floats that fit still get the hint.
    CHECK(parse_error("[run]\nseed = -9223372036854775808.0\n")
          == "scenario.toml:2: key run.seed: value -9223372036854775808.0 has type float, expected an integer"
             " (write whole numbers without a decimal point, e.g. -9223372036854775808)");
}
