#pragma once
// Each resident's ties summarised for wellbeing (loneliness and cohesion read
// them every week for every adult). Rescanning every row every week was a
// fifth of the run time, yet most rows change little: everyday street contact
// bumps one or two ties and ties fade only every fourth week. So the sums are
// kept as integers and updated where ties change:
//   - street contacts (the hot path, both ends in one buurt task) add the change
//     to both ends' sums at once;
//   - every other change (help, meetings, new ties; some cross buurten in
//     parallel tasks) only marks both ends stale, and observe rescans those rows;
//   - the decay pass rescans every row it fades.
// Integer sums make the kept values exactly what a rescan gives, so results are
// bit-identical to rescanning (tests/cpp/test_tie_sums.cpp checks it every week).
#include "state.hpp"

#include <atomic>

namespace buurtsim {

/** @brief The integer sums of resident i's row (a rescan). */
TieSummary summarise_ties(const Network& net, const Population& pop, std::uint32_t i);

/** @brief The wellbeing view of a summary. */
Embedding embedding_from(const TieSummary& t);

/** @brief Mark i's summary stale: safe from parallel tasks (a relaxed store of a constant). */
inline void mark_ties_stale(State& s, std::uint32_t i) {
    std::atomic_ref<std::uint8_t>(s.ties_stale[i]).store(1, std::memory_order_relaxed);
}

}  // namespace buurtsim
