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
    std::int64_t burn_in_weeks; ///< weeks simulated before week 0, not recorded
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

struct HealthParams {
    double self_reliance_base;        ///< self-reliance a resident without vulnerability under 65 tends to (0..1)
    double self_reliance_vulnerable;  ///< drop in that target for residents in any vulnerability group
    double self_reliance_age_slope;   ///< drop in that target per year of age over 65
    double drift_rate;                ///< weekly fraction of the gap to the target closed
    double noise;                     ///< half-width of the weekly uniform noise on self-reliance
    double episode_rate_high;         ///< weekly episode hazard at self-reliance 1
    double episode_rate_low;          ///< weekly episode hazard at self-reliance 0
    double episode_weeks_mean;        ///< mean episode length (geometric)
    double episode_drop;              ///< self-reliance lost when an episode starts
};

struct QuestionParams {
    double rate_18_64;              ///< new support questions per adult 18-64 per week (self-reliance 1)
    double rate_65_plus;            ///< same for residents 65+
    double vulnerable_multiplier;   ///< rate multiplier for residents in any vulnerability group
    double low_self_reliance_effect;///< rate multiplier is 1 + effect * (1 - self-reliance)
    double episode_multiplier;      ///< rate multiplier during an episode
    double share_practical;         ///< base share of practical questions
    double share_social;            ///< base share of social-contact questions
    double share_info;              ///< base share of information/administration questions
    double share_care;              ///< base share of personal care / begeleiding questions
    double lonely_social_effect;    ///< social-contact share multiplier per DJG point above 2
    double care_self_reliance_effect; ///< care share multiplier is 1 + effect * (1 - self-reliance)
    double hours_mean;              ///< mean hours a practical/social/info question needs (exponential)
    double care_hours_mean;         ///< mean hours per week a care question needs (exponential)
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
    double care_hours_household;    ///< hours per week a household member can give as mantelzorger
};

struct MeetingParams {
    double seats_per_1000;          ///< visits per week buurtkamers and activities can host, per 1000 residents
    double attend_rate;             ///< weekly probability a resident with inclination 1 wants to attend
    double encounters_per_visit;    ///< other visitors a visitor talks with (Poisson mean)
    double new_tie_probability;     ///< probability an encounter between strangers becomes a weak tie
    double street_contacts;         ///< everyday contacts per adult per week with a random tie in the buurt (Poisson mean)
};

struct TieParams {
    double decay_weak;              ///< share of strength a weak tie loses per week
    double decay_other;             ///< share of strength above the floor neighbour and friend ties lose per week
    double weak_min;                ///< a weak tie below this strength ends
    double floor_neighbour;         ///< strength a neighbour tie keeps through everyday contact
    double floor_friend;            ///< strength a friend tie keeps
    double floor_weak;              ///< strength a generated weak tie (acquaintance) keeps
    double help_bump;               ///< strength gained when help is exchanged
    double encounter_bump;          ///< strength gained by an encounter at a meeting place
    std::int64_t slack;             ///< free tie slots per resident for ties made during the run
};

struct LonelinessParams {
    double intercept;               ///< latent DJG score of a resident with no ties and no contact
    double trait_sd;                ///< sd of the resident's lasting deviation (normal)
    double tie_effect;              ///< score lowered per unit of log(1 + tie strength / 255 summed)
    double contact_effect;          ///< score lowered per recent contact per week (encounters, help)
    double contact_memory;          ///< weekly weight of the newest week in the recent-contact average
    double living_alone_effect;     ///< score added for single-person households
    double vulnerable_effect;       ///< score added for residents in any vulnerability group
    double age_65_effect;           ///< score added for residents 65+
};

struct CohesionParams {
    double know_each_other;         ///< offset of the statement 'people here know each other well'
    double interact_pleasantly;     ///< offset of 'people interact pleasantly'
    double gezellig;                ///< offset of 'a gezellige buurt with togetherness'
    double interact_a_lot;          ///< offset of 'people interact a lot'
    double feel_comfortable;        ///< offset of 'I feel at home with the people here'
    double embedding_effect;        ///< Likert points per unit of the local embedding measure
    double noise_sd;                ///< sd of a resident's lasting per-statement deviation
};

struct CommunityParams {
    double volunteer_share_start;   ///< share of adults 18-84 volunteering at the start
    double recruit_rate;            ///< weekly probability a non-volunteer adult starts volunteering
    double dropout_rate;            ///< weekly probability a volunteer stops
    double encounter_recruit_effect;///< recruitment multiplier is 1 + effect * recent contact
    double support_share;           ///< share of volunteers doing neighbourhood support (the rest: sport, culture, ...)
    double hours_per_volunteer;     ///< weekly hours a support volunteer offers in the buurt
    double knows_initiatives;       ///< share of adults who know how to find community help
};

struct BuurtteamParams {
    double fte_per_10k;             ///< buurtteam FTE per 10,000 residents
    double client_hours_per_fte;    ///< client hours per FTE per week
    double case_hours_per_week;     ///< professional hours one case needs per week
    double case_weeks_mean;         ///< mean case duration in weeks (geometric)
    double knows_where_to_go;       ///< share of adults who know how to reach the buurtteam
    std::int64_t refer_after_weeks; ///< weeks a non-care question stays with network and community before referral
    std::int64_t give_up_after_weeks; ///< weeks after which an unmet question is dropped
    double leave_list_weeks_mean;   ///< mean weeks a resident stays on the (non-urgent) waiting list before giving up (0: never)
    std::int64_t need_allocation_weeks;  ///< burn-in weeks whose referrals split the city's capacity over the teams (0: by residents)
};

struct WmoParams {
    double referral_care;           ///< probability a closed buurtteam case about care leads to Wmo maatwerk
    double referral_other;          ///< same for other questions
    double initial_share;           ///< share of residents with a Wmo provision at the start
    double duration_weeks_mean;     ///< mean weeks a resident keeps a Wmo provision (geometric)
    double cost_per_client_week;    ///< euro per Wmo client per week
};

struct EscalationParams {
    double base_hazard;             ///< weekly escalation hazard of an unmet question in its first week
    double weeks_effect;            ///< hazard multiplier grows by this per week unmet
    double vulnerable_multiplier;   ///< hazard multiplier for residents in a vulnerability group
    double self_reliance_drop;      ///< self-reliance lost at an escalation
};

struct CarerParams {
    double duration_weeks_mean;     ///< mean weeks a care relationship lasts (geometric)
    double initial_share;           ///< share of adults giving mantelzorg at initialisation
    double sustainable_hours;       ///< care hours per week a carer can give without building up burden
    double burden_rate;             ///< burden added per week per hour above sustainable_hours
    double recovery_rate;           ///< burden removed per week
    double withdraw_rate;           ///< weekly probability an overburdened carer stops
};

struct CostParams {
    double buurtteam_hour_eur;      ///< euro per buurtteam client hour
};

struct OutputParams {
    std::vector<std::int64_t> snapshot_weeks; ///< weeks whose end-of-week state is written as a snapshot
};

/** @brief Which buurten an intervention targets: codes, wijk codes, or the N
 *  buurten with most residents on bijstand or disability benefit (CBS). */
struct TargetParams {
    std::vector<std::string> buurten;
    std::vector<std::string> wijken;
    std::int64_t most_vulnerable;   ///< N; 0: not used
};

struct BuurtondersteunerParams {
    double fte;                     ///< FTE per targeted buurt (0: off)
    std::int64_t start_week;        ///< first active recorded week
    std::int64_t end_week;          ///< last active week; -1: to the horizon
    TargetParams target;
    double embedding_weeks;         ///< weeks for reach to grow to 63 % of its maximum
    double reach_max;               ///< share of adults who know the ondersteuner at full embedding
    double client_hours_per_fte;    ///< hours per FTE per week spent on residents' questions
    double hours_per_question;      ///< hours to broker one question
    std::int64_t match_attempts;    ///< residents or volunteers tried per question before referring on
    double cost_per_fte_year;       ///< euro
};

struct FacilitatorParams {
    double fte;                     ///< FTE per targeted wijk (0: off)
    std::int64_t start_week;
    std::int64_t end_week;
    bool every_wijk;                ///< target all wijken (else target.wijken)
    std::vector<std::string> wijken;
    double info_rate;               ///< weekly probability per FTE/10k residents that an adult learns where community help is
    double outreach_rate;           ///< same for vulnerable residents learning the way to the buurtteam
    double extra_seats_per_1000;    ///< extra meeting visits per week per 1000 residents, per FTE/10k residents
    double recruit_boost;           ///< relative increase of volunteer recruitment per FTE/10k residents
    double cost_per_fte_year;
};

struct BuurtkamerParams {
    double seats_per_1000;          ///< extra visits per week per 1000 residents in each targeted buurt (0: off)
    std::int64_t start_week;
    std::int64_t end_week;
    TargetParams target;
    double makelaar_fte;            ///< sociaal makelaar FTE per targeted buurt
    double recruit_boost;           ///< relative increase of recruitment among visitors per makelaar FTE
    double cost_per_year;           ///< running cost of one buurtkamer, euro per year
    double cost_per_fte_year;       ///< sociaal makelaar, euro per FTE per year
};

struct StaffShortageParams {
    double reduction;               ///< share of buurtteam capacity lost (0: off)
    std::int64_t start_week;
    std::int64_t end_week;
};

struct BacklogParams {
    double share;                   ///< share of adults with a postponed open question at week 0
};

/** @brief All model inputs. Build with default_params(), change through the scenario parser. */
struct Params {
    std::string name;         ///< scenario name
    std::string description;  ///< one line for people
    RunParams run;
    PopulationParams population;
    NetworkParams network;
    HealthParams health;
    QuestionParams questions;
    HelpParams help;
    MeetingParams meeting;
    TieParams ties;
    LonelinessParams loneliness;
    CohesionParams cohesion;
    CommunityParams community;
    BuurtteamParams buurtteam;
    WmoParams wmo;
    EscalationParams escalation;
    CarerParams carers;
    CostParams costs;
    BuurtondersteunerParams buurtondersteuner;
    FacilitatorParams facilitator;
    BuurtkamerParams buurtkamer;
    StaffShortageParams staff_shortage;
    BacklogParams backlog;
    OutputParams output;
};

/** @brief The value kinds a parameter can have. */
enum class ParamType { integer, real, boolean, text, text_list, integer_list };

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
                 std::string& (*)(Params&), std::vector<std::string>& (*)(Params&),
                 std::vector<std::int64_t>& (*)(Params&)>
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
