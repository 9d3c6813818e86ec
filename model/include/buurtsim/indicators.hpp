#pragma once
/** @file indicators.hpp
 *  Per-buurt, per-week indicators and per-resident snapshots. The list of
 *  indicators below is the single source for the HDF5 dataset names, dtypes,
 *  units and meanings (docs/FORMAT.md documents the same list and a test
 *  checks they agree).
 */
#include <array>
#include <cstdint>
#include <string_view>
#include <vector>

namespace buurtsim {

enum class Indicator : std::uint8_t {
    residents,
    adults,
    adults_65plus,
    questions_new,
    questions_solved_network,
    questions_solved_community,
    questions_brokered,
    questions_solved_professional,
    questions_unmet_open,
    questions_dropped,
    escalations,
    buurtteam_referrals,
    buurtteam_started,
    buurtteam_clients,
    buurtteam_waiting,
    buurtteam_wait_weeks,
    buurtteam_hours,
    wmo_clients,
    wmo_new,
    wmo_cost_eur,
    informal_care_hours,
    volunteer_hours,
    volunteers,
    carers,
    carers_overburdened,
    carers_withdrawn,
    care_recipients,
    meeting_visits,
    lonely_share,
    severely_lonely_share,
    severely_lonely_share_65plus,
    cohesion_score,
    cohesion_know_each_other,
    cohesion_interact_pleasantly,
    cohesion_gezellig,
    cohesion_interact_a_lot,
    cohesion_feel_comfortable,
    mean_ties_in_buurt,
    share_knowing_5_in_buurt,
    buurtteam_cost_eur,
    intervention_cost_eur,
    total_cost_eur,
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

/** @brief Roles a resident holds, a bitmask in snapshots. */
enum Role : std::uint8_t {
    role_volunteer = 1,         ///< volunteers (any kind)
    role_support_volunteer = 2, ///< volunteers doing neighbourhood support
    role_carer = 4,             ///< gives mantelzorg to someone
    role_buurtteam_client = 8,  ///< waiting for or in a buurtteam case
    role_wmo_client = 16,       ///< has a Wmo maatwerk provision
};

/** @brief End-of-week state of every resident and every tie, for analysis (networkx, pandas). */
struct Snapshot {
    std::uint32_t week = 0;
    // --- per resident (index = resident id)
    std::vector<std::uint16_t> buurt;          ///< index into the buurt dimension
    std::vector<std::uint8_t> age;             ///< years
    std::vector<std::uint8_t> age_band;        ///< AgeBand: 0 0-14, 1 15-24, 2 25-44, 3 45-64, 4 65+
    std::vector<std::uint32_t> household;      ///< household id
    std::vector<std::uint8_t> household_type;  ///< HouseholdType
    std::vector<std::uint8_t> vulnerability;   ///< Vulnerability bitmask
    std::vector<std::uint8_t> loneliness;      ///< DJG score 0-11 (adults; 0 for children)
    std::vector<std::uint8_t> roles;           ///< Role bitmask
    std::vector<float> self_reliance;          ///< 0..1
    // --- per undirected tie (source < target)
    std::vector<std::uint32_t> source;
    std::vector<std::uint32_t> target;
    std::vector<std::uint8_t> tie_type;        ///< TieType: 0 household, 1 neighbour, 2 friend, 3 weak, 4 met
    std::vector<std::uint8_t> strength;        ///< 0..255
};

/** @brief The indicators of one replicate: values[i][week * buurten + buurt]. */
struct Results {
    std::uint32_t weeks = 0;
    std::uint32_t buurten = 0;
    std::array<std::vector<double>, n_indicators> values;
    std::vector<Snapshot> snapshots;  ///< in week order (output.snapshot_weeks)
    std::vector<std::uint8_t> targeted; ///< per buurt: 1 if an intervention of the scenario targets it

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
