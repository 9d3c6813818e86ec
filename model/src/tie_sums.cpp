// Tie summaries for wellbeing (why they are kept rather than rescanned: tie_sums.hpp).
#include "tie_sums.hpp"

#include <cmath>

namespace buurtsim {

// Sums are small integers, so a table of 2^15 covers nearly every row.
const std::vector<float> log1p_table = [] {
    std::vector<float> t(1u << 15);
    for (std::size_t k = 0; k < t.size(); ++k) t[k] = float(std::log1p(double(k) / 255.0));
    return t;
}();

TieSummary summarise_ties(const Network& net, const Population& pop, std::uint32_t i) {
    TieSummary t;
    // Residents are sorted by buurt, so "same buurt" is an id range test.
    const std::uint32_t lo = pop.buurt_begin[pop.buurt[i]], hi = pop.buurt_begin[pop.buurt[i] + 1u];
    for (std::uint64_t k = net.begin(i); k < net.end(i); ++k) {
        const std::uint32_t st = net.strength[k];
        const std::uint32_t j = net.neighbour[k];
        const bool local = j - lo < hi - lo;  // unsigned: also false below lo
        t.strength_all += st;
        t.strength_buurt += local ? st : 0u;
        t.ties_buurt += local;
        t.nonhousehold_buurt += local && net.type[k] != TieType::household;
    }
    return t;
}

Embedding embedding_from(const TieSummary& t) {
    Embedding e;
    e.ties_buurt = t.ties_buurt;
    e.nonhousehold_buurt = t.nonhousehold_buurt;
    e.strength_all = t.strength_all / 255.0;
    e.strength_buurt = t.strength_buurt / 255.0;
    e.log_all = log1p_strength(t.strength_all);
    e.log_buurt = log1p_strength(t.strength_buurt);
    return e;
}

}  // namespace buurtsim
