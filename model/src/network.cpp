// Network generation. Every resident proposes ties with its own random
// stream (keyed by resident id) and proposals are gathered per buurt. Each
// proposal is then filed in both ends' rows, and each row is sorted and
// de-duplicated on its own: a row is a function of the proposals that name
// its resident, whatever the order they were filed in, so the network is a
// pure function of (seed, replicate) whatever the thread count.
#include "buurtsim/network.hpp"

#include "buurtsim/error.hpp"
#include "buurtsim/rng.hpp"
#include "row_scan.hpp"

// One Poisson distribution per buurt (Counts below) makes GCC lose track of which member of the
// distribution's union its constructor set, and warn inside Boost; the union is set for the mean it holds.
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#endif
#include <boost/random/poisson_distribution.hpp>
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic pop
#endif
#include <boost/random/uniform_int_distribution.hpp>
#include <boost/random/uniform_01.hpp>
#include <oneapi/tbb/parallel_for.h>
#include <oneapi/tbb/blocked_range.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <memory>

namespace buurtsim {
namespace {

// Sub-stream per generator so adding one never shifts another's draws.
enum Sub : std::uint32_t { sub_neighbour = 1, sub_friend = 2, sub_weak = 3 };

// Initial tie strength (0..255) by type; issue 3 lets it evolve with contact.
constexpr std::array<std::uint8_t, 4> initial_strength = {200, 80, 150, 40};

constexpr std::uint8_t min_friend_age = 15;     // younger children: household ties only
constexpr std::uint8_t min_neighbour_age = 18;  // neighbour contact is between adults
constexpr int max_attempts = 8;                 // rejection sampling bound per proposed tie

// A row entry before the row is final: the other end's id times 8 plus the type. Sorting a row's
// entries orders them by neighbour and, for one neighbour, strongest type first: the first is the tie kept.
constexpr unsigned type_bits = 3;
static_assert(std::size_t(TieType::n_types) <= (1u << type_bits));
static_assert(max_residents < (std::uint64_t(1) << (32 - type_bits)));
constexpr std::uint32_t entry(std::uint32_t other, TieType t) { return other << type_bits | std::uint32_t(t); }

/// A proposed tie between `a` and the entry's resident.
struct Edge {
    std::uint32_t a, b_type;
};

Edge make_edge(std::uint32_t a, std::uint32_t b, TieType t) { return {a, entry(b, t)}; }

// Residents eligible as friends, indexed city-wide and per buurt by age band,
// so a draw with age homophily is one uniform index.
struct Candidates {
    std::array<std::vector<std::uint32_t>, n_age_bands> city;
    std::vector<std::array<std::vector<std::uint32_t>, n_age_bands>> buurt;
    std::vector<std::vector<std::uint32_t>> buurt_all;  // every 15+ resident of the buurt
    std::vector<std::uint32_t> city_all;
};

Candidates index_candidates(const Population& pop) {
    Candidates c;
    const std::size_t nb = pop.geo.buurten.size();
    c.buurt.resize(nb);
    c.buurt_all.resize(nb);
    for (std::uint32_t i = 0; i < pop.size(); ++i) {
        if (pop.age[i] < min_friend_age) continue;
        const AgeBand band = age_band(pop.age[i]);
        c.city[band].push_back(i);
        c.city_all.push_back(i);
        c.buurt[pop.buurt[i]][band].push_back(i);
        c.buurt_all[pop.buurt[i]].push_back(i);
    }
    return c;
}

template <class Urng>
std::size_t pick_index(std::size_t size, Urng& g) {
    return boost::random::uniform_int_distribution<std::size_t>(0, size - 1)(g);
}

template <class Urng>
std::uint32_t pick(const std::vector<std::uint32_t>& v, Urng& g) {
    return v[pick_index(v.size(), g)];
}

void propose_household(const Population& pop, std::uint32_t h, std::vector<Edge>& out) {
    const std::uint32_t b = pop.household_begin[h], e = pop.household_begin[h + 1];
    for (std::uint32_t i = b; i < e; ++i)
        for (std::uint32_t j = i + 1; j < e; ++j) out.push_back(make_edge(i, j, TieType::household));
}

// Street block = a run of consecutive households in the buurt: the synthetic
// population has no addresses, so household order stands in for the street.
// The Poisson counts' distributions, made once: a Boost Poisson distribution keeps only its mean and the
// constants derived from it, so one object draws exactly what a fresh one per resident drew.
struct Counts {
    boost::random::poisson_distribution<int, double> neighbour, friend_, weak;
    explicit Counts(const NetworkParams& p) : neighbour(p.neighbour_ties), friend_(p.friend_ties), weak(p.weak_ties) {}
};

/// Whether j lives in i's household: households are id ranges, so this reads i's bounds, not j's record
/// (a random read per pick, which was most of the proposals' time).
bool same_household(const Population& pop, std::uint32_t i, std::uint32_t j) {
    const std::uint32_t h = pop.household[i];
    return j - pop.household_begin[h] < pop.household_begin[h + 1] - pop.household_begin[h];
}

void propose_neighbours(const Population& pop, Counts& counts, const rng::Key& key,
                        std::uint32_t block_begin, std::uint32_t block_end, std::vector<Edge>& out) {
    const std::uint32_t span = block_end - block_begin;
    if (span < 2) return;
    for (std::uint32_t i = block_begin; i < block_end; ++i) {
        if (pop.age[i] < min_neighbour_age) continue;
        auto g = key.urng(rng::Stream::network, 0, i, sub_neighbour);
        const int n = counts.neighbour(g);
        boost::random::uniform_int_distribution<std::uint32_t> any(block_begin, block_end - 1);
        for (int k = 0; k < n; ++k) {
            for (int attempt = 0; attempt < max_attempts; ++attempt) {
                const std::uint32_t j = any(g);
                if (same_household(pop, i, j) || pop.age[j] < min_neighbour_age) continue;
                out.push_back(make_edge(i, j, TieType::neighbour));
                break;
            }
        }
    }
}

void propose_friends_and_weak(const Population& pop, const NetworkParams& p, Counts& counts, const rng::Key& key,
                              const Candidates& c, std::uint32_t i, std::vector<Edge>& out) {
    if (pop.age[i] < min_friend_age) return;
    const std::uint16_t b = pop.buurt[i];
    const AgeBand band = age_band(pop.age[i]);
    {
        auto g = key.urng(rng::Stream::network, 0, i, sub_friend);
        boost::random::uniform_01<double> u;
        const int n = counts.friend_(g);
        const auto pool_of = [&](auto& g) -> const std::vector<std::uint32_t>& {
            const bool local = u(g) < p.friend_same_buurt;
            const bool same_band = u(g) < p.friend_same_age_band;
            return local ? (same_band ? c.buurt[b][band] : c.buurt_all[b]) : (same_band ? c.city[band] : c.city_all);
        };
        // Friends a few at a time: each one's pool and first pick drawn first, then the picked entries read,
        // all fetched together (a city-wide pool is read at random: a miss each). A first pick in the own
        // household (rare) sends that friend and the rest back to the step-by-step draw, from the generator
        // replayed to that friend: the same draws and the same ties as drawing friend by friend.
        constexpr int ahead = 8;
        int k = 0;
        while (k < n) {
            const int m = std::min(n - k, ahead);
            const auto start = g;
            const std::uint32_t* picked[ahead];  // nullptr: a pool of one has no pick
            for (int q = 0; q < m; ++q) {
                const std::vector<std::uint32_t>& pool = pool_of(g);
                picked[q] = pool.size() > 1 ? &pool[pick_index(pool.size(), g)] : nullptr;
                __builtin_prefetch(picked[q]);
            }
            int q = 0;
            for (; q < m && !(picked[q] && same_household(pop, i, *picked[q])); ++q)
                if (picked[q]) out.push_back(make_edge(i, *picked[q], TieType::friend_));
            k += q;
            if (q == m) continue;
            g = start;
            for (int r = 0; r < q; ++r) {
                const std::vector<std::uint32_t>& pool = pool_of(g);
                if (pool.size() > 1) pick_index(pool.size(), g);
            }
            for (; k < n; ++k) {
                const std::vector<std::uint32_t>& pool = pool_of(g);
                for (int attempt = 0; attempt < max_attempts && pool.size() > 1; ++attempt) {
                    const std::uint32_t j = pick(pool, g);
                    if (same_household(pop, i, j)) continue;
                    out.push_back(make_edge(i, j, TieType::friend_));
                    break;
                }
            }
        }
    }
    {
        auto g = key.urng(rng::Stream::network, 0, i, sub_weak);
        const int n = counts.weak(g);
        const auto& pool = c.buurt_all[b];
        for (int k = 0; k < n; ++k) {
            for (int attempt = 0; attempt < max_attempts && pool.size() > 1; ++attempt) {
                const std::uint32_t j = pick(pool, g);
                if (same_household(pop, i, j)) continue;
                out.push_back(make_edge(i, j, TieType::weak));
                break;
            }
        }
    }
}

std::vector<Edge> propose_buurt(const Population& pop, const NetworkParams& p, const rng::Key& key,
                                const Candidates& c, std::uint32_t b) {
    std::vector<Edge> out;
    const std::uint32_t rb = pop.buurt_begin[b], re = pop.buurt_begin[b + 1];
    if (rb == re) return out;
    Counts counts(p);
    // About what the buurt proposes (household pairs are about one per resident), so the vector seldom grows.
    out.reserve(std::size_t(double(re - rb) * (1.0 + p.neighbour_ties + p.friend_ties + p.weak_ties)));
    const std::uint32_t hb = pop.household[rb], he = pop.household[re - 1] + 1;
    for (std::uint32_t h = hb; h < he; ++h) propose_household(pop, h, out);

    const std::uint32_t per_block = std::max<std::uint32_t>(1, std::uint32_t(p.block_households + 0.5));
    for (std::uint32_t h = hb; h < he; h += per_block) {
        const std::uint32_t h_end = std::min(he, h + per_block);
        propose_neighbours(pop, counts, key, pop.household_begin[h], pop.household_begin[h_end], out);
    }
    for (std::uint32_t i = rb; i < re; ++i) propose_friends_and_weak(pop, p, counts, key, c, i, out);
    return out;
}

}  // namespace

std::size_t Network::ties() const {
    std::size_t n = 0;
    for (std::uint16_t c : count) n += c;
    return n / 2;
}

std::uint64_t Network::find(std::uint32_t i, std::uint32_t j) const {
    const std::uint64_t e = end(i), t = detail::first_of(neighbour.data(), begin(i), e, j);
    return t < e ? t : npos;
}

bool Network::add(std::uint32_t a, std::uint32_t b, TieType t, std::uint8_t s) {
    BUURTSIM_ASSERT(a != b);
    if (end(a) >= offset[a + 1] || end(b) >= offset[b + 1]) return false;
    for (std::uint32_t x : {a, b}) {
        const std::uint64_t slot = end(x);
        neighbour[slot] = x == a ? b : a;
        type[slot] = t;
        strength[slot] = s;
        ++count[x];
    }
    return true;
}

void Network::remove_at(std::uint32_t i, std::uint64_t slot) {
    const std::uint64_t last = end(i) - 1;
    neighbour[slot] = neighbour[last];
    type[slot] = type[last];
    strength[slot] = strength[last];
    --count[i];
}

Network build_network(const Population& pop, const NetworkParams& p, std::uint64_t seed,
                      std::uint32_t replicate, std::uint32_t slack) {
    const rng::Key key(seed, replicate);
    const std::size_t nb = pop.geo.buurten.size(), n = pop.size();
    const Candidates cand = index_candidates(pop);

    std::vector<std::vector<Edge>> per_buurt(nb);
    tbb::parallel_for(std::size_t(0), nb, [&](std::size_t b) {
        per_buurt[b] = propose_buurt(pop, p, key, cand, std::uint32_t(b));
    });

    // File every proposal in both ends' rows. The order within a row depends on the threads (relaxed
    // atomic cursors); each row is sorted below, which leaves the same row whatever that order was.
    const auto for_each_proposal = [&](auto&& f) {
        tbb::parallel_for(std::size_t(0), nb, [&](std::size_t b) {
            for (const Edge& e : per_buurt[b]) f(e.a, e.b_type >> type_bits, TieType(e.b_type & ((1u << type_bits) - 1)));
        });
    };
    const auto bump = [](std::uint64_t& c) { return std::atomic_ref<std::uint64_t>(c).fetch_add(1, std::memory_order_relaxed); };
    std::vector<std::uint64_t> cursor(n + 1, 0);
    for_each_proposal([&](std::uint32_t a, std::uint32_t b, TieType) {
        BUURTSIM_ASSERT(a != b && b < n);
        bump(cursor[a + 1]);
        bump(cursor[b + 1]);
    });
    for (std::size_t i = 0; i < n; ++i) cursor[i + 1] += cursor[i];
    const std::vector<std::uint64_t> raw_begin = cursor;
    // Not zeroed first (new without braces): every entry is written once below, and its pages are then
    // first touched by the threads that fill them rather than by one memset.
    const std::unique_ptr<std::uint32_t[]> raw(new std::uint32_t[raw_begin[n]]);
    for_each_proposal([&](std::uint32_t a, std::uint32_t b, TieType t) {
        raw[bump(cursor[a])] = entry(b, t);
        raw[bump(cursor[b])] = entry(a, t);
    });
    std::vector<std::vector<Edge>>().swap(per_buurt);

    // Each row sorted (neighbour, then strongest type first) and cut to the first entry per neighbour.
    Network net;
    net.count.assign(n, 0);
    tbb::parallel_for(tbb::blocked_range<std::size_t>(0, n), [&](const tbb::blocked_range<std::size_t>& r) {
        for (std::size_t i = r.begin(); i != r.end(); ++i) {
            std::uint32_t* const first = raw.get() + raw_begin[i];
            std::uint32_t* const last = raw.get() + raw_begin[i + 1];
            std::sort(first, last);
            const auto kept = std::unique(first, last, [](std::uint32_t x, std::uint32_t y) { return x >> type_bits == y >> type_bits; });
            BUURTSIM_ASSERT(std::size_t(kept - first) + slack < 65536);
            net.count[i] = std::uint16_t(kept - first);
        }
    });
    net.offset.assign(n + 1, 0);
    for (std::size_t i = 0; i < n; ++i) net.offset[i + 1] = net.offset[i] + net.count[i] + slack;
    net.neighbour.resize(net.offset[n]);
    net.type.resize(net.offset[n]);
    net.strength.resize(net.offset[n]);
    tbb::parallel_for(tbb::blocked_range<std::size_t>(0, n), [&](const tbb::blocked_range<std::size_t>& r) {
        for (std::size_t i = r.begin(); i != r.end(); ++i)
            for (std::uint32_t k = 0; k < net.count[i]; ++k) {
                const std::uint32_t v = raw[raw_begin[i] + k];
                const auto t = TieType(v & ((1u << type_bits) - 1));
                net.neighbour[net.offset[i] + k] = v >> type_bits;
                net.type[net.offset[i] + k] = t;
                net.strength[net.offset[i] + k] = initial_strength[std::size_t(t)];
            }
    });
    return net;
}

}  // namespace buurtsim
