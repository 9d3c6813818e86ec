// Origin (population.cpp, point 7): each resident's CBS herkomst group, so that
// loneliness can depend on it. The counts per buurt are the targets of point 1
// (exact, largest remainder on the CBS counts); which residents get them is a
// uniform draw on the buurt's own sub-stream, made after everything else so
// the rest of the population is what it would be without origin.
#include "population_internal.hpp"

#include <boost/random/uniform_int_distribution.hpp>

#include <tbb/blocked_range.h>
#include <tbb/parallel_for.h>

#include <numeric>

namespace buurtsim::synth {

void draw_origin(Population& pop, const std::vector<RowChain>& chains, const rng::Key& key) {
    const std::size_t nb = pop.geo.buurten.size();
    pop.origin.assign(pop.size(), 0);
    tbb::parallel_for(tbb::blocked_range<std::size_t>(0, nb), [&](const tbb::blocked_range<std::size_t>& r) {
        for (std::size_t b = r.begin(); b != r.end(); ++b) {
            const std::uint32_t lo = pop.buurt_begin[b], n = pop.buurt_begin[b + 1] - lo;
            if (n == 0) continue;
            rng::Urng g = key.urng(rng::Stream::population, 0, std::uint32_t(chains[b].buurt), sub_origin);
            // Partial Fisher-Yates: the first k positions of a random permutation
            // take group 1, the next group 2, ... (group 0, herkomst Nederland, is the rest).
            std::vector<std::uint32_t> idx(n);
            std::iota(idx.begin(), idx.end(), lo);
            std::uint32_t at = 0;
            for (std::size_t k = 1; k < n_origin_groups; ++k) {
                for (std::uint32_t c = 0; c < pop.targets[b].origin[k] && at < n; ++c, ++at) {
                    std::swap(idx[at], idx[boost::random::uniform_int_distribution<std::uint32_t>(at, n - 1)(g)]);
                    pop.origin[idx[at]] = origin_groups[k];
                }
            }
        }
    });
}

}  // namespace buurtsim::synth
