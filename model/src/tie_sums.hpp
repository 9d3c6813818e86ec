#pragma once
// Each resident's ties summarised for wellbeing (loneliness and cohesion read
// them every week for every adult). Rescanning every row every week was a
// fifth of the run time, yet most rows change little: everyday street contact
// bumps one or two ties and ties fade only every fourth week. So the sums are
// kept as integers and updated where ties change: street contact, bump_tie
// and add_tie add the change to both ends' sums, and the decay pass sums each
// row as it fades it. A tie change writes both ends' rows, so it already has
// to run in a serial phase or with both ends in the calling buurt's task; the
// sums of both ends ride on that same rule.
// Integer sums make the kept values exactly what a rescan gives, so results are
// bit-identical to rescanning (tests/cpp/test_tie_sums.cpp checks it every week).
#include "state.hpp"

#include <cmath>
#include <vector>

namespace buurtsim {

/** @brief The integer sums of resident i's row (a rescan). */
TieSummary summarise_ties(const Network& net, const Population& pop, std::uint32_t i);

/** @brief log(1 + sum / 255) for sums below this, tabulated (every adult needs two a week). */
extern const std::vector<float> log1p_table;

/** @brief log(1 + sum / 255) of an integer strength sum (the table's float where it has one). */
inline double log1p_strength(std::uint32_t sum) {
    return sum < log1p_table.size() ? double(log1p_table[sum]) : std::log1p(sum / 255.0);
}

/** @brief The wellbeing view of a summary. */
Embedding embedding_from(const TieSummary& t);

/** @brief Add a tie's change to the sums of its end `i` (the other end is `j`).
 *  @param gain change of strength (unsigned arithmetic: a fall wraps and still sums exactly)
 *  @param added the tie is new (counted in the buurt's ties) */
inline void add_to_summary(TieSummary& t, const Population& pop, std::uint32_t i, std::uint32_t j, std::uint32_t gain,
                           bool added, TieType type) {
    t.strength_all += gain;
    if (pop.buurt[i] != pop.buurt[j]) return;
    t.strength_buurt += gain;
    if (!added) return;
    ++t.ties_buurt;
    t.nonhousehold_buurt += type != TieType::household;
}

}  // namespace buurtsim
