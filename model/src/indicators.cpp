// The indicator specs, generated from the one list BUURTSIM_INDICATORS
// (buurtsim/indicators.hpp), and checked at compile time.
#include "buurtsim/indicators.hpp"

#include "buurtsim/error.hpp"

namespace buurtsim {

namespace {

constexpr Indicator none = Indicator::count_;  // the weight of an indicator that is not a weighted mean

constexpr std::array<IndicatorSpec, n_indicators> specs = {{
#define BUURTSIM_INDICATOR_SPEC(name, dtype, unit, how, weight, payer, label, meaning) \
    {#name, std::string_view(#dtype) == "int32", unit, meaning, Aggregation::how, []{ using enum Indicator; return weight; }(), \
     Payer::payer, label},
    BUURTSIM_INDICATORS(BUURTSIM_INDICATOR_SPEC)
#undef BUURTSIM_INDICATOR_SPEC
}};

/// The rules docs/FORMAT.md states for the list: file dtype int32 or float64,
/// a weight exactly for weighted means, and that weight a count; a payer
/// exactly for euro indicators, which are flows.
consteval bool specs_are_consistent() {
#define BUURTSIM_INDICATOR_DTYPE(name, dtype, ...) \
    if (std::string_view(#dtype) != "int32" && std::string_view(#dtype) != "float64") return false;
    BUURTSIM_INDICATORS(BUURTSIM_INDICATOR_DTYPE)
#undef BUURTSIM_INDICATOR_DTYPE
    for (const auto& s : specs) {
        if (s.name.empty() || s.unit.empty() || s.meaning.empty()) return false;
        if ((s.how == Aggregation::weighted_mean) != (s.weight != none)) return false;
        if (s.weight != none && !specs[std::size_t(s.weight)].integer) return false;
        const bool euro = s.unit.starts_with("EUR");
        if (euro != (s.payer != Payer::none)) return false;
        if (euro && s.how != Aggregation::flow) return false;
    }
    return true;
}
static_assert(specs_are_consistent(), "BUURTSIM_INDICATORS breaks a rule of docs/FORMAT.md");

}  // namespace

const std::array<IndicatorSpec, n_indicators>& indicator_specs() { return specs; }

const IndicatorSpec& spec_of(Indicator i) {
    if (i >= Indicator::count_) throw InternalError("spec_of: not an indicator (" + std::to_string(int(i)) + ")");
    return specs[std::size_t(i)];
}

Indicator indicator_named(std::string_view name) {
    for (std::size_t i = 0; i < n_indicators; ++i)
        if (specs[i].name == name) return Indicator(i);
    return Indicator::count_;
}

std::string_view payer_name(Payer p) {
    switch (p) {
        case Payer::none: return "";
        case Payer::gemeente: return "gemeente";
        case Payer::zorgverzekeraar: return "zorgverzekeraar";
        case Payer::gemeente_total: return "gemeente (sum)";
        case Payer::zorgverzekeraar_total: return "zorgverzekeraar (sum)";
        case Payer::total: return "all (sum)";
    }
    throw InternalError("payer_name: unknown payer");
}

std::vector<Indicator> cost_parts(Payer sum) {
    Payer part = Payer::none;
    if (sum == Payer::gemeente_total) part = Payer::gemeente;
    if (sum == Payer::zorgverzekeraar_total) part = Payer::zorgverzekeraar;
    if (sum == Payer::total) return {Indicator::gemeente_cost_eur, Indicator::zorgverzekeraar_cost_eur};
    std::vector<Indicator> out;
    if (part == Payer::none) return out;
    for (std::size_t i = 0; i < n_indicators; ++i)
        if (specs[i].payer == part) out.push_back(Indicator(i));
    return out;
}

std::string_view aggregation_name(Aggregation a) {
    switch (a) {
        case Aggregation::flow: return "flow";
        case Aggregation::stock: return "stock";
        case Aggregation::weighted_mean: return "weighted_mean";
    }
    throw InternalError("aggregation_name: unknown aggregation");
}

std::string_view label_of(Indicator i) {
    const IndicatorSpec& s = spec_of(i);
    return s.label.empty() ? s.meaning : s.label;
}

std::string horizon_unit(Indicator i) {
    const IndicatorSpec& s = spec_of(i);
    constexpr std::string_view per_week = "/week";
    if (s.how == Aggregation::flow && s.unit.ends_with(per_week))
        return std::string(s.unit.substr(0, s.unit.size() - per_week.size()));
    return std::string(s.unit);
}

}  // namespace buurtsim
