#pragma once
/** @file component.hpp
 *  Interventions as components (STYLE 24-26). A component is one file: it
 *  declares its parameter struct and table rows, resolves its targets against
 *  the simulated areas, sets levers (levers.hpp) at the start of every week,
 *  and may act at a named point of the schedule. The registry lists the
 *  components in a fixed order: parameter sections, lever contributions and
 *  random sub-streams follow it. Append new components at the end, so the
 *  sub-streams of the others never move.
 *
 *  A component that is off, or not yet active, sets no lever and draws no
 *  random numbers, so a scenario is bit-identical to its baseline before the
 *  start week.
 */
#include "buurtsim/levers.hpp"
#include "buurtsim/params.hpp"
#include "buurtsim/population.hpp"

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace buurtsim {

class Engine;  // the simulation's private implementation (model/src/engine.hpp)

/** @brief Named points of the weekly schedule a component can act at. */
enum class Hook : std::uint8_t {
    week_start,  ///< after the levers are set, before health and questions
};

/** @brief The sub-streams of rng::Stream::intervention the registry gave a component. */
struct StreamBlock {
    std::uint32_t first = 0, count = 0;
    /** @brief The k-th sub-stream. @throws InternalError if k >= count */
    std::uint32_t sub(std::uint32_t k) const;
};

/** @brief A component resolved against the simulated areas, for one run. */
class ComponentRun {
public:
    virtual ~ComponentRun() = default;
    /** @brief Add this week's contributions to the levers. @param week recorded week (negative in the burn-in) */
    virtual void set_levers(std::int64_t week, Levers& levers) const = 0;
    /** @brief Act at a named point of the schedule (most components only set levers). */
    virtual void act(Hook, Engine&) {}
    /** @brief Per buurt: 1 if the component reaches it (the `targeted` variable of a result file). */
    std::vector<std::uint8_t> reaches;
};

/** @brief " (file:line)" of a key in the scenario that set it, or empty. */
using KeyOrigin = std::function<std::string(std::string_view key)>;

/** @brief An intervention (or any optional mechanism) as a plug-in part of the model. */
class Component {
public:
    virtual ~Component() = default;
    /** @brief Its parameter section, e.g. "buurtondersteuner". */
    virtual std::string_view name() const = 0;
    /** @brief One line for people (reports, `buurtsim params`). */
    virtual std::string_view summary() const = 0;
    /** @brief Sub-streams of rng::Stream::intervention it draws from. */
    virtual std::uint32_t streams() const { return 0; }
    /** @brief Its rows of the parameter table, named "<name>.<key>" (PartStore accessors). */
    virtual std::vector<ParamSpec> params() const = 0;
    /** @brief Cross-field checks the ranges cannot express. @throws ParamError naming key, value and rule */
    virtual void validate(const Params&, const KeyOrigin&) const {}
    /** @brief Whether the scenario switches it on. */
    virtual bool on(const Params&) const = 0;
    /** @brief One line on what it does in this scenario (for reports), when on. */
    virtual std::string describe(const Params&) const = 0;
    /** @brief Resolve targets and costs for one run (called only when on()).
     *  @throws ParamError for unknown codes, empty or contradictory targets */
    virtual std::unique_ptr<ComponentRun> start(const Params&, const Population&, StreamBlock) const = 0;
};

/** @brief The registered components, in registry order. */
const std::vector<const Component*>& components();

/** @brief The sub-streams of component `index` of the registry (consecutive blocks in registry order). */
StreamBlock stream_block(std::size_t index);

/** @brief Append a component to the registry (tests, extensions). Call before building Params; the
 *  parameter table and defaults are rebuilt to include its rows. @throws InternalError for a duplicate name */
void register_component(const Component& c);

/** @brief True if an intervention with these weeks is active in recorded week w. */
inline bool active(std::int64_t start, std::int64_t end, std::int64_t w) {
    return w >= start && (end < 0 || w <= end);
}

/** @brief The check every windowed component makes: end_week is -1 or at least start_week. @throws ParamError */
void check_window(std::string_view section, std::int64_t start, std::int64_t end, const KeyOrigin& at);

/** @brief Buurt indices of a target rule (codes, wijk codes, or the N most vulnerable buurten), in buurt order.
 *  @param key the parameter section, for messages ("buurtondersteuner") @throws ParamError */
std::vector<std::uint32_t> resolve_target(const TargetParams& t, const Population& pop, const char* key);

/** @brief One line per component that is on in `p` (report, comparison headers). */
std::vector<std::string> describe_components(const Params& p);

}  // namespace buurtsim
