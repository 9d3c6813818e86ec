#pragma once
/** @file simulation.hpp
 *  Simulation = Params (immutable) + State (what changes) + the random key
 *  + step(). step() runs the weekly schedule, a table of named phases
 *  (phase_names()); each draws its randomness and decides first, then
 *  changes state, and writes only to the agents or buurten it owns, so
 *  results are the same for any thread count. The state and the phases are
 *  private (model/src/engine.hpp); this header is what a user of the library
 *  sees.
 */
#include "buurtsim/cbs_data.hpp"
#include "buurtsim/indicators.hpp"
#include "buurtsim/network.hpp"
#include "buurtsim/params.hpp"
#include "buurtsim/population.hpp"

#include <cstdint>
#include <functional>
#include <memory>
#include <string_view>
#include <vector>

namespace buurtsim {

class Engine;
struct State;  // model/src/state.hpp

class Simulation {
public:
    /** @brief Build population, network and state for one replicate.
     *  @throws ParamError for bad selections, DataError for unusable data. */
    Simulation(const Params& params, const CbsTable& data, std::uint32_t replicate);
    ~Simulation();
    Simulation(Simulation&&) noexcept;
    Simulation& operator=(Simulation&&) noexcept;

    /** @brief Advance one week and record its indicators. @throws InternalError if already at the horizon. */
    void step();

    /** @brief Run to params.run.weeks; `on_week(w)` is called after each week (progress, cancellation by throwing). */
    void run(const std::function<void(std::uint32_t)>& on_week = {});

    /** @brief Recorded weeks done (burn-in weeks are simulated first and not counted). */
    std::uint32_t week() const;
    const Params& params() const;
    const Population& population() const;
    const Network& network() const;
    /** @brief The state (its definition is private: model/src/state.hpp, for the model's own tests). */
    const State& state() const;
    const Results& results() const;
    /** @brief Move the results out (the simulation is finished afterwards). */
    Results take_results();

    /** @brief Names of the weekly phases in the order step() runs them. */
    static std::vector<std::string_view> phase_names();
    /** @brief Wall-clock seconds spent in each phase so far (burn-in included), in phase_names() order. */
    const std::vector<double>& phase_seconds() const;

private:
    std::unique_ptr<Engine> engine_;
};

}  // namespace buurtsim
