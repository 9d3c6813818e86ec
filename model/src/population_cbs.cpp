// CBS look-ups for population synthesis: a value or a group of proportions
// from the buurt's row, else its wijk's, else the gemeente's (the nearest
// area CBS did publish; population.cpp, point 1).
#include "population_internal.hpp"

#include "buurtsim/error.hpp"

namespace buurtsim::synth {

double column_or_nan(const CbsTable& t, std::size_t row, std::string_view col) {
    return t.has_column(col) ? t.value(row, col) : std::numeric_limits<double>::quiet_NaN();
}

template <std::size_t N>
std::optional<std::array<double, N>> shares(const CbsTable& t, const RowChain& chain,
                                            const std::array<std::string_view, N>& cols) {
    for (std::optional<std::size_t> row : {std::optional<std::size_t>(chain.buurt), chain.wijk, chain.gemeente}) {
        if (!row) continue;
        std::array<double, N> v{};
        double sum = 0;
        bool ok = true;
        for (std::size_t i = 0; i < N && ok; ++i) {
            v[i] = column_or_nan(t, *row, cols[i]);
            ok = std::isfinite(v[i]) && v[i] >= 0;
            sum += ok ? v[i] : 0;
        }
        if (ok && sum > 0) return v;
    }
    return std::nullopt;
}

template std::optional<std::array<double, 2>> shares(const CbsTable&, const RowChain&,
                                                     const std::array<std::string_view, 2>&);
template std::optional<std::array<double, 3>> shares(const CbsTable&, const RowChain&,
                                                     const std::array<std::string_view, 3>&);
template std::optional<std::array<double, n_age_bands>> shares(const CbsTable&, const RowChain&,
                                                               const std::array<std::string_view, n_age_bands>&);

double chain_value(const CbsTable& t, const RowChain& chain, std::string_view col) {
    for (std::optional<std::size_t> row : {std::optional<std::size_t>(chain.buurt), chain.wijk, chain.gemeente}) {
        if (!row) continue;
        const double v = column_or_nan(t, *row, col);
        if (std::isfinite(v) && v > 0) return v;
    }
    return std::numeric_limits<double>::quiet_NaN();
}

std::optional<double> benefit_rate_or_count(const CbsTable& t, const RowChain& chain,
                                            std::string_view col,
                                            const std::vector<std::string_view>& base_cols,
                                            bool& is_count) {
    if (!t.has_column(col)) return std::nullopt;
    const double own = t.value(chain.buurt, col);
    if (std::isfinite(own) && own >= 0) {
        is_count = true;
        return own;
    }
    is_count = false;
    for (std::optional<std::size_t> row : {chain.wijk, chain.gemeente}) {
        if (!row) continue;
        const double v = t.value(*row, col);
        double base = 0;
        bool ok = std::isfinite(v) && v >= 0;
        for (std::string_view b : base_cols) {
            const double x = column_or_nan(t, *row, b);
            ok = ok && std::isfinite(x);
            base += ok ? x : 0;
        }
        if (ok && base > 0) return v / base;
    }
    return std::nullopt;
}

[[noreturn]] void no_shares(const CbsTable& t, const RowChain& chain, std::string_view what) {
    const CbsRow& r = t.rows()[chain.buurt];
    throw DataError(t.path().string() + ":" + std::to_string(r.line) + ": buurt " + r.code + " has "
                    + std::string(what)
                    + " missing or zero, and neither its wijk row nor the gemeente row gives"
                      " proportions to fall back on");
}

}  // namespace buurtsim::synth
