// Phase 4: the help-seeking pathway. Own network first, then the community
// (support volunteers of the buurt, for residents who know how to find
// them), then the buurtteam (for residents who know the way), with escalation
// of questions that stay unmet. Requests between residents are drawn in
// parallel and resolved in a random but seed-fixed order, so nobody is
// favoured by their id and the outcome is independent of thread count.
#include "buurtsim/error.hpp"
#include "simulation_detail.hpp"

#include <boost/random/uniform_int_distribution.hpp>

namespace buurtsim {
using namespace detail;

namespace {

struct Request {
    std::uint32_t helper;
    double order;  // random priority among requests to the same helper
    std::uint32_t asker;
    bool operator<(const Request& o) const {
        if (helper != o.helper) return helper < o.helper;
        if (order != o.order) return order < o.order;
        return asker < o.asker;
    }
};

}  // namespace

// --- 4a. Each round, every resident with an open question asks one random
// contact. A willing contact with enough hours left this week solves it. A
// care question needs a household member, friend or neighbour who is not
// caring for anyone yet and can give its weekly hours: they become its
// mantelzorger for a geometric number of weeks.
void Engine::ask_network() {
    State& s = state_;
    const HelpParams& h = params_.help;
    const double willingness[5] = {h.willingness_strong, h.willingness_neighbour, h.willingness_friend,
                                   h.willingness_weak, h.willingness_weak};
    std::vector<std::uint32_t> askers;
    for (std::uint32_t i = 0; i < pop_.size(); ++i)
        if (s.status[i] == QuestionStatus::open) askers.push_back(i);

    std::vector<Request> requests;
    for (std::int64_t round = 0; round < h.ask_rounds && !askers.empty(); ++round) {
        std::vector<Request> choice(askers.size(), Request{no_one, 0, 0});
        tbb::parallel_for(std::size_t(0), askers.size(), [&](std::size_t k) {
            const std::uint32_t i = askers[k];
            const std::uint32_t deg = net_.degree(i);
            if (deg == 0) return;
            auto g = key_.urng(rng::Stream::ask_network, week_, i, std::uint32_t(round));
            const std::uint64_t t =
                net_.begin(i) + boost::random::uniform_int_distribution<std::uint32_t>(0, deg - 1)(g);
            const TieType type = net_.type[t];
            if (s.kind[i] == QuestionKind::care && (type == TieType::weak || type == TieType::met)) return;
            const double u = r123::u01<double>(g()), order = r123::u01<double>(g());
            if (u < willingness[std::size_t(type)]) choice[k] = {net_.neighbour[t], order, i};
        });
        requests.clear();
        for (const Request& r : choice)
            if (r.helper != no_one) requests.push_back(r);
        std::sort(requests.begin(), requests.end());

        for (const Request& r : requests) {
            if (s.hours_week[r.helper] != week_) {
                s.hours_week[r.helper] = week_;
                // A mantelzorger's care hours come out of the week's budget first.
                const std::uint32_t cared = s.caring_for[r.helper];
                s.hours_given[r.helper] = cared == no_one ? 0.f : s.question_hours[cared];
            }
            const float need = s.question_hours[r.asker];
            const bool care = s.kind[r.asker] == QuestionKind::care;
            if (care_capacity(r.asker, r.helper) - s.hours_given[r.helper] < need) continue;
            if (care && s.caring_for[r.helper] != no_one) continue;
            s.hours_given[r.helper] += need;
            const std::uint16_t b = pop_.buurt[r.asker];
            ++s.week[b].solved_network;
            if (!care) s.week[b].informal_hours += need;  // care hours are counted weekly by the carers phase
            s.contacts_week[r.asker] += 1.f;
            s.contacts_week[r.helper] += 1.f;
            bump_tie(r.asker, r.helper, params_.ties.help_bump);
            if (care) {
                auto g = key_.urng(rng::Stream::carers, week_, r.helper);
                s.caring_for[r.helper] = r.asker;
                s.care_weeks[r.helper] = care_weeks_draw(g, params_.carers.duration_weeks_mean);
                s.status[r.asker] = QuestionStatus::cared;
            } else {
                s.status[r.asker] = QuestionStatus::none;
            }
        }
        askers.erase(std::remove_if(askers.begin(), askers.end(),
                                    [&](std::uint32_t i) { return s.status[i] != QuestionStatus::open; }),
                     askers.end());
    }
}

// Hours a week `helper` can give: their help hours, or for care within the
// household at least help.care_hours_household (people care for their own
// partner or parent beyond what they would give a neighbour).
float Engine::care_capacity(std::uint32_t recipient, std::uint32_t helper) const {
    const bool household_care = state_.kind[recipient] == QuestionKind::care &&
                                pop_.household[recipient] == pop_.household[helper] && is_adult(helper);
    return household_care ? std::max(state_.help_hours[helper], float(params_.help.care_hours_household))
                          : state_.help_hours[helper];
}

// --- 4b. Residents who know how to find community help bring a practical,
// social or information question to the support volunteers of their buurt.
// Each volunteer offers community.hours_per_volunteer a week; a question is
// taken by the first volunteer (from a random start) with enough hours left.
// Help from a volunteer is a contact and may start a weak tie.
void Engine::ask_community() {
    State& s = state_;
    const CommunityParams& c = params_.community;
    for_each_buurt(pop_.geo.buurten.size(), [&](std::uint32_t b) {
        const std::uint32_t rb = pop_.buurt_begin[b], re = pop_.buurt_begin[b + 1];
        std::vector<std::uint32_t> vols;
        for (std::uint32_t i = rb; i < re; ++i)
            if (s.volunteer[i] == 2) vols.push_back(i);
        if (vols.empty()) return;
        std::vector<float> left(vols.size(), float(c.hours_per_volunteer));
        std::vector<std::pair<double, std::uint32_t>> askers;
        for (std::uint32_t i = rb; i < re; ++i)
            if (s.status[i] == QuestionStatus::open && s.kind[i] != QuestionKind::care && s.knows_community[i])
                askers.push_back({key_.uniform4(rng::Stream::community, week_, i)[0], i});
        std::sort(askers.begin(), askers.end());
        for (const auto& [order, i] : askers) {
            const auto start = std::size_t(order * double(vols.size())) % vols.size();
            for (std::size_t k = 0; k < vols.size(); ++k) {
                const std::size_t v = (start + k) % vols.size();
                if (vols[v] == i || left[v] < s.question_hours[i]) continue;
                left[v] -= s.question_hours[i];
                s.status[i] = QuestionStatus::none;
                ++s.week[b].solved_community;
                s.week[b].volunteer_hours += s.question_hours[i];
                s.contacts_week[i] += 1.f;
                s.contacts_week[vols[v]] += 1.f;
                if (net_.find(i, vols[v]) != Network::npos)
                    bump_tie(i, vols[v], params_.ties.help_bump);
                else if (key_.uniform4(rng::Stream::community, week_, i)[1] < params_.meeting.new_tie_probability)
                    add_tie(i, vols[v], TieType::met, std::uint8_t(std::min(255.0, params_.ties.help_bump * 2)));
                break;
            }
        }
    });
}

// --- 4c/6. A question still open after this week's asking: it may escalate
// (hazard rising with the weeks it stays unmet; a crisis goes to the
// buurtteam's urgent list whether or not the resident knows the way).
// Otherwise a resident who knows the way brings a care question at once and
// any other after refer_after_weeks, unless they already left the team's
// waiting list for this question; anyone gives up after give_up_after_weeks
// open (weeks on the waiting list not counted: a resident who left it has
// that long again). A resident who recently received light support
// (State::supported_until) has the hazard and the self-reliance loss
// multiplied by the support levers (escalation_hazard, crisis).
void Engine::escalate_or_turn_to_buurtteam() {
    State& s = state_;
    const BuurtteamParams& bt = params_.buurtteam;
    for (std::uint32_t i = 0; i < pop_.size(); ++i) {
        if (s.status[i] != QuestionStatus::open) continue;
        const std::uint16_t b = pop_.buurt[i];
        Buurtteam& team = s.teams[pop_.geo.buurten[b].wijk];
        const double hazard = escalation_hazard(i);
        ++s.weeks_open[i];
        if (key_.uniform4(rng::Stream::escalation, week_, i)[0] < hazard) {
            ++s.week[b].escalations;
            crisis(i, false);
            team.enqueue_urgent(i, week_);
            s.status[i] = QuestionStatus::waiting;
            ++s.week[b].referrals;
            continue;
        }
        const bool left_list = s.weeks_listed[i] > 0;
        const bool refer = s.knows_way[i] && !left_list &&
                           (s.kind[i] == QuestionKind::care || s.weeks_open[i] >= bt.refer_after_weeks);
        if (refer) {
            team.enqueue(i, week_);
            s.status[i] = QuestionStatus::waiting;
            ++s.week[b].referrals;
        } else if (s.weeks_open[i] >= s.weeks_listed[i] + bt.give_up_after_weeks) {
            s.status[i] = QuestionStatus::none;
            ++s.week[b].dropped;
        }
    }
}

// The hazard of an unmet question, open or on the waiting list: it grows with
// the weeks unmet (DESIGN 4, phase 6), more so for vulnerable residents.
// Recent light support (State::supported_until) lowers it (levers).
double Engine::escalation_hazard(std::uint32_t i) const {
    const EscalationParams& e = params_.escalation;
    double hazard = e.base_hazard * (1.0 + e.weeks_effect * state_.weeks_open[i]);
    if (pop_.vulnerability[i]) hazard *= e.vulnerable_multiplier;
    if (state_.supported_until[i] > week_) hazard *= levers_.support_escalation_factor[pop_.buurt[i]];
    return hazard;
}

// A crisis and its consequences that this model carries: self-reliance lost
// (less after recent light support; it raises later question rates and the Wmo loket hazard), the question
// becomes one of care, and the resident's crisis count and week are kept for
// the health-care use (GP, acute care) a later phase will read. The caller
// puts the resident on the urgent list. Writes only resident i and its buurt's
// counters (callers run per resident, or per team over the team's residents).
void Engine::crisis(std::uint32_t i, bool waiting) {
    State& s = state_;
    State::BuurtWeek& bw = s.week[pop_.buurt[i]];
    ++bw.crises;
    bw.crises_waiting += waiting;
    const double drop = params_.escalation.self_reliance_drop *
                        (s.supported_until[i] > week_ ? levers_.support_loss_factor[pop_.buurt[i]] : 1.0);
    s.self_reliance[i] = clamp01(s.self_reliance[i] - drop);
    s.kind[i] = QuestionKind::care;
    if (s.crises[i] < 65535) ++s.crises[i];
    s.crisis_week[i] = week_ + 1;
}

}  // namespace buurtsim
