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

const std::vector<double>& values_of(const Results& r, Indicator i) {
    const auto& v = r.values[std::size_t(i)];
    if (v.size() != std::size_t(r.weeks) * r.buurten)
        throw InternalError("compare: indicator " + std::string(indicator_specs()[std::size_t(i)].name)
                            + " is not loaded (" + std::to_string(v.size()) + " values)");
    return v;
}

constexpr std::string_view savings_label = "Care cost saved per euro of intervention cost";
constexpr std::string_view savings_unit = "EUR/EUR";

ComparisonRow empty_row(ComparisonRow r) {
    r.replicates = 0;
    r.baseline_mean = r.scenario_mean = r.estimate = r.ci_low = r.ci_high = r.relative_change = nan;
    return r;
}

std::string name_of(Indicator i) { return std::string(indicator_specs()[std::size_t(i)].name); }

std::string join_names(const std::vector<ScenarioRun>& scenarios) {
    std::string s;
    for (std::size_t k = 0; k < scenarios.size(); ++k) s += (k ? ", " : "") + std::string("\"") + scenarios[k].name + "\"";
    return s;
}

}  // namespace

const std::vector<KeyIndicator>& key_indicators() {
    static const std::vector<KeyIndicator> list = {
        {I::buurtteam_hours, A::flow, I::count_, "h", "Buurtteam hours"},
        {I::buurtteam_wait_weeks, A::weighted_mean, I::buurtteam_started, "week",
         "Wait for the buurtteam (mean per started case)"},
        {I::wmo_clients, A::stock, I::count_, "persons", "Wmo clients (mean per week)"},
        {I::escalations, A::flow, I::count_, "events", "Crises (escalated questions)"},
        {I::questions_unmet_open, A::stock, I::count_, "questions", "Unmet questions (mean open per week)"},
        {I::lonely_share, A::weighted_mean, I::adults, "share of adults", "Lonely adults"},
        {I::severely_lonely_share, A::weighted_mean, I::adults, "share of adults", "Severely lonely adults"},
        {I::cohesion_score, A::weighted_mean, I::adults, "0-10", "Social cohesion score"},
        {I::informal_care_hours, A::flow, I::count_, "h", "Informal help hours (network, mantelzorg)"},
        {I::volunteer_hours, A::flow, I::count_, "h", "Volunteer hours"},
        {I::buurtteam_cost_eur, A::flow, I::count_, "EUR", "Buurtteam cost"},
        {I::wmo_cost_eur, A::flow, I::count_, "EUR", "Wmo cost"},
        {I::intervention_cost_eur, A::flow, I::count_, "EUR", "Intervention cost"},
        {I::total_cost_eur, A::flow, I::count_, "EUR", "Total cost (buurtteam + Wmo + interventions)"},
    };
    return list;
}

std::vector<Indicator> comparison_inputs() {
    std::vector<Indicator> out;
    for (const auto& k : key_indicators()) {
        out.push_back(k.indicator);
        if (k.how == A::weighted_mean) out.push_back(k.weight);
    }
    std::sort(out.begin(), out.end());
    out.erase(std::unique(out.begin(), out.end()), out.end());
    return out;
}

double horizon_value(const Results& r, const KeyIndicator& k, const std::vector<std::uint8_t>& area,
                     std::uint32_t weeks_from) {
    if (area.size() != r.buurten)
        throw InternalError("horizon_value: " + std::to_string(area.size()) + " area flags for "
                            + std::to_string(r.buurten) + " buurten");
    const auto& v = values_of(r, k.indicator);
    const std::size_t nb = r.buurten;
    switch (k.how) {
        case A::flow:
        case A::stock: {
            double sum = 0;
            for (std::uint32_t w = weeks_from; w < r.weeks; ++w)
                for (std::size_t b = 0; b < nb; ++b)
                    if (area[b]) sum += v[w * nb + b];
            if (k.how == A::flow) return sum;
            return r.weeks > weeks_from ? sum / double(r.weeks - weeks_from) : nan;
        }
        case A::weighted_mean: {
            const auto& wt = values_of(r, k.weight);
            double num = 0, den = 0;
            for (std::uint32_t w = weeks_from; w < r.weeks; ++w)
                for (std::size_t b = 0; b < nb; ++b) {
                    const std::size_t i = w * nb + b;
                    // A share is NaN exactly where its weight is 0 (FORMAT.md rule 4): skip, not NaN * 0.
                    if (area[b] && wt[i] > 0 && !std::isnan(v[i])) {
                        num += wt[i] * v[i];
                        den += wt[i];
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

Comparison compare_scenarios(const ResultSet& rs, const std::string& baseline, std::uint32_t weeks_from,
                             double confidence) {
    const auto base_it = std::find_if(rs.scenarios.begin(), rs.scenarios.end(),
                                      [&](const ScenarioRun& s) { return s.name == baseline; });
    if (base_it == rs.scenarios.end())
        throw Error("baseline \"" + baseline + "\" is not a scenario of the file; its scenarios are "
                    + join_names(rs.scenarios));
    if (rs.scenarios.size() < 2)
        throw Error("the file holds only the scenario \"" + baseline
                    + "\": nothing to compare it with (run several scenarios into one file: "
                      "buurtsim run A.toml B.toml -o OUT.h5)");
    const ScenarioRun& base = *base_it;
    BUURTSIM_ASSERT(!base.replicates.empty());
    const std::uint32_t weeks = base.replicates.front().weeks;
    const std::size_t nb = rs.geo.buurten.size();
    if (weeks_from >= weeks)
        throw Error("the horizon must start before the last week: weeks_from = " + std::to_string(weeks_from)
                    + " but the file has " + std::to_string(weeks) + " weeks (0-" + std::to_string(weeks - 1) + ")");
    for (const ScenarioRun& s : rs.scenarios) {
        BUURTSIM_ASSERT(s.replicates.size() == rs.replicate_ids.size());
        for (const Results& r : s.replicates) {
            BUURTSIM_ASSERT(r.weeks == weeks && r.buurten == nb);
            for (Indicator i : comparison_inputs())
                if (r.values[std::size_t(i)].size() != std::size_t(weeks) * nb)
                    throw IoError("the result file has no indicator " + name_of(i)
                                  + ", which the comparison needs (written by an older buurtsim?)");
        }
    }

    Comparison c;
    c.baseline = baseline;
    c.weeks_from = weeks_from;
    c.weeks = weeks;
    c.replicate_ids = rs.replicate_ids;
    c.confidence = confidence;
    const std::size_t n_rep = rs.replicate_ids.size();
    const KeyIndicator* total = nullptr;
    const KeyIndicator* intervention = nullptr;
    for (const auto& k : key_indicators()) {
        if (k.indicator == I::total_cost_eur) total = &k;
        if (k.indicator == I::intervention_cost_eur) intervention = &k;
    }
    BUURTSIM_ASSERT(total && intervention);

    for (const ScenarioRun& scen : rs.scenarios) {
        if (&scen == &base) continue;
        std::vector<std::uint8_t> city(nb, 1), targeted(nb, 0);
        for (std::size_t b = 0; b < nb && b < scen.targeted.size(); ++b) targeted[b] = scen.targeted[b] ? 1 : 0;
        for (const auto& [area_name, area] : {std::pair{"city", &city}, std::pair{"targeted", &targeted}}) {
            const auto n_buurten = std::int32_t(std::count(area->begin(), area->end(), 1));
            auto row = [&](std::string indicator, std::string_view label, std::string_view unit) {
                ComparisonRow r;
                r.scenario = scen.name;
                r.area = area_name;
                r.indicator = std::move(indicator);
                r.label = label;
                r.unit = unit;
                r.buurten = n_buurten;
                return r;
            };
            if (n_buurten == 0) {
                // No targeted buurten (e.g. no interventions): nothing to estimate, not a zero effect.
                for (const auto& k : key_indicators()) c.rows.push_back(empty_row(row(name_of(k.indicator), k.label, k.unit)));
                c.rows.push_back(empty_row(row(std::string(savings_indicator), savings_label, savings_unit)));
                continue;
            }
            for (const auto& k : key_indicators()) {
                ComparisonRow r = row(name_of(k.indicator), k.label, k.unit);
                std::vector<double> b_vals, s_vals, diffs;
                for (std::size_t j = 0; j < n_rep; ++j) {
                    const double bv = horizon_value(base.replicates[j], k, *area, weeks_from);
                    const double sv = horizon_value(scen.replicates[j], k, *area, weeks_from);
                    // A pair counts only if both are defined (e.g. some buurtteam case started in both).
                    if (std::isfinite(bv) && std::isfinite(sv)) {
                        b_vals.push_back(bv);
                        s_vals.push_back(sv);
                        diffs.push_back(sv - bv);
                    }
                }
                const MeanInterval d = t_interval(diffs, confidence);
                r.replicates = std::int32_t(d.n);
                r.baseline_mean = t_interval(b_vals, confidence).mean;
                r.scenario_mean = t_interval(s_vals, confidence).mean;
                r.estimate = d.mean;
                r.ci_low = d.low;
                r.ci_high = d.high;
                r.relative_change = r.baseline_mean != 0 && std::isfinite(r.baseline_mean) ? d.mean / r.baseline_mean : nan;
                c.rows.push_back(std::move(r));
            }
            // Care cost saved per euro spent on interventions, per replicate pair:
            // (baseline care cost - scenario care cost) / scenario intervention cost,
            // care cost = total - intervention. Undefined without intervention cost.
            ComparisonRow r = row(std::string(savings_indicator), savings_label, savings_unit);
            std::vector<double> ratios;
            for (std::size_t j = 0; j < n_rep; ++j) {
                const double b_care = horizon_value(base.replicates[j], *total, *area, weeks_from)
                                      - horizon_value(base.replicates[j], *intervention, *area, weeks_from);
                const double s_int = horizon_value(scen.replicates[j], *intervention, *area, weeks_from);
                const double s_care = horizon_value(scen.replicates[j], *total, *area, weeks_from) - s_int;
                ratios.push_back(s_int > 0 ? (b_care - s_care) / s_int : nan);
            }
            const MeanInterval q = t_interval(ratios, confidence);
            r.replicates = std::int32_t(q.n);
            r.baseline_mean = r.scenario_mean = r.relative_change = nan;
            r.estimate = q.mean;
            r.ci_low = q.low;
            r.ci_high = q.high;
            c.rows.push_back(std::move(r));
        }
    }
    return c;
}

}  // namespace buurtsim
