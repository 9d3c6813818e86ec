// Phase 8': health-care use (DESIGN 8: huisarts, POH-GGZ and acute care, paid
// by the zorgverzekeraar under the Zvw, never capacity-bound for the user).
// Each adult has a weekly chance of a contact with the huisarts practice: a
// base rate raised as self-reliance falls, during an episode and by severe
// loneliness; lonely adults and adults in an episode see the POH-GGZ; a
// crisis this week (Engine::crisis) brings acute care for a share of them
// and a huisarts contact for the others. Loneliness is last week's score
// (observe updates it at the end of the week). At most one contact of each
// kind a week: the weekly rates stay well below one, so the cap costs little
// and keeps the draws to one uniform per kind.
#include "simulation_detail.hpp"

#include <cmath>

namespace buurtsim {
using namespace detail;

void Engine::health_care_use() {
    const HealthCareParams& h = params_.health_care;
    State& s = state_;
    const double per_week = 1.0 / 52.0;
    for_each_buurt(pop_.geo.buurten.size(), [&](std::uint32_t b) {
        State::BuurtWeek& bw = s.week[b];
        const rng::Uniform4Run draws(key_, rng::Stream::health_care, week_, pop_.buurt_begin[b], pop_.buurt_begin[b + 1]);
        for (std::uint32_t i = pop_.buurt_begin[b]; i < pop_.buurt_begin[b + 1]; ++i) {
            if (!is_adult(i)) continue;  // children's care is outside this model (ODD 7.8')
            const auto u = draws[i];
            const bool episode = s.episode_weeks[i] > 0;
            const bool crisis_now = s.crisis_week[i] == week_ + 1;
            double gp = h.gp_contacts_per_year * (1.0 + h.gp_self_reliance_effect * (1.0 - s.self_reliance[i]));
            if (episode) gp *= h.gp_episode_multiplier;
            if (s.djg[i] >= 9) gp *= h.gp_lonely_multiplier;
            // A rate per week as a probability: 1 - exp(-rate), so a large rate stays below one.
            bool gp_contact = rate_draw(u[0], gp * per_week);
            const double poh = (s.djg[i] >= 3 ? h.poh_ggz_per_year_lonely : 0.0) + (episode ? h.poh_ggz_per_year_episode : 0.0);
            bw.poh_ggz_contacts += rate_draw(u[1], poh * per_week);
            if (crisis_now) {
                if (u[2] < h.crisis_acute_share) ++bw.acute_contacts;
                else gp_contact = true;
            }
            bw.gp_contacts += gp_contact;
        }
    });
}

}  // namespace buurtsim
