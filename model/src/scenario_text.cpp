// TOML text of values and the parameter table's ranges as text, shared by
// the messages, the writer and the docs.
#include "scenario_internal.hpp"

#include "buurtsim/error.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <system_error>

namespace buurtsim::scenario_detail {

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

std::string shown_name(std::string_view name) {
    constexpr std::size_t keep = 80;
    const std::string quoted = toml_string(name.substr(0, std::min(name.size(), keep)));
    std::string out = quoted.substr(1, quoted.size() - 2);
    if (name.size() > keep) out += "... (" + std::to_string(name.size()) + " characters)";
    return out;
}

bool whole_int64(double v) {
    return std::isfinite(v) && v == std::floor(v) && v >= -0x1p63 && v < 0x1p63;
}

std::string bound_text(double b, bool integer) {
    if (integer && whole_int64(b)) return std::to_string(static_cast<long long>(b));
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

}  // namespace buurtsim::scenario_detail
