#pragma once
/** @file prior.hpp
 *  Parameter uncertainty: a real-valued parameter may be given a distribution (a prior) in a scenario
 *  file instead of a value, e.g. `hours_retired = { prior = "triangular", lo = 3.0, mode = 4.26, hi = 6.0 }`
 *  (syntax and rules: docs/ODD.md "Parameter uncertainty", parsed in scenario_prior.cpp). Each
 *  replicate draws each prior once, from its own stream keyed by (run.seed, replicate, parameter
 *  name): replicate k draws the same value in every scenario of a run (common random numbers hold),
 *  a prior added on one parameter changes no other parameter's draws, and no draw depends on threads.
 */
#include "buurtsim/params.hpp"

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace buurtsim {

struct Scenario;  // scenario.hpp

/** @brief One prior: a distribution on [lo, hi] for the parameter `name`. */
struct Prior {
    enum class Kind : std::uint8_t { uniform, triangular, normal, lognormal, beta };
    std::string name;  ///< the parameter's dotted name
    Kind kind = Kind::uniform;
    /// The support. uniform, triangular, beta: as written. normal, lognormal: truncation bounds, as written or
    /// (bounded = false) the parameter's hard bounds (lognormal: at least 0); either may be infinite.
    double lo = 0, hi = 0;
    bool bounded = true;  ///< normal, lognormal: lo and hi were written (to_toml writes them back)
    double mode = 0;      ///< triangular
    double mean = 0;      ///< normal: of the untruncated distribution
    double sd = 0;        ///< normal
    double median = 0;    ///< lognormal: exp(mu) of the untruncated distribution
    double sdlog = 0;     ///< lognormal: sd of log(x)
    double alpha = 0;     ///< beta shape a (on [lo, hi])
    double beta = 0;      ///< beta shape b
    std::string where;    ///< where it was set ("scenario.toml:12", "--set key=value"), for messages

    /** @brief The value at probability u of the (truncated) distribution, u in (0, 1); always in [lo, hi]. */
    double quantile(double u) const;
    /** @brief The inline TOML table that gives this prior back, e.g. `{ prior = "uniform", lo = 1.0, hi = 2.0 }`. */
    std::string toml() const;
};

/** @brief The TOML name of a kind ("uniform", ...). */
std::string_view prior_kind_name(Prior::Kind k);

/** @brief Every kind, in documentation order. */
const std::vector<Prior::Kind>& prior_kinds();

/** @brief FNV-1a (64 bit) of `s`: a hash that is the same on every platform and build, unlike std::hash. */
constexpr std::uint64_t stable_hash(std::string_view s) {
    std::uint64_t h = 0xcbf29ce484222325ULL;
    for (const char c : s) {
        h ^= static_cast<unsigned char>(c);
        h *= 0x100000001b3ULL;
    }
    return h;
}

/** @brief The uniform (0, 1) number that replicate `replicate` of a run with `seed` uses for the prior on
 *         `name`: Philox keyed by (seed, replicate), counter (stable_hash(name), Stream::prior); 53 bits. */
double prior_uniform(std::uint64_t seed, std::uint32_t replicate, std::string_view name);

/** @brief The value replicate `replicate` draws from `prior` in a run with `seed`. */
double draw(const Prior& prior, std::uint64_t seed, std::uint32_t replicate);

/** @brief The scenario's params for one replicate: each prior's draw in place of its central value,
 *         then validated. Without priors, the scenario's params.
 *  @throws ParamError if the drawn values break a rule that involves several keys (naming the draw and its
 *          prior's file and line) */
Params params_for_replicate(const Scenario& scenario, std::uint32_t replicate);

}  // namespace buurtsim
