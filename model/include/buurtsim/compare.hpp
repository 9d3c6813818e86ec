#pragma once
/** @file compare.hpp
 *  Paired comparison of scenarios run with common random numbers: replicate k
 *  of every scenario in a result file shares its random streams, so the
 *  difference scenario - baseline is taken per replicate and summarised by
 *  its mean and a t confidence interval (`buurtsim compare`, docs/FORMAT.md
 *  group /comparison). When the scenarios had priors (each replicate drew its
 *  own parameter values), each row also gets the interval in which one pair's
 *  value lies (parameters and chance together), and each savings row the
 *  probability that the care cost saved exceeds the intervention cost.
 */
#include "buurtsim/error.hpp"
#include "buurtsim/indicators.hpp"
#include "buurtsim/io.hpp"

#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <span>
#include <string_view>
#include <variant>
#include <vector>

namespace buurtsim {

/** @brief The indicators `buurtsim compare` reports, in table order. Their aggregation, label and
 *         unit come from the indicator spec (spec_of, label_of, horizon_unit). */
const std::vector<Indicator>& key_indicators();

/** @brief The name, label and unit of the savings row for both payers together: care cost saved per euro of
 *         intervention cost. */
inline constexpr std::string_view savings_indicator = "euro_saved_per_euro_spent";
inline constexpr std::string_view savings_label = "Care cost saved per euro of intervention cost";
inline constexpr std::string_view savings_unit = "EUR/EUR";

/** @brief One savings row: the care cost one payer (or both) saves per euro the gemeente spends on interventions,
 *         per replicate pair (baseline care cost - scenario care cost) / scenario intervention cost. A payer's
 *         care cost is its sum indicator (`cost`) minus the intervention cost it pays (the gemeente pays them). */
struct SavingsRow {
    std::string_view indicator;
    std::string_view label;
    Indicator cost;  ///< gemeente_cost_eur, zorgverzekeraar_cost_eur or total_cost_eur
};

/** @brief The savings rows after the key indicators of each block: both payers (savings_indicator), the gemeente,
 *         the zorgverzekeraar. Unit savings_unit. */
const std::vector<SavingsRow>& savings_rows();

/** @brief The indicator values of one replicate, viewed (a Results, or arrays from Python):
 *         values[i] holds weeks * buurten values (week-major), or is empty if not loaded. */
struct ReplicateValues {
    std::uint32_t weeks = 0;
    std::uint32_t buurten = 0;
    std::array<std::span<const double>, n_indicators> values{};
};

/** @brief A view of the values of `r` (which must outlive it). */
ReplicateValues view_of(const Results& r);

/** @brief The horizon value of one replicate: indicator `i` aggregated as its spec says over weeks
 *         weeks_from..weeks-1 and the buurten b with area[b] != 0. NaN for a weighted mean without
 *         weight (e.g. no case started) or a stock over no weeks.
 *  @throws InternalError if `area` does not have one flag per buurt or an indicator is not loaded. */
double horizon_value(const ReplicateValues& r, Indicator i, const std::vector<std::uint8_t>& area,
                     std::uint32_t weeks_from);
/** @brief The same for a Results. */
double horizon_value(const Results& r, Indicator i, const std::vector<std::uint8_t>& area, std::uint32_t weeks_from);

/** @brief Mean and two-sided Student t confidence interval of the finite values of `x`. */
struct MeanInterval {
    std::size_t n = 0;  ///< finite values used
    double mean = 0;    ///< NaN if n == 0
    double low = 0;     ///< NaN if n < 2
    double high = 0;    ///< NaN if n < 2
};

/** @brief mean ± t_{(1+level)/2, n-1} · sd / √n over the finite values of `x` (Boost.Math quantile).
 *  Values that are all equal give a zero-width interval. */
MeanInterval t_interval(const std::vector<double>& x, double level = 0.95);

/** @brief The q-quantile (0 <= q <= 1) of the finite values of `x`, interpolated linearly between order
 *         statistics (Hyndman & Fan type 7, numpy's default); NaN if there are none. */
double empirical_quantile(std::vector<double> x, double q);

/** @brief The paired summary of horizon values per replicate of a baseline and a scenario. */
struct PairedDifference {
    std::int32_t replicates = 0;  ///< pairs with both values finite
    double baseline_mean = 0;     ///< over those pairs
    double scenario_mean = 0;
    double estimate = 0;          ///< mean of scenario - baseline
    double ci_low = 0;            ///< t interval of the estimate
    double ci_high = 0;
    double relative_change = 0;   ///< estimate / baseline_mean; NaN for a zero or undefined baseline
    /// With priors: the (1 - level) / 2 and (1 + level) / 2 quantiles of the pairs' own differences, each
    /// pair with its own parameter draws (total uncertainty: parameters and chance); NaN without priors.
    double ui_low = 0;
    double ui_high = 0;
};

/** @brief Mean paired difference and its t interval over the pairs where both values are finite; with
 *         `priors`, also the uncertainty interval of the pairs' differences.
 *  @throws InternalError if the two have different lengths. */
PairedDifference paired_difference(const std::vector<double>& baseline, const std::vector<double>& scenario,
                                   double level = 0.95, bool priors = false);

/** @brief One row of the comparison table: a scenario, an area and an indicator. */
struct ComparisonRow {
    std::string scenario;
    std::string area;        ///< "city" or "targeted"
    std::string indicator;   ///< indicator name or a savings row's name (savings_rows)
    std::string label;
    std::string unit;
    std::int32_t buurten = 0;     ///< buurten in the area
    std::int32_t replicates = 0;  ///< replicate pairs with finite values
    double baseline_mean = 0;     ///< baseline horizon value, mean over those replicates (NaN for savings)
    double scenario_mean = 0;     ///< scenario horizon value, same (NaN for savings)
    double estimate = 0;          ///< mean paired difference scenario - baseline (savings: mean ratio)
    double ci_low = 0;            ///< t interval of the estimate
    double ci_high = 0;
    double relative_change = 0;   ///< estimate / baseline_mean (NaN for savings or a zero baseline)
    double ui_low = 0;            ///< with priors: uncertainty interval of one pair's value (PairedDifference)
    double ui_high = 0;
    double p_saving = 0;          ///< savings rows: share of pairs whose care cost saved exceeds the intervention cost
};

/** @brief A cell of the comparison table. */
using ComparisonValue = std::variant<std::string, std::int32_t, double>;

/** @brief The cell of column `name` (a comparison dataset of buurtsim/datasets.hpp other than `row`):
 *         the one mapping of ComparisonRow members to columns (the file's /comparison, Python's DataFrame).
 *  @throws InternalError for a name that is not a column. */
inline ComparisonValue comparison_column(const ComparisonRow& r, std::string_view name) {
    if (name == "scenario_name") return r.scenario;
    if (name == "area") return r.area;
    if (name == "indicator") return r.indicator;
    if (name == "label") return r.label;
    if (name == "unit") return r.unit;
    if (name == "buurten") return r.buurten;
    if (name == "replicates") return r.replicates;
    if (name == "baseline_mean") return r.baseline_mean;
    if (name == "scenario_mean") return r.scenario_mean;
    if (name == "estimate") return r.estimate;
    if (name == "ci_low") return r.ci_low;
    if (name == "ci_high") return r.ci_high;
    if (name == "relative_change") return r.relative_change;
    if (name == "ui_low") return r.ui_low;
    if (name == "ui_high") return r.ui_high;
    if (name == "p_saving_exceeds_cost") return r.p_saving;
    throw InternalError("comparison_column: no column " + std::string(name));
}

/** @brief The comparison of every scenario of a file with one baseline. */
struct Comparison {
    std::string baseline;
    std::uint32_t weeks_from = 0;  ///< first week of the horizon
    std::uint32_t weeks = 0;       ///< weeks in the file; the horizon ends at weeks - 1
    std::vector<std::uint32_t> replicate_ids;
    double confidence = 0.95;
    std::string version;  ///< buurtsim version that computed it (provenance of the /comparison group)
    std::string created;  ///< ISO 8601 UTC
    std::vector<ComparisonRow> rows;  ///< scenario by scenario (file order), city then targeted, key_indicators() order, then savings
    std::vector<std::string> parameters;  ///< the parameters with priors (ResultSet::parameters); empty: none
};

/** @brief What compare_scenarios reads: scenarios with their targeted buurten and per-replicate values. */
struct ComparisonInput {
    std::uint32_t buurten = 0;
    std::vector<std::uint32_t> replicate_ids;
    std::vector<std::string> scenario_names;            ///< file order
    std::vector<std::vector<std::uint8_t>> targeted;    ///< per scenario: one flag per buurt, or empty (none)
    std::vector<std::vector<ReplicateValues>> values;   ///< [scenario][replicate position]
    std::vector<std::string> parameters;  ///< parameters with priors (ResultSet::parameters): adds uncertainty intervals
};

/** @brief The checks compare_scenarios makes first, for any comparison with a baseline (per wijk too).
 *  @throws UsageError for an unknown baseline (the message lists `names`), a single scenario, or
 *          weeks_from not before the last of `weeks` weeks. */
void check_baseline(const std::vector<std::string>& names, const std::string& baseline, std::uint32_t weeks_from,
                    std::uint32_t weeks);

/** @brief The input of a result set (views of its values). */
ComparisonInput comparison_input(const ResultSet& results);

/** @brief Compare every non-baseline scenario with the baseline, per replicate pair.
 *  @param results needs at least the indicators of key_indicators() and their weights
 *  @throws UsageError for an unknown baseline (the message lists the scenario names), a file holding only
 *          the baseline, or weeks_from beyond the horizon; IoError if a needed indicator is missing. */
Comparison compare_scenarios(const ComparisonInput& input, const std::string& baseline, std::uint32_t weeks_from = 0,
                             double confidence = 0.95);
/** @brief The same for a result set. */
Comparison compare_scenarios(const ResultSet& results, const std::string& baseline, std::uint32_t weeks_from = 0,
                             double confidence = 0.95);

/** @brief The indicators compare_scenarios reads (for read_results' `only`). */
std::vector<Indicator> comparison_inputs();

}  // namespace buurtsim
