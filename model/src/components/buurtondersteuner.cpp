// The buurtondersteuner: a paid person embedded in one buurt (DESIGN 1).
// Residents who know the ondersteuner (a share that grows as they embed)
// bring any open question; the brokerage phase (phase_brokerage.cpp) triages
// it (what the community can carry, what needs a professional), gives light
// help itself, finds a neighbour, volunteer or mantelzorger, and refers on
// only what needs professional help. Mantelzorgers who know the ondersteuner
// bring their strain and get advice and respite (lower burden growth).
// Residents and carers helped count as supported for a while: a lower
// escalation hazard, a smaller loss of self-reliance, lower carer burden
// growth (the support levers, read by the escalation, health and carers
// phases). This component sets those levers in its buurten: the week's
// hours, the reach, the triage and light-help rules, what support does, and
// its own random sub-streams; and it charges its cost.
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
    double light_help_hours;        // light help: questions needing at most this many hours (0: none)
    double triage_care_hours;       // triage: care questions of at most this many hours a week the community can carry (0: none)
    double triage_self_reliance;    // ... for residents with at least this self-reliance
    double carer_burden;            // carers with at least this burden bring their strain
    double carer_hours;             // ondersteuner hours per strained carer supported (0: no carer support)
    double carer_burden_relief;     // share of a supported carer's burden growth removed
    std::int64_t support_weeks;     // weeks a resident or carer helped counts as supported
    double support_escalation_factor;  // multiplies a supported resident's escalation hazard
    double support_loss_factor;     // multiplies a supported resident's self-reliance loss
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
        if (w < o_.start_week) return;
        // Support already given keeps its effect until it runs out, also after the end week.
        for (std::uint32_t b : buurten_) {
            l.support_escalation_factor[b] *= o_.support_escalation_factor;
            l.support_loss_factor[b] *= o_.support_loss_factor;
            l.carer_burden_relief[b] = 1.0 - (1.0 - l.carer_burden_relief[b]) * (1.0 - o_.carer_burden_relief);
        }
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
        l.broker_light_help_hours = o_.light_help_hours;
        l.broker_triage_care_hours = o_.triage_care_hours;
        l.broker_triage_self_reliance = o_.triage_self_reliance;
        l.broker_carer_burden = o_.carer_burden;
        l.broker_carer_hours = o_.carer_hours;
        l.broker_support_weeks = o_.support_weeks;
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
        return "a paid person per buurt who triages residents' questions, gives light help, finds neighbours, "
               "volunteers and mantelzorgers, supports carers and refers on what needs a professional";
    }
    std::uint32_t streams() const override { return 3; }  // who knows them, order of clients, matching
    std::vector<ParamSpec> params() const override {
        return {
        {"buurtondersteuner.fte", "0.0", "FTE/buurt", 0, 20,
         "Buurtondersteuner FTE in each targeted buurt; 0 switches the intervention off.", "scenario choice",
         PART_R(OndersteunerParams, fte),
         not_uncertain("the dose of the intervention, a policy choice")},
        {"buurtondersteuner.start_week", "0", "week", 0, 5200, "First recorded week the ondersteuner works.",
         "scenario choice", PART_I(OndersteunerParams, start_week),
         not_uncertain("when the intervention runs, a policy choice")},
        {"buurtondersteuner.end_week", "-1", "week", -1, 5200, "Last week the ondersteuner works; -1: to the horizon.",
         "scenario choice", PART_I(OndersteunerParams, end_week),
         not_uncertain("when the intervention runs, a policy choice")},
        {"buurtondersteuner.buurten", "[]", "-", 0, 0, "Targeted buurt codes.", "scenario choice",
         PART_L(OndersteunerParams, target.buurten),
         not_uncertain("which areas the intervention targets, a policy choice")},
        {"buurtondersteuner.wijken", "[]", "-", 0, 0, "Targeted wijk codes (all their buurten).", "scenario choice",
         PART_L(OndersteunerParams, target.wijken),
         not_uncertain("which areas the intervention targets, a policy choice")},
        {"buurtondersteuner.most_vulnerable", "0", "buurten", 0, 1000,
         "Target the N buurten with most residents on bijstand or disability benefit (CBS); 0: not used.",
         "scenario choice", PART_I(OndersteunerParams, target.most_vulnerable),
         not_uncertain("which areas the intervention targets, a policy choice")},
        {"buurtondersteuner.embedding_weeks", "26", "week", 0, 520,
         "Weeks for the ondersteuner's reach to grow to 63 % of its maximum (reach = max x (1 - exp(-t / embedding_weeks))).",
         "assumption: embedding and legitimacy take months (DESIGN 1)", PART_R(OndersteunerParams, embedding_weeks),
         plausible(13, 52, "assumption: embedding and legitimacy take a season to a year"), true},
        {"buurtondersteuner.reach_max", "0.5", "share", 0, 1,
         "Share of adults in the buurt who know the ondersteuner at full embedding.", "assumption",
         PART_R(OndersteunerParams, reach_max),
         plausible(0.25, 0.75, "assumption: a quarter to three quarters of adults; no Dutch figure found")},
        {"buurtondersteuner.client_hours_per_fte", "24", "h/week", 0, 40,
         "Hours per FTE per week spent on residents' questions.", "assumption", PART_R(OndersteunerParams, client_hours_per_fte),
         plausible(18, 30, "assumption: 18 to 30 of 36 hours with residents, more than a buurtteam worker (fewer files)")},
        {"buurtondersteuner.hours_per_question", "1.5", "h", 0, 100,
         "Ondersteuner hours to take up and broker one question.", "assumption",
         PART_R(OndersteunerParams, hours_per_question),
         plausible(0.75, 3, "assumption: half to twice the default"), true},
        {"buurtondersteuner.match_attempts", "5", "residents", 0, 100,
         "Volunteers or neighbours the ondersteuner tries per question before referring it on.", "assumption",
         PART_I(OndersteunerParams, match_attempts),
         plausible(2, 10, "assumption: a few calls up to ten")},
        {"buurtondersteuner.cost_per_fte_year", "75000", "EUR/FTE/year", 0, 1e7,
         "Cost of one buurtondersteuner FTE per year, overhead included.",
         "assumption: salary of a social worker (CAO Sociaal Werk) plus overhead", PART_R(OndersteunerParams, cost_per_fte_year),
         plausible(60000, 95000, "assumption: CAO Sociaal Werk salary scales for a social worker, with employer charges and "
                   "overhead")},
        {"buurtondersteuner.light_help_hours", "2.0", "h", 0, 40,
         "Light help: the ondersteuner answers a practical, social or information question itself (information and forms, "
         "a short practical hand, a listening ear) when it needs at most this many hours and the week's hours allow; 0: no light help.",
         "assumption", PART_R(OndersteunerParams, light_help_hours),
         plausible(1, 4, "assumption: one conversation, a form or a phone call, not a course of help")},
        {"buurtondersteuner.triage_care_hours", "4.0", "h/week", 0, 168,
         "Triage: a care question of at most this many hours a week (of a resident with at least triage_self_reliance, "
         "not in an episode) is one the community can carry; the ondersteuner looks for a mantelzorger in the resident's "
         "network or among willing adults of the buurt before referring. Other care questions go to the buurtteam at once; "
         "0: every care question at once.",
         "assumption", PART_R(OndersteunerParams, triage_care_hours),
         plausible(2, 8, "assumption: below the 8 h/week of the 'low' need level of the peer model (Gostoli & Silverman), "
                   "the hours a neighbour or volunteer gives")},
        {"buurtondersteuner.triage_self_reliance", "0.4", "0..1", 0, 1,
         "Triage: least self-reliance of a resident whose care question the community can carry.",
         "assumption", PART_R(OndersteunerParams, triage_self_reliance),
         plausible(0.3, 0.6, "assumption: below it the need is judged professional (the vulnerable target groups sit near 0.6 "
                   "on average)")},
        {"buurtondersteuner.carer_burden", "0.5", "burden", 0, 10,
         "Mantelzorg support: carers whose burden reaches this bring their strain to the ondersteuner (overburdened at 1).",
         "assumption", PART_R(OndersteunerParams, carer_burden),
         plausible(0.3, 0.8, "assumption: carers ask once the strain is felt, before they break down")},
        {"buurtondersteuner.carer_hours", "2.0", "h", 0, 40,
         "Ondersteuner hours per strained carer supported (advice, arranging respite); 0: no carer support.",
         "assumption", PART_R(OndersteunerParams, carer_hours),
         plausible(1, 4, "assumption: a home visit and a few calls")},
        {"buurtondersteuner.carer_burden_relief", "0.3", "share", 0, 1,
         "Share of a supported carer's burden growth removed (advice, respite) while the support lasts.",
         "assumption", PART_R(OndersteunerParams, carer_burden_relief),
         plausible(0.1, 0.5, "assumption: reviews of carer support find small to moderate effects on burden")},
        {"buurtondersteuner.support_weeks", "26", "week", 0, 520,
         "Weeks a resident whose question the ondersteuner took up (whatever the outcome: it stays their contact) or a carer it "
         "supported counts as supported.",
         "assumption", PART_I(OndersteunerParams, support_weeks),
         plausible(12, 52, "assumption: the resident knows whom to ask for a season or two")},
        {"buurtondersteuner.support_escalation_factor", "0.7", "ratio", 0, 1,
         "Multiplies the escalation hazard of a supported resident's open questions (early light help: a known contact, "
         "problems caught small).",
         "assumption", PART_R(OndersteunerParams, support_escalation_factor),
         plausible(0.5, 0.9, "assumption: no Dutch effect size found")},
        {"buurtondersteuner.support_loss_factor", "0.7", "ratio", 0, 1,
         "Multiplies the self-reliance a supported resident loses when an episode starts or a question escalates.",
         "assumption", PART_R(OndersteunerParams, support_loss_factor),
         plausible(0.5, 0.9, "assumption: no Dutch effect size found")},
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
