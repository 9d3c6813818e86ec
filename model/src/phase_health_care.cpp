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
    // Multipliers by a 0/1 index: times 1.0 is exact, and a table read is not a jump (which way a
    // resident falls is a coin toss to the branch predictor).
    const double episode_mult[2] = {1.0, h.gp_episode_multiplier}, lonely_mult[2] = {1.0, h.gp_lonely_multiplier};
    const double poh_lonely[2] = {0.0, h.poh_ggz_per_year_lonely}, poh_episode[2] = {0.0, h.poh_ggz_per_year_episode};
    for_each_buurt(pop_.geo.buurten.size(), [&](std::uint32_t b) {
        State::BuurtWeek& bw = s.week[b];
        const rng::Uniform4Run draws(key_, rng::Stream::health_care, week_, pop_.buurt_begin[b], pop_.buurt_begin[b + 1]);
        const std::uint16_t* __restrict episode_weeks = s.episode_weeks.data();
        const std::uint32_t* __restrict crisis_week = s.crisis_week.data();
        const float* __restrict self_reliance = s.self_reliance.data();
        const std::uint8_t* __restrict djg = s.djg.data();
        const std::uint32_t now = week_ + 1;
        std::uint32_t gp_contacts = 0, poh_contacts = 0, acute = 0;
        // Children's care is outside this model (ODD 7.8'): adults only.
        for (std::uint32_t k = adults_begin_[b]; k < adults_begin_[b + 1]; ++k) {
            const std::uint32_t i = adults_[k];
            const auto u = draws[i];
            const unsigned episode = episode_weeks[i] > 0;
            const unsigned crisis_now = crisis_week[i] == now;
            double gp = h.gp_contacts_per_year * (1.0 + h.gp_self_reliance_effect * (1.0 - self_reliance[i]));
            gp *= episode_mult[episode];
            gp *= lonely_mult[djg[i] >= 9];
            // A rate per week as a probability: 1 - exp(-rate), so a large rate stays below one.
            unsigned gp_contact = rate_draw(u[0], gp * per_week);
            const double poh = poh_lonely[djg[i] >= 3] + poh_episode[episode];
            poh_contacts += rate_draw(u[1], poh * per_week);
            const unsigned to_acute = unsigned(u[2] < h.crisis_acute_share);
            acute += crisis_now & to_acute;
            gp_contact |= crisis_now & (to_acute ^ 1u);
            gp_contacts += gp_contact;
        }
        bw.poh_ggz_contacts += poh_contacts;
        bw.acute_contacts += acute;
        bw.gp_contacts += gp_contacts;
    });
}

}  // namespace buurtsim
