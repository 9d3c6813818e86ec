#pragma once
/** @file indicators.hpp
 *  Per-buurt, per-week indicators and per-resident snapshots. The list of
 *  indicators below (BUURTSIM_INDICATORS) is the single source for the enum,
 *  the HDF5 dataset names, dtypes, units, meanings and aggregation rules
 *  (docs/FORMAT.md shows the same table and a test checks they agree).
 */
#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace buurtsim {

/** @brief How an indicator becomes one value over weeks and buurten (a horizon value, a city series). */
enum class Aggregation : std::uint8_t {
    flow,           ///< sum over weeks and buurten (hours, euro, events per week)
    stock,          ///< mean over weeks of the sum over buurten (persons, open questions)
    weighted_mean,  ///< mean over weeks and buurten weighted by another indicator (shares, scores, waits)
};

/** The indicators, in file order: the one list behind the Indicator enum and
 *  indicator_specs() (so the two cannot drift), the HDF5 data variables
 *  (datasets.hpp), the Python views and docs/FORMAT.md "Data variables".
 *  X(name, file dtype, unit, aggregation, weight of a weighted_mean (none
 *  otherwise), payer of a euro indicator (Payer; none for the others),
 *  label for comparison tables ("" : the meaning), meaning).
 *  A new indicator is one line here plus the code that computes it. */
#define BUURTSIM_INDICATORS(X) \
    X(residents, int32, "persons", stock, none, none, "", \
      "Residents living in the buurt.") \
    X(adults, int32, "persons", stock, none, none, "", \
      "Residents 18+ (denominator of the shares).") \
    X(adults_65plus, int32, "persons", stock, none, none, "", \
      "Residents 65+ (denominator of severely_lonely_share_65plus).") \
    X(questions_new, int32, "questions/week", flow, none, none, "", \
      "Support questions that arose this week.") \
    X(questions_solved_network, int32, "questions/week", flow, none, none, "", \
      "Questions solved this week by someone in the resident's own network (care questions: a network member became the carer).") \
    X(questions_solved_community, int32, "questions/week", flow, none, none, "", \
      "Questions solved this week by a support volunteer of the buurt or a neighbour found by a buurtondersteuner.") \
    X(questions_brokered, int32, "questions/week", flow, none, none, "", \
      "Questions taken up this week by a buurtondersteuner (solved in the community or referred on).") \
    X(questions_solved_professional, int32, "questions/week", flow, none, none, "", \
      "Questions solved this week by the buurtteam (case closed).") \
    X(questions_unmet_open, int32, "questions", stock, none, none, "Unmet questions (mean open per week)", \
      "Questions open at the end of the week that no one is working on (not waiting for or in a buurtteam case, not cared for).") \
    X(questions_dropped, int32, "questions/week", flow, none, none, "", \
      "Questions given up this week: open for buurtteam.give_up_after_weeks weeks (not counting weeks on the buurtteam waiting list) without help.") \
    X(escalations, int32, "events/week", flow, none, none, "Crises (escalated questions)", \
      "Unmet open questions that escalated into a crisis this week (urgent buurtteam referral); see also crises.") \
    X(buurtteam_referrals, int32, "questions/week", flow, none, none, "", \
      "Questions that entered the buurtteam waiting list this week.") \
    X(buurtteam_started, int32, "cases/week", flow, none, none, "", \
      "Buurtteam cases of residents of the buurt that started this week (left the waiting list).") \
    X(buurtteam_clients, int32, "persons", stock, none, none, "", \
      "Residents of the buurt with an open buurtteam case at the end of the week.") \
    X(buurtteam_waiting, int32, "persons", stock, none, none, "", \
      "Residents of the buurt on the buurtteam waiting list at the end of the week.") \
    X(buurtteam_wait_weeks, float64, "week", weighted_mean, buurtteam_started, none, "Wait for the buurtteam (mean per started case)", \
      "Mean weeks waited by residents of the buurt whose case started this week; NaN if none started.") \
    X(buurtteam_hours, float64, "h/week", flow, none, none, "Buurtteam hours", \
      "Buurtteam hours spent this week on cases of residents of the buurt.") \
    X(wmo_clients, int32, "persons", stock, none, none, "Wmo clients (mean per week)", \
      "Residents with a Wmo maatwerk provision at the end of the week.") \
    X(wmo_new, int32, "persons/week", flow, none, none, "", \
      "New Wmo maatwerk provisions this week.") \
    X(wmo_cost_eur, float64, "EUR/week", flow, none, gemeente, "Wmo cost", \
      "Cost of the Wmo maatwerk provisions of the buurt's residents this week.") \
    X(informal_care_hours, float64, "h/week", flow, none, none, "Informal help hours (network, mantelzorg)", \
      "Hours of help given this week by network members (one-off help and mantelzorg) to residents of the buurt.") \
    X(volunteer_hours, float64, "h/week", flow, none, none, "Volunteer hours", \
      "Hours support volunteers spent this week on questions of the buurt's residents.") \
    X(volunteers, int32, "persons", stock, none, none, "", \
      "Adults of the buurt who volunteer (any kind) at the end of the week.") \
    X(carers, int32, "persons", stock, none, none, "", \
      "Residents (15+) of the buurt giving mantelzorg at the end of the week.") \
    X(carers_overburdened, int32, "persons", stock, none, none, "", \
      "Carers of the buurt whose burden is 1 or more.") \
    X(carers_withdrawn, int32, "persons/week", flow, none, none, "", \
      "Overburdened carers of the buurt's residents who stopped this week; the care question opens again.") \
    X(care_recipients, int32, "persons", stock, none, none, "", \
      "Residents of the buurt whose care question is answered by a mantelzorger at the end of the week.") \
    X(meeting_visits, int32, "visits/week", flow, none, none, "", \
      "Visits to buurtkamers and activities in the buurt this week.") \
    X(lonely_share, float64, "share of adults", weighted_mean, adults, none, "Lonely adults", \
      "Adults with De Jong Gierveld score 3-11 (lonely); NaN without adults.") \
    X(severely_lonely_share, float64, "share of adults", weighted_mean, adults, none, "Severely lonely adults", \
      "Adults with De Jong Gierveld score 9-11 (severely lonely).") \
    X(severely_lonely_share_65plus, float64, "share of residents 65+", weighted_mean, adults_65plus, none, "", \
      "Residents 65+ with De Jong Gierveld score 9-11; NaN without residents 65+.") \
    X(cohesion_score, float64, "0-10", weighted_mean, adults, none, "Social cohesion score", \
      "Perceived social cohesion: mean over adults of the five statements' Likert answers (1-5) mapped to 0-10.") \
    X(cohesion_know_each_other, float64, "share of adults", weighted_mean, adults, none, "", \
      "Adults agreeing (4-5) that people here know each other well.") \
    X(cohesion_interact_pleasantly, float64, "share of adults", weighted_mean, adults, none, "", \
      "Adults agreeing that people here interact pleasantly.") \
    X(cohesion_gezellig, float64, "share of adults", weighted_mean, adults, none, "", \
      "Adults agreeing they live in a gezellige buurt with togetherness.") \
    X(cohesion_interact_a_lot, float64, "share of adults", weighted_mean, adults, none, "", \
      "Adults agreeing that people here interact a lot.") \
    X(cohesion_feel_comfortable, float64, "share of adults", weighted_mean, adults, none, "", \
      "Adults agreeing they feel at home with the people here.") \
    X(mean_ties_in_buurt, float64, "ties/adult", weighted_mean, adults, none, "", \
      "Mean over adults of the number of ties (any type) to residents of the same buurt.") \
    X(share_knowing_5_in_buurt, float64, "share of adults", weighted_mean, adults, none, "", \
      "Adults with at least 5 ties outside their household to residents of the same buurt.") \
    X(buurtteam_cost_eur, float64, "EUR/week", flow, none, gemeente, "Buurtteam cost", \
      "buurtteam_hours times costs.buurtteam_hour_eur.") \
    X(intervention_cost_eur, float64, "EUR/week", flow, none, gemeente, "Intervention cost", \
      "Cost of the scenario's interventions attributed to the buurt this week (0 without interventions).") \
    X(total_cost_eur, float64, "EUR/week", flow, none, total, "Total cost (gemeente + zorgverzekeraar)", \
      "All euro indicators' payers together: gemeente_cost_eur + zorgverzekeraar_cost_eur.") \
    X(questions_light_help, int32, "questions/week", flow, none, none, "", \
      "Questions a buurtondersteuner answered itself this week with light help (counted in questions_solved_community too).") \
    X(questions_carer_found, int32, "questions/week", flow, none, none, "", \
      "Care questions for which a buurtondersteuner found a mantelzorger this week (in the network: counted in questions_solved_network; else in questions_solved_community).") \
    X(carers_supported, int32, "persons", stock, none, none, "", \
      "Mantelzorgers of the buurt giving care at the end of the week while supported by a buurtondersteuner (advice, respite).") \
    X(questions_unmet, int32, "questions", stock, none, none, "Unmet need (open, waiting, given up; per week)", \
      "Unmet need at the end of the week, all kinds: questions open (questions_unmet_open), waiting for the buurtteam (buurtteam_waiting) and given up this week (questions_dropped).") \
    X(crises, int32, "events/week", flow, none, none, "Crises (open or waiting)", \
      "Crises this week: unmet open questions that escalated (escalations) plus residents on a buurtteam waiting list who escalated while waiting (crises_waiting).") \
    X(crises_waiting, int32, "events/week", flow, none, none, "", \
      "Residents on a buurtteam waiting list whose question escalated into a crisis this week (moved to the urgent list).") \
    X(buurtteam_left_list, int32, "persons/week", flow, none, none, "", \
      "Residents who gave up waiting for the buurtteam this week (hazard 1 / buurtteam.leave_list_weeks_mean); their question is open again.") \
    X(buurtteam_hours_needed, float64, "h/week", flow, none, none, "Buurtteam hours needed", \
      "Buurtteam demand: hours worked this week on cases of the buurt's residents plus the weekly case hours of its residents on the waiting lists.") \
    X(buurtteam_capacity_hours, float64, "h/week", flow, none, none, "", \
      "The wijk team's budgeted hours this week (after any staff shortage), attributed to its buurten by residents.") \
    X(buurtteam_idle_hours, float64, "h/week", flow, none, none, "Buurtteam hours idle", \
      "The wijk team's budgeted hours not worked this week, attributed to its buurten by residents.") \
    X(wmo_assessed, int32, "persons/week", flow, none, none, "", \
      "Lasting needs assessed for Wmo maatwerk this week (referred by the buurtteam or applied at the Wmo loket).") \
    X(wmo_met_by_network, int32, "persons/week", flow, none, none, "", \
      "Assessed needs taken on by someone in the resident's network (voorliggend veld; they become the mantelzorger).") \
    X(wmo_met_by_general, int32, "persons/week", flow, none, none, "", \
      "Assessed needs met by an algemene voorziening instead of maatwerk (voorliggend veld).") \
    X(wmo_new_loket, int32, "persons/week", flow, none, none, "", \
      "Of wmo_new, the provisions that came directly through the Wmo loket (not through the buurtteam).") \
    X(wmo_clients_year, int32, "persons", stock, none, none, "Wmo clients during the year (mean per week)", \
      "Residents with a Wmo maatwerk provision at some time in the last 52 weeks (burn-in included): clients during the year, as CBS 85994NED counts them.") \
    X(general_provision_clients, int32, "persons", stock, none, none, "", \
      "Residents of the buurt whose assessed need an algemene voorziening meets at the end of the week (voorliggend veld, instead of maatwerk).") \
    X(general_provision_cost_eur, float64, "EUR/week", flow, none, gemeente, "Algemene voorzieningen cost", \
      "general_provision_clients times costs.general_provision_week_eur; paid by the gemeente.") \
    X(gp_contacts, int32, "contacts/week", flow, none, none, "Huisarts contacts", \
      "Contacts of the buurt's adults with their huisarts practice this week (consults, visits, phone), crises included.") \
    X(poh_ggz_contacts, int32, "contacts/week", flow, none, none, "", \
      "Contacts of the buurt's adults with the practice's POH-GGZ (mental-health nurse) this week.") \
    X(acute_care_contacts, int32, "contacts/week", flow, none, none, "Acute-care contacts (crises)", \
      "Crises of the buurt's adults this week that needed acute care (huisartsenpost, SEH, crisis service).") \
    X(gp_cost_eur, float64, "EUR/week", flow, none, zorgverzekeraar, "Huisarts cost", \
      "gp_contacts times costs.gp_contact_eur; paid by the zorgverzekeraar (Zvw).") \
    X(poh_ggz_cost_eur, float64, "EUR/week", flow, none, zorgverzekeraar, "POH-GGZ cost", \
      "poh_ggz_contacts times costs.poh_ggz_contact_eur; paid by the zorgverzekeraar (Zvw).") \
    X(acute_care_cost_eur, float64, "EUR/week", flow, none, zorgverzekeraar, "Acute care cost", \
      "acute_care_contacts times costs.acute_contact_eur; paid by the zorgverzekeraar (Zvw).") \
    X(gemeente_cost_eur, float64, "EUR/week", flow, none, gemeente_total, "Cost to the gemeente", \
      "What the gemeente pays: buurtteam_cost_eur + wmo_cost_eur + general_provision_cost_eur + intervention_cost_eur.") \
    X(zorgverzekeraar_cost_eur, float64, "EUR/week", flow, none, zorgverzekeraar_total, "Cost to the zorgverzekeraar", \
      "What the zorgverzekeraar pays (Zvw): gp_cost_eur + poh_ggz_cost_eur + acute_care_cost_eur.") \
    X(volunteers_year, int32, "persons", stock, none, none, "", \
      "Adults of the buurt who volunteered at some time in the last 52 weeks (burn-in included), as surveys ask it.") \
    X(carers_year, int32, "persons", stock, none, none, "", \
      "Adults of the buurt who gave mantelzorg at some time in the last 52 weeks (burn-in included), as the Gezondheidsmonitor asks it.") \
    X(carers_year_65plus, int32, "persons", stock, none, none, "", \
      "Of carers_year, the residents 65+.") \
    X(buurtteam_clients_year, int32, "persons", stock, none, none, "", \
      "Adults of the buurt with a buurtteam case at some time in the last 52 weeks (burn-in included): persons in contact during the year.") \
    X(buurtteam_clients_year_65plus, int32, "persons", stock, none, none, "", \
      "Of buurtteam_clients_year, the residents 65+.") \
    X(wmo_referred_buurtteam, int32, "persons/week", flow, none, none, "", \
      "Closed buurtteam cases of the buurt's residents referred for a Wmo maatwerk indication this week (before the voorliggend-veld assessment).") \
    X(lonely_emotional_share, float64, "share of adults", weighted_mean, adults, none, "Emotionally lonely adults", \
      "Adults with 3 or more unfavourable answers on the 6 emotional items of the De Jong Gierveld scale.") \
    X(lonely_social_share, float64, "share of adults", weighted_mean, adults, none, "Socially lonely adults", \
      "Adults with 3 or more unfavourable answers on the 5 social items of the De Jong Gierveld scale.")

enum class Indicator : std::uint8_t {
#define BUURTSIM_INDICATOR_ENUM(name, ...) name,
    BUURTSIM_INDICATORS(BUURTSIM_INDICATOR_ENUM)
#undef BUURTSIM_INDICATOR_ENUM
    count_  ///< number of indicators, not an indicator
};
constexpr std::size_t n_indicators = static_cast<std::size_t>(Indicator::count_);

/** @brief Who pays a euro indicator (DESIGN 8): a part paid by one payer, one payer's sum, or the sum of all. */
enum class Payer : std::uint8_t {
    none,                   ///< not a euro indicator
    gemeente,               ///< a part the gemeente pays (buurtteams, Wmo, algemene voorzieningen, community roles)
    zorgverzekeraar,        ///< a part the zorgverzekeraar pays under the Zvw (huisarts, POH-GGZ, acute care)
    gemeente_total,         ///< the sum of the gemeente's parts
    zorgverzekeraar_total,  ///< the sum of the zorgverzekeraar's parts
    total,                  ///< the sum of both payers' sums
};

struct IndicatorSpec {
    std::string_view name;
    bool integer;  ///< stored as int32 in the file (counts); else float64
    std::string_view unit;
    std::string_view meaning;
    Aggregation how;     ///< over weeks and buurten
    Indicator weight;    ///< weighted_mean only (adults, adults_65plus, buurtteam_started); else count_
    Payer payer;         ///< euro indicators only; else Payer::none
    std::string_view label;  ///< plain language, for tables; empty: use the meaning
};

/** @brief Specs in Indicator order. */
const std::array<IndicatorSpec, n_indicators>& indicator_specs();

/** @brief The spec of one indicator. @throws InternalError for Indicator::count_. */
const IndicatorSpec& spec_of(Indicator i);

/** @brief The indicator named `name`, or Indicator::count_ if there is none. */
Indicator indicator_named(std::string_view name);

/** @brief "gemeente", "zorgverzekeraar", "gemeente (sum)", "zorgverzekeraar (sum)", "all (sum)" or "". */
std::string_view payer_name(Payer p);

/** @brief The parts a sum adds up: for gemeente_total the Payer::gemeente indicators, for zorgverzekeraar_total
 *  the Payer::zorgverzekeraar ones, for total the two payers' sums; empty for a part or Payer::none. */
std::vector<Indicator> cost_parts(Payer sum);

/** @brief "flow", "stock" or "weighted_mean". */
std::string_view aggregation_name(Aggregation a);

/** @brief The label for tables: the spec's label, else its meaning. */
std::string_view label_of(Indicator i);

/** @brief The unit of a horizon value of `i`: a flow summed over weeks drops its "/week"
 *  ("h/week" -> "h"); stocks and weighted means keep the unit. */
std::string horizon_unit(Indicator i);

/** @brief Roles a resident holds, a bitmask in snapshots. */
enum Role : std::uint8_t {
    role_volunteer = 1,         ///< volunteers (any kind)
    role_support_volunteer = 2, ///< volunteers doing neighbourhood support
    role_carer = 4,             ///< gives mantelzorg to someone
    role_buurtteam_client = 8,  ///< waiting for or in a buurtteam case
    role_wmo_client = 16,       ///< has a Wmo maatwerk provision
};

/** @brief End-of-week state of every resident and every tie, for analysis (networkx, pandas). */
struct Snapshot {
    std::uint32_t week = 0;
    // --- per resident (index = resident id)
    std::vector<std::uint16_t> buurt;          ///< index into the buurt dimension
    std::vector<std::uint8_t> age;             ///< years
    std::vector<std::uint8_t> age_band;        ///< AgeBand: 0 0-14, 1 15-24, 2 25-44, 3 45-64, 4 65+
    std::vector<std::uint32_t> household;      ///< household id
    std::vector<std::uint8_t> household_type;  ///< HouseholdType
    std::vector<std::uint8_t> vulnerability;   ///< Vulnerability bitmask
    std::vector<std::uint8_t> loneliness;      ///< DJG score 0-11 (adults; 0 for children)
    std::vector<std::uint8_t> roles;           ///< Role bitmask
    std::vector<float> self_reliance;          ///< 0..1
    // --- per undirected tie (source < target)
    std::vector<std::uint32_t> source;
    std::vector<std::uint32_t> target;
    std::vector<std::uint8_t> tie_type;        ///< TieType: 0 household, 1 neighbour, 2 friend, 3 weak, 4 met
    std::vector<std::uint8_t> strength;        ///< 0..255
};

/** @brief The indicators of one replicate: values[i][week * buurten + buurt]. */
struct Results {
    std::uint32_t weeks = 0;
    std::uint32_t buurten = 0;
    std::array<std::vector<double>, n_indicators> values;
    std::vector<Snapshot> snapshots;  ///< in week order (output.snapshot_weeks)
    std::vector<std::uint8_t> targeted; ///< per buurt: 1 if an intervention of the scenario targets it

    Results() = default;
    Results(std::uint32_t w, std::uint32_t b) : weeks(w), buurten(b) {
        for (auto& v : values) v.assign(std::size_t(w) * b, 0.0);
    }
    double& at(Indicator i, std::uint32_t week, std::uint32_t buurt) {
        return values[std::size_t(i)][std::size_t(week) * buurten + buurt];
    }
    double at(Indicator i, std::uint32_t week, std::uint32_t buurt) const {
        return values[std::size_t(i)][std::size_t(week) * buurten + buurt];
    }
};

}  // namespace buurtsim
