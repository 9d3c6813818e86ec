// Validation of any Params (from a file, --set or code): the table's ranges
// again, and the rules that involve more than one key.
#include "scenario_internal.hpp"

#include "buurtsim/component.hpp"
#include "buurtsim/error.hpp"

#include <algorithm>
#include <cmath>

namespace buurtsim::scenario_detail {

void validate_impl(const Params& params, const std::function<std::string(std::string_view)>& origin) {
    Params p = params;  // accessors take Params&; read a copy
    auto at = [&](std::string_view key) {
        const std::string o = origin(key);
        return o.empty() ? std::string() : " (" + o + ")";
    };
    for (const auto& row : param_table()) {
        const std::string name(row.name);
        if (row.type() == ParamType::integer) {
            const auto v = std::get<0>(row.ref)(p);
            if (!in_range(row, static_cast<double>(v)))
                throw ParamError(name + " must be " + range_rule(row) + ", got " + std::to_string(v) + at(name));
        } else if (row.type() == ParamType::real) {
            const double v = std::get<1>(row.ref)(p);
            if (!std::isfinite(v))
                throw ParamError(name + " must be a finite number, got " + toml_float(v) + at(name));
            if (!in_range(row, v))
                throw ParamError(name + " must be " + range_rule(row) + ", got " + shortest(v) + at(name));
        } else if (row.type() == ParamType::integer_list) {
            const auto& v = std::get<5>(row.ref)(p);
            for (std::size_t k = 0; k < v.size(); ++k) {
                if (!in_range(row, static_cast<double>(v[k])))
                    throw ParamError(name + ": element " + std::to_string(k + 1) + " must be " + range_rule(row)
                                     + ", got " + std::to_string(v[k]) + at(name));
                // The parser sorts and de-duplicates; Params built in code must
                // do the same, so a list is always a strictly increasing set.
                if (k > 0 && v[k] <= v[k - 1])
                    throw ParamError(name + " must be strictly increasing, got " + std::to_string(v[k - 1])
                                     + " (element " + std::to_string(k) + ") then " + std::to_string(v[k])
                                     + " (element " + std::to_string(k + 1) + ")" + at(name)
                                     + "; scenario files and --set sort and de-duplicate it automatically");
            }
        }
    }

    // Text goes into result files and C APIs, where a NUL byte ends it: names
    // that differ only after one would be the same name in the file.
    for (const auto& row : param_table()) {
        const std::string name(row.name);
        auto check = [&](const std::string& v, const std::string& element) {
            if (v.find('\0') != std::string::npos)
                throw ParamError(name + element + " must not contain a NUL byte, got " + toml_string(v) + at(name));
        };
        if (row.type() == ParamType::text) check(std::get<3>(row.ref)(p), "");
        if (row.type() == ParamType::text_list) {
            const auto& v = std::get<4>(row.ref)(p);
            for (std::size_t k = 0; k < v.size(); ++k) check(v[k], ": element " + std::to_string(k + 1));
        }
    }
    if (p.name.empty()) throw ParamError("name must not be empty; it labels the scenario in results" + at("name"));
    if (std::any_of(p.name.begin(), p.name.end(), [](char c) { return (unsigned char)c < 0x20 || c == 0x7f; }))
        throw ParamError("name must not contain control characters (tabs, line breaks, ...); it labels the scenario"
                         " in results and tables, got " + toml_string(p.name) + at("name"));
    // A weekly leaving probability of 1 / mean needs mean >= 1 (or 0: nobody leaves).
    if (const double m = p.buurtteam.leave_list_weeks_mean; m > 0 && m < 1)
        throw ParamError("buurtteam.leave_list_weeks_mean must be 0 (nobody leaves) or at least 1 week (a weekly "
                         "probability of 1 / value), got " + shortest(m) + at("buurtteam.leave_list_weeks_mean"));
    if (p.buurtteam.funding != "fixed" && p.buurtteam.funding != "follows_demand")
        throw ParamError("buurtteam.funding must be \"fixed\" or \"follows_demand\", got \"" + p.buurtteam.funding + "\"" +
                         at("buurtteam.funding"));

    // Area codes: the population checks they exist; here only their form, so a
    // wijk code in the buurt list (or a typo) is caught with the key named.
    auto check_codes = [&](std::string_view key, const std::vector<std::string>& codes, std::string_view prefix,
                           std::size_t digits, std::string_view what, std::string_view example) {
        for (std::size_t k = 0; k < codes.size(); ++k) {
            const std::string& c = codes[k];
            const bool ok = c.size() == prefix.size() + digits && c.compare(0, prefix.size(), prefix) == 0
                            && std::all_of(c.begin() + static_cast<std::ptrdiff_t>(prefix.size()), c.end(),
                                           [](char ch) { return ch >= '0' && ch <= '9'; });
            if (!ok)
                throw ParamError(std::string(key) + ": element " + std::to_string(k + 1) + ", " + toml_string(c)
                                 + ", is not a " + std::string(what) + " code (" + std::string(prefix) + " and "
                                 + std::to_string(digits) + " digits, e.g. " + std::string(example) + ")"
                                 + at(key));
        }
    };
    check_codes("population.buurten", p.population.buurten, "BU", 8, "buurt", "BU03440111");
    check_codes("population.wijken", p.population.wijken, "WK", 6, "wijk", "WK034401");

    // A question is referred after refer_after_weeks and dropped after
    // give_up_after_weeks; unless referral comes first, no question the own
    // network cannot meet ever reaches the buurtteam.
    // Snapshot weeks are 0-based weeks of the run: week run.weeks never happens.
    for (const std::int64_t w : p.output.snapshot_weeks) {
        if (w >= p.run.weeks)
            throw ParamError("output.snapshot_weeks must all be less than run.weeks (weeks are numbered from 0), got "
                             + std::to_string(w) + at("output.snapshot_weeks") + " and run.weeks "
                             + std::to_string(p.run.weeks) + at("run.weeks"));
    }

    // The components' own checks (intervention windows and the like).
    for (const Component* c : components()) c->validate(p, at);

    const auto& bt = p.buurtteam;
    if (bt.refer_after_weeks >= bt.give_up_after_weeks)
        throw ParamError("buurtteam.refer_after_weeks must be less than buurtteam.give_up_after_weeks, got "
                         + std::to_string(bt.refer_after_weeks) + at("buurtteam.refer_after_weeks") + " and "
                         + std::to_string(bt.give_up_after_weeks) + at("buurtteam.give_up_after_weeks")
                         + "; otherwise questions are dropped before anyone turns to the buurtteam"
                           " (to switch referral off, set buurtteam.knows_where_to_go = 0)");
}

}  // namespace buurtsim::scenario_detail

namespace buurtsim {

void validate(const Params& p) {
    scenario_detail::validate_impl(p, [](std::string_view) { return std::string(); });
}

}  // namespace buurtsim
