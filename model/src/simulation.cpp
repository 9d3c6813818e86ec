// The weekly loop. Phases that touch every resident run in parallel over
// buurten (a buurt's residents are one contiguous range, and each buurt's
// counters are written by one task only); phases that match residents with
// each other collect requests first and resolve them in resident-id order.
#include "buurtsim/simulation.hpp"

#include "buurtsim/error.hpp"

#include <boost/random/exponential_distribution.hpp>
#include <boost/random/geometric_distribution.hpp>
#include <boost/random/uniform_int_distribution.hpp>
#include <oneapi/tbb/parallel_for.h>

#include <algorithm>
#include <cmath>
#include <limits>

namespace buurtsim {
namespace {

constexpr std::uint8_t adult_age = 18;
constexpr std::uint8_t youth_help_age = 15;
constexpr std::uint8_t senior_age = 65;

template <class Fn>
void for_each_buurt(std::size_t buurten, Fn&& fn) {
    tbb::parallel_for(std::size_t(0), buurten, [&](std::size_t b) { fn(std::uint32_t(b)); });
}

template <class T>
void clear(std::vector<T>& v) {
    std::fill(v.begin(), v.end(), T{});
}

struct Request {
    std::uint32_t helper;
    std::uint32_t asker;
    bool operator<(const Request& o) const {
        return helper != o.helper ? helper < o.helper : asker < o.asker;
    }
};

}  // namespace

Simulation::Simulation(const Params& params, const CbsTable& data, std::uint32_t replicate)
    : params_(params),
      replicate_(replicate),
      key_(std::uint64_t(params.run.seed), replicate),
      pop_(synthesize_population(data, params.population, std::uint64_t(params.run.seed), replicate)),
      net_(build_network(pop_, params.network, std::uint64_t(params.run.seed), replicate)),
      results_(std::uint32_t(params.run.weeks), std::uint32_t(pop_.geo.buurten.size())) {
    const std::size_t n = pop_.size();
    const std::size_t nb = pop_.geo.buurten.size();
    State& s = state_;
    s.knows_way.assign(n, 0);
    s.help_hours.assign(n, 0.f);
    s.status.assign(n, QuestionStatus::none);
    s.professional.assign(n, 0);
    s.question_hours.assign(n, 0.f);
    s.weeks_open.assign(n, 0);
    s.hours_given.assign(n, 0.f);
    s.hours_week.assign(n, std::numeric_limits<std::uint32_t>::max());
    for (auto* v : {&s.new_questions, &s.solved_network, &s.solved_professional, &s.dropped,
                    &s.referrals, &s.cases_started})
        v->assign(nb, 0);
    for (auto* v : {&s.informal_hours, &s.buurtteam_hours, &s.wait_sum}) v->assign(nb, 0.0);

    const HelpParams& h = params_.help;
    const double knows = params_.buurtteam.knows_where_to_go;
    for_each_buurt(nb, [&](std::uint32_t b) {
        for (std::uint32_t i = pop_.buurt_begin[b]; i < pop_.buurt_begin[b + 1]; ++i) {
            const std::uint8_t age = pop_.age[i];
            s.help_hours[i] = float(age >= senior_age       ? h.hours_retired
                                    : age >= adult_age      ? h.hours_working_age
                                    : age >= youth_help_age ? h.hours_youth
                                                            : 0.0);
            if (age >= adult_age) s.knows_way[i] = key_.uniform4(rng::Stream::init, 0, i)[0] < knows;
        }
    });

    // One team per wijk; capacity follows the simulated residents, so a
    // scaled-down run keeps the same load per resident.
    std::vector<double> wijk_residents(pop_.geo.wijken.size(), 0.0);
    for (std::size_t b = 0; b < nb; ++b)
        wijk_residents[pop_.geo.buurten[b].wijk] += pop_.buurt_begin[b + 1] - pop_.buurt_begin[b];
    const BuurtteamParams& bt = params_.buurtteam;
    for (double r : wijk_residents)
        s.teams.emplace_back(bt.fte_per_10k * r / 10000.0 * bt.client_hours_per_fte, bt.case_hours_per_week);
}

// ---------------------------------------------------------------------------
// step: one week, phase by phase.
void Simulation::step() {
    BUURTSIM_ASSERT(week_ < results_.weeks);
    begin_week();
    questions_arise();    // 1. new support questions
    ask_network();        // 2. residents ask their own network, whose hours are limited
    turn_to_buurtteam();  // 3. unresolved questions go to the buurtteam or are given up
    buurtteam_serves();   // 4. teams work their caseload and FIFO waiting list
    observe();            // 5. indicators per buurt
    ++week_;
}

void Simulation::run(const std::function<void(std::uint32_t)>& on_week) {
    while (week_ < results_.weeks) {
        step();
        if (on_week) on_week(week_);
    }
}

// --- 0. clear the week's per-buurt counters
void Simulation::begin_week() {
    State& s = state_;
    for (auto* v : {&s.new_questions, &s.solved_network, &s.solved_professional, &s.dropped,
                    &s.referrals, &s.cases_started})
        clear(*v);
    for (auto* v : {&s.informal_hours, &s.buurtteam_hours, &s.wait_sum}) clear(*v);
}

// --- 1. questions arise at a weekly rate by age and vulnerability (adults;
// children's questions reach us through their parents).
void Simulation::questions_arise() {
    const QuestionParams& q = params_.questions;
    State& s = state_;
    for_each_buurt(pop_.geo.buurten.size(), [&](std::uint32_t b) {
        std::uint32_t count = 0;
        for (std::uint32_t i = pop_.buurt_begin[b]; i < pop_.buurt_begin[b + 1]; ++i) {
            if (s.status[i] != QuestionStatus::none || pop_.age[i] < adult_age) continue;
            double rate = pop_.age[i] >= senior_age ? q.rate_65_plus : q.rate_18_64;
            if (pop_.vulnerability[i]) rate *= q.vulnerable_multiplier;
            const auto u = key_.uniform4(rng::Stream::questions, week_, i);
            if (u[0] >= rate) continue;
            auto g = key_.urng(rng::Stream::questions, week_, i, 1);
            s.status[i] = QuestionStatus::open;
            s.professional[i] = u[1] < q.professional_share;
            s.question_hours[i] = float(boost::random::exponential_distribution<double>(1.0 / q.hours_mean)(g));
            s.weeks_open[i] = 0;
            ++count;
        }
        s.new_questions[b] = count;
    });
}

// --- 2. each round, every resident with an open network question asks one
// random contact; the contact helps if willing (by tie type) and if the
// hours left this week cover the whole question. Contacts asked by several
// residents serve them in resident-id order.
void Simulation::ask_network() {
    State& s = state_;
    const HelpParams& h = params_.help;
    const double willingness[4] = {h.willingness_strong, h.willingness_neighbour,
                                   h.willingness_friend, h.willingness_weak};
    std::vector<std::uint32_t>& askers = s.asker_scratch;
    askers.clear();
    for (std::uint32_t i = 0; i < pop_.size(); ++i)
        if (s.status[i] == QuestionStatus::open && !s.professional[i]) askers.push_back(i);

    std::vector<Request> requests;
    constexpr std::uint32_t nobody = std::numeric_limits<std::uint32_t>::max();
    for (std::int64_t round = 0; round < h.ask_rounds && !askers.empty(); ++round) {
        // Decide (parallel, each asker owns its slot) ...
        std::vector<std::uint32_t> choice(askers.size(), nobody);
        tbb::parallel_for(std::size_t(0), askers.size(), [&](std::size_t k) {
            const std::uint32_t i = askers[k];
            const std::uint32_t deg = net_.degree(i);
            if (deg == 0) return;
            auto g = key_.urng(rng::Stream::ask_network, week_, i, std::uint32_t(round));
            const std::uint64_t t = net_.offset[i] +
                boost::random::uniform_int_distribution<std::uint32_t>(0, deg - 1)(g);
            const double u = r123::u01<double>(g());
            if (u < willingness[std::size_t(net_.type[t])]) choice[k] = net_.neighbour[t];
        });
        requests.clear();
        for (std::size_t k = 0; k < askers.size(); ++k)
            if (choice[k] != nobody) requests.push_back({choice[k], askers[k]});
        std::sort(requests.begin(), requests.end());

        // ... then change state in a fixed order.
        for (const Request& r : requests) {
            if (s.hours_week[r.helper] != week_) {
                s.hours_week[r.helper] = week_;
                s.hours_given[r.helper] = 0.f;
            }
            const float need = s.question_hours[r.asker];
            if (s.help_hours[r.helper] - s.hours_given[r.helper] < need) continue;
            s.hours_given[r.helper] += need;
            s.status[r.asker] = QuestionStatus::none;
            const std::uint16_t b = pop_.buurt[r.asker];
            ++s.solved_network[b];
            s.informal_hours[b] += need;
        }
        askers.erase(std::remove_if(askers.begin(), askers.end(),
                                    [&](std::uint32_t i) { return s.status[i] != QuestionStatus::open; }),
                     askers.end());
    }
}

// --- 3. a question still open after this week's asking: a resident who
// knows the way brings a professional question at once and any other after
// refer_after_weeks; anyone gives up after give_up_after_weeks.
void Simulation::turn_to_buurtteam() {
    State& s = state_;
    const BuurtteamParams& bt = params_.buurtteam;
    for (std::uint32_t i = 0; i < pop_.size(); ++i) {
        if (s.status[i] != QuestionStatus::open) continue;
        ++s.weeks_open[i];
        const std::uint16_t b = pop_.buurt[i];
        const bool refer = s.knows_way[i] && (s.professional[i] || s.weeks_open[i] >= bt.refer_after_weeks);
        if (refer) {
            s.teams[pop_.geo.buurten[b].wijk].enqueue(i, week_);
            s.status[i] = QuestionStatus::waiting;
            ++s.referrals[b];
        } else if (s.weeks_open[i] >= bt.give_up_after_weeks) {
            s.status[i] = QuestionStatus::none;
            ++s.dropped[b];
        }
    }
}

// --- 4. teams serve in parallel; a team only touches residents and buurten of its own wijk.
void Simulation::buurtteam_serves() {
    State& s = state_;
    const double p_end = 1.0 / params_.buurtteam.case_weeks_mean;
    tbb::parallel_for(std::size_t(0), s.teams.size(), [&](std::size_t t) {
        Buurtteam& team = s.teams[t];
        const TeamWeek w = team.serve(week_, [&](std::uint32_t resident) {
            auto g = key_.urng(rng::Stream::buurtteam, week_, resident);
            // 1 + failures before the first success: geometric on 1, 2, ... with mean case_weeks_mean.
            return 1u + boost::random::geometric_distribution<std::uint32_t, double>(p_end)(g);
        });
        for (std::uint32_t r : w.served) s.buurtteam_hours[pop_.buurt[r]] += team.case_hours();
        for (const auto& st : w.started) {
            s.status[st.resident] = QuestionStatus::in_case;
            s.wait_sum[pop_.buurt[st.resident]] += st.waited_weeks;
            ++s.cases_started[pop_.buurt[st.resident]];
        }
        for (std::uint32_t r : w.closed) {
            s.status[r] = QuestionStatus::none;
            ++s.solved_professional[pop_.buurt[r]];
        }
    });
}

// --- 5. indicators per buurt for this week.
void Simulation::observe() {
    const State& s = state_;
    for_each_buurt(pop_.geo.buurten.size(), [&](std::uint32_t b) {
        std::uint32_t open = 0, waiting = 0, clients = 0;
        for (std::uint32_t i = pop_.buurt_begin[b]; i < pop_.buurt_begin[b + 1]; ++i) {
            open += s.status[i] == QuestionStatus::open;
            waiting += s.status[i] == QuestionStatus::waiting;
            clients += s.status[i] == QuestionStatus::in_case;
        }
        auto set = [&](Indicator ind, double v) { results_.at(ind, week_, b) = v; };
        set(Indicator::residents, pop_.buurt_begin[b + 1] - pop_.buurt_begin[b]);
        set(Indicator::questions_new, s.new_questions[b]);
        set(Indicator::questions_solved_network, s.solved_network[b]);
        set(Indicator::questions_solved_professional, s.solved_professional[b]);
        set(Indicator::questions_unmet_open, open);
        set(Indicator::questions_dropped, s.dropped[b]);
        set(Indicator::buurtteam_referrals, s.referrals[b]);
        set(Indicator::buurtteam_started, s.cases_started[b]);
        set(Indicator::buurtteam_clients, clients);
        set(Indicator::buurtteam_waiting, waiting);
        set(Indicator::buurtteam_wait_weeks, s.cases_started[b] ? s.wait_sum[b] / s.cases_started[b]
                                                                : std::numeric_limits<double>::quiet_NaN());
        set(Indicator::buurtteam_hours, s.buurtteam_hours[b]);
        set(Indicator::informal_care_hours, s.informal_hours[b]);
    });
}

}  // namespace buurtsim
