// Staff shortage (krapte): buurtteams lose a share of their budgeted hours
// for a while. Not an intervention of the city but a scenario of the same
// kind: it works through one lever, the teams' capacity factor.
#include "components/builtin.hpp"
#include "components/param_rows.hpp"

namespace buurtsim {
namespace {

struct StaffShortageParams {
    double reduction;               // share of buurtteam capacity lost (0: off)
    std::int64_t start_week;
    std::int64_t end_week;
};

class Run final : public ComponentRun {
public:
    explicit Run(const Params& p, const Population& pop) : s_(p.parts.get<StaffShortageParams>()) {
        reaches.assign(pop.geo.buurten.size(), 0);  // every team: no buurt is "targeted"
    }
    void set_levers(std::int64_t w, Levers& l) const override {
        if (!active(s_.start_week, s_.end_week, w)) return;
        for (double& f : l.team_capacity_factor) f *= 1.0 - s_.reduction;
    }

private:
    StaffShortageParams s_;
};

class StaffShortage final : public Component {
public:
    std::string_view name() const override { return "staff_shortage"; }
    std::string_view summary() const override { return "buurtteams lose a share of their hours for a while"; }
    std::vector<ParamSpec> params() const override {
        return {
        {"staff_shortage.reduction", "0.0", "share", 0, 1,
         "Share of buurtteam capacity lost from start_week (krapte); 0: off.", "scenario choice",
         PART_R(StaffShortageParams, reduction),
         not_uncertain("the premise of the staff-shortage scenario")},
        {"staff_shortage.start_week", "0", "week", 0, 5200, "First week of the shortage.", "scenario choice",
         PART_I(StaffShortageParams, start_week),
         not_uncertain("the premise of the staff-shortage scenario")},
        {"staff_shortage.end_week", "-1", "week", -1, 5200, "Last week of the shortage; -1: to the horizon.",
         "scenario choice", PART_I(StaffShortageParams, end_week),
         not_uncertain("the premise of the staff-shortage scenario")},
        };
    }
    void validate(const Params& p, const KeyOrigin& at) const override {
        const auto& s = p.parts.get<StaffShortageParams>();
        check_window(name(), s.start_week, s.end_week, at);
    }
    bool on(const Params& p) const override { return p.parts.get<StaffShortageParams>().reduction > 0; }
    std::string describe(const Params& p) const override {
        const auto& s = p.parts.get<StaffShortageParams>();
        char pct[16];
        std::snprintf(pct, sizeof pct, "%.0f", 100 * s.reduction);
        return "buurtteam capacity -" + std::string(pct) + " % from week " + std::to_string(s.start_week);
    }
    std::unique_ptr<ComponentRun> start(const Params& p, const Population& pop, StreamBlock) const override {
        return std::make_unique<Run>(p, pop);
    }
};

}  // namespace

const Component& staff_shortage_component() {
    static const StaffShortage c;
    return c;
}

}  // namespace buurtsim
