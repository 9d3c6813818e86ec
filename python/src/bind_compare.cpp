// The paired comparison of `buurtsim compare` (compare.hpp) for
// buurtsim.compare, compare_by_wijk and horizon_values: indicators arrive as
// numpy arrays (scenario, replicate, week, buurt), are viewed without a copy
// when they are float64 and C-contiguous, and the C++ code does the sums.
// The GIL is released while it does.
#include "bind.hpp"

#include "buurtsim/compare.hpp"
#include "buurtsim/datasets.hpp"
#include "buurtsim/error.hpp"

#include <pybind11/stl.h>

#include <array>
#include <string>
#include <vector>

namespace buurtsim::python {
namespace {

using namespace pybind11::literals;
using Values = py::array_t<double, py::array::c_style | py::array::forcecast>;
using Flags = py::array_t<std::uint8_t, py::array::c_style | py::array::forcecast>;

/// Indicator arrays of shape (S, K, W, B) viewed per scenario and replicate; absent indicators stay empty.
struct Views {
    std::array<py::ssize_t, 4> shape{};
    std::vector<Values> owners;
    std::vector<std::vector<ReplicateValues>> values;  // [scenario][replicate]
};

Views views_of(const py::dict& arrays, const std::array<py::ssize_t, 4>& shape) {
    for (auto n : shape)
        if (n < 0) throw py::value_error("shape must be 4 sizes >= 0");
    Views v;
    v.shape = shape;
    const auto [S, K, W, B] = shape;
    ReplicateValues empty;
    empty.weeks = std::uint32_t(W);
    empty.buurten = std::uint32_t(B);
    v.values.assign(std::size_t(S), std::vector<ReplicateValues>(std::size_t(K), empty));
    for (auto [key, value] : arrays) {
        const std::string name = py::cast<std::string>(key);
        const Indicator i = indicator_named(name);
        if (i == Indicator::count_) throw py::value_error("not an indicator: \"" + name + "\"");
        Values a = Values::ensure(value);
        if (!a) throw py::type_error("indicator " + name + ": expected a numeric array");
        if (a.ndim() != 4 || a.shape(0) != S || a.shape(1) != K || a.shape(2) != W || a.shape(3) != B)
            throw py::value_error("indicator " + name + ": expected an array of shape (scenario, replicate, week, "
                                  "buurt) = (" + std::to_string(S) + ", " + std::to_string(K) + ", "
                                  + std::to_string(W) + ", " + std::to_string(B) + ")");
        const double* data = a.data();
        for (py::ssize_t s = 0; s < S; ++s)
            for (py::ssize_t j = 0; j < K; ++j)
                v.values[std::size_t(s)][std::size_t(j)].values[std::size_t(i)] = {
                    data + (s * K + j) * W * B, std::size_t(W * B)};
        v.owners.push_back(std::move(a));
    }
    return v;
}

/// Per-scenario area flags (S, B) from an array of shape (S, B).
std::vector<std::vector<std::uint8_t>> flags_of(const py::handle& obj, py::ssize_t S, py::ssize_t B, const char* what) {
    Flags a = Flags::ensure(obj);
    if (!a || a.ndim() != 2 || a.shape(0) != S || a.shape(1) != B)
        throw py::value_error(std::string(what) + ": expected an array of shape (scenario, buurt) = ("
                              + std::to_string(S) + ", " + std::to_string(B) + ")");
    std::vector<std::vector<std::uint8_t>> out(static_cast<std::size_t>(S));
    for (py::ssize_t s = 0; s < S; ++s) out[std::size_t(s)].assign(a.data() + s * B, a.data() + (s + 1) * B);
    return out;
}

Indicator indicator_of(const std::string& name) {
    const Indicator i = indicator_named(name);
    if (i == Indicator::count_)
        throw UsageError("unknown indicator \"" + name + "\"; the indicators are listed in docs/FORMAT.md");
    return i;
}

py::dict paired_dict(const PairedDifference& p) {
    return py::dict("replicates"_a = p.replicates, "baseline_mean"_a = p.baseline_mean,
                    "scenario_mean"_a = p.scenario_mean, "estimate"_a = p.estimate, "ci_low"_a = p.ci_low,
                    "ci_high"_a = p.ci_high, "relative_change"_a = p.relative_change, "ui_low"_a = p.ui_low,
                    "ui_high"_a = p.ui_high);
}

}  // namespace

void bind_compare(py::module_& m) {
    m.def(
        "key_indicators",
        [] {
            py::list out;
            for (Indicator k : key_indicators()) {
                const IndicatorSpec& s = spec_of(k);
                py::object weight = py::none();
                if (s.how == Aggregation::weighted_mean) weight = py::str(std::string(spec_of(s.weight).name));
                out.append(py::dict("indicator"_a = std::string(s.name), "how"_a = std::string(aggregation_name(s.how)), "weight"_a = weight,
                                    "unit"_a = horizon_unit(k), "label"_a = std::string(label_of(k))));
            }
            return out;
        },
        "The indicators of `buurtsim compare`, in table order, with their aggregation over the horizon, the unit "
        "of the horizon value and the label.");
    m.attr("savings_indicator") = std::string(savings_indicator);
    m.attr("savings_label") = std::string(savings_label);
    m.attr("savings_unit") = std::string(savings_unit);
    m.def(
        "savings_rows",
        [] {
            py::list out;
            for (const SavingsRow& r : savings_rows())
                out.append(py::dict("indicator"_a = std::string(r.indicator), "label"_a = std::string(r.label),
                                    "cost"_a = std::string(spec_of(r.cost).name)));
            return out;
        },
        "The savings rows after the key indicators of each block of `buurtsim compare`: indicator, label and the "
        "payer's cost sum they use (total, gemeente, zorgverzekeraar).");
    m.def("comparison_inputs", [] {
        std::vector<std::string> out;
        for (Indicator i : comparison_inputs()) out.emplace_back(spec_of(i).name);
        return out;
    }, "Names of the indicators compare() reads.");

    m.def("t_interval",
          [](const std::vector<double>& x, double level) {
              const MeanInterval t = t_interval(x, level);
              return py::make_tuple(t.n, t.mean, t.low, t.high);
          },
          "x"_a, "level"_a = 0.95,
          "(n, mean, low, high): mean and two-sided Student-t interval of the finite values of x (NaN mean for "
          "n = 0, NaN interval for n < 2).");
    m.def("paired_difference",
          [](const std::vector<double>& baseline, const std::vector<double>& scenario, double level, bool priors) {
              if (baseline.size() != scenario.size())
                  throw py::value_error("paired_difference: baseline and scenario need one value per replicate each");
              return paired_dict(paired_difference(baseline, scenario, level, priors));
          },
          "baseline"_a, "scenario"_a, "level"_a = 0.95, "priors"_a = false,
          "The paired summary of per-replicate horizon values, as a row of compare(): {replicates, baseline_mean, "
          "scenario_mean, estimate, ci_low, ci_high, relative_change, ui_low, ui_high} (ui_*: the uncertainty "
          "interval of one pair's difference, NaN unless priors).");
    m.def("empirical_quantile", &empirical_quantile, "x"_a, "q"_a,
          "The q-quantile of the finite values of x (linear interpolation, numpy's default); NaN if none.");
    m.def("check_baseline",
          [](const std::vector<std::string>& names, const std::string& baseline, std::uint32_t weeks_from,
             std::uint32_t weeks) { check_baseline(names, baseline, weeks_from, weeks); },
          "names"_a, "baseline"_a, "weeks_from"_a, "weeks"_a,
          "Raise UsageError (the message of buurtsim compare) unless baseline can be compared over the horizon.");

    m.def(
        "horizon_values",
        [](const py::dict& arrays, std::array<py::ssize_t, 4> shape, const std::string& indicator,
           const py::handle& area, std::uint32_t weeks_from) {
            const Indicator i = indicator_of(indicator);
            const Views v = views_of(arrays, shape);
            const auto [S, K, W, B] = shape;
            const auto flags = flags_of(area, S, B, "area");
            py::array_t<double> out({S, K});
            double* o = out.mutable_data();
            {
                py::gil_scoped_release nogil;
                for (py::ssize_t s = 0; s < S; ++s)
                    for (py::ssize_t j = 0; j < K; ++j)
                        o[s * K + j] = horizon_value(v.values[std::size_t(s)][std::size_t(j)], i,
                                                     flags[std::size_t(s)], weeks_from);
            }
            return out;
        },
        "arrays"_a, "shape"_a, "indicator"_a, "area"_a, "weeks_from"_a = 0,
        "Horizon values (scenario, replicate) of `indicator` over the buurten where area (scenario, buurt) is "
        "nonzero, from the arrays {name: (scenario, replicate, week, buurt)} of the indicator and its weight. "
        "Raises IoError (the message of buurtsim compare) if one is missing.");

    m.def(
        "compare",
        [](const py::dict& arrays, std::array<py::ssize_t, 4> shape, const std::vector<std::string>& scenario_names,
           const std::vector<std::uint32_t>& replicate_ids, const py::handle& targeted, const std::string& baseline,
           std::uint32_t weeks_from, double confidence, const std::vector<std::string>& parameters) {
            const Views v = views_of(arrays, shape);
            const auto [S, K, W, B] = shape;
            if (scenario_names.size() != std::size_t(S) || replicate_ids.size() != std::size_t(K))
                throw py::value_error("compare: one name per scenario and one id per replicate needed");
            ComparisonInput in;
            in.buurten = std::uint32_t(B);
            in.replicate_ids = replicate_ids;
            in.scenario_names = scenario_names;
            in.targeted = flags_of(targeted, S, B, "targeted");
            in.values = v.values;
            in.parameters = parameters;
            Comparison c;
            {
                py::gil_scoped_release nogil;
                c = compare_scenarios(in, baseline, weeks_from, confidence);
            }
            // One column per comparison dataset of the spec (the /comparison group's), in its order.
            py::dict out;
            for (const DatasetSpec* spec : dataset_specs(DatasetGroup::comparison)) {
                if (spec->dims.at(0) == spec->name) continue;  // the row dimension
                py::list col;
                for (const auto& r : c.rows)
                    std::visit([&](const auto& x) { col.append(x); }, comparison_column(r, spec->name));
                out[py::str(std::string(spec->name))] = col;
            }
            return out;
        },
        "arrays"_a, "shape"_a, "scenario_names"_a, "replicate_ids"_a, "targeted"_a, "baseline"_a, "weeks_from"_a,
        "confidence"_a, "parameters"_a = std::vector<std::string>{},
        "The table of `buurtsim compare` as {column: list}, computed by the same code, from the arrays "
        "{name: (scenario, replicate, week, buurt)} of comparison_inputs(); `parameters`: the names of the "
        "parameters with priors (the Dataset's `parameter` coordinate), which add the uncertainty columns.");
}

}  // namespace buurtsim::python
