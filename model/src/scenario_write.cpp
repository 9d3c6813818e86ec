// Params -> TOML (the resolved scenario in every result file) and the
// parameter table -> Markdown (docs/PARAMETERS.md).
#include "buurtsim/scenario.hpp"

#include "scenario_internal.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace buurtsim {
namespace {

using namespace scenario_detail;

std::string value_toml(const ParamSpec& s, Params& p) {
    switch (s.type()) {
        case ParamType::integer: return std::to_string(std::get<0>(s.ref)(p));
        case ParamType::real: return toml_float(std::get<1>(s.ref)(p));
        case ParamType::boolean: return std::get<2>(s.ref)(p) ? "true" : "false";
        case ParamType::text: return toml_string(std::get<3>(s.ref)(p));
        case ParamType::text_list: {
            std::string out = "[";
            const auto& v = std::get<4>(s.ref)(p);
            for (std::size_t k = 0; k < v.size(); ++k) out += (k ? ", " : "") + toml_string(v[k]);
            return out + "]";
        }
        case ParamType::integer_list: {
            std::string out = "[";
            const auto& v = std::get<5>(s.ref)(p);
            for (std::size_t k = 0; k < v.size(); ++k) out += (k ? ", " : "") + std::to_string(v[k]);
            return out + "]";
        }
    }
    return {};
}

std::string one_line(std::string_view s) {
    std::string out(s);
    std::replace(out.begin(), out.end(), '\n', ' ');
    std::replace(out.begin(), out.end(), '\r', ' ');
    return out;
}

// Sections in table order; "" holds the top-level keys and comes first.
std::vector<std::pair<std::string, std::vector<const ParamSpec*>>> grouped_rows() {
    std::vector<std::pair<std::string, std::vector<const ParamSpec*>>> groups{{"", {}}};
    for (const auto& row : param_table()) {
        const std::string sec(section_of(row.name));
        auto it = std::find_if(groups.begin(), groups.end(), [&](const auto& g) { return g.first == sec; });
        if (it == groups.end()) it = groups.emplace(groups.end(), sec, std::vector<const ParamSpec*>{});
        it->second.push_back(&row);
    }
    return groups;
}

std::string md_cell(std::string_view s) {
    std::string out;
    for (const char c : one_line(s)) {
        if (c == '|') out += "\\|";
        else out += c;
    }
    return out;
}

std::string md_code(std::string_view s) {
    const std::string fence = s.find('`') == std::string_view::npos ? "`" : "`` ";
    const std::string close = fence == "`" ? "`" : " ``";
    return fence + md_cell(s) + close;
}

std::string md_range(const ParamSpec& s) {
    switch (s.type()) {
        case ParamType::integer:
        case ParamType::real: {
            const std::string rule = range_rule(s);
            const std::string kind = s.type() == ParamType::integer ? "integer" : "number";
            return rule.empty() ? kind : kind + " " + rule;
        }
        case ParamType::boolean: return "true or false";
        case ParamType::text: return "string";
        case ParamType::text_list: return "list of strings";
        case ParamType::integer_list: {
            const std::string rule = range_rule(s);
            return rule.empty() ? "list of integers" : "list of integers " + rule;
        }
    }
    return {};
}

std::string md_plausible(const ParamSpec& s) {
    const bool integer = s.type() == ParamType::integer;
    switch (s.plausible.kind) {
        case Plausible::Kind::range:
            return "[" + bound_text(s.plausible.lo, integer) + ", " + bound_text(s.plausible.hi, integer)
                   + "]: " + std::string(s.plausible.why);
        case Plausible::Kind::not_uncertain: return "not uncertain: " + std::string(s.plausible.why);
        case Plausible::Kind::unstated: break;
    }
    return "not stated";
}

// JSON text: RFC 8259 string escapes; numbers in shortest round-trip form (non-finite: null).
std::string json_string(std::string_view s) {
    std::string out = "\"";
    for (const char c : s) {
        switch (c) {
            case '"': out += "\\\""; break;
            case '\\': out += "\\\\"; break;
            case '\n': out += "\\n"; break;
            case '\r': out += "\\r"; break;
            case '\t': out += "\\t"; break;
            default:
                if (static_cast<unsigned char>(c) < 0x20) {
                    char buf[8];
                    std::snprintf(buf, sizeof buf, "\\u%04x", static_cast<unsigned>(static_cast<unsigned char>(c)));
                    out += buf;
                } else {
                    out += c;
                }
        }
    }
    return out + "\"";
}

std::string json_number(double v, bool integer) { return std::isfinite(v) ? bound_text(v, integer) : "null"; }

}  // namespace

std::string to_toml(const Params& params) { return to_toml(params, {}); }

std::string to_toml(const Params& params, const std::vector<Prior>& priors) {
    Params p = params;  // accessors take Params&; read a copy
    std::string out = "# buurtsim scenario: every parameter, defaults included.\n";
    for (const auto& [section, rows] : grouped_rows()) {
        if (rows.empty()) continue;
        if (!section.empty()) out += "\n[" + section + "]\n";
        else out += "\n";
        for (const ParamSpec* row : rows) {
            const std::string_view key = section.empty() ? row->name : last_segment(row->name);
            out += "# " + one_line(row->unit) + "; " + one_line(row->meaning) + "\n";
            const auto prior = std::find_if(priors.begin(), priors.end(), [&](const Prior& q) { return q.name == row->name; });
            out += (is_bare_key(key) ? std::string(key) : toml_string(key)) + " = "
                   + (prior != priors.end() ? prior->toml() : value_toml(*row, p)) + "\n";
        }
    }
    return out;
}

std::string parameters_markdown() {
    const auto groups = grouped_rows();
    std::size_t n_groups = 0;
    for (const auto& g : groups)
        if (!g.second.empty()) ++n_groups;
    const ParamSpec* example = nullptr;
    for (const auto& row : param_table())
        if (!example && row.type() == ParamType::real && !section_of(row.name).empty()) example = &row;

    std::string out = "# Parameters\n\n";
    out += "buurtsim has " + std::to_string(param_table().size()) + " parameters in " + std::to_string(n_groups)
           + " groups, listed below with their defaults, units, allowed ranges, meanings and sources."
             " This file is generated from the parameter table in `model/src/params_table.cpp`;"
             " do not edit it by hand, regenerate it with `build/bin/buurtsim params --markdown > docs/PARAMETERS.md`.";
    if (example) {
        const std::string key(last_segment(example->name)), sec(section_of(example->name));
        out += " A scenario file (TOML) sets a parameter under its group's table, e.g. `" + key + " = "
               + std::string(example->default_toml) + "` under `[" + sec + "]`, and the command line overrides it"
               " with `--set " + std::string(example->name) + "=" + std::string(example->default_toml) + "`.";
    }
    out += " Square brackets in a range include the bound, round brackets exclude it; integer parameters take"
           " whole numbers without a decimal point; unknown keys are errors. A key that is not set keeps its default,"
           " or with `extends = \"other.toml\"` (a path relative to the file) the value from that file; `name` and"
           " `description` are never inherited, and a file that sets no `name` is named after its file stem.\n\n";
    std::size_t ranged = 0, fixed = 0;
    for (const auto& row : param_table()) {
        if (row.plausible.kind == Plausible::Kind::range) ++ranged;
        if (row.plausible.kind == Plausible::Kind::not_uncertain) ++fixed;
    }
    out += "The *plausible* column says where a parameter's true value plausibly lies, `[lo, hi]`, and why those"
           " bounds (a source's interval, or an assumption and its reason). A scenario is not checked against it (a"
           " value outside is allowed, only not thought likely); it is the range uncertainty and sensitivity analysis"
           " vary the parameter over. Where a parameter is calibrated, the range spans its default and the fitted"
           " value in `data/params/utrecht-2023.toml`. Parameters that are not uncertain quantities (run settings,"
           " selections, switches, and the interventions' doses, timing and targets, which are policy choices) say"
           " *not uncertain* and why. " + std::to_string(ranged) + " parameters have a plausible range, "
           + std::to_string(fixed) + " are not uncertain. The same table, machine-readable: `buurtsim params --json`,"
             " and in Python `buurtsim.parameters()` and `buurtsim.plausible_ranges()`.\n";

    for (const auto& [section, rows] : groups) {
        if (rows.empty()) continue;
        out += "\n## " + (section.empty() ? std::string("Top level") : "`[" + section + "]`") + "\n\n";
        out += "| key | default | unit | range | meaning | source | plausible |\n";
        out += "|---|---|---|---|---|---|---|\n";
        for (const ParamSpec* row : rows) {
            out += "| " + md_code(row->name) + " | " + md_code(row->default_toml) + " | " + md_cell(row->unit) + " | "
                   + md_cell(md_range(*row)) + " | " + md_cell(row->meaning) + " | " + md_cell(row->source) + " | "
                   + md_cell(md_plausible(*row)) + " |\n";
        }
    }
    return out;
}

std::string parameters_json() {
    std::string out = "[\n";
    bool first = true;
    for (const auto& row : param_table()) {
        const bool integer = row.type() == ParamType::integer || row.type() == ParamType::integer_list;
        const bool numeric = integer || row.type() == ParamType::real;
        const Plausible& pl = row.plausible;
        const bool ranged = pl.kind == Plausible::Kind::range;
        const char* kind = ranged ? "range" : pl.kind == Plausible::Kind::not_uncertain ? "not uncertain" : "not stated";
        out += first ? "  {" : ",\n  {";
        first = false;
        out += "\"name\": " + json_string(row.name) + ", \"type\": " + json_string(param_type_name(row.type()))
               + ", \"default\": " + json_string(row.default_toml) + ", \"unit\": " + json_string(row.unit)
               + ", \"min\": " + (numeric ? json_number(row.min, integer) : "null")
               + ", \"max\": " + (numeric ? json_number(row.max, integer) : "null")
               + ", \"min_exclusive\": " + (row.min_exclusive ? "true" : "false")
               + ", \"meaning\": " + json_string(row.meaning) + ", \"source\": " + json_string(row.source)
               + ", \"plausible\": " + json_string(kind)
               + ", \"plausible_lo\": " + (ranged ? json_number(pl.lo, integer) : "null")
               + ", \"plausible_hi\": " + (ranged ? json_number(pl.hi, integer) : "null")
               + ", \"plausible_why\": " + json_string(pl.why) + "}";
    }
    return out + "\n]\n";
}

}  // namespace buurtsim
