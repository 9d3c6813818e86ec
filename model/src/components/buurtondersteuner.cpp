// The buurtondersteuner: a paid person embedded in one buurt (DESIGN 1).
// Residents who know the ondersteuner (a share that grows as they embed)
// bring open questions; the brokerage phase (phase_brokerage.cpp) looks for
// a neighbour or volunteer and refers on what the community cannot solve.
// This component sets that phase's levers in its buurten: the week's hours,
// the reach, and its own random sub-streams; and it charges its cost.
#include "components/builtin.hpp"
#include "components/param_rows.hpp"

#include <cmath>

namespace buurtsim {
namespace {

struct OndersteunerParams {
    double fte;                     // FTE per targeted buurt (0: off)
    std::int64_t start_week;        // first active recorded week
    std::int64_t end_week;          // last active week; -1: to the horizon
    TargetParams target;
    double embedding_weeks;         // weeks for reach to grow to 63 % of its maximum
    double reach_max;               // share of adults who know the ondersteuner at full embedding
    double client_hours_per_fte;    // hours per FTE per week spent on residents' questions
    double hours_per_question;      // hours to broker one question
    std::int64_t match_attempts;    // residents or volunteers tried per question before referring on
    double cost_per_fte_year;       // euro
};

class Run final : public ComponentRun {
public:
    Run(const Params& p, const Population& pop, StreamBlock streams)
        : o_(p.parts.get<OndersteunerParams>()), scale_(p.population.scale), streams_(streams) {
        buurten_ = resolve_target(o_.target, pop, "buurtondersteuner");
        reaches.assign(pop.geo.buurten.size(), 0);
        for (std::uint32_t b : buurten_) reaches[b] = 1;
        weekly_cost_ = o_.fte * o_.cost_per_fte_year / weeks_per_year;
    }

    void set_levers(std::int64_t w, Levers& l) const override {
        if (!active(o_.start_week, o_.end_week, w)) return;
        const double weeks_in = double(w - o_.start_week + 1);
        const double reach = o_.reach_max * (1.0 - std::exp(-weeks_in / o_.embedding_weeks));
        // Capacity follows the simulated share of residents, like every other capacity.
        const double hours = o_.fte * o_.client_hours_per_fte * scale_;
        for (std::uint32_t b : buurten_) {
            l.broker_hours[b] += hours;
            l.broker_reach[b] = reach;
            l.intervention_cost_eur[b] += weekly_cost_ * scale_;
        }
        l.broker_hours_per_question = o_.hours_per_question;
        l.broker_match_attempts = o_.match_attempts;
        l.broker_sub = streams_.sub(0);
    }

private:
    OndersteunerParams o_;
    double scale_;
    StreamBlock streams_;
    std::vector<std::uint32_t> buurten_;
    double weekly_cost_ = 0;  // euro per targeted buurt per week while active
};

class Ondersteuner final : public Component {
public:
    std::string_view name() const override { return "buurtondersteuner"; }
    std::string_view summary() const override {
        return "a paid person per buurt who brokers residents' questions to neighbours and volunteers";
    }
    std::uint32_t streams() const override { return 3; }  // who knows them, order of clients, matching
    std::vector<ParamSpec> params() const override {
        return {
        {"buurtondersteuner.fte", "0.0", "FTE/buurt", 0, 20,
         "Buurtondersteuner FTE in each targeted buurt; 0 switches the intervention off.", "scenario choice",
         PART_R(OndersteunerParams, fte)},
        {"buurtondersteuner.start_week", "0", "week", 0, 5200, "First recorded week the ondersteuner works.",
         "scenario choice", PART_I(OndersteunerParams, start_week)},
        {"buurtondersteuner.end_week", "-1", "week", -1, 5200, "Last week the ondersteuner works; -1: to the horizon.",
         "scenario choice", PART_I(OndersteunerParams, end_week)},
        {"buurtondersteuner.buurten", "[]", "-", 0, 0, "Targeted buurt codes.", "scenario choice",
         PART_L(OndersteunerParams, target.buurten)},
        {"buurtondersteuner.wijken", "[]", "-", 0, 0, "Targeted wijk codes (all their buurten).", "scenario choice",
         PART_L(OndersteunerParams, target.wijken)},
        {"buurtondersteuner.most_vulnerable", "0", "buurten", 0, 1000,
         "Target the N buurten with most residents on bijstand or disability benefit (CBS); 0: not used.",
         "scenario choice", PART_I(OndersteunerParams, target.most_vulnerable)},
        {"buurtondersteuner.embedding_weeks", "26", "week", 0, 520,
         "Weeks for the ondersteuner's reach to grow to 63 % of its maximum (reach = max x (1 - exp(-t / embedding_weeks))).",
         "assumption: embedding and legitimacy take months (DESIGN 1)", PART_R(OndersteunerParams, embedding_weeks), true},
        {"buurtondersteuner.reach_max", "0.5", "share", 0, 1,
         "Share of adults in the buurt who know the ondersteuner at full embedding.", "assumption",
         PART_R(OndersteunerParams, reach_max)},
        {"buurtondersteuner.client_hours_per_fte", "24", "h/week", 0, 40,
         "Hours per FTE per week spent on residents' questions.", "assumption", PART_R(OndersteunerParams, client_hours_per_fte)},
        {"buurtondersteuner.hours_per_question", "1.5", "h", 0, 100,
         "Ondersteuner hours to take up and broker one question.", "assumption",
         PART_R(OndersteunerParams, hours_per_question), true},
        {"buurtondersteuner.match_attempts", "5", "residents", 0, 100,
         "Volunteers or neighbours the ondersteuner tries per question before referring it on.", "assumption",
         PART_I(OndersteunerParams, match_attempts)},
        {"buurtondersteuner.cost_per_fte_year", "75000", "EUR/FTE/year", 0, 1e7,
         "Cost of one buurtondersteuner FTE per year, overhead included.",
         "assumption: salary of a social worker (CAO Sociaal Werk) plus overhead", PART_R(OndersteunerParams, cost_per_fte_year)},
        };
    }
    void validate(const Params& p, const KeyOrigin& at) const override {
        const auto& o = p.parts.get<OndersteunerParams>();
        check_window(name(), o.start_week, o.end_week, at);
    }
    bool on(const Params& p) const override { return p.parts.get<OndersteunerParams>().fte > 0; }
    std::string describe(const Params& p) const override {
        return "buurtondersteuner " + fmt_g(p.parts.get<OndersteunerParams>().fte) + " FTE per targeted buurt";
    }
    std::unique_ptr<ComponentRun> start(const Params& p, const Population& pop, StreamBlock s) const override {
        return std::make_unique<Run>(p, pop, s);
    }
};

}  // namespace

const Component& buurtondersteuner_component() {
    static const Ondersteuner c;
    return c;
}

}  // namespace buurtsim
