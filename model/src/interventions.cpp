// Resolving intervention targets against the simulated areas, and checks
// that only make sense once the areas are known.
#include "buurtsim/interventions.hpp"

#include "buurtsim/error.hpp"

#include <algorithm>
#include <numeric>
#include <string>

namespace buurtsim {
namespace {

std::string known_list(const std::vector<std::string>& codes) {
    std::string s;
    for (std::size_t k = 0; k < codes.size() && k < 5; ++k) s += (k ? ", " : "") + codes[k];
    return s + (codes.size() > 5 ? ", ..." : "");
}

}  // namespace

std::vector<std::uint32_t> resolve_target(const TargetParams& t, const Population& pop, const char* key) {
    const std::string k = key;
    const int rules = int(!t.buurten.empty()) + int(!t.wijken.empty()) + int(t.most_vulnerable > 0);
    if (rules == 0) throw ParamError(k + ": no target: set " + k + ".buurten, " + k + ".wijken or " + k + ".most_vulnerable");
    if (rules > 1)
        throw ParamError(k + ": contradictory targets: set only one of " + k + ".buurten, " + k + ".wijken and " + k +
                         ".most_vulnerable");
    const auto& bs = pop.geo.buurten;
    std::vector<std::uint8_t> chosen(bs.size(), 0);
    for (const std::string& code : t.buurten) {
        const auto it = std::find_if(bs.begin(), bs.end(), [&](const Buurt& b) { return b.code == code; });
        if (it == bs.end()) {
            std::vector<std::string> known;
            for (const Buurt& b : bs) known.push_back(b.code);
            throw ParamError(k + ".buurten: buurt code \"" + code + "\" is not among the simulated buurten (" +
                             known_list(known) + "); check population.buurten / population.wijken");
        }
        if (chosen[std::size_t(it - bs.begin())])
            throw ParamError(k + ".buurten: \"" + code + "\" is listed twice");
        chosen[std::size_t(it - bs.begin())] = 1;
    }
    for (const std::string& code : t.wijken) {
        bool found = false;
        for (std::size_t b = 0; b < bs.size(); ++b)
            if (pop.geo.wijken[bs[b].wijk].code == code) {
                if (chosen[b]) throw ParamError(k + ".wijken: \"" + code + "\" is listed twice");
                chosen[b] = 1;
                found = true;
            }
        if (!found) {
            std::vector<std::string> known;
            for (const Wijk& w : pop.geo.wijken) known.push_back(w.code);
            throw ParamError(k + ".wijken: wijk code \"" + code + "\" is not among the simulated wijken (" +
                             known_list(known) + ")");
        }
    }
    if (t.most_vulnerable > 0) {
        if (std::size_t(t.most_vulnerable) > bs.size())
            throw ParamError(k + ".most_vulnerable = " + std::to_string(t.most_vulnerable) + " but only " +
                             std::to_string(bs.size()) + " buurten are simulated");
        // CBS counts (scaled), not the synthetic draws: the same buurten in every replicate.
        std::vector<std::uint32_t> order(bs.size());
        std::iota(order.begin(), order.end(), 0u);
        const auto vulnerable = [&](std::uint32_t b) { return pop.targets[b].bijstand + pop.targets[b].disability; };
        std::stable_sort(order.begin(), order.end(),
                         [&](std::uint32_t a, std::uint32_t b) { return vulnerable(a) > vulnerable(b); });
        for (std::int64_t n = 0; n < t.most_vulnerable; ++n) chosen[order[std::size_t(n)]] = 1;
    }
    std::vector<std::uint32_t> out;
    for (std::uint32_t b = 0; b < bs.size(); ++b)
        if (chosen[b]) out.push_back(b);
    return out;
}

InterventionPlan plan_interventions(const Params& p, const Population& pop) {
    const std::size_t nb = pop.geo.buurten.size(), nw = pop.geo.wijken.size();
    InterventionPlan plan;
    plan.ondersteuner.assign(nb, 0);
    plan.buurtkamer.assign(nb, 0);
    plan.facilitator.assign(nw, 0);
    plan.facilitator_intensity.assign(nw, 0.0);
    plan.weekly_cost_facilitator.assign(nw, 0.0);
    plan.targeted.assign(nb, 0);
    plan.wijk_residents = residents_per_wijk(pop);
    const double weeks_per_year = 52.0;

    if (p.buurtondersteuner.fte > 0) {
        for (std::uint32_t b : resolve_target(p.buurtondersteuner.target, pop, "buurtondersteuner"))
            plan.ondersteuner[b] = plan.targeted[b] = 1;
        plan.weekly_cost_ondersteuner = p.buurtondersteuner.fte * p.buurtondersteuner.cost_per_fte_year / weeks_per_year;
    }
    if (p.buurtkamer.seats_per_1000 > 0) {
        for (std::uint32_t b : resolve_target(p.buurtkamer.target, pop, "buurtkamer"))
            plan.buurtkamer[b] = plan.targeted[b] = 1;
        plan.weekly_cost_buurtkamer =
            (p.buurtkamer.cost_per_year + p.buurtkamer.makelaar_fte * p.buurtkamer.cost_per_fte_year) / weeks_per_year;
    }
    if (p.facilitator.fte > 0) {
        if (p.facilitator.every_wijk && !p.facilitator.wijken.empty())
            throw ParamError("facilitator: contradictory targets: every_wijk = true and facilitator.wijken are both set");
        if (!p.facilitator.every_wijk && p.facilitator.wijken.empty())
            throw ParamError("facilitator: no target: set facilitator.every_wijk = true or facilitator.wijken");
        TargetParams t;
        t.wijken = p.facilitator.wijken;
        std::vector<std::uint32_t> buurten;
        if (p.facilitator.every_wijk) {
            buurten.resize(nb);
            std::iota(buurten.begin(), buurten.end(), 0u);
        } else {
            buurten = resolve_target(t, pop, "facilitator");
        }
        const std::vector<double>& residents = plan.wijk_residents;
        for (std::uint32_t b : buurten) {
            plan.facilitator[pop.geo.buurten[b].wijk] = 1;
            plan.targeted[b] = 1;
        }
        for (std::size_t w = 0; w < nw; ++w) {
            if (!plan.facilitator[w] || residents[w] <= 0) continue;
            // FTE per 10,000 real residents: the simulated count divided by the scale.
            plan.facilitator_intensity[w] = p.facilitator.fte / (residents[w] / p.population.scale / 10000.0);
            plan.weekly_cost_facilitator[w] = p.facilitator.fte * p.facilitator.cost_per_fte_year / weeks_per_year;
        }
    }
    return plan;
}

}  // namespace buurtsim
