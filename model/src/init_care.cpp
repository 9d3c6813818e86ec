// Mantelzorg already running when the simulation starts. Care relationships
// last years (carers.duration_weeks_mean), far longer than a burn-in a user
// would wait for, so starting with none would leave the carer stock filling
// up through the whole run. Instead a share carers.initial_share of adults
// (the observed Utrecht figure) start as carers: recipients are drawn in
// proportion to their weekly rate of care questions, and each gets a carer
// the way ask_network would find one (household, neighbour or friend, not yet
// caring, with the hours). Remaining durations are geometric like new ones
// (memoryless), so an ongoing relationship ends at the same weekly rate as a
// new one. Runs serially in resident order: carers are shared across buurten.
#include "simulation_detail.hpp"

#include <boost/random/exponential_distribution.hpp>
#include <boost/random/uniform_int_distribution.hpp>

namespace buurtsim {
using namespace detail;

void Engine::init_care_relationships() {
    State& s = state_;
    const CarerParams& c = params_.carers;
    if (c.initial_share <= 0) return;
    const std::uint32_t n = std::uint32_t(pop_.size());

    // Weight of adult i: weekly probability of a care question.
    std::vector<double> weight(n, 0.0);
    double total = 0;
    std::size_t adults = 0;
    for (std::uint32_t i = 0; i < n; ++i) {
        if (!is_adult(i) || s.wmo_weeks[i] > 0 || s.general_weeks[i] > 0) {  // their care is already provided
            adults += is_adult(i);
            continue;
        }
        ++adults;
        double w[4];
        question_kind_weights(i, w);
        weight[i] = question_rate(i) * w[3] / (w[0] + w[1] + w[2] + w[3]);
        total += weight[i];
    }
    if (total <= 0) return;
    const double scale = c.initial_share * double(adults) / total;

    constexpr std::uint32_t draw = 3, hours_draw = 4;  // sub-streams of rng::Stream::init, week 0
    for (std::uint32_t i = 0; i < n; ++i) {
        if (weight[i] <= 0 || s.status[i] != QuestionStatus::none) continue;
        const auto u = key_.uniform4(rng::Stream::init, 0, i, draw);
        if (u[0] >= std::min(1.0, scale * weight[i])) continue;
        const std::uint32_t deg = net_.degree(i);
        if (deg == 0) continue;
        auto g = key_.urng(rng::Stream::init, 0, i, hours_draw);
        const float hours =
            float(boost::random::exponential_distribution<double>(1.0 / params_.questions.care_hours_mean)(g));
        s.kind[i] = QuestionKind::care;  // care_capacity looks at the kind
        const std::uint32_t first = boost::random::uniform_int_distribution<std::uint32_t>(0, deg - 1)(g);
        for (std::uint32_t k = 0; k < deg; ++k) {
            const std::uint64_t t = net_.begin(i) + (first + k) % deg;
            const TieType type = net_.type[t];
            if (type == TieType::weak || type == TieType::met) continue;
            const std::uint32_t h = net_.neighbour[t];
            if (s.caring_for[h] != no_one || s.status[h] == QuestionStatus::cared) continue;
            if (care_capacity(i, h) < hours) continue;
            s.caring_for[h] = i;
            s.care_weeks[h] = care_weeks_draw(g, c.duration_weeks_mean);
            s.status[i] = QuestionStatus::cared;
            s.question_hours[i] = hours;
            break;
        }
        if (s.status[i] != QuestionStatus::cared) s.kind[i] = QuestionKind::practical;  // no carer found: as before
    }
}

}  // namespace buurtsim
