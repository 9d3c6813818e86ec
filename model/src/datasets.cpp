// The table of a result file's datasets (buurtsim/datasets.hpp). The
// long_name, units and flag attributes here are what files hold; the
// description column is the prose docs/FORMAT.md shows.
#include "buurtsim/datasets.hpp"

#include "buurtsim/error.hpp"
#include "buurtsim/network.hpp"  // TieType: the tie_type codes

namespace buurtsim {

namespace {

using G = DatasetGroup;
using D = Dtype;

static_assert(std::size_t(TieType::n_types) == 5 && std::uint8_t(TieType::household) == 0
                  && std::uint8_t(TieType::neighbour) == 1 && std::uint8_t(TieType::friend_) == 2
                  && std::uint8_t(TieType::weak) == 3 && std::uint8_t(TieType::met) == 4,
              "tie_type codes are part of the file format: update the tie_type flags below and format_version");

std::vector<DatasetSpec> make_specs() {
    std::vector<DatasetSpec> v = {
        // --- dimensions (root dimension scales, _Netcdf4Dimid 0-3)
        {"scenario", G::dimension, D::int32, {"scenario"}, "", "scenario index; names in scenario_name", Flags::none,
         {}, "", "",
         "Scenario index 0..S-1, in the order the scenario files were given; names in `scenario_name`. A run of one "
         "scenario has S = 1."},
        {"replicate", G::dimension, D::int32, {"replicate"}, "",
         "replicate index k: random streams keyed by (seed, k), shared by every scenario", Flags::none, {}, "", "",
         "Replicate index `k`: the run keyed by (`run.seed`, `k`), the same city and random streams in every "
         "scenario. `0..K-1` for a whole batch; a batch re-run with `--only-replicate k` holds just `k`, with the "
         "values of replicate `k` of the whole batch."},
        // Not "week since start": xarray would try (and fail) to decode that as a CF time.
        {"week", G::dimension, D::int32, {"week"}, "week", "weeks since the start of the simulation", Flags::none, {},
         "", "", "Week index 0..W-1: weeks since the start of the simulation."},
        {"buurt", G::dimension, D::int32, {"buurt"}, "", "buurt index in the order of buurt_code", Flags::none, {}, "",
         "", "Buurt index 0..B-1, in CBS file order; labels are in the coordinates below."},
        // --- auxiliary coordinates
        {"buurt_code", G::coordinate, D::string, {"buurt"}, "", "CBS buurt code", Flags::none, {}, "", "",
         "CBS buurt code, e.g. `BU03440101`."},
        {"buurt_name", G::coordinate, D::string, {"buurt"}, "", "CBS buurt name", Flags::none, {}, "", "",
         "CBS buurt name."},
        {"wijk_code", G::coordinate, D::string, {"buurt"}, "", "CBS code of the wijk containing the buurt",
         Flags::none, {}, "", "", "CBS code of the wijk containing the buurt, e.g. `WK034401`."},
        {"wijk_name", G::coordinate, D::string, {"buurt"}, "", "CBS name of the wijk containing the buurt",
         Flags::none, {}, "", "", "CBS name of the wijk containing the buurt."},
        {"scenario_name", G::coordinate, D::string, {"scenario"}, "", "scenario name (unique in the file)",
         Flags::none, {}, "", "", "Scenario name (the scenario file's `name`), unique in the file."},
        // --- scenario variables
        {"scenario_toml", G::scenario_variable, D::string, {"scenario"}, "", "the fully resolved scenario as TOML",
         Flags::none, {}, "", "scenario_name",
         "The fully resolved scenario as TOML (after `--seed`, `--replicates` and `--set`): rerunning it with the "
         "same version reproduces the scenario's values."},
        {"scenario_files", G::scenario_variable, D::string, {"scenario"}, "",
         "scenario files read, base first, one path per line", Flags::none, {}, "", "scenario_name",
         "Scenario files read, base first (`extends`), one path per line (newline-joined, no trailing newline)."},
        {"targeted", G::scenario_variable, D::int8, {"scenario", "buurt"}, "",
         "1 if an intervention of the scenario targets the buurt, else 0", Flags::values, {0, 1},
         "not_targeted targeted", data_coordinates,
         "1 if an intervention of the scenario targets the buurt, else 0 (`flag_values` 0, 1; `flag_meanings` "
         "`not_targeted targeted`). The same in every replicate: targets are resolved from CBS counts."},
    };
    // --- data variables: one per indicator
    for (const IndicatorSpec& s : indicator_specs())
        v.push_back({s.name, G::data_variable, s.integer ? D::int32 : D::float64,
                     {"scenario", "replicate", "week", "buurt"}, s.unit, s.meaning, Flags::none, {}, "",
                     data_coordinates, ""});
    const std::vector<DatasetSpec> more = {
        // --- parameter uncertainty (format 3.1): only in files whose scenarios have priors
        {"parameter", G::parameter, D::string, {"parameter"}, "",
         "dotted name of a parameter that has a prior in at least one scenario", Flags::none, {}, "", "",
         "Dimension scale (_Netcdf4Dimid 4) holding the dotted names, e.g. `help.hours_retired`, of the parameters "
         "that have a prior in at least one scenario of the file, in parameter-table order."},
        {"parameter_values", G::parameter, D::float64, {"scenario", "replicate", "parameter"}, "",
         "value of the parameter in the scenario and replicate: drawn from its prior, or the scenario's fixed value",
         Flags::none, {}, "", "scenario_name",
         "The value the simulation of (scenario, replicate) used: drawn from the scenario's prior (once per "
         "replicate, keyed by (`run.seed`, `k`, name): the same in every scenario with the same prior), or the "
         "scenario's fixed value where it has none. Units: the parameter's (docs/PARAMETERS.md)."},
        // --- one snapshot group: dimensions resident and tie, then per resident and per tie
        {"resident", G::snapshot, D::int32, {"resident"}, "",
         "resident id: index into the replicate's synthetic population", Flags::none, {}, "", "",
         "Resident id 0..N-1 (dimension scale)."},
        {"buurt", G::snapshot, D::uint16, {"resident"}, "",
         "buurt the resident lives in: index along the root buurt dimension (codes in /buurt_code)", Flags::none, {},
         "", "",
         "Buurt the resident lives in: index along the root `buurt` dimension (label it with `/buurt_code`)."},
        {"age", G::snapshot, D::uint8, {"resident"}, "year", "age in whole years", Flags::none, {}, "", "",
         "Age in whole years."},
        {"age_band", G::snapshot, D::uint8, {"resident"}, "", "CBS age band: 0 0-14, 1 15-24, 2 25-44, 3 45-64, 4 65+",
         Flags::values, {0, 1, 2, 3, 4}, "age_0_14 age_15_24 age_25_44 age_45_64 age_65_plus", "",
         "CBS age band, `flag_values` 0-4: `age_0_14 age_15_24 age_25_44 age_45_64 age_65_plus`."},
        {"household", G::snapshot, D::uint32, {"resident"}, "", "household id; residents with the same id live together",
         Flags::none, {}, "", "",
         "Household id; residents with the same id live together (household ties link them)."},
        {"household_type", G::snapshot, D::uint8, {"resident"}, "",
         "household type: 0 single, 1 without children, 2 with children", Flags::values, {0, 1, 2},
         "single without_children with_children", "",
         "`flag_values` 0 `single`, 1 `without_children`, 2 `with_children`."},
        {"vulnerability", G::snapshot, D::uint8, {"resident"}, "",
         "vulnerability groups, a bitmask: 1 psych (EPA), 2 homeless history, 4 NAH, 8 LVB, 16 frail; 0 none",
         Flags::masks, {1, 2, 4, 8, 16}, "psych homeless_history nah lvb frail", "",
         "Vulnerability groups, a bitmask, `flag_masks` 1 `psych` (EPA), 2 `homeless_history`, 4 `nah`, 8 `lvb`, "
         "16 `frail`; 0 none."},
        {"loneliness", G::snapshot, D::uint8, {"resident"}, "",
         "De Jong Gierveld loneliness score 0-11 (3-8 lonely, 9-11 severely lonely); 0 for residents under 18",
         Flags::none, {}, "", "",
         "De Jong Gierveld score 0-11 (3-8 lonely, 9-11 severely lonely); 0 for residents under 18, who are not "
         "scored."},
        {"roles", G::snapshot, D::uint8, {"resident"}, "",
         "roles at the end of the week, a bitmask: 1 volunteer, 2 support volunteer, 4 carer (mantelzorg), 8 buurtteam "
         "client (waiting or in a case), 16 Wmo client",
         Flags::masks, {1, 2, 4, 8, 16}, "volunteer support_volunteer carer buurtteam_client wmo_client", "",
         "Roles at the end of the week, a bitmask, `flag_masks` 1 `volunteer`, 2 `support_volunteer`, 4 `carer` "
         "(gives mantelzorg), 8 `buurtteam_client` (waiting or in a case), 16 `wmo_client`."},
        {"self_reliance", G::snapshot, D::float32, {"resident"}, "1", "self-reliance, 0 (none) to 1 (fully self-reliant)",
         Flags::none, {}, "", "", "Self-reliance, 0 (none) to 1 (fully self-reliant)."},
        {"tie", G::snapshot, D::int32, {"tie"}, "", "tie index", Flags::none, {}, "", "",
         "Tie index 0..E-1 (dimension scale)."},
        // Resident ids as int32, the dtype of the resident dimension.
        {"source", G::snapshot, D::int32, {"tie"}, "", "resident id of one end (source < target)", Flags::none, {}, "",
         "", "Resident id of one end; always `< target`."},
        {"target", G::snapshot, D::int32, {"tie"}, "", "resident id of the other end", Flags::none, {}, "", "",
         "Resident id of the other end."},
        {"tie_type", G::snapshot, D::uint8, {"tie"}, "",
         "tie type: 0 household, 1 neighbour, 2 friend, 3 weak (acquaintance), 4 met (made during the run at a meeting "
         "place or through help)",
         Flags::values, {0, 1, 2, 3, 4}, "household neighbour friend weak met", "",
         "`flag_values` 0 `household`, 1 `neighbour`, 2 `friend`, 3 `weak` (acquaintance), 4 `met` (made during the "
         "run at a meeting place or through community help; ends when it fades)."},
        {"strength", G::snapshot, D::uint8, {"tie"}, "1", "tie strength, 0 (faded) to 255", Flags::none, {}, "", "",
         "Tie strength 0-255."},
        // --- the comparison table of `buurtsim compare`, one row per (scenario, area, indicator)
        {"row", G::comparison, D::int32, {"row"}, "", "row of the comparison table", Flags::none, {}, "", "",
         "Row index 0..N-1 (dimension scale)."},
        {"scenario_name", G::comparison, D::string, {"row"}, "", "scenario compared with the baseline", Flags::none,
         {}, "", "", "Scenario compared with the baseline."},
        {"area", G::comparison, D::string, {"row"}, "",
         "city: all buurten of the file; targeted: the buurten the scenario's interventions target", Flags::none, {},
         "", "", "`city` or `targeted`."},
        {"indicator", G::comparison, D::string, {"row"}, "", "indicator name, or a savings row (euro_saved_per_euro_spent[_PAYER])",
         Flags::none, {}, "", "",
         "Indicator name (a data variable of the root group) or a savings row: `euro_saved_per_euro_spent`, `..._gemeente`, `..._zorgverzekeraar`."},
        {"label", G::comparison, D::string, {"row"}, "", "plain-language label of the indicator", Flags::none, {}, "",
         "", "Plain-language label, as printed."},
        {"unit", G::comparison, D::string, {"row"}, "", "unit of the horizon values and of the estimate", Flags::none,
         {}, "", "",
         "Unit of `baseline_mean`, `scenario_mean` and `estimate` (e.g. `h`, `EUR`, `persons`, `share of adults`; "
         "`EUR/EUR` for the ratio)."},
        {"buurten", G::comparison, D::int32, {"row"}, "", "number of buurten in the area", Flags::none, {}, "", "",
         "Buurten in the area."},
        {"replicates", G::comparison, D::int32, {"row"}, "", "replicate pairs with a finite value", Flags::none, {}, "",
         "", "Replicate pairs used (both values finite)."},
        {"baseline_mean", G::comparison, D::float64, {"row"}, "", "baseline horizon value, mean over replicates",
         Flags::none, {}, "", "", "Baseline horizon value, mean over those replicates (NaN for the ratio row)."},
        {"scenario_mean", G::comparison, D::float64, {"row"}, "", "scenario horizon value, mean over replicates",
         Flags::none, {}, "", "", "Scenario horizon value, mean over those replicates (NaN for the ratio row)."},
        {"estimate", G::comparison, D::float64, {"row"}, "",
         "mean over replicates of the paired difference scenario - baseline (savings rows: of the ratio)",
         Flags::none, {}, "", "",
         "Mean paired difference scenario - baseline; for a savings row the mean ratio."},
        {"ci_low", G::comparison, D::float64, {"row"}, "", "lower end of the t confidence interval of the estimate",
         Flags::none, {}, "", "", "Lower end of the confidence interval of `estimate`."},
        {"ci_high", G::comparison, D::float64, {"row"}, "", "upper end of the t confidence interval of the estimate",
         Flags::none, {}, "", "", "Upper end of the confidence interval of `estimate`."},
        {"relative_change", G::comparison, D::float64, {"row"}, "", "estimate / baseline_mean", Flags::none, {}, "",
         "", "`estimate / baseline_mean`; NaN for the ratio row or a zero baseline."},
        // Format 3.1: parameter uncertainty (the file's scenarios had priors; NaN otherwise).
        {"ui_low", G::comparison, D::float64, {"row"}, "",
         "with priors: lower end of the uncertainty interval of one replicate pair's difference (parameters and chance)",
         Flags::none, {}, "", "",
         "With priors (attribute `parameters_with_priors` not empty): the (1 - `confidence`) / 2 quantile of the "
         "replicate pairs' own differences (savings rows: ratios), each pair with its own parameter draws: where the "
         "effect lies given the uncertain parameters and chance together (total uncertainty). NaN without priors."},
        {"ui_high", G::comparison, D::float64, {"row"}, "",
         "with priors: upper end of the uncertainty interval of one replicate pair's difference (parameters and chance)",
         Flags::none, {}, "", "", "The (1 + `confidence`) / 2 quantile, as `ui_low`."},
        {"p_saving_exceeds_cost", G::comparison, D::float64, {"row"}, "1",
         "savings rows: share of replicate pairs whose care cost saved exceeds the intervention cost", Flags::none, {},
         "", "",
         "Savings rows: the share of replicate pairs (with an intervention cost) whose ratio exceeds 1, i.e. whose "
         "payer saved more care cost than the interventions cost; with priors, over parameters and chance together, "
         "without, over chance only. NaN for the other rows."},
    };
    v.insert(v.end(), more.begin(), more.end());
    return v;
}

}  // namespace

std::string_view dtype_name(Dtype d) {
    switch (d) {
        case Dtype::int8: return "int8";
        case Dtype::uint8: return "uint8";
        case Dtype::uint16: return "uint16";
        case Dtype::int32: return "int32";
        case Dtype::uint32: return "uint32";
        case Dtype::float32: return "float32";
        case Dtype::float64: return "float64";
        case Dtype::string: return "string";
    }
    throw InternalError("dtype_name: unknown dtype");
}

std::string_view group_name(DatasetGroup group) {
    switch (group) {
        case G::dimension: return "dimension";
        case G::coordinate: return "coordinate";
        case G::scenario_variable: return "scenario_variable";
        case G::data_variable: return "data_variable";
        case G::parameter: return "parameter";
        case G::snapshot: return "snapshot";
        case G::comparison: return "comparison";
    }
    throw InternalError("group_name: unknown group");
}

const std::vector<DatasetSpec>& dataset_specs() {
    static const std::vector<DatasetSpec> specs = make_specs();
    return specs;
}

std::vector<const DatasetSpec*> dataset_specs(DatasetGroup group) {
    std::vector<const DatasetSpec*> out;
    for (const auto& s : dataset_specs())
        if (s.group == group) out.push_back(&s);
    return out;
}

const DatasetSpec& dataset_spec(DatasetGroup group, std::string_view name) {
    for (const auto& s : dataset_specs())
        if (s.group == group && s.name == name) return s;
    throw InternalError("dataset_spec: no dataset '" + std::string(name) + "' in group "
                        + std::string(group_name(group)));
}

std::string dataset_table_markdown(DatasetGroup group) {
    std::string out = "| dataset | dtype | dims | units | meaning |\n|---|---|---|---|---|\n";
    auto cell = [&](std::string_view text) { out += text.empty() ? std::string(" |") : " " + std::string(text) + " |"; };
    for (const DatasetSpec* s : dataset_specs(group)) {
        std::string dims = "(";
        for (std::size_t k = 0; k < s->dims.size(); ++k) dims += (k ? ", " : "") + std::string(s->dims[k]);
        out += "|";
        cell("`" + std::string(s->name) + "`");
        cell(dtype_name(s->dtype));
        cell(dims + ")");
        cell(s->units);
        cell(s->description.empty() ? s->long_name : s->description);
        out += "\n";
    }
    return out;
}

}  // namespace buurtsim
