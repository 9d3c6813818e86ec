#pragma once
/** @file simulation.hpp
 *  Simulation = Params (immutable) + State (what changes) + the random key
 *  + step(). step() is a list of named weekly phases; each draws its
 *  randomness and decides first, then changes state, and writes only to the
 *  agents or buurten it owns, so results are the same for any thread count.
 */
#include "buurtsim/buurtteam.hpp"
#include "buurtsim/cbs_data.hpp"
#include "buurtsim/indicators.hpp"
#include "buurtsim/interventions.hpp"
#include "buurtsim/network.hpp"
#include "buurtsim/params.hpp"
#include "buurtsim/population.hpp"
#include "buurtsim/rng.hpp"

#include <array>
#include <cstdint>
#include <functional>
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

/** @brief Embedding of resident i in the network. */
Embedding embedding_of(const Network& net, const Population& pop, std::uint32_t i);

constexpr std::uint32_t no_one = std::numeric_limits<std::uint32_t>::max();

/** @brief Everything that changes during a run, per resident unless said otherwise. */
struct State {
    // --- lasting traits (drawn once per replicate)
    std::vector<float> inclination;        ///< 0..1, propensity to visit meeting places
    std::vector<float> loneliness_trait;   ///< standard normal; times loneliness.trait_sd
    std::vector<std::array<float, 5>> cohesion_trait;  ///< standard normals per statement
    std::vector<float> help_hours;         ///< hours per week the resident can give others

    // --- knowledge and roles
    std::vector<std::uint8_t> knows_way;          ///< knows how to reach the buurtteam
    std::vector<std::uint8_t> knows_community;    ///< knows how to find community help
    std::vector<std::uint8_t> volunteer;          ///< 0 no, 1 volunteer, 2 support volunteer

    // --- health
    std::vector<float> self_reliance;             ///< 0..1
    std::vector<std::uint16_t> episode_weeks;     ///< weeks left of the current episode (0: none)

    // --- the current support question
    std::vector<QuestionStatus> status;
    std::vector<QuestionKind> kind;
    std::vector<float> question_hours;     ///< hours needed (care: hours per week)
    std::vector<std::uint16_t> weeks_open; ///< weeks the question has been open

    // --- mantelzorg (the carer's side) and Wmo
    std::vector<std::uint32_t> caring_for;  ///< recipient, or no_one
    std::vector<std::uint16_t> care_weeks;  ///< weeks of care left
    std::vector<float> burden;              ///< carer burden; overburdened at >= 1
    std::vector<std::uint16_t> wmo_weeks;   ///< weeks of Wmo provision left (0: none)

    // --- wellbeing (updated in observe)
    std::vector<float> contacts_week;       ///< contacts this week (encounters, help, care)
    std::vector<float> contacts_recent;     ///< moving average of contacts per week
    std::vector<std::uint8_t> djg;          ///< De Jong Gierveld score 0..11 (adults)

    // --- this week's helping (reset lazily by week stamp)
    std::vector<float> hours_given;
    std::vector<std::uint32_t> hours_week;
    std::vector<std::uint32_t> visited_week;  ///< last week the resident visited a meeting place (+1; 0: never)

    // --- algorithm state
    std::vector<Buurtteam> teams;  ///< one per wijk (index = wijk)
    std::vector<double> team_capacity;  ///< each team's budget without staff shortage

    // --- per-buurt counters for the current week (cleared at the start of a week)
    struct BuurtWeek {
        std::uint32_t new_questions = 0, solved_network = 0, solved_community = 0, solved_professional = 0;
        std::uint32_t dropped = 0, escalations = 0, referrals = 0, cases_started = 0, wmo_new = 0, visits = 0;
        std::uint32_t withdrawn = 0, brokered = 0;
        double informal_hours = 0, volunteer_hours = 0, buurtteam_hours = 0, wait_sum = 0;
    };
    std::vector<BuurtWeek> week;
};

class Simulation {
public:
    /** @brief Build population, network and state for one replicate.
     *  @throws ParamError for bad selections, DataError for unusable data. */
    Simulation(const Params& params, const CbsTable& data, std::uint32_t replicate);

    /** @brief Advance one week and record its indicators. @throws InternalError if already at the horizon. */
    void step();

    /** @brief Run to params.run.weeks; `on_week(w)` is called after each week (progress, cancellation by throwing). */
    void run(const std::function<void(std::uint32_t)>& on_week = {});

    /** @brief Recorded weeks done (burn-in weeks are simulated first and not counted). */
    std::uint32_t week() const { return week_ > burn_in_ ? week_ - burn_in_ : 0; }
    const Params& params() const { return params_; }
    const Population& population() const { return pop_; }
    const Network& network() const { return net_; }
    const State& state() const { return state_; }
    const Results& results() const { return results_; }
    const InterventionPlan& plan() const { return plan_; }
    /** @brief Move the results out (the simulation is finished afterwards). */
    Results take_results() { return std::move(results_); }

private:
    // Weekly phases, in order (see step()); one source file each (phase_*.cpp).
    void begin_week();
    void interventions_begin_week();
    void health_and_life_events();
    void questions_arise();
    void meeting();
    void ask_network();
    void buurtondersteuner_brokers();
    void ask_community();
    void escalate_or_turn_to_buurtteam();
    void buurtteam_serves();
    void carers_and_volunteers();
    void ties_decay();
    void observe();

    // Helpers shared by phases.
    void init_state();
    void update_wellbeing(std::uint32_t i, const Embedding& e);  ///< DJG score from ties and contact (observe, init)
    void bump_tie(std::uint32_t a, std::uint32_t b, double amount);
    double self_reliance_target(std::uint32_t i) const;  ///< by age and vulnerability (ODD 7.3)
    double question_rate(std::uint32_t i) const;  ///< weekly probability that an adult without a question gets one (ODD 7.4)
    void question_kind_weights(std::uint32_t i, double w[4]) const;  ///< relative odds of the four kinds, not in an episode
    float care_capacity(std::uint32_t recipient, std::uint32_t helper) const;  ///< hours `helper` can give `recipient` a week
    void init_care_relationships();  ///< ongoing mantelzorg at the start (carers.initial_share)
    void allocate_buurtteams();      ///< burn-in referrals count; team capacity by need (buurtteam.need_allocation_weeks)
    void take_snapshot();
    double intervention_cost(std::uint32_t b) const;
    void street_contacts(std::uint32_t first, std::uint32_t last);
    bool is_adult(std::uint32_t i) const { return pop_.age[i] >= 18; }
    /** Recorded week (negative during burn-in): the clock interventions run on. */
    std::int64_t recorded_week() const { return std::int64_t(week_) - std::int64_t(burn_in_); }

    Params params_;
    std::uint32_t replicate_;
    rng::Key key_;
    Population pop_;
    Network net_;
    InterventionPlan plan_;
    State state_;
    Results results_;
    std::uint32_t burn_in_;  ///< weeks simulated before recording starts
    std::uint32_t allocation_week_ = 0;         ///< team capacity is set by need after this many burn-in weeks (0: never)
    std::vector<std::uint64_t> wijk_referrals_;  ///< referrals per wijk team before allocation_week_
    std::uint32_t week_ = 0; ///< weeks simulated, burn-in included; the week index of every random draw
};

}  // namespace buurtsim
