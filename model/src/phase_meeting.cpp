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
#include "simulation_detail.hpp"
#include "tie_sums.hpp"

#include <boost/random/poisson_distribution.hpp>
#include <boost/random/uniform_int_distribution.hpp>

#include <array>
#include <utility>

namespace buurtsim {
using namespace detail;

// Everyday contact keeps ties within the buurt alive: each adult meets a few
// random ties a week; ties to other buurten and household ties are not touched.
//
// Two passes, for speed: the first draws every adult's contacts (its own row,
// read in order), the second applies them in the same order. The second pass
// touches the other end's row at random, so it fetches the rows of the contacts
// a few steps ahead into cache. Contacts change strengths only, never which
// ties a row holds, so drawing them first picks the same ties as drawing them
// one by one: the results are those of the one-pass loop.
void Engine::street_contacts(std::uint32_t rb, std::uint32_t re) {
    const double mean = params_.meeting.street_contacts;
    if (mean <= 0) return;
    const double p0 = std::exp(-mean);
    const double bump = params_.ties.encounter_bump;
    struct Contact {
        std::uint64_t slot;  // in i's row
        std::uint32_t i, j;
    };
    thread_local std::vector<Contact> contacts;
    contacts.clear();
    const rng::Uniform4Run draws(key_, rng::Stream::meeting, week_, rb, re, 2);
    constexpr std::uint32_t rows_ahead = 16;  // own rows fetched ahead: a contact reads one random entry of each
    for (std::uint32_t i = rb; i < re; ++i) {
        if (i + rows_ahead < re) {
            __builtin_prefetch(&net_.neighbour[net_.offset[i + rows_ahead]]);
            __builtin_prefetch(&net_.type[net_.offset[i + rows_ahead]]);
        }
        if (!is_adult(i) || net_.degree(i) == 0) continue;
        // One Philox block: a Poisson count by inversion (capped at 3 a week,
        // which removes under 2 % of contacts at mean 1) and up to 3 picks.
        const auto u = draws[i];
        int n = 0;
        for (double p = p0, cdf = p0; n < 3 && u[0] > cdf; cdf += p) p *= mean / ++n;
        for (int k = 0; k < n; ++k) {
            const std::uint64_t t = net_.begin(i) + std::uint64_t(u[1 + k] * net_.degree(i));
            const std::uint32_t j = net_.neighbour[t];
            if (net_.type[t] == TieType::household || j < rb || j >= re) continue;
            contacts.push_back({t, i, j});
        }
    }
    constexpr std::size_t ahead = 8;  // contacts fetched ahead: the row start first, then the row
    const auto fetch_start = [&](std::uint32_t j) {
        __builtin_prefetch(&net_.offset[j]);
        __builtin_prefetch(&net_.count[j]);
        __builtin_prefetch(&state_.contacts_week[j], 1);
        __builtin_prefetch(&state_.ties[j], 1);
    };
    const auto fetch_row = [&](std::uint32_t j) {
        __builtin_prefetch(&net_.neighbour[net_.offset[j]]);
        __builtin_prefetch(&net_.strength[net_.offset[j]], 1);
    };
    const std::size_t m = contacts.size();
    for (std::size_t k = 0; k < std::min(m, 2 * ahead); ++k) fetch_start(contacts[k].j);
    for (std::size_t k = 0; k < std::min(m, ahead); ++k) fetch_row(contacts[k].j);
    for (std::size_t k = 0; k < m; ++k) {
        if (k + 2 * ahead < m) fetch_start(contacts[k + 2 * ahead].j);
        if (k + ahead < m) fetch_row(contacts[k + ahead].j);
        const auto [t, i, j] = contacts[k];
        state_.contacts_week[i] += 1.f;
        state_.contacts_week[j] += 1.f;
        const std::uint64_t back = net_.find(j, i);
        const auto st = std::uint8_t(std::min(255.0, net_.strength[t] + std::round(bump)));
        // Both ends are in this buurt (tie_sums.hpp).
        const std::uint32_t gain = std::uint32_t(st) - net_.strength[t];
        for (std::uint32_t x : {i, j}) {
            state_.ties[x].strength_all += gain;
            state_.ties[x].strength_buurt += gain;
        }
        net_.strength[t] = st;
        net_.strength[back] = st;
    }
}

void Engine::meeting() {
    const MeetingParams& m = params_.meeting;
    const TieParams& tp = params_.ties;
    State& s = state_;
    for_each_buurt(pop_.geo.buurten.size(), [&](std::uint32_t b) {
        const std::uint32_t rb = pop_.buurt_begin[b], re = pop_.buurt_begin[b + 1];
        street_contacts(rb, re);
        const double per_1000 = levers_.seats_per_1000[b];  // the model's seats plus the components'
        const double seats = per_1000 * (re - rb) / 1000.0;
        std::vector<std::uint32_t> want;
        std::vector<double> admit_draw;
        const rng::Uniform4Run draws(key_, rng::Stream::meeting, week_, rb, re);
        for (std::uint32_t i = rb; i < re; ++i) {
            if (!is_adult(i)) continue;
            const auto u = draws[i];
            if (u[0] < m.attend_rate * s.inclination[i]) {
                want.push_back(i);
                admit_draw.push_back(u[1]);
            }
        }
        const double admit = want.size() > seats ? seats / double(want.size()) : 1.0;
        std::vector<std::uint32_t> visitors;
        for (std::size_t k = 0; k < want.size(); ++k)
            if (admit_draw[k] < admit) visitors.push_back(want[k]);
        s.week[b].visits = std::uint32_t(visitors.size());
        for (std::uint32_t v : visitors) s.visited_week[v] = week_ + 1;
        if (visitors.size() < 2) return;

        boost::random::uniform_int_distribution<std::size_t> other(0, visitors.size() - 2);
        for (std::uint32_t v : visitors) {
            auto g = key_.urng(rng::Stream::meeting, week_, v, 1);
            const int n = boost::random::poisson_distribution<int, double>(m.encounters_per_visit)(g);
            for (int k = 0; k < n; ++k) {
                // Uniform over the other visitors: skip v's own position.
                std::size_t j = other(g);
                const std::uint32_t w = visitors[j] >= v ? visitors[j + 1] : visitors[j];
                const double u = r123::u01<double>(g());
                s.contacts_week[v] += 1.f;
                s.contacts_week[w] += 1.f;
                if (net_.find(v, w) != Network::npos) {
                    bump_tie(v, w, tp.encounter_bump);
                } else if (u < m.new_tie_probability) {
                    add_tie(v, w, TieType::met, std::uint8_t(std::min(255.0, std::round(tp.encounter_bump * 2))));
                }
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
    std::array<std::array<std::uint8_t, 256>, std::size_t(TieType::n_types)> faded{};
    const std::pair<std::uint8_t, double> rule[] = {
        {0, 1.0},                                   // household: does not fade
        {std::uint8_t(tp.floor_neighbour), keep_other},
        {std::uint8_t(tp.floor_friend), keep_other},
        {std::uint8_t(tp.floor_weak), keep_weak},
        {0, keep_weak},                             // met: fades to nothing
    };
    for (std::size_t type = 0; type < faded.size(); ++type)
        for (int st = 0; st < 256; ++st)
            faded[type][st] = type == std::size_t(TieType::household) ? std::uint8_t(st)
                                                                     : fade(std::uint8_t(st), rule[type].first, rule[type].second);
    const double weak_min = tp.weak_min;
    for_each_buurt(pop_.geo.buurten.size(), [&](std::uint32_t b) {
        const std::uint32_t lo = pop_.buurt_begin[b], hi = pop_.buurt_begin[b + 1];
        for (std::uint32_t i = lo; i < hi; ++i) {
            TieSummary sum;  // every strength of the row changes: sum it afresh (tie_sums.hpp)
            for (std::uint64_t t = net_.begin(i); t < net_.end(i);) {
                const TieType type = net_.type[t];
                const std::uint8_t st = faded[std::size_t(type)][net_.strength[t]];
                net_.strength[t] = st;
                if (type == TieType::met && st < weak_min) {
                    net_.remove_at(i, t);  // the other end fades identically and goes too
                    continue;
                }
                // Branch-free: whether a tie stays in the buurt is a coin toss to the branch predictor.
                const bool local = net_.neighbour[t] - lo < hi - lo;
                sum.strength_all += st;
                sum.strength_buurt += local ? st : 0u;
                sum.ties_buurt += local;
                sum.nonhousehold_buurt += local && type != TieType::household;
                ++t;
            }
            state_.ties[i] = sum;
        }
    });
}

}  // namespace buurtsim
