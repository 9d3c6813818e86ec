// The one parameter table. Defaults, units, ranges, meanings and sources
// are written here and nowhere else: the parser, docs/PARAMETERS.md and the
// resolved scenario in every output file are all derived from it. Each row
// also says how uncertain the parameter is (Plausible, params.hpp): a
// plausible range with the reason for its bounds, or not_uncertain with why.
// Where a parameter is calibrated, its range spans the table default and the
// fitted value in data/params/utrecht-2023.toml (tests/cpp/test_params.cpp
// checks both lie inside).
#include "buurtsim/params.hpp"

#include "buurtsim/component.hpp"
#include "buurtsim/error.hpp"

#include <limits>

namespace buurtsim {
namespace {

constexpr double inf = std::numeric_limits<double>::infinity();

// Captureless lambdas decay to the plain function pointers ParamSpec stores.
#define FIELD(type, path) static_cast<type& (*)(Params&)>([](Params& p) -> type& { return p.path; })
#define I(path) FIELD(std::int64_t, path)
#define R(path) FIELD(double, path)
#define T(path) FIELD(std::string, path)
#define L(path) FIELD(std::vector<std::string>, path)
#define IL(path) FIELD(std::vector<std::int64_t>, path)
#define B(path) FIELD(bool, path)

std::vector<ParamSpec> build_table() {
    return {
        // --- scenario identity
        {"name", "\"unnamed\"", "-", 0, 0, "Scenario name; used as the label in comparisons.",
         "-", T(name),
         not_uncertain("a label for people")},
        {"description", "\"\"", "-", 0, 0, "One line describing the scenario for people.", "-",
         T(description),
         not_uncertain("a label for people")},

        // --- run
        {"run.seed", "1", "-", 0, 4294967295.0, "Master seed; replicate k uses (seed, k).", "-",
         I(run.seed),
         not_uncertain("selects the random numbers: what it changes is the replicates' noise, not parameter uncertainty")},
        {"run.weeks", "260", "week", 1, 5200, "Simulated horizon (260 weeks = 5 years).",
         "DESIGN.md: typical horizon 5 years", I(run.weeks),
         not_uncertain("the horizon of the question asked")},
        {"run.burn_in_weeks", "104", "week", 0, 5200,
         "Weeks simulated before week 0 and not recorded, so stocks (ties, carers, volunteers, queues) settle.",
         "assumption: long enough for ties, volunteers and the buurtteam lists to settle (team hours are split by "
         "need halfway, buurtteam.need_allocation_weeks); carers start at their observed share instead, as care lasts years", I(run.burn_in_weeks),
         not_uncertain("a numerical setting: long enough for the stocks to settle, checked by convergence, not sampled")},
        {"run.replicates", "1", "-", 1, 10000, "Independent replicates (population, network and events redrawn).",
         "-", I(run.replicates),
         not_uncertain("the size of the ensemble")},

        // --- population
        {"population.year", "2023", "year", 2023, 2024,
         "CBS Kerncijfers wijken en buurten edition used for the synthetic population.",
         "CBS Statline, Kerncijfers wijken en buurten 2023/2024 (CC BY 4.0)", I(population.year),
         not_uncertain("the CBS edition used, a choice of data")},
        {"population.scale", "1.0", "share", 0, 1,
         "Fraction of residents simulated; buurtteam capacity scales with it.", "-",
         R(population.scale),
         not_uncertain("the share of residents simulated: capacities scale with it, so it sets the run's size and noise,"
                       " not the model"), true},
        {"population.buurten", "[]", "-", 0, 0,
         "Buurt codes (BU0344xxxx) to simulate; empty means all.", "-", L(population.buurten),
         not_uncertain("a selection of areas")},
        {"population.wijken", "[]", "-", 0, 0,
         "Wijk codes (WK0344xx) to simulate; empty means all. Combined with buurten as a union.",
         "-", L(population.wijken),
         not_uncertain("a selection of areas")},
        {"population.two_parent_share", "0.78", "share", 0, 1,
         "Share of households with children that have two adults (the rest are single parents).",
         "assumption: CBS reports about one in five Dutch households with children as eenoudergezin",
         R(population.two_parent_share),
         plausible(0.7, 0.85, "about 0.8 nationally (CBS: one in five households with children a single parent); large cities "
                   "have more single parents (assumption: down to 0.7)")},
        {"population.psych_prevalence", "0.017", "share", 0, 1,
         "Adults 18-64 with a severe psychological vulnerability (EPA).",
         "Delespaul 2013 (Tijdschr. Psychiatr. 55:427) estimates EPA at about 1.7% of adults 18-65",
         R(population.psych_prevalence),
         plausible(0.01, 0.03, "assumption: the EPA estimate depends on the definition (severity, in care or not), and cities "
                   "lie above the national rate; about 0.6 to 1.8 times Delespaul's 1.7 %")},
        {"population.homeless_history_prevalence", "0.005", "share", 0, 1,
         "Adults 18+ with a history of homelessness.",
         "assumption: CBS counts ~0.2% currently homeless nationally; a history is taken as 2-3 times that",
         R(population.homeless_history_prevalence),
         plausible(0.002, 0.01, "from the currently homeless alone (~0.2 %, CBS) to five times that: a history in a large city, "
                   "where homelessness is more common (assumption)")},
        {"population.nah_prevalence", "0.015", "share", 0, 1,
         "Adults 18+ with acquired brain injury (NAH) that limits daily life.",
         "assumption: Hersenstichting reports ~650,000 people living with NAH (~3.7%); taken as ~40% limited",
         R(population.nah_prevalence),
         plausible(0.008, 0.025, "assumption: a fifth to two thirds of the ~3.7 % living with NAH (Hersenstichting) limited in "
                   "daily life")},
        {"population.lvb_prevalence", "0.02", "share", 0, 1,
         "Residents 12+ with a mild intellectual disability (LVB) who need support.",
         "assumption: SCP (Woittiez et al. 2014) puts people with LVB using care in the low percents",
         R(population.lvb_prevalence),
         plausible(0.01, 0.04, "assumption: half to twice the default; the LVB count depends on whether adaptive limitations or "
                   "care use define it")},
        {"population.frail_65_74", "0.10", "share", 0, 1, "Frailty prevalence among residents 65-74.",
         "assumption: SCP (Kwetsbare ouderen, 2011) ~25% of 65+ frail, rising steeply with age",
         R(population.frail_65_74),
         plausible(0.05, 0.18, "assumption: frailty prevalence differs by instrument (physical vs the multidimensional Groningen"
                   " Frailty Indicator) by about a factor two")},
        {"population.frail_75_84", "0.25", "share", 0, 1, "Frailty prevalence among residents 75-84.",
         "assumption: as population.frail_65_74", R(population.frail_75_84),
         plausible(0.15, 0.35, "assumption: as population.frail_65_74")},
        {"population.frail_85_plus", "0.50", "share", 0, 1, "Frailty prevalence among residents 85+.",
         "assumption: as population.frail_65_74", R(population.frail_85_plus),
         plausible(0.35, 0.65, "assumption: as population.frail_65_74, narrower in relative terms as most of the oldest are "
                   "frail on any instrument")},
        {"population.benefit_vulnerability_odds", "3.0", "ratio", 1, 100,
         "Odds multiplier for psychological vulnerability, NAH and LVB among residents on bijstand or disability benefit.",
         "assumption: these groups are strongly over-represented among benefit recipients",
         R(population.benefit_vulnerability_odds),
         plausible(1.5, 6, "assumption: half to twice the default; over-representation is clear, its size in Utrecht not "
                   "measured")},

        // --- network
        {"network.block_households", "20", "households", 1, 1000,
         "Households per street block (neighbour ties form within a block).",
         "assumption: a portiek or short street", R(network.block_households),
         plausible(8, 40, "assumption: from a portiek of 8 households to a long street or gallery flat")},
        {"network.neighbour_ties", "2.0", "ties/adult", 0, 50,
         "Mean neighbour ties each adult proposes within the street block.",
         "assumption", R(network.neighbour_ties),
         plausible(1, 4, "assumption: half to twice the default (each tie is proposed by one end, so about 2-8 neighbour "
                   "ties an adult)")},
        {"network.friend_ties", "3.0", "ties/adult", 0, 50,
         "Mean friend ties each adult proposes (age homophily, across the city).",
         "assumption: SCP reports most adults name a handful of close friends", R(network.friend_ties),
         plausible(1.5, 5, "assumption: a handful of friends (SCP), each proposed by one end: about 3-10 friend ties an "
                   "adult")},
        {"network.friend_same_buurt", "0.3", "share", 0, 1,
         "Probability that a proposed friend lives in the same buurt.", "assumption",
         R(network.friend_same_buurt),
         plausible(0.15, 0.5, "assumption: half the default up to half of all friends living in the own buurt")},
        {"network.friend_same_age_band", "0.7", "share", 0, 1,
         "Probability that a proposed friend is in the same age band (else any band).",
         "assumption: strong age homophily in friendship (McPherson et al. 2001)",
         R(network.friend_same_age_band),
         plausible(0.5, 0.85, "assumption: strong but not complete age homophily (McPherson et al. 2001)")},
        {"network.weak_ties", "3.0", "ties/adult", 0, 50,
         "Mean weak ties (acquaintances) each adult proposes within the buurt.", "assumption",
         R(network.weak_ties),
         plausible(1.5, 6, "assumption: half to twice the default")},

        // --- health and life events
        {"health.self_reliance_base", "0.9", "0..1", 0, 1,
         "Self-reliance a resident under 65 outside the vulnerability groups tends to.",
         "assumption: scale of the Zelfredzaamheid-Matrix, most adults fully self-reliant",
         R(health.self_reliance_base),
         plausible(0.8, 0.95, "assumption: most adults are (nearly) fully self-reliant; much below 0.8 healthy adults would sit"
                   " near the Wmo loket threshold")},
        {"health.self_reliance_vulnerable", "0.3", "0..1", 0, 1,
         "Drop in the self-reliance target for residents in any vulnerability group.", "assumption",
         R(health.self_reliance_vulnerable),
         plausible(0.15, 0.45, "assumption: a vulnerable resident's target from 0.75 down to 0.45, around the ZRM's 'limited' "
                   "level")},
        {"health.self_reliance_age_slope", "0.01", "1/year", 0, 0.1,
         "Drop in the self-reliance target per year of age above 65.", "assumption",
         R(health.self_reliance_age_slope),
         plausible(0.005, 0.02, "assumption: at 90 a target 0.125 to 0.5 below that of a 65-year-old")},
        {"health.drift_rate", "0.05", "1/week", 0, 1,
         "Weekly share of the gap between self-reliance and its target that closes (recovery).",
         "assumption: recovery over months", R(health.drift_rate),
         plausible(0.02, 0.1, "assumption: recovery with a half-time of about 7 to 35 weeks")},
        {"health.noise", "0.02", "0..1", 0, 0.5,
         "Half-width of the weekly uniform noise on self-reliance.", "assumption", R(health.noise),
         plausible(0.01, 0.04, "assumption: half to twice the default")},
        {"health.episode_rate_high", "0.0005", "1/week", 0, 1,
         "Weekly hazard of an episode (crisis, fall, relapse) at self-reliance 1.",
         "assumption", R(health.episode_rate_high),
         plausible(0.00025, 0.001, "assumption: 1.3 % to 5 % a year for a fully self-reliant adult, half to twice the default")},
        {"health.episode_rate_low", "0.01", "1/week", 0, 1,
         "Weekly hazard of an episode at self-reliance 0 (linear in between).", "assumption",
         R(health.episode_rate_low),
         plausible(0.005, 0.02, "assumption: at self-reliance 0 an episode every four years to about one a year, half to twice "
                   "the default")},
        {"health.episode_weeks_mean", "6", "week", 1, 520, "Mean episode length (geometric).",
         "assumption", R(health.episode_weeks_mean),
         plausible(3, 12, "assumption: a few weeks to three months, half to twice the default")},
        {"health.episode_drop", "0.2", "0..1", 0, 1, "Self-reliance lost when an episode starts.",
         "assumption", R(health.episode_drop),
         plausible(0.1, 0.3, "assumption: a half to one and a half times the default")},

        // --- support questions
        {"questions.rate_18_64", "0.01", "1/week", 0, 1,
         "New support questions per adult 18-64 per week at full self-reliance.",
         "calibrated (data/params/utrecht-2023.toml) to buurtteam contact", R(questions.rate_18_64),
         plausible(0.005, 0.012, "calibrated to buurtteam contact (5 % of adults a year, tolerance 1): the fit gave 0.0062 "
                   "(data/params/utrecht-2023.toml), the default 0.01 predates the refit; about 20 % (the target's "
                   "tolerance) below the fit up to above the default")},
        {"questions.rate_65_plus", "0.017", "1/week", 0, 1,
         "New support questions per resident 65+ per week at full self-reliance.",
         "assumption: older residents ask about twice as often (Utrecht: buurtteam contact ~10% of older residents vs 5% of adults); calibrated (data/params/utrecht-2023.toml) to buurtteam contact 65+",
         R(questions.rate_65_plus),
         plausible(0.008, 0.02, "calibrated on its own to buurtteam contact 65+ (10 %, tolerance 3): the fit gave 0.0124; the "
                   "source's 10 % against 5 % contact suggests a ratio near 2 to questions.rate_18_64, the defaults "
                   "have 1.7: spans both")},
        {"questions.vulnerable_multiplier", "2.0", "ratio", 0, 100,
         "Rate multiplier for residents in any vulnerability group.", "assumption",
         R(questions.vulnerable_multiplier),
         plausible(1.5, 4, "assumption: the vulnerability groups are heavy users of social support; no Dutch rate ratio "
                   "found")},
        {"questions.low_self_reliance_effect", "2.0", "ratio", 0, 100,
         "The rate is multiplied by 1 + effect x (1 - self-reliance).", "assumption",
         R(questions.low_self_reliance_effect),
         plausible(1, 4, "assumption: at self-reliance 0 two to five times the rate")},
        {"questions.episode_multiplier", "3.0", "ratio", 0, 100,
         "Rate multiplier during an episode.", "assumption", R(questions.episode_multiplier),
         plausible(2, 6, "assumption: two to six times the rate during an episode")},
        {"questions.share_practical", "0.4", "share", 0, 1,
         "Base share of practical questions (odd jobs, shopping, transport).", "assumption",
         R(questions.share_practical),
         plausible(0.25, 0.55, "assumption: no Dutch breakdown of residents' questions found; the four shares are weights "
                   "(renormalised), each varied by about a third to a half")},
        {"questions.share_social", "0.2", "share", 0, 1,
         "Base share of social-contact questions (company, someone to talk to).", "assumption",
         R(questions.share_social),
         plausible(0.1, 0.3, "assumption: as questions.share_practical")},
        {"questions.share_info", "0.3", "share", 0, 1,
         "Base share of information and administration questions (forms, letters, money).",
         "assumption", R(questions.share_info),
         plausible(0.2, 0.4, "assumption: as questions.share_practical")},
        {"questions.share_care", "0.1", "share", 0, 1,
         "Base share of personal care / begeleiding questions.", "assumption", R(questions.share_care),
         plausible(0.05, 0.2, "assumption: half to twice the default")},
        {"questions.lonely_social_effect", "0.15", "1/DJG point", 0, 10,
         "Social-contact share multiplied by 1 + effect per DJG point above 2.", "assumption",
         R(questions.lonely_social_effect),
         plausible(0.05, 0.3, "assumption: at the highest score (11) 1.45 to 3.7 times the social share")},
        {"questions.care_self_reliance_effect", "4.0", "ratio", 0, 100,
         "Care share multiplied by 1 + effect x (1 - self-reliance); always care during an episode.",
         "assumption", R(questions.care_self_reliance_effect),
         plausible(2, 8, "assumption: half to twice the default (at self-reliance 0, 3 to 9 times the care share)")},
        {"questions.hours_mean", "2.0", "h", 0, 1000,
         "Mean hours a practical, social or information question needs (exponential).",
         "assumption", R(questions.hours_mean),
         plausible(1, 4, "assumption: a job of an hour up to an afternoon, half to twice the default"), true},
        {"questions.care_hours_mean", "5.0", "h/week", 0, 168,
         "Mean hours per week a care question needs while it lasts (exponential).",
         "assumption: most Dutch mantelzorgers give a few hours a week (SCP, Informele hulp in Nederland)",
         R(questions.care_hours_mean),
         plausible(3, 8, "a few hours a week is typical of mantelzorg (SCP) up to the 8 h/week SCP counts as intensive"), true},

        // --- help from the own network
        {"help.ask_rounds", "2", "contacts/week", 0, 20,
         "Contacts a resident with an open question asks per week.", "assumption",
         I(help.ask_rounds),
         plausible(1, 4, "assumption: asking one to four people a week")},
        {"help.willingness_strong", "0.8", "probability", 0, 1,
         "Probability a household member helps when they have the hours.",
         "assumption: Gostoli & Silverman give most informal care within the household",
         R(help.willingness_strong),
         plausible(0.6, 0.95, "assumption: most household members help when they can (Gostoli & Silverman)")},
        {"help.willingness_neighbour", "0.4", "probability", 0, 1,
         "Probability a neighbour helps when they have the hours.", "assumption",
         R(help.willingness_neighbour),
         plausible(0.2, 0.6, "assumption: no Dutch figure for the chance a neighbour helps when asked")},
        {"help.willingness_friend", "0.6", "probability", 0, 1,
         "Probability a friend helps when they have the hours.", "assumption",
         R(help.willingness_friend),
         plausible(0.4, 0.8, "assumption: between a neighbour's and a household member's")},
        {"help.willingness_weak", "0.2", "probability", 0, 1,
         "Probability a weak tie helps when they have the hours (never with care).", "assumption",
         R(help.willingness_weak),
         plausible(0.05, 0.35, "assumption: an acquaintance helps seldom, at most a third of the time")},
        {"help.hours_working_age", "4.0", "h/week", 0, 168,
         "Hours per week an adult 18-64 can give to others.",
         "assumption: well below Gostoli & Silverman's care supply (employed 8-28 h/week by kinship)",
         R(help.hours_working_age),
         plausible(2, 8, "assumption: half to twice the default, up to the peer model's supply to non-kin (employed: 8 "
                   "h/week)")},
        {"help.hours_retired", "8.0", "h/week", 0, 168,
         "Hours per week a resident 65+ can give to others.",
         "assumption: Gostoli & Silverman give retired people the most care supply; calibrated "
         "(data/params/utrecht-2023.toml) to mantelzorg 65+", R(help.hours_retired),
         plausible(3, 16, "calibrated to mantelzorg 65+ (15 % in 12 months, tolerance 3): the fit gave 4.26 "
                   "(data/params/utrecht-2023.toml); from below the fit to twice the default (the peer model gives "
                   "retired people the most supply)")},
        {"help.hours_youth", "2.0", "h/week", 0, 168,
         "Hours per week a resident 15-17 can give to others.", "assumption",
         R(help.hours_youth),
         plausible(0.5, 4, "assumption: a quarter to twice the default")},
        {"help.care_hours_household", "28", "h/week", 0, 168,
         "Hours per week a household member can give as mantelzorger (others: their help hours).",
         "Gostoli & Silverman: care supply within the household, employed 28 h/week", R(help.care_hours_household),
         plausible(24, 48, "the peer model's household supply by status: students 24, employed 28, unemployed 32, retired 48"
                   " h/week")},

        // --- meeting places and encounters
        {"meeting.seats_per_1000", "20", "visits/week/1000 residents", 0, 1000,
         "Visits per week that buurtkamers, buurtcentra and activities in a buurt can host.",
         "assumption: a buurtcentrum or buurtkamer per few thousand residents with a few dozen visits a day",
         R(meeting.seats_per_1000),
         plausible(10, 40, "assumption: half to twice the default; Utrecht's meeting places and their visits per week were "
                   "not counted")},
        {"meeting.attend_rate", "0.15", "1/week", 0, 1,
         "Weekly probability that an adult with inclination 1 wants to go (inclination is uniform 0..1).",
         "assumption", R(meeting.attend_rate),
         plausible(0.05, 0.3, "assumption: a third to twice the default")},
        {"meeting.encounters_per_visit", "2", "persons", 0, 50,
         "Other visitors a visitor talks with per visit (Poisson mean).", "assumption",
         R(meeting.encounters_per_visit),
         plausible(1, 4, "assumption: talking with one to four others per visit")},
        {"meeting.new_tie_probability", "0.1", "probability", 0, 1,
         "Probability that an encounter between strangers becomes a weak tie.", "assumption",
         R(meeting.new_tie_probability),
         plausible(0.03, 0.2, "assumption: a third to twice the default")},
        {"meeting.street_contacts", "0.5", "contacts/week", 0, 50,
         "Everyday contacts (street, school gate, shop) per adult per week, each with a random tie living in the same buurt; they keep ties alive.",
         "assumption", R(meeting.street_contacts),
         plausible(0.2, 1, "assumption: a contact every five weeks to one a week")},

        // --- tie dynamics
        {"ties.decay_weak", "0.04", "1/week", 0, 1,
         "Share of its strength a weak tie loses per week (above ties.floor_weak); a tie met during the run has no floor and ends below ties.weak_min.",
         "assumption: an acquaintance not met fades within months", R(ties.decay_weak),
         plausible(0.02, 0.08, "assumption: an unmet acquaintance fades with a half-life of about 9 to 35 weeks")},
        {"ties.decay_other", "0.02", "1/week", 0, 1,
         "Share of the strength above their floor that neighbour and friend ties lose per week.", "assumption",
         R(ties.decay_other),
         plausible(0.01, 0.04, "assumption: half to twice the default")},
        {"ties.weak_min", "8", "strength", 0, 255, "A tie met during the run that is weaker than this ends.", "assumption",
         R(ties.weak_min),
         plausible(4, 16, "assumption: half to twice the default")},
        {"ties.floor_neighbour", "60", "strength", 0, 255,
         "Strength a neighbour tie keeps through everyday contact.", "assumption",
         R(ties.floor_neighbour),
         plausible(40, 80, "assumption: up to the initial strength of a neighbour tie (80)")},
        {"ties.floor_friend", "120", "strength", 0, 255, "Strength a friend tie keeps.", "assumption",
         R(ties.floor_friend),
         plausible(80, 150, "assumption: up to the initial strength of a friend tie (150)")},
        {"ties.floor_weak", "20", "strength", 0, 255,
         "Strength a generated weak tie (an acquaintance from the street or school gate) keeps.", "assumption",
         R(ties.floor_weak),
         plausible(10, 40, "assumption: up to the initial strength of a weak tie (40)")},
        {"ties.help_bump", "20", "strength", 0, 255,
         "Strength gained by a tie when help is exchanged along it (reciprocity).", "assumption",
         R(ties.help_bump),
         plausible(10, 40, "assumption: half to twice the default")},
        {"ties.encounter_bump", "20", "strength", 0, 255,
         "Strength gained by a tie when both meet at a meeting place.", "assumption",
         R(ties.encounter_bump),
         plausible(10, 40, "assumption: half to twice the default")},
        {"ties.slack", "4", "slots/resident", 0, 64,
         "Free tie slots per resident for ties made during the run (a full row takes no new tie until one fades).",
         "implementation bound", I(ties.slack),
         not_uncertain("an implementation bound on memory (free tie slots per resident), not a property of residents")},

        // --- loneliness (De Jong Gierveld score, 0-11)
        {"loneliness.intercept", "3.95", "DJG points", -20, 30,
         "Latent DJG score of an adult with no ties, no contact and no other factor.",
         "calibrated to GGD Gezondheidsmonitor 2022 Utrecht (48% lonely); default lowered by 1.05 when the risk "
         "factors bijstand ... age_85 were added, which keeps the city's lonely share", R(loneliness.intercept),
         plausible(3.5, 5.5, "calibrated to 48 % lonely (tolerance 3): the fit gave 4.87 (data/params/utrecht-2023.toml), the default is"
                   " 3.95; one DJG point moves the lonely share by about 6 points, so the range spans both with the "
                   "target's tolerance")},
        {"loneliness.trait_sd", "6.0", "DJG points", 0, 20,
         "Sd of each adult's lasting deviation (normal).",
         "calibrated to GGD Gezondheidsmonitor 2022 Utrecht (15% severely lonely)", R(loneliness.trait_sd),
         plausible(4.5, 7.5, "calibrated to 15 % severely lonely (tolerance 2): the fit gave 5.83, the default is 6; 25 % either way, as the "
                   "spread also stands in for risk factors not in the model (assumption)")},
        {"loneliness.tie_effect", "1.5", "DJG points", 0, 20,
         "Score lowered per unit of log(1 + summed tie strength / 255).", "assumption",
         R(loneliness.tie_effect),
         plausible(0.75, 3, "assumption: half to twice the default")},
        {"loneliness.contact_effect", "1.0", "DJG points/(contact/week)", 0, 20,
         "Score lowered per recent contact per week (encounters, help given or received).", "assumption",
         R(loneliness.contact_effect),
         plausible(0.5, 2, "assumption: half to twice the default")},
        {"loneliness.contact_memory", "0.1", "1/week", 0, 1, "Weight of the newest week in the recent-contact average.",
         "assumption: contact keeps an effect for about ten weeks", R(loneliness.contact_memory),
         plausible(0.05, 0.25, "assumption: contact keeps an effect for about 4 to 20 weeks"), true},
        // The effects below are read off published shares of lonely residents by group: the gap
        // between two groups' shares as a probit gap (in sd of the latent score), times trait_sd = 6.
        // These are raw gaps; groups overlap (living alone, low income, ill health, age), and the model
        // adds each factor separately, so the default is half of the raw gap unless said otherwise.
        {"loneliness.living_alone_effect", "1.25", "DJG points", -20, 20,
         "Score added for adults in single-person households.",
         "CBS Sociale samenhang en welzijn 2017 (CBS, 2018: 'Zonder partner vaak sterk eenzaam'): 12 % of singles "
         "without children strongly lonely against 5-6 % of couples, a probit gap of 0.42 sd = 2.5 DJG points; half "
         "of it (assumption: age, income and health carry the rest)",
         R(loneliness.living_alone_effect),
         plausible(0.6, 2.5, "a quarter to all of the source's raw gap of 2.5 DJG points")},
        {"loneliness.vulnerable_effect", "2.0", "DJG points", -20, 20,
         "Score added for adults in a vulnerability group.",
         "assumption: Meetellen panel, 76% lonely among residents in a vulnerable situation",
         R(loneliness.vulnerable_effect),
         plausible(1, 4.5, "Meetellen: 76 % lonely against 48 % of all adults, a probit gap of 0.76 sd = 4.5 DJG points; a "
                   "quarter to all of it (its panel is the gemeente's selection, not the model's groups)")},
        {"loneliness.bijstand_effect", "2.2", "DJG points", -20, 20,
         "Score added for adults on bijstand (the model's marker of a low income).",
         "Jansen, Hajema, Schefman, Feron & Bosma, 'Eenzaam aan de onderkant' (GGD health surveys Limburg 2012, ill "
         "adults 17-65): 20.7 % severely lonely with a low income against 6.0 % with a high income, a probit gap of "
         "0.74 sd = 4.4 DJG points; half of it, as bijstand is set against the average resident, not the highest "
         "incomes (assumption)",
         R(loneliness.bijstand_effect),
         plausible(1.1, 4.4, "a quarter to all of the source's low-high income gap of 4.4 DJG points")},
        {"loneliness.disability_effect", "2.0", "DJG points", -20, 20,
         "Score added for adults on a disability benefit (the model's marker of a lasting health limitation).",
         "Gezondheidsmonitor 2012 (GGD'en, CBS, RIVM; national figures as reported by de Volkskrant, 'Vier op de tien "
         "Nederlanders voelen zich eenzaam'): 62 % of adults with a disability lonely against 35 % without, a probit "
         "gap of 0.69 sd = 4.1 DJG points; half of it (assumption: income and the vulnerability groups carry the "
         "rest)", R(loneliness.disability_effect),
         plausible(1, 4.1, "a quarter to all of the source's raw gap of 4.1 DJG points")},
        {"loneliness.origin_europe_effect", "0.5", "DJG points", -20, 20,
         "Score added for adults of herkomst Europe (excluding the Netherlands).",
         "assumption: no Dutch figure found for European herkomst on its own; a quarter of the raw outside-Europe gap",
         R(loneliness.origin_europe_effect),
         plausible(0, 1.9, "none, up to the outside-Europe effect")},
        {"loneliness.origin_outside_europe_effect", "1.9", "DJG points", -20, 20,
         "Score added for adults of herkomst outside Europe.",
         "Gezondheidsmonitor 2012 (as loneliness.disability_effect): 60 % of adults with a non-western migration "
         "background lonely against 35 % of those of Dutch origin (non-western is about CBS's new 'outside Europe'), "
         "a probit gap of 0.64 sd = 3.8 DJG points; half of it, as low income and chronic ill health explain much of "
         "the gap (Kennisplatform Integratie & Samenleving / Verwey-Jonker 2016, 'Eenzaamheid onder ouderen van "
         "Turkse of Marokkaanse komaf'), and the model adds those separately",
         R(loneliness.origin_outside_europe_effect),
         plausible(0.9, 3.8, "a quarter to all of the source's raw gap of 3.8 DJG points")},
        {"loneliness.born_abroad_effect", "0.5", "DJG points", -20, 20,
         "Score added for adults born abroad, on top of their herkomst (first generation).",
         "assumption: language and a network still being built; CBS Sociale samenhang en welzijn 2023 (reported "
         "2024) finds about one in five people from abroad strongly lonely against one in nine of all (0.38 sd = "
         "2.3 DJG points), mostly carried by herkomst above", R(loneliness.born_abroad_effect),
         plausible(0, 2.3, "none (herkomst carries it all) up to the whole CBS gap of 2.3 DJG points")},
        {"loneliness.age_65_effect", "-0.3", "DJG points", -20, 20, "Score added for adults 65+.",
         "calibrated to GGD Gezondheidsmonitor 2022 Utrecht (65+ severely lonely 14%); default lowered by 0.3 with "
         "the 75+ and 85+ effects, which keeps the 65+ severely lonely share",
         R(loneliness.age_65_effect),
         plausible(-2, 0.4, "calibrated to 14 % of 65+ severely lonely (tolerance 3): the fit gave -1.31 (data/params/utrecht-2023.toml), "
                   "the default -0.3 was set by hand before it; spans both with a margin of about 0.7 DJG points")},
        {"loneliness.age_75_effect", "0.75", "DJG points", -20, 20,
         "Score added for adults 75+, on top of loneliness.age_65_effect.",
         "CBS 85766NED (Eenzaamheid; persoonskenmerken, 2022): 34.0 % lonely at 65-75 against 43.7 % at 75+, a "
         "probit gap of 0.25 sd = 1.5 DJG points; half of it (assumption: living alone and frailty, which rise with "
         "age and are added separately, carry the rest)", R(loneliness.age_75_effect),
         plausible(0.4, 1.5, "a quarter to all of the source's raw gap of 1.5 DJG points")},
        {"loneliness.age_85_effect", "0.95", "DJG points", -20, 20,
         "Score added for adults 85+, on top of loneliness.age_75_effect.",
         "RIVM volksgezondheidenzorg.info, eenzaamheid naar leeftijd (Gezondheidsmonitor 2020): 66 % lonely at 85+ "
         "against 54 % at 75-84, a probit gap of 0.31 sd = 1.9 DJG points; half of it (assumption as "
         "loneliness.age_75_effect)", R(loneliness.age_85_effect),
         plausible(0.5, 1.9, "a quarter to all of the source's raw gap of 1.9 DJG points")},
        {"loneliness.emotional_item_share", "0.45", "share", 0, 1,
         "Chance that one of an adult's unfavourable DJG answers is on an emotional item (6 of the 11) rather than "
         "a social one (5); splits the score into the two subscales.",
         "set by hand so that about a third of Utrecht's adults come out emotionally and a third socially lonely "
         "(DESIGN.md section 8; a trial run at the defaults); 6/11 = 0.55 would be no preference; "
         "fitted in data/params/utrecht-2023.toml",
         R(loneliness.emotional_item_share),
         plausible(0.35, 0.55, "from no preference (6/11 = 0.55) to a clear social tilt; nationally 2016 31 % were emotionally "
                   "and 43 % socially lonely (volksgezondheidenzorg.info); the fit gave 0.459")},
        {"loneliness.living_alone_emotional_shift", "0.1", "share", -1, 1,
         "Added to loneliness.emotional_item_share for adults living alone.",
         "assumption for the size; the direction from Dykstra & Fokkema 2007 and De Jong Gierveld & Van Tilburg "
         "2010 as summarised by volksgezondheidenzorg.info: emotional loneliness goes with the absence of a "
         "partner, social loneliness with a small network", R(loneliness.living_alone_emotional_shift),
         plausible(0, 0.2, "assumption: no shift up to twice the default; only its direction is known")},

        // --- perceived cohesion (five statements, Likert 1-5)
        {"cohesion.know_each_other", "-0.9", "Likert points", -10, 10,
         "Offset of 'people in this buurt know each other well'.",
         "calibrated to Utrecht inwonersenquete (47% do not know each other well)", R(cohesion.know_each_other),
         plausible(-1.2, -0.4, "calibrated to 53 % agreeing (tolerance 5): spans the fit (-0.72, data/params/utrecht-2023.toml) and the "
                   "default with 0.3 Likert points, about 9 points of agreement, on either side")},
        {"cohesion.interact_pleasantly", "-0.2", "Likert points", -10, 10,
         "Offset of 'people here interact pleasantly'.",
         "calibrated to Utrecht inwonersenquete (70% agree)", R(cohesion.interact_pleasantly),
         plausible(-0.5, 0.1, "calibrated to 70 % agreeing (tolerance 5): the fit (-0.18) and the default with 0.3 Likert points on either "
                   "side")},
        {"cohesion.gezellig", "-0.8", "Likert points", -10, 10,
         "Offset of 'I live in a gezellige buurt with togetherness'.",
         "assumption (no Utrecht share found): between 'know each other' and 'feel comfortable'", R(cohesion.gezellig),
         plausible(-2, -0.5, "no Utrecht share for this statement: identified only through the score, the fit gave -1.63 "
                   "against the by-hand default -0.8; spans both with a margin")},
        {"cohesion.interact_a_lot", "-1.8", "Likert points", -10, 10,
         "Offset of 'people here interact a lot'.", "calibrated to Utrecht inwonersenquete (28% agree)",
         R(cohesion.interact_a_lot),
         plausible(-2.1, -1.2, "calibrated to 28 % agreeing (tolerance 5): the fit (-1.53) and the default with 0.3 Likert points on either "
                   "side")},
        {"cohesion.feel_comfortable", "-0.4", "Likert points", -10, 10,
         "Offset of 'I feel at home with the people here'.",
         "calibrated to Utrecht inwonersenquete (62% agree)", R(cohesion.feel_comfortable),
         plausible(-0.75, -0.1, "calibrated to 62 % agreeing (tolerance 5): the fit (-0.45) and the default with 0.3 Likert points on either "
                   "side")},
        {"cohesion.embedding_effect", "0.5", "Likert points", 0, 10,
         "Likert points per unit of local embedding: log(1 + in-buurt tie strength / 255) plus recent contact.",
         "assumption", R(cohesion.embedding_effect),
         plausible(0.25, 1, "assumption: half to twice the default")},
        {"cohesion.noise_sd", "1.2", "Likert points", 0, 10,
         "Sd of an adult's lasting per-statement deviation (normal).",
         "calibrated to Utrecht inwonersenquete 2023 (cohesion score 5.9)", R(cohesion.noise_sd),
         plausible(0.8, 1.6, "set with the offsets to the cohesion score in an earlier calibration, not refitted: a third either way")},
        {"cohesion.person_factor_share", "0.5", "share", 0, 1,
         "Share of the variance of that deviation common to the adult's five statements (a person factor); the "
         "rest is the statement's own. The marginal answer distribution does not depend on it.",
         "assumption: the statements are summed into one score, which presumes they measure one thing; 0.5 gives "
         "the correlations of a reliable five-item scale (about 0.5 between statements)",
         R(cohesion.person_factor_share),
         plausible(0.3, 0.7, "statement correlations of about 0.3 to 0.7: a loose to a very consistent five-item scale")},

        // --- volunteers and community help
        {"community.volunteer_share_start", "0.4", "share", 0, 1,
         "Share of adults 18-84 volunteering at the start.", "Utrecht inwonersenquete 2019 (~40% volunteer)",
         R(community.volunteer_share_start),
         plausible(0.3, 0.45, "the survey's 40 % volunteered during a year, an upper bound for the stock active at one time, "
                   "which may be lower (assumption); the stock then follows recruitment and drop-out")},
        {"community.recruit_rate", "0.0025", "1/week", 0, 1,
         "Weekly probability a non-volunteer adult 18-84 starts volunteering.",
         "calibrated to the stable 40% volunteer share", R(community.recruit_rate),
         plausible(0.001, 0.004, "calibrated to 40 % volunteering during the year (tolerance 4): the fit gave 0.0014 "
                   "(data/params/utrecht-2023.toml), the default is 0.0025; spans both with a third's margin")},
        {"community.dropout_rate", "0.0064", "1/week", 0, 1,
         "Weekly probability a volunteer stops.", "assumption: a volunteer stays about three years on average",
         R(community.dropout_rate),
         plausible(0.0038, 0.0128, "a volunteer stays 1.5 to 5 years on average (assumption around the default's three)")},
        {"community.encounter_recruit_effect", "1.0", "ratio/(contact/week)", 0, 100,
         "Recruitment multiplied by 1 + effect x recent contacts per week.", "assumption",
         R(community.encounter_recruit_effect),
         plausible(0.3, 2, "assumption: a third to twice the default")},
        {"community.support_share", "0.15", "share", 0, 1,
         "Share of volunteers doing neighbourhood support (not sport, culture, school ...).",
         "assumption: CBS shows care and neighbourhood work as a minority of volunteering",
         R(community.support_share),
         plausible(0.08, 0.25, "assumption: care and neighbourhood work are a minority of volunteering (CBS), a twelfth to a "
                   "quarter")},
        {"community.hours_per_volunteer", "2.0", "h/week", 0, 168,
         "Hours per week a support volunteer offers in the own buurt.",
         "assumption: CBS reports a few hours a week on average", R(community.hours_per_volunteer),
         plausible(1, 4, "a few hours a week (CBS): half to twice the default")},
        {"community.knows_initiatives", "0.3", "share", 0, 1,
         "Share of adults who know how to find community help (initiatives, volunteers).", "assumption",
         R(community.knows_initiatives),
         plausible(0.15, 0.5, "assumption: half the default up to half of all adults")},

        // --- buurtteam
        {"buurtteam.fte_per_10k", "12.0", "FTE/10k residents", 0, 1000,
         "Buurtteam staff for adults per 10,000 residents; one team per wijk.",
         "calibrated to a buurtteam waiting time of days (Utrecht monitor 2018: 4.3 working days)",
         R(buurtteam.fte_per_10k),
         plausible(4, 13, "calibrated at full scale to the waiting time: the fit gave 5.70 (data/params/utrecht-2023.toml), "
                   "the default 12 predates the split into care and light cases; the wait is a queue, steep in the "
                   "capacity near full use: from about two thirds of the fit up to the default")},
        {"buurtteam.client_hours_per_fte", "20", "h/week", 0, 40,
         "Client-related hours per FTE per week (36 h contract minus overhead).",
         "assumption", R(buurtteam.client_hours_per_fte),
         plausible(16, 26, "assumption: 16 to 26 of 36 contract hours with clients; the calibration pins only its product "
                   "with fte_per_10k")},
        {"buurtteam.case_hours_per_week", "2.0", "h/week", 0, 40,
         "Professional hours a case about care (personal care, begeleiding; also every crisis) needs per week.",
         "assumption: a weekly visit plus its work",
         R(buurtteam.case_hours_per_week),
         plausible(1.5, 4, "assumption: from a short weekly visit to two visits a week, with their work"), true},
        {"buurtteam.case_weeks_mean", "10", "week", 1, 520,
         "Mean duration of a case about care (and of a crisis) in weeks (geometric on 1, 2, ...).",
         "assumption: a begeleiding trajectory of a few months",
         R(buurtteam.case_weeks_mean),
         plausible(8, 26, "assumption: a begeleiding trajectory of two to six months")},
        {"buurtteam.case_hours_light", "1.5", "h/week", 0, 40,
         "Professional hours a case about a practical, social-contact or information question needs per week.",
         "assumption: advice and arranging take less than begeleiding",
         R(buurtteam.case_hours_light),
         plausible(1, 2, "assumption: below the care cases: advice and arranging"), true},
        {"buurtteam.case_weeks_light", "4", "week", 1, 520,
         "Mean duration of a case about a practical, social-contact or information question (geometric on 1, 2, ...).",
         "assumption: most buurtteam contacts are short (86 % of clients carry on without "
         "further help, Utrecht monitor 2018)",
         R(buurtteam.case_weeks_light),
         plausible(2, 8, "assumption: two weeks to two months")},
        {"buurtteam.knows_where_to_go", "0.5", "share", 0, 1,
         "Share of adults who know how to reach the buurtteam.", "assumption",
         R(buurtteam.knows_where_to_go),
         plausible(0.3, 0.7, "assumption: no Utrecht figure for how many adults know how to reach the buurtteam")},
        {"buurtteam.refer_after_weeks", "4", "week", 0, 520,
         "Weeks a non-care question stays with network and community before a resident who knows the way turns to the buurtteam.",
         "assumption", I(buurtteam.refer_after_weeks),
         plausible(2, 6, "assumption: two to six weeks with the own network first; kept below give_up_after_weeks' range, "
                   "so any pair of draws is valid")},
        {"buurtteam.give_up_after_weeks", "12", "week", 1, 520,
         "Weeks open (not counting weeks on the buurtteam waiting list) after which an unmet question is given up.", "assumption",
         I(buurtteam.give_up_after_weeks),
         plausible(8, 26, "assumption: two to six months")},
        {"buurtteam.leave_list_weeks_mean", "8", "week", 0, 5200,
         "Mean weeks on the (non-urgent) waiting list before giving up if not admitted: after each week's "
         "admissions, from the week of entry, a resident still waiting leaves with probability 1 / this; the "
         "need stays: the question is open again (network and community can still answer it, it can still "
         "escalate; no new referral for it) and is dropped after give_up_after_weeks more weeks. 0: nobody leaves; "
         "otherwise at least 1.",
         "assumption: people leave waiting lists at any time (help found elsewhere, moved, gave up); a constant "
         "hazard keeps the list of a team at capacity near its level instead of drifting", R(buurtteam.leave_list_weeks_mean),
         plausible(4, 26, "assumption: a month to six months on average before help is found elsewhere or the list is given"
                   " up")},
        {"buurtteam.need_allocation_weeks", "52", "week", 0, 5200,
         "The city's buurtteam hours (fte_per_10k x all residents) are split over the wijk teams in proportion "
         "to the referrals each team had in the first min(this, run.burn_in_weeks / 2) burn-in weeks (plus one); "
         "0, or no burn-in: in proportion to residents.",
         "assumption: Utrecht funds its buurtteams by need (verdeelmodel), not per head; past referrals stand in "
         "for need", I(buurtteam.need_allocation_weeks),
         not_uncertain("a method setting of the burn-in split of team hours (which weeks stand in for need), not a "
                       "property of Utrecht")},
        {"buurtteam.funding", "\"fixed\"", "-", 0, 0,
         "How team hours are funded. \"fixed\": each team keeps the hours its budget sets (fte_per_10k, split by "
         "need in the burn-in, need_allocation_weeks). \"follows_demand\": every 52 simulated weeks each team's "
         "hours are reset to its mean weekly hours needed over the past 52 weeks (open cases plus the hours of "
         "everyone on its lists) times demand_headroom.",
         "DESIGN 8: Utrecht funds its buurtteams with a yearly lump sum (fixed); follows_demand is the alternative "
         "rule to compare with", T(buurtteam.funding),
         not_uncertain("the funding rule, a policy choice to compare")},
        {"buurtteam.demand_headroom", "1.1", "ratio", 0, 10,
         "Under funding = \"follows_demand\": next year's hours are last year's mean weekly hours needed times this.",
         "assumption: a budget set to last year's demand with a margin for its variation",
         R(buurtteam.demand_headroom),
         plausible(1, 1.3, "assumption: no margin up to 30 % on last year's demand"), true},

        // --- Wmo maatwerk
        {"wmo.referral_care", "0.4", "probability", 0, 1,
         "Probability that a closed buurtteam case about care is referred for a Wmo maatwerk indication (a lasting "
         "need); the assessment then looks at the voorliggend veld first (wmo.network_tries, "
         "wmo.general_provision_share).",
         "assumption for the default; fitted in data/params/utrecht-2023.toml to Utrecht 2016: ~1,630 of ~13,700 "
         "buurtteam cases (~12 %) led to maatwerk, "
         "and 86 % of clients carried on without further help (2018)", R(wmo.referral_care),
         plausible(0.1, 0.5, "calibrated to the referral share of closed cases (12 %, tolerance 3): the fit gave 0.185 "
                   "(data/params/utrecht-2023.toml), below the earlier guess of 0.2-0.5 behind the default 0.4; "
                   "spans both")},
        {"wmo.referral_other", "0.05", "probability", 0, 1,
         "Same for cases about other questions (begeleiding after a practical, social or information question).",
         "assumption (see referral_care)", R(wmo.referral_other),
         plausible(0.02, 0.1, "assumption: well below referral_care; begeleiding after a light question is rare")},
        {"wmo.loket_rate", "0.1", "1/week", 0, 1,
         "Weekly probability that an adult with self-reliance 0, without an open question or a provision, applies at "
         "the Wmo loket (hulpmiddelen, huishoudelijke ondersteuning, vervoer); the hazard falls linearly to 0 at "
         "wmo.loket_self_reliance.",
         "assumption, set roughly (20 % scale baseline), for the default; fitted in data/params/utrecht-2023.toml to "
         "CBS 85994NED (Wmo clients during the year ~5.1 % of residents): most "
         "maatwerk does not come through the buurtteam (2016: ~1,630 buurtteam referrals a year against 22,710 "
         "running provisions)", R(wmo.loket_rate),
         plausible(0.02, 0.2, "the range stated before the fit (the default was set roughly); the fit to the CBS clients during"
                   " the year gave 0.102 (data/params/utrecht-2023.toml)")},
        {"wmo.loket_self_reliance", "0.7", "0..1", 0, 1,
         "Self-reliance below which an adult may apply at the Wmo loket.",
         "assumption: by default residents in a vulnerability group (target 0.6), the oldest "
         "and residents after an episode or a crisis", R(wmo.loket_self_reliance),
         plausible(0.5, 0.8, "assumption: from half self-reliant to just below a healthy adult's target"), true},
        {"wmo.network_tries", "3", "ties", 0, 100,
         "Voorliggend veld: at a Wmo assessment (either route) up to this many of the resident's household, "
         "neighbour and friend ties are asked whether they can take on the need's weekly hours; one who is "
         "willing and able becomes the mantelzorger and no maatwerk starts. 0: the network is not looked at.",
         "assumption: the keukentafelgesprek asks about the people around the resident",
         I(wmo.network_tries),
         plausible(2, 5, "assumption: the keukentafelgesprek asks about two to five people")},
        {"wmo.general_provision_share", "0.2", "share", 0, 1,
         "Voorliggend veld: share of the needs the network cannot meet that an algemene voorziening meets "
         "(boodschappen- or klussendienst, vrijwillige vervoersdienst, uitleen van hulpmiddelen) instead of maatwerk.",
         "assumption", R(wmo.general_provision_share),
         plausible(0.1, 0.4, "assumption: no Utrecht figure; a tenth to two fifths")},
        {"wmo.initial_share", "0.038", "share", 0, 1,
         "Share of residents with a Wmo provision at the start, a point stock (residents 75+ or in a vulnerability "
         "group are three times as likely).",
         "CBS 85994NED: 18,940 clients during 2024 (~5.1 % of residents); with provisions of mean D weeks the point "
         "stock is clients during the year x D / (D + 52), ~3.8 % at D = 156", R(wmo.initial_share),
         plausible(0.034, 0.043, "follows from the CBS clients during the year with provisions of mean D weeks: 3.4 % at D = 104 "
                   "to 4.25 % at D = 260 (wmo.duration_weeks_mean's range); moves with it")},
        {"wmo.duration_weeks_mean", "156", "week", 1, 5200,
         "Mean weeks a resident keeps a Wmo provision (geometric).",
         "assumption: Wmo provisions such as household help and hulpmiddelen run for years",
         R(wmo.duration_weeks_mean),
         plausible(104, 260, "assumption: Wmo provisions run for two to five years")},
        {"wmo.cost_per_client_week", "95.2", "EUR/week", 0, 100000,
         "Cost of Wmo maatwerk per client per week, excluding verblijf en opvang.",
         "CBS 84580NED 2024: EUR 70.3 M excl. verblijf en opvang over a point stock of 18,940 clients during the "
         "year (85994NED) x 156 / (156 + 52) = 14,205, / 52 weeks",
         R(wmo.cost_per_client_week),
         plausible(85, 108, "follows from the CBS spending and clients: EUR 107 a week at D = 104 to EUR 86 at D = 260 "
                   "(wmo.duration_weeks_mean's range); moves with it")},

        // --- escalation
        {"escalation.base_hazard", "0.003", "1/week", 0, 1,
         "Weekly hazard that an unmet question escalates into a crisis in its first week unmet: an open question, or one waiting on the buurtteam's (non-urgent) waiting list (harm while waiting).", "assumption",
         R(escalation.base_hazard),
         plausible(0.0015, 0.006, "assumption: half to twice the default")},
        {"escalation.weeks_effect", "0.25", "1/week", 0, 100,
         "The hazard is multiplied by 1 + effect x weeks unmet (weeks since the question arose, counting on while the resident waits for the buurtteam).",
         "assumption: DESIGN 4, unmet questions raise the hazard the longer they last", R(escalation.weeks_effect),
         plausible(0.1, 0.5, "assumption: the hazard doubles after 2 to 10 weeks unmet")},
        {"escalation.vulnerable_multiplier", "3.0", "ratio", 0, 100,
         "Hazard multiplier for residents in a vulnerability group.", "assumption",
         R(escalation.vulnerable_multiplier),
         plausible(1.5, 5, "assumption: the vulnerability groups escalate 1.5 to 5 times as often; no Dutch ratio found")},
        {"escalation.self_reliance_drop", "0.2", "0..1", 0, 1,
         "Self-reliance lost at a crisis (it raises later question and Wmo loket hazards).", "assumption", R(escalation.self_reliance_drop),
         plausible(0.1, 0.3, "assumption: a half to one and a half times the default")},

        // --- mantelzorgers
        {"carers.duration_weeks_mean", "52", "week", 1, 5200,
         "Mean weeks a care relationship lasts (geometric).",
         "calibrated to volksgezondheidsmonitor Utrecht (9% of adults give mantelzorg)", R(carers.duration_weeks_mean),
         plausible(26, 260, "calibrated: the fit gave 32 weeks (data/params/utrecht-2023.toml) within its bounds from 26 weeks "
                   "(shorter spells met the 12-month count in an implausible way); mantelzorg lasts months to years "
                   "(assumption: up to five years on average)")},
        {"carers.initial_share", "0.09", "share", 0, 0.5,
         "Share of adults who give mantelzorg at initialisation: care relationships drawn before the burn-in, "
         "recipients by their weekly care-question rate, carers among their household, neighbours and friends.",
         "volksgezondheidsmonitor Utrecht: 9 % of adults give mantelzorg (the calibration target); starting at "
         "the observed stock avoids a slow fill from zero (care lasts years)", R(carers.initial_share),
         plausible(0.06, 0.1, "the 9 % gave mantelzorg during the last 12 months, the stock on one day is lower (assumption: "
                   "down to two thirds of it)")},
        {"carers.sustainable_hours", "8", "h/week", 0, 168,
         "Care hours per week a carer gives without building up burden.",
         "assumption: SCP counts 8+ h/week for 3+ months as intensive care", R(carers.sustainable_hours),
         plausible(4, 12, "assumption: around SCP's 8 h/week threshold for intensive care, as burden depends on more than "
                   "hours")},
        {"carers.burden_rate", "0.02", "1/h", 0, 10,
         "Burden added per week per care hour above sustainable_hours (overburdened at 1).", "assumption",
         R(carers.burden_rate),
         plausible(0.01, 0.04, "assumption: half to twice the default (20 care hours a week overburden a carer in about 2 to 10 "
                   "weeks)")},
        {"carers.recovery_rate", "0.02", "1/week", 0, 1, "Burden removed per week.", "assumption",
         R(carers.recovery_rate),
         plausible(0.01, 0.04, "assumption: half to twice the default")},
        {"carers.withdraw_rate", "0.02", "1/week", 0, 1,
         "Weekly probability that an overburdened carer stops caring.", "assumption",
         R(carers.withdraw_rate),
         plausible(0.01, 0.05, "assumption: an overburdened carer stops after about 5 months to 2 years on average")},

        // --- health-care use (zorgverzekeraar)
        {"health_care.gp_contacts_per_year", "3.5", "contacts/year", 0, 100,
         "Contacts a year with the huisarts practice (consults, visits, phone) of an adult at full self-reliance, "
         "not severely lonely and not in an episode; the weekly chance is the year's rate / 52.",
         "assumption for the default; fitted in data/params/utrecht-2023.toml to CBS 80191NED (Nivel): 4.5 contacts "
         "per person in 2018 (all ages), and Nivel Zorgregistraties 2019: 5 per registered patient, 15 at 85+", R(health_care.gp_contacts_per_year),
         plausible(2.5, 5, "below the all-ages means (4.5 CBS, 5 Nivel), as frailty and illness carry the higher rates; the "
                   "fit gave 3.57")},
        {"health_care.gp_self_reliance_effect", "3.0", "ratio", 0, 50,
         "The contact rate is multiplied by 1 + this x (1 - self-reliance): frail, ill and older adults see "
         "their huisarts more.",
         "assumption: Nivel: contacts rise from ~4 a year at working age to ~15 at 85+, which this "
         "and self-reliance's fall with age should carry", R(health_care.gp_self_reliance_effect),
         plausible(1, 5, "assumption: at self-reliance 0 two to six times the base rate")},
        {"health_care.gp_episode_multiplier", "2.0", "ratio", 1, 20,
         "Contact-rate multiplier while an episode (a fall, a psychological crisis, a relapse) lasts.",
         "assumption", R(health_care.gp_episode_multiplier),
         plausible(1.5, 4, "assumption: one and a half to four times the contacts during an episode")},
        {"health_care.gp_lonely_multiplier", "1.1", "ratio", 0.5, 5,
         "Contact-rate multiplier for a severely lonely adult (De Jong Gierveld 9-11), beyond what self-reliance "
         "and episodes explain.",
         "Meisters et al. 2021 (Int J Public Health; GGD Gezondheidsmonitor 2016 linked to Zvw claims): after "
         "adjusting for health, severe loneliness adds little to huisarts costs and more to mental-health care",
         R(health_care.gp_lonely_multiplier),
         plausible(1, 1.3, "Meisters et al. 2021: after adjusting for health, severe loneliness adds little to huisarts use:"
                   " none up to 30 %")},
        {"health_care.poh_ggz_per_year_lonely", "0.4", "contacts/year", 0, 52,
         "Contacts a year with the practice's POH-GGZ of a lonely adult (De Jong Gierveld 3-11).",
         "assumption: Meisters et al. 2021 find the extra cost of loneliness mostly in mental-health "
         "care", R(health_care.poh_ggz_per_year_lonely),
         plausible(0.1, 1, "assumption: one contact in ten years up to one a year")},
        {"health_care.poh_ggz_per_year_episode", "3.0", "contacts/year", 0, 52,
         "POH-GGZ contacts a year added while an episode lasts.",
         "assumption: a short POH-GGZ course is 3-5 consults", R(health_care.poh_ggz_per_year_episode),
         plausible(1, 6, "assumption: one consult up to a course and a half (a short course is 3-5 consults)")},
        {"health_care.crisis_acute_share", "0.3", "share", 0, 1,
         "Share of crises (escalated questions) that need acute care: huisartsenpost, SEH or the crisis service; the "
         "other crises bring a huisarts contact.",
         "assumption", R(health_care.crisis_acute_share),
         plausible(0.1, 0.6, "assumption: a tenth up to more than half of crises")},

        // --- costs
        {"costs.buurtteam_hour_eur", "95", "EUR/h", 0, 10000,
         "Cost per buurtteam client hour, overhead included.",
         "assumption: integral hourly rates of Dutch social-domain professionals are EUR 80-110", R(costs.buurtteam_hour_eur),
         plausible(80, 110, "the integral hourly rates of Dutch social-domain professionals, EUR 80-110")},
        {"costs.general_provision_week_eur", "10", "EUR/week", 0, 10000,
         "Gemeente cost per client week of an algemene voorziening (a subsidised klussen-, boodschappen- or "
         "vervoersdienst) met instead of maatwerk.",
         "assumption: a fraction of maatwerk's wmo.cost_per_client_week", R(costs.general_provision_week_eur),
         plausible(0, 30, "assumption: free (volunteer services) up to about a third of maatwerk's weekly cost")},
        {"costs.gp_contact_eur", "32", "EUR/contact", 0, 10000,
         "Zorgverzekeraar cost per huisarts practice contact, registration fee share included.",
         "NZa maximum tariff for a 5-20 minute consult of a passant (a full-cost tariff, without capitation), "
         "EUR 29.83 in 2020 and 31.86 later", R(costs.gp_contact_eur),
         plausible(15, 45, "the registered patient's consult tariff without capitation is about EUR 10 (the low end allows "
                   "for the capitation share); longer consults and visits cost more")},
        {"costs.poh_ggz_contact_eur", "32", "EUR/contact", 0, 10000,
         "Zorgverzekeraar cost per POH-GGZ contact.",
         "NZa: POH-GGZ consults have the huisarts consult tariffs (plus a module fee per patient)",
         R(costs.poh_ggz_contact_eur),
         plausible(15, 45, "as costs.gp_contact_eur")},
        {"costs.acute_contact_eur", "141", "EUR/contact", 0, 100000,
         "Zorgverzekeraar cost per acute-care contact at a crisis.",
         "NZa tariff of a huisartsenpost consult, EUR 140.70 in 2021", R(costs.acute_contact_eur),
         plausible(100, 400, "a huisartsenpost consult up to an SEH visit or the crisis service, which cost more")},

        // --- output
        {"output.snapshot_weeks", "[]", "week", 0, 5200,
         "Weeks (0-based) whose end-of-week per-resident state and network are written to the result file.",
         "-", IL(output.snapshot_weeks),
         not_uncertain("which weeks are written out: output only")},
    };
}

#undef FIELD
#undef I
#undef R
#undef T
#undef L
#undef IL
#undef B

}  // namespace

void PartStore::missing() {
    throw InternalError("a component's parameters are missing from Params: build Params with default_params()");
}

const char* param_type_name(ParamType t) {
    switch (t) {
        case ParamType::integer: return "integer";
        case ParamType::real: return "real";
        case ParamType::boolean: return "boolean";
        case ParamType::text: return "text";
        case ParamType::text_list: return "text_list";
        case ParamType::integer_list: return "integer_list";
    }
    return "?";
}

const std::vector<ParamSpec>& param_table() {
    // Rebuilt when a component is registered (tests add one), never while a run reads it.
    static std::vector<ParamSpec> table;
    static std::size_t built_for = 0;
    const auto& parts = components();
    if (table.empty() || built_for != parts.size()) {
        table = build_table();
        for (const Component* c : parts) {
            const std::vector<ParamSpec> rows = c->params();
            table.insert(table.end(), rows.begin(), rows.end());
        }
        built_for = parts.size();
    }
    return table;
}

template <class T>
T& param_ref(Params& p, std::string_view name) {
    for (const ParamSpec& row : param_table()) {
        if (row.name != name) continue;
        auto* ref = std::get_if<T& (*)(Params&)>(&row.ref);
        if (!ref) throw ParamError("parameter " + std::string(name) + " has another type");
        return (*ref)(p);
    }
    throw ParamError("unknown parameter " + std::string(name));
}
template std::int64_t& param_ref<std::int64_t>(Params&, std::string_view);
template double& param_ref<double>(Params&, std::string_view);
template bool& param_ref<bool>(Params&, std::string_view);
template std::vector<std::string>& param_ref<std::vector<std::string>>(Params&, std::string_view);

}  // namespace buurtsim
