// Phase 5: professionals. Each wijk's buurtteam works its caseload and
// admits from its urgent list, then its FIFO waiting list (buurtteam.hpp);
// then each resident still waiting gives up with probability
// 1 / buurtteam.leave_list_weeks_mean (a constant hazard: the list of a team
// at capacity relaxes to its level within weeks instead of random-walking).
// A closed case solves the question; with a probability that depends on the
// kind of question it also leads to a Wmo maatwerk provision, which lasts a
// geometric number of weeks and costs wmo.cost_per_client_week. Teams run in
// parallel: a team only touches residents and buurten of its own wijk.
#include "simulation_detail.hpp"

#include <boost/random/geometric_distribution.hpp>

namespace buurtsim {
using namespace detail;

void Engine::buurtteam_serves() {
    State& s = state_;
    const double p_end = 1.0 / params_.buurtteam.case_weeks_mean;
    const double leave_mean = params_.buurtteam.leave_list_weeks_mean;
    const double p_leave = leave_mean > 0 ? 1.0 / leave_mean : 0.0;
    const WmoParams& wmo = params_.wmo;
    tbb::parallel_for(std::size_t(0), s.teams.size(), [&](std::size_t t) {
        Buurtteam& team = s.teams[t];
        const TeamWeek w = team.serve(
            week_,
            [&](std::uint32_t resident) {
                auto g = key_.urng(rng::Stream::buurtteam, week_, resident);
                // 1 + failures before the first success: geometric on 1, 2, ... with mean case_weeks_mean.
                return 1u + boost::random::geometric_distribution<std::uint32_t, double>(p_end)(g);
            },
            [&](std::uint32_t resident) {
                return p_leave > 0 && key_.uniform4(rng::Stream::buurtteam, week_, resident, 1)[0] < p_leave;
            });
        for (std::uint32_t r : w.served) s.week[pop_.buurt[r]].buurtteam_hours += team.case_hours();
        for (const auto& st : w.started) {
            s.status[st.resident] = QuestionStatus::in_case;
            s.week[pop_.buurt[st.resident]].wait_sum += st.waited_weeks;
            ++s.week[pop_.buurt[st.resident]].cases_started;
        }
        for (std::uint32_t r : w.left) {  // gave up waiting: dropped as unmet, like an unanswered question
            s.status[r] = QuestionStatus::none;
            ++s.week[pop_.buurt[r]].dropped;
        }
        for (std::uint32_t r : w.closed) {
            State::BuurtWeek& bw = s.week[pop_.buurt[r]];
            s.status[r] = QuestionStatus::none;
            ++bw.solved_professional;
            const auto u = key_.uniform4(rng::Stream::wmo, week_, r);
            const double p = s.kind[r] == QuestionKind::care ? wmo.referral_care : wmo.referral_other;
            if (s.wmo_weeks[r] == 0 && u[0] < p) {
                s.wmo_weeks[r] = std::uint16_t(std::min<std::uint32_t>(65535, geometric_weeks(u[1], wmo.duration_weeks_mean)));
                ++bw.wmo_new;
            }
        }
    });
}

// Team capacity by need. The city's hours (fte_per_10k for all residents)
// start split by residents; after allocation_week_ burn-in weeks (at the end
// of week allocation_week_ - 1) they are split in proportion to the referrals
// each team received so far (plus one, so no team is left without hours).
// Without this a wijk whose residents need more help than average runs at
// capacity with an ever longer list while the others idle. It happens inside the burn-in, before any
// intervention can start, so scenarios that differ only in interventions get
// the same split.
void Engine::allocate_buurtteams() {
    if (week_ >= allocation_week_) return;
    State& s = state_;
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
    for (std::uint16_t& w : state_.wmo_weeks)
        if (w > 0) --w;
}

}  // namespace buurtsim
