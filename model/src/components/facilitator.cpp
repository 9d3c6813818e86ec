// The community facilitator works at wijk level (DESIGN 1): makes
// initiatives visible (residents learn where community help is), reaches out
// to vulnerable residents (they learn the way to the buurtteam), organises
// meetings (extra seats) and raises volunteer recruitment. Its intensity is
// FTE per 10,000 real residents of the wijk; its cost is spread over the
// wijk's buurten by residents.
//
// Dose-response saturates: a wijk has only so many initiatives, meeting
// places and residents to reach, so extra FTE reach the same ones. Every
// effect is driven by the effective intensity
//   k (1 - exp(-intensity / k)),  k = saturation_fte_per_10k,
// which grows like the intensity when it is small and never exceeds k; and a
// weekly rate r becomes the probability 1 - exp(-r x effective intensity),
// which stays below 1 whatever the FTE.
#include "components/builtin.hpp"
#include "components/param_rows.hpp"

#include "buurtsim/error.hpp"

#include <cmath>
#include <numeric>

namespace buurtsim {
namespace {

struct FacilitatorParams {
    double fte;                     // FTE per targeted wijk (0: off)
    std::int64_t start_week;
    std::int64_t end_week;
    bool every_wijk;                // target all wijken (else wijken)
    std::vector<std::string> wijken;
    double info_rate;               // weekly probability per FTE/10k residents that an adult learns where community help is
    double outreach_rate;           // same for vulnerable residents learning the way to the buurtteam
    double extra_seats_per_1000;    // extra meeting visits per week per 1000 residents, per FTE/10k residents
    double recruit_boost;           // relative increase of volunteer recruitment per FTE/10k residents
    double cost_per_fte_year;
    double saturation;              // FTE per 10k residents at which the effects reach 63 % of their ceiling
};

class Run final : public ComponentRun {
public:
    Run(const Params& p, const Population& pop, StreamBlock streams)
        : f_(p.parts.get<FacilitatorParams>()), scale_(p.population.scale), streams_(streams) {
        const std::size_t nb = pop.geo.buurten.size(), nw = pop.geo.wijken.size();
        if (f_.every_wijk && !f_.wijken.empty())
            throw ParamError("facilitator: contradictory targets: every_wijk = true and facilitator.wijken are both set");
        if (!f_.every_wijk && f_.wijken.empty())
            throw ParamError("facilitator: no target: set facilitator.every_wijk = true or facilitator.wijken");
        std::vector<std::uint32_t> buurten;
        if (f_.every_wijk) {
            buurten.resize(nb);
            std::iota(buurten.begin(), buurten.end(), 0u);
        } else {
            TargetParams t;
            t.wijken = f_.wijken;
            buurten = resolve_target(t, pop, "facilitator");
        }
        reaches.assign(nb, 0);
        wijk_.resize(nb);
        share_.assign(nb, 0.0);
        std::vector<std::uint8_t> in_wijk(nw, 0);
        for (std::uint32_t b : buurten) reaches[b] = in_wijk[pop.geo.buurten[b].wijk] = 1;
        intensity_.assign(nw, 0.0);
        weekly_cost_.assign(nw, 0.0);
        const std::vector<double> residents = residents_per_wijk(pop);
        for (std::size_t w = 0; w < nw; ++w) {
            if (!in_wijk[w] || residents[w] <= 0) continue;
            // FTE per 10,000 real residents: the simulated count divided by the scale.
            intensity_[w] = f_.fte / (residents[w] / p.population.scale / 10000.0);
            weekly_cost_[w] = f_.fte * f_.cost_per_fte_year / weeks_per_year;
        }
        for (std::uint32_t b = 0; b < nb; ++b) {
            wijk_[b] = pop.geo.buurten[b].wijk;
            const double r = residents[wijk_[b]];
            share_[b] = r > 0 ? (pop.buurt_begin[b + 1] - pop.buurt_begin[b]) / r : 0;
            in_wijk_buurt_.push_back(in_wijk[wijk_[b]]);
        }
    }

    void set_levers(std::int64_t w, Levers& l) const override {
        if (!active(f_.start_week, f_.end_week, w)) return;
        for (std::size_t b = 0; b < wijk_.size(); ++b) {
            if (!in_wijk_buurt_[b]) continue;
            l.intervention_cost_eur[b] += weekly_cost_[wijk_[b]] * scale_ * share_[b];
            const double intensity = intensity_[wijk_[b]];
            if (intensity <= 0) continue;
            const double x = effective_intensity(intensity);
            l.learn_community[b] = 1.0 - std::exp(-f_.info_rate * x);
            l.learn_buurtteam_vulnerable[b] = 1.0 - std::exp(-f_.outreach_rate * x);
            l.seats_per_1000[b] += f_.extra_seats_per_1000 * x;
            l.recruit_multiplier[b] += f_.recruit_boost * x;
        }
        l.information_sub = streams_.sub(0);
    }

private:
    // Saturating dose-response: ~intensity when small, at most the saturation intensity.
    double effective_intensity(double intensity) const {
        return f_.saturation * -std::expm1(-intensity / f_.saturation);
    }

    FacilitatorParams f_;
    double scale_;
    StreamBlock streams_;
    std::vector<double> intensity_;      // per wijk: FTE per 10,000 (unscaled) residents
    std::vector<double> weekly_cost_;    // per wijk: euro per week while active
    std::vector<std::uint32_t> wijk_;    // per buurt
    std::vector<double> share_;          // per buurt: its share of the wijk's residents
    std::vector<std::uint8_t> in_wijk_buurt_;  // per buurt: its wijk has a facilitator
};

class Facilitator final : public Component {
public:
    std::string_view name() const override { return "facilitator"; }
    std::string_view summary() const override {
        return "a community facilitator per wijk: information, outreach, meetings and volunteer recruitment";
    }
    std::uint32_t streams() const override { return 1; }  // information and outreach
    std::vector<ParamSpec> params() const override {
        return {
        {"facilitator.fte", "0.0", "FTE/wijk", 0, 50,
         "Community facilitator FTE in each targeted wijk; 0 switches it off.", "scenario choice", PART_R(FacilitatorParams, fte),
         not_uncertain("the dose of the intervention, a policy choice")},
        {"facilitator.start_week", "0", "week", 0, 5200, "First recorded week the facilitator works.", "scenario choice",
         PART_I(FacilitatorParams, start_week),
         not_uncertain("when the intervention runs, a policy choice")},
        {"facilitator.end_week", "-1", "week", -1, 5200, "Last week; -1: to the horizon.", "scenario choice",
         PART_I(FacilitatorParams, end_week),
         not_uncertain("when the intervention runs, a policy choice")},
        {"facilitator.every_wijk", "false", "-", 0, 0, "Target every wijk.", "scenario choice",
         PART_B(FacilitatorParams, every_wijk),
         not_uncertain("which areas the intervention targets, a policy choice")},
        {"facilitator.wijken", "[]", "-", 0, 0, "Targeted wijk codes (with every_wijk = false).", "scenario choice",
         PART_L(FacilitatorParams, wijken),
         not_uncertain("which areas the intervention targets, a policy choice")},
        {"facilitator.info_rate", "0.01", "1/week per FTE/10k", 0, 1,
         "Weekly rate, per FTE per 10,000 residents of effective intensity, at which an adult who does not know where to find "
         "community help learns it (wijkportaal, kennismarkt); the weekly probability is 1 - exp(-info_rate x effective intensity).",
         "assumption", PART_R(FacilitatorParams, info_rate),
         plausible(0.003, 0.03, "assumption: a third to three times the default; no Dutch figure for how fast residents learn of "
                   "initiatives")},
        {"facilitator.outreach_rate", "0.01", "1/week per FTE/10k", 0, 1,
         "Same for residents in a vulnerability group learning the way to the buurtteam (outreach).", "assumption",
         PART_R(FacilitatorParams, outreach_rate),
         plausible(0.003, 0.03, "assumption: as facilitator.info_rate")},
        {"facilitator.extra_seats_per_1000", "5", "visits/week/1000 per FTE/10k", 0, 1000,
         "Extra meeting visits (meetings, learning community) per 1000 residents per week, per FTE per 10,000 residents of effective intensity.",
         "assumption", PART_R(FacilitatorParams, extra_seats_per_1000),
         plausible(2, 10, "assumption: half to twice the default")},
        {"facilitator.recruit_boost", "0.3", "ratio per FTE/10k", 0, 100,
         "Relative increase of volunteer recruitment in the wijk per FTE per 10,000 residents of effective intensity.", "assumption",
         PART_R(FacilitatorParams, recruit_boost),
         plausible(0.1, 0.6, "assumption: a third to twice the default")},
        {"facilitator.saturation_fte_per_10k", "1.0", "FTE/10k residents", 0, 100,
         "Saturation of the facilitator's effects: effective intensity = k (1 - exp(-intensity / k)), k this value, so "
         "effects grow like the FTE when few and never beyond what k FTE per 10,000 residents would give linearly.",
         "assumption", PART_R(FacilitatorParams, saturation),
         plausible(0.5, 2, "assumption: one facilitator per 10,000 residents can know most initiatives and meeting places of"
                   " that area; beyond that extra FTE reach the same initiatives and residents"), true},
        {"facilitator.cost_per_fte_year", "80000", "EUR/FTE/year", 0, 1e7,
         "Cost of one facilitator FTE per year, overhead included.", "assumption", PART_R(FacilitatorParams, cost_per_fte_year),
         plausible(65000, 100000, "assumption: CAO Sociaal Werk salary scales for a senior role, with employer charges and overhead")},
        };
    }
    void validate(const Params& p, const KeyOrigin& at) const override {
        const auto& f = p.parts.get<FacilitatorParams>();
        check_window(name(), f.start_week, f.end_week, at);
    }
    bool on(const Params& p) const override { return p.parts.get<FacilitatorParams>().fte > 0; }
    std::string describe(const Params& p) const override {
        const auto& f = p.parts.get<FacilitatorParams>();
        return "community facilitator " + fmt_g(f.fte) + " FTE per " + (f.every_wijk ? "wijk (every wijk)" : "targeted wijk");
    }
    std::unique_ptr<ComponentRun> start(const Params& p, const Population& pop, StreamBlock s) const override {
        return std::make_unique<Run>(p, pop, s);
    }
};

}  // namespace

const Component& facilitator_component() {
    static const Facilitator c;
    return c;
}

}  // namespace buurtsim
