// Phase 7: carers and volunteers.
// Mantelzorg: a carer gives the recipient's weekly care hours; burden grows
// with hours above what is sustainable (less for a carer who receives support:
// Levers::carer_burden_relief) and recovers slowly; an overburdened
// carer may withdraw, and then the recipient's care question opens again.
// Care otherwise ends after its geometric duration. Care relationships can
// cross buurten, so what a carer's week does to the recipient is applied
// serially in resident order.
// Volunteers: non-volunteers 18-84 start at a rate raised by recent contact
// (people are asked by people they meet); volunteers stop at a fixed rate.
// Both are drawn by event skipping (event_skipping.hpp).
#include "event_skipping.hpp"
#include "simulation_detail.hpp"

#include <bit>

namespace buurtsim {
using namespace detail;

namespace {

/** Residents are taken this many at a time, their carers' ids gathered in a buffer on the stack. */
constexpr std::uint32_t block_chunk = 256;

/** How many carers ahead the recipients' state is prefetched. */
constexpr std::uint32_t prefetch_ahead = 8;

}  // namespace

void Engine::carers_and_volunteers() {
    State& s = state_;
    const CarerParams& c = params_.carers;
    // A carer's burden and whether the care goes on are the carer's own, so they are
    // computed in parallel per buurt; what that does to the recipient (who may live in
    // another buurt) is applied after, serially in resident order as before.
    enum Outcome : std::uint8_t { goes_on, withdraws, ends };
    struct Care {
        std::uint32_t recipient, recipient_buurt;
        float hours;
        Outcome outcome;
    };
    std::vector<std::vector<Care>> carers(pop_.geo.buurten.size());
    for_each_buurt(pop_.geo.buurten.size(), [&](std::uint32_t b) {
        // Local __restrict pointers: the stores would otherwise make GCC reload the arrays through `this`.
        std::uint32_t* __restrict caring_for = s.caring_for.data();
        float* __restrict burden = s.burden.data();
        std::uint16_t* __restrict care_weeks = s.care_weeks.data();
        float* __restrict contacts_week = s.contacts_week.data();
        const float* __restrict question_hours = s.question_hours.data();
        const std::uint32_t* __restrict supported_until = s.carer_supported_until.data();
        const std::uint16_t* __restrict buurt_of = pop_.buurt.data();
        // Times 1.0 (exact) for a carer without support, by a 0/1 index rather than a jump.
        const double growth_factor[2] = {1.0, 1.0 - levers_.carer_burden_relief[b]};
        const std::uint32_t week = week_;
        const double burden_rate = c.burden_rate, sustainable = c.sustainable_hours;
        const float recovery = float(c.recovery_rate);
        std::vector<Care>& list = carers[b];
        // A chunk of residents at a time: a non-carer's recovery without a jump (carer or not is a coin
        // toss to the branch predictor), the carers' ids gathered on the way; then the carers, in id order.
        std::uint32_t ids[block_chunk];
        const std::uint32_t end = pop_.buurt_begin[b + 1];
        for (std::uint32_t first = pop_.buurt_begin[b]; first < end; first += block_chunk) {
            const std::uint32_t last = first + std::min(block_chunk, end - first);
            // A non-carer's recovery, in a loop of its own that vectorises; then the carers' ids, and their
            // recipients' hours and buurt asked for (the recipient may live anywhere in the city: those cache
            // misses overlap with the rest of the chunk).
            for (std::uint32_t i = first; i < last; ++i) {
                const unsigned carer = caring_for[i] != no_one;
                const float old = burden[i];
                const float less = old - recovery, recovered = less > 0.f ? less : 0.f;  // max_exact's MAXSS, as a ternary
                burden[i] = std::bit_cast<float>(
                    keep_unless(std::bit_cast<std::uint32_t>(recovered), std::bit_cast<std::uint32_t>(old), carer));
            }
            std::uint32_t n = 0;
            for (std::uint32_t i = first; i < last; ++i) {
                ids[n] = i;
                n += caring_for[i] != no_one;
            }
            for (std::uint32_t k = 0; k < n; ++k) {
                __builtin_prefetch(question_hours + caring_for[ids[k]]);
                __builtin_prefetch(buurt_of + caring_for[ids[k]]);
            }
            for (std::uint32_t k = 0; k < n; ++k) {
                const std::uint32_t i = ids[k], r = caring_for[i];
                const float hours = question_hours[r];
                // A supported carer (advice, respite: State::carer_supported_until) has part of the growth removed.
                double growth = burden_rate * max_exact(double(hours) - sustainable, 0.0);
                growth *= growth_factor[supported_until[i] > week];
                const float now = max_exact(burden[i] + float(growth - c.recovery_rate), 0.f);
                burden[i] = now;
                const bool withdraw =
                    now >= 1.f && key_.uniform4(rng::Stream::carers, week, i, 1)[0] < c.withdraw_rate;
                const Outcome outcome = withdraw ? withdraws : --care_weeks[i] == 0 ? ends : goes_on;
                // The carer's own part: every change to contacts_week in this phase adds 1.f, so the carer's
                // may come before the recipients' of the serial pass.
                contacts_week[i] += 1.f;
                if (outcome != goes_on) caring_for[i] = no_one;
                list.push_back({r, buurt_of[r], hours, outcome});
            }
        }
    });
    for (const auto& in_buurt : carers)
        for (std::size_t k = 0; k < in_buurt.size(); ++k) {
            const Care& care = in_buurt[k];
            if (k + prefetch_ahead < in_buurt.size()) {  // the recipients' state, a few carers ahead (no value changes)
                const Care& ahead = in_buurt[k + prefetch_ahead];
                __builtin_prefetch(&s.contacts_week[ahead.recipient], 1);
                __builtin_prefetch(&s.status[ahead.recipient], 1);
                __builtin_prefetch(&s.week[ahead.recipient_buurt], 1);
            }
            const std::uint32_t r = care.recipient;
            State::BuurtWeek& bw = s.week[care.recipient_buurt];
            bw.informal_hours += care.hours;
            s.contacts_week[r] += 1.f;
            if (care.outcome == withdraws) {
                ++bw.withdrawn;
                s.status[r] = QuestionStatus::open;
                s.weeks_open[r] = 0;
                s.weeks_listed[r] = 0;
            } else if (care.outcome == ends) {
                s.status[r] = QuestionStatus::none;
            }
        }

    const CommunityParams& cp = params_.community;
    for_each_buurt(pop_.geo.buurten.size(), [&](std::uint32_t b) {
        // Components raise recruitment (levers.hpp): across the buurt (a
        // facilitator) and among this week's visitors of a meeting place (a
        // sociaal makelaar in a buurtkamer).
        const double wijk_boost = levers_.recruit_multiplier[b];
        const double visitor_boost[2] = {1.0, levers_.visitor_recruit_multiplier[b]};  // a table read, not a jump
        const std::uint8_t* __restrict age = pop_.age.data();
        const float* __restrict recent = s.contacts_recent.data();
        const std::uint32_t* __restrict visited = s.visited_week.data();
        std::uint8_t* __restrict volunteer = s.volunteer.data();
        const std::uint32_t* __restrict adults = adults_.data() + adults_begin_[b];
        const std::uint32_t n_adults = adults_begin_[b + 1] - adults_begin_[b];
        const std::uint32_t visit_mark = week_ + 1;
        const double recruit = cp.recruit_rate, effect = cp.encounter_recruit_effect;
        // Both are rare events a week, drawn by event skipping (event_skipping.hpp) from the buurt's own
        // generator, in a fixed order: first the starts, then the stops, both decided on the state before
        // this phase (a volunteer who stops does not start again this week, nor one who starts stop).
        auto g = key_.urng(rng::Stream::roles, week_, b, 1);
        // Starts: a non-volunteer 18-84 starts with probability p = recruit x (1 + effect x recent contacts)
        // x the boosts. Candidates come at a bound q of everyone's p this week (the most recent contact in
        // the buurt; the larger boost) and are kept with probability p / q; q is at most 1, and a p above
        // it (rates of 1 or more) is then always kept, as the draw per adult would have.
        const std::uint32_t rb = pop_.buurt_begin[b], re = pop_.buurt_begin[b + 1];
        float most_recent = 0.f;
        for (std::uint32_t i = rb; i < re; ++i) most_recent = most_recent > recent[i] ? most_recent : recent[i];
        const double boost_max = std::max(visitor_boost[0], visitor_boost[1]);
        const double bound = recruit * (1.0 + std::max(0.0, effect) * double(most_recent)) * wijk_boost * boost_max;
        const double q = std::min(1.0, bound);
        thread_local std::vector<std::pair<std::uint32_t, std::uint8_t>> starts;
        starts.clear();
        for_each_chosen(g, q, n_adults, [&](std::size_t a) {
            const std::uint32_t i = adults[a];
            if (volunteer[i] != 0 || age[i] > volunteer_max_age) return;  // the draws stay in their order
            const double p = recruit * (1.0 + effect * recent[i]) * wijk_boost * visitor_boost[visited[i] == visit_mark];
            if (next_u01(g) * q < p) starts.push_back({i, std::uint8_t(1 + unsigned(next_u01(g) < cp.support_share))});
        });
        // Stops: a volunteer 18-84 stops with probability dropout_rate.
        for_each_chosen(g, cp.dropout_rate, n_adults, [&](std::size_t a) {
            const std::uint32_t i = adults[a];
            if (age[i] <= volunteer_max_age) volunteer[i] = 0;  // a non-volunteer stays one
        });
        for (const auto& [i, kind] : starts) volunteer[i] = kind;
    });
}

}  // namespace buurtsim
