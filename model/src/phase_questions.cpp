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
    for_each_buurt_wide(pop_.geo.buurten.size(), [&](std::uint32_t b) __attribute__((always_inline)) {
        const std::uint32_t rb = pop_.buurt_begin[b], re = pop_.buurt_begin[b + 1];
        const std::size_t n = re - rb;
        // Who gets a question, in one loop over the buurt that the compiler vectorises: everyone is
        // computed and adults without a question are taken, by mask (children's questions reach us through
        // their parents), at question_rate_of (Engine::question_rate's formula). The few who get one are
        // then given it in id order, as before.
        thread_local std::vector<std::uint64_t> ask_buf;  // 64-bit: narrowing a double's mask stops the vectoriser
        if (ask_buf.size() < n) ask_buf.resize(n);
        // Whether a question arises (buurt_uniforms); the kind, for the few who get one, from the block.
        const BuurtUniforms draws = buurt_uniforms<1>(key_, rng::Stream::questions, week_, rb, re);
        const double* __restrict ua = draws.u;
        const std::uint8_t* __restrict age = pop_.age.data() + rb;
        const std::uint8_t* __restrict vulnerability = pop_.vulnerability.data() + rb;
        const QuestionStatus* __restrict status = s.status.data() + rb;
        const float* __restrict self_reliance = s.self_reliance.data() + rb;
        const std::uint16_t* __restrict episode_weeks = s.episode_weeks.data() + rb;
        std::uint64_t* __restrict asks = ask_buf.data();
        std::uint32_t n_asks = 0;
        for (std::size_t k = 0; k < n; ++k) {
            const double rate = question_rate_of(q, age[k], vulnerability[k], self_reliance[k], episode_weeks[k]);
            const unsigned ask = unsigned(age[k] >= adult_age) & unsigned(status[k] == QuestionStatus::none) &
                                 unsigned(!(ua[k] >= rate));  // not `<`: as question_rate's `u >= rate` skip, NaN included
            asks[k] = ask;
            n_asks += ask;
        }
        if (n_asks == 0) return;
        std::uint32_t count = 0;
        for (std::size_t k = 0; k < n; ++k) {
            if (!asks[k]) continue;  // rare
            const std::uint32_t i = rb + std::uint32_t(k);
            QuestionKind kind = QuestionKind::care;
            if (s.episode_weeks[i] == 0) {
                double w[4];
                question_kind_weights(i, w);
                kind = draw_kind(w, r123::u01<double>(draws.blocks[k][1]));
            }
            if (kind == QuestionKind::care && (s.wmo_weeks[i] > 0 || s.general_weeks[i] > 0)) continue;  // care provided
            auto g = key_.urng(rng::Stream::questions, week_, i, 1);
            const double mean = kind == QuestionKind::care ? q.care_hours_mean : q.hours_mean;
            s.status[i] = QuestionStatus::open;
            s.kind[i] = kind;
            s.question_hours[i] = float(boost::random::exponential_distribution<double>(1.0 / mean)(g));
            s.weeks_open[i] = 0;
            s.weeks_listed[i] = 0;
            ++count;
        }
        s.week[b].new_questions += count;
    });
}

}  // namespace buurtsim
