// Which interventions a scenario switches on: one rule, in C++, for Python
// (the report lists them). The conditions are those under which the model acts
// on them: plan_interventions (model/src/interventions.cpp) for the
// buurtondersteuner, buurtkamer and facilitator, interventions_begin_week
// (model/src/phase_interventions.cpp) for the staff shortage and the backlog.
// Once interventions are registry components, this asks the registry.
#include "bind.hpp"

#include "buurtsim/params.hpp"
#include "buurtsim/scenario.hpp"

#include <pybind11/stl.h>

#include <string>
#include <vector>

namespace buurtsim::python {
namespace {

using namespace pybind11::literals;

std::vector<std::string> active_interventions(const Params& p) {
    std::vector<std::string> on;
    if (p.buurtondersteuner.fte > 0) on.push_back("buurtondersteuner");
    if (p.facilitator.fte > 0) on.push_back("facilitator");
    if (p.buurtkamer.seats_per_1000 > 0) on.push_back("buurtkamer");
    if (p.staff_shortage.reduction > 0) on.push_back("staff_shortage");
    if (p.backlog.share > 0) on.push_back("backlog");
    return on;
}

}  // namespace

void bind_interventions(py::module_& m) {
    m.def(
        "active_interventions", [](const Scenario& sc) { return active_interventions(sc.params); }, "scenario"_a,
        "Parameter sections of the interventions the scenario switches on, in the order buurtondersteuner, "
        "facilitator, buurtkamer, staff_shortage, backlog (each only if on).");
}

}  // namespace buurtsim::python
