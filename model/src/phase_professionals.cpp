// Phase 5: professionals. Each wijk's buurtteam works its caseload and
// admits from its urgent list, then its FIFO waiting list (buurtteam.hpp).
// A closed case solves the question; with a probability that depends on the
// kind of question it also leads to a Wmo maatwerk provision, which lasts a
// geometric number of weeks and costs wmo.cost_per_client_week. Teams run in
// parallel: a team only touches residents and buurten of its own wijk.
#include "simulation_detail.hpp"

#include <boost/random/geometric_distribution.hpp>

namespace buurtsim {
using namespace detail;

void Simulation::buurtteam_serves() {
    State& s = state_;
    const double p_end = 1.0 / params_.buurtteam.case_weeks_mean;
    const WmoParams& wmo = params_.wmo;
    tbb::parallel_for(std::size_t(0), s.teams.size(), [&](std::size_t t) {
        Buurtteam& team = s.teams[t];
        const TeamWeek w = team.serve(week_, [&](std::uint32_t resident) {
            auto g = key_.urng(rng::Stream::buurtteam, week_, resident);
            // 1 + failures before the first success: geometric on 1, 2, ... with mean case_weeks_mean.
            return 1u + boost::random::geometric_distribution<std::uint32_t, double>(p_end)(g);
        });
        for (std::uint32_t r : w.served) s.week[pop_.buurt[r]].buurtteam_hours += team.case_hours();
        for (const auto& st : w.started) {
            s.status[st.resident] = QuestionStatus::in_case;
            s.week[pop_.buurt[st.resident]].wait_sum += st.waited_weeks;
            ++s.week[pop_.buurt[st.resident]].cases_started;
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

}  // namespace buurtsim
