#pragma once
// The simulation's private implementation: params, population, network,
// components and levers, state and results, and the weekly phases as member
// functions (one source file per phase, phase_*.cpp). schedule.cpp lists the
// phases in order. Members are public: the phases, the components
// (components/*.cpp) and the model's tests are its only users.
#include "buurtsim/component.hpp"
#include "buurtsim/indicators.hpp"
#include "buurtsim/levers.hpp"
#include "buurtsim/rng.hpp"
#include "buurtsim/simulation.hpp"
#include "state.hpp"

#include <memory>
#include <string_view>
#include <vector>

namespace buurtsim {

class Engine {
public:
    Engine(const Params& params, const CbsTable& data, std::uint32_t replicate);

    void step();
    bool done() const { return week_ >= burn_in_ + results_.weeks; }

    // --- the weekly phases, in schedule order (schedule.cpp); one file each
    void begin_week();            // clear this week's counters (simulation.cpp)
    void set_levers();            // components set this week's levers; team capacity (schedule.cpp)
    void components_week_start(); // components acting at Hook::week_start (schedule.cpp)
    void spread_information();    // residents learn where help is (phase_information.cpp)
    void health_and_life_events();
    void questions_arise();
    void meeting();
    void ask_network();
    void brokerage();             // phase_brokerage.cpp
    void ask_community();
    void escalate_or_turn_to_buurtteam();
    void buurtteam_serves();
    void wmo_indications();       // Wmo via the buurtteam: voorliggend veld, then maatwerk (phase_wmo.cpp)
    void wmo_loket();             // Wmo via the loket, for needs from self-reliance and health (phase_wmo.cpp)
    void carers_and_volunteers();
    void ties_decay();
    void fund_buurtteams();       // burn-in split by need; yearly reset under follows_demand (phase_professionals.cpp)
    void health_care_use();       // huisarts, POH-GGZ, acute care (phase_health_care.cpp)
    void observe();
    void wmo_countdown();         // phase_professionals.cpp
    void snapshot();              // observe.cpp

    // --- helpers shared by phases
    void init_state();
    double loneliness_base(std::uint32_t i) const;  ///< DJG latent score from lasting traits (observe.cpp)
    void update_wellbeing(std::uint32_t i, const Embedding& e);  ///< DJG score from ties and contact (observe, init)
    void bump_tie(std::uint32_t a, std::uint32_t b, double amount);  ///< strengthen an existing tie (no-op if none)
    void bump_tie_at(std::uint32_t a, std::uint64_t ta, std::uint32_t b, double amount);  ///< the same, a's slot ta known
    /// Add a tie at both ends (Network::add) and to both ends' summaries: every tie made during a run goes through here.
    bool add_tie(std::uint32_t a, std::uint32_t b, TieType t, std::uint8_t strength);
    double self_reliance_target(std::uint32_t i) const;  ///< by age and vulnerability (ODD 7.3)
    double question_rate(std::uint32_t i) const;  ///< weekly probability that an adult without a question gets one (ODD 7.4)
    void question_kind_weights(std::uint32_t i, double w[4]) const;  ///< relative odds of the four kinds, not in an episode
    float care_capacity(std::uint32_t recipient, std::uint32_t helper) const;  ///< hours `helper` can give `recipient` a week
    void init_care_relationships();  ///< ongoing mantelzorg at the start (carers.initial_share)
    void crisis(std::uint32_t i, bool waiting);  ///< a crisis' consequences for resident i (counted, self-reliance, care)
    double escalation_hazard(std::uint32_t i) const;  ///< this week's crisis hazard of an unmet question (ODD 7.6c)
    CaseSize case_size(std::uint32_t i) const;  ///< a new buurtteam case's weeks and hours, by the question's kind
    /// The Wmo assessment of resident i's lasting need of `hours` a week: voorliggend veld (network, algemene
    /// voorziening) first, else maatwerk starts. Serial: it may make a tie the resident's mantelzorger.
    void assess_wmo(std::uint32_t i, double hours, bool loket);
    void street_contacts(std::uint32_t buurt);  ///< everyday contact among buurt's adults (phase_meeting.cpp)
    bool is_adult(std::uint32_t i) const { return pop_.age[i] >= 18; }
    /** The class that bounds i's question rate: 2 if 65+, plus 1 if vulnerable (question_classes_). */
    unsigned question_class(std::uint32_t i) const;
    /** Recorded week (negative during burn-in): the clock interventions run on. */
    std::int64_t recorded_week() const { return std::int64_t(week_) - std::int64_t(burn_in_); }

    // --- inputs
    Params params_;
    std::uint32_t replicate_;
    rng::Key key_;
    Population pop_;
    Network net_;
    std::vector<double> wijk_residents_;  ///< simulated residents per wijk (residents_per_wijk)
    /// The adults' ids in id order, buurt b's from adults_begin_[b] to adults_begin_[b + 1]. Ages do not
    /// change during a run, and a phase for adults only that walks this list skips children without a
    /// jump the branch predictor gets wrong at every household.
    std::vector<std::uint32_t> adults_, adults_begin_;
    /// The adults again, by the class that bounds their question rate (65+ or not, vulnerable or not;
    /// phase_questions.cpp): class c of buurt b from question_class_begin_[4 b + c] to [4 b + c + 1], in
    /// id order within a class.
    std::vector<std::uint32_t> question_classes_, question_class_begin_;
    /// The week whose State::care_words the health phase has drawn: health_care reads them, so it checks.
    std::uint32_t care_words_week_ = std::numeric_limits<std::uint32_t>::max();
    /// ask_network's scratch: each buurt's askers at its residents' place, then all askers in id order.
    /// Kept from week to week, so the city-sized one is not allocated and zeroed every week.
    std::vector<std::uint32_t> asker_scratch_, askers_;
    // --- the scenario's components (registry order) and this week's levers
    std::vector<std::unique_ptr<ComponentRun>> components_;
    Levers levers_;
    // --- what changes, and what is recorded
    State state_;
    Results results_;
    // --- the clock and algorithm state
    std::uint32_t burn_in_;  ///< weeks simulated before recording starts
    std::uint32_t allocation_week_ = 0;         ///< team capacity is set by need after this many burn-in weeks (0: never)
    bool follows_demand_ = false;               ///< buurtteam.funding == "follows_demand"
    std::vector<std::uint64_t> wijk_referrals_;  ///< referrals per wijk team before allocation_week_
    std::uint32_t week_ = 0; ///< weeks simulated, burn-in included; the week index of every random draw
    std::vector<double> phase_seconds_;  ///< per phase of the schedule
};

/** One phase of the weekly schedule. */
struct Phase {
    std::string_view name;
    void (Engine::*run)();
};

/** The weekly schedule, in order (schedule.cpp). */
const std::vector<Phase>& schedule();

}  // namespace buurtsim
