// Information and outreach, wherever the levers say residents learn (a
// community facilitator: components/facilitator.cpp). Each week an adult who
// does not know where community help is learns it with probability
// Levers::learn_community; a vulnerable adult who does not know the way to
// the buurtteam learns it with Levers::learn_buurtteam_vulnerable. Draws come
// from the informing component's sub-stream (Levers::information_sub).
#include "simulation_detail.hpp"

namespace buurtsim {
using namespace detail;

void Engine::spread_information() {
    const Levers& l = levers_;
    State& s = state_;
    for_each_buurt(pop_.geo.buurten.size(), [&](std::uint32_t b) {
        const double learn = l.learn_community[b], outreach = l.learn_buurtteam_vulnerable[b];
        if (learn <= 0 && outreach <= 0) return;
        for (std::uint32_t i = pop_.buurt_begin[b]; i < pop_.buurt_begin[b + 1]; ++i) {
            if (!is_adult(i)) continue;
            const auto u = key_.uniform4(rng::Stream::intervention, week_, i, l.information_sub);
            if (!s.knows_community[i] && u[0] < learn) s.knows_community[i] = 1;
            if (pop_.vulnerability[i] && !s.knows_way[i] && u[1] < outreach) s.knows_way[i] = 1;
        }
    });
}

}  // namespace buurtsim
