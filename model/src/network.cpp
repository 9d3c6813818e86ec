// Network generation. Every resident proposes ties with its own random
// stream (keyed by resident id), proposals are gathered per buurt and
// concatenated in buurt order, then sorted and de-duplicated: the result is a
// pure function of (seed, replicate) whatever the thread count.
#include "buurtsim/network.hpp"

#include "buurtsim/error.hpp"
#include "buurtsim/rng.hpp"
#include "row_scan.hpp"

#include <boost/random/poisson_distribution.hpp>
#include <boost/random/uniform_int_distribution.hpp>
#include <boost/random/uniform_01.hpp>
#include <oneapi/tbb/parallel_for.h>
#include <oneapi/tbb/parallel_sort.h>

#include <algorithm>
#include <array>

namespace buurtsim {
namespace {

// Sub-stream per generator so adding one never shifts another's draws.
enum Sub : std::uint32_t { sub_neighbour = 1, sub_friend = 2, sub_weak = 3 };

// Initial tie strength (0..255) by type; issue 3 lets it evolve with contact.
constexpr std::array<std::uint8_t, 4> initial_strength = {200, 80, 150, 40};

constexpr std::uint8_t min_friend_age = 15;     // younger children: household ties only
constexpr std::uint8_t min_neighbour_age = 18;  // neighbour contact is between adults
constexpr int max_attempts = 8;                 // rejection sampling bound per proposed tie

struct Edge {
    std::uint64_t key;  // (low id << 32) | high id
    TieType type;
    bool operator<(const Edge& o) const { return key != o.key ? key < o.key : type < o.type; }
};

Edge make_edge(std::uint32_t a, std::uint32_t b, TieType t) {
    if (a > b) std::swap(a, b);
    return {(std::uint64_t(a) << 32) | b, t};
}

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
std::uint32_t pick(const std::vector<std::uint32_t>& v, Urng& g) {
    return v[boost::random::uniform_int_distribution<std::size_t>(0, v.size() - 1)(g)];
}

void propose_household(const Population& pop, std::uint32_t h, std::vector<Edge>& out) {
    const std::uint32_t b = pop.household_begin[h], e = pop.household_begin[h + 1];
    for (std::uint32_t i = b; i < e; ++i)
        for (std::uint32_t j = i + 1; j < e; ++j) out.push_back(make_edge(i, j, TieType::household));
}

// Street block = a run of consecutive households in the buurt: the synthetic
// population has no addresses, so household order stands in for the street.
void propose_neighbours(const Population& pop, const NetworkParams& p, const rng::Key& key,
                        std::uint32_t block_begin, std::uint32_t block_end, std::vector<Edge>& out) {
    const std::uint32_t span = block_end - block_begin;
    if (span < 2) return;
    for (std::uint32_t i = block_begin; i < block_end; ++i) {
        if (pop.age[i] < min_neighbour_age) continue;
        auto g = key.urng(rng::Stream::network, 0, i, sub_neighbour);
        const int n = boost::random::poisson_distribution<int, double>(p.neighbour_ties)(g);
        boost::random::uniform_int_distribution<std::uint32_t> any(block_begin, block_end - 1);
        for (int k = 0; k < n; ++k) {
            for (int attempt = 0; attempt < max_attempts; ++attempt) {
                const std::uint32_t j = any(g);
                if (pop.household[j] == pop.household[i] || pop.age[j] < min_neighbour_age) continue;
                out.push_back(make_edge(i, j, TieType::neighbour));
                break;
            }
        }
    }
}

void propose_friends_and_weak(const Population& pop, const NetworkParams& p, const rng::Key& key,
                              const Candidates& c, std::uint32_t i, std::vector<Edge>& out) {
    if (pop.age[i] < min_friend_age) return;
    const std::uint16_t b = pop.buurt[i];
    const AgeBand band = age_band(pop.age[i]);
    {
        auto g = key.urng(rng::Stream::network, 0, i, sub_friend);
        boost::random::uniform_01<double> u;
        const int n = boost::random::poisson_distribution<int, double>(p.friend_ties)(g);
        for (int k = 0; k < n; ++k) {
            const bool local = u(g) < p.friend_same_buurt;
            const bool same_band = u(g) < p.friend_same_age_band;
            const std::vector<std::uint32_t>& pool =
                local ? (same_band ? c.buurt[b][band] : c.buurt_all[b])
                      : (same_band ? c.city[band] : c.city_all);
            for (int attempt = 0; attempt < max_attempts && pool.size() > 1; ++attempt) {
                const std::uint32_t j = pick(pool, g);
                if (pop.household[j] == pop.household[i]) continue;
                out.push_back(make_edge(i, j, TieType::friend_));
                break;
            }
        }
    }
    {
        auto g = key.urng(rng::Stream::network, 0, i, sub_weak);
        const int n = boost::random::poisson_distribution<int, double>(p.weak_ties)(g);
        const auto& pool = c.buurt_all[b];
        for (int k = 0; k < n; ++k) {
            for (int attempt = 0; attempt < max_attempts && pool.size() > 1; ++attempt) {
                const std::uint32_t j = pick(pool, g);
                if (pop.household[j] == pop.household[i]) continue;
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
    const std::uint32_t hb = pop.household[rb], he = pop.household[re - 1] + 1;
    for (std::uint32_t h = hb; h < he; ++h) propose_household(pop, h, out);

    const std::uint32_t per_block = std::max<std::uint32_t>(1, std::uint32_t(p.block_households + 0.5));
    for (std::uint32_t h = hb; h < he; h += per_block) {
        const std::uint32_t h_end = std::min(he, h + per_block);
        propose_neighbours(pop, p, key, pop.household_begin[h], pop.household_begin[h_end], out);
    }
    for (std::uint32_t i = rb; i < re; ++i) propose_friends_and_weak(pop, p, key, c, i, out);
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
    const std::size_t nb = pop.geo.buurten.size();
    const Candidates cand = index_candidates(pop);

    std::vector<std::vector<Edge>> per_buurt(nb);
    tbb::parallel_for(std::size_t(0), nb, [&](std::size_t b) {
        per_buurt[b] = propose_buurt(pop, p, key, cand, std::uint32_t(b));
    });
    std::size_t total = 0;
    for (const auto& v : per_buurt) total += v.size();
    std::vector<Edge> edges;
    edges.reserve(total);
    for (auto& v : per_buurt) {
        edges.insert(edges.end(), v.begin(), v.end());
        std::vector<Edge>().swap(v);
    }

    // Sorting by (pair, type) is a total order, so the outcome does not depend
    // on how the parallel sort splits work; the first of a pair is the strongest tie.
    tbb::parallel_sort(edges.begin(), edges.end());
    edges.erase(std::unique(edges.begin(), edges.end(),
                            [](const Edge& a, const Edge& b) { return a.key == b.key; }),
                edges.end());

    Network net;
    const std::size_t n = pop.size();
    net.count.assign(n, 0);
    for (const Edge& e : edges) {
        const auto a = std::uint32_t(e.key >> 32), b = std::uint32_t(e.key);
        BUURTSIM_ASSERT(a != b);
        ++net.count[a];
        ++net.count[b];
    }
    net.offset.assign(n + 1, 0);
    for (std::size_t i = 0; i < n; ++i) {
        BUURTSIM_ASSERT(std::size_t(net.count[i]) + slack < 65536);
        net.offset[i + 1] = net.offset[i] + net.count[i] + slack;
    }
    net.neighbour.resize(net.offset[n]);
    net.type.resize(net.offset[n]);
    net.strength.resize(net.offset[n]);
    // Edges are sorted by low endpoint, so each row receives its lower
    // neighbours in increasing order before its higher ones: rows come out sorted.
    std::fill(net.count.begin(), net.count.end(), 0);
    for (const Edge& e : edges) {
        const auto a = std::uint32_t(e.key >> 32), b = std::uint32_t(e.key);
        const bool added = net.add(a, b, e.type, initial_strength[std::size_t(e.type)]);
        BUURTSIM_ASSERT(added);
    }
    return net;
}

}  // namespace buurtsim
