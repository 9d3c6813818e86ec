#pragma once
// Everything that changes during a run (STYLE 4-5): per resident unless said
// otherwise. Private to the model: phases, components and tests include it;
// the public API (simulation.hpp) only names it.
#include "buurtsim/buurtteam.hpp"
#include "buurtsim/network.hpp"
#include "buurtsim/population.hpp"

#include <array>
#include <cstdint>
#include <limits>
#include <vector>

namespace buurtsim {

/** @brief Where a resident's current support question stands. */
enum class QuestionStatus : std::uint8_t {
    none = 0,     ///< no open question
    open = 1,     ///< asking the own network and the community
    waiting = 2,  ///< on the buurtteam waiting list
    in_case = 3,  ///< an open buurtteam case
    cared = 4,    ///< a care question answered by a mantelzorger (while the care lasts)
};

/** @brief The four kinds of support question (DESIGN 4, phase 2). */
enum class QuestionKind : std::uint8_t { practical = 0, social = 1, info = 2, care = 3 };

/** @brief A resident's ties summarised for wellbeing: strengths are in units of 255. */
struct Embedding {
    double strength_all = 0;             ///< sum of tie strengths / 255
    double strength_buurt = 0;           ///< same, ties to residents of the own buurt
    std::uint32_t ties_buurt = 0;        ///< ties to residents of the own buurt
    std::uint32_t nonhousehold_buurt = 0;///< of which not household ties
    double log_all = 0;                  ///< log(1 + strength_all)
    double log_buurt = 0;                ///< log(1 + strength_buurt)
};

/** @brief The integer sums an Embedding is made of (tie_sums.hpp keeps them up to date). */
struct TieSummary {
    std::uint32_t strength_all = 0;        ///< sum of the row's strengths (0..255 each)
    std::uint32_t strength_buurt = 0;      ///< same, ties to residents of the own buurt
    std::uint16_t ties_buurt = 0;          ///< ties to residents of the own buurt
    std::uint16_t nonhousehold_buurt = 0;  ///< of which not household ties
};

constexpr std::uint32_t no_one = std::numeric_limits<std::uint32_t>::max();

/** @brief Everything that changes during a run, per resident unless said otherwise. */
struct State {
    // --- lasting traits (drawn once per replicate)
    std::vector<float> inclination;        ///< 0..1, propensity to visit meeting places
    std::vector<float> loneliness_trait;   ///< standard normal; times loneliness.trait_sd
    std::vector<float> loneliness_base;    ///< DJG latent score before ties and contact (Engine::loneliness_base)
    std::vector<float> loneliness_split;   ///< uniform 0..1: which subscale a resident's DJG answers fall on (observe.cpp)
    /// The emotional item count last computed from loneliness_split, as (DJG score << 4) | count (0xFF: none yet):
    /// it depends on the score alone, which changes in few weeks, so observe recomputes it only then.
    std::vector<std::uint8_t> emotional_items;
    /// Standard normal per statement: sqrt(s) x a person factor + sqrt(1 - s) x the statement's own
    /// normal, s = cohesion.person_factor_share, so a resident's five answers correlate. One array per
    /// statement, cohesion_trait[k][i], so that observe's loop over the buurt reads each four residents wide.
    std::array<std::vector<float>, 5> cohesion_trait;
    std::vector<float> help_hours;         ///< hours per week the resident can give others

    // --- knowledge and roles
    std::vector<std::uint8_t> knows_way;          ///< knows how to reach the buurtteam
    std::vector<std::uint8_t> knows_community;    ///< knows how to find community help
    std::vector<std::uint8_t> volunteer;          ///< 0 no, 1 volunteer, 2 support volunteer

    // --- health
    std::vector<float> self_reliance;             ///< 0..1
    std::vector<std::uint16_t> episode_weeks;     ///< weeks left of the current episode (0: none)
    /// This week's huisarts and POH-GGZ draws (health_care.cpp), words 2 and 3 of the resident's Philox block
    /// of the health phase (words 0 and 1 are its noise and episode draws), as word 2 | word 3 << 32: one
    /// block a resident and week serves both phases.
    std::vector<std::uint64_t> care_words;

    // --- the current support question
    std::vector<QuestionStatus> status;
    std::vector<QuestionKind> kind;
    std::vector<float> question_hours;     ///< hours needed (care: hours per week)
    std::vector<std::uint16_t> weeks_open; ///< weeks the question has been unmet (open or waiting for the buurtteam)
    std::vector<std::uint16_t> weeks_listed; ///< of which on the buurtteam waiting list; > 0 while open: left the list

    // --- mantelzorg (the carer's side) and Wmo
    std::vector<std::uint32_t> caring_for;  ///< recipient, or no_one
    std::vector<std::uint16_t> care_weeks;  ///< weeks of care left
    std::vector<float> burden;              ///< carer burden; overburdened at >= 1
    std::vector<std::uint16_t> wmo_weeks;   ///< weeks of Wmo provision left (0: none)
    std::vector<std::uint32_t> wmo_seen;    ///< last week (+1) the resident had a Wmo provision (0: never)
    // Last week (+1) the resident volunteered, gave mantelzorg, or had a buurtteam case (0: never), for the
    // "during the last 12 months" counts the surveys and registrations use (calibration targets).
    std::vector<std::uint32_t> volunteer_seen, carer_seen, buurtteam_seen;
    std::vector<std::uint16_t> general_weeks; ///< weeks an algemene voorziening still meets a lasting need (0: none)

    // --- crises: the hook for health-care use (GP, acute care) by a later phase
    std::vector<std::uint16_t> crises;      ///< crises of the resident so far in the run (burn-in included)
    std::vector<std::uint32_t> crisis_week; ///< week (+1, simulated weeks) of the resident's last crisis (0: none)

    // --- support: light help or carer support received (what it does: Levers::support_*, carer_burden_relief)
    std::vector<std::uint32_t> supported_until;        ///< as a resident with questions: supported while the week index is below this (0: never)
    std::vector<std::uint32_t> carer_supported_until;  ///< as a mantelzorger: supported while the week index is below this (0: never)

    // --- wellbeing (updated in observe)
    std::vector<float> contacts_week;       ///< contacts this week (encounters, help, care)
    std::vector<float> contacts_recent;     ///< moving average of contacts per week
    std::vector<std::uint8_t> djg;          ///< De Jong Gierveld score 0..11 (adults)
    std::vector<TieSummary> ties;           ///< the row's sums, kept up to date as ties change (tie_sums.hpp)

    // --- this week's helping (reset lazily by week stamp)
    std::vector<float> hours_given;
    std::vector<std::uint32_t> hours_week;
    std::vector<std::uint32_t> visited_week;  ///< last week the resident visited a meeting place (+1; 0: never)

    // --- algorithm state
    std::vector<Buurtteam> teams;  ///< one per wijk (index = wijk)
    std::vector<double> team_capacity;  ///< each team's budget without staff shortage
    std::vector<double> team_worked;    ///< hours each team worked this week
    std::vector<double> team_needed_sum;///< hours each team's residents needed, summed since the last funding reset
    std::vector<std::uint32_t> team_needed_weeks; ///< weeks in that sum
    std::vector<std::vector<std::uint32_t>> wmo_referred; ///< per team: residents referred for a Wmo indication this week

    // --- per-buurt counters for the current week (cleared at the start of a week)
    struct BuurtWeek {
        std::uint32_t new_questions = 0, solved_network = 0, solved_community = 0, solved_professional = 0;
        std::uint32_t dropped = 0, escalations = 0, referrals = 0, cases_started = 0, wmo_new = 0, visits = 0;
        std::uint32_t withdrawn = 0, brokered = 0, light_help = 0, carer_found = 0;
        std::uint32_t crises = 0, crises_waiting = 0, left_list = 0;
        std::uint32_t wmo_assessed = 0, wmo_network = 0, wmo_general = 0, wmo_new_loket = 0;
        std::uint32_t gp_contacts = 0, poh_ggz_contacts = 0, acute_contacts = 0, wmo_referred = 0;
        double informal_hours = 0, volunteer_hours = 0, buurtteam_hours = 0, wait_sum = 0;
    };
    std::vector<BuurtWeek> week;
};

}  // namespace buurtsim
