// Per-buurt targets (population.cpp, points 1 and 2): the CBS counts scaled
// and made integer, split by largest remainder, and household counts made
// consistent with the residents. No randomness.
#include "population_internal.hpp"

#include "buurtsim/error.hpp"

#include <algorithm>
#include <numeric>

namespace buurtsim::synth {
namespace {

constexpr std::array<std::string_view, n_age_bands> age_columns = {"a_00_14", "a_15_24", "a_25_44",
                                                                   "a_45_64", "a_65_oo"};
constexpr std::array<std::string_view, 3> household_columns = {"a_1p_hh", "a_hh_z_k", "a_hh_m_k"};
// In the order of origin_groups (population.hpp).
constexpr std::array<std::string_view, n_origin_groups> origin_columns = {"a_geb_nl", "a_geb_eu", "a_geb_ne",
                                                                          "a_gbl_eu", "a_gbl_ne"};

/// Split n into integers proportional to w, summing exactly to n (largest
/// remainder, ties to the lower index).
template <std::size_t N>
std::array<std::uint32_t, N> largest_remainder(std::uint32_t n, const std::array<double, N>& w) {
    std::array<std::uint32_t, N> out{};
    const double total = std::accumulate(w.begin(), w.end(), 0.0);
    BUURTSIM_ASSERT(total > 0);
    std::array<double, N> rest{};
    std::uint32_t given = 0;
    for (std::size_t i = 0; i < N; ++i) {
        const double q = n * w[i] / total;  // exact for integer counts
        out[i] = static_cast<std::uint32_t>(std::floor(q));
        rest[i] = q - out[i];
        given += out[i];
    }
    std::array<std::size_t, N> order;
    std::iota(order.begin(), order.end(), 0);
    std::stable_sort(order.begin(), order.end(),
                     [&](std::size_t a, std::size_t b) { return rest[a] > rest[b]; });
    for (std::size_t k = 0; given < n; k = (k + 1) % N, ++given) ++out[order[k]];
    return out;
}

/// Make household counts consistent with the residents (population.cpp, point 2).
void repair_households(std::uint32_t kids, std::uint32_t young, std::uint32_t older,
                       BuurtTarget& t) {
    std::uint32_t& S = t.single_households;
    std::uint32_t& Z = t.households_without_children;
    std::uint32_t& W = t.households_with_children;
    const std::uint32_t R = t.residents;
    if (R == 0) {
        S = Z = W = 0;
        t.households = 0;
        return;
    }
    // Every with-children household needs a child: 0-14, or 15-24 at home.
    while (W > kids + young) --W, ++Z;
    // Children 0-14 cannot live without a with-children household.
    if (kids > 0 && W == 0) {
        if (Z > 0) --Z; else --S;  // H >= 1, so one of them is positive
        ++W;
    }
    // Adults (everyone 15+, as 15-24 can take adult roles aged 18-24) for
    // the single, couple and parent places; 15-24 used as children are not available.
    auto available = [&] { return young + older - (W > kids ? W - kids : 0); };
    auto needed = [&] { return S + 2 * Z + W; };
    while (needed() > available()) {
        if (Z > 0) --Z, ++S;
        else if (S > 0 && S + W > 1) --S;
        else if (W > (kids > 0 ? 1u : 0u)) --W;
        else break;  // only children live here (tiny scale): a household without an adult
    }
    // Residents beyond the minimal places need a multi-person household.
    const std::int64_t used = std::int64_t(needed()) + std::max(W, kids);
    if (std::int64_t(R) > used && Z + W == 0 && S > 0) --S, ++Z;
    t.households = S + Z + W;
}

}  // namespace

BuurtTarget buurt_target(const CbsTable& t, const RowChain& chain, const PopulationParams& p) {
    BuurtTarget T;
    const double inw = t.value(chain.buurt, "a_inw");
    T.residents = round_half_even(p.scale * (std::isfinite(inw) ? inw : 0.0));
    T.mean_household_size = chain_value(t, chain, "g_hhgro");
    if (T.residents == 0) return T;
    const std::uint32_t R = T.residents;

    const auto age = shares(t, chain, age_columns);
    if (!age) no_shares(t, chain, "all age bands (a_00_14 ... a_65_oo)");
    const auto bands = largest_remainder(R, *age);
    std::copy(bands.begin(), bands.end(), T.age);

    const auto sex = shares<2>(t, chain, {"a_man", "a_vrouw"});
    if (!sex) no_shares(t, chain, "a_man and a_vrouw");
    T.men = largest_remainder(R, *sex)[0];

    // Origin (point 7): a table without herkomst columns leaves everyone in group 0.
    if (const auto origin = shares(t, chain, origin_columns)) {
        const auto split = largest_remainder(R, *origin);
        std::copy(split.begin(), split.end(), T.origin);
    } else {
        T.origin[0] = R;
    }

    const double hh = column_or_nan(t, chain.buurt, "a_hh");
    std::uint32_t H = 0;
    if (std::isfinite(hh) && hh > 0) {
        H = round_half_even(p.scale * hh);
    } else {
        if (!std::isfinite(T.mean_household_size)) no_shares(t, chain, "a_hh and g_hhgro");
        H = round_half_even(R / T.mean_household_size);
    }
    H = std::clamp<std::uint32_t>(H, 1, R);
    const auto types = shares(t, chain, household_columns);
    if (!types) no_shares(t, chain, "household types (a_1p_hh, a_hh_z_k, a_hh_m_k)");
    const auto split = largest_remainder(H, *types);
    T.single_households = split[0];
    T.households_without_children = split[1];
    T.households_with_children = split[2];
    repair_households(T.age[band_00_14], T.age[band_15_24],
                      T.age[band_25_44] + T.age[band_45_64] + T.age[band_65_plus], T);
    return T;
}

}  // namespace buurtsim::synth
