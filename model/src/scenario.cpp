// Scenario files (TOML) -> Params, and Params -> TOML / Markdown.
// Everything here goes through param_table(): a parameter is read, checked,
// written and documented through its row, never by a hand-written field list.
#include "buurtsim/scenario.hpp"

#include "buurtsim/component.hpp"

#include "buurtsim/error.hpp"
#include "buurtsim/params.hpp"

#include <toml++/toml.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <functional>
#include <limits>
#include <map>
#include <optional>
#include <sstream>
#include <system_error>

namespace buurtsim {
namespace fs = std::filesystem;

namespace {

// ---------------------------------------------------------------- text helpers

// Shortest decimal text that reads back to exactly the same double.
std::string shortest(double v) {
    char buf[64];
    const auto r = std::to_chars(buf, buf + sizeof buf, v);
    BUURTSIM_ASSERT(r.ec == std::errc{});
    return std::string(buf, r.ptr);
}

// A TOML float literal: shortest round-trip digits, and always a '.' or an
// exponent so the value reads back as a float, never as an integer.
std::string toml_float(double v) {
    if (std::isnan(v)) return "nan";
    if (std::isinf(v)) return v > 0 ? "inf" : "-inf";
    std::string s = shortest(v);
    if (s.find_first_of(".eE") == std::string::npos) s += ".0";
    return s;
}

// A TOML basic string: quotes, backslashes and control characters escaped.
std::string toml_string(std::string_view s) {
    std::string out = "\"";
    for (const char ch : s) {
        const auto c = static_cast<unsigned char>(ch);
        switch (c) {
            case '"': out += "\\\""; break;
            case '\\': out += "\\\\"; break;
            case '\b': out += "\\b"; break;
            case '\t': out += "\\t"; break;
            case '\n': out += "\\n"; break;
            case '\f': out += "\\f"; break;
            case '\r': out += "\\r"; break;
            default:
                if (c < 0x20 || c == 0x7f) {
                    char buf[8];
                    std::snprintf(buf, sizeof buf, "\\u%04X", static_cast<unsigned>(c));
                    out += buf;
                } else {
                    out += ch;
                }
        }
    }
    out += '"';
    return out;
}

std::string trim(std::string_view s) {
    const auto b = s.find_first_not_of(" \t\r\n");
    if (b == std::string_view::npos) return {};
    const auto e = s.find_last_not_of(" \t\r\n");
    return std::string(s.substr(b, e - b + 1));
}

std::string_view last_segment(std::string_view name) {
    const auto i = name.rfind('.');
    return i == std::string_view::npos ? name : name.substr(i + 1);
}

std::string_view section_of(std::string_view name) {
    const auto i = name.rfind('.');
    return i == std::string_view::npos ? std::string_view{} : name.substr(0, i);
}

bool is_bare_key(std::string_view k) {
    return !k.empty() && std::all_of(k.begin(), k.end(), [](char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
               || c == '_' || c == '-';
    });
}

// ---------------------------------------------------------------- did you mean

// Optimal string alignment distance (Levenshtein plus adjacent transposition),
// case-insensitive: "scael" is one edit from "scale".
std::size_t edit_distance(std::string_view a, std::string_view b) {
    auto low = [](char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; };
    const std::size_t n = a.size(), m = b.size();
    std::vector<std::vector<std::size_t>> d(n + 1, std::vector<std::size_t>(m + 1));
    for (std::size_t i = 0; i <= n; ++i) d[i][0] = i;
    for (std::size_t j = 0; j <= m; ++j) d[0][j] = j;
    for (std::size_t i = 1; i <= n; ++i) {
        for (std::size_t j = 1; j <= m; ++j) {
            const std::size_t cost = low(a[i - 1]) == low(b[j - 1]) ? 0 : 1;
            d[i][j] = std::min({d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost});
            if (i > 1 && j > 1 && low(a[i - 1]) == low(b[j - 2]) && low(a[i - 2]) == low(b[j - 1]))
                d[i][j] = std::min(d[i][j], d[i - 2][j - 2] + 1);
        }
    }
    return d[n][m];
}

// The closest candidate, if reasonably close. With by_last_segment, a key whose
// last segment matches a parameter's (e.g. "network.scale" or a top-level
// "seed" written outside its table) also counts.
std::optional<std::string> closest(std::string_view wrong, const std::vector<std::string>& candidates,
                                   bool by_last_segment) {
    const std::size_t full_limit = std::max<std::size_t>(2, wrong.size() / 4);
    const std::string_view wrong_last = last_segment(wrong);
    const std::size_t last_limit = std::max<std::size_t>(1, wrong_last.size() / 3);
    std::optional<std::string> best;
    std::size_t best_score = std::numeric_limits<std::size_t>::max();
    std::size_t best_full = best_score;
    for (const auto& c : candidates) {
        const std::size_t d_full = edit_distance(wrong, c);
        std::size_t score = d_full <= full_limit ? d_full : std::numeric_limits<std::size_t>::max();
        if (by_last_segment && wrong_last.size() >= 3) {
            const std::size_t d_last = edit_distance(wrong_last, last_segment(c));
            if (d_last <= last_limit) score = std::min(score, d_last);
        }
        if (score < best_score || (score == best_score && score != std::numeric_limits<std::size_t>::max()
                                   && d_full < best_full)) {
            best = c;
            best_score = score;
            best_full = d_full;
        }
    }
    return best;
}

const std::vector<std::string>& row_names() {
    static const std::vector<std::string> names = [] {
        std::vector<std::string> v;
        for (const auto& row : param_table()) v.emplace_back(row.name);
        return v;
    }();
    return names;
}

// Every table a parameter lives in, including parents of nested ones.
const std::vector<std::string>& section_names() {
    static const std::vector<std::string> names = [] {
        std::vector<std::string> v;
        for (const auto& row : param_table()) {
            std::string_view s = section_of(row.name);
            while (!s.empty()) {
                if (std::find(v.begin(), v.end(), s) == v.end()) v.emplace_back(s);
                s = section_of(s);
            }
        }
        return v;
    }();
    return names;
}

const ParamSpec* find_row(std::string_view name) {
    for (const auto& row : param_table())
        if (row.name == name) return &row;
    return nullptr;
}

bool is_section(std::string_view name) {
    const auto& s = section_names();
    return std::find(s.begin(), s.end(), name) != s.end();
}

// ---------------------------------------------------------------- ranges

std::string bound_text(double b, bool integer) {
    if (integer && std::isfinite(b)) return std::to_string(static_cast<long long>(b));
    return shortest(b);
}

// The rule as text: "in (0, 1]", ">= 0 (no upper bound)", or "" if unbounded.
std::string range_rule(const ParamSpec& s) {
    const bool integer = s.type() == ParamType::integer || s.type() == ParamType::integer_list;
    const bool lo = std::isfinite(s.min), hi = std::isfinite(s.max);
    const std::string a = bound_text(s.min, integer), b = bound_text(s.max, integer);
    if (lo && hi) return std::string("in ") + (s.min_exclusive ? "(" : "[") + a + ", " + b + "]";
    if (lo) return std::string(s.min_exclusive ? "> " : ">= ") + a + " (no upper bound)";
    if (hi) return "<= " + b + " (no lower bound)";
    return {};
}

bool in_range(const ParamSpec& s, double v) {
    if (s.min_exclusive ? !(v > s.min) : !(v >= s.min)) return false;
    return v <= s.max;
}

// ---------------------------------------------------------------- TOML nodes

std::string type_name(const toml::node& n) {
    switch (n.type()) {
        case toml::node_type::string: return "string";
        case toml::node_type::integer: return "integer";
        case toml::node_type::floating_point: return "float";
        case toml::node_type::boolean: return "boolean";
        case toml::node_type::array: return "array";
        case toml::node_type::table: return "table";
        case toml::node_type::date: return "date";
        case toml::node_type::time: return "time";
        case toml::node_type::date_time: return "date-time";
        default: return "none";
    }
}

// A value as the user would write it, for messages; long values are cut.
std::string render(const toml::node& n) {
    std::string out;
    if (const auto* s = n.as_string()) {
        out = toml_string(s->get());
    } else if (const auto* i = n.as_integer()) {
        out = std::to_string(i->get());
    } else if (const auto* f = n.as_floating_point()) {
        out = toml_float(f->get());
    } else if (const auto* b = n.as_boolean()) {
        out = b->get() ? "true" : "false";
    } else if (const auto* a = n.as_array()) {
        out = "[";
        for (std::size_t k = 0; k < a->size(); ++k) out += (k ? ", " : "") + render(*a->get(k));
        out += "]";
    } else if (const auto* t = n.as_table()) {
        out = "{";
        bool first = true;
        for (auto&& [key, v] : *t) {
            out += (first ? " " : ", ") + std::string(key.str()) + " = " + render(v);
            first = false;
        }
        out += first ? "}" : " }";
    } else {
        std::ostringstream os;
        n.visit([&](const auto& v) { os << v; });
        out = os.str();
    }
    if (out.size() > 80) out = out.substr(0, 77) + "...";
    return out;
}

std::string_view expected_text(ParamType t) {
    switch (t) {
        case ParamType::integer: return "an integer";
        case ParamType::real: return "a number";
        case ParamType::boolean: return "a boolean (true or false)";
        case ParamType::text: return "a string";
        case ParamType::text_list: return "an array of strings";
        case ParamType::integer_list: return "an array of integers";
    }
    return "?";
}

// Set one parameter from a TOML value, checking type and range. `where` is
// "file:line" or "--set key=value"; every message starts with it.
void set_value(const ParamSpec& s, Params& p, const toml::node& n, const std::string& where) {
    const std::string name(s.name);
    auto type_error = [&](std::string_view hint = {}) {
        return ParamError(where + ": key " + name + ": value " + render(n) + " has type " + type_name(n)
                          + ", expected " + std::string(expected_text(s.type())) + std::string(hint));
    };
    auto check_range = [&](double v, const std::string& shown) {
        if (!in_range(s, v)) throw ParamError(where + ": " + name + " must be " + range_rule(s) + ", got " + shown);
    };
    switch (s.type()) {
        case ParamType::integer: {
            const auto* v = n.as_integer();
            if (!v) {
                // Integers are counts and weeks: a float there is a mistake, even 2.0.
                if (const auto* f = n.as_floating_point(); f && std::isfinite(f->get())
                                                           && f->get() == std::floor(f->get()))
                    throw type_error(" (write whole numbers without a decimal point, e.g. "
                                     + bound_text(f->get(), true) + ")");
                throw type_error();
            }
            check_range(static_cast<double>(v->get()), std::to_string(v->get()));
            std::get<0>(s.ref)(p) = v->get();
            break;
        }
        case ParamType::real: {
            double d = 0;
            if (const auto* i = n.as_integer()) d = static_cast<double>(i->get());
            else if (const auto* f = n.as_floating_point()) d = f->get();
            else throw type_error();
            if (!std::isfinite(d))
                throw ParamError(where + ": " + name + " must be a finite number, got " + toml_float(d));
            check_range(d, shortest(d));
            std::get<1>(s.ref)(p) = d;
            break;
        }
        case ParamType::boolean: {
            const auto* v = n.as_boolean();
            if (!v) throw type_error();
            std::get<2>(s.ref)(p) = v->get();
            break;
        }
        case ParamType::text: {
            const auto* v = n.as_string();
            if (!v) throw type_error();
            std::get<3>(s.ref)(p) = v->get();
            break;
        }
        case ParamType::text_list: {
            const auto* a = n.as_array();
            if (!a) throw type_error();
            std::vector<std::string> out;
            for (std::size_t k = 0; k < a->size(); ++k) {
                const auto* e = a->get(k)->as_string();
                if (!e)
                    throw type_error(" (element " + std::to_string(k + 1) + " is " + render(*a->get(k))
                                     + ", of type " + type_name(*a->get(k)) + ")");
                out.push_back(e->get());
            }
            std::get<4>(s.ref)(p) = std::move(out);
            break;
        }
        case ParamType::integer_list: {
            const auto* a = n.as_array();
            if (!a) throw type_error();
            std::vector<std::int64_t> out;
            for (std::size_t k = 0; k < a->size(); ++k) {
                const toml::node& e = *a->get(k);
                const std::string index = std::to_string(k + 1);
                const auto* v = e.as_integer();
                if (!v) {
                    std::string hint = " (element " + index + " is " + render(e) + ", of type " + type_name(e);
                    if (const auto* f = e.as_floating_point(); f && std::isfinite(f->get())
                                                               && f->get() == std::floor(f->get()))
                        hint += "; write whole numbers without a decimal point, e.g. " + bound_text(f->get(), true);
                    throw type_error(hint + ")");
                }
                if (!in_range(s, static_cast<double>(v->get())))
                    throw ParamError(where + ": " + name + ": element " + index + " must be " + range_rule(s)
                                     + ", got " + std::to_string(v->get()));
                out.push_back(v->get());
            }
            // Lists of weeks are sets: sorted and de-duplicated here, silently,
            // so "[104, 52, 52]" means weeks 52 and 104. validate() still
            // requires strictly increasing lists in Params built in code, so
            // code downstream may rely on the order either way.
            std::sort(out.begin(), out.end());
            out.erase(std::unique(out.begin(), out.end()), out.end());
            std::get<5>(s.ref)(p) = std::move(out);
            break;
        }
    }
}

// Parse one TOML value written as text ("1.0", "[]", "\"x\"").
toml::table parse_value_doc(std::string_view value, std::string_view source) {
    return toml::parse("v = " + std::string(value), source);
}

Params build_defaults() {
    Params p{};
    for (const auto& row : param_table()) {
        const std::string where = "parameter table, default of " + std::string(row.name);
        try {
            const toml::table doc = parse_value_doc(row.default_toml, where);
            const toml::node* n = doc.get("v");
            if (!n || doc.size() != 1)
                throw InternalError(where + ": \"" + std::string(row.default_toml) + "\" is not one TOML value");
            set_value(row, p, *n, where);
        } catch (const toml::parse_error& e) {
            throw InternalError(where + ": \"" + std::string(row.default_toml)
                                + "\" is not a TOML value: " + std::string(e.description()));
        } catch (const ParamError& e) {
            throw InternalError(e.what());
        }
    }
    return p;
}

// ---------------------------------------------------------------- validation

// Per-row ranges (again, for Params built in code) and the cross-field rules.
// `origin(key)` says where a key was set ("scenario.toml:12", "default"), or ""
// when unknown; it is appended to messages as " (origin)".
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

    if (p.name.empty()) throw ParamError("name must not be empty; it labels the scenario in results" + at("name"));
    // A weekly leaving probability of 1 / mean needs mean >= 1 (or 0: nobody leaves).
    if (const double m = p.buurtteam.leave_list_weeks_mean; m > 0 && m < 1)
        throw ParamError("buurtteam.leave_list_weeks_mean must be 0 (nobody leaves) or at least 1 week (a weekly "
                         "probability of 1 / value), got " + shortest(m) + at("buurtteam.leave_list_weeks_mean"));

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

// ---------------------------------------------------------------- the loader

// Where values come from: a file or text (with lines) or one --set override.
struct Origin {
    std::string source;
    bool has_lines;
    std::string where(std::size_t line) const {
        return has_lines && line > 0 ? source + ":" + std::to_string(line) : source;
    }
};

class Loader {
public:
    Loader() : p_(default_params()) {}

    // Read a scenario file; `where` is the extends line that asked for it, if any.
    void load_file(const fs::path& path, const std::string& where) {
        const std::string shown = path.generic_string();
        const std::string prefix = where.empty() ? std::string() : where + ": ";
        std::error_code ec;
        if (!fs::exists(path, ec))
            throw ParamError(prefix + "scenario file " + toml_string(shown) + " does not exist");
        if (!fs::is_regular_file(path, ec))
            throw ParamError(prefix + "scenario file " + toml_string(shown) + " is not a regular file");
        std::ifstream in(path, std::ios::binary);
        std::ostringstream text;
        text << in.rdbuf();
        if (!in || in.bad()) throw ParamError(prefix + "cannot read scenario file " + toml_string(shown));

        stack_.push_back({fs::weakly_canonical(path, ec), shown});
        apply_text(text.str(), shown, path.parent_path(), path.stem().string());
        stack_.pop_back();
        files_.push_back(path);
    }

    // `stem` names the scenario when the text sets no name ("" for text
    // that is not a file: keep the table default).
    void apply_text(std::string_view text, const std::string& source, const fs::path& base_dir,
                    const std::string& stem) {
        toml::table doc;
        try {
            doc = toml::parse(text, source);
        } catch (const toml::parse_error& e) {
            const auto& b = e.source().begin;
            throw ParamError(source + ":" + std::to_string(b.line) + ":" + std::to_string(b.column)
                             + ": TOML syntax error: " + std::string(e.description()));
        }
        const Origin origin{source, true};

        // The base first, so this file's keys override it.
        if (const toml::node* ext = doc.get("extends")) {
            const std::string where = origin.where(ext->source().begin.line);
            const auto* s = ext->as_string();
            if (!s)
                throw ParamError(where + ": key extends: value " + render(*ext) + " has type " + type_name(*ext)
                                 + ", expected a string (a path relative to this file)");
            const fs::path target = (base_dir / fs::path(s->get())).lexically_normal();
            std::error_code ec;
            const fs::path canon = fs::weakly_canonical(target, ec);
            for (std::size_t k = 0; k < stack_.size(); ++k) {
                if (!ec && stack_[k].canonical == canon) {
                    std::string chain;
                    for (std::size_t j = k; j < stack_.size(); ++j) chain += stack_[j].shown + " -> ";
                    throw ParamError(where + ": extends cycle: " + chain + target.generic_string());
                }
            }
            if (!fs::exists(target, ec))
                throw ParamError(where + ": extends " + toml_string(s->get()) + ", but "
                                 + toml_string(target.generic_string()) + " does not exist");
            load_file(target, where);
        }

        // name and description describe this file, not its base: they are
        // never inherited. A file without a name is named after its file stem.
        const Params& d = default_params();
        if (!doc.contains("name")) {
            p_.name = stem.empty() ? d.name : stem;
            set_at_.erase("name");
        }
        if (!doc.contains("description")) {
            p_.description = d.description;
            set_at_.erase("description");
        }

        apply_table(doc, "", origin);
    }

    // "key=value": value in TOML syntax; a bare word that is not TOML is a string.
    void apply_override(const std::string& ov) {
        const std::string label = "--set " + ov;
        const auto eq = ov.find('=');
        if (eq == std::string::npos)
            throw ParamError(label + ": expected key=value, e.g. --set population.scale=0.5");
        const std::string key = trim(std::string_view(ov).substr(0, eq));
        const std::string value = trim(std::string_view(ov).substr(eq + 1));
        if (key.empty()) throw ParamError(label + ": missing key before '='");
        if (value.empty())
            throw ParamError(label + ": missing value after '=' (write " + key + "=\"\" for an empty string)");
        if (key == "extends") throw ParamError(label + ": extends can only be used in a scenario file");

        const Origin origin{label, false};
        toml::table doc;
        try {
            doc = parse_value_doc(value, label);
        } catch (const toml::parse_error& e) {
            if (is_bare_word(value)) {
                apply_named(key, toml::value<std::string>(value), origin, 0);
                return;
            }
            throw ParamError(label + ": value is not valid TOML (" + std::string(e.description())
                             + "); put strings with spaces or punctuation in double quotes");
        }
        const toml::node* n = doc.get("v");
        if (!n || doc.size() != 1) throw ParamError(label + ": value must be a single TOML value");
        apply_named(key, *n, origin, 0);
    }

    Scenario finish() {
        validate_impl(p_, [this](std::string_view key) -> std::string {
            const auto it = set_at_.find(key);
            return it == set_at_.end() ? "default" : it->second;
        });
        Scenario s;
        s.params = p_;
        s.files = files_;
        s.resolved_toml = to_toml(p_);
        return s;
    }

private:
    struct Open {
        fs::path canonical;
        std::string shown;
    };

    static bool is_bare_word(std::string_view v) {
        return !v.empty() && std::none_of(v.begin(), v.end(), [](char c) {
            return std::string_view(" \t\r\n\"'[]{}=#,").find(c) != std::string_view::npos;
        });
    }

    void apply_table(const toml::table& t, const std::string& prefix, const Origin& origin) {
        // toml++ keeps keys sorted; visit them in file order so the first
        // problem reported is the first in the file.
        std::vector<std::pair<const toml::key*, const toml::node*>> entries;
        for (auto&& [k, v] : t) entries.emplace_back(&k, &v);
        std::stable_sort(entries.begin(), entries.end(), [](const auto& a, const auto& b) {
            const auto& x = a.first->source().begin;
            const auto& y = b.first->source().begin;
            return x.line != y.line ? x.line < y.line : x.column < y.column;
        });
        for (const auto& [k, v] : entries) {
            if (prefix.empty() && origin.has_lines && k->str() == "extends") continue;
            const std::string full = prefix.empty() ? std::string(k->str()) : prefix + "." + std::string(k->str());
            apply_named(full, *v, origin, k->source().begin.line);
        }
    }

    void apply_named(const std::string& full, const toml::node& n, const Origin& origin, std::size_t key_line) {
        if (const ParamSpec* row = find_row(full)) {
            const std::size_t line = n.source().begin.line ? n.source().begin.line : key_line;
            const std::string where = origin.where(line);
            set_value(*row, p_, n, where);
            set_at_[full] = where;
            return;
        }
        const std::string where = origin.where(key_line ? key_line : n.source().begin.line);
        if (const auto* t = n.as_table()) {
            if (is_section(full)) {
                apply_table(*t, full, origin);
                return;
            }
            const auto hint = closest(full, section_names(), false);
            throw ParamError(where + ": unknown table [" + full + "]"
                             + (hint ? " (did you mean [" + *hint + "]?)" : " (see docs/PARAMETERS.md)"));
        }
        if (is_section(full))
            throw ParamError(where + ": \"" + full + "\" is a table of parameters, not a value; set its keys, e.g. ["
                             + full + "] then key = value");
        std::vector<std::string> candidates = row_names();
        if (origin.has_lines) candidates.emplace_back("extends");
        const auto hint = closest(full, candidates, true);
        throw ParamError(where + ": unknown key \"" + full + "\""
                         + (hint ? " (did you mean \"" + *hint + "\"?)" : " (see docs/PARAMETERS.md)"));
    }

    Params p_;
    std::vector<fs::path> files_;
    std::vector<Open> stack_;
    std::map<std::string, std::string, std::less<>> set_at_;  // key -> where it was last set
};

// ---------------------------------------------------------------- writing

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

}  // namespace

// ---------------------------------------------------------------- public API

Params default_params() {
    // Rebuilt when a component is registered (its rows join the table).
    static Params defaults;
    static std::size_t built_for = 0;
    if (built_for != components().size() + 1) {
        defaults = build_defaults();
        built_for = components().size() + 1;
    }
    return defaults;
}

void validate(const Params& p) {
    validate_impl(p, [](std::string_view) { return std::string(); });
}

Scenario load_scenario(const fs::path& path, const std::vector<std::string>& overrides) {
    Loader loader;
    loader.load_file(path.lexically_normal(), "");
    for (const auto& ov : overrides) loader.apply_override(ov);
    return loader.finish();
}

Scenario parse_scenario(std::string_view toml_text, std::string_view source,
                        const std::vector<std::string>& overrides, const fs::path& base_dir) {
    Loader loader;
    loader.apply_text(toml_text, std::string(source), base_dir, "");
    for (const auto& ov : overrides) loader.apply_override(ov);
    return loader.finish();
}

std::string to_toml(const Params& params) {
    Params p = params;  // accessors take Params&; read a copy
    std::string out = "# buurtsim scenario: every parameter, defaults included.\n";
    for (const auto& [section, rows] : grouped_rows()) {
        if (rows.empty()) continue;
        if (!section.empty()) out += "\n[" + section + "]\n";
        else out += "\n";
        for (const ParamSpec* row : rows) {
            const std::string_view key = section.empty() ? row->name : last_segment(row->name);
            out += "# " + one_line(row->unit) + "; " + one_line(row->meaning) + "\n";
            out += (is_bare_key(key) ? std::string(key) : toml_string(key)) + " = " + value_toml(*row, p) + "\n";
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
           " `description` are never inherited, and a file that sets no `name` is named after its file stem.\n";

    for (const auto& [section, rows] : groups) {
        if (rows.empty()) continue;
        out += "\n## " + (section.empty() ? std::string("Top level") : "`[" + section + "]`") + "\n\n";
        out += "| key | default | unit | range | meaning | source |\n";
        out += "|---|---|---|---|---|---|\n";
        for (const ParamSpec* row : rows) {
            out += "| " + md_code(row->name) + " | " + md_code(row->default_toml) + " | " + md_cell(row->unit) + " | "
                   + md_cell(md_range(*row)) + " | " + md_cell(row->meaning) + " | " + md_cell(row->source) + " |\n";
        }
    }
    return out;
}

}  // namespace buurtsim
