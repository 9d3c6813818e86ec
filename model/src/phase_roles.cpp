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
#include "simulation_detail.hpp"

#include <bit>

namespace buurtsim {
using namespace detail;

namespace {

/** Residents (and adults' Philox blocks) are taken this many at a time, into buffers on the stack (a
 *  multiple of the 32 blocks rng_run.cpp computes at once). */
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
        const std::uint32_t* __restrict adults = adults_.data();
        const std::uint32_t visit_mark = week_ + 1;
        const double dropout = cp.dropout_rate, recruit = cp.recruit_rate, effect = cp.encounter_recruit_effect,
                     support_share = cp.support_share;
        std::array<std::uint32_t, 4> blocks[block_chunk];
        const std::uint32_t a_end = adults_begin_[b + 1];
        for (std::uint32_t first = adults_begin_[b]; first < a_end; first += block_chunk) {
            const std::uint32_t count = std::min(block_chunk, a_end - first);
            // Adults 18-84 only, so the blocks of the adults only: each is the one Uniform4Run of the whole
            // buurt would give.
            key_.blocks4_of(rng::Stream::roles, week_, adults + first, count, 0, blocks);
            for (std::uint32_t a = first; a < first + count; ++a) {
                const std::uint32_t i = adults[a];
                const auto& blk = blocks[a - first];
                const double u0 = r123::u01<double>(blk[0]), u1 = r123::u01<double>(blk[1]);
                const std::uint8_t v = volunteer[i];
                // Both answers, picked by masks: volunteer or not is a coin toss to the branch predictor.
                const std::uint8_t stays = keep_unless(v, std::uint8_t(0), unsigned(u0 < dropout));
                const unsigned starts =
                    u0 < recruit * (1.0 + effect * recent[i]) * wijk_boost * visitor_boost[visited[i] == visit_mark];
                const auto started = std::uint8_t(starts + (starts & unsigned(u1 < support_share)));
                const std::uint8_t next = keep_unless(started, stays, unsigned(v != 0));
                volunteer[i] = keep_unless(v, next, unsigned(age[i] <= volunteer_max_age));
            }
        }
    });
}

}  // namespace buurtsim
