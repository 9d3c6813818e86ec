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
    const double drift = h.drift_rate, noise = h.noise, low = h.episode_rate_low, span = h.episode_rate_high - h.episode_rate_low;
    const double base = h.self_reliance_base, vulnerable = h.self_reliance_vulnerable, slope = h.self_reliance_age_slope;
    const std::uint32_t week = week_;
    for_each_buurt_wide(pop_.geo.buurten.size(), [&](std::uint32_t b) __attribute__((always_inline)) {
        const std::uint32_t rb = pop_.buurt_begin[b], re = pop_.buurt_begin[b + 1];
        // As in health_care_use: pointers to the buurt's first resident indexed by a size_t, the uniforms
        // converted in a pass of their own (buurt_uniforms: noise and the episode draw), and every
        // resident computed but only adults changed (children's needs reach us through their parents), by
        // mask, so that the loop vectorises.
        const std::uint8_t* __restrict age = pop_.age.data() + rb;
        const std::uint8_t* __restrict vulnerability = pop_.vulnerability.data() + rb;
        const std::uint32_t* __restrict supported_until = s.supported_until.data() + rb;
        std::uint16_t* __restrict episode_weeks = s.episode_weeks.data() + rb;
        float* __restrict self_reliance = s.self_reliance.data() + rb;
        thread_local std::vector<std::uint64_t> started_buf;  // 64-bit: narrowing a double's mask stops the vectoriser
        const std::size_t n = re - rb;
        if (started_buf.size() < n) started_buf.resize(n);
        const BuurtUniforms draws = buurt_uniforms<2>(key_, rng::Stream::health, week, rb, re);
        const double* __restrict ua = draws.u;
        const double* __restrict ub = ua + n;
        std::uint64_t* __restrict started = started_buf.data();
        // Support received (light help, a carer found) cushions the loss (Levers::support_loss_factor).
        const double drop = h.episode_drop, drop_supported = h.episode_drop * levers_.support_loss_factor[b];
        for (std::size_t k = 0; k < n; ++k) {
            const unsigned adult = age[k] >= adult_age;
            // self_reliance_target: subtracting 0.0 for the not vulnerable is exact.
            const double target = base - choose(vulnerability[k] != 0, vulnerable, 0.0) -
                                  slope * std::max(0, int(age[k]) - int(senior_age));
            double sr = self_reliance[k];
            sr += drift * (target - sr) + noise * (2.0 * ua[k] - 1.0);
            const unsigned in_episode = episode_weeks[k] > 0;
            episode_weeks[k] = std::uint16_t(episode_weeks[k] - (adult & in_episode));
            const double hazard = low + span * clamp01_vec(sr);
            const unsigned start = adult & (in_episode ^ 1u) & unsigned(ub[k] < hazard);
            sr -= choose(start, choose(supported_until[k] > week, drop_supported, drop), 0.0);  // - 0.0 is exact
            started[k] = start;
            self_reliance[k] = std::bit_cast<float>(
                keep_unless(std::bit_cast<std::uint32_t>(self_reliance[k]), std::bit_cast<std::uint32_t>(clamp01_vec(sr)), adult));
        }
        // Words 2 and 3 of each block are the health-care phase's draws this week (State::care_words).
        std::uint64_t* __restrict care_words = s.care_words.data() + rb;
        for (std::size_t k = 0; k < n; ++k) care_words[k] = draws.blocks[k][2] | std::uint64_t(draws.blocks[k][3]) << 32;
        // The episodes that started (a few a week) get their length, each from the resident's own draw
        // (sub 1), so that common random numbers pair scenarios resident by resident.
        for (std::size_t k = 0; k < n; ++k)
            if (started[k]) {
                const double u = key_.uniform4(rng::Stream::health, week, rb + std::uint32_t(k), 1)[0];
                episode_weeks[k] = std::uint16_t(std::min<std::uint32_t>(65535, geometric_weeks(u, h.episode_weeks_mean)));
            }
    });
    care_words_week_ = week;
}

}  // namespace buurtsim
