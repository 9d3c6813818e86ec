// Which interventions a scenario switches on, and a line on each: the
// registry's rule and words (component.hpp), for Python (the report lists them).
#include "bind.hpp"

#include "buurtsim/component.hpp"
#include "buurtsim/scenario.hpp"

#include <pybind11/stl.h>

#include <string>
#include <vector>

namespace buurtsim::python {
namespace {

using namespace pybind11::literals;

std::vector<std::string> active_interventions(const Params& p) {
    std::vector<std::string> on;
    for (const Component* c : components())
        if (c->on(p)) on.emplace_back(c->name());
    return on;
}

}  // namespace

void bind_interventions(py::module_& m) {
    m.def(
        "active_interventions", [](const Scenario& sc) { return active_interventions(sc.params); }, "scenario"_a,
        "Parameter sections of the components (interventions) the scenario switches on, in registry order.");
    m.def(
        "describe_interventions", [](const Scenario& sc) { return describe_components(sc.params); }, "scenario"_a,
        "One plain-language line per component the scenario switches on, in registry order.");
    m.def(
        "components",
        [] {
            std::vector<std::pair<std::string, std::string>> out;
            for (const Component* c : components()) out.emplace_back(std::string(c->name()), std::string(c->summary()));
            return out;
        },
        "(name, summary) of every registered component, in registry order.");
}

}  // namespace buurtsim::python
