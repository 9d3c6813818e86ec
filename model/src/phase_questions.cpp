// Phase 2: support questions arise for adults without an open question, at a
// rate by age, vulnerability, self-reliance and episodes. The kind follows
// base shares, tilted towards social contact for lonely residents and towards
// care for residents with low self-reliance; during an episode it is care.
// Residents whose care is already provided (mantelzorg or Wmo) do not raise
// another care question. Children's questions reach us through their parents.
#include "event_skipping.hpp"
#include "questions.hpp"
#include "simulation_detail.hpp"

#include <boost/random/exponential_distribution.hpp>

namespace buurtsim {
using namespace detail;

void Engine::question_kind_weights(std::uint32_t i, double w[4]) const {
    const QuestionParams& q = params_.questions;
    const double lack = 1.0 - state_.self_reliance[i];
    w[0] = q.share_practical;
    w[1] = q.share_social * (1.0 + q.lonely_social_effect * std::max(0, state_.djg[i] - 2));
    w[2] = q.share_info;
    w[3] = q.share_care * (1.0 + q.care_self_reliance_effect * lack);
}

void Engine::questions_arise() {
    const QuestionParams& q = params_.questions;
    State& s = state_;
    // A question is a rare event a week, drawn by event skipping (event_skipping.hpp): an adult without a
    // question gets one with probability question_rate (at most 1). Outside an episode the rate is bounded
    // in each class of question_class_ (65+ or not, vulnerable or not: what does not change during a run)
    // by its value at self-reliance 0; the class's adults are candidates at that bound and kept with
    // probability rate / bound, so only the candidates' rates are computed. The few adults in an episode
    // (whose rate the episode multiplies) are drawn one by one after.
    const double most = 1.0 + std::max(0.0, q.low_self_reliance_effect);
    const double vulnerable = q.vulnerable_multiplier;
    const double bound[4] = {std::min(1.0, q.rate_18_64 * most), std::min(1.0, q.rate_18_64 * vulnerable * most),
                             std::min(1.0, q.rate_65_plus * most), std::min(1.0, q.rate_65_plus * vulnerable * most)};
    for_each_buurt(pop_.geo.buurten.size(), [&](std::uint32_t b) {
        // The buurt's draws this week (sub 2; sub 1 is each resident's own, for the hours), two for every
        // candidate whatever happens to it (its keep and its question's kind), so that a scenario in which a
        // candidate already has a question, or no question comes, leaves every other candidate the same
        // draws: common random numbers pair the scenarios resident by resident, as a draw per resident did.
        auto g = key_.urng(rng::Stream::questions, week_, b, 2);
        std::uint32_t count = 0;
        const auto raise = [&](std::uint32_t i, double u_kind) {
            QuestionKind kind = QuestionKind::care;  // during an episode the question is care
            if (s.episode_weeks[i] == 0) {
                double w[4];
                question_kind_weights(i, w);
                kind = draw_kind(w, u_kind);
            }
            if (kind == QuestionKind::care && (s.wmo_weeks[i] > 0 || s.general_weeks[i] > 0)) return;  // care provided
            auto hours = key_.urng(rng::Stream::questions, week_, i, 1);
            const double mean = kind == QuestionKind::care ? q.care_hours_mean : q.hours_mean;
            s.status[i] = QuestionStatus::open;
            s.kind[i] = kind;
            s.question_hours[i] = float(boost::random::exponential_distribution<double>(1.0 / mean)(hours));
            s.weeks_open[i] = 0;
            s.weeks_listed[i] = 0;
            ++count;
        };
        for (unsigned c = 0; c < 4; ++c) {
            const std::uint32_t first = question_class_begin_[4 * b + c], last = question_class_begin_[4 * b + c + 1];
            const std::uint32_t* ids = question_classes_.data() + first;
            const double bound_c = bound[c];
            for_each_chosen(g, bound_c, last - first, [&](std::size_t k) {
                const std::uint32_t i = ids[k];
                const double u_keep = next_u01(g), u_kind = next_u01(g);
                if (s.status[i] != QuestionStatus::none || s.episode_weeks[i] > 0) return;  // one at a time; episodes below
                if (u_keep * bound_c < question_rate(i)) raise(i, u_kind);
            });
        }
        // Adults in an episode: each their own draw (sub 3), the few a week.
        const std::uint32_t rb = pop_.buurt_begin[b], re = pop_.buurt_begin[b + 1];
        const std::uint16_t* __restrict episode = s.episode_weeks.data();
        const auto episode_draw = [&](std::uint32_t j) {
            if (!is_adult(j) || s.status[j] != QuestionStatus::none) return;
            const auto u = key_.uniform4(rng::Stream::questions, week_, j, 3);
            if (u[0] < question_rate(j)) raise(j, u[1]);
        };
        for (std::uint32_t i = rb; i < re; ++i)
            if (episode[i] > 0) episode_draw(i);  // rare: a jump the predictor gets right
        s.week[b].new_questions += count;
    });
}

}  // namespace buurtsim
