// Phase 1: health and life events. Self-reliance relaxes towards a target set
// by age and vulnerability, with weekly noise; episodes (a psychological
// crisis, a fall, a relapse) start with a hazard that rises as self-reliance
// falls, knock self-reliance down and last a geometric number of weeks; a
// resident who recently received support (State::supported_until) loses less.
// Only adults: children raise no questions of their own in this model.
#include "simulation_detail.hpp"

namespace buurtsim {
using namespace detail;

void Engine::health_and_life_events() {
    const HealthParams& h = params_.health;
    State& s = state_;
    for_each_buurt(pop_.geo.buurten.size(), [&](std::uint32_t b) {
        // Children's needs reach us through their parents: adults only, and only their blocks are drawn.
        const std::uint32_t a_begin = adults_begin_[b], a_end = adults_begin_[b + 1];
        thread_local std::vector<std::array<std::uint32_t, 4>> block_buf;
        const std::array<std::uint32_t, 4>* blocks =
            blocks_of(key_, rng::Stream::health, week_, adults_.data() + a_begin, a_end - a_begin, 0, block_buf);
        for (std::uint32_t k = a_begin; k < a_end; ++k) {
            const std::uint32_t i = adults_[k];
            const auto& blk = blocks[k - a_begin];
            const std::array<double, 3> u = {r123::u01<double>(blk[0]), r123::u01<double>(blk[1]), r123::u01<double>(blk[2])};
            const double target = self_reliance_target(i);
            double sr = s.self_reliance[i];
            sr += h.drift_rate * (target - sr) + h.noise * (2.0 * u[0] - 1.0);
            if (s.episode_weeks[i] > 0) {
                --s.episode_weeks[i];
            } else {
                const double hazard = h.episode_rate_low + (h.episode_rate_high - h.episode_rate_low) * clamp01(sr);
                if (u[1] < hazard) {
                    // Support received (light help, a carer found) cushions the loss (Levers::support_loss_factor).
                    sr -= s.supported_until[i] > week_ ? h.episode_drop * levers_.support_loss_factor[b] : h.episode_drop;
                    s.episode_weeks[i] = std::uint16_t(std::min<std::uint32_t>(
                        65535, geometric_weeks(u[2], h.episode_weeks_mean)));
                }
            }
            s.self_reliance[i] = clamp01(sr);
        }
    });
}

}  // namespace buurtsim
