// rate_draw (simulation_detail.hpp) skips the libm call for most draws; it must
// decide exactly as `u < -expm1(-rate)` does, including at the band's edges.
// Also the other exact helpers the vectorised loops use: u01_vec, choose, keep_unless.
#include "simulation_detail.hpp"

#include <catch2/catch.hpp>

#include <cmath>
#include <cstring>
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

TEST_CASE("rate_draw_quick: a decided answer is the exact one, and some are undecided", "[rng][rates]") {
    std::mt19937_64 g(7);
    std::uniform_real_distribution<double> u01(0.0, 1.0), log_rate(std::log(1e-9), std::log(20.0));
    std::size_t wrong = 0, undecided = 0;
    for (int k = 0; k < 1'000'000; ++k) {
        const double rate = std::exp(log_rate(g)), u = u01(g);
        unsigned decided = 2;
        const unsigned yes = buurtsim::detail::rate_draw_quick(u, rate, decided);
        REQUIRE(decided <= 1);
        if (decided)
            wrong += bool(yes) != exact(u, rate);
        else
            ++undecided;
    }
    CHECK(wrong == 0);
    CHECK(undecided > 0);  // the band and the rates >= 1 go to rate_draw's exact path
}

TEST_CASE("u01_vec is r123::u01<double> bit for bit", "[rng]") {
    std::mt19937 g(3);
    std::size_t differ = 0;
    const auto same = [](std::uint32_t x) {
        const double a = buurtsim::detail::u01_vec(x), b = r123::u01<double>(x);
        return std::memcmp(&a, &b, sizeof a) == 0;
    };
    for (std::uint32_t x : {0u, 1u, 0x7FFFFFFFu, 0x80000000u, 0x80000001u, 0xFFFFFFFEu, 0xFFFFFFFFu}) differ += !same(x);
    for (int k = 0; k < 1'000'000; ++k) differ += !same(std::uint32_t(g()));
    CHECK(differ == 0);
}

TEST_CASE("choose picks its operand's bits", "[rates]") {
    using buurtsim::detail::choose;
    const double nan = std::numeric_limits<double>::quiet_NaN();
    CHECK(choose(1, 2.5, 1.0) == 2.5);
    CHECK(choose(0, 2.5, 1.0) == 1.0);
    CHECK(std::signbit(choose(1, -0.0, 0.0)));
    CHECK(!std::signbit(choose(0, -0.0, 0.0)));
    CHECK(std::isnan(choose(1, nan, 1.0)));
    CHECK(choose(0, nan, 1.0) == 1.0);
}

TEST_CASE("keep_unless takes every bit of the value, at every width", "[rates]") {
    using buurtsim::detail::keep_unless;
    CHECK(keep_unless<std::uint64_t>(1, 0xFFFF'FFFF'0000'0002ull, 1) == 0xFFFF'FFFF'0000'0002ull);
    CHECK(keep_unless<std::uint64_t>(1, 0xFFFF'FFFF'0000'0002ull, 0) == 1);
    CHECK(keep_unless<std::uint32_t>(7, 0xFFFF'FFFEu, 1) == 0xFFFF'FFFEu);
    CHECK(keep_unless<std::uint16_t>(7, 0xFFFE, 1) == 0xFFFE);
    CHECK(keep_unless<std::uint8_t>(7, 0xFE, 1) == 0xFE);
    CHECK(keep_unless<std::uint8_t>(7, 0xFE, 0) == 7);
}

TEST_CASE("clamp01_vec is clamp01 bit for bit, at the bounds, past them and for NaN", "[rates]") {
    using buurtsim::detail::clamp01;
    using buurtsim::detail::clamp01_vec;
    const double inf = std::numeric_limits<double>::infinity(), nan = std::numeric_limits<double>::quiet_NaN();
    std::vector<double> xs = {0.0, -0.0, 1.0, -1.0, 2.0, 0.5, inf, -inf, nan, -nan, 1e300, -1e300, 1e-300, -1e-300,
                              std::nextafter(1.0, 2.0), std::nextafter(1.0, 0.0), std::nextafter(0.0, 1.0),
                              std::nextafter(0.0, -1.0), 0.99999999999, 1.00000000001, 3.4028235677973366e38};
    std::mt19937_64 g(7);
    std::uniform_real_distribution<double> d(-0.5, 1.5);
    for (int k = 0; k < 100000; ++k) xs.push_back(d(g));
    std::size_t differ = 0;
    for (double x : xs) {
        const float a = clamp01(x), b = clamp01_vec(x);
        differ += std::memcmp(&a, &b, sizeof a) != 0;
    }
    // -0.0 is among the inputs: compared at run time (the compiler may fold a constant clamp_exact
    // differently), both give +0.
    CHECK(differ == 0);
}
