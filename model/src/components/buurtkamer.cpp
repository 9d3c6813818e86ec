// Buurtkamers with a sociaal makelaar (DESIGN 1): a new low-threshold meeting
// place in each targeted buurt (extra seats for the meeting phase) whose
// makelaar helps this week's visitors into volunteering (a recruitment
// multiplier for visitors). Cost: running cost plus the makelaar.
// The makelaar's effect saturates: the visitors of one buurtkamer are few, so
// a second FTE meets the same people. The boost is recruit_boost x
// k (1 - exp(-makelaar_fte / k)), k = saturation_fte: like the FTE when
// small, never beyond recruit_boost x k.
#include "components/builtin.hpp"
#include "components/param_rows.hpp"

#include <cmath>

namespace buurtsim {
namespace {

struct BuurtkamerParams {
    double seats_per_1000;          // extra visits per week per 1000 residents in each targeted buurt (0: off)
    std::int64_t start_week;
    std::int64_t end_week;
    TargetParams target;
    double makelaar_fte;            // sociaal makelaar FTE per targeted buurt
    double recruit_boost;           // relative increase of recruitment among visitors per makelaar FTE
    double cost_per_year;           // running cost of one buurtkamer, euro per year
    double cost_per_fte_year;       // sociaal makelaar, euro per FTE per year
    double saturation_fte;          // makelaar FTE at which the recruitment boost reaches 63 % of its ceiling
};

class Run final : public ComponentRun {
public:
    Run(const Params& p, const Population& pop) : k_(p.parts.get<BuurtkamerParams>()), scale_(p.population.scale) {
        buurten_ = resolve_target(k_.target, pop, "buurtkamer");
        reaches.assign(pop.geo.buurten.size(), 0);
        for (std::uint32_t b : buurten_) reaches[b] = 1;
        weekly_cost_ = (k_.cost_per_year + k_.makelaar_fte * k_.cost_per_fte_year) / weeks_per_year;
        visitor_boost_ = k_.recruit_boost * k_.saturation_fte * -std::expm1(-k_.makelaar_fte / k_.saturation_fte);
    }

    void set_levers(std::int64_t w, Levers& l) const override {
        if (!active(k_.start_week, k_.end_week, w)) return;
        for (std::uint32_t b : buurten_) {
            l.seats_per_1000[b] += k_.seats_per_1000;
            l.visitor_recruit_multiplier[b] += visitor_boost_;
            l.intervention_cost_eur[b] += weekly_cost_ * scale_;
        }
    }

private:
    BuurtkamerParams k_;
    double scale_;
    std::vector<std::uint32_t> buurten_;
    double weekly_cost_ = 0;  // euro per targeted buurt per week while active
    double visitor_boost_ = 0;  // added to the visitors' recruitment multiplier (saturating in makelaar FTE)
};

class Buurtkamer final : public Component {
public:
    std::string_view name() const override { return "buurtkamer"; }
    std::string_view summary() const override {
        return "new buurtkamers with a sociaal makelaar: meeting places that recruit volunteers";
    }
    std::vector<ParamSpec> params() const override {
        return {
        {"buurtkamer.seats_per_1000", "0.0", "visits/week/1000 residents", 0, 1000,
         "Extra visits per week per 1000 residents a new buurtkamer hosts in each targeted buurt; 0 switches it off.",
         "scenario choice", PART_R(BuurtkamerParams, seats_per_1000),
         not_uncertain("the dose of the intervention, a policy choice (the size of the new buurtkamers)")},
        {"buurtkamer.start_week", "0", "week", 0, 5200, "First recorded week the buurtkamers are open.",
         "scenario choice", PART_I(BuurtkamerParams, start_week),
         not_uncertain("when the intervention runs, a policy choice")},
        {"buurtkamer.end_week", "-1", "week", -1, 5200, "Last week; -1: to the horizon.", "scenario choice",
         PART_I(BuurtkamerParams, end_week),
         not_uncertain("when the intervention runs, a policy choice")},
        {"buurtkamer.buurten", "[]", "-", 0, 0, "Targeted buurt codes.", "scenario choice", PART_L(BuurtkamerParams, target.buurten),
         not_uncertain("which areas the intervention targets, a policy choice")},
        {"buurtkamer.wijken", "[]", "-", 0, 0, "Targeted wijk codes.", "scenario choice", PART_L(BuurtkamerParams, target.wijken),
         not_uncertain("which areas the intervention targets, a policy choice")},
        {"buurtkamer.most_vulnerable", "0", "buurten", 0, 1000,
         "Target the N buurten with most residents on bijstand or disability benefit; 0: not used.", "scenario choice",
         PART_I(BuurtkamerParams, target.most_vulnerable),
         not_uncertain("which areas the intervention targets, a policy choice")},
        {"buurtkamer.makelaar_fte", "0.5", "FTE/buurt", 0, 20,
         "Sociaal makelaar FTE per buurtkamer, helping visitors into volunteering.", "assumption",
         PART_R(BuurtkamerParams, makelaar_fte),
         not_uncertain("the dose of the intervention, a policy choice (the makelaar's FTE per buurtkamer)")},
        {"buurtkamer.recruit_boost", "1.0", "ratio per FTE", 0, 100,
         "Relative increase of volunteer recruitment among this week's visitors, per makelaar FTE of effective FTE "
         "(saturation_fte).", "assumption",
         PART_R(BuurtkamerParams, recruit_boost),
         plausible(0.3, 2, "assumption: a third to twice the default")},
        {"buurtkamer.saturation_fte", "1.0", "FTE", 0, 20,
         "Saturation of the makelaar's recruitment effect: effective FTE = k (1 - exp(-makelaar_fte / k)), k this value.",
         "assumption", PART_R(BuurtkamerParams, saturation_fte),
         plausible(0.5, 2, "assumption: one makelaar can speak to most visitors of one buurtkamer; more FTE meet the same "
                   "visitors"), true},
        {"buurtkamer.cost_per_year", "25000", "EUR/year", 0, 1e7,
         "Running cost of one buurtkamer (rent, activities) per year.", "assumption", PART_R(BuurtkamerParams, cost_per_year),
         plausible(15000, 50000, "assumption: rent of a small space and an activity budget, from a room in a school or church to a"
                   " rented ground floor")},
        {"buurtkamer.cost_per_fte_year", "70000", "EUR/FTE/year", 0, 1e7,
         "Cost of one sociaal makelaar FTE per year.", "assumption", PART_R(BuurtkamerParams, cost_per_fte_year),
         plausible(55000, 90000, "assumption: CAO Sociaal Werk salary scales, with employer charges and overhead")},
        };
    }
    void validate(const Params& p, const KeyOrigin& at) const override {
        const auto& k = p.parts.get<BuurtkamerParams>();
        check_window(name(), k.start_week, k.end_week, at);
    }
    bool on(const Params& p) const override { return p.parts.get<BuurtkamerParams>().seats_per_1000 > 0; }
    std::string describe(const Params& p) const override {
        const auto& k = p.parts.get<BuurtkamerParams>();
        return "buurtkamer with " + fmt_g(k.seats_per_1000) + " extra visits per 1000 residents per week" +
               (k.makelaar_fte > 0 ? " and " + fmt_g(k.makelaar_fte) + " FTE sociaal makelaar" : "");
    }
    std::unique_ptr<ComponentRun> start(const Params& p, const Population& pop, StreamBlock) const override {
        return std::make_unique<Run>(p, pop);
    }
};

}  // namespace

const Component& buurtkamer_component() {
    static const Buurtkamer c;
    return c;
}

}  // namespace buurtsim
