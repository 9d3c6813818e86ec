// Interventions acting through the model's mechanisms (interventions.hpp).
// Each works only while active in its target areas and draws only from its
// own random stream, so an inactive intervention leaves the run unchanged.
#include "simulation_detail.hpp"

#include <boost/random/uniform_int_distribution.hpp>
#include <boost/random/exponential_distribution.hpp>

namespace buurtsim {
using namespace detail;

// --- start of the week: staff shortage, postponed demand, and the
// facilitator's information and outreach (residents learn where to go).
void Simulation::interventions_begin_week() {
    State& s = state_;
    const std::int64_t w = recorded_week();
    const StaffShortageParams& sh = params_.staff_shortage;
    if (sh.reduction > 0) {
        const double factor = active(sh.start_week, sh.end_week, w) ? 1.0 - sh.reduction : 1.0;
        for (std::size_t t = 0; t < s.teams.size(); ++t) s.teams[t].set_capacity_hours(s.team_capacity[t] * factor);
    }
    if (params_.backlog.share > 0 && w == 0) {
        const QuestionParams& q = params_.questions;
        for_each_buurt(pop_.geo.buurten.size(), [&](std::uint32_t b) {
            for (std::uint32_t i = pop_.buurt_begin[b]; i < pop_.buurt_begin[b + 1]; ++i) {
                if (!is_adult(i) || s.status[i] != QuestionStatus::none) continue;
                const auto u = key_.uniform4(rng::Stream::intervention, week_, i, 3);
                if (u[0] >= params_.backlog.share) continue;
                const double wts[4] = {q.share_practical, q.share_social, q.share_info, q.share_care};
                double x = u[1] * (wts[0] + wts[1] + wts[2] + wts[3]);
                int k = 0;
                while (k < 3 && x >= wts[k]) x -= wts[k++];
                s.status[i] = QuestionStatus::open;
                s.kind[i] = QuestionKind(k);
                s.question_hours[i] = float(-std::log(u[2]) * (k == 3 ? q.care_hours_mean : q.hours_mean));
                s.weeks_open[i] = 0;
                ++s.week[b].new_questions;
            }
        });
    }
    const FacilitatorParams& f = params_.facilitator;
    if (f.fte > 0 && active(f.start_week, f.end_week, w)) {
        for_each_buurt(pop_.geo.buurten.size(), [&](std::uint32_t b) {
            const double intensity = plan_.facilitator_intensity[pop_.geo.buurten[b].wijk];
            if (intensity <= 0) return;
            for (std::uint32_t i = pop_.buurt_begin[b]; i < pop_.buurt_begin[b + 1]; ++i) {
                if (!is_adult(i)) continue;
                const auto u = key_.uniform4(rng::Stream::intervention, week_, i, 4);
                if (!s.knows_community[i] && u[0] < f.info_rate * intensity) s.knows_community[i] = 1;
                if (pop_.vulnerability[i] && !s.knows_way[i] && u[1] < f.outreach_rate * intensity) s.knows_way[i] = 1;
            }
        });
    }
}

// --- 4a'. The buurtondersteuner: residents who know them (a share that grows
// as the ondersteuner embeds) bring open questions; within the week's hours
// the ondersteuner first looks for a neighbour or volunteer in the buurt
// (a willing adult with the hours), introduces them (a new tie), and refers
// to the buurtteam only what the community cannot solve: care questions at
// once, others after buurtteam.refer_after_weeks of trying. Residents helped
// this way learn where community help is.
void Simulation::buurtondersteuner_brokers() {
    const BuurtondersteunerParams& o = params_.buurtondersteuner;
    const std::int64_t w = recorded_week();
    if (o.fte <= 0 || !active(o.start_week, o.end_week, w)) return;
    State& s = state_;
    const double weeks_in = double(w - o.start_week + 1);
    const double reach = o.reach_max * (1.0 - std::exp(-weeks_in / o.embedding_weeks));
    // Capacity follows the simulated share of residents, like every other capacity.
    const double budget_hours = o.fte * o.client_hours_per_fte * params_.population.scale;
    const double willing = params_.help.willingness_neighbour;
    std::vector<std::vector<std::uint32_t>> refer(pop_.geo.buurten.size());
    for_each_buurt(pop_.geo.buurten.size(), [&](std::uint32_t b) {
        if (!plan_.ondersteuner[b]) return;
        const std::uint32_t rb = pop_.buurt_begin[b], re = pop_.buurt_begin[b + 1];
        if (re - rb < 2) return;
        std::vector<std::pair<double, std::uint32_t>> clients;
        for (std::uint32_t i = rb; i < re; ++i) {
            if (s.status[i] != QuestionStatus::open) continue;
            // A fixed per-resident threshold: whoever knows the ondersteuner keeps knowing them as reach grows.
            if (key_.uniform4(rng::Stream::intervention, 0, i, 1)[0] >= reach) continue;
            clients.push_back({key_.uniform4(rng::Stream::intervention, week_, i)[0], i});
        }
        std::sort(clients.begin(), clients.end());
        double hours = budget_hours;
        boost::random::uniform_int_distribution<std::uint32_t> anyone(rb, re - 1);
        for (const auto& [order, i] : clients) {
            if (hours < o.hours_per_question) break;
            hours -= o.hours_per_question;
            ++s.week[b].brokered;
            s.knows_community[i] = 1;
            bool solved = false;
            if (s.kind[i] != QuestionKind::care) {
                auto g = key_.urng(rng::Stream::intervention, week_, i, 2);
                for (std::int64_t a = 0; a < o.match_attempts && !solved; ++a) {
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
