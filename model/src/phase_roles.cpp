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

namespace buurtsim {
using namespace detail;

void Engine::carers_and_volunteers() {
    State& s = state_;
    const CarerParams& c = params_.carers;
    // A carer's burden and whether the care goes on are the carer's own, so they are
    // computed in parallel per buurt; what that does to the recipient (who may live in
    // another buurt) is applied after, serially in resident order as before.
    enum Outcome : std::uint8_t { goes_on, withdraws, ends };
    std::vector<std::vector<std::pair<std::uint32_t, Outcome>>> carers(pop_.geo.buurten.size());
    for_each_buurt(pop_.geo.buurten.size(), [&](std::uint32_t b) {
        for (std::uint32_t i = pop_.buurt_begin[b]; i < pop_.buurt_begin[b + 1]; ++i) {
            const std::uint32_t r = s.caring_for[i];
            if (r == no_one) {
                s.burden[i] = std::max(0.f, s.burden[i] - float(c.recovery_rate));
                continue;
            }
            const float hours = s.question_hours[r];
            // A supported carer (advice, respite: State::carer_supported_until) has part of the growth removed.
            double growth = c.burden_rate * std::max(0.0, hours - c.sustainable_hours);
            if (s.carer_supported_until[i] > week_) growth *= 1.0 - levers_.carer_burden_relief[b];
            s.burden[i] = std::max(0.f, s.burden[i] + float(growth - c.recovery_rate));
            const bool withdraw =
                s.burden[i] >= 1.f && key_.uniform4(rng::Stream::carers, week_, i, 1)[0] < c.withdraw_rate;
            carers[b].push_back({i, withdraw ? withdraws : --s.care_weeks[i] == 0 ? ends : goes_on});
        }
    });
    for (const auto& in_buurt : carers)
        for (const auto& [i, outcome] : in_buurt) {
            const std::uint32_t r = s.caring_for[i];
            s.week[pop_.buurt[r]].informal_hours += s.question_hours[r];
            s.contacts_week[i] += 1.f;
            s.contacts_week[r] += 1.f;
            if (outcome == withdraws) {
                ++s.week[pop_.buurt[r]].withdrawn;
                s.status[r] = QuestionStatus::open;
                s.weeks_open[r] = 0;
                s.weeks_listed[r] = 0;
                s.caring_for[i] = no_one;
            } else if (outcome == ends) {
                s.status[r] = QuestionStatus::none;
                s.caring_for[i] = no_one;
            }
        }

    const CommunityParams& cp = params_.community;
    for_each_buurt(pop_.geo.buurten.size(), [&](std::uint32_t b) {
        // Components raise recruitment (levers.hpp): across the buurt (a
        // facilitator) and among this week's visitors of a meeting place (a
        // sociaal makelaar in a buurtkamer).
        const double wijk_boost = levers_.recruit_multiplier[b];
        const double visitor_boost = levers_.visitor_recruit_multiplier[b];
        const rng::Uniform4Run draws(key_, rng::Stream::roles, week_, pop_.buurt_begin[b], pop_.buurt_begin[b + 1]);
        for (std::uint32_t i = pop_.buurt_begin[b]; i < pop_.buurt_begin[b + 1]; ++i) {
            if (!is_adult(i) || pop_.age[i] > volunteer_max_age) continue;
            const auto u = draws[i];
            if (s.volunteer[i]) {
                if (u[0] < cp.dropout_rate) s.volunteer[i] = 0;
            } else if (u[0] < cp.recruit_rate * (1.0 + cp.encounter_recruit_effect * s.contacts_recent[i]) * wijk_boost *
                                  (s.visited_week[i] == week_ + 1 ? visitor_boost : 1.0)) {
                s.volunteer[i] = u[1] < cp.support_share ? 2 : 1;
            }
        }
    });
}

}  // namespace buurtsim
