// The result file's spec for the Python package: the indicator table (with
// aggregation rule and label), the dataset table that buurtsim.run and
// buurtsim.load lay their xarray objects out by, and the views of a
// replicate's indicators and snapshots (no copies; the array's base keeps the
// owning object alive).
#include "bind.hpp"

#include "buurtsim/datasets.hpp"
#include "buurtsim/indicators.hpp"

#include <pybind11/stl.h>

#include <string>

namespace buurtsim::python {
namespace {

using namespace pybind11::literals;

const char* flags_name(Flags f) {
    switch (f) {
        case Flags::none: return "";
        case Flags::values: return "flag_values";
        case Flags::masks: return "flag_masks";
    }
    return "?";
}

py::str str(std::string_view s) { return py::str(s.data(), s.size()); }

}  // namespace

py::dict indicator_views(const Results& r, py::handle base) {
    py::dict out;
    const auto& specs = indicator_specs();
    for (std::size_t i = 0; i < n_indicators; ++i)
        out[str(specs[i].name)] = view(r.values[i], {py::ssize_t(r.weeks), py::ssize_t(r.buurten)}, base);
    return out;
}

py::list snapshot_views(const Results& r, py::handle base) {
    py::list out;
    for (const Snapshot& s : r.snapshots) {
        py::dict d;
        d["week"] = s.week;
        for_each_snapshot_variable(s, [&](const DatasetSpec& spec, const auto& values) {
            d[str(spec.name)] = view(values, {py::ssize_t(values.size())}, base);
        });
        out.append(std::move(d));
    }
    return out;
}

void bind_results(py::module_& m) {
    m.def(
        "indicator_specs",
        [] {
            py::list out;
            for (std::size_t i = 0; i < n_indicators; ++i) {
                const IndicatorSpec& s = indicator_specs()[i];
                py::object weight = py::none();
                if (s.weight != Indicator::count_) weight = str(spec_of(s.weight).name);
                out.append(py::dict("name"_a = str(s.name), "integer"_a = s.integer, "unit"_a = str(s.unit),
                                    "meaning"_a = str(s.meaning), "how"_a = str(aggregation_name(s.how)),
                                    "weight"_a = weight, "label"_a = str(s.label),
                                    "horizon_unit"_a = horizon_unit(Indicator(i)),
                                    "payer"_a = str(payer_name(s.payer))));
            }
            return out;
        },
        "The indicators in file order: name, integer (int32 in files, else float64), unit, meaning, how "
        "(flow, stock or weighted_mean over weeks and buurten), weight (of a weighted_mean, else None), "
        "label (for tables; empty: use the meaning), horizon_unit (of a value over the horizon: a flow drops "
        "its /week), payer (euro indicators: gemeente, zorgverzekeraar, or a sum such as \"gemeente (sum)\"; "
        "else empty).");
    m.def(
        "dataset_specs",
        [] {
            py::list out;
            for (const auto& s : dataset_specs()) {
                py::list dims;
                for (auto d : s.dims) dims.append(str(d));
                out.append(py::dict("name"_a = str(s.name), "group"_a = str(group_name(s.group)),
                                    "dtype"_a = str(dtype_name(s.dtype)), "dims"_a = py::tuple(dims),
                                    "units"_a = str(s.units), "long_name"_a = str(s.long_name),
                                    "flags"_a = flags_name(s.flags), "flag_values"_a = s.flag_values,
                                    "flag_meanings"_a = str(s.flag_meanings), "coordinates"_a = str(s.coordinates),
                                    "description"_a = str(s.description)));
            }
            return out;
        },
        "Every dataset of a result file (docs/FORMAT.md), group by group in file order: name, group "
        "(dimension, coordinate, scenario_variable, data_variable, parameter, snapshot, comparison), dtype (numpy name or "
        "'string'), dims, units ('' for none), long_name, flags ('', 'flag_values' or 'flag_masks'), "
        "flag_values, flag_meanings, coordinates, description.");
    m.def(
        "dataset_table_markdown",
        [](const std::string& group) {
            for (auto g : {DatasetGroup::dimension, DatasetGroup::coordinate, DatasetGroup::scenario_variable,
                           DatasetGroup::data_variable, DatasetGroup::parameter, DatasetGroup::snapshot,
                           DatasetGroup::comparison})
                if (group_name(g) == group) return dataset_table_markdown(g);
            throw py::value_error("no dataset group \"" + group + "\"");
        },
        "group"_a, "The table of one dataset group as docs/FORMAT.md shows it (scripts/format-tables).");
}

}  // namespace buurtsim::python
