#pragma once
// Private helpers shared by the phase files.
#include "engine.hpp"
#include "row_scan.hpp"

#include "buurtsim/testing.hpp"

#include <boost/random/geometric_distribution.hpp>
#include <oneapi/tbb/parallel_for.h>

#include <algorithm>
#include <bit>
#include <cmath>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace buurtsim::detail {

constexpr std::uint8_t adult_age = 18;
constexpr std::uint8_t youth_help_age = 15;
constexpr std::uint8_t senior_age = 65;
constexpr std::uint8_t volunteer_max_age = 84;

/** Run fn(b) for every buurt in parallel; a buurt's residents are one id range. */
template <class Fn>
void for_each_buurt(std::size_t buurten, Fn&& fn) {
    tbb::parallel_for(std::size_t(0), buurten, [&](std::size_t b) { fn(std::uint32_t(b)); });
}

/** fn(b) for one buurt, compiled for AVX2 (four doubles wide) or AVX-512 (eight): fn is inlined here (it
 *  must be marked always_inline), so its loops are vectorised that wide. The same IEEE operations as the
 *  baseline build, lane by lane (no multiply-add is contracted: -ffp-contract=off, CMakeLists.txt), hence
 *  the same bits; test_simulation runs every build the processor has and compares them. */
template <class Fn>
__attribute__((target("avx2"))) void run_avx2(Fn& fn, std::uint32_t b) {
    fn(b);
}
template <class Fn>
__attribute__((target("avx512f,avx512dq,avx512bw,avx512vl,prefer-vector-width=512"))) void run_avx512(Fn& fn,
                                                                                                      std::uint32_t b) {
    fn(b);
}

/** for_each_buurt for phases whose per-buurt loops vectorise: the body runs compiled for the widest of
 *  AVX-512 and AVX2 the processor has (wide_level, testing.hpp; set_wide_level lowers it for tests), else
 *  as compiled for the baseline. fn must be always_inline. */
template <class Fn>
void for_each_buurt_wide(std::size_t buurten, Fn&& fn) {
    switch (wide_level()) {
        case 2: tbb::parallel_for(std::size_t(0), buurten, [&](std::size_t b) { run_avx512(fn, std::uint32_t(b)); }); break;
        case 1: tbb::parallel_for(std::size_t(0), buurten, [&](std::size_t b) { run_avx2(fn, std::uint32_t(b)); }); break;
        default: for_each_buurt(buurten, fn);
    }
}

/** The Philox blocks of n residents ids[0 .. n) for one (stream, week, sub), into a buffer the thread keeps
 *  (no vector allocated and zeroed per buurt and call); index by position in ids (Key::blocks4_of). */
inline const std::array<std::uint32_t, 4>* blocks_of(const rng::Key& key, rng::Stream s, std::uint32_t week,
                                                    const std::uint32_t* ids, std::uint32_t n, std::uint32_t sub,
                                                    std::vector<std::array<std::uint32_t, 4>>& buf) {
    if (buf.size() < n) buf.resize(n);
    key.blocks4_of(s, week, ids, n, sub, buf.data());
    return buf.data();
}

/** 1 + Geometric(1/mean) by inversion of one uniform: mean weeks `mean`, at least 1. */
inline std::uint32_t geometric_weeks(double u, double mean) {
    if (mean <= 1.0) return 1;
    const double p = 1.0 / mean;
    return 1u + std::uint32_t(std::floor(std::log(u) / std::log1p(-p)));
}

/** Weeks a new care relationship lasts: 1 + Geometric(1/mean) drawn from g, capped to fit care_weeks. */
template <class Urng>
std::uint16_t care_weeks_draw(Urng& g, double mean) {
    return std::uint16_t(std::min<std::uint32_t>(
        65535, 1u + boost::random::geometric_distribution<std::uint32_t, double>(1.0 / mean)(g)));
}

/** u < 1 - exp(-rate): a weekly rate as a Bernoulli draw, decided without a libm call almost always.
 *  For 1e-6 < rate < 1, 1 - exp(-rate) lies in [rate - rate^2 / 2, rate) with room to spare, so a uniform
 *  outside that narrow band decides the same way as the exact value (what `-std::expm1(-rate)` computes to
 *  within an ulp); inside it, or for other rates, it is computed. The result always equals
 *  `u < -std::expm1(-rate)` (tests/cpp/test_rate_draw.cpp checks it).
 *  The quick answer alone (rate_draw_quick), for loops that vectorise and settle the undecided after:
 *  `yes` is the draw where `decided` is 1. Both quick answers are computed: which one a resident gets is
 *  a coin toss to the branch predictor. A zero rate (no risk at all) is quick too: its band is empty
 *  ([0, 0)), and u < 0 is the exact answer. */
inline unsigned rate_draw_quick(double u, double rate, unsigned& decided) {
    const unsigned no = u >= rate, yes = u < (rate - 0.5 * rate * rate) * (1.0 - 1e-9);
    const unsigned quick = (unsigned(rate > 1e-6) & unsigned(rate < 1.0)) | unsigned(rate == 0.0);
    decided = quick & (no | yes);
    return yes;
}

inline bool rate_draw(double u, double rate) {
    unsigned decided;
    const unsigned yes = rate_draw_quick(u, rate, decided);
    if (decided) return yes;  // one jump, taken almost always
    return u < -std::expm1(-rate);
}

/** r123::u01<double>(x) (x * 2^-32 + 2^-33), written so that a loop of them vectorises: SSE2 converts
 *  only signed integers, and x - 2^31 as a signed int, converted and given 2^31 back, is exactly double(x). */
inline double u01_vec(std::uint32_t x) {
    return (double(std::int32_t(x ^ 0x80000000u)) + 2147483648.0) * (1.0 / 4294967296.0) + (0.5 / 4294967296.0);
}

/** A buurt's draws for a loop over all its residents that vectorises (buurt_uniforms). */
struct BuurtUniforms {
    const double* u;                             ///< word w of resident rb + k at u[w * (re - rb) + k]
    const std::array<std::uint32_t, 4>* blocks;  ///< resident rb + k's whole block at blocks[k], for the rare passes
};

/** The Philox blocks of residents rb .. re - 1 for one (stream, week), sub 0 (Key::blocks4: the bits
 *  uniform4 gives), and the first `words` of them converted by u01_vec in a pass of their own (read from
 *  the blocks inside such a loop, they kept it from vectorising). In buffers the thread keeps (no vector
 *  allocated per buurt and call), valid until the thread's next call with the same `words`: a phase's
 *  per-buurt task, which starts no other work meanwhile. always_inline, so that in a for_each_buurt_wide
 *  body the conversion is vectorised as wide as the body. */
template <int words>
[[gnu::always_inline]] inline BuurtUniforms buurt_uniforms(const rng::Key& key, rng::Stream s, std::uint32_t week,
                                                          std::uint32_t rb, std::uint32_t re) {
    static_assert(words >= 1 && words <= 4);
    thread_local std::vector<std::array<std::uint32_t, 4>> block_buf;
    thread_local std::vector<double> u_buf;
    const std::size_t n = re - rb;
    if (block_buf.size() < n) block_buf.resize(n);
    if (u_buf.size() < words * n) u_buf.resize(words * n);
    key.blocks4(s, week, rb, re - rb, 0, block_buf.data());
    const std::array<std::uint32_t, 4>* __restrict blocks = block_buf.data();
    double* __restrict u = u_buf.data();
    for (std::size_t k = 0; k < n; ++k)
        for (int w = 0; w < words; ++w) u[std::size_t(w) * n + k] = u01_vec(blocks[k][w]);
    return {u, blocks};
}

/** std::min(hi, std::max(lo, x)), the same value for every x (NaN included), without a jump: GCC turns
 *  std::min and std::max on doubles into jumps, and in the per-resident loops which way a value falls is
 *  a coin toss to the branch predictor. MAXSD(x, lo) is x > lo ? x : lo, which is std::max(lo, x);
 *  MINSD(m, hi) is m < hi ? m : hi, which is std::min(hi, m). */
inline double clamp_exact(double x, double lo, double hi) {
#if defined(__SSE2__)
    return _mm_cvtsd_f64(_mm_min_sd(_mm_max_sd(_mm_set_sd(x), _mm_set_sd(lo)), _mm_set_sd(hi)));
#else
    return std::min(hi, std::max(lo, x));
#endif
}

/** std::max(lo, x) without a jump, the same value for every x (NaN included): clamp_exact's MAXSD alone,
 *  and MAXSS for floats. */
inline double max_exact(double x, double lo) {
#if defined(__SSE2__)
    return _mm_cvtsd_f64(_mm_max_sd(_mm_set_sd(x), _mm_set_sd(lo)));
#else
    return std::max(lo, x);
#endif
}

inline float max_exact(float x, float lo) {
#if defined(__SSE2__)
    return _mm_cvtss_f32(_mm_max_ss(_mm_set_ss(x), _mm_set_ss(lo)));
#else
    return std::max(lo, x);
#endif
}

inline float clamp01(double x) { return float(clamp_exact(x, 0.0, 1.0)); }

/** clamp01(x), written so that a loop of them vectorises (clamp_exact's intrinsics are a jump to GCC):
 *  in float, by bit masks. The same value for every x: rounding to float keeps order and 0 and 1, so
 *  float(x) lies past a bound exactly when x does (an overflow gives an infinity); the masks do what MAXSS
 *  and MINSS do (v > 0 ? v : +0, then m < 1 ? m : 1), so a NaN gives 0 as clamp_exact's MAXSD does.
 *  Masks, not ternaries: GCC moves a multiply of the result into a ternary's arms, and then it does not
 *  vectorise. */
inline float clamp01_vec(double x) {
    const float v = float(x);
    const std::uint32_t m = std::bit_cast<std::uint32_t>(v) & (0u - std::uint32_t(v > 0.f));  // +0.0: all zero bits
    const std::uint32_t below1 = 0u - std::uint32_t(std::bit_cast<float>(m) < 1.f);
    return std::bit_cast<float>((m & below1) | (0x3f800000u & ~below1));  // 0x3f800000: 1.0f
}

/** `a` where `c` is 1, `b` where it is 0, by a mask on the bits: `c ? a : b` on doubles is a jump to GCC
 *  (a multiply by it is not if-converted), which keeps a loop of them from vectorising. */
inline double choose(unsigned c, double a, double b) {
    const std::uint64_t m = 0 - std::uint64_t(c);
    return std::bit_cast<double>((std::bit_cast<std::uint64_t>(a) & m) | (std::bit_cast<std::uint64_t>(b) & ~m));
}


/** `value` where `take` is 1, `old` where it is 0, by a mask: GCC turns the ternary of a store into a jump. */
template <class T>
inline T keep_unless(T old, T value, unsigned take) {
    using U = std::make_unsigned_t<T>;
    return T(U(old) ^ ((U(old) ^ U(value)) & (U(0) - U(take))));  // the mask as wide as T
}

}  // namespace buurtsim::detail

namespace buurtsim {

// Inline: the health phase calls it for every adult every week.
inline double Engine::self_reliance_target(std::uint32_t i) const {
    const HealthParams& h = params_.health;
    const double vulnerable[2] = {0.0, h.self_reliance_vulnerable};  // a table read, not a jump
    return h.self_reliance_base - vulnerable[pop_.vulnerability[i] != 0] -
           h.self_reliance_age_slope * std::max(0, int(pop_.age[i]) - int(detail::senior_age));
}

namespace detail {

/** The weekly question rate from a resident's age, vulnerability, self-reliance and episode: the one
 *  formula behind Engine::question_rate and the questions phase's vectorised loop. The multipliers are
 *  picked by bit masks (times 1.0 is exact): age group, vulnerability and episodes are coin tosses to the
 *  branch predictor, and a mask keeps a loop of these vectorisable. */
inline double question_rate_of(const QuestionParams& q, std::uint8_t age, std::uint8_t vulnerability,
                               float self_reliance, std::uint16_t episode_weeks) {
    double rate = choose(age >= senior_age, q.rate_65_plus, q.rate_18_64);
    rate *= choose(vulnerability != 0, q.vulnerable_multiplier, 1.0);
    rate *= 1.0 + q.low_self_reliance_effect * (1.0 - self_reliance);
    rate *= choose(episode_weeks > 0, q.episode_multiplier, 1.0);
    return rate;
}

}  // namespace detail

inline unsigned Engine::question_class(std::uint32_t i) const {
    return 2u * unsigned(pop_.age[i] >= detail::senior_age) + unsigned(pop_.vulnerability[i] != 0);
}

// Inline: the initial care relationships weigh every adult by it.
inline double Engine::question_rate(std::uint32_t i) const {
    return detail::question_rate_of(params_.questions, pop_.age[i], pop_.vulnerability[i], state_.self_reliance[i],
                                    state_.episode_weeks[i]);
}

}  // namespace buurtsim
