#pragma once
// Private to the scenario code: TOML nodes to parameter values (scenario_value.cpp).
#include "buurtsim/params.hpp"
#include "buurtsim/prior.hpp"

#include <toml++/toml.h>

#include <functional>
#include <string>
#include <string_view>
#include <vector>

namespace buurtsim::scenario_detail {

std::string type_name(const toml::node& n);
/// A value as the user would write it, for messages; long values are cut.
std::string render(const toml::node& n);
/// Set one parameter from a TOML value, checking type and range. `where` is
/// "file:line" or "--set key=value"; every message starts with it. @throws ParamError
void set_value(const ParamSpec& s, Params& p, const toml::node& n, const std::string& where);
/// A table given for the real parameter `s` -> its prior, every key checked (scenario_prior.cpp). `where` as for
/// set_value. @throws ParamError naming where, the key, the table and the rule
Prior parse_prior(const ParamSpec& s, const toml::table& t, const std::string& where);
/// validate_impl with each prior's parameter at either end of its support in turn (the others at `params`).
/// @throws ParamError naming the end and the prior's file and line
void check_prior_ends(const Params& params, const std::vector<Prior>& priors,
                      const std::function<std::string(std::string_view)>& origin);
/// Parse one TOML value written as text ("1.0", "[]", "\"x\""), as key v. @throws toml::parse_error
toml::table parse_value_doc(std::string_view value, std::string_view source);

}  // namespace buurtsim::scenario_detail
