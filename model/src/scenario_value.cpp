// A TOML node -> a parameter value, checking type and range against the
// parameter table; and the defaults, which are read the same way.
#include "scenario_internal.hpp"
#include "scenario_node.hpp"

#include "buurtsim/component.hpp"
#include "buurtsim/error.hpp"

#include <algorithm>
#include <cmath>
#include <sstream>

namespace buurtsim::scenario_detail {

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
                if (const auto* f = n.as_floating_point(); f && whole_int64(f->get()))
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
                    if (const auto* f = e.as_floating_point(); f && whole_int64(f->get()))
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

}  // namespace buurtsim::scenario_detail

namespace buurtsim {
namespace {

using namespace scenario_detail;

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

}  // namespace

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

}  // namespace buurtsim
