// libFuzzer target for the scenario parser: parse_scenario() on TOML text and
// the `--set key=value` override path (README "Testing").
//
// Input: the bytes are a scenario file; every line that starts with "#set "
// (a TOML comment, so a seed stays a valid scenario) is also applied as one
// override, in order, with the rest of the line as the "key=value" string.
// `extends` is resolved against the shipped scenarios (BUURTSIM_FUZZ_BASE_DIR,
// default experiments/scenarios of the source tree), so the fuzzer reaches
// load_file() with real bases.
//
// Oracle, besides the sanitizers: the parser may only throw buurtsim::Error
// (user input). Anything else escaping (InternalError, std::bad_alloc,
// std::out_of_range, ...) terminates and is reported as a crash. A scenario
// that parses must round-trip: parse_scenario(resolved_toml) gives the same
// resolved_toml (the promise of to_toml in scenario.hpp).
#include "buurtsim/error.hpp"
#include "buurtsim/scenario.hpp"

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

namespace {

const std::filesystem::path& base_dir() {
    static const std::filesystem::path dir = [] {
        const char* env = std::getenv("BUURTSIM_FUZZ_BASE_DIR");
        return std::filesystem::path(env && *env ? env : BUURTSIM_SOURCE_DIR "/experiments/scenarios");
    }();
    return dir;
}

std::vector<std::string> overrides_in(std::string_view text) {
    constexpr std::string_view tag = "#set ";
    std::vector<std::string> out;
    std::size_t pos = 0;
    while (pos < text.size()) {
        std::size_t end = text.find('\n', pos);
        if (end == std::string_view::npos) end = text.size();
        const std::string_view line = text.substr(pos, end - pos);
        if (line.substr(0, tag.size()) == tag) out.emplace_back(line.substr(tag.size()));
        pos = end + 1;
    }
    return out;
}

[[noreturn]] void fail(const char* what, const std::string& a, const std::string& b) {
    std::fprintf(stderr, "fuzz_scenario: %s\n--- first\n%s\n--- second\n%s\n", what, a.c_str(), b.c_str());
    std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    const std::vector<std::string> overrides = overrides_in(text);
    buurtsim::Scenario s;
    try {
        s = buurtsim::parse_scenario(text, "fuzz.toml", overrides, base_dir());
    } catch (const buurtsim::Error&) {
        return 0;  // rejected with a message: the expected outcome for most inputs
    }
    buurtsim::Scenario again;
    try {
        again = buurtsim::parse_scenario(s.resolved_toml, "resolved.toml", {}, base_dir());
    } catch (const buurtsim::Error& e) {
        fail("resolved_toml of an accepted scenario does not parse", s.resolved_toml, e.what());
    }
    if (again.resolved_toml != s.resolved_toml) fail("to_toml does not round-trip", s.resolved_toml, again.resolved_toml);
    return 0;
}
