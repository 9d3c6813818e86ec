// Indicator names, units and meanings: the single list behind the HDF5
// datasets and docs/FORMAT.md.
#include "buurtsim/indicators.hpp"

namespace buurtsim {

const std::array<IndicatorSpec, n_indicators>& indicator_specs() {
    static const std::array<IndicatorSpec, n_indicators> specs = {{
        {"residents", true, "persons", "Residents living in the buurt this week."},
        {"questions_new", true, "questions/week", "Support questions that arose this week."},
        {"questions_solved_network", true, "questions/week",
         "Questions solved this week by someone in the resident's own network."},
        {"questions_solved_professional", true, "questions/week",
         "Questions solved this week by the buurtteam (case closed)."},
        {"questions_unmet_open", true, "questions",
         "Questions open at the end of the week that no one is working on (not in a buurtteam queue or case)."},
        {"questions_dropped", true, "questions/week",
         "Questions given up this week after buurtteam.give_up_after_weeks without help."},
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
        {"informal_care_hours", false, "h/week",
         "Hours of help given this week by network members to residents of the buurt."},
    }};
    return specs;
}

}  // namespace buurtsim
