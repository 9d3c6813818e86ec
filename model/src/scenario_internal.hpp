#pragma once
// Private to the scenario code: what its files share. Nothing here includes
// toml++ (see scenario_node.hpp for the functions that take TOML nodes).
//   scenario_text.cpp      TOML text of values; parameter ranges as text
//   scenario_names.cpp     parameter and table names: look-up and "did you mean"
//   scenario_value.cpp     a TOML node -> a parameter value (type and range checked); the defaults
//   scenario_validate.cpp  ranges again and the cross-field rules, for any Params
//   scenario.cpp           the loader: files, extends, --set overrides
//   scenario_write.cpp     Params -> TOML, the parameter table -> Markdown
//   scenario_prior.cpp     a TOML table -> a Prior (prior.hpp), checked; the rules at the ends of the priors
#include "buurtsim/params.hpp"

#include <cstddef>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace buurtsim::scenario_detail {

// ---------------------------------------------------------------- text (scenario_text.cpp)

/// Shortest decimal text that reads back to exactly the same double.
std::string shortest(double v);
/// A TOML float literal: shortest round-trip digits, and always a '.' or an
/// exponent so the value reads back as a float, never as an integer.
std::string toml_float(double v);
/// A TOML basic string: quotes, backslashes and control characters escaped.
std::string toml_string(std::string_view s);
std::string trim(std::string_view s);
std::string_view last_segment(std::string_view name);
std::string_view section_of(std::string_view name);
bool is_bare_key(std::string_view k);
/// A key or table name for messages: control characters escaped as in TOML,
/// and a name longer than 80 characters cut, with its length.
std::string shown_name(std::string_view name);

/// A whole number that converts to int64 without overflow (converting a double
/// outside [-2^63, 2^63) to an integer is undefined behaviour).
bool whole_int64(double v);
std::string bound_text(double b, bool integer);
/// The rule as text: "in (0, 1]", ">= 0 (no upper bound)", or "" if unbounded.
std::string range_rule(const ParamSpec& s);
bool in_range(const ParamSpec& s, double v);

// ---------------------------------------------------------------- names (scenario_names.cpp)

const std::vector<std::string>& row_names();
/// Every table a parameter lives in, including parents of nested ones.
const std::vector<std::string>& section_names();
const ParamSpec* find_row(std::string_view name);
bool is_section(std::string_view name);

/// Keys longer than this get no "did you mean": no parameter name is near as long.
constexpr std::size_t max_suggested_key_length = 200;

/// The closest candidate, if reasonably close. With by_last_segment, a key whose
/// last segment matches a parameter's (e.g. "network.scale" or a top-level
/// "seed" written outside its table) also counts.
std::optional<std::string> closest(std::string_view wrong, const std::vector<std::string>& candidates,
                                   bool by_last_segment);

/// Optimal string alignment distance (Levenshtein plus adjacent transposition),
/// case-insensitive, or limit + 1 when it exceeds `limit` (found in O(length x limit)).
std::size_t edit_distance(std::string_view a, std::string_view b, std::size_t limit);

// ---------------------------------------------------------------- validation (scenario_validate.cpp)

/// Per-row ranges (again, for Params built in code) and the cross-field rules.
/// `origin(key)` says where a key was set ("scenario.toml:12", "default"), or ""
/// when unknown; it is appended to messages as " (origin)".
void validate_impl(const Params& params, const std::function<std::string(std::string_view)>& origin);

}  // namespace buurtsim::scenario_detail
