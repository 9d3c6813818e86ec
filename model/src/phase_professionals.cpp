// Phase 5: professionals. Each wijk's buurtteam works its caseload and
// admits from its urgent list, then its FIFO waiting list (buurtteam.hpp),
// while the next case's weekly hours fit in the week's budget; the case size
// (weeks, hours a week) depends on the kind of question. Then, for each
// resident still on the waiting list: harm while waiting (the escalation
// hazard of an unmet question, growing with the weeks unmet: a crisis moves
// the resident to the urgent list), else giving up with probability
// 1 / buurtteam.leave_list_weeks_mean (a constant hazard: the list of a team
// at capacity relaxes to its level within weeks instead of random-walking).
// A resident who gives up keeps the need: the question is open again.
// A closed case solves the question; with a probability by kind the team
// refers it for a Wmo indication (a lasting need), assessed in phase_wmo.cpp.
// Teams run in parallel: a team only touches residents and buurten of its own
// wijk, and its own entries of the per-team vectors.
#include "simulation_detail.hpp"

#include <boost/random/geometric_distribution.hpp>

namespace buurtsim {
using namespace detail;

CaseSize Engine::case_size(std::uint32_t i) const {
    const BuurtteamParams& bt = params_.buurtteam;
    const bool care = state_.kind[i] == QuestionKind::care;  // crises are care questions
    auto g = key_.urng(rng::Stream::buurtteam, week_, i);
    // 1 + failures before the first success: geometric on 1, 2, ... with the kind's mean.
    const double mean = care ? bt.case_weeks_mean : bt.case_weeks_light;
    const std::uint32_t weeks = 1u + boost::random::geometric_distribution<std::uint32_t, double>(1.0 / mean)(g);
    return {weeks, care ? bt.case_hours_per_week : bt.case_hours_light};
}

void Engine::buurtteam_serves() {
    State& s = state_;
    const double leave_mean = params_.buurtteam.leave_list_weeks_mean;
    const double p_leave = leave_mean > 0 ? 1.0 / leave_mean : 0.0;
    const WmoParams& wmo = params_.wmo;
    tbb::parallel_for(std::size_t(0), s.teams.size(), [&](std::size_t t) {
        Buurtteam& team = s.teams[t];
        s.wmo_referred[t].clear();
        const TeamWeek w = team.serve(
            week_, [&](std::uint32_t resident) { return case_size(resident); },
            [&](std::uint32_t resident) {
                // Draw first (both uniforms are fixed by resident and week), then decide.
                const double u_harm = key_.uniform4(rng::Stream::waiting_list, week_, resident)[0];
                const double u_leave = key_.uniform4(rng::Stream::buurtteam, week_, resident, 1)[0];
                const double hazard = escalation_hazard(resident);
                if (s.weeks_open[resident] < 65535) ++s.weeks_open[resident];
                if (s.weeks_listed[resident] < 65535) ++s.weeks_listed[resident];
                if (u_harm < hazard) return ListEvent::urgent;
                if (p_leave > 0 && u_leave < p_leave) return ListEvent::leave;
                return ListEvent::stay;
            });
        s.team_worked[t] = w.hours_worked;
        for (const auto& sv : w.served) s.week[pop_.buurt[sv.resident]].buurtteam_hours += sv.hours;
        for (const auto& st : w.started) {
            s.status[st.resident] = QuestionStatus::in_case;
            s.weeks_listed[st.resident] = 0;
            s.week[pop_.buurt[st.resident]].wait_sum += st.waited_weeks;
            ++s.week[pop_.buurt[st.resident]].cases_started;
        }
        for (std::uint32_t r : w.to_urgent) crisis(r, true);  // still waiting, now on the urgent list
        for (std::uint32_t r : w.left) {  // gave up waiting: the need stays, the question is open again
            s.status[r] = QuestionStatus::open;
            ++s.week[pop_.buurt[r]].left_list;
        }
        for (std::uint32_t r : w.closed) {
            State::BuurtWeek& bw = s.week[pop_.buurt[r]];
            s.status[r] = QuestionStatus::none;
            ++bw.solved_professional;
            const auto u = key_.uniform4(rng::Stream::wmo, week_, r);
            const double p = s.kind[r] == QuestionKind::care ? wmo.referral_care : wmo.referral_other;
            if (s.wmo_weeks[r] == 0 && u[0] < p) {
                s.wmo_referred[t].push_back(r);
                ++bw.wmo_referred;
            }
        }
    });
}

// Team hours. The city's hours (fte_per_10k for all residents) start split by
// residents. In the burn-in, after allocation_week_ weeks (at the end of week
// allocation_week_ - 1) they are split in proportion to the referrals each
// team received so far (plus one, so no team is left without hours): the
// budget's verdeelmodel, by need. Without it a wijk whose residents need more
// help than average runs at capacity with an ever longer list while the
// others idle. It happens inside the burn-in, before any intervention can
// start, so scenarios that differ only in interventions get the same split.
// Under funding = "fixed" that is all: the hours stay. Under
// "follows_demand" every 52 simulated weeks each team's hours are reset to
// its mean weekly hours needed since the last reset (hours worked plus the
// weekly hours of the cases of everyone on its lists at the end of the week)
// times buurtteam.demand_headroom: demand that falls (an intervention that
// diverts questions) lowers next year's hours.
void Engine::fund_buurtteams() {
    State& s = state_;
    const BuurtteamParams& bt = params_.buurtteam;
    for (std::size_t t = 0; t < s.teams.size(); ++t) {
        double needed = s.team_worked[t];
        for (const auto* list : {&s.teams[t].waiting_list(), &s.teams[t].urgent_list()})
            for (const WaitingEntry& w : *list)
                needed += s.kind[w.resident] == QuestionKind::care ? bt.case_hours_per_week : bt.case_hours_light;
        s.team_needed_sum[t] += needed;
        ++s.team_needed_weeks[t];
    }
    if (follows_demand_ && (week_ + 1) % 52 == 0) {
        for (std::size_t t = 0; t < s.teams.size(); ++t) {
            s.team_capacity[t] = bt.demand_headroom * s.team_needed_sum[t] / s.team_needed_weeks[t];
            s.team_needed_sum[t] = 0;
            s.team_needed_weeks[t] = 0;
        }
    }
    if (week_ >= allocation_week_ || follows_demand_) return;
    for (std::size_t b = 0; b < pop_.geo.buurten.size(); ++b)
        wijk_referrals_[pop_.geo.buurten[b].wijk] += s.week[b].referrals;
    if (week_ + 1 != allocation_week_) return;
    double city_hours = 0, weight = 0;
    for (std::size_t t = 0; t < s.teams.size(); ++t) {
        city_hours += s.team_capacity[t];
        weight += double(wijk_referrals_[t] + 1);
    }
    for (std::size_t t = 0; t < s.teams.size(); ++t) {
        s.team_capacity[t] = city_hours * double(wijk_referrals_[t] + 1) / weight;
        s.teams[t].set_capacity_hours(s.team_capacity[t]);
    }
}

// Wmo provisions run down a week after they are counted (the stock observed
// is the one that lived through the week).
void Engine::wmo_countdown() {
    // Every entry is stored, the count down by 0 or 1: a store under `if (w > 0)` may not be invented by
    // the compiler, so that form stays a scalar loop with a jump per resident; this one is a saturating
    // subtract over 16 residents at a time.
    for (std::uint16_t& w : state_.wmo_weeks) w = std::uint16_t(w - (w > 0));
    for (std::uint16_t& w : state_.general_weeks) w = std::uint16_t(w - (w > 0));
}

}  // namespace buurtsim
