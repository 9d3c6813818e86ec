#pragma once
/** @file params.hpp
 *  Immutable model inputs. Params is a plain struct; its defaults, units,
 *  ranges, meanings and sources live in ONE table (param_table()), which
 *  drives the scenario parser, docs/PARAMETERS.md and the resolved-scenario
 *  text stored in every result file.
 */
#include <cstdint>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace buurtsim {

struct RunParams {
    std::int64_t seed;        ///< master seed
    std::int64_t weeks;       ///< horizon in weeks
    std::int64_t replicates;  ///< number of replicates
};

struct PopulationParams {
    std::int64_t year;                 ///< CBS edition: 2023 or 2024
    double scale;                      ///< fraction of residents simulated
    std::vector<std::string> buurten;  ///< buurt codes to simulate (empty: all)
    std::vector<std::string> wijken;   ///< wijk codes to simulate (empty: all)
    double two_parent_share;           ///< share of households with children that have two adults
    double psych_prevalence;           ///< adults 18-64 with a psychological vulnerability (EPA)
    double homeless_history_prevalence;///< adults 18+ with a history of homelessness
    double nah_prevalence;             ///< adults 18+ with acquired brain injury limiting daily life
    double lvb_prevalence;             ///< residents 12+ with a mild intellectual disability needing support
    double frail_65_74;                ///< frailty prevalence age 65-74
    double frail_75_84;                ///< frailty prevalence age 75-84
    double frail_85_plus;              ///< frailty prevalence age 85+
    double benefit_vulnerability_odds; ///< odds multiplier of psych/LVB/NAH for residents on bijstand or disability benefit
};

struct NetworkParams {
    double block_households;      ///< households per street block
    double neighbour_ties;        ///< mean neighbour ties proposed per adult within the block
    double friend_ties;           ///< mean friend ties proposed per adult
    double friend_same_buurt;     ///< probability a friend lives in the same buurt
    double friend_same_age_band;  ///< probability a friend is in the same age band
    double weak_ties;             ///< mean weak ties (acquaintances) proposed per adult in the buurt
};

struct QuestionParams {
    double rate_18_64;              ///< new support questions per adult 18-64 per week
    double rate_65_plus;            ///< new support questions per resident 65+ per week
    double vulnerable_multiplier;   ///< rate multiplier for residents in any vulnerability group
    double hours_mean;              ///< mean hours of help a question needs (exponential)
    double professional_share;      ///< share of questions that need professional help (care/begeleiding)
};

struct HelpParams {
    std::int64_t ask_rounds;        ///< contacts a resident asks per week
    double willingness_strong;      ///< probability a household member helps when able
    double willingness_neighbour;   ///< probability a neighbour helps when able
    double willingness_friend;      ///< probability a friend helps when able
    double willingness_weak;        ///< probability a weak tie helps when able
    double hours_working_age;       ///< hours per week an adult 18-64 can give
    double hours_retired;           ///< hours per week a resident 65+ can give
    double hours_youth;             ///< hours per week a resident 15-17 can give
};

struct BuurtteamParams {
    double fte_per_10k;             ///< buurtteam FTE per 10,000 residents
    double client_hours_per_fte;    ///< client hours per FTE per week
    double case_hours_per_week;     ///< professional hours one case needs per week
    double case_weeks_mean;         ///< mean case duration in weeks (exponential)
    double knows_where_to_go;       ///< share of adults who know how to reach the buurtteam
    std::int64_t refer_after_weeks; ///< weeks a question stays with the network before a resident turns to the buurtteam
    std::int64_t give_up_after_weeks; ///< weeks after which an unmet question is dropped
};

/** @brief All model inputs. Build with default_params(), change through the scenario parser. */
struct Params {
    std::string name;         ///< scenario name
    std::string description;  ///< one line for people
    RunParams run;
    PopulationParams population;
    NetworkParams network;
    QuestionParams questions;
    HelpParams help;
    BuurtteamParams buurtteam;
};

/** @brief The value kinds a parameter can have. */
enum class ParamType { integer, real, boolean, text, text_list };

/** @brief One row of the parameter table. Accessors are plain function pointers so the table is constexpr-friendly. */
struct ParamSpec {
    std::string_view name;          ///< dotted key as written in scenario files, e.g. "population.scale"
    std::string_view default_toml;  ///< default as a TOML value literal, e.g. "1.0", "[]", "\"\""
    std::string_view unit;          ///< e.g. "1/week", "h/week", "share", "-"
    double min;                     ///< inclusive lower bound for numbers
    double max;                     ///< inclusive upper bound for numbers
    std::string_view meaning;
    std::string_view source;        ///< citation, or "assumption: ..."
    std::variant<std::int64_t& (*)(Params&), double& (*)(Params&), bool& (*)(Params&),
                 std::string& (*)(Params&), std::vector<std::string>& (*)(Params&)>
        ref;
    bool min_exclusive = false;     ///< true: value must be > min

    /** @brief The kind of value; variant alternatives are in ParamType order. */
    ParamType type() const { return static_cast<ParamType>(ref.index()); }
};

/** @brief The parameter table, in documentation order. */
const std::vector<ParamSpec>& param_table();

/** @brief Params with every table default applied. */
Params default_params();

/** @brief Cross-field checks the per-key ranges cannot express. @throws ParamError */
void validate(const Params& p);

}  // namespace buurtsim
