// Phase 4: the help-seeking pathway. Own network first, then the community
// (support volunteers of the buurt, for residents who know how to find
// them), then the buurtteam (for residents who know the way), with escalation
// of questions that stay unmet. Requests between residents are drawn in
// parallel and resolved in a random but seed-fixed order, so nobody is
// favoured by their id and the outcome is independent of thread count.
#include "buurtsim/error.hpp"
#include "simulation_detail.hpp"

#include <boost/random/uniform_int_distribution.hpp>
#include <oneapi/tbb/blocked_range.h>

namespace buurtsim {
using namespace detail;

namespace {

struct Request {
    std::uint32_t helper;
    std::uint32_t asker;
    double order;       // random priority among requests to the same helper
    std::uint64_t tie;  // the asker's slot of the tie to the helper (slots do not move in this phase)
    bool operator<(const Request& o) const {
        if (helper != o.helper) return helper < o.helper;
        if (order != o.order) return order < o.order;
        return asker < o.asker;
    }
};

// An asker's draws for one round, in the order the generator gives them.
struct Pick {
    std::uint64_t tie = Network::npos;  // npos: no ties to ask
    double u = 0, order = 0;
};

// Askers are handled in blocks: the draws of a block first, each picked tie fetched as soon as it is
// known, then the block's ties read. The picked tie is a miss at random (a row anywhere in the city);
// reading it right after the draw stalled on it (three quarters of the phase's parallel time).
constexpr std::size_t pick_block = 64;
// Requests are applied this many ahead of the rows and stamps they read.
constexpr std::size_t apply_ahead = 8;

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
    // The askers in id order: each buurt's in parallel (by mask, no jump per resident), joined in buurt
    // order, which is id order.
    const std::size_t n_buurten = pop_.geo.buurten.size();
    if (asker_scratch_.size() != pop_.size()) asker_scratch_.resize(pop_.size());
    std::vector<std::uint32_t> found(n_buurten);
    for_each_buurt(n_buurten, [&](std::uint32_t b) {
        const QuestionStatus* __restrict status = s.status.data();
        std::uint32_t* __restrict out = asker_scratch_.data() + pop_.buurt_begin[b];
        std::uint32_t n = 0, i = pop_.buurt_begin[b];
        const std::uint32_t end = pop_.buurt_begin[b + 1];
#if defined(__SSE2__)
        // Sixteen statuses a step; a few percent are open, so most steps find none.
        const __m128i open = _mm_set1_epi8(char(QuestionStatus::open));
        for (; i + 16 <= end; i += 16) {
            unsigned hit = unsigned(_mm_movemask_epi8(
                _mm_cmpeq_epi8(_mm_loadu_si128(reinterpret_cast<const __m128i*>(status + i)), open)));
            for (; hit; hit &= hit - 1) out[n++] = i + unsigned(__builtin_ctz(hit));
        }
#endif
        for (; i < end; ++i) {
            out[n] = i;
            n += status[i] == QuestionStatus::open;
        }
        found[b] = n;
    });
    std::vector<std::uint32_t>& askers = askers_;
    askers.clear();
    for (std::uint32_t b = 0; b < n_buurten; ++b) {
        const auto first = asker_scratch_.begin() + pop_.buurt_begin[b];
        askers.insert(askers.end(), first, first + found[b]);
    }

    const std::uint64_t* __restrict offset = net_.offset.data();
    const std::uint16_t* __restrict count = net_.count.data();
    const std::uint32_t* __restrict neighbour = net_.neighbour.data();
    const TieType* __restrict type = net_.type.data();
    std::vector<Request> choice, requests;
    std::vector<std::uint8_t> taken;
    std::vector<Pick> picks;
    for (std::int64_t round = 0; round < h.ask_rounds && !askers.empty(); ++round) {
        choice.assign(askers.size(), Request{no_one, 0, 0, 0});
        picks.assign(askers.size(), Pick{});
        tbb::parallel_for(tbb::blocked_range<std::size_t>(0, askers.size(), pick_block),
                          [&](const tbb::blocked_range<std::size_t>& range) {
            for (std::size_t first = range.begin(); first < range.end(); first += pick_block) {
                const std::size_t last = std::min(range.end(), first + pick_block);
                for (std::size_t k = first; k < last; ++k) {
                    if (k + 16 < last) {
                        __builtin_prefetch(&offset[askers[k + 16]]);
                        __builtin_prefetch(&count[askers[k + 16]]);
                    }
                    const std::uint32_t i = askers[k];
                    const std::uint32_t deg = count[i];
                    if (deg == 0) continue;
                    auto g = key_.urng(rng::Stream::ask_network, week_, i, std::uint32_t(round));
                    Pick& p = picks[k];
                    p.tie = offset[i] + boost::random::uniform_int_distribution<std::uint32_t>(0, deg - 1)(g);
                    // Drawn for every asker, used only by those whose tie can take the question: the
                    // generator is the asker's own, so the values used are the same either way.
                    p.u = r123::u01<double>(g());
                    p.order = r123::u01<double>(g());
                    __builtin_prefetch(&type[p.tie]);
                    __builtin_prefetch(&neighbour[p.tie]);
                }
                for (std::size_t k = first; k < last; ++k) {
                    const Pick& p = picks[k];
                    if (p.tie == Network::npos) continue;
                    const std::uint32_t i = askers[k];
                    const TieType t = type[p.tie];
                    if (s.kind[i] == QuestionKind::care && (t == TieType::weak || t == TieType::met)) continue;
                    if (p.u < willingness[std::size_t(t)]) choice[k] = {neighbour[p.tie], i, p.order, p.tie};
                }
            }
        });
        requests.clear();
        for (const Request& r : choice)
            if (r.helper != no_one) requests.push_back(r);
        std::sort(requests.begin(), requests.end());

        // Whether a helper takes a request depends only on the helper's week (hours given, whom they care
        // for) and on what does not change in this phase (the asker's question, households, help hours);
        // what a taken request does elsewhere (counters, contacts, the tie, the asker's status) feeds no
        // decision. So each helper's requests are decided in parallel, helper by helper in their sorted
        // order, and only the taken ones are applied serially, in the same order as before.
        std::vector<std::size_t> groups;  // where each helper's requests start
        for (std::size_t k = 0; k < requests.size(); ++k)
            if (k == 0 || requests[k].helper != requests[k - 1].helper) groups.push_back(k);
        groups.push_back(requests.size());
        taken.assign(requests.size(), 0);
        tbb::parallel_for(tbb::blocked_range<std::size_t>(0, groups.size() - 1, 16),
                          [&](const tbb::blocked_range<std::size_t>& range) {
            for (std::size_t g = range.begin(); g < range.end(); ++g) {
                const std::uint32_t helper = requests[groups[g]].helper;
                if (g + 4 < range.end()) {
                    const std::uint32_t next = requests[groups[g + 4]].helper;
                    __builtin_prefetch(&s.hours_week[next], 1);
                    __builtin_prefetch(&s.caring_for[next], 1);
                    __builtin_prefetch(&s.hours_given[next], 1);
                }
                for (std::size_t k = groups[g]; k < groups[g + 1]; ++k) {
                    if (k + 8 < requests.size()) {
                        const std::uint32_t a = requests[k + 8].asker, h = requests[k + 8].helper;
                        __builtin_prefetch(&s.question_hours[a]);
                        __builtin_prefetch(&s.kind[a]);
                        __builtin_prefetch(&pop_.household[a]);
                        __builtin_prefetch(&pop_.household[h]);
                        __builtin_prefetch(&pop_.age[h]);
                        __builtin_prefetch(&s.help_hours[h]);
                    }
                    const Request& r = requests[k];
                    if (s.hours_week[helper] != week_) {
                        s.hours_week[helper] = week_;
                        // A mantelzorger's care hours come out of the week's budget first.
                        const std::uint32_t cared = s.caring_for[helper];
                        s.hours_given[helper] = cared == no_one ? 0.f : s.question_hours[cared];
                    }
                    const float need = s.question_hours[r.asker];
                    const bool care = s.kind[r.asker] == QuestionKind::care;
                    if (care_capacity(r.asker, helper) - s.hours_given[helper] < need) continue;
                    if (care && s.caring_for[helper] != no_one) continue;
                    s.hours_given[helper] += need;
                    if (care) {
                        auto g = key_.urng(rng::Stream::carers, week_, helper);
                        s.caring_for[helper] = r.asker;
                        s.care_weeks[helper] = care_weeks_draw(g, params_.carers.duration_weeks_mean);
                    }
                    taken[k] = 1;
                }
            }
        });

        // The taken requests, in order, with what they touch fetched ahead in two stages: what the request
        // names first, then the helper's row, whose place the first stage reads (its back edge is the scan
        // bump_tie_at makes).
        std::size_t n_taken = 0;
        for (std::size_t k = 0; k < requests.size(); ++k) {
            requests[n_taken] = requests[k];
            n_taken += taken[k];
        }
        const auto fetch_start = [&](const Request& r) {
            __builtin_prefetch(&s.question_hours[r.asker]);
            __builtin_prefetch(&s.kind[r.asker]);
            __builtin_prefetch(&s.contacts_week[r.asker], 1);
            __builtin_prefetch(&s.contacts_week[r.helper], 1);
            __builtin_prefetch(&offset[r.helper]);
            __builtin_prefetch(&count[r.helper]);
            __builtin_prefetch(&net_.strength[r.tie], 1);
            __builtin_prefetch(&net_.type[r.tie]);
            __builtin_prefetch(&s.ties[r.asker], 1);
            __builtin_prefetch(&s.ties[r.helper], 1);
            __builtin_prefetch(&s.status[r.asker], 1);
            __builtin_prefetch(&offset[r.asker]);
            __builtin_prefetch(&count[r.asker]);
            __builtin_prefetch(&pop_.buurt[r.asker]);
            __builtin_prefetch(&pop_.buurt[r.helper]);
        };
        const auto fetch_row = [&](const Request& r) { __builtin_prefetch(&neighbour[offset[r.helper]]); };
        for (std::size_t k = 0; k < std::min(n_taken, 2 * apply_ahead); ++k) fetch_start(requests[k]);
        for (std::size_t k = 0; k < std::min(n_taken, apply_ahead); ++k) fetch_row(requests[k]);
        for (std::size_t k = 0; k < n_taken; ++k) {
            if (k + 2 * apply_ahead < n_taken) fetch_start(requests[k + 2 * apply_ahead]);
            if (k + apply_ahead < n_taken) fetch_row(requests[k + apply_ahead]);
            const Request& r = requests[k];
            const float need = s.question_hours[r.asker];
            const bool care = s.kind[r.asker] == QuestionKind::care;
            const std::uint16_t b = pop_.buurt[r.asker];
            ++s.week[b].solved_network;
            if (!care) s.week[b].informal_hours += need;  // care hours are counted weekly by the carers phase
            s.contacts_week[r.asker] += 1.f;
            s.contacts_week[r.helper] += 1.f;
            // bump_tie, with the asker's slot known: rows hold each neighbour once, so it is the one find gives.
            bump_tie_at(r.asker, r.tie, r.helper, params_.ties.help_bump);
            s.status[r.asker] = care ? QuestionStatus::cared : QuestionStatus::none;
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
        // The buurt's support volunteers and askers, each in id order, found by mask (which residents they
        // are is a coin toss to the branch predictor).
        // Buffers the thread keeps: two zeroed vectors of the buurt's size each week were a tenth of the phase.
        thread_local std::vector<std::uint32_t> vol_buf, asking_buf;
        if (vol_buf.size() < re - rb) {
            vol_buf.resize(re - rb);
            asking_buf.resize(re - rb);
        }
        const std::uint32_t* const vols = vol_buf.data();
        const std::uint32_t* const asking = asking_buf.data();
        std::uint32_t n_vols = 0, n_asking = 0;
        {
            const std::uint8_t* __restrict volunteer = s.volunteer.data();
            const QuestionStatus* __restrict status = s.status.data();
            const QuestionKind* __restrict kind = s.kind.data();
            const std::uint8_t* __restrict knows = s.knows_community.data();
            std::uint32_t* __restrict v_out = vol_buf.data();
            std::uint32_t* __restrict a_out = asking_buf.data();
            for (std::uint32_t i = rb; i < re; ++i) {
                v_out[n_vols] = i;
                n_vols += volunteer[i] == 2;
                a_out[n_asking] = i;
                n_asking += unsigned(status[i] == QuestionStatus::open) & unsigned(kind[i] != QuestionKind::care) &
                            unsigned(knows[i] != 0);
            }
        }
        if (n_vols == 0) return;
        std::vector<float> left(n_vols, float(c.hours_per_volunteer));
        std::vector<std::pair<double, std::uint32_t>> askers(n_asking);
        for (std::uint32_t k = 0; k < n_asking; ++k)
            askers[k] = {key_.uniform4(rng::Stream::community, week_, asking[k])[0], asking[k]};
        std::sort(askers.begin(), askers.end());
        for (const auto& [order, i] : askers) {
            const auto start = std::size_t(order * double(n_vols)) % n_vols;
            for (std::size_t k = 0; k < n_vols; ++k) {
                // (start + k) % n_vols, without a division per volunteer tried (the scan passes the whole
                // list when the buurt's volunteers have no hours left).
                const std::size_t v = start + k < n_vols ? start + k : start + k - n_vols;
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
    // What happens to an open question is the resident's own (a crisis writes only the resident and the
    // buurt's counters), so it is decided in parallel per buurt; only putting residents on their team's
    // lists is serial, in buurt order and within a buurt in resident order: ids are numbered buurt by
    // buurt, so each list gets its residents in id order, as a single pass over all residents gave.
    struct Listed {
        std::uint32_t resident;
        bool urgent;
    };
    std::vector<std::vector<Listed>> listed(pop_.geo.buurten.size());
    for_each_buurt(pop_.geo.buurten.size(), [&](std::uint32_t b) {
        State::BuurtWeek& bw = s.week[b];
        for (std::uint32_t i = pop_.buurt_begin[b]; i < pop_.buurt_begin[b + 1]; ++i) {
            if (s.status[i] != QuestionStatus::open) continue;
            const double hazard = escalation_hazard(i);
            ++s.weeks_open[i];
            if (key_.uniform4(rng::Stream::escalation, week_, i)[0] < hazard) {
                ++bw.escalations;
                crisis(i, false);
                listed[b].push_back({i, true});
                s.status[i] = QuestionStatus::waiting;
                ++bw.referrals;
                continue;
            }
            const bool left_list = s.weeks_listed[i] > 0;
            const bool refer = s.knows_way[i] && !left_list &&
                               (s.kind[i] == QuestionKind::care || s.weeks_open[i] >= bt.refer_after_weeks);
            if (refer) {
                listed[b].push_back({i, false});
                s.status[i] = QuestionStatus::waiting;
                ++bw.referrals;
            } else if (s.weeks_open[i] >= s.weeks_listed[i] + bt.give_up_after_weeks) {
                s.status[i] = QuestionStatus::none;
                ++bw.dropped;
            }
        }
    });
    for (std::uint32_t b = 0; b < listed.size(); ++b) {
        Buurtteam& team = s.teams[pop_.geo.buurten[b].wijk];
        for (const Listed& l : listed[b]) {
            if (l.urgent)
                team.enqueue_urgent(l.resident, week_);
            else
                team.enqueue(l.resident, week_);
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
