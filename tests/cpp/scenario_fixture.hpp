#pragma once
// Shared set-up for the scenario tests: parse text, catch the ParamError, scratch files.
#include "buurtsim/error.hpp"
#include "buurtsim/scenario.hpp"

#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

namespace buurtsim::test {

namespace fs = std::filesystem;


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

inline Params parse(const std::string& text, const std::vector<std::string>& overrides = {}) {
    return parse_scenario(text, "scenario.toml", overrides).params;
}

inline std::string parse_error(const std::string& text, const std::vector<std::string>& overrides = {}) {
    return error_of([&] { parse(text, overrides); });
}

// A fresh scratch directory per test case.
inline fs::path scratch(const std::string& name) {
    const fs::path dir = fs::path(BUURTSIM_TEST_TMP) / "scenarios" / name;
    fs::remove_all(dir);
    fs::create_directories(dir);
    return dir;
}

inline void write(const fs::path& path, const std::string& text) {
    std::ofstream out(path, std::ios::binary);
    out << text;
    REQUIRE(out.good());
}

}  // namespace buurtsim::test
