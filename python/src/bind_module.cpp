// buurtsim._core: the private compiled part of the buurtsim package. It is
// thin on purpose (STYLE 18-19): it builds and runs simulations with the GIL
// released and hands results to numpy without copies, with the result file's
// spec and the paired comparison; conversion to pandas and xarray, plots and
// reports are plain Python (buurtsim/*.py).
#include "bind.hpp"

#include "buurtsim/io.hpp"
#include "buurtsim/version.hpp"

PYBIND11_MODULE(_core, m) {
    using namespace buurtsim;
    m.doc() = "Private compiled core of buurtsim (use the buurtsim package, not this module).";
    m.attr("version") = version();
    m.attr("git_commit") = git_commit();
    m.attr("format_version") = format_version;
    m.attr("source_dir") = BUURTSIM_SOURCE_DIR;
    python::bind_errors(m);
    python::bind_scenario(m);
    python::bind_simulation(m);
    python::bind_interventions(m);
    python::bind_results(m);
    python::bind_compare(m);
}
