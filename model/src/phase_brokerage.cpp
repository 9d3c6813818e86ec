// Phase 4a': community brokerage (levers.hpp: broker_*).
#include "simulation_detail.hpp"

#include <boost/random/uniform_int_distribution.hpp>

namespace buurtsim {
using namespace detail;

namespace {

struct Client {
    double order;        // random priority this week
    std::uint32_t resident;
    bool carer;          // a strained mantelzorger (else an open question)
    bool operator<(const Client& o) const {
        if (order != o.order) return order < o.order;
        if (resident != o.resident) return resident < o.resident;
        return carer < o.carer;
    }
};

}  // namespace

// --- 4a'. Community brokerage, wherever the levers put a broker (a
// buurtondersteuner: components/buurtondersteuner.cpp). Residents who know
// the broker (a share, the reach) bring any open question, and mantelzorgers
// who know the broker bring their strain once their burden reaches
// broker_carer_burden; the broker takes them in random order while the
// week's hours last (broker_hours_per_question each; broker_carer_hours per
// carer). Per question the broker triages:
//  - practical, social, information: an information question within
//    broker_light_help_hours gets light help at once (the broker answers it
//    with its own hours: information and forms); otherwise the broker looks
//    for a neighbour or volunteer in the buurt (a willing adult with the
//    hours), introduces them (a new tie), and if none is found gives light
//    help when the question is within the cap (a short practical hand, a
//    listening ear);
//  - care: what the community can carry (at most broker_triage_care_hours a
//    week, a resident with self-reliance of at least
//    broker_triage_self_reliance, not in an episode) the broker tries to
//    carry: first the resident's own ties in the buurt (household,
//    neighbour, friend: a kitchen-table conversation), then willing adults
//    of the buurt; whoever takes it on becomes the mantelzorger. Any other
//    care question is referred to the buurtteam at once;
//  - what the community could carry but did not find a helper for this
//    week is tried again, and referred once it has been open
//    buurtteam.refer_after_weeks (also for residents who would not have
//    found the buurtteam themselves).
// Residents taken up (whatever the outcome: the ondersteuner stays their
// contact) count as supported for broker_support_weeks
// (State::supported_until), carers supported likewise
// (State::carer_supported_until); what support does is for the phases that
// read the support levers. Brokered
// residents learn where community help is. Draws come from the broker's own
// sub-streams (Levers::broker_sub), so adding another component moves none.
// Everything stays inside the buurt (helpers and carers are residents of it),
// so buurten run in parallel.
void Engine::brokerage() {
    const Levers& l = levers_;
    if (std::none_of(l.broker_hours.begin(), l.broker_hours.end(), [](double h) { return h > 0; })) return;
    State& s = state_;
    const std::uint32_t knows_sub = l.broker_sub + 1, order_sub = l.broker_sub, match_sub = l.broker_sub + 2;
    const HelpParams& hp = params_.help;
    const double willing = hp.willingness_neighbour;
    const double tie_willing[5] = {hp.willingness_strong, hp.willingness_neighbour, hp.willingness_friend, 0, 0};
    const bool carer_support = l.broker_carer_hours > 0;
    const std::uint32_t supported_until = week_ + std::uint32_t(std::max<std::int64_t>(0, l.broker_support_weeks));
    std::vector<std::vector<std::uint32_t>> refer(pop_.geo.buurten.size());
    for_each_buurt(pop_.geo.buurten.size(), [&](std::uint32_t b) {
        const double reach = l.broker_reach[b];
        if (l.broker_hours[b] <= 0) return;
        const std::uint32_t rb = pop_.buurt_begin[b], re = pop_.buurt_begin[b + 1];
        if (re - rb < 2) return;
        std::vector<Client> clients;
        for (std::uint32_t i = rb; i < re; ++i) {
            const bool question = s.status[i] == QuestionStatus::open;
            const bool strained = carer_support && s.caring_for[i] != no_one && s.burden[i] >= l.broker_carer_burden &&
                                  s.carer_supported_until[i] <= week_;
            if (!question && !strained) continue;
            // A fixed per-resident threshold: whoever knows the ondersteuner keeps knowing them as reach grows.
            if (key_.uniform4(rng::Stream::intervention, 0, i, knows_sub)[0] >= reach) continue;
            const double order = key_.uniform4(rng::Stream::intervention, week_, i, order_sub)[0];
            if (question) clients.push_back({order, i, false});
            if (strained) clients.push_back({order, i, true});
        }
        std::sort(clients.begin(), clients.end());
        double hours = l.broker_hours[b];
        boost::random::uniform_int_distribution<std::uint32_t> anyone(rb, re - 1);
        // Hours `h` has left this week (a mantelzorger's care hours come out first).
        const auto hours_left = [&](std::uint32_t recipient, std::uint32_t h) {
            if (s.hours_week[h] != week_) {
                s.hours_week[h] = week_;
                const std::uint32_t cared = s.caring_for[h];
                s.hours_given[h] = cared == no_one ? 0.f : s.question_hours[cared];
            }
            return care_capacity(recipient, h) - s.hours_given[h];
        };
        const auto introduce = [&](std::uint32_t i, std::uint32_t h) {
            s.contacts_week[i] += 1.f;
            s.contacts_week[h] += 1.f;
            if (net_.find(i, h) != Network::npos)
                bump_tie(i, h, params_.ties.help_bump);
            else
                add_tie(i, h, TieType::met, std::uint8_t(std::min(255.0, params_.ties.help_bump * 2)));
        };
        for (const Client& c : clients) {
            const std::uint32_t i = c.resident;
            if (c.carer) {
                // Advice and respite arranged for a strained mantelzorger.
                if (hours < l.broker_carer_hours) continue;
                hours -= l.broker_carer_hours;
                s.carer_supported_until[i] = supported_until;
                s.contacts_week[i] += 1.f;
                continue;
            }
            if (hours < l.broker_hours_per_question) continue;
            hours -= l.broker_hours_per_question;
            ++s.week[b].brokered;
            s.knows_community[i] = 1;
            s.supported_until[i] = supported_until;
            const float need = s.question_hours[i];
            const bool care = s.kind[i] == QuestionKind::care;
            const bool light = !care && need <= l.broker_light_help_hours;
            const auto light_help = [&] {
                if (!light || hours < need) return false;
                hours -= need;
                s.status[i] = QuestionStatus::none;
                ++s.week[b].solved_community;
                ++s.week[b].light_help;
                s.contacts_week[i] += 1.f;
                return true;
            };
            bool solved = false, community_can = !care;
            auto g = key_.urng(rng::Stream::intervention, week_, i, match_sub);
            if (!care) {
                // Information and forms are the broker's own work; other questions go to a neighbour first.
                if (s.kind[i] == QuestionKind::info) solved = light_help();
                for (std::int64_t a = 0; a < l.broker_match_attempts && !solved; ++a) {
                    const std::uint32_t h = anyone(g);
                    const double u = r123::u01<double>(g());
                    if (h == i || !is_adult(h) || pop_.household[h] == pop_.household[i] || u >= willing) continue;
                    if (hours_left(i, h) < need) continue;
                    s.hours_given[h] += need;
                    s.status[i] = QuestionStatus::none;
                    ++s.week[b].solved_community;
                    s.week[b].volunteer_hours += need;
                    introduce(i, h);
                    solved = true;
                }
                if (!solved && s.kind[i] != QuestionKind::info) solved = light_help();
            } else {
                community_can = need <= l.broker_triage_care_hours && s.episode_weeks[i] == 0 &&
                                s.self_reliance[i] >= l.broker_triage_self_reliance;
                if (community_can) {
                    // The resident's own ties in the buurt first, from a random start, then adults of the buurt.
                    const std::uint32_t deg = net_.degree(i);
                    const std::uint32_t start =
                        deg ? boost::random::uniform_int_distribution<std::uint32_t>(0, deg - 1)(g) : 0;
                    std::uint32_t carer = no_one;
                    bool network = false;
                    for (std::uint32_t k = 0; k < deg && carer == no_one; ++k) {
                        const std::uint64_t t = net_.begin(i) + (start + k) % deg;
                        const std::uint32_t h = net_.neighbour[t];
                        const double u = r123::u01<double>(g());
                        if (h < rb || h >= re || u >= tie_willing[std::size_t(net_.type[t])]) continue;
                        if (s.caring_for[h] != no_one || s.status[h] == QuestionStatus::cared || hours_left(i, h) < need)
                            continue;
                        carer = h;
                        network = true;
                    }
                    for (std::int64_t a = 0; a < l.broker_match_attempts && carer == no_one; ++a) {
                        const std::uint32_t h = anyone(g);
                        const double u = r123::u01<double>(g());
                        if (h == i || !is_adult(h) || pop_.household[h] == pop_.household[i] || u >= willing) continue;
                        if (s.caring_for[h] != no_one || s.status[h] == QuestionStatus::cared || hours_left(i, h) < need)
                            continue;
                        carer = h;
                    }
                    if (carer != no_one) {
                        s.hours_given[carer] += need;
                        s.caring_for[carer] = i;
                        s.care_weeks[carer] = care_weeks_draw(g, params_.carers.duration_weeks_mean);
                        s.status[i] = QuestionStatus::cared;
                        ++(network ? s.week[b].solved_network : s.week[b].solved_community);
                        ++s.week[b].carer_found;
                        introduce(i, carer);
                        solved = true;
                    }
                }
            }
            if (solved) continue;
            // Refer on only what the community cannot carry: at once what needs a professional;
            // the rest once it has waited as long as a resident would before turning to the
            // buurtteam; until then the ondersteuner tries again.
            if (!community_can || s.weeks_open[i] + 1 >= params_.buurtteam.refer_after_weeks) refer[b].push_back(i);
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
