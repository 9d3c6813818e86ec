#pragma once
/** @file compare.hpp
 *  Paired comparison of scenarios run with common random numbers: replicate k
 *  of every scenario in a result file shares its random streams, so the
 *  difference scenario - baseline is taken per replicate and summarised by
 *  its mean and a t confidence interval (`buurtsim compare`, docs/FORMAT.md
 *  group /comparison).
 */
#include "buurtsim/indicators.hpp"
#include "buurtsim/io.hpp"

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace buurtsim {

/** @brief How an indicator becomes one value per replicate over the horizon and an area. */
enum class Aggregation : std::uint8_t {
    flow,           ///< sum over weeks and buurten (hours, euro, events per week)
    stock,          ///< mean over weeks of the sum over buurten (persons, open questions)
    weighted_mean,  ///< mean over weeks and buurten weighted by another indicator (shares, scores, waits)
};

/** @brief An indicator of the comparison table and how it is aggregated. */
struct KeyIndicator {
    Indicator indicator;
    Aggregation how;
    Indicator weight;         ///< weighted_mean only: adults, adults_65plus or buurtteam_started
    std::string_view unit;    ///< unit of the horizon value
    std::string_view label;   ///< plain language, for tables
};

/** @brief The indicators `buurtsim compare` reports, in table order. */
const std::vector<KeyIndicator>& key_indicators();

/** @brief The name of the savings row: care cost saved per euro of intervention cost. */
inline constexpr std::string_view savings_indicator = "euro_saved_per_euro_spent";

/** @brief The horizon value of one replicate: `k` aggregated over weeks weeks_from..weeks-1 and
 *         the buurten b with area[b] != 0. NaN for a weighted mean without weight (e.g. no case started).
 *  @throws InternalError if `area` does not have one flag per buurt or an indicator is not loaded. */
double horizon_value(const Results& r, const KeyIndicator& k, const std::vector<std::uint8_t>& area,
                     std::uint32_t weeks_from);

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

/** @brief One row of the comparison table: a scenario, an area and an indicator. */
struct ComparisonRow {
    std::string scenario;
    std::string area;        ///< "city" or "targeted"
    std::string indicator;   ///< indicator name or savings_indicator
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
};

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
};

/** @brief Compare every non-baseline scenario with the baseline, per replicate pair.
 *  @param results needs at least the indicators of key_indicators() and their weights
 *  @throws Error for an unknown baseline (the message lists the scenario names), a file holding only
 *          the baseline, or weeks_from beyond the horizon; IoError if a needed indicator is missing. */
Comparison compare_scenarios(const ResultSet& results, const std::string& baseline, std::uint32_t weeks_from = 0,
                             double confidence = 0.95);

/** @brief The indicators compare_scenarios reads (for read_results' `only`). */
std::vector<Indicator> comparison_inputs();

}  // namespace buurtsim
