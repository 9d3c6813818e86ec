// The one parameter table. Defaults, units, ranges, meanings and sources
// are written here and nowhere else: the parser, docs/PARAMETERS.md and the
// resolved scenario in every output file are all derived from it.
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
         "-", T(name)},
        {"description", "\"\"", "-", 0, 0, "One line describing the scenario for people.", "-",
         T(description)},

        // --- run
        {"run.seed", "1", "-", 0, 4294967295.0, "Master seed; replicate k uses (seed, k).", "-",
         I(run.seed)},
        {"run.weeks", "260", "week", 1, 5200, "Simulated horizon (260 weeks = 5 years).",
         "DESIGN.md: typical horizon 5 years", I(run.weeks)},
        {"run.burn_in_weeks", "104", "week", 0, 5200,
         "Weeks simulated before week 0 and not recorded, so stocks (ties, carers, volunteers, queues) settle.",
         "assumption: long enough for ties, volunteers and the buurtteam lists to settle (team hours are split by "
         "need halfway, buurtteam.need_allocation_weeks); carers start at their observed share instead, as care lasts years", I(run.burn_in_weeks)},
        {"run.replicates", "1", "-", 1, 10000, "Independent replicates (population, network and events redrawn).",
         "-", I(run.replicates)},

        // --- population
        {"population.year", "2023", "year", 2023, 2024,
         "CBS Kerncijfers wijken en buurten edition used for the synthetic population.",
         "CBS Statline, Kerncijfers wijken en buurten 2023/2024 (CC BY 4.0)", I(population.year)},
        {"population.scale", "1.0", "share", 0, 1,
         "Fraction of residents simulated; buurtteam capacity scales with it.", "-",
         R(population.scale), true},
        {"population.buurten", "[]", "-", 0, 0,
         "Buurt codes (BU0344xxxx) to simulate; empty means all.", "-", L(population.buurten)},
        {"population.wijken", "[]", "-", 0, 0,
         "Wijk codes (WK0344xx) to simulate; empty means all. Combined with buurten as a union.",
         "-", L(population.wijken)},
        {"population.two_parent_share", "0.78", "share", 0, 1,
         "Share of households with children that have two adults (the rest are single parents).",
         "assumption: CBS reports about one in five Dutch households with children as eenoudergezin",
         R(population.two_parent_share)},
        {"population.psych_prevalence", "0.017", "share", 0, 1,
         "Adults 18-64 with a severe psychological vulnerability (EPA).",
         "Delespaul 2013 (Tijdschr. Psychiatr. 55:427) estimates EPA at about 1.7% of adults 18-65",
         R(population.psych_prevalence)},
        {"population.homeless_history_prevalence", "0.005", "share", 0, 1,
         "Adults 18+ with a history of homelessness.",
         "assumption: CBS counts ~0.2% currently homeless nationally; a history is taken as 2-3 times that",
         R(population.homeless_history_prevalence)},
        {"population.nah_prevalence", "0.015", "share", 0, 1,
         "Adults 18+ with acquired brain injury (NAH) that limits daily life.",
         "assumption: Hersenstichting reports ~650,000 people living with NAH (~3.7%); taken as ~40% limited",
         R(population.nah_prevalence)},
        {"population.lvb_prevalence", "0.02", "share", 0, 1,
         "Residents 12+ with a mild intellectual disability (LVB) who need support.",
         "assumption: SCP (Woittiez et al. 2014) puts people with LVB using care in the low percents",
         R(population.lvb_prevalence)},
        {"population.frail_65_74", "0.10", "share", 0, 1, "Frailty prevalence among residents 65-74.",
         "assumption: SCP (Kwetsbare ouderen, 2011) ~25% of 65+ frail, rising steeply with age",
         R(population.frail_65_74)},
        {"population.frail_75_84", "0.25", "share", 0, 1, "Frailty prevalence among residents 75-84.",
         "assumption: as population.frail_65_74", R(population.frail_75_84)},
        {"population.frail_85_plus", "0.50", "share", 0, 1, "Frailty prevalence among residents 85+.",
         "assumption: as population.frail_65_74", R(population.frail_85_plus)},
        {"population.benefit_vulnerability_odds", "3.0", "ratio", 1, 100,
         "Odds multiplier for psychological vulnerability, NAH and LVB among residents on bijstand or disability benefit.",
         "assumption: these groups are strongly over-represented among benefit recipients",
         R(population.benefit_vulnerability_odds)},

        // --- network
        {"network.block_households", "20", "households", 1, 1000,
         "Households per street block (neighbour ties form within a block).",
         "assumption: a portiek or short street", R(network.block_households)},
        {"network.neighbour_ties", "2.0", "ties/adult", 0, 50,
         "Mean neighbour ties each adult proposes within the street block.",
         "assumption", R(network.neighbour_ties)},
        {"network.friend_ties", "3.0", "ties/adult", 0, 50,
         "Mean friend ties each adult proposes (age homophily, across the city).",
         "assumption: SCP reports most adults name a handful of close friends", R(network.friend_ties)},
        {"network.friend_same_buurt", "0.3", "share", 0, 1,
         "Probability that a proposed friend lives in the same buurt.", "assumption",
         R(network.friend_same_buurt)},
        {"network.friend_same_age_band", "0.7", "share", 0, 1,
         "Probability that a proposed friend is in the same age band (else any band).",
         "assumption: strong age homophily in friendship (McPherson et al. 2001)",
         R(network.friend_same_age_band)},
        {"network.weak_ties", "3.0", "ties/adult", 0, 50,
         "Mean weak ties (acquaintances) each adult proposes within the buurt.", "assumption",
         R(network.weak_ties)},

        // --- health and life events
        {"health.self_reliance_base", "0.9", "0..1", 0, 1,
         "Self-reliance a resident under 65 outside the vulnerability groups tends to.",
         "assumption: scale of the Zelfredzaamheid-Matrix, most adults fully self-reliant",
         R(health.self_reliance_base)},
        {"health.self_reliance_vulnerable", "0.3", "0..1", 0, 1,
         "Drop in the self-reliance target for residents in any vulnerability group.", "assumption",
         R(health.self_reliance_vulnerable)},
        {"health.self_reliance_age_slope", "0.01", "1/year", 0, 0.1,
         "Drop in the self-reliance target per year of age above 65.", "assumption",
         R(health.self_reliance_age_slope)},
        {"health.drift_rate", "0.05", "1/week", 0, 1,
         "Weekly share of the gap between self-reliance and its target that closes (recovery).",
         "assumption: recovery over months", R(health.drift_rate)},
        {"health.noise", "0.02", "0..1", 0, 0.5,
         "Half-width of the weekly uniform noise on self-reliance.", "assumption", R(health.noise)},
        {"health.episode_rate_high", "0.0005", "1/week", 0, 1,
         "Weekly hazard of an episode (crisis, fall, relapse) at self-reliance 1.",
         "assumption", R(health.episode_rate_high)},
        {"health.episode_rate_low", "0.01", "1/week", 0, 1,
         "Weekly hazard of an episode at self-reliance 0 (linear in between).", "assumption",
         R(health.episode_rate_low)},
        {"health.episode_weeks_mean", "6", "week", 1, 520, "Mean episode length (geometric).",
         "assumption", R(health.episode_weeks_mean)},
        {"health.episode_drop", "0.2", "0..1", 0, 1, "Self-reliance lost when an episode starts.",
         "assumption", R(health.episode_drop)},

        // --- support questions
        {"questions.rate_18_64", "0.01", "1/week", 0, 1,
         "New support questions per adult 18-64 per week at full self-reliance.",
         "calibrated (data/params/utrecht-2023.toml) to buurtteam contact", R(questions.rate_18_64)},
        {"questions.rate_65_plus", "0.017", "1/week", 0, 1,
         "New support questions per resident 65+ per week at full self-reliance.",
         "assumption: older residents ask about twice as often (Utrecht: buurtteam contact ~10% of older residents vs 5% of adults)",
         R(questions.rate_65_plus)},
        {"questions.vulnerable_multiplier", "2.0", "ratio", 0, 100,
         "Rate multiplier for residents in any vulnerability group.", "assumption",
         R(questions.vulnerable_multiplier)},
        {"questions.low_self_reliance_effect", "2.0", "ratio", 0, 100,
         "The rate is multiplied by 1 + effect x (1 - self-reliance).", "assumption",
         R(questions.low_self_reliance_effect)},
        {"questions.episode_multiplier", "3.0", "ratio", 0, 100,
         "Rate multiplier during an episode.", "assumption", R(questions.episode_multiplier)},
        {"questions.share_practical", "0.4", "share", 0, 1,
         "Base share of practical questions (odd jobs, shopping, transport).", "assumption",
         R(questions.share_practical)},
        {"questions.share_social", "0.2", "share", 0, 1,
         "Base share of social-contact questions (company, someone to talk to).", "assumption",
         R(questions.share_social)},
        {"questions.share_info", "0.3", "share", 0, 1,
         "Base share of information and administration questions (forms, letters, money).",
         "assumption", R(questions.share_info)},
        {"questions.share_care", "0.1", "share", 0, 1,
         "Base share of personal care / begeleiding questions.", "assumption", R(questions.share_care)},
        {"questions.lonely_social_effect", "0.15", "1/DJG point", 0, 10,
         "Social-contact share multiplied by 1 + effect per DJG point above 2.", "assumption",
         R(questions.lonely_social_effect)},
        {"questions.care_self_reliance_effect", "4.0", "ratio", 0, 100,
         "Care share multiplied by 1 + effect x (1 - self-reliance); always care during an episode.",
         "assumption", R(questions.care_self_reliance_effect)},
        {"questions.hours_mean", "2.0", "h", 0, 1000,
         "Mean hours a practical, social or information question needs (exponential).",
         "assumption", R(questions.hours_mean), true},
        {"questions.care_hours_mean", "5.0", "h/week", 0, 168,
         "Mean hours per week a care question needs while it lasts (exponential).",
         "assumption: most Dutch mantelzorgers give a few hours a week (SCP, Informele hulp in Nederland)",
         R(questions.care_hours_mean), true},

        // --- help from the own network
        {"help.ask_rounds", "2", "contacts/week", 0, 20,
         "Contacts a resident with an open question asks per week.", "assumption",
         I(help.ask_rounds)},
        {"help.willingness_strong", "0.8", "probability", 0, 1,
         "Probability a household member helps when they have the hours.",
         "assumption: Gostoli & Silverman give most informal care within the household",
         R(help.willingness_strong)},
        {"help.willingness_neighbour", "0.4", "probability", 0, 1,
         "Probability a neighbour helps when they have the hours.", "assumption",
         R(help.willingness_neighbour)},
        {"help.willingness_friend", "0.6", "probability", 0, 1,
         "Probability a friend helps when they have the hours.", "assumption",
         R(help.willingness_friend)},
        {"help.willingness_weak", "0.2", "probability", 0, 1,
         "Probability a weak tie helps when they have the hours (never with care).", "assumption",
         R(help.willingness_weak)},
        {"help.hours_working_age", "4.0", "h/week", 0, 168,
         "Hours per week an adult 18-64 can give to others.",
         "assumption: well below Gostoli & Silverman's care supply (employed 8-28 h/week by kinship)",
         R(help.hours_working_age)},
        {"help.hours_retired", "8.0", "h/week", 0, 168,
         "Hours per week a resident 65+ can give to others.",
         "assumption: Gostoli & Silverman give retired people the most care supply",
         R(help.hours_retired)},
        {"help.hours_youth", "2.0", "h/week", 0, 168,
         "Hours per week a resident 15-17 can give to others.", "assumption",
         R(help.hours_youth)},
        {"help.care_hours_household", "28", "h/week", 0, 168,
         "Hours per week a household member can give as mantelzorger (others: their help hours).",
         "Gostoli & Silverman: care supply within the household, employed 28 h/week", R(help.care_hours_household)},

        // --- meeting places and encounters
        {"meeting.seats_per_1000", "20", "visits/week/1000 residents", 0, 1000,
         "Visits per week that buurtkamers, buurtcentra and activities in a buurt can host.",
         "assumption: a buurtcentrum or buurtkamer per few thousand residents with a few dozen visits a day",
         R(meeting.seats_per_1000)},
        {"meeting.attend_rate", "0.15", "1/week", 0, 1,
         "Weekly probability that an adult with inclination 1 wants to go (inclination is uniform 0..1).",
         "assumption", R(meeting.attend_rate)},
        {"meeting.encounters_per_visit", "2", "persons", 0, 50,
         "Other visitors a visitor talks with per visit (Poisson mean).", "assumption",
         R(meeting.encounters_per_visit)},
        {"meeting.new_tie_probability", "0.1", "probability", 0, 1,
         "Probability that an encounter between strangers becomes a weak tie.", "assumption",
         R(meeting.new_tie_probability)},
        {"meeting.street_contacts", "0.5", "contacts/week", 0, 50,
         "Everyday contacts (street, school gate, shop) per adult per week, each with a random tie living in the same buurt; they keep ties alive.",
         "assumption", R(meeting.street_contacts)},

        // --- tie dynamics
        {"ties.decay_weak", "0.04", "1/week", 0, 1,
         "Share of its strength a weak tie loses per week (above ties.floor_weak); a tie met during the run has no floor and ends below ties.weak_min.",
         "assumption: an acquaintance not met fades within months", R(ties.decay_weak)},
        {"ties.decay_other", "0.02", "1/week", 0, 1,
         "Share of the strength above their floor that neighbour and friend ties lose per week.", "assumption",
         R(ties.decay_other)},
        {"ties.weak_min", "8", "strength", 0, 255, "A tie met during the run that is weaker than this ends.", "assumption",
         R(ties.weak_min)},
        {"ties.floor_neighbour", "60", "strength", 0, 255,
         "Strength a neighbour tie keeps through everyday contact.", "assumption",
         R(ties.floor_neighbour)},
        {"ties.floor_friend", "120", "strength", 0, 255, "Strength a friend tie keeps.", "assumption",
         R(ties.floor_friend)},
        {"ties.floor_weak", "20", "strength", 0, 255,
         "Strength a generated weak tie (an acquaintance from the street or school gate) keeps.", "assumption",
         R(ties.floor_weak)},
        {"ties.help_bump", "20", "strength", 0, 255,
         "Strength gained by a tie when help is exchanged along it (reciprocity).", "assumption",
         R(ties.help_bump)},
        {"ties.encounter_bump", "20", "strength", 0, 255,
         "Strength gained by a tie when both meet at a meeting place.", "assumption",
         R(ties.encounter_bump)},
        {"ties.slack", "4", "slots/resident", 0, 64,
         "Free tie slots per resident for ties made during the run (a full row takes no new tie until one fades).",
         "implementation bound", I(ties.slack)},

        // --- loneliness (De Jong Gierveld score, 0-11)
        {"loneliness.intercept", "3.95", "DJG points", -20, 30,
         "Latent DJG score of an adult with no ties, no contact and no other factor.",
         "calibrated to GGD Gezondheidsmonitor 2022 Utrecht (48% lonely); default lowered by 1.05 when the risk "
         "factors bijstand ... age_85 were added, which keeps the city's lonely share", R(loneliness.intercept)},
        {"loneliness.trait_sd", "6.0", "DJG points", 0, 20,
         "Sd of each adult's lasting deviation (normal).",
         "calibrated to GGD Gezondheidsmonitor 2022 Utrecht (15% severely lonely)", R(loneliness.trait_sd)},
        {"loneliness.tie_effect", "1.5", "DJG points", 0, 20,
         "Score lowered per unit of log(1 + summed tie strength / 255).", "assumption",
         R(loneliness.tie_effect)},
        {"loneliness.contact_effect", "1.0", "DJG points/(contact/week)", 0, 20,
         "Score lowered per recent contact per week (encounters, help given or received).", "assumption",
         R(loneliness.contact_effect)},
        {"loneliness.contact_memory", "0.1", "1/week", 0, 1, "Weight of the newest week in the recent-contact average.",
         "assumption: contact keeps an effect for about ten weeks", R(loneliness.contact_memory), true},
        // The effects below are read off published shares of lonely residents by group: the gap
        // between two groups' shares as a probit gap (in sd of the latent score), times trait_sd = 6.
        // These are raw gaps; groups overlap (living alone, low income, ill health, age), and the model
        // adds each factor separately, so the default is half of the raw gap unless said otherwise.
        {"loneliness.living_alone_effect", "1.25", "DJG points", -20, 20,
         "Score added for adults in single-person households.",
         "CBS Sociale samenhang en welzijn 2017 (CBS, 2018: 'Zonder partner vaak sterk eenzaam'): 12 % of singles "
         "without children strongly lonely against 5-6 % of couples, a probit gap of 0.42 sd = 2.5 DJG points; half "
         "of it (assumption: age, income and health carry the rest). Plausible 0.6-2.5: a quarter to all of the raw gap",
         R(loneliness.living_alone_effect)},
        {"loneliness.vulnerable_effect", "2.0", "DJG points", -20, 20,
         "Score added for adults in a vulnerability group.",
         "assumption: Meetellen panel, 76% lonely among residents in a vulnerable situation",
         R(loneliness.vulnerable_effect)},
        {"loneliness.bijstand_effect", "2.2", "DJG points", -20, 20,
         "Score added for adults on bijstand (the model's marker of a low income).",
         "Jansen, Hajema, Schefman, Feron & Bosma, 'Eenzaam aan de onderkant' (GGD health surveys Limburg 2012, ill "
         "adults 17-65): 20.7 % severely lonely with a low income against 6.0 % with a high income, a probit gap of "
         "0.74 sd = 4.4 DJG points; half of it, as bijstand is set against the average resident, not the highest "
         "incomes (assumption). Plausible 1.1-4.4: a quarter to all of the low-high gap",
         R(loneliness.bijstand_effect)},
        {"loneliness.disability_effect", "2.0", "DJG points", -20, 20,
         "Score added for adults on a disability benefit (the model's marker of a lasting health limitation).",
         "Gezondheidsmonitor 2012 (GGD'en, CBS, RIVM; national figures as reported by de Volkskrant, 'Vier op de tien "
         "Nederlanders voelen zich eenzaam'): 62 % of adults with a disability lonely against 35 % without, a probit "
         "gap of 0.69 sd = 4.1 DJG points; half of it (assumption: income and the vulnerability groups carry the "
         "rest). Plausible 1.0-4.1", R(loneliness.disability_effect)},
        {"loneliness.origin_europe_effect", "0.5", "DJG points", -20, 20,
         "Score added for adults of herkomst Europe (excluding the Netherlands).",
         "assumption: no Dutch figure found for European herkomst on its own; a quarter of the raw outside-Europe gap. "
         "Plausible 0-1.9: none, up to the outside-Europe effect", R(loneliness.origin_europe_effect)},
        {"loneliness.origin_outside_europe_effect", "1.9", "DJG points", -20, 20,
         "Score added for adults of herkomst outside Europe.",
         "Gezondheidsmonitor 2012 (as loneliness.disability_effect): 60 % of adults with a non-western migration "
         "background lonely against 35 % of those of Dutch origin (non-western is about CBS's new 'outside Europe'), "
         "a probit gap of 0.64 sd = 3.8 DJG points; half of it, as low income and chronic ill health explain much of "
         "the gap (Kennisplatform Integratie & Samenleving / Verwey-Jonker 2016, 'Eenzaamheid onder ouderen van "
         "Turkse of Marokkaanse komaf'), and the model adds those separately. Plausible 0.9-3.8",
         R(loneliness.origin_outside_europe_effect)},
        {"loneliness.born_abroad_effect", "0.5", "DJG points", -20, 20,
         "Score added for adults born abroad, on top of their herkomst (first generation).",
         "assumption: language and a network still being built; CBS Sociale samenhang en welzijn 2023 (reported "
         "2024) finds about one in five people from abroad strongly lonely against one in nine of all (0.38 sd = "
         "2.3 DJG points), mostly carried by herkomst above. Plausible 0-2.3", R(loneliness.born_abroad_effect)},
        {"loneliness.age_65_effect", "-0.3", "DJG points", -20, 20, "Score added for adults 65+.",
         "calibrated to GGD Gezondheidsmonitor 2022 Utrecht (65+ severely lonely 14%); default lowered by 0.3 with "
         "the 75+ and 85+ effects, which keeps the 65+ severely lonely share",
         R(loneliness.age_65_effect)},
        {"loneliness.age_75_effect", "0.75", "DJG points", -20, 20,
         "Score added for adults 75+, on top of loneliness.age_65_effect.",
         "CBS 85766NED (Eenzaamheid; persoonskenmerken, 2022): 34.0 % lonely at 65-75 against 43.7 % at 75+, a "
         "probit gap of 0.25 sd = 1.5 DJG points; half of it (assumption: living alone and frailty, which rise with "
         "age and are added separately, carry the rest). Plausible 0.4-1.5", R(loneliness.age_75_effect)},
        {"loneliness.age_85_effect", "0.95", "DJG points", -20, 20,
         "Score added for adults 85+, on top of loneliness.age_75_effect.",
         "RIVM volksgezondheidenzorg.info, eenzaamheid naar leeftijd (Gezondheidsmonitor 2020): 66 % lonely at 85+ "
         "against 54 % at 75-84, a probit gap of 0.31 sd = 1.9 DJG points; half of it (assumption as "
         "loneliness.age_75_effect). Plausible 0.5-1.9", R(loneliness.age_85_effect)},
        {"loneliness.emotional_item_share", "0.45", "share", 0, 1,
         "Chance that one of an adult's unfavourable DJG answers is on an emotional item (6 of the 11) rather than "
         "a social one (5); splits the score into the two subscales.",
         "set by hand so that about a third of Utrecht's adults come out emotionally and a third socially lonely "
         "(DESIGN.md section 8; a trial run at the defaults); 6/11 = 0.55 would be no preference. Plausible "
         "0.35-0.55 (nationally 2016: 31 % emotionally, 43 % socially lonely, volksgezondheidenzorg.info)",
         R(loneliness.emotional_item_share)},
        {"loneliness.living_alone_emotional_shift", "0.1", "share", -1, 1,
         "Added to loneliness.emotional_item_share for adults living alone.",
         "assumption for the size; the direction from Dykstra & Fokkema 2007 and De Jong Gierveld & Van Tilburg "
         "2010 as summarised by volksgezondheidenzorg.info: emotional loneliness goes with the absence of a "
         "partner, social loneliness with a small network. Plausible 0-0.2", R(loneliness.living_alone_emotional_shift)},

        // --- perceived cohesion (five statements, Likert 1-5)
        {"cohesion.know_each_other", "-0.9", "Likert points", -10, 10,
         "Offset of 'people in this buurt know each other well'.",
         "calibrated to Utrecht inwonersenquete (47% do not know each other well)", R(cohesion.know_each_other)},
        {"cohesion.interact_pleasantly", "-0.2", "Likert points", -10, 10,
         "Offset of 'people here interact pleasantly'.",
         "calibrated to Utrecht inwonersenquete (70% agree)", R(cohesion.interact_pleasantly)},
        {"cohesion.gezellig", "-0.8", "Likert points", -10, 10,
         "Offset of 'I live in a gezellige buurt with togetherness'.",
         "assumption (no Utrecht share found): between 'know each other' and 'feel comfortable'", R(cohesion.gezellig)},
        {"cohesion.interact_a_lot", "-1.8", "Likert points", -10, 10,
         "Offset of 'people here interact a lot'.", "calibrated to Utrecht inwonersenquete (28% agree)",
         R(cohesion.interact_a_lot)},
        {"cohesion.feel_comfortable", "-0.4", "Likert points", -10, 10,
         "Offset of 'I feel at home with the people here'.",
         "calibrated to Utrecht inwonersenquete (62% agree)", R(cohesion.feel_comfortable)},
        {"cohesion.embedding_effect", "0.5", "Likert points", 0, 10,
         "Likert points per unit of local embedding: log(1 + in-buurt tie strength / 255) plus recent contact.",
         "assumption", R(cohesion.embedding_effect)},
        {"cohesion.noise_sd", "1.2", "Likert points", 0, 10,
         "Sd of an adult's lasting per-statement deviation (normal).",
         "calibrated to Utrecht inwonersenquete 2023 (cohesion score 5.9)", R(cohesion.noise_sd)},
        {"cohesion.person_factor_share", "0.5", "share", 0, 1,
         "Share of the variance of that deviation common to the adult's five statements (a person factor); the "
         "rest is the statement's own. The marginal answer distribution does not depend on it.",
         "assumption: the statements are summed into one score, which presumes they measure one thing; 0.5 gives "
         "the correlations of a reliable five-item scale (about 0.5 between statements). Plausible 0.3-0.7",
         R(cohesion.person_factor_share)},

        // --- volunteers and community help
        {"community.volunteer_share_start", "0.4", "share", 0, 1,
         "Share of adults 18-84 volunteering at the start.", "Utrecht inwonersenquete 2019 (~40% volunteer)",
         R(community.volunteer_share_start)},
        {"community.recruit_rate", "0.0025", "1/week", 0, 1,
         "Weekly probability a non-volunteer adult 18-84 starts volunteering.",
         "calibrated to the stable 40% volunteer share", R(community.recruit_rate)},
        {"community.dropout_rate", "0.0064", "1/week", 0, 1,
         "Weekly probability a volunteer stops.", "assumption: a volunteer stays about three years on average",
         R(community.dropout_rate)},
        {"community.encounter_recruit_effect", "1.0", "ratio/(contact/week)", 0, 100,
         "Recruitment multiplied by 1 + effect x recent contacts per week.", "assumption",
         R(community.encounter_recruit_effect)},
        {"community.support_share", "0.15", "share", 0, 1,
         "Share of volunteers doing neighbourhood support (not sport, culture, school ...).",
         "assumption: CBS shows care and neighbourhood work as a minority of volunteering",
         R(community.support_share)},
        {"community.hours_per_volunteer", "2.0", "h/week", 0, 168,
         "Hours per week a support volunteer offers in the own buurt.",
         "assumption: CBS reports a few hours a week on average", R(community.hours_per_volunteer)},
        {"community.knows_initiatives", "0.3", "share", 0, 1,
         "Share of adults who know how to find community help (initiatives, volunteers).", "assumption",
         R(community.knows_initiatives)},

        // --- buurtteam
        {"buurtteam.fte_per_10k", "12.0", "FTE/10k residents", 0, 1000,
         "Buurtteam staff for adults per 10,000 residents; one team per wijk.",
         "calibrated to a buurtteam waiting time of days (Utrecht monitor 2018: 4.3 working days)",
         R(buurtteam.fte_per_10k)},
        {"buurtteam.client_hours_per_fte", "20", "h/week", 0, 40,
         "Client-related hours per FTE per week (36 h contract minus overhead).",
         "assumption", R(buurtteam.client_hours_per_fte)},
        {"buurtteam.case_hours_per_week", "2.0", "h/week", 0, 40,
         "Professional hours a case about care (personal care, begeleiding; also every crisis) needs per week.",
         "assumption: plausible 1.5-4 h/week, a weekly visit plus its work",
         R(buurtteam.case_hours_per_week), true},
        {"buurtteam.case_weeks_mean", "10", "week", 1, 520,
         "Mean duration of a case about care (and of a crisis) in weeks (geometric on 1, 2, ...).",
         "assumption: plausible 8-26 weeks, a begeleiding trajectory of a few months",
         R(buurtteam.case_weeks_mean)},
        {"buurtteam.case_hours_light", "1.5", "h/week", 0, 40,
         "Professional hours a case about a practical, social-contact or information question needs per week.",
         "assumption: plausible 1-2 h/week; advice and arranging take less than begeleiding",
         R(buurtteam.case_hours_light), true},
        {"buurtteam.case_weeks_light", "4", "week", 1, 520,
         "Mean duration of a case about a practical, social-contact or information question (geometric on 1, 2, ...).",
         "assumption: plausible 2-8 weeks; most buurtteam contacts are short (86 % of clients carry on without "
         "further help, Utrecht monitor 2018)",
         R(buurtteam.case_weeks_light)},
        {"buurtteam.knows_where_to_go", "0.5", "share", 0, 1,
         "Share of adults who know how to reach the buurtteam.", "assumption",
         R(buurtteam.knows_where_to_go)},
        {"buurtteam.refer_after_weeks", "4", "week", 0, 520,
         "Weeks a non-care question stays with network and community before a resident who knows the way turns to the buurtteam.",
         "assumption", I(buurtteam.refer_after_weeks)},
        {"buurtteam.give_up_after_weeks", "12", "week", 1, 520,
         "Weeks open (not counting weeks on the buurtteam waiting list) after which an unmet question is given up.", "assumption",
         I(buurtteam.give_up_after_weeks)},
        {"buurtteam.leave_list_weeks_mean", "8", "week", 0, 5200,
         "Mean weeks on the (non-urgent) waiting list before giving up if not admitted: after each week's "
         "admissions, from the week of entry, a resident still waiting leaves with probability 1 / this; the "
         "need stays: the question is open again (network and community can still answer it, it can still "
         "escalate; no new referral for it) and is dropped after give_up_after_weeks more weeks. 0: nobody leaves; "
         "otherwise at least 1.",
         "assumption: people leave waiting lists at any time (help found elsewhere, moved, gave up); a constant "
         "hazard keeps the list of a team at capacity near its level instead of drifting", R(buurtteam.leave_list_weeks_mean)},
        {"buurtteam.need_allocation_weeks", "52", "week", 0, 5200,
         "The city's buurtteam hours (fte_per_10k x all residents) are split over the wijk teams in proportion "
         "to the referrals each team had in the first min(this, run.burn_in_weeks / 2) burn-in weeks (plus one); "
         "0, or no burn-in: in proportion to residents.",
         "assumption: Utrecht funds its buurtteams by need (verdeelmodel), not per head; past referrals stand in "
         "for need", I(buurtteam.need_allocation_weeks)},
        {"buurtteam.funding", "\"fixed\"", "-", 0, 0,
         "How team hours are funded. \"fixed\": each team keeps the hours its budget sets (fte_per_10k, split by "
         "need in the burn-in, need_allocation_weeks). \"follows_demand\": every 52 simulated weeks each team's "
         "hours are reset to its mean weekly hours needed over the past 52 weeks (open cases plus the hours of "
         "everyone on its lists) times demand_headroom.",
         "DESIGN 8: Utrecht funds its buurtteams with a yearly lump sum (fixed); follows_demand is the alternative "
         "rule to compare with", T(buurtteam.funding)},
        {"buurtteam.demand_headroom", "1.1", "ratio", 0, 10,
         "Under funding = \"follows_demand\": next year's hours are last year's mean weekly hours needed times this.",
         "assumption: plausible 1.0-1.3, a budget set to last year's demand with a margin for its variation",
         R(buurtteam.demand_headroom), true},

        // --- Wmo maatwerk
        {"wmo.referral_care", "0.4", "probability", 0, 1,
         "Probability that a closed buurtteam case about care is referred for a Wmo maatwerk indication (a lasting "
         "need); the assessment then looks at the voorliggend veld first (wmo.network_tries, "
         "wmo.general_provision_share).",
         "assumption: plausible 0.2-0.5; Utrecht 2016: ~1,630 of ~13,700 buurtteam cases (~12 %) led to maatwerk, "
         "and 86 % of clients carried on without further help (2018)", R(wmo.referral_care)},
        {"wmo.referral_other", "0.05", "probability", 0, 1,
         "Same for cases about other questions (begeleiding after a practical, social or information question).",
         "assumption: plausible 0.02-0.1 (see referral_care)", R(wmo.referral_other)},
        {"wmo.loket_rate", "0.1", "1/week", 0, 1,
         "Weekly probability that an adult with self-reliance 0, without an open question or a provision, applies at "
         "the Wmo loket (hulpmiddelen, huishoudelijke ondersteuning, vervoer); the hazard falls linearly to 0 at "
         "wmo.loket_self_reliance.",
         "assumption, set roughly (20 % scale baseline) and to be fitted to CBS 85994NED (Wmo clients during the "
         "year ~5.1 % of residents; plausible 0.02-0.2): most "
         "maatwerk does not come through the buurtteam (2016: ~1,630 buurtteam referrals a year against 22,710 "
         "running provisions)", R(wmo.loket_rate)},
        {"wmo.loket_self_reliance", "0.7", "0..1", 0, 1,
         "Self-reliance below which an adult may apply at the Wmo loket.",
         "assumption: plausible 0.5-0.8; by default residents in a vulnerability group (target 0.6), the oldest "
         "and residents after an episode or a crisis", R(wmo.loket_self_reliance), true},
        {"wmo.network_tries", "3", "ties", 0, 100,
         "Voorliggend veld: at a Wmo assessment (either route) up to this many of the resident's household, "
         "neighbour and friend ties are asked whether they can take on the need's weekly hours; one who is "
         "willing and able becomes the mantelzorger and no maatwerk starts. 0: the network is not looked at.",
         "assumption: plausible 2-5, the keukentafelgesprek asks about the people around the resident",
         I(wmo.network_tries)},
        {"wmo.general_provision_share", "0.2", "share", 0, 1,
         "Voorliggend veld: share of the needs the network cannot meet that an algemene voorziening meets "
         "(boodschappen- or klussendienst, vrijwillige vervoersdienst, uitleen van hulpmiddelen) instead of maatwerk.",
         "assumption: plausible 0.1-0.4", R(wmo.general_provision_share)},
        {"wmo.initial_share", "0.038", "share", 0, 1,
         "Share of residents with a Wmo provision at the start, a point stock (residents 75+ or in a vulnerability "
         "group are three times as likely).",
         "CBS 85994NED: 18,940 clients during 2024 (~5.1 % of residents); with provisions of mean D weeks the point "
         "stock is clients during the year x D / (D + 52), ~3.8 % at D = 156", R(wmo.initial_share)},
        {"wmo.duration_weeks_mean", "156", "week", 1, 5200,
         "Mean weeks a resident keeps a Wmo provision (geometric).",
         "assumption: plausible 104-260; Wmo provisions such as household help and hulpmiddelen run for years",
         R(wmo.duration_weeks_mean)},
        {"wmo.cost_per_client_week", "95.2", "EUR/week", 0, 100000,
         "Cost of Wmo maatwerk per client per week, excluding verblijf en opvang.",
         "CBS 84580NED 2024: EUR 70.3 M excl. verblijf en opvang over a point stock of 18,940 clients during the "
         "year (85994NED) x 156 / (156 + 52) = 14,205, / 52 weeks",
         R(wmo.cost_per_client_week)},

        // --- escalation
        {"escalation.base_hazard", "0.003", "1/week", 0, 1,
         "Weekly hazard that an unmet question escalates into a crisis in its first week unmet: an open question, or one waiting on the buurtteam's (non-urgent) waiting list (harm while waiting).", "assumption",
         R(escalation.base_hazard)},
        {"escalation.weeks_effect", "0.25", "1/week", 0, 100,
         "The hazard is multiplied by 1 + effect x weeks unmet (weeks since the question arose, counting on while the resident waits for the buurtteam).",
         "assumption: DESIGN 4, unmet questions raise the hazard the longer they last", R(escalation.weeks_effect)},
        {"escalation.vulnerable_multiplier", "3.0", "ratio", 0, 100,
         "Hazard multiplier for residents in a vulnerability group.", "assumption",
         R(escalation.vulnerable_multiplier)},
        {"escalation.self_reliance_drop", "0.2", "0..1", 0, 1,
         "Self-reliance lost at a crisis (it raises later question and Wmo loket hazards).", "assumption", R(escalation.self_reliance_drop)},

        // --- mantelzorgers
        {"carers.duration_weeks_mean", "52", "week", 1, 5200,
         "Mean weeks a care relationship lasts (geometric).",
         "calibrated to volksgezondheidsmonitor Utrecht (9% of adults give mantelzorg)", R(carers.duration_weeks_mean)},
        {"carers.initial_share", "0.09", "share", 0, 0.5,
         "Share of adults who give mantelzorg at initialisation: care relationships drawn before the burn-in, "
         "recipients by their weekly care-question rate, carers among their household, neighbours and friends.",
         "volksgezondheidsmonitor Utrecht: 9 % of adults give mantelzorg (the calibration target); starting at "
         "the observed stock avoids a slow fill from zero (care lasts years)", R(carers.initial_share)},
        {"carers.sustainable_hours", "8", "h/week", 0, 168,
         "Care hours per week a carer gives without building up burden.",
         "assumption: SCP counts 8+ h/week for 3+ months as intensive care", R(carers.sustainable_hours)},
        {"carers.burden_rate", "0.02", "1/h", 0, 10,
         "Burden added per week per care hour above sustainable_hours (overburdened at 1).", "assumption",
         R(carers.burden_rate)},
        {"carers.recovery_rate", "0.02", "1/week", 0, 1, "Burden removed per week.", "assumption",
         R(carers.recovery_rate)},
        {"carers.withdraw_rate", "0.02", "1/week", 0, 1,
         "Weekly probability that an overburdened carer stops caring.", "assumption",
         R(carers.withdraw_rate)},

        // --- health-care use (zorgverzekeraar)
        {"health_care.gp_contacts_per_year", "3.5", "contacts/year", 0, 100,
         "Contacts a year with the huisarts practice (consults, visits, phone) of an adult at full self-reliance, "
         "not severely lonely and not in an episode; the weekly chance is the year's rate / 52.",
         "assumption, to be fitted: CBS 80191NED (Nivel) counts 4.5 contacts per person in 2018 (all ages); Nivel "
         "Zorgregistraties 2019: 5 per registered patient, 15 at 85+; plausible 2.5-5", R(health_care.gp_contacts_per_year)},
        {"health_care.gp_self_reliance_effect", "3.0", "ratio", 0, 50,
         "The contact rate is multiplied by 1 + this x (1 - self-reliance): frail, ill and older adults see "
         "their huisarts more.",
         "assumption: plausible 1-5; Nivel: contacts rise from ~4 a year at working age to ~15 at 85+, which this "
         "and self-reliance's fall with age should carry", R(health_care.gp_self_reliance_effect)},
        {"health_care.gp_episode_multiplier", "2.0", "ratio", 1, 20,
         "Contact-rate multiplier while an episode (a fall, a psychological crisis, a relapse) lasts.",
         "assumption: plausible 1.5-4", R(health_care.gp_episode_multiplier)},
        {"health_care.gp_lonely_multiplier", "1.1", "ratio", 0.5, 5,
         "Contact-rate multiplier for a severely lonely adult (De Jong Gierveld 9-11), beyond what self-reliance "
         "and episodes explain.",
         "Meisters et al. 2021 (Int J Public Health; GGD Gezondheidsmonitor 2016 linked to Zvw claims): after "
         "adjusting for health, severe loneliness adds little to huisarts costs and more to mental-health care; "
         "plausible 1.0-1.3", R(health_care.gp_lonely_multiplier)},
        {"health_care.poh_ggz_per_year_lonely", "0.4", "contacts/year", 0, 52,
         "Contacts a year with the practice's POH-GGZ of a lonely adult (De Jong Gierveld 3-11).",
         "assumption: plausible 0.1-1; Meisters et al. 2021 find the extra cost of loneliness mostly in mental-health "
         "care", R(health_care.poh_ggz_per_year_lonely)},
        {"health_care.poh_ggz_per_year_episode", "3.0", "contacts/year", 0, 52,
         "POH-GGZ contacts a year added while an episode lasts.",
         "assumption: plausible 1-6, a short POH-GGZ course is 3-5 consults", R(health_care.poh_ggz_per_year_episode)},
        {"health_care.crisis_acute_share", "0.3", "share", 0, 1,
         "Share of crises (escalated questions) that need acute care: huisartsenpost, SEH or the crisis service; the "
         "other crises bring a huisarts contact.",
         "assumption: plausible 0.1-0.6", R(health_care.crisis_acute_share)},

        // --- costs
        {"costs.buurtteam_hour_eur", "95", "EUR/h", 0, 10000,
         "Cost per buurtteam client hour, overhead included.",
         "assumption: integral hourly rates of Dutch social-domain professionals are EUR 80-110", R(costs.buurtteam_hour_eur)},
        {"costs.general_provision_week_eur", "10", "EUR/week", 0, 10000,
         "Gemeente cost per client week of an algemene voorziening (a subsidised klussen-, boodschappen- or "
         "vervoersdienst) met instead of maatwerk.",
         "assumption: plausible 0-30, a fraction of maatwerk's wmo.cost_per_client_week", R(costs.general_provision_week_eur)},
        {"costs.gp_contact_eur", "32", "EUR/contact", 0, 10000,
         "Zorgverzekeraar cost per huisarts practice contact, registration fee share included.",
         "NZa maximum tariff for a 5-20 minute consult of a passant (a full-cost tariff, without capitation), "
         "EUR 29.83 in 2020 and 31.86 later; plausible 15-45: the registered patient's consult tariff without "
         "capitation is about EUR 10", R(costs.gp_contact_eur)},
        {"costs.poh_ggz_contact_eur", "32", "EUR/contact", 0, 10000,
         "Zorgverzekeraar cost per POH-GGZ contact.",
         "NZa: POH-GGZ consults have the huisarts consult tariffs (plus a module fee per patient); plausible 15-45",
         R(costs.poh_ggz_contact_eur)},
        {"costs.acute_contact_eur", "141", "EUR/contact", 0, 100000,
         "Zorgverzekeraar cost per acute-care contact at a crisis.",
         "NZa tariff of a huisartsenpost consult, EUR 140.70 in 2021; plausible 100-400 (an SEH visit or the crisis "
         "service costs more)", R(costs.acute_contact_eur)},

        // --- output
        {"output.snapshot_weeks", "[]", "week", 0, 5200,
         "Weeks (0-based) whose end-of-week per-resident state and network are written to the result file.",
         "-", IL(output.snapshot_weeks)},
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
