// Scenarios: load a file, parse TOML text (both with "key=value" overrides,
// exactly as `buurtsim run --set`), read parameter values; the parameter
// table the Python layer builds on.
#include "bind.hpp"

#include "buurtsim/error.hpp"
#include "buurtsim/params.hpp"
#include "buurtsim/prior.hpp"
#include "buurtsim/scenario.hpp"

#include <pybind11/stl.h>
#include <pybind11/stl/filesystem.h>

#include <algorithm>
#include <filesystem>
#include <limits>
#include <string>
#include <type_traits>
#include <variant>
#include <vector>

namespace buurtsim::python {
namespace {

namespace fs = std::filesystem;
using namespace pybind11::literals;

const ParamSpec* find_param(std::string_view key) {
    const auto& table = param_table();
    const auto it = std::find_if(table.begin(), table.end(), [&](const ParamSpec& s) { return s.name == key; });
    return it == table.end() ? nullptr : &*it;
}

/// The value of one parameter as a Python object (int, float, bool, str, list).
py::object param_value(const Params& params, std::string_view key) {
    const ParamSpec* spec = find_param(key);
    if (!spec)
        throw ParamError("unknown parameter \"" + std::string(key)
                         + "\" (the names are listed by buurtsim.parameters() and in docs/PARAMETERS.md)");
    Params p = params;  // accessors take Params&
    return std::visit([&](auto ref) -> py::object { return py::cast(ref(p)); }, spec->ref);
}

}  // namespace

void bind_scenario(py::module_& m) {
    py::class_<Scenario>(m, "Scenario", R"doc(
A resolved scenario: every parameter, and the files it was read from.

Build one with Scenario.load(path, overrides) or Scenario.parse(text,
source, overrides, base_dir); overrides are "key=value" strings with a TOML
value, as `buurtsim run --set`. Errors raise buurtsim.ParamError with the
message the command line prints.
)doc")
        .def_static(
            "load",
            [](const fs::path& path, const std::vector<std::string>& overrides, const std::vector<fs::path>& overlays) {
                return load_scenario(path, overrides, overlays);
            },
            "path"_a, "overrides"_a = std::vector<std::string>{}, "overlays"_a = std::vector<fs::path>{},
            "Load a scenario file (extends resolved relative to it), then apply the overlay files, then overrides.")
        .def_static(
            "parse",
            [](const std::string& text, const std::string& source, const std::vector<std::string>& overrides,
               const fs::path& base_dir, const std::vector<fs::path>& overlays) {
                return parse_scenario(text, source, overrides, base_dir, overlays);
            },
            "text"_a, "source"_a = "<string>", "overrides"_a = std::vector<std::string>{}, "base_dir"_a = fs::path("."),
            "overlays"_a = std::vector<fs::path>{},
            "Parse scenario TOML text; `source` names it in messages; extends is relative to base_dir; then the "
            "overlay files, then overrides.")
        .def_property_readonly(
            "priors",
            [](const Scenario& s) {
                py::dict out;
                for (const Prior& p : s.priors) {
                    py::dict d("prior"_a = std::string(prior_kind_name(p.kind)), "lo"_a = p.lo, "hi"_a = p.hi);
                    switch (p.kind) {
                        case Prior::Kind::triangular: d["mode"] = p.mode; break;
                        case Prior::Kind::normal: d["mean"] = p.mean, d["sd"] = p.sd; break;
                        case Prior::Kind::lognormal: d["median"] = p.median, d["sdlog"] = p.sdlog; break;
                        case Prior::Kind::beta: d["alpha"] = p.alpha, d["beta"] = p.beta; break;
                        case Prior::Kind::uniform: break;
                    }
                    d["toml"] = p.toml();
                    d["where"] = p.where;
                    out[py::str(p.name)] = d;
                }
                return out;
            },
            "{name: {prior, lo, hi, and the kind's own keys (mode; mean, sd; median, sdlog; alpha, beta), toml, where}} "
            "for every parameter with a prior, in table order; lo and hi are the support (truncation bounds).")
        .def(
            "draws",
            [](const Scenario& s, std::int64_t replicate) {
                if (replicate < 0 || replicate > std::numeric_limits<std::int32_t>::max())
                    throw py::value_error("replicate must be in 0 to 2^31-1, got " + std::to_string(replicate));
                const Params p = params_for_replicate(s, std::uint32_t(replicate));
                py::dict out;
                for (const Prior& q : s.priors) out[py::str(q.name)] = param_value(p, q.name);
                return out;
            },
            "replicate"_a,
            "{name: value} that replicate k draws from this scenario's priors (what run_batch simulates with).")
        .def_property_readonly("name", [](const Scenario& s) { return s.params.name; })
        .def_property_readonly("description", [](const Scenario& s) { return s.params.description; })
        .def_property_readonly("toml", [](const Scenario& s) { return s.resolved_toml; },
                               "Every parameter as TOML (defaults included): parsing it gives the same scenario.")
        .def_property_readonly(
            "files",
            [](const Scenario& s) {
                std::vector<std::string> out;
                for (const auto& f : s.files) out.push_back(f.string());
                return out;
            },
            "Files read, base first (extends).")
        .def("get", [](const Scenario& s, const std::string& key) { return param_value(s.params, key); }, "key"_a,
             "The value of one parameter, e.g. get(\"population.scale\"). Raises ParamError for an unknown key.")
        .def("__repr__", [](const Scenario& s) { return "<buurtsim._core.Scenario \"" + s.params.name + "\">"; });

    m.def(
        "param_table",
        [] {
            py::list out;
            const double nan = std::numeric_limits<double>::quiet_NaN();
            for (const auto& s : param_table()) {
                const Plausible& pl = s.plausible;
                const bool ranged = pl.kind == Plausible::Kind::range;
                const char* kind = ranged                                      ? "range"
                                   : pl.kind == Plausible::Kind::not_uncertain ? "not uncertain"
                                                                               : "not stated";
                out.append(py::dict("name"_a = std::string(s.name), "type"_a = param_type_name(s.type()),
                                    "default"_a = std::string(s.default_toml), "unit"_a = std::string(s.unit),
                                    "min"_a = s.min, "max"_a = s.max, "min_exclusive"_a = s.min_exclusive,
                                    "meaning"_a = std::string(s.meaning), "source"_a = std::string(s.source),
                                    "plausible"_a = kind, "plausible_lo"_a = ranged ? pl.lo : nan,
                                    "plausible_hi"_a = ranged ? pl.hi : nan,
                                    "plausible_why"_a = std::string(pl.why)));
            }
            return out;
        },
        "The parameter table (docs/PARAMETERS.md) as a list of dicts, in documentation order. plausible is "
        "\"range\" (plausible_lo, plausible_hi and the reason plausible_why) or \"not uncertain\" (plausible_why "
        "says why; lo and hi are NaN).");
    m.def("check_paired", &check_paired, "labels"_a, "scenarios"_a,
          "Raise UsageError unless the scenarios can share one result file (unique names, the same run.* and "
          "population.* keys that make replicates paired); labels name them in the message.");
    m.def("default_toml", [] { return to_toml(default_params()); }, "Every default as a scenario file.");
}

}  // namespace buurtsim::python
