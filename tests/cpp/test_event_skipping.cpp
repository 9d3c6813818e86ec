// Event skipping (model/src/event_skipping.hpp) against the per-resident
// draws it replaces: each position chosen with probability q, independently,
// and thinned choices (a candidate kept with probability p / q) with p. The
// counts over many generators are compared with their binomial expectations;
// the generators are fixed, so the test gives the same answer every run, and a
// wrong gap (off by one, the wrong logarithm) moves the counts by hundreds of
// standard deviations.
#include "event_skipping.hpp"

#include <catch2/catch.hpp>

#include <cmath>
#include <limits>
#include <vector>

using namespace buurtsim;
using namespace buurtsim::detail;

namespace {

constexpr std::size_t n = 40;
constexpr std::uint32_t runs = 40000;

/** (count - expected) / sd for a Binomial(runs, p) count. */
double z_of(double count, double p) { return (count - runs * p) / std::sqrt(runs * p * (1 - p)); }

struct Tally {
    std::vector<double> chosen = std::vector<double>(n, 0.0);
    std::vector<double> pairs = std::vector<double>(n - 1, 0.0);  // k and k + 1 both chosen
    double sum = 0, sum_sq = 0;                                  // of the number chosen per run
};

/** Runs for_each_chosen `runs` times (generator r for run r), keeping position k with probability keep(k). */
template <class Keep>
Tally tally(double q, Keep keep) {
    const rng::Key key(7, 0);
    Tally t;
    std::vector<char> hit(n);
    bool in_order = true;  // positions increasing and in range (checked once: millions of REQUIREs are slow)
    for (std::uint32_t r = 0; r < runs; ++r) {
        auto g = key.urng(rng::Stream::meeting, 1, r, 3);
        std::fill(hit.begin(), hit.end(), 0);
        double total = 0;
        std::size_t last = 0;
        bool first = true;
        for_each_chosen(g, q, n, [&](std::size_t k) {
            in_order = in_order && k < n && (first || k > last);  // increasing, each at most once
            first = false;
            last = k;
            if (k < n && next_u01(g) < keep(k)) {  // draws from the same generator, as the phases do
                hit[k] = 1;
                total += 1;
            }
        });
        for (std::size_t k = 0; k < n; ++k) t.chosen[k] += hit[k];
        for (std::size_t k = 0; k + 1 < n; ++k) t.pairs[k] += hit[k] & hit[k + 1];
        t.sum += total;
        t.sum_sq += total * total;
    }
    REQUIRE(in_order);
    return t;
}

double max_abs_z(const std::vector<double>& counts, double p) {
    double worst = 0;
    for (double c : counts) worst = std::max(worst, std::abs(z_of(c, p)));
    return worst;
}

}  // namespace

TEST_CASE("event skipping chooses each position with probability q, independently") {
    for (const double q : {0.003, 0.05, 0.15, 0.4, 0.9}) {
        INFO("q = " << q);
        const Tally t = tally(q, [](std::size_t) { return 2.0; });  // keep every candidate
        CHECK(max_abs_z(t.chosen, q) < 4.5);
        CHECK(max_abs_z(t.pairs, q * q) < 4.5);
        // The number chosen per run is Binomial(n, q): its mean and variance.
        const double mean = t.sum / runs, var = t.sum_sq / runs - mean * mean;
        CHECK(std::abs(mean - n * q) < 4.5 * std::sqrt(n * q * (1 - q) / runs));
        CHECK(std::abs(var / (n * q * (1 - q)) - 1) < 5 * std::sqrt(2.0 / runs));
    }
}

TEST_CASE("thinned candidates are kept with probability p, position by position") {
    // As the visits: candidates at q, each kept with probability p_k / q, p_k from 0 to q.
    const double q = 0.2;
    const auto p = [&](std::size_t k) { return q * double(k) / double(n - 1); };
    const Tally t = tally(q, [&](std::size_t k) { return p(k) / q; });
    double worst = 0;
    for (std::size_t k = 1; k < n; ++k) worst = std::max(worst, std::abs(z_of(t.chosen[k], p(k))));
    CHECK(worst < 4.5);
    CHECK(t.chosen[0] == 0);  // p = 0 is never chosen
}

TEST_CASE("event skipping at its edges: none, every one, NaN, an empty range") {
    const rng::Key key(7, 0);
    const auto chosen = [&](double q, std::size_t size) {
        auto g = key.urng(rng::Stream::meeting, 1, 0, 3);
        std::vector<std::size_t> ks;
        for_each_chosen(g, q, size, [&](std::size_t k) { ks.push_back(k); });
        return ks;
    };
    CHECK(chosen(0.0, n).empty());
    CHECK(chosen(-1.0, n).empty());
    CHECK(chosen(std::numeric_limits<double>::quiet_NaN(), n).empty());
    CHECK(chosen(0.5, 0).empty());
    const auto all = chosen(1.0, n);
    REQUIRE(all.size() == n);
    for (std::size_t k = 0; k < n; ++k) CHECK(all[k] == k);
    // The smallest positive q still terminates and chooses (almost surely) none of a short range.
    CHECK(chosen(std::numeric_limits<double>::denorm_min(), n).empty());
}
