// Whether scenarios can share one result file (common random numbers), for
// `buurtsim run` and buurtsim.run in Python alike, with one set of messages.
#include "buurtsim/error.hpp"
#include "buurtsim/scenario.hpp"

#include <algorithm>
#include <charconv>
#include <variant>

namespace buurtsim {

const std::vector<std::string> paired_keys = {"run.seed",         "run.weeks",          "run.burn_in_weeks",
                                              "run.replicates",   "population.year",    "population.scale",
                                              "population.buurten", "population.wijken"};

namespace {

/// A parameter value as it would be written in TOML, for messages.
std::string toml_text(const ParamSpec& spec, Params p) {
    return std::visit(
        [&](auto ref) -> std::string {
            const auto& v = ref(p);
            using T = std::decay_t<decltype(v)>;
            if constexpr (std::is_same_v<T, std::int64_t>) {
                return std::to_string(v);
            } else if constexpr (std::is_same_v<T, double>) {
                char buf[64];
                const auto r = std::to_chars(buf, buf + sizeof buf, v);
                return std::string(buf, r.ptr);
            } else if constexpr (std::is_same_v<T, bool>) {
                return v ? "true" : "false";
            } else if constexpr (std::is_same_v<T, std::string>) {
                return "\"" + v + "\"";
            } else {
                std::string out = "[";
                for (std::size_t k = 0; k < v.size(); ++k) {
                    out += k ? ", " : "";
                    if constexpr (std::is_same_v<T, std::vector<std::string>>)
                        out += "\"" + v[k] + "\"";
                    else
                        out += std::to_string(v[k]);
                }
                return out + "]";
            }
        },
        spec.ref);
}

}  // namespace

void check_paired(const std::vector<std::string>& labels, const std::vector<Scenario>& scenarios) {
    BUURTSIM_ASSERT(labels.size() == scenarios.size());
    for (std::size_t s = 1; s < scenarios.size(); ++s)
        for (std::size_t t = 0; t < s; ++t)
            if (scenarios[s].params.name == scenarios[t].params.name)
                throw UsageError("scenario name \"" + scenarios[s].params.name + "\" is used by both " + labels[t] + " and "
                            + labels[s] + "; the scenarios of one result file need unique names (set name = \"...\""
                            " in one of them)");
    for (const std::string& key : paired_keys) {
        const auto& table = param_table();
        const auto spec = std::find_if(table.begin(), table.end(), [&](const ParamSpec& p) { return p.name == key; });
        BUURTSIM_ASSERT(spec != table.end());
        const std::string first = toml_text(*spec, scenarios.front().params);
        for (std::size_t s = 1; s < scenarios.size(); ++s) {
            const std::string other = toml_text(*spec, scenarios[s].params);
            if (other != first)
                throw UsageError("paired comparison needs the same " + key + " in every scenario: "
                            + labels.front() + " has " + key + " = " + first + ", " + labels[s] + " has " + key + " = "
                            + other + " (make them equal; --seed, --replicates and --set apply to all scenarios)");
        }
    }
}

}  // namespace buurtsim
