// Postponed demand: at the start of recorded week 0 a share of adults without
// a question get one they had put off (after the pandemic, a closure). It
// sets no lever: it acts once, at the week_start point of the schedule, with
// the same kind and size draws as new questions (questions.hpp).
#include "components/builtin.hpp"
#include "components/param_rows.hpp"

#include "questions.hpp"
#include "simulation_detail.hpp"

#include <cmath>

namespace buurtsim {
namespace {

struct BacklogParams {
    double share;  // share of adults with a postponed open question at week 0
};

class Run final : public ComponentRun {
public:
    Run(const Params& p, StreamBlock streams) : share_(p.parts.get<BacklogParams>().share), streams_(streams) {}

    void set_levers(std::int64_t, Levers&) const override {}

    void act(Hook hook, Engine& e) override {
        if (hook != Hook::week_start || e.recorded_week() != 0) return;
        State& s = e.state_;
        const QuestionParams& q = e.params_.questions;
        const double weights[4] = {q.share_practical, q.share_social, q.share_info, q.share_care};
        const std::uint32_t sub = streams_.sub(0);
        detail::for_each_buurt(e.pop_.geo.buurten.size(), [&](std::uint32_t b) {
            for (std::uint32_t i = e.pop_.buurt_begin[b]; i < e.pop_.buurt_begin[b + 1]; ++i) {
                if (!e.is_adult(i) || s.status[i] != QuestionStatus::none) continue;
                const auto u = e.key_.uniform4(rng::Stream::intervention, e.week_, i, sub);
                if (u[0] >= share_) continue;
                const QuestionKind k = draw_kind(weights, u[1]);
                s.status[i] = QuestionStatus::open;
                s.kind[i] = k;
                s.question_hours[i] = float(-std::log(u[2]) * (k == QuestionKind::care ? q.care_hours_mean : q.hours_mean));
                s.weeks_open[i] = 0;
                s.weeks_listed[i] = 0;
                ++s.week[b].new_questions;
            }
        });
    }

private:
    double share_;
    StreamBlock streams_;
};

class Backlog final : public Component {
public:
    std::string_view name() const override { return "backlog"; }
    std::string_view summary() const override { return "postponed questions all arrive at the start"; }
    std::uint32_t streams() const override { return 1; }
    std::vector<ParamSpec> params() const override {
        return {
        {"backlog.share", "0.0", "share", 0, 1,
         "Share of adults who start week 0 with a postponed, unmet question (counted in questions_new of week 0).",
         "scenario choice", PART_R(BacklogParams, share),
         not_uncertain("the premise of the postponed-demand scenario")},
        };
    }
    bool on(const Params& p) const override { return p.parts.get<BacklogParams>().share > 0; }
    std::string describe(const Params& p) const override {
        char pct[16];
        std::snprintf(pct, sizeof pct, "%.1f", 100 * p.parts.get<BacklogParams>().share);
        return std::string(pct) + " % of adults start with a postponed question";
    }
    std::unique_ptr<ComponentRun> start(const Params& p, const Population&, StreamBlock s) const override {
        return std::make_unique<Run>(p, s);
    }
};

}  // namespace

const Component& backlog_component() {
    static const Backlog c;
    return c;
}

}  // namespace buurtsim
