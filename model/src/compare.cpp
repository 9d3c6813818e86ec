// Paired scenario comparison (common random numbers). The definitions of the
// horizon values are documented in docs/FORMAT.md (group /comparison); keep
// the two in step.
#include "buurtsim/compare.hpp"

#include "buurtsim/error.hpp"

#include <boost/math/distributions/students_t.hpp>

#include <algorithm>
#include <cmath>
#include <limits>

namespace buurtsim {

namespace {

constexpr double nan = std::numeric_limits<double>::quiet_NaN();

using I = Indicator;
using A = Aggregation;

/// The values of `i`; IoError if they are absent (a file of an older minor version), InternalError if
/// they are there with the wrong length (a bug).
std::span<const double> values_of(const ReplicateValues& r, Indicator i) {
    const auto& v = r.values[std::size_t(i)];
    if (v.empty() && r.weeks * r.buurten > 0)
        throw IoError("the result file has no indicator " + std::string(spec_of(i).name)
                      + ", which the comparison needs (written by an older buurtsim?)");
    if (v.size() != std::size_t(r.weeks) * r.buurten)
        throw InternalError("compare: indicator " + std::string(spec_of(i).name) + " has " + std::to_string(v.size())
                            + " values for " + std::to_string(r.weeks) + " weeks and " + std::to_string(r.buurten)
                            + " buurten");
    return v;
}

ComparisonRow empty_row(ComparisonRow r) {
    r.replicates = 0;
    r.baseline_mean = r.scenario_mean = r.estimate = r.ci_low = r.ci_high = r.relative_change = nan;
    r.ui_low = r.ui_high = r.p_saving = nan;
    return r;
}

std::string name_of(Indicator i) { return std::string(spec_of(i).name); }

std::string join_names(const std::vector<std::string>& names) {
    std::string s;
    for (std::size_t k = 0; k < names.size(); ++k) s += (k ? ", " : "") + std::string("\"") + names[k] + "\"";
    return s;
}

}  // namespace

const std::vector<Indicator>& key_indicators() {
    // Demand beside hours worked, unmet need with the waiting list, then every payer's parts and sums.
    static const std::vector<Indicator> list = {
        I::buurtteam_hours,        I::buurtteam_hours_needed, I::buurtteam_wait_weeks,  I::wmo_clients,
        I::wmo_clients_year,       I::crises,                 I::questions_unmet,       I::questions_unmet_open,
        I::gp_contacts,            I::acute_care_contacts,    I::lonely_share,          I::severely_lonely_share,
        I::cohesion_score,         I::informal_care_hours,    I::volunteer_hours,       I::buurtteam_cost_eur,
        I::wmo_cost_eur,           I::general_provision_cost_eur, I::intervention_cost_eur, I::gemeente_cost_eur,
        I::gp_cost_eur,            I::poh_ggz_cost_eur,       I::acute_care_cost_eur,   I::zorgverzekeraar_cost_eur,
        I::total_cost_eur,
    };
    return list;
}

const std::vector<SavingsRow>& savings_rows() {
    static const std::vector<SavingsRow> rows = {
        {savings_indicator, savings_label, I::total_cost_eur},
        {"euro_saved_per_euro_spent_gemeente", "Gemeente: care cost saved per euro spent",
         I::gemeente_cost_eur},
        {"euro_saved_per_euro_spent_zorgverzekeraar", "Zorgverzekeraar: cost saved per euro spent",
         I::zorgverzekeraar_cost_eur},
    };
    return rows;
}

std::vector<Indicator> comparison_inputs() {
    std::vector<Indicator> out;
    for (Indicator k : key_indicators()) {
        out.push_back(k);
        if (spec_of(k).how == A::weighted_mean) out.push_back(spec_of(k).weight);
    }
    for (const SavingsRow& r : savings_rows()) out.push_back(r.cost);
    std::sort(out.begin(), out.end());
    out.erase(std::unique(out.begin(), out.end()), out.end());
    return out;
}

ReplicateValues view_of(const Results& r) {
    ReplicateValues v;
    v.weeks = r.weeks;
    v.buurten = r.buurten;
    for (std::size_t i = 0; i < n_indicators; ++i) v.values[i] = r.values[i];
    return v;
}

double horizon_value(const Results& r, Indicator i, const std::vector<std::uint8_t>& area, std::uint32_t weeks_from) {
    return horizon_value(view_of(r), i, area, weeks_from);
}

double horizon_value(const ReplicateValues& r, Indicator i, const std::vector<std::uint8_t>& area,
                     std::uint32_t weeks_from) {
    if (area.size() != r.buurten)
        throw InternalError("horizon_value: " + std::to_string(area.size()) + " area flags for "
                            + std::to_string(r.buurten) + " buurten");
    const IndicatorSpec& spec = spec_of(i);
    const auto v = values_of(r, i);
    const std::size_t nb = r.buurten;
    switch (spec.how) {
        case A::flow:
        case A::stock: {
            double sum = 0;
            for (std::uint32_t w = weeks_from; w < r.weeks; ++w)
                for (std::size_t b = 0; b < nb; ++b)
                    if (area[b]) sum += v[w * nb + b];
            if (spec.how == A::flow) return sum;
            return r.weeks > weeks_from ? sum / double(r.weeks - weeks_from) : nan;
        }
        case A::weighted_mean: {
            const auto wt = values_of(r, spec.weight);
            double num = 0, den = 0;
            for (std::uint32_t w = weeks_from; w < r.weeks; ++w)
                for (std::size_t b = 0; b < nb; ++b) {
                    const std::size_t k = w * nb + b;
                    // A share is NaN exactly where its weight is 0 (FORMAT.md rule 4): skip, not NaN * 0.
                    if (area[b] && wt[k] > 0 && !std::isnan(v[k])) {
                        num += wt[k] * v[k];
                        den += wt[k];
                    }
                }
            return den > 0 ? num / den : nan;
        }
    }
    throw InternalError("horizon_value: unknown aggregation");
}

MeanInterval t_interval(const std::vector<double>& x, double level) {
    if (!(level > 0 && level < 1)) throw InternalError("t_interval: level must be in (0, 1), got " + std::to_string(level));
    MeanInterval m;
    double sum = 0;
    for (double v : x)
        if (std::isfinite(v)) {
            sum += v;
            ++m.n;
        }
    if (m.n == 0) return {0, nan, nan, nan};
    m.mean = sum / double(m.n);
    if (m.n < 2) {
        m.low = m.high = nan;
        return m;
    }
    double ss = 0;
    for (double v : x)
        if (std::isfinite(v)) ss += (v - m.mean) * (v - m.mean);
    const double se = std::sqrt(ss / double(m.n - 1) / double(m.n));
    const boost::math::students_t dist(double(m.n - 1));
    const double t = boost::math::quantile(dist, 0.5 + level / 2);
    m.low = m.mean - t * se;
    m.high = m.mean + t * se;
    return m;
}

double empirical_quantile(std::vector<double> x, double q) {
    if (!(q >= 0 && q <= 1)) throw InternalError("empirical_quantile: q must be in [0, 1], got " + std::to_string(q));
    x.erase(std::remove_if(x.begin(), x.end(), [](double v) { return !std::isfinite(v); }), x.end());
    if (x.empty()) return nan;
    std::sort(x.begin(), x.end());
    const double h = q * double(x.size() - 1);
    const auto lo = std::size_t(std::floor(h));
    const std::size_t hi = std::min(lo + 1, x.size() - 1);
    return x[lo] + (h - double(lo)) * (x[hi] - x[lo]);
}

PairedDifference paired_difference(const std::vector<double>& baseline, const std::vector<double>& scenario,
                                   double level, bool priors) {
    if (baseline.size() != scenario.size())
        throw InternalError("paired_difference: " + std::to_string(baseline.size()) + " baseline values, "
                            + std::to_string(scenario.size()) + " scenario values");
    std::vector<double> b_vals, s_vals, diffs;
    for (std::size_t j = 0; j < baseline.size(); ++j)
        // A pair counts only if both are defined (e.g. some buurtteam case started in both).
        if (std::isfinite(baseline[j]) && std::isfinite(scenario[j])) {
            b_vals.push_back(baseline[j]);
            s_vals.push_back(scenario[j]);
            diffs.push_back(scenario[j] - baseline[j]);
        }
    const MeanInterval d = t_interval(diffs, level);
    PairedDifference p;
    p.replicates = std::int32_t(d.n);
    p.baseline_mean = t_interval(b_vals, level).mean;
    p.scenario_mean = t_interval(s_vals, level).mean;
    p.estimate = d.mean;
    p.ci_low = d.low;
    p.ci_high = d.high;
    p.relative_change = p.baseline_mean != 0 && std::isfinite(p.baseline_mean) ? d.mean / p.baseline_mean : nan;
    p.ui_low = priors ? empirical_quantile(diffs, (1 - level) / 2) : nan;
    p.ui_high = priors ? empirical_quantile(diffs, (1 + level) / 2) : nan;
    return p;
}

void check_baseline(const std::vector<std::string>& names, const std::string& baseline, std::uint32_t weeks_from,
                    std::uint32_t weeks) {
    if (std::find(names.begin(), names.end(), baseline) == names.end())
        throw UsageError("baseline \"" + baseline + "\" is not a scenario of the file; its scenarios are "
                         + join_names(names));
    if (names.size() < 2)
        throw UsageError("the file holds only the scenario \"" + baseline
                         + "\": nothing to compare it with (run several scenarios into one file: "
                           "buurtsim run A.toml B.toml -o OUT.h5)");
    if (weeks_from >= weeks)
        throw UsageError("the horizon must start before the last week: weeks_from = " + std::to_string(weeks_from)
                         + " but the file has " + std::to_string(weeks) + " weeks (0-" + std::to_string(weeks - 1)
                         + ")");
}

ComparisonInput comparison_input(const ResultSet& rs) {
    ComparisonInput in;
    in.buurten = std::uint32_t(rs.geo.buurten.size());
    in.replicate_ids = rs.replicate_ids;
    in.parameters = rs.parameters;
    for (const ScenarioRun& s : rs.scenarios) {
        in.scenario_names.push_back(s.name);
        in.targeted.push_back(s.targeted);
        std::vector<ReplicateValues> reps;
        for (const Results& r : s.replicates) reps.push_back(view_of(r));
        in.values.push_back(std::move(reps));
    }
    return in;
}

Comparison compare_scenarios(const ResultSet& rs, const std::string& baseline, std::uint32_t weeks_from,
                             double confidence) {
    return compare_scenarios(comparison_input(rs), baseline, weeks_from, confidence);
}

Comparison compare_scenarios(const ComparisonInput& in, const std::string& baseline, std::uint32_t weeks_from,
                             double confidence) {
    const auto& names = in.scenario_names;
    BUURTSIM_ASSERT(in.values.size() == names.size() && in.targeted.size() == names.size());
    const std::size_t b_pos = std::size_t(std::find(names.begin(), names.end(), baseline) - names.begin());
    const std::uint32_t weeks = b_pos < names.size() && !in.values[b_pos].empty() ? in.values[b_pos].front().weeks : 0;
    check_baseline(names, baseline, weeks_from, weeks);
    const auto& base = in.values[b_pos];
    const std::size_t nb = in.buurten;
    for (const auto& reps : in.values) {
        BUURTSIM_ASSERT(reps.size() == in.replicate_ids.size());
        for (const ReplicateValues& r : reps) {
            BUURTSIM_ASSERT(r.weeks == weeks && r.buurten == nb);
            for (Indicator i : comparison_inputs()) (void)values_of(r, i);
        }
    }

    Comparison c;
    c.baseline = baseline;
    c.weeks_from = weeks_from;
    c.weeks = weeks;
    c.replicate_ids = in.replicate_ids;
    c.confidence = confidence;
    c.parameters = in.parameters;
    const bool priors = !in.parameters.empty();
    const std::size_t n_rep = in.replicate_ids.size();
    auto per_replicate = [&](const std::vector<ReplicateValues>& reps, Indicator i, const std::vector<std::uint8_t>& area) {
        std::vector<double> out;
        for (std::size_t j = 0; j < n_rep; ++j) out.push_back(horizon_value(reps[j], i, area, weeks_from));
        return out;
    };

    for (std::size_t s_pos = 0; s_pos < names.size(); ++s_pos) {
        if (s_pos == b_pos) continue;
        const auto& scen = in.values[s_pos];
        std::vector<std::uint8_t> city(nb, 1), targeted(nb, 0);
        for (std::size_t b = 0; b < nb && b < in.targeted[s_pos].size(); ++b)
            targeted[b] = in.targeted[s_pos][b] ? 1 : 0;
        for (const auto& [area_name, area] : {std::pair{"city", &city}, std::pair{"targeted", &targeted}}) {
            const auto n_buurten = std::int32_t(std::count(area->begin(), area->end(), 1));
            auto row = [&](std::string indicator, std::string_view label, std::string_view unit) {
                ComparisonRow r;
                r.scenario = names[s_pos];
                r.area = area_name;
                r.indicator = std::move(indicator);
                r.label = label;
                r.unit = unit;
                r.buurten = n_buurten;
                return r;
            };
            if (n_buurten == 0) {
                // No targeted buurten (e.g. no interventions): nothing to estimate, not a zero effect.
                for (Indicator k : key_indicators())
                    c.rows.push_back(empty_row(row(name_of(k), label_of(k), horizon_unit(k))));
                for (const SavingsRow& sr : savings_rows())
                    c.rows.push_back(empty_row(row(std::string(sr.indicator), sr.label, savings_unit)));
                continue;
            }
            for (Indicator k : key_indicators()) {
                ComparisonRow r = row(name_of(k), label_of(k), horizon_unit(k));
                const PairedDifference p =
                    paired_difference(per_replicate(base, k, *area), per_replicate(scen, k, *area), confidence, priors);
                r.replicates = p.replicates;
                r.baseline_mean = p.baseline_mean;
                r.scenario_mean = p.scenario_mean;
                r.estimate = p.estimate;
                r.ci_low = p.ci_low;
                r.ci_high = p.ci_high;
                r.relative_change = p.relative_change;
                r.ui_low = p.ui_low;
                r.ui_high = p.ui_high;
                r.p_saving = nan;
                c.rows.push_back(std::move(r));
            }
            // Care cost saved per euro spent on interventions, per replicate pair and payer:
            // (baseline care cost - scenario care cost) / scenario intervention cost, a payer's care cost
            // its sum minus the intervention cost it pays (the gemeente's and the total include it; the
            // zorgverzekeraar pays none). Undefined without intervention cost.
            for (const SavingsRow& sr : savings_rows()) {
                const bool pays_interventions = sr.cost != I::zorgverzekeraar_cost_eur;
                ComparisonRow r = row(std::string(sr.indicator), sr.label, savings_unit);
                std::vector<double> ratios;
                for (std::size_t j = 0; j < n_rep; ++j) {
                    const double b_int = horizon_value(base[j], I::intervention_cost_eur, *area, weeks_from);
                    const double s_int = horizon_value(scen[j], I::intervention_cost_eur, *area, weeks_from);
                    const double b_care =
                        horizon_value(base[j], sr.cost, *area, weeks_from) - (pays_interventions ? b_int : 0.0);
                    const double s_care =
                        horizon_value(scen[j], sr.cost, *area, weeks_from) - (pays_interventions ? s_int : 0.0);
                    ratios.push_back(s_int > 0 ? (b_care - s_care) / s_int : nan);
                }
                const MeanInterval q = t_interval(ratios, confidence);
                r.replicates = std::int32_t(q.n);
                r.baseline_mean = r.scenario_mean = r.relative_change = nan;
                r.estimate = q.mean;
                r.ci_low = q.low;
                r.ci_high = q.high;
                r.ui_low = priors ? empirical_quantile(ratios, (1 - confidence) / 2) : nan;
                r.ui_high = priors ? empirical_quantile(ratios, (1 + confidence) / 2) : nan;
                // Saved more than spent: a ratio above 1 (the intervention cost is > 0 where it is defined).
                const auto above = std::count_if(ratios.begin(), ratios.end(), [](double x) { return x > 1; });
                r.p_saving = q.n > 0 ? double(above) / double(q.n) : nan;
                c.rows.push_back(std::move(r));
            }
        }
    }
    return c;
}

}  // namespace buurtsim
