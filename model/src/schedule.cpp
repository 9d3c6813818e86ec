// The weekly schedule (DESIGN 4; SLiM's cycle stages): the phases as data, in
// the order they run. step() runs the table and records the seconds each phase
// takes, so `buurtsim bench --phases` can show where the time goes. A new
// phase is a member function of Engine (engine.hpp), its file, and one row here.
#include "buurtsim/error.hpp"
#include "engine.hpp"

#include <chrono>

namespace buurtsim {

const std::vector<Phase>& schedule() {
    static const std::vector<Phase> phases = {
        {"begin_week", &Engine::begin_week},                  // clear this week's counters
        {"levers", &Engine::set_levers},                      // components set levers; team capacity
        {"components_week_start", &Engine::components_week_start},  // e.g. postponed demand
        {"information", &Engine::spread_information},         // residents learn where help is
        {"health", &Engine::health_and_life_events},          // 1. self-reliance drifts; episodes
        {"questions", &Engine::questions_arise},              // 2. support questions of four kinds
        {"meeting", &Engine::meeting},                        // 3. visits, encounters, new weak ties
        {"ask_network", &Engine::ask_network},                // 4a. own network; care -> mantelzorg
        {"brokerage", &Engine::brokerage},                    // 4a'. a community broker, where levers put one
        {"ask_community", &Engine::ask_community},            // 4b. support volunteers of the buurt
        {"escalation_referral", &Engine::escalate_or_turn_to_buurtteam},  // 4c/6. escalate, refer, give up
        {"buurtteam", &Engine::buurtteam_serves},             // 5. caseload, lists, harm while waiting
        {"wmo_indications", &Engine::wmo_indications},        // 5'. Wmo via the buurtteam: voorliggend veld first
        {"wmo_loket", &Engine::wmo_loket},                    // 5''. Wmo via the loket (hulpmiddelen, HH, vervoer)
        {"carers_volunteers", &Engine::carers_and_volunteers},// 7. burden, withdrawal; recruitment
        {"ties_decay", &Engine::ties_decay},                  // ties weaken without contact
        {"buurtteam_funding", &Engine::fund_buurtteams},      // team hours: burn-in split by need; follows_demand resets
        {"health_care", &Engine::health_care_use},           // 8'. huisarts, POH-GGZ, acute care (zorgverzekeraar)
        {"observe", &Engine::observe},                        // 8. loneliness, cohesion, indicators
        {"wmo_countdown", &Engine::wmo_countdown},            // Wmo provisions run down a week
        {"snapshot", &Engine::snapshot},                      // end-of-week state, in snapshot weeks
    };
    return phases;
}

void Engine::step() {
    BUURTSIM_ASSERT(!done());
    using clock = std::chrono::steady_clock;
    const auto& phases = schedule();
    auto t0 = clock::now();
    for (std::size_t k = 0; k < phases.size(); ++k) {
        (this->*phases[k].run)();
        const auto t1 = clock::now();
        phase_seconds_[k] += std::chrono::duration<double>(t1 - t0).count();
        t0 = t1;
    }
    ++week_;
}

// Levers start each week at the model's own values; components add theirs in
// registry order. Team capacity is the budget times the capacity factor.
void Engine::set_levers() {
    Levers& l = levers_;
    std::fill(l.seats_per_1000.begin(), l.seats_per_1000.end(), params_.meeting.seats_per_1000);
    std::fill(l.recruit_multiplier.begin(), l.recruit_multiplier.end(), 1.0);
    std::fill(l.support_escalation_factor.begin(), l.support_escalation_factor.end(), 1.0);
    std::fill(l.support_loss_factor.begin(), l.support_loss_factor.end(), 1.0);
    std::fill(l.carer_burden_relief.begin(), l.carer_burden_relief.end(), 0.0);
    std::fill(l.visitor_recruit_multiplier.begin(), l.visitor_recruit_multiplier.end(), 1.0);
    for (auto* v : {&l.learn_community, &l.learn_buurtteam_vulnerable, &l.broker_hours, &l.broker_reach,
                    &l.intervention_cost_eur})
        std::fill(v->begin(), v->end(), 0.0);
    std::fill(l.team_capacity_factor.begin(), l.team_capacity_factor.end(), 1.0);
    const std::int64_t w = recorded_week();
    for (const auto& c : components_) c->set_levers(w, l);
    State& s = state_;
    for (std::size_t t = 0; t < s.teams.size(); ++t)
        s.teams[t].set_capacity_hours(s.team_capacity[t] * l.team_capacity_factor[t]);
}

void Engine::components_week_start() {
    for (const auto& c : components_) c->act(Hook::week_start, *this);
}

}  // namespace buurtsim
