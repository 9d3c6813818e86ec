#pragma once
// A scan of a network row for one neighbour, shared by Network::find and the
// phases that scan rows through their own pointers (street contacts, visits).
#include <cstdint>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace buurtsim::detail {

/** The first slot of [from, to) holding `id` (or `to`): eight entries a step, so the scan's exit, at a place
 *  in the row that is a coin toss, is a jump mispredicted about half as often as one entry a step. */
inline std::uint64_t first_of(const std::uint32_t* __restrict neighbour, std::uint64_t from, std::uint64_t to,
                              std::uint32_t id) {
    std::uint64_t t = from;
#if defined(__SSE2__)
    const __m128i key = _mm_set1_epi32(int(id));
    for (; t + 8 <= to; t += 8) {
        const __m128i a = _mm_loadu_si128(reinterpret_cast<const __m128i*>(neighbour + t));
        const __m128i c = _mm_loadu_si128(reinterpret_cast<const __m128i*>(neighbour + t + 4));
        const int hit = _mm_movemask_ps(_mm_castsi128_ps(_mm_cmpeq_epi32(a, key))) |
                        (_mm_movemask_ps(_mm_castsi128_ps(_mm_cmpeq_epi32(c, key))) << 4);
        if (hit) return t + std::uint64_t(__builtin_ctz(unsigned(hit)));
    }
#endif
    while (t < to && neighbour[t] != id) ++t;
    return t;
}

}  // namespace buurtsim::detail
