// Simulation set-up: population, network, the scenario's components and the
// initial state. The weekly schedule is in schedule.cpp, the phases in
// phase_*.cpp, one concern per file.
#include "buurtsim/simulation.hpp"

#include "buurtsim/error.hpp"
#include "engine.hpp"
#include "simulation_detail.hpp"
#include "tie_sums.hpp"

#include <boost/random/normal_distribution.hpp>

namespace buurtsim {
using namespace detail;

Engine::Engine(const Params& params, const CbsTable& data, std::uint32_t replicate)
    : params_(params),
      replicate_(replicate),
      key_(std::uint64_t(params.run.seed), replicate),
      pop_(synthesize_population(data, params.population, std::uint64_t(params.run.seed), replicate)),
      net_(build_network(pop_, params.network, std::uint64_t(params.run.seed), replicate,
                         std::uint32_t(params.ties.slack))),
      wijk_residents_(residents_per_wijk(pop_)),
      results_(std::uint32_t(params.run.weeks), std::uint32_t(pop_.geo.buurten.size())),
      burn_in_(std::uint32_t(params.run.burn_in_weeks)),
      phase_seconds_(schedule().size(), 0.0) {
    // The scenario's components, resolved against the areas (registry order).
    const auto& registry = components();
    results_.targeted.assign(pop_.geo.buurten.size(), 0);
    for (std::size_t k = 0; k < registry.size(); ++k) {
        if (!registry[k]->on(params_)) continue;
        components_.push_back(registry[k]->start(params_, pop_, stream_block(k)));
        const auto& reaches = components_.back()->reaches;
        for (std::size_t b = 0; b < reaches.size() && b < results_.targeted.size(); ++b)
            results_.targeted[b] |= reaches[b];
    }
    init_state();
}

void Engine::init_state() {
    const std::size_t n = pop_.size();
    State& s = state_;
    adults_.clear();
    adults_begin_.assign(1, 0);
    for (std::uint32_t b = 0; b < pop_.geo.buurten.size(); ++b) {
        for (std::uint32_t i = pop_.buurt_begin[b]; i < pop_.buurt_begin[b + 1]; ++i)
            if (is_adult(i)) adults_.push_back(i);
        adults_begin_.push_back(std::uint32_t(adults_.size()));
    }
    question_classes_.clear();
    question_class_begin_.assign(1, 0);
    for (std::uint32_t b = 0; b < pop_.geo.buurten.size(); ++b)
        for (unsigned c = 0; c < 4; ++c) {
            for (std::uint32_t a = adults_begin_[b]; a < adults_begin_[b + 1]; ++a)
                if (question_class(adults_[a]) == c) question_classes_.push_back(adults_[a]);
            question_class_begin_.push_back(std::uint32_t(question_classes_.size()));
        }
    s.inclination.assign(n, 0.f);
    s.loneliness_trait.assign(n, 0.f);
    s.loneliness_base.assign(n, 0.f);
    s.loneliness_split.assign(n, 0.f);
    s.emotional_items.assign(n, 0xFF);
    for (auto& statement : s.cohesion_trait) statement.assign(n, 0.f);
    s.help_hours.assign(n, 0.f);
    s.knows_way.assign(n, 0);
    s.knows_community.assign(n, 0);
    s.volunteer.assign(n, 0);
    s.self_reliance.assign(n, 1.f);
    s.care_words.assign(n, 0);
    s.episode_weeks.assign(n, 0);
    s.status.assign(n, QuestionStatus::none);
    s.kind.assign(n, QuestionKind::practical);
    s.question_hours.assign(n, 0.f);
    s.weeks_open.assign(n, 0);
    s.weeks_listed.assign(n, 0);
    s.caring_for.assign(n, no_one);
    s.care_weeks.assign(n, 0);
    s.burden.assign(n, 0.f);
    s.wmo_weeks.assign(n, 0);
    s.supported_until.assign(n, 0);
    s.carer_supported_until.assign(n, 0);
    s.wmo_seen.assign(n, 0);
    s.volunteer_seen.assign(n, 0);
    s.carer_seen.assign(n, 0);
    s.buurtteam_seen.assign(n, 0);
    s.general_weeks.assign(n, 0);
    s.crises.assign(n, 0);
    s.crisis_week.assign(n, 0);
    s.contacts_week.assign(n, 0.f);
    s.contacts_recent.assign(n, 0.f);
    s.djg.assign(n, 0);
    s.hours_given.assign(n, 0.f);
    s.hours_week.assign(n, std::numeric_limits<std::uint32_t>::max());
    s.visited_week.assign(n, 0);
    s.week.assign(pop_.geo.buurten.size(), {});

    // Relative Wmo risk 3:1 for adults 75+ or in a vulnerability group, normalised so
    // the expected initial stock is wmo.initial_share of all residents. Adults only:
    // both routes into maatwerk serve adults (children's support is Jeugdwet), and a
    // start that gave children 15 % of the stock left them in it for years.
    std::size_t at_risk_n = 0, adults_n = 0;
    for (std::size_t i = 0; i < n; ++i) {
        if (pop_.age[i] < adult_age) continue;
        ++adults_n;
        at_risk_n += pop_.vulnerability[i] || pop_.age[i] >= 75;
    }
    const double risk_share = adults_n ? double(at_risk_n) / double(adults_n) : 0.0;
    const double per_adult = adults_n ? double(n) / double(adults_n) : 0.0;
    const double wmo_risk_low = per_adult / (1.0 + 2.0 * risk_share), wmo_risk_high = 3.0 * wmo_risk_low;
    const double g = std::min(params_.wmo.general_provision_share, 0.9);  // g = 1 would mean no maatwerk at all
    const double general_initial_share = params_.wmo.initial_share * g / (1.0 - g);
    const HelpParams& h = params_.help;
    const CommunityParams& c = params_.community;
    for_each_buurt(pop_.geo.buurten.size(), [&](std::uint32_t b) {
        for (std::uint32_t i = pop_.buurt_begin[b]; i < pop_.buurt_begin[b + 1]; ++i) {
            const std::uint8_t age = pop_.age[i];
            s.help_hours[i] = float(age >= senior_age       ? h.hours_retired
                                    : age >= adult_age      ? h.hours_working_age
                                    : age >= youth_help_age ? h.hours_youth
                                                            : 0.0);
            const auto u = key_.uniform4(rng::Stream::init, 0, i);
            const auto v = key_.uniform4(rng::Stream::init, 0, i, 1);
            s.inclination[i] = float(u[3]);
            s.loneliness_split[i] = float(v[3]);  // the one draw of v no other attribute uses
            const double target = self_reliance_target(i);
            s.self_reliance[i] = clamp01(target);
            if (age >= adult_age) {
                s.knows_way[i] = u[0] < params_.buurtteam.knows_where_to_go;
                s.knows_community[i] = u[1] < c.knows_initiatives;
                if (age <= volunteer_max_age && u[2] < c.volunteer_share_start)
                    s.volunteer[i] = v[0] < c.support_share ? 2 : 1;
            }
            // Wmo provisions already running at the start; remaining durations
            // are geometric like new ones (memoryless), so the stock is in steady state.
            // Algemene voorzieningen too, in the band just above: the assessment sends a
            // share g of its provisions there for as long (phase_wmo.cpp), so their steady
            // stock is g / (1 - g) times the Wmo stock. Starting them at zero left the
            // general stock filling through the whole run.
            const bool at_risk = pop_.vulnerability[i] || age >= 75;
            const double risk = age < adult_age ? 0.0 : at_risk ? wmo_risk_high : wmo_risk_low;
            const auto provision_weeks = [&] {
                return std::uint16_t(std::min<std::uint32_t>(65535, geometric_weeks(v[2], params_.wmo.duration_weeks_mean)));
            };
            if (v[1] < params_.wmo.initial_share * risk)
                s.wmo_weeks[i] = provision_weeks();
            else if (v[1] < (params_.wmo.initial_share + general_initial_share) * risk)
                s.general_weeks[i] = provision_weeks();
            auto g = key_.urng(rng::Stream::init, 0, i, 2);
            boost::random::normal_distribution<float> z;
            s.loneliness_trait[i] = z(g);
            std::array<float, 5> own;
            for (float& t : own) t = z(g);
            // The person factor is drawn after the statements' own normals, so those stay as they were.
            const double share = params_.cohesion.person_factor_share, f = z(g);
            for (int k = 0; k < 5; ++k) s.cohesion_trait[k][i] = float(std::sqrt(share) * f + std::sqrt(1.0 - share) * own[k]);
            s.loneliness_base[i] = float(loneliness_base(i));
        }
    });
    s.ties.resize(n);
    for_each_buurt(pop_.geo.buurten.size(), [&](std::uint32_t b) {
        for (std::uint32_t i = pop_.buurt_begin[b]; i < pop_.buurt_begin[b + 1]; ++i) {
            s.ties[i] = summarise_ties(net_, pop_, i);
            update_wellbeing(i, embedding_from(s.ties[i]));
        }
    });

    init_care_relationships();

    // One team per wijk; capacity follows the simulated residents, so a
    // scaled-down run keeps the same load per resident. allocate_buurtteams()
    // later splits the same city total by need.
    const BuurtteamParams& bt = params_.buurtteam;
    for (double r : wijk_residents_) {
        s.team_capacity.push_back(bt.fte_per_10k * r / 10000.0 * bt.client_hours_per_fte);
        s.teams.emplace_back(s.team_capacity.back(), bt.case_hours_per_week);
    }
    allocation_week_ = std::uint32_t(std::min<std::int64_t>(bt.need_allocation_weeks, burn_in_ / 2));
    wijk_referrals_.assign(s.teams.size(), 0);
    follows_demand_ = bt.funding == "follows_demand";
    s.team_worked.assign(s.teams.size(), 0.0);
    s.team_needed_sum.assign(s.teams.size(), 0.0);
    s.team_needed_weeks.assign(s.teams.size(), 0);
    s.wmo_referred.assign(s.teams.size(), {});
    levers_.resize(pop_.geo.buurten.size(), s.teams.size());
}

void Engine::begin_week() { std::fill(state_.week.begin(), state_.week.end(), State::BuurtWeek{}); }

void Engine::bump_tie(std::uint32_t a, std::uint32_t b, double amount) {
    const std::uint64_t ta = net_.find(a, b);
    if (ta == Network::npos) return;
    bump_tie_at(a, ta, b, amount);
}

void Engine::bump_tie_at(std::uint32_t a, std::uint64_t ta, std::uint32_t b, double amount) {
    BUURTSIM_ASSERT(net_.neighbour[ta] == b && ta >= net_.begin(a) && ta < net_.end(a));
    const std::uint64_t tb = net_.find(b, a);
    BUURTSIM_ASSERT(tb != Network::npos);
    const auto s = std::uint8_t(std::min(255.0, net_.strength[ta] + std::round(amount)));
    const std::uint32_t gain = std::uint32_t(s) - net_.strength[ta];
    net_.strength[ta] = s;
    net_.strength[tb] = s;
    add_to_summary(state_.ties[a], pop_, a, b, gain, false, net_.type[ta]);
    add_to_summary(state_.ties[b], pop_, b, a, gain, false, net_.type[ta]);
}

bool Engine::add_tie(std::uint32_t a, std::uint32_t b, TieType t, std::uint8_t strength) {
    if (!net_.add(a, b, t, strength)) return false;
    add_to_summary(state_.ties[a], pop_, a, b, strength, true, t);
    add_to_summary(state_.ties[b], pop_, b, a, strength, true, t);
    return true;
}

// --- the public face: forwards to the engine
Simulation::Simulation(const Params& params, const CbsTable& data, std::uint32_t replicate)
    : engine_(std::make_unique<Engine>(params, data, replicate)) {}
Simulation::~Simulation() = default;
Simulation::Simulation(Simulation&&) noexcept = default;
Simulation& Simulation::operator=(Simulation&&) noexcept = default;

void Simulation::step() { engine_->step(); }

void Simulation::run(const std::function<void(std::uint32_t)>& on_week) {
    Engine& e = *engine_;
    while (!e.done()) {
        e.step();
        if (on_week && e.week_ > e.burn_in_) on_week(e.week_ - e.burn_in_);
    }
}

std::uint32_t Simulation::week() const { return engine_->week_ > engine_->burn_in_ ? engine_->week_ - engine_->burn_in_ : 0; }
const Params& Simulation::params() const { return engine_->params_; }
const Population& Simulation::population() const { return engine_->pop_; }
const Network& Simulation::network() const { return engine_->net_; }
const State& Simulation::state() const { return engine_->state_; }
const Results& Simulation::results() const { return engine_->results_; }
Results Simulation::take_results() { return std::move(engine_->results_); }
const std::vector<double>& Simulation::phase_seconds() const { return engine_->phase_seconds_; }

std::vector<std::string_view> Simulation::phase_names() {
    std::vector<std::string_view> names;
    for (const Phase& p : schedule()) names.push_back(p.name);
    return names;
}

}  // namespace buurtsim
