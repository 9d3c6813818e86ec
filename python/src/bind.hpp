#pragma once
// Shared declarations of the buurtsim._core bindings: one bind_<area>.cpp per
// area (STYLE 19), each registering its part of the module.
#include "buurtsim/indicators.hpp"

#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>

#include <vector>

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
/** The result file's spec (indicators, datasets), for the package's conversions and checks. */
void bind_results(py::module_& m);
/** The paired comparison (compare.hpp) over numpy arrays. */
void bind_compare(py::module_& m);

/** A read-only numpy array over `v` with `shape`, no copy; `base` owns the memory. */
template <class T>
py::array view(const std::vector<T>& v, std::vector<py::ssize_t> shape, py::handle base) {
    if (v.empty()) return py::array(py::dtype::of<T>(), shape);  // nothing to share
    py::array a(py::dtype::of<T>(), std::move(shape), v.data(), base);
    a.attr("setflags")(py::arg("write") = false);
    return a;
}

/** Indicators of one replicate: {name: array (weeks, buurten) float64}, in indicator order (views). */
py::dict indicator_views(const Results& r, py::handle base);

/** Snapshots of one replicate: a list of {"week": int, variable: array} in week order (views). */
py::list snapshot_views(const Results& r, py::handle base);

}  // namespace buurtsim::python
