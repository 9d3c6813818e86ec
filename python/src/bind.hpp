#pragma once
// Shared declarations of the buurtsim._core bindings: one bind_<area>.cpp per
// area (STYLE 19), each registering its part of the module.
#include <pybind11/pybind11.h>

namespace buurtsim::python {

namespace py = pybind11;

/** C++ exceptions -> the Python classes of buurtsim.errors (same messages). */
void bind_errors(py::module_& m);
/** Scenario loading and parsing, the parameter table, version information. */
void bind_scenario(py::module_& m);
/** CBS table, Simulation (one replicate), run_batch (scenarios x replicates), result files. */
void bind_simulation(py::module_& m);
/** Which interventions a scenario switches on. */
void bind_interventions(py::module_& m);

}  // namespace buurtsim::python
