// Phase 4a': community brokerage (levers.hpp: broker_*).
#include "simulation_detail.hpp"

#include <boost/random/uniform_int_distribution.hpp>

namespace buurtsim {
using namespace detail;

// --- 4a'. Community brokerage, wherever the levers put a broker (a
// buurtondersteuner: components/buurtondersteuner.cpp). Residents who know
// the broker (a share, the reach) bring open questions; within the week's
// hours the broker first looks for a neighbour or volunteer in the buurt (a
// willing adult with the hours), introduces them (a new tie), and refers to
// the buurtteam only what the community cannot solve: care questions at once,
// others after buurtteam.refer_after_weeks of trying. Residents helped this
// way learn where community help is. Draws come from the broker's own
// sub-streams (Levers::broker_sub), so adding another component moves none.
void Engine::brokerage() {
    const Levers& l = levers_;
    if (std::none_of(l.broker_hours.begin(), l.broker_hours.end(), [](double h) { return h > 0; })) return;
    State& s = state_;
    const std::uint32_t knows_sub = l.broker_sub + 1, order_sub = l.broker_sub, match_sub = l.broker_sub + 2;
    const double willing = params_.help.willingness_neighbour;
    std::vector<std::vector<std::uint32_t>> refer(pop_.geo.buurten.size());
    for_each_buurt(pop_.geo.buurten.size(), [&](std::uint32_t b) {
        const double reach = l.broker_reach[b];
        if (l.broker_hours[b] <= 0) return;
        const std::uint32_t rb = pop_.buurt_begin[b], re = pop_.buurt_begin[b + 1];
        if (re - rb < 2) return;
        std::vector<std::pair<double, std::uint32_t>> clients;
        for (std::uint32_t i = rb; i < re; ++i) {
            if (s.status[i] != QuestionStatus::open) continue;
            // A fixed per-resident threshold: whoever knows the ondersteuner keeps knowing them as reach grows.
            if (key_.uniform4(rng::Stream::intervention, 0, i, knows_sub)[0] >= reach) continue;
            clients.push_back({key_.uniform4(rng::Stream::intervention, week_, i, order_sub)[0], i});
        }
        std::sort(clients.begin(), clients.end());
        double hours = l.broker_hours[b];
        boost::random::uniform_int_distribution<std::uint32_t> anyone(rb, re - 1);
        for (const auto& [order, i] : clients) {
            if (hours < l.broker_hours_per_question) break;
            hours -= l.broker_hours_per_question;
            ++s.week[b].brokered;
            s.knows_community[i] = 1;
            bool solved = false;
            if (s.kind[i] != QuestionKind::care) {
                auto g = key_.urng(rng::Stream::intervention, week_, i, match_sub);
                for (std::int64_t a = 0; a < l.broker_match_attempts && !solved; ++a) {
                    const std::uint32_t h = anyone(g);
                    const double u = r123::u01<double>(g());
                    if (h == i || !is_adult(h) || pop_.household[h] == pop_.household[i] || u >= willing) continue;
                    if (s.hours_week[h] != week_) {
                        s.hours_week[h] = week_;
                        const std::uint32_t cared = s.caring_for[h];
                        s.hours_given[h] = cared == no_one ? 0.f : s.question_hours[cared];
                    }
                    if (s.help_hours[h] - s.hours_given[h] < s.question_hours[i]) continue;
                    s.hours_given[h] += s.question_hours[i];
                    s.status[i] = QuestionStatus::none;
                    ++s.week[b].solved_community;
                    s.week[b].volunteer_hours += s.question_hours[i];
                    s.contacts_week[i] += 1.f;
                    s.contacts_week[h] += 1.f;
                    if (net_.find(i, h) != Network::npos)
                        bump_tie(i, h, params_.ties.help_bump);
                    else
                        net_.add(i, h, TieType::met, std::uint8_t(std::min(255.0, params_.ties.help_bump * 2)));
                    solved = true;
                }
            }
            // Refer on only what the community cannot solve: care at once, other
            // questions once they have waited as long as a resident would before
            // turning to the buurtteam; until then the ondersteuner tries again.
            if (!solved && (s.kind[i] == QuestionKind::care || s.weeks_open[i] + 1 >= params_.buurtteam.refer_after_weeks))
                refer[b].push_back(i);
        }
    });
    // Referrals join the wijk's waiting list in buurt order (teams are shared by buurten).
    for (std::size_t b = 0; b < refer.size(); ++b)
        for (std::uint32_t i : refer[b]) {
            s.teams[pop_.geo.buurten[b].wijk].enqueue(i, week_);
            s.status[i] = QuestionStatus::waiting;
            ++s.week[b].referrals;
        }
}

}  // namespace buurtsim
