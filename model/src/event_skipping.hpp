#pragma once
// Event skipping (issue 13): a per-resident weekly event of probability q,
// drawn as one uniform per resident and week, costs a Philox block for
// everyone, most of them for nothing when q is small. The same events come
// from the gaps between them: the number of residents passed over before the
// next one an event falls on is Geometric(q), and the gaps of independent
// Bernoulli(q) trials are independent and geometric, so drawing the gaps
// gives every resident its event with probability q, independently, as the
// per-resident draws did. A resident whose own probability p is below a
// bound q is a candidate with probability q and kept with probability p / q
// (thinning): p in all. The draws are different ones, so a stream change:
// the same distributions, not the same bits (docs/PERFORMANCE.md, verified
// in tests/cpp/test_event_skipping.cpp).
#include "buurtsim/rng.hpp"

#include <cmath>
#include <cstddef>

namespace buurtsim::detail {

/** A uniform in (0, 1) from the next 32 bits of g (r123::u01: never 0, so its log is finite). */
inline double next_u01(rng::Urng& g) { return r123::u01<double>(g()); }

/** Calls chosen(k) for each k in [0, n) in increasing order, each chosen independently with probability q,
 *  drawing from g only the gaps between them (one uniform per chosen k, and one for the gap past the last);
 *  chosen may draw from g too. q <= 0 or NaN: none; q >= 1: every k. */
template <class F>
void for_each_chosen(rng::Urng& g, double q, std::size_t n, F&& chosen) {
    if (!(q > 0.0)) return;
    if (q >= 1.0) {
        for (std::size_t k = 0; k < n; ++k) chosen(k);
        return;
    }
    // Failures before the next success: floor(log(u) / log(1 - q)), P(gap >= m) = P(u <= (1 - q)^m) = (1 - q)^m.
    const double per_log = 1.0 / std::log1p(-q);
    for (std::size_t k = 0; k < n; ++k) {
        const double gap = std::floor(std::log(next_u01(g)) * per_log);
        if (!(gap < double(n - k))) return;  // past the end (or an infinite gap)
        k += std::size_t(gap);
        chosen(k);
    }
}

}  // namespace buurtsim::detail
