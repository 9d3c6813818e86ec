#pragma once
/** @file population.hpp
 *  Synthetic residents per buurt reproducing CBS counts. Storage is
 *  structure-of-arrays: residents are sorted by buurt, and the members of a
 *  household are contiguous, so per-buurt and per-household work is a range.
 */
#include "buurtsim/cbs_data.hpp"
#include "buurtsim/params.hpp"

#include <cstdint>
#include <string>
#include <vector>

namespace buurtsim {

/** @brief Vulnerability groups, a bitmask (a resident may be in several). */
enum Vulnerability : std::uint8_t {
    vuln_psych = 1,             ///< severe psychological vulnerability (EPA)
    vuln_homeless_history = 2,  ///< history of homelessness
    vuln_nah = 4,               ///< acquired brain injury
    vuln_lvb = 8,               ///< mild intellectual disability
    vuln_frail = 16,            ///< frail elderly
};

/** @brief Benefits, a bitmask. */
enum Benefit : std::uint8_t { benefit_aow = 1, benefit_bijstand = 2, benefit_disability = 4 };

/** @brief Origin (CBS herkomst), a bitmask; 0 is herkomst Nederland. CBS sets the herkomst of someone
 *  born abroad by their own country of birth, of someone born in the Netherlands by the parents'. */
enum Origin : std::uint8_t {
    origin_europe = 1,          ///< herkomst Europe excluding the Netherlands
    origin_outside_europe = 2,  ///< herkomst outside Europe
    origin_born_abroad = 4,     ///< born outside the Netherlands (else born in the Netherlands)
};

/** @brief The five herkomst groups of the CBS Kerncijfers (a_geb_nl, a_geb_eu, a_geb_ne, a_gbl_eu,
 *  a_gbl_ne), as Origin bitmasks, in the order of BuurtTarget::origin. */
inline constexpr std::size_t n_origin_groups = 5;
inline constexpr std::uint8_t origin_groups[n_origin_groups] = {
    0, origin_europe, origin_outside_europe, origin_europe | origin_born_abroad,
    origin_outside_europe | origin_born_abroad};

enum class HouseholdType : std::uint8_t {
    single = 0,              ///< one person (CBS a_1p_hh)
    without_children = 1,    ///< several adults, no children (CBS a_hh_z_k)
    with_children = 2,       ///< one or two adults with children (CBS a_hh_m_k)
};

/** @brief CBS age bands a_00_14 ... a_65_oo. */
enum AgeBand : std::uint8_t { band_00_14, band_15_24, band_25_44, band_45_64, band_65_plus, n_age_bands };

/** @brief Age band of an age in years. */
inline AgeBand age_band(std::uint8_t age) {
    return age < 15 ? band_00_14 : age < 25 ? band_15_24 : age < 45 ? band_25_44 : age < 65 ? band_45_64 : band_65_plus;
}

struct Wijk {
    std::string code;  ///< WK034401
    std::string name;
};

struct Buurt {
    std::string code;   ///< BU03440111
    std::string name;
    std::uint32_t wijk; ///< index into Geography::wijken
};

/** @brief The simulated areas, in CBS file order. */
struct Geography {
    std::vector<Wijk> wijken;
    std::vector<Buurt> buurten;
};

/** @brief CBS counts of one buurt after scaling and integer rounding: what synthesis aims at. */
struct BuurtTarget {
    std::uint32_t residents = 0;
    std::uint32_t men = 0;
    std::uint32_t age[n_age_bands] = {};
    std::uint32_t households = 0;
    std::uint32_t single_households = 0;
    std::uint32_t households_without_children = 0;
    std::uint32_t households_with_children = 0;
    double mean_household_size = 0;  ///< CBS g_hhgro (not scaled)
    std::uint32_t aow = 0;
    std::uint32_t bijstand = 0;
    std::uint32_t disability = 0;
    std::uint32_t origin[n_origin_groups] = {};  ///< residents per herkomst group (origin_groups order)
};

/** @brief The most residents one population may have: the Netherlands has about 18 million.
 *  Checked on the CBS targets before any resident is built. */
inline constexpr std::uint64_t max_residents = 20'000'000;

/** @brief The synthetic residents. */
struct Population {
    Geography geo;
    std::vector<BuurtTarget> targets;  ///< per buurt

    // --- per resident (index = resident id)
    std::vector<std::uint16_t> buurt;
    std::vector<std::uint8_t> age;            ///< years, 0..104
    std::vector<std::uint8_t> female;         ///< 1 female, 0 male
    std::vector<std::uint32_t> household;     ///< household id
    std::vector<std::uint8_t> vulnerability;  ///< Vulnerability bitmask
    std::vector<std::uint8_t> benefits;       ///< Benefit bitmask
    std::vector<std::uint8_t> origin;         ///< Origin bitmask (CBS herkomst)

    // --- ranges
    std::vector<std::uint32_t> buurt_begin;      ///< size buurten+1: residents of buurt b are [buurt_begin[b], buurt_begin[b+1])
    std::vector<std::uint32_t> household_begin;  ///< size households+1, same idea
    std::vector<HouseholdType> household_type;   ///< per household

    std::size_t size() const { return age.size(); }
    std::size_t households() const { return household_type.size(); }
};

/** @brief Simulated residents per wijk (index = wijk index of pop.geo). Inline: the components
 *         (buurtsim_params) use it without linking the population code. */
inline std::vector<double> residents_per_wijk(const Population& pop) {
    std::vector<double> r(pop.geo.wijken.size(), 0.0);
    for (std::size_t b = 0; b < pop.geo.buurten.size(); ++b)
        r[pop.geo.buurten[b].wijk] += pop.buurt_begin[b + 1] - pop.buurt_begin[b];
    return r;
}

/** @brief Select the buurten the parameters ask for (all, by buurt code, by wijk code).
 *  @throws ParamError naming the unknown code and the key (population.buurten / population.wijken). */
Geography select_geography(const CbsTable& table, const PopulationParams& p);

/** @brief Build the synthetic population. Deterministic in (seed, replicate)
 *  and independent of the thread count.
 *  @throws ParamError for parameters out of their ranges (the parameter table), unknown codes, or a
 *  selection with no residents or more than max_residents; DataError for unusable CBS rows. */
Population synthesize_population(const CbsTable& table, const PopulationParams& p,
                                 std::uint64_t seed, std::uint32_t replicate);

}  // namespace buurtsim
