// Phase 3: meeting. Adults want to visit the buurt's meeting places
// (buurtkamers, buurtcentra, activities) with a probability set by their
// inclination; when more want to come than the places can host, each is let
// in with probability seats / demand. Visitors talk with a few other visitors:
// an existing tie strengthens, a stranger becomes a weak tie with some
// probability. Everything stays inside one buurt, so buurten run in parallel
// and each is processed in a fixed order.
//
// Tie decay lives here too: ties met during the run fade exponentially and
// end when weak; generated neighbour, friend and weak ties fade towards a
// floor kept by everyday contact (otherwise the stock of acquaintances would
// shrink for years as a slow absorbing random walk: a drift, not a finding);
// household ties do not fade. Both ends of a tie change identically, so each
// end can be updated by its own resident's task.
#include "event_skipping.hpp"
#include "simulation_detail.hpp"
#include "tie_sums.hpp"

#include "buurtsim/error.hpp"
#include "buurtsim/testing.hpp"

#include <boost/random/poisson_distribution.hpp>
#include <boost/random/uniform_int_distribution.hpp>

#include <immintrin.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <utility>
#include <vector>

namespace buurtsim {
using namespace detail;

namespace {

using Block = std::array<std::uint32_t, 4>;

inline double u01(std::uint32_t x) { return r123::u01<double>(x); }

// std::uint64_t(u01(x) * n) for a row of n ties, in integers: u01 of 32 bits
// is exactly (2x + 1) / 2^33 as a double, and times a 16-bit n it stays exact
// (49 bits), so the truncated product and this shift are the same slot.
inline std::uint64_t pick(std::uint32_t x, std::uint16_t n) { return ((2 * std::uint64_t(x) + 1) * n) >> 33; }

/** One row's fade (ties_decay): each slot's table entry in place of its strength, and the row's sums, as
 *  the scalar loop computes them (integer sums: the same in any order), eight slots at a time with an
 *  AVX-512 gather of the entries; the row's tail by masks (a masked load reads nothing past the row). */
struct RowFade {
    std::uint32_t all;
    std::uint64_t local_sums, any_ends;
};
// GCC 12's _mm512_undefined_* initialise a value with itself, which -W(maybe-)uninitialized reports
// (GCC bug 105593, fixed in GCC 13).
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wuninitialized"
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
__attribute__((target("avx512f,avx512dq,avx512bw,avx512vl"))) RowFade fade_row_avx512(
    std::uint64_t begin, std::uint64_t end, const TieType* __restrict type, std::uint8_t* __restrict strength,
    const std::uint32_t* __restrict neighbour, const std::uint64_t* __restrict table, std::uint32_t lo, std::uint32_t hi) {
    __m512i all = _mm512_setzero_si512(), local = _mm512_setzero_si512(), any = _mm512_setzero_si512();
    const __m512i low_byte = _mm512_set1_epi64(0xFF);
    const __m256i first = _mm256_set1_epi32(int(lo)), span = _mm256_set1_epi32(int(hi - lo));
    for (std::uint64_t t = begin; t < end; t += 8) {
        const std::uint64_t left = end - t;
        const __mmask8 m = left >= 8 ? __mmask8(0xFF) : __mmask8((1u << left) - 1u);
        const __m512i ty = _mm512_cvtepu8_epi64(_mm_maskz_loadu_epi8(m, type + t));
        const __m512i st = _mm512_cvtepu8_epi64(_mm_maskz_loadu_epi8(m, strength + t));
        const __m512i e = _mm512_mask_i64gather_epi64(_mm512_setzero_si512(), m,
                                                      _mm512_or_si512(_mm512_slli_epi64(ty, 8), st), table, 8);
        _mm512_mask_cvtepi64_storeu_epi8(strength + t, m, e);  // the faded strength: the entry's low byte
        any = _mm512_or_si512(any, e);
        all = _mm512_add_epi64(all, _mm512_and_si512(e, low_byte));
        const __m256i rel = _mm256_sub_epi32(_mm256_maskz_loadu_epi32(m, neighbour + t), first);
        local = _mm512_mask_add_epi64(local, _mm256_mask_cmplt_epu32_mask(m, rel, span), local, e);
    }
    return {std::uint32_t(_mm512_reduce_add_epi64(all)), std::uint64_t(_mm512_reduce_add_epi64(local)),
            std::uint64_t(_mm512_reduce_or_epi64(any))};
}
#pragma GCC diagnostic pop

}  // namespace

// Everyday contact keeps ties within the buurt alive: each adult meets a few
// random ties a week; ties to other buurten and household ties are not touched.
//
// In passes, for speed: the first draws every adult's contacts, the last
// applies them in the same order. Reading a picked tie and the other end's row
// are both misses at random, so each pass fetches a few contacts ahead into
// cache. Contacts change strengths only, never which ties a row holds, so
// drawing them first picks the same ties as drawing them one by one: the
// results are those of the one-pass loop.
//
// The arrays are read through local __restrict pointers: strengths are bytes,
// and a byte store may alias anything, so through the members the compiler
// reloaded every vector's start after each store.
void Engine::street_contacts(std::uint32_t b) {
    const std::uint32_t rb = pop_.buurt_begin[b], re = pop_.buurt_begin[b + 1];
    const double mean = params_.meeting.street_contacts;
    if (mean <= 0) return;
    // A Poisson count by inversion, capped at 3 a week (which removes under 2 %
    // of contacts at mean 1): the cdf at 0, 1 and 2 computed with the same
    // operations in the same order as the step-by-step inversion did. The cdf
    // never decreases, so the count is how many of the three u exceeds: the
    // same count, without a branch the predictor cannot learn.
    double p = std::exp(-mean);
    const double cdf0 = p;
    p *= mean / 1;
    const double cdf1 = cdf0 + p;
    p *= mean / 2;
    const double cdf2 = cdf1 + p;
    const double bump = std::round(params_.ties.encounter_bump);

    const std::uint64_t* __restrict offset = net_.offset.data();
    const std::uint16_t* __restrict count = net_.count.data();
    const std::uint32_t* __restrict neighbour = net_.neighbour.data();
    const TieType* __restrict type = net_.type.data();
    std::uint8_t* __restrict strength = net_.strength.data();
    float* __restrict contacts_week = state_.contacts_week.data();
    TieSummary* __restrict ties = state_.ties.data();

    struct Contact {
        std::uint64_t slot;  // in i's row
        std::uint32_t i, j;
    };
    thread_local std::vector<Contact> contact_buf;
    thread_local std::vector<Block> block_buf;
    if (contact_buf.size() < 3 * std::size_t(re - rb) + 3) contact_buf.resize(3 * std::size_t(re - rb) + 3);
    Contact* __restrict contacts = contact_buf.data();
    // Adults only, so only their blocks are drawn, indexed by the position in the buurt's list of adults.
    const std::uint32_t a_begin = adults_begin_[b], a_end = adults_begin_[b + 1];
    const Block* __restrict blocks = blocks_of(key_, rng::Stream::meeting, week_, adults_.data() + a_begin, a_end - a_begin, 2, block_buf);

    // The picks first: where each adult's contacts fall in its own row needs only the draws and the row's
    // place. First each adult's count (how many of the cdf's three values u0 exceeds, compared as 32-bit
    // words: u01 is increasing, so u01(x) > c exactly when x >= first_above(c)); the adults with one or
    // more are listed (61 % have none at the default mean). Then, for the listed only, three picks are
    // written and the count keeps n of them (none for an adult without ties), so no branch depends on a
    // draw. The same picks in the same order as one pass over every adult.
    const auto first_above = [](double c) {  // the least x with u01(x) > c, or 2^32 if none
        std::uint64_t lo = 0, hi = std::uint64_t(1) << 32;
        while (lo < hi) {
            const std::uint64_t mid = (lo + hi) / 2;
            if (u01(std::uint32_t(mid)) > c) hi = mid;
            else lo = mid + 1;
        }
        return lo;
    };
    const std::uint64_t above0 = first_above(cdf0), above1 = first_above(cdf1), above2 = first_above(cdf2);
    struct Meets {
        std::uint32_t a, n;  // position among the buurt's adults, contacts
    };
    thread_local std::vector<Meets> meets_buf;
    if (meets_buf.size() < std::size_t(a_end - a_begin)) meets_buf.resize(a_end - a_begin);
    Meets* __restrict meets = meets_buf.data();
    std::size_t listed = 0;
    for (std::uint32_t a = 0; a < a_end - a_begin; ++a) {
        const std::uint64_t x = blocks[a][0];
        const std::uint32_t n = std::uint32_t(x >= above0) + std::uint32_t(x >= above1) + std::uint32_t(x >= above2);
        meets[listed] = {a, n};
        listed += n != 0;
    }
    std::size_t m = 0;
    const std::uint32_t* __restrict adult_ids = adults_.data() + a_begin;
    for (std::size_t k = 0; k < listed; ++k) {
        const auto [a, n] = meets[k];
        const std::uint32_t i = adult_ids[a];
        const std::uint16_t degree = count[i];
        const Block& r = blocks[a];
        const std::uint64_t row = offset[i];
        for (int c = 0; c < 3; ++c) contacts[m + c] = {row + pick(r[1 + c], degree), i, 0};
        m += std::size_t(n) * std::size_t(degree != 0);
    }
    // Then the tie each pick lands on, its entry fetched a few picks ahead (the
    // rows themselves are far more than the picks read of them). Ties home and
    // out of the buurt are dropped, in place.
    const std::size_t picks = m;
    constexpr std::size_t picks_ahead = 32;  // a pick reads one entry: cheap to have many in flight
    m = 0;
    for (std::size_t k = 0; k < picks; ++k) {
        if (k + picks_ahead < picks) {
            __builtin_prefetch(&neighbour[contacts[k + picks_ahead].slot]);
            __builtin_prefetch(&type[contacts[k + picks_ahead].slot]);
        }
        const std::uint64_t t = contacts[k].slot;
        const std::uint32_t i = contacts[k].i, j = neighbour[t];
        contacts[m] = {t, i, j};
        m += unsigned(type[t] != TieType::household) & unsigned(j - rb < re - rb);
    }

    constexpr std::size_t ahead = 8;  // contacts fetched ahead: the row start first, then the row
    const auto fetch_start = [&](std::uint32_t j) {
        __builtin_prefetch(&offset[j]);
        __builtin_prefetch(&contacts_week[j], 1);
        __builtin_prefetch(&ties[j], 1);
    };
    const auto fetch_row = [&](std::uint32_t j) {
        __builtin_prefetch(&neighbour[offset[j]]);
        __builtin_prefetch(&strength[offset[j]], 1);
    };
    for (std::size_t k = 0; k < std::min(m, 2 * ahead); ++k) fetch_start(contacts[k].j);
    for (std::size_t k = 0; k < std::min(m, ahead); ++k) fetch_row(contacts[k].j);
    for (std::size_t k = 0; k < m; ++k) {
        if (k + 2 * ahead < m) fetch_start(contacts[k + 2 * ahead].j);
        if (k + ahead < m) fetch_row(contacts[k + ahead].j);
        const auto [t, i, j] = contacts[k];
        contacts_week[i] += 1.f;
        contacts_week[j] += 1.f;
        // The back edge (Network::find): a tie is stored at both ends, so the
        // scan from the row's start meets it among the row's ties, before any
        // stale entry past them; bounded by the row's capacity, it needs no
        // count[j], one line fewer to fetch per contact.
        const std::uint64_t jb = offset[j], jcap = offset[j + 1];
        const std::uint64_t back = first_of(neighbour, jb, jcap, i);
        BUURTSIM_ASSERT(back < jb + count[j]);
        const auto st = std::uint8_t(std::min(255.0, strength[t] + bump));
        // Both ends are in this buurt (tie_sums.hpp).
        const std::uint32_t gain = std::uint32_t(st) - strength[t];
        ties[i].strength_all += gain;
        ties[i].strength_buurt += gain;
        ties[j].strength_all += gain;
        ties[j].strength_buurt += gain;
        strength[t] = st;
        strength[back] = st;
    }
}

// Visits: who wants to come, who is let in, whom they talk with. Encounters
// are drawn for all visitors first and then applied in the same order (as in
// street_contacts): the draws depend on nothing the encounters change, and
// applying them in order sees each tie made earlier in the week, so the
// results are those of the one-pass loop; the second pass can fetch the rows
// of the visitors met a few encounters ahead.
void Engine::meeting() {
    const MeetingParams& m = params_.meeting;
    const TieParams& tp = params_.ties;
    State& s = state_;
    const double bump = std::round(tp.encounter_bump);  // bump_tie's rounding, once
    const auto new_strength = std::uint8_t(std::min(255.0, std::round(tp.encounter_bump * 2)));
    for_each_buurt(pop_.geo.buurten.size(), [&](std::uint32_t b) {
        const std::uint32_t rb = pop_.buurt_begin[b], re = pop_.buurt_begin[b + 1];
        street_contacts(b);
        const double per_1000 = levers_.seats_per_1000[b];  // the model's seats plus the components'
        const double seats = per_1000 * (re - rb) / 1000.0;
        thread_local std::vector<std::uint32_t> want_buf, visitors;
        if (want_buf.size() < re - rb) want_buf.resize(re - rb);
        visitors.clear();
        // Who wants to come: each adult with probability attend_rate x inclination (a lasting trait in
        // (0, 1)), by event skipping (event_skipping.hpp): a candidate with probability attend_rate, kept with
        // probability inclination. The draws are the buurt's own this week (sub 3), in a fixed order: the
        // candidates' gaps and keeps, then the admissions. `want` holds positions in the buurt's adults.
        const std::uint32_t a_begin = adults_begin_[b], a_end = adults_begin_[b + 1];
        const std::uint32_t* __restrict adult_ids = adults_.data() + a_begin;
        const float* __restrict inclination = s.inclination.data();
        std::uint32_t* __restrict want = want_buf.data();
        auto g = key_.urng(rng::Stream::meeting, week_, b, 3);
        std::size_t wants = 0;
        for_each_chosen(g, m.attend_rate, a_end - a_begin, [&](std::size_t a) {
            want[wants] = std::uint32_t(a);
            wants += next_u01(g) < inclination[adult_ids[a]];
        });
        const double admit = wants > seats ? seats / double(wants) : 1.0;
        // Who is let in, kept the same way (in place: the kept are never ahead of the read).
        // No draws when there is a seat for everyone (admit = 1: every draw would let them in).
        std::size_t admitted = wants;
        if (admit < 1.0) {
            admitted = 0;
            for (std::size_t k = 0; k < wants; ++k) {
                const std::uint32_t a = want[k];
                want[admitted] = a;
                admitted += next_u01(g) < admit;
            }
        }
        visitors.resize(admitted);
        for (std::size_t k = 0; k < admitted; ++k) visitors[k] = adult_ids[want[k]];
        s.week[b].visits = std::uint32_t(visitors.size());
        for (std::uint32_t v : visitors) s.visited_week[v] = week_ + 1;
        if (visitors.size() < 2) return;

        struct Encounter {
            std::uint32_t v, w;
            double u;  // a new tie if below new_tie_probability
        };
        thread_local std::vector<Encounter> met;
        met.clear();
        const boost::random::uniform_int_distribution<std::size_t> other(0, visitors.size() - 2);
        // Made once a buurt, not once a visitor (its exp): it keeps no state between draws.
        const boost::random::poisson_distribution<int, double> encounters(m.encounters_per_visit);
        for (std::uint32_t v : visitors) {
            auto g = key_.urng(rng::Stream::meeting, week_, v, 1);
            const int n = encounters(g);
            for (int k = 0; k < n; ++k) {
                // Uniform over the other visitors: skip v's own position.
                const std::size_t j = other(g);
                const std::uint32_t w = visitors[j] >= v ? visitors[j + 1] : visitors[j];
                met.push_back({v, w, r123::u01<double>(g())});
            }
        }

        // Local copies of the arrays' starts: add_tie changes counts, never where rows are.
        const std::uint64_t* offset = net_.offset.data();
        const std::uint16_t* count = net_.count.data();
        const std::uint32_t* neighbour = net_.neighbour.data();
        std::uint8_t* strength = net_.strength.data();
        float* contacts_week = s.contacts_week.data();
        TieSummary* ties = s.ties.data();
        const auto find = [&](std::uint32_t i, std::uint32_t j) {  // Network::find
            const std::uint64_t e = offset[i] + count[i], t = first_of(neighbour, offset[i], e, j);
            return t < e ? t : Network::npos;
        };
        constexpr std::size_t ahead = 8;  // encounters fetched ahead: the row starts first, then the rows
        const auto fetch_start = [&](const Encounter& e) {
            __builtin_prefetch(&offset[e.w]);
            __builtin_prefetch(&count[e.w]);
            __builtin_prefetch(&contacts_week[e.w], 1);
            __builtin_prefetch(&ties[e.w], 1);
        };
        const auto fetch_row = [&](const Encounter& e) {
            __builtin_prefetch(&neighbour[offset[e.v]]);
            __builtin_prefetch(&neighbour[offset[e.w]]);
            __builtin_prefetch(&strength[offset[e.w]], 1);
        };
        const std::size_t n_met = met.size();
        for (std::size_t k = 0; k < std::min(n_met, 2 * ahead); ++k) fetch_start(met[k]);
        for (std::size_t k = 0; k < std::min(n_met, ahead); ++k) fetch_row(met[k]);
        for (std::size_t k = 0; k < n_met; ++k) {
            if (k + 2 * ahead < n_met) fetch_start(met[k + 2 * ahead]);
            if (k + ahead < n_met) fetch_row(met[k + ahead]);
            const auto [v, w, u] = met[k];
            contacts_week[v] += 1.f;
            contacts_week[w] += 1.f;
            const std::uint64_t tv = find(v, w);
            if (tv != Network::npos) {
                // bump_tie, with the slot already found; both ends are in this buurt (tie_sums.hpp).
                const std::uint64_t tw = find(w, v);
                BUURTSIM_ASSERT(tw != Network::npos);
                const auto st = std::uint8_t(std::min(255.0, strength[tv] + bump));
                const std::uint32_t gain = std::uint32_t(st) - strength[tv];
                strength[tv] = st;
                strength[tw] = st;
                ties[v].strength_all += gain;
                ties[v].strength_buurt += gain;
                ties[w].strength_all += gain;
                ties[w].strength_buurt += gain;
            } else if (u < m.new_tie_probability) {
                add_tie(v, w, TieType::met, new_strength);
            }
        }
    });
}

void Engine::ties_decay() {
    const TieParams& tp = params_.ties;
    // Applied every fourth week with four weeks' worth of exponential decay:
    // a quarter of the passes over all ties, the same long-run rate.
    constexpr std::uint32_t every = 4;
    if (week_ % every != every - 1) return;
    const double keep_weak = std::pow(1.0 - tp.decay_weak, every), keep_other = std::pow(1.0 - tp.decay_other, every);
    const auto fade = [](std::uint8_t st, std::uint8_t floor, double keep) {
        return st > floor ? std::uint8_t(floor + std::floor((st - floor) * keep)) : st;
    };
    // The faded strength of every (type, strength), tabulated once a pass: the same
    // values as fading tie by tie, without a branch and a multiply per tie.
    // One flat table, indexed type * 256 + strength.
    constexpr std::size_t n_types = std::size_t(TieType::n_types);
    std::array<std::uint8_t, 256 * n_types> faded{};
    const std::pair<std::uint8_t, double> rule[] = {
        {0, 1.0},                                   // household: does not fade
        {std::uint8_t(tp.floor_neighbour), keep_other},
        {std::uint8_t(tp.floor_friend), keep_other},
        {std::uint8_t(tp.floor_weak), keep_weak},
        {0, keep_weak},                             // met: fades to nothing
    };
    for (std::size_t type = 0; type < n_types; ++type)
        for (int st = 0; st < 256; ++st)
            faded[type * 256 + std::size_t(st)] = type == std::size_t(TieType::household) ? std::uint8_t(st)
                                                                     : fade(std::uint8_t(st), rule[type].first, rule[type].second);
    // One entry per (type, strength before fading), read once per tie, laid out as what a tie to the own
    // buurt adds to the row's sums: bits 0-31 the faded strength (to strength_buurt; its low byte is the
    // strength itself), bits 32-47 one tie (ties_buurt), bits 48-63 one if not a household tie
    // (nonhousehold_buurt); bit 8 marks a tie that ends (a met tie faded below weak_min). So a tie costs
    // one table read, a mask by whether it stays in the buurt and one add, and no type test. No field
    // carries into the next (a row has under 65536 ties of at most 255), and bit 8 only pollutes the sums
    // of a row that loses a tie, which are summed afresh.
    std::array<std::uint64_t, 256 * n_types> entry{};
    for (std::size_t type = 0; type < n_types; ++type)
        for (std::size_t st = 0; st < 256; ++st) {
            const std::size_t k = type * 256 + st;
            const bool ends = type == std::size_t(TieType::met) && faded[k] < tp.weak_min;
            entry[k] = std::uint64_t(faded[k]) | std::uint64_t(ends) << 8 | std::uint64_t(1) << 32 |
                       std::uint64_t(type != std::size_t(TieType::household)) << 48;
        }
    const double weak_min = tp.weak_min;  // a met tie ends below it (the table's bit 8)
    const bool wide = wide_level() >= 2;   // the AVX-512 row kernel (the same sums and strengths)
    for_each_buurt(pop_.geo.buurten.size(), [&](std::uint32_t b) {
        const std::uint32_t lo = pop_.buurt_begin[b], hi = pop_.buurt_begin[b + 1];
        // Local __restrict pointers and sums: through the vectors every byte store to a strength made the
        // compiler reload the arrays' starts and keep the sums on the stack (a quarter of the pass stalled
        // on that store). The removal below is Network::remove_at, written on the same pointers.
        const std::uint64_t* __restrict offset = net_.offset.data();
        std::uint16_t* __restrict count = net_.count.data();
        std::uint32_t* __restrict neighbour = net_.neighbour.data();
        TieType* __restrict type = net_.type.data();
        std::uint8_t* __restrict strength = net_.strength.data();
        TieSummary* __restrict ties = state_.ties.data();
        const std::uint64_t* __restrict table = entry.data();
        for (std::uint32_t i = lo; i < hi; ++i) {
            // Every strength of the row changes: sum it afresh (tie_sums.hpp). First every tie faded and
            // summed with no jump (whether a tie stays in the buurt is a coin toss to the branch predictor),
            // noting whether any tie ends; then, if one does (a met tie faded below weak_min: rare), the row
            // is walked again as the one-pass loop did: an ending tie is replaced by the row's last, which
            // is faded there and may end too. Here the last is already faded, and fading each tie once,
            // ended or not, leaves the same ties in the same slots with the same strengths.
            std::uint32_t all = 0;
            std::uint64_t local_sums = 0, any_ends = 0;
            const std::uint64_t begin = offset[i];
            std::uint64_t end = begin + count[i];
            if (wide) {
                const RowFade f = fade_row_avx512(begin, end, type, strength, neighbour, table, lo, hi);
                all = f.all, local_sums = f.local_sums, any_ends = f.any_ends;
            } else {
                for (std::uint64_t t = begin; t < end; ++t) {
                    const std::uint64_t e = table[std::size_t(type[t]) * 256 + strength[t]];
                    const std::uint8_t st = std::uint8_t(e);
                    strength[t] = st;
                    any_ends |= e;
                    all += st;
                    local_sums += e & (0 - std::uint64_t(neighbour[t] - lo < hi - lo));
                }
            }
            std::uint32_t in_buurt = std::uint32_t(local_sums), ties_buurt = std::uint16_t(local_sums >> 32),
                          nonhousehold = std::uint16_t(local_sums >> 48);
            if (any_ends & 0x100u) {
                // The other end fades identically and goes too (Network::remove_at on these pointers).
                for (std::uint64_t t = begin; t < end;) {
                    if (type[t] == TieType::met && strength[t] < weak_min) {
                        --end;
                        neighbour[t] = neighbour[end];
                        type[t] = type[end];
                        strength[t] = strength[end];
                        --count[i];
                        continue;
                    }
                    ++t;
                }
                all = in_buurt = ties_buurt = nonhousehold = 0;
                for (std::uint64_t t = begin; t < end; ++t) {
                    const unsigned local = neighbour[t] - lo < hi - lo;
                    all += strength[t];
                    in_buurt += strength[t] & (0u - local);
                    ties_buurt += local;
                    nonhousehold += local & unsigned(type[t] != TieType::household);
                }
            }
            ties[i] = TieSummary{all, in_buurt, std::uint16_t(ties_buurt), std::uint16_t(nonhousehold)};
        }
    });
}

}  // namespace buurtsim
