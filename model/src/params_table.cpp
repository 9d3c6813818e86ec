// The one parameter table. Defaults, units, ranges, meanings and sources
// are written here and nowhere else: the parser, docs/PARAMETERS.md and the
// resolved scenario in every output file are all derived from it.
#include "buurtsim/params.hpp"

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

        // --- support questions
        {"questions.rate_18_64", "0.02", "1/week", 0, 1,
         "New support questions per adult 18-64 per week.",
         "assumption, to be calibrated (issue 3)", R(questions.rate_18_64)},
        {"questions.rate_65_plus", "0.04", "1/week", 0, 1,
         "New support questions per resident 65+ per week.",
         "assumption, to be calibrated (issue 3)", R(questions.rate_65_plus)},
        {"questions.vulnerable_multiplier", "3.0", "ratio", 0, 100,
         "Rate multiplier for residents in any vulnerability group.", "assumption",
         R(questions.vulnerable_multiplier)},
        {"questions.hours_mean", "2.0", "h", 0, 1000,
         "Mean hours of help one question needs (exponential).", "assumption",
         R(questions.hours_mean), true},
        {"questions.professional_share", "0.02", "share", 0, 1,
         "Share of questions that need professional help (personal care, begeleiding) and go straight to the buurtteam.",
         "assumption", R(questions.professional_share)},

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
         "Probability a weak tie helps when they have the hours.", "assumption",
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

        // --- buurtteam
        {"buurtteam.fte_per_10k", "14.0", "FTE/10k residents", 0, 1000,
         "Buurtteam staff for adults per 10,000 residents; one team per wijk.",
         "assumption: set so the default baseline has a stable waiting list; Utrecht has 18 buurtteams; to be calibrated (issue 3)",
         R(buurtteam.fte_per_10k)},
        {"buurtteam.client_hours_per_fte", "20", "h/week", 0, 40,
         "Client-related hours per FTE per week (36 h contract minus overhead).",
         "assumption", R(buurtteam.client_hours_per_fte)},
        {"buurtteam.case_hours_per_week", "2.0", "h/week", 0, 40,
         "Professional hours one open case needs per week.", "assumption",
         R(buurtteam.case_hours_per_week), true},
        {"buurtteam.case_weeks_mean", "10", "week", 1, 520,
         "Mean case duration in weeks (geometric on 1, 2, ...).", "assumption",
         R(buurtteam.case_weeks_mean)},
        {"buurtteam.knows_where_to_go", "0.5", "share", 0, 1,
         "Share of adults who know how to reach the buurtteam.", "assumption",
         R(buurtteam.knows_where_to_go)},
        {"buurtteam.refer_after_weeks", "4", "week", 0, 520,
         "Weeks a question stays with the own network before a resident who knows the way turns to the buurtteam.",
         "assumption", I(buurtteam.refer_after_weeks)},
        {"buurtteam.give_up_after_weeks", "12", "week", 1, 520,
         "Weeks after which an unmet question is dropped as unmet.", "assumption",
         I(buurtteam.give_up_after_weeks)},
    };
}

#undef FIELD
#undef I
#undef R
#undef T
#undef L

}  // namespace

const std::vector<ParamSpec>& param_table() {
    static const std::vector<ParamSpec> table = build_table();
    return table;
}

}  // namespace buurtsim
