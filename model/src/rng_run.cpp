// Philox blocks for a run of agents (rng.hpp, Key::blocks4). Most phases draw
// one block per resident per week; one at a time, each block is a chain of ten
// dependent multiply rounds (about 7 ns). Four groups of eight agents in AVX2
// registers hide that latency (about 1.6 ns an agent on the 2-core machine); with AVX-512, two groups
// of sixteen.
// The arithmetic is Random123's Philox4x32-10 round for round, so the bits are
// the same; machines without AVX2 take the scalar path. A phase that draws for
// adults only asks for their ids (Key::blocks4_of): a block depends on its
// agent's id alone, so it is the same block, and children's are not computed.
#include "buurtsim/rng.hpp"
#include "buurtsim/testing.hpp"

#include <immintrin.h>

namespace buurtsim::rng {
namespace {

constexpr std::uint32_t mul0 = 0xD2511F53u, mul1 = 0xCD9E8D57u;  // Philox4x32 multipliers
constexpr std::uint32_t weyl0 = 0x9E3779B9u, weyl1 = 0xBB67AE85u;  // key schedule
constexpr int groups = 4;                                          // groups of eight in flight
constexpr std::uint32_t batch = 8 * groups;

/// The blocks of agents first .. first + 31, or (listed) of the 32 agents ids[0 .. 32).
template <bool listed>
__attribute__((target("avx2"))) void blocks_avx2(std::uint32_t k0, std::uint32_t k1, std::uint32_t first,
                                                 const std::uint32_t* ids, std::uint32_t c1, std::uint32_t c2,
                                                 std::uint32_t c3, std::array<std::uint32_t, 4>* out) {
    const __m256i m0 = _mm256_set1_epi32(int(mul0)), m1 = _mm256_set1_epi32(int(mul1));
    const __m256i lane = _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7);
    __m256i x0[groups], x1[groups], x2[groups], x3[groups];
    for (int g = 0; g < groups; ++g) {
        if constexpr (listed)
            x0[g] = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(ids + 8 * g));
        else
            x0[g] = _mm256_add_epi32(_mm256_set1_epi32(int(first + 8u * g)), lane);
        x1[g] = _mm256_set1_epi32(int(c1));
        x2[g] = _mm256_set1_epi32(int(c2));
        x3[g] = _mm256_set1_epi32(int(c3));
    }
    std::uint32_t key0 = k0, key1 = k1;
    for (int round = 0; round < 10; ++round) {
        const __m256i kk0 = _mm256_set1_epi32(int(key0)), kk1 = _mm256_set1_epi32(int(key1));
        for (int g = 0; g < groups; ++g) {
            // 32 x 32 -> 64-bit products of the even and the odd lanes, split into high and low words.
            const __m256i e0 = _mm256_mul_epu32(x0[g], m0), o0 = _mm256_mul_epu32(_mm256_srli_epi64(x0[g], 32), m0);
            const __m256i e2 = _mm256_mul_epu32(x2[g], m1), o2 = _mm256_mul_epu32(_mm256_srli_epi64(x2[g], 32), m1);
            const __m256i hi0 = _mm256_blend_epi32(_mm256_srli_epi64(e0, 32), o0, 0xAA);
            const __m256i lo0 = _mm256_blend_epi32(e0, _mm256_slli_epi64(o0, 32), 0xAA);
            const __m256i hi2 = _mm256_blend_epi32(_mm256_srli_epi64(e2, 32), o2, 0xAA);
            const __m256i lo2 = _mm256_blend_epi32(e2, _mm256_slli_epi64(o2, 32), 0xAA);
            x0[g] = _mm256_xor_si256(_mm256_xor_si256(hi2, x1[g]), kk0);
            x2[g] = _mm256_xor_si256(_mm256_xor_si256(hi0, x3[g]), kk1);
            x1[g] = lo2;
            x3[g] = lo0;
        }
        key0 += weyl0;
        key1 += weyl1;
    }
    // Word w of agent l is lane l of x_w: a 4 x 8 transpose in registers, two agents' blocks per store
    // (through memory, the scalar copies cost a third of the kernel).
    for (int g = 0; g < groups; ++g) {
        const __m256i t0 = _mm256_unpacklo_epi32(x0[g], x1[g]), t1 = _mm256_unpackhi_epi32(x0[g], x1[g]);
        const __m256i t2 = _mm256_unpacklo_epi32(x2[g], x3[g]), t3 = _mm256_unpackhi_epi32(x2[g], x3[g]);
        const __m256i a04 = _mm256_unpacklo_epi64(t0, t2), a15 = _mm256_unpackhi_epi64(t0, t2);  // agents 0|4, 1|5
        const __m256i a26 = _mm256_unpacklo_epi64(t1, t3), a37 = _mm256_unpackhi_epi64(t1, t3);  // agents 2|6, 3|7
        auto* o = reinterpret_cast<__m256i*>(out + 8 * g);
        _mm256_storeu_si256(o + 0, _mm256_permute2x128_si256(a04, a15, 0x20));
        _mm256_storeu_si256(o + 1, _mm256_permute2x128_si256(a26, a37, 0x20));
        _mm256_storeu_si256(o + 2, _mm256_permute2x128_si256(a04, a15, 0x31));
        _mm256_storeu_si256(o + 3, _mm256_permute2x128_si256(a26, a37, 0x31));
    }
}

/// blocks_avx2 sixteen agents a register (AVX-512F): two groups of sixteen, the same 32 blocks, the same bits.
// GCC 12's _mm512_undefined_epi32 (inside the shifts and the multiply) initialises a value with itself,
// which -Wuninitialized reports (GCC bug 105593, fixed in GCC 13): not a fault of this code.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wuninitialized"
template <bool listed>
__attribute__((target("avx512f"))) void blocks_avx512(std::uint32_t k0, std::uint32_t k1, std::uint32_t first,
                                                      const std::uint32_t* ids, std::uint32_t c1, std::uint32_t c2,
                                                      std::uint32_t c3, std::array<std::uint32_t, 4>* out) {
    constexpr int g512 = batch / 16;
    const __m512i m0 = _mm512_set1_epi32(int(mul0)), m1 = _mm512_set1_epi32(int(mul1));
    const __m512i lane = _mm512_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15);
    constexpr __mmask16 odd = 0xAAAA;
    __m512i x0[g512], x1[g512], x2[g512], x3[g512];
    for (int g = 0; g < g512; ++g) {
        if constexpr (listed)
            x0[g] = _mm512_loadu_si512(ids + 16 * g);
        else
            x0[g] = _mm512_add_epi32(_mm512_set1_epi32(int(first + 16u * g)), lane);
        x1[g] = _mm512_set1_epi32(int(c1));
        x2[g] = _mm512_set1_epi32(int(c2));
        x3[g] = _mm512_set1_epi32(int(c3));
    }
    std::uint32_t key0 = k0, key1 = k1;
    for (int round = 0; round < 10; ++round) {
        const __m512i kk0 = _mm512_set1_epi32(int(key0)), kk1 = _mm512_set1_epi32(int(key1));
        for (int g = 0; g < g512; ++g) {
            const __m512i e0 = _mm512_mul_epu32(x0[g], m0), o0 = _mm512_mul_epu32(_mm512_srli_epi64(x0[g], 32), m0);
            const __m512i e2 = _mm512_mul_epu32(x2[g], m1), o2 = _mm512_mul_epu32(_mm512_srli_epi64(x2[g], 32), m1);
            const __m512i hi0 = _mm512_mask_blend_epi32(odd, _mm512_srli_epi64(e0, 32), o0);
            const __m512i lo0 = _mm512_mask_blend_epi32(odd, e0, _mm512_slli_epi64(o0, 32));
            const __m512i hi2 = _mm512_mask_blend_epi32(odd, _mm512_srli_epi64(e2, 32), o2);
            const __m512i lo2 = _mm512_mask_blend_epi32(odd, e2, _mm512_slli_epi64(o2, 32));
            x0[g] = _mm512_xor_si512(_mm512_xor_si512(hi2, x1[g]), kk0);
            x2[g] = _mm512_xor_si512(_mm512_xor_si512(hi0, x3[g]), kk1);
            x1[g] = lo2;
            x3[g] = lo0;
        }
        key0 += weyl0;
        key1 += weyl1;
    }
    // The 4 x 16 transpose: within each 128-bit lane j the unpacks give the blocks of agents 4j .. 4j + 3
    // (a0 .. a3); the lane shuffles then put agents 0-3, 4-7, 8-11 and 12-15 in one register each.
    for (int g = 0; g < g512; ++g) {
        const __m512i t0 = _mm512_unpacklo_epi32(x0[g], x1[g]), t1 = _mm512_unpackhi_epi32(x0[g], x1[g]);
        const __m512i t2 = _mm512_unpacklo_epi32(x2[g], x3[g]), t3 = _mm512_unpackhi_epi32(x2[g], x3[g]);
        const __m512i a0 = _mm512_unpacklo_epi64(t0, t2), a1 = _mm512_unpackhi_epi64(t0, t2);
        const __m512i a2 = _mm512_unpacklo_epi64(t1, t3), a3 = _mm512_unpackhi_epi64(t1, t3);
        constexpr int even = 0 | 2 << 2 | 0 << 4 | 2 << 6, odds = 1 | 3 << 2 | 1 << 4 | 3 << 6;
        const __m512i u = _mm512_shuffle_i64x2(a0, a1, even), v = _mm512_shuffle_i64x2(a2, a3, even);
        const __m512i w = _mm512_shuffle_i64x2(a0, a1, odds), z = _mm512_shuffle_i64x2(a2, a3, odds);
        auto* o = reinterpret_cast<__m512i*>(out + 16 * g);
        _mm512_storeu_si512(o + 0, _mm512_shuffle_i64x2(u, v, even));
        _mm512_storeu_si512(o + 1, _mm512_shuffle_i64x2(w, z, even));
        _mm512_storeu_si512(o + 2, _mm512_shuffle_i64x2(u, v, odds));
        _mm512_storeu_si512(o + 3, _mm512_shuffle_i64x2(w, z, odds));
    }
}
#pragma GCC diagnostic pop

bool have_avx2() {
    static const bool yes = __builtin_cpu_supports("avx2");
    return yes;
}

/// Key::blocks4 (agents first, first + 1, ...) and Key::blocks4_of (agents ids[0], ids[1], ...).
template <bool listed>
void blocks_for(const Philox::ukey_type& key, Stream s, std::uint32_t week, std::uint32_t first,
                const std::uint32_t* ids, std::uint32_t count, std::uint32_t sub, std::array<std::uint32_t, 4>* out,
                bool simd) {
    // The counter of uniform4: (agent, week, stream and sub, the uniform4 tag).
    const std::uint32_t c1 = week, c2 = (std::uint32_t(s) << 16) | (sub & 0xFFFFu), c3 = 0x80000000u;
    std::uint32_t k = 0;
    // The widest kernel the processor has (wide_level: 2 AVX-512, 1 AVX2), all with the same bits.
    const int level = simd ? wide_level() : 0;
    if (level >= 2)
        for (; k + batch <= count; k += batch)
            blocks_avx512<listed>(key[0], key[1], first + k, listed ? ids + k : nullptr, c1, c2, c3, out + k);
    else if (level == 1 && have_avx2())
        for (; k + batch <= count; k += batch)
            blocks_avx2<listed>(key[0], key[1], first + k, listed ? ids + k : nullptr, c1, c2, c3, out + k);
    for (; k < count; ++k) {
        const Philox::ctr_type c{{listed ? ids[k] : first + k, c1, c2, c3}};
        const Philox::ctr_type r = Philox()(c, Philox::key_type(key));
        out[k] = {r[0], r[1], r[2], r[3]};
    }
}

}  // namespace

void Key::blocks4(Stream s, std::uint32_t week, std::uint32_t first, std::uint32_t count, std::uint32_t sub,
                  std::array<std::uint32_t, 4>* out, bool simd) const {
    blocks_for<false>(key, s, week, first, nullptr, count, sub, out, simd);
}

void Key::blocks4_of(Stream s, std::uint32_t week, const std::uint32_t* ids, std::uint32_t count, std::uint32_t sub,
                     std::array<std::uint32_t, 4>* out, bool simd) const {
    blocks_for<true>(key, s, week, 0, ids, count, sub, out, simd);
}

}  // namespace buurtsim::rng
