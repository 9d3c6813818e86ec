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
#include "buurtsim/network.hpp"
#include "buurtsim/params.hpp"
#include "buurtsim/population.hpp"
#include "buurtsim/rng.hpp"

#include <cstdint>
#include <functional>
#include <vector>

namespace buurtsim {

/** @brief Where a resident's current support question stands. */
enum class QuestionStatus : std::uint8_t {
    none = 0,      ///< no open question
    open = 1,      ///< asking the own network
    waiting = 2,   ///< on the buurtteam waiting list
    in_case = 3,   ///< an open buurtteam case
};

/** @brief Everything that changes during a run. */
struct State {
    // --- initial state (drawn once per replicate)
    std::vector<std::uint8_t> knows_way;  ///< 1 if the resident knows how to reach the buurtteam
    std::vector<float> help_hours;        ///< hours per week the resident can give others

    // --- per resident, question state
    std::vector<QuestionStatus> status;
    std::vector<std::uint8_t> professional;  ///< 1 if the open question needs professional help
    std::vector<float> question_hours;       ///< hours of help the open question needs
    std::vector<std::uint16_t> weeks_open;   ///< weeks the question has been open

    // --- per resident, this week's helping (reset lazily by week stamp)
    std::vector<float> hours_given;
    std::vector<std::uint32_t> hours_week;  ///< week hours_given refers to

    // --- algorithm state
    std::vector<Buurtteam> teams;            ///< one per wijk (index = wijk)
    std::vector<std::uint32_t> asker_scratch;  ///< residents asking this round

    // --- counters for the current week, per buurt (cleared at the start of a week)
    std::vector<std::uint32_t> new_questions, solved_network, solved_professional, dropped, referrals;
    std::vector<double> informal_hours, buurtteam_hours, wait_sum;
    std::vector<std::uint32_t> cases_started;
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

    std::uint32_t week() const { return week_; }
    const Params& params() const { return params_; }
    const Population& population() const { return pop_; }
    const Network& network() const { return net_; }
    const State& state() const { return state_; }
    const Results& results() const { return results_; }
    /** @brief Move the results out (the simulation is finished afterwards). */
    Results take_results() { return std::move(results_); }

private:
    // Weekly phases, in order (see step()).
    void begin_week();
    void questions_arise();
    void ask_network();
    void turn_to_buurtteam();
    void buurtteam_serves();
    void observe();

    Params params_;
    std::uint32_t replicate_;
    rng::Key key_;
    Population pop_;
    Network net_;
    State state_;
    Results results_;
    std::uint32_t week_ = 0;
};

}  // namespace buurtsim
