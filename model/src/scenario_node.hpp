#pragma once
// Private to the scenario code: TOML nodes to parameter values (scenario_value.cpp).
#include "buurtsim/params.hpp"

#include <toml++/toml.h>

#include <string>
#include <string_view>

namespace buurtsim::scenario_detail {

std::string type_name(const toml::node& n);
/// A value as the user would write it, for messages; long values are cut.
std::string render(const toml::node& n);
/// Set one parameter from a TOML value, checking type and range. `where` is
/// "file:line" or "--set key=value"; every message starts with it. @throws ParamError
void set_value(const ParamSpec& s, Params& p, const toml::node& n, const std::string& where);
/// Parse one TOML value written as text ("1.0", "[]", "\"x\""), as key v. @throws toml::parse_error
toml::table parse_value_doc(std::string_view value, std::string_view source);

}  // namespace buurtsim::scenario_detail
