#pragma once
// Private to population synthesis: what its files share. The algorithm, with
// the points these files refer to, is described at the top of population.cpp.
//   population_cbs.cpp            CBS look-ups along buurt -> wijk -> gemeente
//   population_targets.cpp        point 1-2: per-buurt targets, household repair
//   population_buurt.cpp          point 3-5: one buurt's residents, households, benefits
//   population_vulnerability.cpp  point 6: vulnerability over the whole selection
//   population_origin.cpp         point 7: herkomst per resident
//   geography.cpp                 which buurten and wijken are simulated
//   population.cpp                the order of these steps, and the assembly
#include "buurtsim/cbs_data.hpp"
#include "buurtsim/population.hpp"
#include "buurtsim/rng.hpp"

#include <boost/random/uniform_real_distribution.hpp>

#include <array>
#include <cmath>
#include <cstdint>
#include <limits>
#include <optional>
#include <string_view>
#include <vector>

namespace buurtsim::synth {

// Sub-streams of rng::Stream::population per buurt.
constexpr std::uint32_t sub_build = 0;
constexpr std::uint32_t sub_vulnerability = 1;
constexpr std::uint32_t sub_origin = 2;

/// Round half to even, independent of the floating-point rounding mode.
/// Saturates at the largest std::uint32_t (callers cap counts further).
inline std::uint32_t round_half_even(double x) {
    if (!(x > 0)) return 0;
    const double f = std::floor(x);
    const double d = x - f;
    double r = f;
    if (d > 0.5 || (d == 0.5 && std::fmod(f, 2.0) != 0)) r = f + 1;
    constexpr double top = double(std::numeric_limits<std::uint32_t>::max());
    return r >= top ? std::numeric_limits<std::uint32_t>::max() : static_cast<std::uint32_t>(r);
}

inline double uniform01(rng::Urng& g) { return boost::random::uniform_real_distribution<double>(0.0, 1.0)(g); }

// ---------------------------------------------------------- CBS look-ups (population_cbs.cpp)

/// The buurt row and where its missing values come from.
struct RowChain {
    std::size_t buurt;
    std::optional<std::size_t> wijk;
    std::optional<std::size_t> gemeente;
};

double column_or_nan(const CbsTable& t, std::size_t row, std::string_view col);

/// Values of a group of columns from the first row of the chain where all are
/// present and their sum is positive; nullopt if no row qualifies.
template <std::size_t N>
std::optional<std::array<double, N>> shares(const CbsTable& t, const RowChain& chain,
                                            const std::array<std::string_view, N>& cols);
extern template std::optional<std::array<double, 2>> shares(const CbsTable&, const RowChain&,
                                                            const std::array<std::string_view, 2>&);
extern template std::optional<std::array<double, 3>> shares(const CbsTable&, const RowChain&,
                                                            const std::array<std::string_view, 3>&);
extern template std::optional<std::array<double, n_age_bands>> shares(
    const CbsTable&, const RowChain&, const std::array<std::string_view, n_age_bands>&);

/// First finite positive value of one column along the chain.
double chain_value(const CbsTable& t, const RowChain& chain, std::string_view col);

/// A benefit count for the buurt: the buurt's own (scaled) count, else a rate
/// per `base` resident from the wijk or gemeente row; nullopt if none.
std::optional<double> benefit_rate_or_count(const CbsTable& t, const RowChain& chain, std::string_view col,
                                            const std::vector<std::string_view>& base_cols, bool& is_count);

/// @throws DataError: the buurt has `what` missing and nothing to fall back on.
[[noreturn]] void no_shares(const CbsTable& t, const RowChain& chain, std::string_view what);

// ---------------------------------------------------------- targets (population_targets.cpp)

/// Points 1 and 2: the scaled, integer, feasible counts of one buurt (no
/// randomness; benefit counts are set later, by build_buurt). @throws DataError
BuurtTarget buurt_target(const CbsTable& t, const RowChain& chain, const PopulationParams& p);

// ---------------------------------------------------------- one buurt (population_buurt.cpp)

/// One buurt's residents in household order, before assembly.
struct BuurtBuffer {
    BuurtTarget target;
    std::vector<std::uint8_t> age, female, benefits;
    std::vector<std::uint32_t> household_size;  // per household, in output order
    std::vector<HouseholdType> household_type;
};

/// Points 3 to 5 for one buurt with the targets of buurt_target(), on its own stream.
BuurtBuffer build_buurt(const CbsTable& t, const RowChain& chain, const PopulationParams& p,
                        const BuurtTarget& target, rng::Urng g);

// ---------------------------------------------------------- vulnerability (population_vulnerability.cpp)

/// Point 6: pop.vulnerability for every resident; buurt b draws on the stream of CBS row chains[b].buurt.
void draw_vulnerability(Population& pop, const std::vector<RowChain>& chains, const PopulationParams& p,
                        const rng::Key& key);

// ---------------------------------------------------------- origin (population_origin.cpp)

/// Point 7: pop.origin for every resident, the counts of pop.targets; buurt b draws on the stream of
/// CBS row chains[b].buurt.
void draw_origin(Population& pop, const std::vector<RowChain>& chains, const rng::Key& key);

}  // namespace buurtsim::synth
