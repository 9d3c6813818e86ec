// Unknown keys and tables: the "did you mean" (model/src/scenario_names.cpp).
#include "scenario_fixture.hpp"
#include "scenario_internal.hpp"

#include <algorithm>
#include <chrono>

using namespace buurtsim;
using namespace buurtsim::test;

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

// ------------------------------------------------------------------ hostile keys

TEST_CASE("a 1 MB unknown key is an error at once, cut in the message", "[scenario][hostile]") {
    const std::string key(std::size_t(1) << 20, 'k');
    const auto start = std::chrono::steady_clock::now();
    const std::string in_file = parse_error(key + " = 1\n");
    const std::string in_table = parse_error("[run]\n" + key + " = 1\n");
    const std::string as_table = parse_error("[" + key + "]\nx = 1\n");
    const std::string as_set = parse_error("", {key + "=1"});
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    CHECK(seconds < 5);  // the unbounded distance took minutes
    const std::string cut = std::string(80, 'k') + "... (1048576 characters)";
    CHECK(in_file == "scenario.toml:1: unknown key \"" + cut + "\" (see docs/PARAMETERS.md)");
    CHECK_THAT(in_table, Catch::StartsWith("scenario.toml:2: unknown key \"run." + std::string(76, 'k') + "... (1048580"));
    CHECK(as_table == "scenario.toml:1: unknown table [" + cut + "] (see docs/PARAMETERS.md)");
    CHECK_THAT(as_set, Catch::EndsWith(": unknown key \"" + cut + "\" (see docs/PARAMETERS.md)"));
}

TEST_CASE("control characters in unknown keys are shown escaped", "[scenario][hostile]") {
    CHECK(parse_error("\"sca\\u0000le\" = 1\n") == "scenario.toml:1: unknown key \"sca\\u0000le\" (did you mean \"population.scale\"?)");
}

TEST_CASE("the banded edit distance equals the full one wherever it is within the limit", "[scenario]") {
    using scenario_detail::edit_distance;
    // The full optimal string alignment distance, as a reference.
    auto full = [](std::string_view a, std::string_view b) {
        auto low = [](char c) { return (c >= 'A' && c <= 'Z') ? char(c - 'A' + 'a') : c; };
        std::vector<std::vector<std::size_t>> d(a.size() + 1, std::vector<std::size_t>(b.size() + 1));
        for (std::size_t i = 0; i <= a.size(); ++i) d[i][0] = i;
        for (std::size_t j = 0; j <= b.size(); ++j) d[0][j] = j;
        for (std::size_t i = 1; i <= a.size(); ++i)
            for (std::size_t j = 1; j <= b.size(); ++j) {
                d[i][j] = std::min({d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + (low(a[i - 1]) != low(b[j - 1]))});
                if (i > 1 && j > 1 && low(a[i - 1]) == low(b[j - 2]) && low(a[i - 2]) == low(b[j - 1]))
                    d[i][j] = std::min(d[i][j], d[i - 2][j - 2] + 1);
            }
        return d[a.size()][b.size()];
    };
    CHECK(edit_distance("scael", "scale", 1) == 1);
    CHECK(edit_distance("population.scael", "population.scale", 2) == 1);
    CHECK(edit_distance("", "abc", 3) == 3);
    CHECK(edit_distance("abc", "", 2) == 3);  // over the limit: limit + 1
    std::uint32_t x = 12345;
    auto next = [&] { return x = x * 1103515245u + 12345u, (x >> 16) & 0x7fff; };
    std::size_t checked = 0;
    for (int k = 0; k < 3000; ++k) {
        std::string a, b;
        const std::size_t na = next() % 12, nb = next() % 12;
        for (std::size_t i = 0; i < na; ++i) a += "abAB."[next() % 5];
        for (std::size_t i = 0; i < nb; ++i) b += "abAB."[next() % 5];
        const std::size_t limit = next() % 8, want = full(a, b);
        const std::size_t got = edit_distance(a, b, limit);
        INFO(a << " / " << b << " limit " << limit);
        if (want <= limit) {
            REQUIRE(got == want);
            ++checked;
        } else {
            REQUIRE(got == limit + 1);
        }
    }
    CHECK(checked > 500);
}
