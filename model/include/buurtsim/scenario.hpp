#pragma once
/** @file scenario.hpp
 *  Scenario files (TOML) -> Params. Keys are read by name via the parameter
 *  table; unknown keys, wrong types and out-of-range values are errors that
 *  name file:line, key, value and rule. `extends = "other.toml"` (relative
 *  to the file) loads another scenario first; keys here override it.
 */
#include "buurtsim/params.hpp"
#include "buurtsim/prior.hpp"

#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

namespace buurtsim {

/** @brief The largest scenario file buurtsim reads (the resolved defaults are about 30 KiB). */
inline constexpr std::uintmax_t max_scenario_file_bytes = std::uintmax_t(1) << 20;

/** @brief The longest chain of `extends`: a file and at most this many bases. */
inline constexpr std::size_t max_extends_depth = 64;

/** @brief A resolved scenario: its params and where they came from. */
struct Scenario {
    Params params;  ///< a parameter with a prior holds the prior's median (params_for_replicate draws it)
    std::vector<Prior> priors;                 ///< in parameter-table order; empty: every replicate uses params
    std::vector<std::filesystem::path> files;  ///< the file and everything it extends, base first, then overlays
    std::string resolved_toml;                 ///< every parameter, defaults included, priors as priors (to_toml)
};

/** @brief Load a scenario file, then each overlay (a scenario fragment applied on top, e.g. the priors of
 *         data/params/utrecht-2023-uncertainty.toml; it may not set name, description or extends), then
 *         overrides "key=value" (value in TOML syntax; a bare word is taken as a string). A value may be a
 *         prior (prior.hpp): an inline table such as { prior = "uniform", lo = 1.0, hi = 2.0 }.
 *  @throws ParamError (file:line, key, value, rule), including for extends cycles, extends chains
 *          deeper than max_extends_depth, missing files, files that are not regular files or
 *          larger than max_scenario_file_bytes, and NUL bytes in overrides. */
Scenario load_scenario(const std::filesystem::path& path, const std::vector<std::string>& overrides = {},
                       const std::vector<std::filesystem::path>& overlays = {});

/** @brief Same, from TOML text; `source` names it in messages; `extends` is relative to `base_dir`. */
Scenario parse_scenario(std::string_view toml_text, std::string_view source,
                        const std::vector<std::string>& overrides = {},
                        const std::filesystem::path& base_dir = ".",
                        const std::vector<std::filesystem::path>& overlays = {});

/** @brief The keys every scenario of one result file must share: replicate k of each scenario is
 *  then the same synthetic city with the same random streams (common random numbers). */
extern const std::vector<std::string> paired_keys;

/** @brief Check that scenarios can be run into one result file and compared pair-wise: unique
 *  names and equal paired_keys. `labels[s]` names scenario s in messages (its file).
 *  @throws UsageError naming both labels, the key and both values */
void check_paired(const std::vector<std::string>& labels, const std::vector<Scenario>& scenarios);

/** @brief Every parameter as TOML, grouped in tables; parse_scenario(to_toml(p)) gives p back. */
std::string to_toml(const Params& p);
/** @brief The same, with each parameter that has a prior written as that prior: parsing it gives p and the
 *         priors back (the resolved scenario of a result file, so a re-run draws the same values). */
std::string to_toml(const Params& p, const std::vector<Prior>& priors);

/** @brief The parameter table as Markdown (the content of docs/PARAMETERS.md). */
std::string parameters_markdown();

/** @brief The parameter table as JSON (`buurtsim params --json`): an array with one object per row in table
 *  order, with the keys of the Python listing (`_core.param_table()`): name, type, default (TOML text), unit,
 *  min, max (null for non-numeric rows), min_exclusive, meaning, source, plausible ("range" or "not
 *  uncertain"), plausible_lo and plausible_hi (numbers for a range, else null) and plausible_why. */
std::string parameters_json();

}  // namespace buurtsim
