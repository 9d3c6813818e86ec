// Counter-based draws: a pure function of the context, different for any change of it.
#include "buurtsim/rng.hpp"
#include "buurtsim/testing.hpp"

#include <boost/random/exponential_distribution.hpp>
#include <boost/random/uniform_01.hpp>
#include <catch2/catch.hpp>

#include <cmath>
#include <vector>

using namespace buurtsim;

namespace {
std::vector<std::uint32_t> draws(const rng::Key& k, rng::Stream s, std::uint32_t week, std::uint32_t agent,
                                 std::uint32_t sub = 0, int n = 10) {
    auto g = k.urng(s, week, agent, sub);
    std::vector<std::uint32_t> v;
    for (int i = 0; i < n; ++i) v.push_back(g());
    return v;
}
}  // namespace

TEST_CASE("the same context gives the same draws") {
    const rng::Key a(42, 0), b(42, 0);
    CHECK(draws(a, rng::Stream::questions, 3, 17) == draws(b, rng::Stream::questions, 3, 17));
    CHECK(a.uniform4(rng::Stream::questions, 3, 17) == b.uniform4(rng::Stream::questions, 3, 17));
}

TEST_CASE("any change of the context changes the draws") {
    const rng::Key k(42, 0);
    const auto base = draws(k, rng::Stream::questions, 3, 17, 0);
    CHECK(base != draws(rng::Key(43, 0), rng::Stream::questions, 3, 17, 0));
    CHECK(base != draws(rng::Key(42, 1), rng::Stream::questions, 3, 17, 0));
    CHECK(base != draws(k, rng::Stream::ask_network, 3, 17, 0));
    CHECK(base != draws(k, rng::Stream::questions, 4, 17, 0));
    CHECK(base != draws(k, rng::Stream::questions, 3, 18, 0));
    CHECK(base != draws(k, rng::Stream::questions, 3, 17, 1));
}

TEST_CASE("uniform4 does not repeat the URNG's first block") {
    const rng::Key k(7, 0);
    auto g = k.urng(rng::Stream::questions, 0, 0);
    const auto u = k.uniform4(rng::Stream::questions, 0, 0);
    const double first = r123::u01<double>(g());
    for (double x : u) CHECK(x != first);
}

TEST_CASE("uniforms lie in (0,1) with mean 1/2 and Boost distributions see the right moments") {
    const rng::Key k(1, 0);
    const int n = 200000;
    double sum = 0, sum_exp = 0;
    for (int i = 0; i < n; ++i) {
        const auto u = k.uniform4(rng::Stream::questions, 0, std::uint32_t(i));
        for (double x : u) {
            REQUIRE(x > 0.0);
            REQUIRE(x < 1.0);
            sum += x;
        }
        auto g = k.urng(rng::Stream::questions, 0, std::uint32_t(i), 1);
        sum_exp += boost::random::exponential_distribution<double>(0.5)(g);
    }
    const double mean = sum / (4.0 * n);
    // standard error of a uniform mean: sqrt(1/12 / N)
    CHECK(std::abs(mean - 0.5) < 5 * std::sqrt(1.0 / 12.0 / (4.0 * n)));
    // exponential with rate 0.5: mean 2, sd 2
    CHECK(std::abs(sum_exp / n - 2.0) < 5 * 2.0 / std::sqrt(double(n)));
}

TEST_CASE("a batch of blocks gives every agent exactly its uniform4, with and without AVX2 or AVX-512, by range or by list") {
    const rng::Key k(12345, 3);
    // Every kernel the processor has: AVX-512 (level 2), AVX2 (1), the scalar loop (simd false, or level 0).
    const int widest = wide_level();
    for (int level = widest; level >= 0; --level) {
    INFO("level " << level);
    set_wide_level(level);
    for (std::uint32_t first : {0u, 1u, 31u, 4000000000u}) {
        for (std::uint32_t count : {0u, 1u, 7u, 32u, 33u, 100u}) {
            for (bool simd : {true, false}) {
                std::vector<std::array<std::uint32_t, 4>> out(count);
                k.blocks4(rng::Stream::health, 17, first, count, 5, out.data(), simd);
                for (std::uint32_t a = 0; a < count; ++a) {
                    const auto u = k.uniform4(rng::Stream::health, 17, first + a, 5);
                    for (int w = 0; w < 4; ++w) REQUIRE(r123::u01<double>(out[a][w]) == u[w]);
                }
            }
        }
    }
    // A list of agents (a buurt's adults; here in no order, with a repeat and the largest id): each gets its own
    // block, whatever its neighbours in the list, on both paths and in every position of a batch of 32.
    std::vector<std::uint32_t> ids;
    for (std::uint32_t a = 0; a < 100; ++a) ids.push_back((a * 2654435761u) % 5000u);
    ids[40] = ids[3];
    ids[70] = 4294967295u;
    for (std::uint32_t count : {0u, 1u, 7u, 32u, 33u, 100u}) {
        for (bool simd : {true, false}) {
            std::vector<std::array<std::uint32_t, 4>> out(count);
            k.blocks4_of(rng::Stream::roles, 23, ids.data(), count, 6, out.data(), simd);
            for (std::uint32_t a = 0; a < count; ++a) {
                const auto u = k.uniform4(rng::Stream::roles, 23, ids[a], 6);
                for (int w = 0; w < 4; ++w) REQUIRE(r123::u01<double>(out[a][w]) == u[w]);
            }
        }
    }
    }
    set_wide_level(widest);
    const rng::Uniform4Run run(k, rng::Stream::meeting, 9, 1000, 1077, 2);
    for (std::uint32_t i = 1000; i < 1077; ++i) REQUIRE(run[i] == k.uniform4(rng::Stream::meeting, 9, i, 2));
}
