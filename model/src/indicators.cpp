// Indicator names, units and meanings: the single list behind the HDF5
// datasets and docs/FORMAT.md. "Adults" are residents 18+.
#include "buurtsim/indicators.hpp"

namespace buurtsim {

const std::array<IndicatorSpec, n_indicators>& indicator_specs() {
    static const std::array<IndicatorSpec, n_indicators> specs = {{
        {"residents", true, "persons", "Residents living in the buurt."},
        {"adults", true, "persons", "Residents 18+ (denominator of the shares)."},
        {"adults_65plus", true, "persons", "Residents 65+ (denominator of severely_lonely_share_65plus)."},
        {"questions_new", true, "questions/week", "Support questions that arose this week."},
        {"questions_solved_network", true, "questions/week",
         "Questions solved this week by someone in the resident's own network (care questions: a network member became the carer)."},
        {"questions_solved_community", true, "questions/week",
         "Questions solved this week by a support volunteer of the buurt."},
        {"questions_solved_professional", true, "questions/week",
         "Questions solved this week by the buurtteam (case closed)."},
        {"questions_unmet_open", true, "questions",
         "Questions open at the end of the week that no one is working on (not waiting for or in a buurtteam case, not cared for)."},
        {"questions_dropped", true, "questions/week",
         "Questions given up this week after buurtteam.give_up_after_weeks without help."},
        {"escalations", true, "events/week",
         "Unmet questions that escalated into a crisis this week (urgent buurtteam referral)."},
        {"buurtteam_referrals", true, "questions/week",
         "Questions that entered the buurtteam waiting list this week."},
        {"buurtteam_started", true, "cases/week",
         "Buurtteam cases of residents of the buurt that started this week (left the waiting list)."},
        {"buurtteam_clients", true, "persons",
         "Residents of the buurt with an open buurtteam case at the end of the week."},
        {"buurtteam_waiting", true, "persons",
         "Residents of the buurt on the buurtteam waiting list at the end of the week."},
        {"buurtteam_wait_weeks", false, "week",
         "Mean weeks waited by residents of the buurt whose case started this week; NaN if none started."},
        {"buurtteam_hours", false, "h/week",
         "Buurtteam hours spent this week on cases of residents of the buurt."},
        {"wmo_clients", true, "persons", "Residents with a Wmo maatwerk provision at the end of the week."},
        {"wmo_new", true, "persons/week", "New Wmo maatwerk provisions this week."},
        {"wmo_cost_eur", false, "EUR/week", "Cost of the Wmo maatwerk provisions of the buurt's residents this week."},
        {"informal_care_hours", false, "h/week",
         "Hours of help given this week by network members (one-off help and mantelzorg) to residents of the buurt."},
        {"volunteer_hours", false, "h/week", "Hours support volunteers spent this week on questions of the buurt's residents."},
        {"volunteers", true, "persons", "Adults of the buurt who volunteer (any kind) at the end of the week."},
        {"carers", true, "persons", "Adults of the buurt giving mantelzorg at the end of the week."},
        {"carers_overburdened", true, "persons", "Carers of the buurt whose burden is 1 or more."},
        {"meeting_visits", true, "visits/week", "Visits to buurtkamers and activities in the buurt this week."},
        {"lonely_share", false, "share of adults", "Adults with De Jong Gierveld score 3-11 (lonely); NaN without adults."},
        {"severely_lonely_share", false, "share of adults", "Adults with De Jong Gierveld score 9-11 (severely lonely)."},
        {"severely_lonely_share_65plus", false, "share of residents 65+",
         "Residents 65+ with De Jong Gierveld score 9-11; NaN without residents 65+."},
        {"cohesion_score", false, "0-10",
         "Perceived social cohesion: mean over adults of the five statements' Likert answers (1-5) mapped to 0-10."},
        {"cohesion_know_each_other", false, "share of adults", "Adults agreeing (4-5) that people here know each other well."},
        {"cohesion_interact_pleasantly", false, "share of adults", "Adults agreeing that people here interact pleasantly."},
        {"cohesion_gezellig", false, "share of adults", "Adults agreeing they live in a gezellige buurt with togetherness."},
        {"cohesion_interact_a_lot", false, "share of adults", "Adults agreeing that people here interact a lot."},
        {"cohesion_feel_comfortable", false, "share of adults", "Adults agreeing they feel at home with the people here."},
        {"mean_ties_in_buurt", false, "ties/adult",
         "Mean over adults of the number of ties (any type) to residents of the same buurt."},
        {"share_knowing_5_in_buurt", false, "share of adults",
         "Adults with at least 5 ties outside their household to residents of the same buurt."},
        {"buurtteam_cost_eur", false, "EUR/week", "buurtteam_hours times costs.buurtteam_hour_eur."},
        {"intervention_cost_eur", false, "EUR/week", "Cost of community interventions this week (none in this release: 0)."},
        {"total_cost_eur", false, "EUR/week", "buurtteam_cost_eur + wmo_cost_eur + intervention_cost_eur."},
    }};
    return specs;
}

}  // namespace buurtsim
