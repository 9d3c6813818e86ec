#pragma once
// Private helpers shared by the phase files.
#include "engine.hpp"

#include <boost/random/geometric_distribution.hpp>
#include <oneapi/tbb/parallel_for.h>

#include <algorithm>
#include <cmath>

namespace buurtsim::detail {

constexpr std::uint8_t adult_age = 18;
constexpr std::uint8_t youth_help_age = 15;
constexpr std::uint8_t senior_age = 65;
constexpr std::uint8_t volunteer_max_age = 84;

/** Run fn(b) for every buurt in parallel; a buurt's residents are one id range. */
template <class Fn>
void for_each_buurt(std::size_t buurten, Fn&& fn) {
    tbb::parallel_for(std::size_t(0), buurten, [&](std::size_t b) { fn(std::uint32_t(b)); });
}

/** 1 + Geometric(1/mean) by inversion of one uniform: mean weeks `mean`, at least 1. */
inline std::uint32_t geometric_weeks(double u, double mean) {
    if (mean <= 1.0) return 1;
    const double p = 1.0 / mean;
    return 1u + std::uint32_t(std::floor(std::log(u) / std::log1p(-p)));
}

/** Weeks a new care relationship lasts: 1 + Geometric(1/mean) drawn from g, capped to fit care_weeks. */
template <class Urng>
std::uint16_t care_weeks_draw(Urng& g, double mean) {
    return std::uint16_t(std::min<std::uint32_t>(
        65535, 1u + boost::random::geometric_distribution<std::uint32_t, double>(1.0 / mean)(g)));
}

/** u < 1 - exp(-rate): a weekly rate as a Bernoulli draw, decided without a libm call almost always.
 *  For 1e-6 < rate < 1, 1 - exp(-rate) lies in [rate - rate^2 / 2, rate) with room to spare, so a uniform
 *  outside that narrow band decides the same way as the exact value (what `-std::expm1(-rate)` computes to
 *  within an ulp); inside it, or for other rates, it is computed. The result always equals
 *  `u < -std::expm1(-rate)` (tests/cpp/test_rate_draw.cpp checks it). */
inline bool rate_draw(double u, double rate) {
    if (rate > 1e-6 && rate < 1.0) {
        if (u >= rate) return false;
        if (u < (rate - 0.5 * rate * rate) * (1.0 - 1e-9)) return true;
    }
    return u < -std::expm1(-rate);
}

inline float clamp01(double x) { return float(std::min(1.0, std::max(0.0, x))); }

}  // namespace buurtsim::detail
