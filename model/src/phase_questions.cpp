// Phase 2: support questions arise for adults without an open question, at a
// rate by age, vulnerability, self-reliance and episodes. The kind follows
// base shares, tilted towards social contact for lonely residents and towards
// care for residents with low self-reliance; during an episode it is care.
// Residents whose care is already provided (mantelzorg or Wmo) do not raise
// another care question. Children's questions reach us through their parents.
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
    for_each_buurt(pop_.geo.buurten.size(), [&](std::uint32_t b) {
        std::uint32_t count = 0;
        const rng::Uniform4Run draws(key_, rng::Stream::questions, week_, pop_.buurt_begin[b], pop_.buurt_begin[b + 1]);
        for (std::uint32_t a = adults_begin_[b]; a < adults_begin_[b + 1]; ++a) {  // adults only
            const std::uint32_t i = adults_[a];
            if (s.status[i] != QuestionStatus::none) continue;
            const auto u = draws[i];
            if (u[0] >= question_rate(i)) continue;

            QuestionKind k = QuestionKind::care;
            if (s.episode_weeks[i] == 0) {
                double w[4];
                question_kind_weights(i, w);
                k = draw_kind(w, u[1]);
            }
            if (k == QuestionKind::care && (s.wmo_weeks[i] > 0 || s.general_weeks[i] > 0)) continue;  // care provided
            auto g = key_.urng(rng::Stream::questions, week_, i, 1);
            const double mean = k == QuestionKind::care ? q.care_hours_mean : q.hours_mean;
            s.status[i] = QuestionStatus::open;
            s.kind[i] = k;
            s.question_hours[i] = float(boost::random::exponential_distribution<double>(1.0 / mean)(g));
            s.weeks_open[i] = 0;
            s.weeks_listed[i] = 0;
            ++count;
        }
        s.week[b].new_questions += count;
    });
}

}  // namespace buurtsim
