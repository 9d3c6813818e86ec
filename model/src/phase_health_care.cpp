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

#include "buurtsim/error.hpp"

#include <cmath>

namespace buurtsim {
using namespace detail;

void Engine::health_care_use() {
    const HealthCareParams& h = params_.health_care;
    State& s = state_;
    BUURTSIM_ASSERT(care_words_week_ == week_);  // this week's draws (State::care_words)
    const double per_week = 1.0 / 52.0;
    const double gp_year = h.gp_contacts_per_year, gp_sr = h.gp_self_reliance_effect;
    const double gp_episode = h.gp_episode_multiplier, gp_lonely = h.gp_lonely_multiplier;
    const double poh_lonely = h.poh_ggz_per_year_lonely, poh_episode = h.poh_ggz_per_year_episode;
    const double acute_share = h.crisis_acute_share;
    // Each contact's weekly rate: a multiplier of 1.0 or a term of 0.0 where it does not apply (exact), so
    // the loop below has no jump on which way a resident falls.
    const auto gp_rate = [=](float sr, unsigned episode, std::uint8_t score) {
        double gp = gp_year * (1.0 + gp_sr * (1.0 - sr));
        gp *= choose(episode, gp_episode, 1.0);
        gp *= choose(score >= 9, gp_lonely, 1.0);
        return gp * per_week;
    };
    const auto poh_rate = [=](unsigned episode, std::uint8_t score) {
        return (choose(score >= 3, poh_lonely, 0.0) + choose(episode, poh_episode, 0.0)) * per_week;
    };
    for_each_buurt_wide(pop_.geo.buurten.size(), [&](std::uint32_t b) __attribute__((always_inline)) {
        State::BuurtWeek& bw = s.week[b];
        const std::uint32_t rb = pop_.buurt_begin[b], re = pop_.buurt_begin[b + 1];
        // Pointers to the buurt's first resident, indexed by a size_t: a 32-bit `i - rb` may wrap as far
        // as the compiler knows, and then it does not vectorise.
        const std::uint8_t* __restrict age = pop_.age.data() + rb;
        const std::uint16_t* __restrict episode_weeks = s.episode_weeks.data() + rb;
        const std::uint32_t* __restrict crisis_week = s.crisis_week.data() + rb;
        const float* __restrict self_reliance = s.self_reliance.data() + rb;
        const std::uint8_t* __restrict djg = s.djg.data() + rb;
        // The two uniforms, words 2 and 3 of the health phase's blocks this week (State::care_words),
        // converted in a pass of their own; and the residents whose draw rate_draw_quick left undecided
        // (bit 0: huisarts, bit 1: POH-GGZ) or who are in a crisis (bit 2): a handful a week, in buffers the
        // thread keeps.
        thread_local std::vector<std::uint64_t> undecided_buf;  // 64-bit: narrowing a double's mask stops the vectoriser
        thread_local std::vector<double> u_buf;
        const std::size_t n = re - rb;
        if (undecided_buf.size() < n) undecided_buf.resize(n);
        if (u_buf.size() < 2 * n) u_buf.resize(2 * n);
        double* __restrict ua = u_buf.data();
        double* __restrict ub = ua + n;
        const std::uint64_t* __restrict words = s.care_words.data() + rb;
        for (std::size_t k = 0; k < n; ++k) {
            ua[k] = u01_vec(std::uint32_t(words[k]));
            ub[k] = u01_vec(std::uint32_t(words[k] >> 32));
        }
        std::uint64_t* __restrict undecided = undecided_buf.data();
        const std::uint32_t now = week_ + 1;
        std::uint32_t gp_contacts = 0, poh_contacts = 0, acute = 0;
        // Children's care is outside this model (ODD 7.8'): everyone is computed, adults are counted
        // (by mask: the loop vectorises, where one over the adults' ids reads every array by index). An adult
        // in a crisis this week is settled below.
        for (std::size_t k = 0; k < n; ++k) {
            const double u0 = ua[k], u1 = ub[k];
            const unsigned adult = age[k] >= adult_age;
            const unsigned episode = episode_weeks[k] > 0;
            const unsigned crisis_now = adult & unsigned(crisis_week[k] == now);
            unsigned gp_decided, poh_decided;
            const unsigned gp_yes = rate_draw_quick(u0, gp_rate(self_reliance[k], episode, djg[k]), gp_decided);
            const unsigned poh_yes = rate_draw_quick(u1, poh_rate(episode, djg[k]), poh_decided);
            gp_contacts += adult & (crisis_now ^ 1u) & gp_decided & gp_yes;
            poh_contacts += adult & poh_decided & poh_yes;
            undecided[k] = std::uint64_t((adult & (gp_decided ^ 1u) & (crisis_now ^ 1u)) | ((adult & (poh_decided ^ 1u)) << 1) |
                                         (crisis_now << 2));
        }
        // A crisis this week brings acute care with probability crisis_acute_share, else a huisarts contact:
        // the resident's own draw (sub 1).
        for (std::size_t k = 0; k < n; ++k) {
            if (undecided[k] == 0) continue;  // rare
            const unsigned episode = episode_weeks[k] > 0;
            if (undecided[k] & 1u) gp_contacts += rate_draw(ua[k], gp_rate(self_reliance[k], episode, djg[k]));
            if (undecided[k] & 2u) poh_contacts += rate_draw(ub[k], poh_rate(episode, djg[k]));
            if (undecided[k] & 4u) {
                // A crisis not taken to acute care is a huisarts contact whatever the draw; one taken there
                // leaves the huisarts draw to decide, as for anyone (rate_draw: the quick answer where it has one).
                const unsigned to_acute = key_.uniform4(rng::Stream::health_care, week_, rb + std::uint32_t(k), 1)[0] < acute_share;
                acute += to_acute;
                gp_contacts += to_acute ? unsigned(rate_draw(ua[k], gp_rate(self_reliance[k], episode, djg[k]))) : 1u;
            }
        }
        bw.poh_ggz_contacts += poh_contacts;
        bw.acute_contacts += acute;
        bw.gp_contacts += gp_contacts;
    });
}

}  // namespace buurtsim
