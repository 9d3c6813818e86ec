#pragma once
/** @file levers.hpp
 *  Levers: the per-buurt, per-week knobs through which interventions act.
 *  At the start of every week the engine resets them to the model's own
 *  values (no intervention), then every component sets its part in registry
 *  order (component.hpp); the phases read levers and never ask which
 *  intervention is on. A combined scenario is the composition of its parts:
 *  contributions add up.
 */
#include <cstdint>
#include <vector>

namespace buurtsim {

struct Levers {
    // --- meeting places and recruitment (per buurt)
    std::vector<double> seats_per_1000;          ///< visits per week meeting places can host per 1000 residents
    std::vector<double> recruit_multiplier;      ///< volunteer recruitment multiplier for every adult (1: none)
    std::vector<double> visitor_recruit_multiplier; ///< extra recruitment multiplier for this week's visitors (1: none)

    // --- information and outreach (per buurt)
    std::vector<double> learn_community;         ///< weekly probability an adult learns where community help is
    std::vector<double> learn_buurtteam_vulnerable; ///< weekly probability a vulnerable adult learns the way to the buurtteam
    /// Random sub-stream (of rng::Stream::intervention) the information draws use: the informing
    /// component's own, so its draws never move when another component is added.
    std::uint32_t information_sub = 0;

    // --- community brokerage: a buurtondersteuner or similar (per buurt)
    std::vector<double> broker_hours;            ///< hours this week for residents' questions (0: no broker)
    std::vector<double> broker_reach;            ///< share of adults who know the broker
    double broker_hours_per_question = 1;        ///< hours to take up one question
    std::int64_t broker_match_attempts = 0;      ///< neighbours or volunteers tried per question
    std::uint32_t broker_sub = 0;                ///< first of the broker's three random sub-streams

    // --- professional capacity (per wijk team)
    std::vector<double> team_capacity_factor;    ///< multiplies each buurtteam's budgeted hours (1: full)

    // --- costs (per buurt, this week)
    std::vector<double> intervention_cost_eur;   ///< euro spent on community roles in the buurt this week

    /** @brief Size every lever for `buurten` buurten and `teams` teams. */
    void resize(std::size_t buurten, std::size_t teams) {
        for (auto* v : {&seats_per_1000, &recruit_multiplier, &visitor_recruit_multiplier, &learn_community,
                        &learn_buurtteam_vulnerable, &broker_hours, &broker_reach, &intervention_cost_eur})
            v->assign(buurten, 0.0);
        team_capacity_factor.assign(teams, 1.0);
    }
};

}  // namespace buurtsim
