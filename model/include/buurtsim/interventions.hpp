#pragma once
/** @file interventions.hpp
 *  Interventions are switched on per scenario and act only through the
 *  model's mechanisms: who knows where to go (information), encounters
 *  (meeting places), brokerage (matching questions with volunteers and
 *  neighbours), recruitment of volunteers, and buurtteam capacity. Their
 *  effect on care demand is an outcome. An intervention that is off, or not
 *  yet active, draws no random numbers and changes no state, so a scenario is
 *  bit-identical to its baseline before the start week.
 */
#include "buurtsim/params.hpp"
#include "buurtsim/population.hpp"

#include <cstdint>
#include <vector>

namespace buurtsim {

/** @brief Interventions resolved against the simulated areas. */
struct InterventionPlan {
    std::vector<std::uint8_t> ondersteuner;   ///< per buurt: has a buurtondersteuner
    std::vector<std::uint8_t> buurtkamer;     ///< per buurt: has a new buurtkamer
    std::vector<std::uint8_t> facilitator;    ///< per wijk: has a community facilitator
    std::vector<double> facilitator_intensity;///< per wijk: FTE per 10,000 (unscaled) residents
    std::vector<std::uint8_t> targeted;       ///< per buurt: any of the above reaches it
    double weekly_cost_ondersteuner = 0;      ///< euro per targeted buurt per week while active
    double weekly_cost_buurtkamer = 0;        ///< euro per targeted buurt per week while active
    std::vector<double> weekly_cost_facilitator; ///< euro per wijk per week while active (spread over its buurten by residents)
    std::vector<double> wijk_residents;       ///< simulated residents per wijk (residents_per_wijk)
};

/** @brief True if an intervention with these weeks is active in recorded week w. */
inline bool active(std::int64_t start, std::int64_t end, std::int64_t w) {
    return w >= start && (end < 0 || w <= end);
}

/** @brief Resolve targets and costs. @throws ParamError for unknown codes, empty or contradictory targets. */
InterventionPlan plan_interventions(const Params& p, const Population& pop);

/** @brief Buurt indices of a target rule (codes, wijk codes, or the N most vulnerable buurten), in buurt order.
 *  @param key the parameter section, for messages ("buurtondersteuner") @throws ParamError */
std::vector<std::uint32_t> resolve_target(const TargetParams& t, const Population& pop, const char* key);

}  // namespace buurtsim
