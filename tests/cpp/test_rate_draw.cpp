// rate_draw (simulation_detail.hpp) skips the libm call for most draws; it must
// decide exactly as `u < -expm1(-rate)` does, including at the band's edges.
#include "simulation_detail.hpp"

#include <catch2/catch.hpp>

#include <cmath>
#include <limits>
#include <random>

using buurtsim::detail::rate_draw;

namespace {
bool exact(double u, double rate) { return u < -std::expm1(-rate); }
}  // namespace

TEST_CASE("rate_draw decides as 1 - exp(-rate) for random uniforms and rates", "[rng][rates]") {
    std::mt19937_64 g(42);
    std::uniform_real_distribution<double> u01(0.0, 1.0), log_rate(std::log(1e-9), std::log(20.0));
    std::size_t differ = 0, yes = 0;
    for (int k = 0; k < 2'000'000; ++k) {
        const double rate = std::exp(log_rate(g)), u = u01(g);
        differ += rate_draw(u, rate) != exact(u, rate);
        yes += exact(u, rate);
    }
    CHECK(differ == 0);
    CHECK(yes > 100'000);  // both outcomes occur
}

TEST_CASE("rate_draw at the edges of its band", "[rng][rates]") {
    std::size_t differ = 0, checked = 0;
    for (double rate = 1e-7; rate < 2.0; rate *= 1.37) {
        const double p = -std::expm1(-rate), lo = (rate - 0.5 * rate * rate) * (1.0 - 1e-9);
        for (double x : {p, lo, rate, 0.0, 1.0 - 1e-17}) {
            for (double u : {std::nextafter(x, 0.0), x, std::nextafter(x, 2.0)}) {
                if (u < 0.0 || u >= 1.0) continue;
                differ += rate_draw(u, rate) != exact(u, rate);
                ++checked;
            }
        }
    }
    for (double rate : {0.0, -0.0, 1e-300, 1.0, 50.0, std::numeric_limits<double>::infinity()})
        for (double u : {0.0, 1e-300, 0.5, std::nextafter(1.0, 0.0)}) {
            differ += rate_draw(u, rate) != exact(u, rate);
            ++checked;
        }
    CHECK(differ == 0);
    CHECK(checked > 500);
}
