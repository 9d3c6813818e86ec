#pragma once
/** @file params.hpp
 *  Immutable model inputs. Params is a plain struct; its defaults, units,
 *  ranges, meanings, sources and plausible ranges live in ONE table
 *  (param_table()), which drives the scenario parser, docs/PARAMETERS.md, the
 *  Python parameter listing and the resolved-scenario text stored in every
 *  result file.
 */
#include <cstdint>
#include <memory>
#include <utility>
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
    double bijstand_effect;         ///< score added for residents on bijstand (low income)
    double disability_effect;       ///< score added for residents on a disability benefit (lasting limitation)
    double origin_europe_effect;    ///< score added for herkomst Europe (excluding the Netherlands)
    double origin_outside_europe_effect;  ///< score added for herkomst outside Europe
    double born_abroad_effect;      ///< score added for residents born abroad (on top of herkomst)
    double age_65_effect;           ///< score added for residents 65+
    double age_75_effect;           ///< score added for residents 75+ (on top of age_65_effect)
    double age_85_effect;           ///< score added for residents 85+ (on top of age_75_effect)
    double emotional_item_share;    ///< chance that an unfavourable DJG answer is on an emotional item
    double living_alone_emotional_shift;  ///< added to that chance for adults living alone
};

struct CohesionParams {
    double know_each_other;         ///< offset of the statement 'people here know each other well'
    double interact_pleasantly;     ///< offset of 'people interact pleasantly'
    double gezellig;                ///< offset of 'a gezellige buurt with togetherness'
    double interact_a_lot;          ///< offset of 'people interact a lot'
    double feel_comfortable;        ///< offset of 'I feel at home with the people here'
    double embedding_effect;        ///< Likert points per unit of the local embedding measure
    double noise_sd;                ///< sd of a resident's lasting per-statement deviation
    double person_factor_share;     ///< share of that deviation's variance common to the resident's five statements
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
    double case_hours_per_week;     ///< professional hours a care case (and a crisis) needs per week
    double case_weeks_mean;         ///< mean duration of a care case (and a crisis) in weeks (geometric)
    double case_hours_light;        ///< professional hours a practical, social or information case needs per week
    double case_weeks_light;        ///< mean duration of such a case in weeks (geometric)
    double knows_where_to_go;       ///< share of adults who know how to reach the buurtteam
    std::int64_t refer_after_weeks; ///< weeks a non-care question stays with network and community before referral
    std::int64_t give_up_after_weeks; ///< weeks after which an unmet question is dropped
    double leave_list_weeks_mean;   ///< mean weeks a resident stays on the (non-urgent) waiting list before giving up (0: never)
    std::int64_t need_allocation_weeks;  ///< burn-in weeks whose referrals split the city's capacity over the teams (0: by residents)
    std::string funding;            ///< "fixed" (hours set by the budget) or "follows_demand" (reset yearly from last year's demand)
    double demand_headroom;         ///< follows_demand: next year's hours are last year's mean weekly hours needed times this
};

struct WmoParams {
    double referral_care;           ///< probability a closed buurtteam case about care is referred for a maatwerk indication
    double referral_other;          ///< same for other questions
    double loket_rate;              ///< weekly probability an adult with self-reliance 0 applies at the Wmo loket
    double loket_self_reliance;     ///< self-reliance below which adults may apply at the loket (hazard linear below it)
    std::int64_t network_tries;     ///< ties asked at the assessment whether they can meet the need (voorliggend veld)
    double general_provision_share; ///< share of needs the network cannot meet that an algemene voorziening meets
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

/** Health-care use of adults (phase_health_care.cpp): huisarts, POH-GGZ, acute care, paid by the zorgverzekeraar. */
struct HealthCareParams {
    double gp_contacts_per_year;    ///< practice contacts a year of an adult at full self-reliance, not lonely, no episode
    double gp_self_reliance_effect; ///< the rate is multiplied by 1 + this x (1 - self-reliance)
    double gp_episode_multiplier;   ///< rate multiplier while an episode lasts
    double gp_lonely_multiplier;    ///< rate multiplier for a severely lonely adult (De Jong Gierveld 9-11)
    double poh_ggz_per_year_lonely; ///< POH-GGZ contacts a year of a lonely adult (De Jong Gierveld 3-11)
    double poh_ggz_per_year_episode;///< POH-GGZ contacts a year added while an episode lasts
    double crisis_acute_share;      ///< share of crises that need acute care (the others: a huisarts contact)
};

struct CostParams {
    double buurtteam_hour_eur;      ///< euro per buurtteam client hour
    double general_provision_week_eur; ///< euro the gemeente pays per client week of an algemene voorziening
    double gp_contact_eur;          ///< euro per huisarts practice contact (zorgverzekeraar)
    double poh_ggz_contact_eur;     ///< euro per POH-GGZ contact (zorgverzekeraar)
    double acute_contact_eur;       ///< euro per acute-care contact at a crisis (zorgverzekeraar)
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

/** @brief Parameter blocks of the intervention components (component.hpp), one
 *  per component type. Each component declares its own parameter struct and
 *  table rows in its own file; Params keeps them here by type, deep-copied
 *  with Params, so adding a component never touches this header. */
class PartStore {
public:
    PartStore() = default;
    PartStore(const PartStore& o) { *this = o; }
    PartStore(PartStore&&) noexcept = default;
    PartStore& operator=(PartStore&&) noexcept = default;
    PartStore& operator=(const PartStore& o) {
        if (this == &o) return *this;
        blocks_.clear();
        for (const auto& [id, b] : o.blocks_) blocks_.emplace_back(id, b->clone());
        return *this;
    }

    /** @brief The block of type T, created value-initialised if absent (the table's defaults fill it). */
    template <class T>
    T& get() {
        for (auto& [id, b] : blocks_)
            if (id == type_id<T>()) return static_cast<Holder<T>&>(*b).value;
        blocks_.emplace_back(type_id<T>(), std::make_unique<Holder<T>>());
        return static_cast<Holder<T>&>(*blocks_.back().second).value;
    }
    /** @brief The block of type T. @throws InternalError if Params was not made by default_params(). */
    template <class T>
    const T& get() const {
        for (const auto& [id, b] : blocks_)
            if (id == type_id<T>()) return static_cast<const Holder<T>&>(*b).value;
        missing();
    }

private:
    struct Block {
        virtual ~Block() = default;
        virtual std::unique_ptr<Block> clone() const = 0;
    };
    template <class T>
    struct Holder final : Block {
        T value{};
        std::unique_ptr<Block> clone() const override { return std::make_unique<Holder>(*this); }
    };
    // One address per type, the same in every translation unit (an inline function's static).
    template <class T>
    static const void* type_id() {
        static const char id = 0;
        return &id;
    }
    [[noreturn]] static void missing();
    std::vector<std::pair<const void*, std::unique_ptr<Block>>> blocks_;
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
    HealthCareParams health_care;
    CostParams costs;
    OutputParams output;
    PartStore parts;  ///< the components' parameters (buurtondersteuner, facilitator, ...): component.hpp
};

/** @brief The value kinds a parameter can have. */
enum class ParamType { integer, real, boolean, text, text_list, integer_list };

/** @brief The type's name as `params --json` and the Python parameter listing give it, e.g. "text_list". */
const char* param_type_name(ParamType t);

/** @brief How uncertain a parameter is: the range in which its true value plausibly lies, with the reason
 *  for its bounds, or an explicit mark that it is not an uncertain quantity (a run setting, a selection,
 *  a policy lever), with why. Uncertainty analysis draws its priors from the ranges; every row of the
 *  table states one or the other (tests/cpp/test_params.cpp), `unstated` only exists so that a row that
 *  forgot is caught. Unlike ParamSpec::min / max, a range is not checked when a scenario is read: a value
 *  outside it is allowed, merely not thought likely. */
struct Plausible {
    enum class Kind : std::uint8_t { unstated, range, not_uncertain };
    Kind kind = Kind::unstated;
    double lo = 0;         ///< range: lowest plausible value (inclusive)
    double hi = 0;         ///< range: highest plausible value (inclusive)
    std::string_view why;  ///< range: why these bounds (a source's interval, or "assumption: ..."); not_uncertain: why not
};

/** @brief A row's plausible range [lo, hi] and the reason for it. */
constexpr Plausible plausible(double lo, double hi, std::string_view why) {
    return {Plausible::Kind::range, lo, hi, why};
}
/** @brief A row's mark that the parameter is not an uncertain quantity, and why. */
constexpr Plausible not_uncertain(std::string_view why) { return {Plausible::Kind::not_uncertain, 0, 0, why}; }

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
    Plausible plausible;            ///< plausible range and its reason, or why the parameter is not uncertain
    bool min_exclusive = false;     ///< true: value must be > min

    /** @brief The kind of value; variant alternatives are in ParamType order. */
    ParamType type() const { return static_cast<ParamType>(ref.index()); }
};

/** @brief The parameter table: the model's rows, then each registered component's rows in registry order.
 *  Rebuilt when a component is registered (component.hpp), so take it again after registering. */
const std::vector<ParamSpec>& param_table();

/** @brief The value of a parameter by its dotted name, for code that does not know a component's struct
 *  (tests, bindings). @throws ParamError for an unknown name or a row of another type */
template <class T>
T& param_ref(Params& p, std::string_view name);
extern template std::int64_t& param_ref<std::int64_t>(Params&, std::string_view);
extern template double& param_ref<double>(Params&, std::string_view);
extern template bool& param_ref<bool>(Params&, std::string_view);
extern template std::vector<std::string>& param_ref<std::vector<std::string>>(Params&, std::string_view);

/** @brief Params with every table default applied. */
Params default_params();

/** @brief Cross-field checks the per-key ranges cannot express. @throws ParamError */
void validate(const Params& p);

}  // namespace buurtsim
