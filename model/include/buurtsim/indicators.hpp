#pragma once
/** @file indicators.hpp
 *  Per-buurt, per-week indicators. The list below is the single source for
 *  the HDF5 dataset names, dtypes, units and meanings (docs/FORMAT.md
 *  documents the same list and a test checks they agree).
 */
#include <array>
#include <cstdint>
#include <string_view>
#include <vector>

namespace buurtsim {

enum class Indicator : std::uint8_t {
    residents,
    questions_new,
    questions_solved_network,
    questions_solved_professional,
    questions_unmet_open,
    questions_dropped,
    buurtteam_referrals,
    buurtteam_started,
    buurtteam_clients,
    buurtteam_waiting,
    buurtteam_wait_weeks,
    buurtteam_hours,
    informal_care_hours,
    count_  ///< number of indicators, not an indicator
};
constexpr std::size_t n_indicators = static_cast<std::size_t>(Indicator::count_);

struct IndicatorSpec {
    std::string_view name;
    bool integer;  ///< stored as int32 in the file (counts); else float64
    std::string_view unit;
    std::string_view meaning;
};

/** @brief Specs in Indicator order. */
const std::array<IndicatorSpec, n_indicators>& indicator_specs();

/** @brief The indicators of one replicate: values[i][week * buurten + buurt]. */
struct Results {
    std::uint32_t weeks = 0;
    std::uint32_t buurten = 0;
    std::array<std::vector<double>, n_indicators> values;

    Results() = default;
    Results(std::uint32_t w, std::uint32_t b) : weeks(w), buurten(b) {
        for (auto& v : values) v.assign(std::size_t(w) * b, 0.0);
    }
    double& at(Indicator i, std::uint32_t week, std::uint32_t buurt) {
        return values[std::size_t(i)][std::size_t(week) * buurten + buurt];
    }
    double at(Indicator i, std::uint32_t week, std::uint32_t buurt) const {
        return values[std::size_t(i)][std::size_t(week) * buurten + buurt];
    }
};

}  // namespace buurtsim
