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
    /// Light help: the broker answers a practical, social or information question itself when it
    /// needs at most this many hours (information and forms, a short practical hand, a listening ear); 0: never.
    double broker_light_help_hours = 0;
    /// Triage: a care question of at most this many hours a week, of a resident with at least
    /// broker_triage_self_reliance and not in an episode, is one the community can carry: the broker
    /// looks for a mantelzorger (own network in the buurt, then a neighbour or volunteer) before
    /// referring. Any other care question goes to the buurtteam at once. 0: every care question at once.
    double broker_triage_care_hours = 0;
    double broker_triage_self_reliance = 0;      ///< see broker_triage_care_hours
    double broker_carer_hours = 0;               ///< broker hours per strained mantelzorger supported (0: no carer support)
    double broker_carer_burden = 1;              ///< mantelzorgers with at least this burden bring their strain to the broker
    std::int64_t broker_support_weeks = 0;       ///< weeks a resident or carer the broker helped counts as supported

    // --- support (per buurt): what being supported does (State::supported_until), whoever gave it
    std::vector<double> support_escalation_factor; ///< multiplies a supported resident's escalation hazard (1: none)
    std::vector<double> support_loss_factor;       ///< multiplies a supported resident's self-reliance loss in episodes and escalations (1: none)
    std::vector<double> carer_burden_relief;       ///< share of a supported mantelzorger's burden growth removed (0: none)

    // --- professional capacity (per wijk team)
    std::vector<double> team_capacity_factor;    ///< multiplies each buurtteam's budgeted hours (1: full)

    // --- costs (per buurt, this week)
    std::vector<double> intervention_cost_eur;   ///< euro spent on community roles in the buurt this week

    /** @brief Size every lever for `buurten` buurten and `teams` teams. */
    void resize(std::size_t buurten, std::size_t teams) {
        for (auto* v : {&seats_per_1000, &recruit_multiplier, &visitor_recruit_multiplier, &learn_community,
                        &learn_buurtteam_vulnerable, &broker_hours, &broker_reach, &intervention_cost_eur})
            v->assign(buurten, 0.0);
        support_escalation_factor.assign(buurten, 1.0);
        support_loss_factor.assign(buurten, 1.0);
        carer_burden_relief.assign(buurten, 0.0);
        team_capacity_factor.assign(teams, 1.0);
    }
};

}  // namespace buurtsim
