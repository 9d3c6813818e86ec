// The indicator specs, generated from the one list BUURTSIM_INDICATORS
// (buurtsim/indicators.hpp), and checked at compile time.
#include "buurtsim/indicators.hpp"

#include "buurtsim/error.hpp"

namespace buurtsim {

namespace {

constexpr Indicator none = Indicator::count_;  // the weight of an indicator that is not a weighted mean

constexpr std::array<IndicatorSpec, n_indicators> specs = {{
#define BUURTSIM_INDICATOR_SPEC(name, dtype, unit, how, weight, label, meaning) \
    {#name, std::string_view(#dtype) == "int32", unit, meaning, Aggregation::how, []{ using enum Indicator; return weight; }(), label},
    BUURTSIM_INDICATORS(BUURTSIM_INDICATOR_SPEC)
#undef BUURTSIM_INDICATOR_SPEC
}};

/// The rules docs/FORMAT.md states for the list: file dtype int32 or float64,
/// a weight exactly for weighted means, and that weight a count.
consteval bool specs_are_consistent() {
#define BUURTSIM_INDICATOR_DTYPE(name, dtype, ...) \
    if (std::string_view(#dtype) != "int32" && std::string_view(#dtype) != "float64") return false;
    BUURTSIM_INDICATORS(BUURTSIM_INDICATOR_DTYPE)
#undef BUURTSIM_INDICATOR_DTYPE
    for (const auto& s : specs) {
        if (s.name.empty() || s.unit.empty() || s.meaning.empty()) return false;
        if ((s.how == Aggregation::weighted_mean) != (s.weight != none)) return false;
        if (s.weight != none && !specs[std::size_t(s.weight)].integer) return false;
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
