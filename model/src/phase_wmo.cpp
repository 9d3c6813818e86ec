// Phase 5' and 5'': Wmo maatwerk as an entitlement (DESIGN 8). Maatwerk is
// never capacity-bound: every need assessed and not met by the voorliggend
// veld gets a provision. Two routes lead to an assessment:
//  - via the buurtteam: a closed case the team referred for an indication
//    (buurtteam_serves draws the referral, by kind of question);
//  - via the Wmo loket: adults whose self-reliance is low apply directly for
//    needs that come from self-reliance and health (hulpmiddelen,
//    huishoudelijke ondersteuning, vervoer), at a hazard that rises as
//    self-reliance falls (so an episode or a crisis raises it).
// The assessment (keukentafelgesprek) looks at the voorliggend veld first:
// the resident's household, neighbour and friend ties are asked whether they
// can take on the need's weekly hours (one who is willing and able becomes the
// mantelzorger), then an algemene voorziening may meet it; only what is left
// becomes maatwerk. So more help in the network means fewer Wmo starts, by
// the mechanism. A need met by an algemene voorziening, like maatwerk, lasts
// a geometric number of weeks (wmo.duration_weeks_mean).
// Assessments run serially in a random, seed-fixed order: a tie asked may be
// anyone in the city, so two assessments can compete for the same helper.
#include "simulation_detail.hpp"

#include <boost/random/exponential_distribution.hpp>
#include <boost/random/uniform_int_distribution.hpp>

namespace buurtsim {
using namespace detail;

void Engine::assess_wmo(std::uint32_t i, double hours, bool loket) {
    State& s = state_;
    const WmoParams& wmo = params_.wmo;
    const HelpParams& h = params_.help;
    State::BuurtWeek& bw = s.week[pop_.buurt[i]];
    ++bw.wmo_assessed;
    auto g = key_.urng(rng::Stream::wmo_assessment, week_, i);
    // The network first: up to network_tries strong ties (household, neighbour, friend), from a random start.
    const std::uint32_t deg = net_.degree(i);
    const double willingness[3] = {h.willingness_strong, h.willingness_neighbour, h.willingness_friend};
    if (deg > 0 && wmo.network_tries > 0) {
        const std::uint32_t start = boost::random::uniform_int_distribution<std::uint32_t>(0, deg - 1)(g);
        std::int64_t asked = 0;
        for (std::uint32_t k = 0; k < deg && asked < wmo.network_tries; ++k) {
            const std::uint64_t t = net_.begin(i) + (start + k) % deg;
            const TieType type = net_.type[t];
            if (type == TieType::weak || type == TieType::met) continue;  // acquaintances take on no lasting care
            ++asked;
            const double u = r123::u01<double>(g());
            const std::uint32_t j = net_.neighbour[t];
            if (u >= willingness[std::size_t(type)]) continue;
            if (s.caring_for[j] != no_one || s.status[j] == QuestionStatus::cared || s.wmo_weeks[j] > 0) continue;
            const bool household = pop_.household[i] == pop_.household[j] && is_adult(j);
            const double capacity =
                household ? std::max(double(s.help_hours[j]), h.care_hours_household) : double(s.help_hours[j]);
            if (capacity < hours) continue;
            s.caring_for[j] = i;
            s.care_weeks[j] = care_weeks_draw(g, params_.carers.duration_weeks_mean);
            s.status[i] = QuestionStatus::cared;
            s.kind[i] = QuestionKind::care;
            s.question_hours[i] = float(hours);
            bump_tie(i, j, params_.ties.help_bump);
            ++bw.wmo_network;
            return;
        }
    }
    const double u_general = r123::u01<double>(g()), u_weeks = r123::u01<double>(g());
    const auto weeks = std::uint16_t(std::min<std::uint32_t>(65535, geometric_weeks(u_weeks, wmo.duration_weeks_mean)));
    if (u_general < wmo.general_provision_share) {
        s.general_weeks[i] = weeks;
        ++bw.wmo_general;
        return;
    }
    s.wmo_weeks[i] = weeks;
    ++bw.wmo_new;
    bw.wmo_new_loket += loket;
}

// Route 1: closed buurtteam cases referred for an indication, in team order
// and, within a team, in the order their cases closed.
void Engine::wmo_indications() {
    State& s = state_;
    const double mean = params_.questions.care_hours_mean;
    for (const auto& referred : s.wmo_referred) {
        for (std::uint32_t r : referred) {
            // A care question's hours are already weekly; a lasting need after another question is new.
            double hours = s.question_hours[r];
            if (s.kind[r] != QuestionKind::care) {
                auto g = key_.urng(rng::Stream::wmo_assessment, week_, r, 1);
                hours = boost::random::exponential_distribution<double>(1.0 / mean)(g);
            }
            assess_wmo(r, hours, false);
        }
    }
}

// Route 2: the Wmo loket. Adults without an open question (their pathway runs
// through the network and the buurtteam), without care from a mantelzorger,
// a provision or an algemene voorziening, apply with weekly probability
// loket_rate x (1 - self-reliance / loket_self_reliance) below that level.
void Engine::wmo_loket() {
    State& s = state_;
    const WmoParams& wmo = params_.wmo;
    const double thr = wmo.loket_self_reliance;
    if (wmo.loket_rate <= 0 || thr <= 0) return;
    std::vector<std::vector<std::pair<double, std::uint32_t>>> by_buurt(pop_.geo.buurten.size());
    for_each_buurt(pop_.geo.buurten.size(), [&](std::uint32_t b) {
        const std::uint32_t* __restrict adults = adults_.data();
        const QuestionStatus* __restrict status = s.status.data();
        const std::uint16_t* __restrict wmo_weeks = s.wmo_weeks.data();
        const std::uint16_t* __restrict general_weeks = s.general_weeks.data();
        const float* __restrict self_reliance = s.self_reliance.data();
        // Adults only, from adults_, a chunk at a time: the four conditions as one bool, and the ids of those
        // who meet them gathered without a jump (each condition, and all four, is a coin toss to the branch
        // predictor); then their draws, in id order. !(sr >= thr), as before, for a NaN too.
        constexpr std::uint32_t chunk = 256;
        std::uint32_t ids[chunk];
        const std::uint32_t a_end = adults_begin_[b + 1];
        for (std::uint32_t first = adults_begin_[b]; first < a_end; first += chunk) {
            const std::uint32_t last = first + std::min(chunk, a_end - first);
            std::uint32_t n = 0;
            for (std::uint32_t a = first; a < last; ++a) {
                const std::uint32_t i = adults[a];
                ids[n] = i;
                n += (status[i] == QuestionStatus::none) & ((wmo_weeks[i] | general_weeks[i]) == 0) &
                     !(self_reliance[i] >= thr);
            }
            for (std::uint32_t k = 0; k < n; ++k) {
                const std::uint32_t i = ids[k];
                const double sr = self_reliance[i];
                const auto u = key_.uniform4(rng::Stream::wmo_loket, week_, i);
                if (u[0] < wmo.loket_rate * (1.0 - sr / thr)) by_buurt[b].push_back({u[1], i});
            }
        }
    });
    std::vector<std::pair<double, std::uint32_t>> applicants;
    for (const auto& v : by_buurt) applicants.insert(applicants.end(), v.begin(), v.end());
    std::sort(applicants.begin(), applicants.end());  // random, seed-fixed order
    const double mean = params_.questions.care_hours_mean;
    for (const auto& [order, i] : applicants) {
        auto g = key_.urng(rng::Stream::wmo_loket, week_, i, 1);
        assess_wmo(i, boost::random::exponential_distribution<double>(1.0 / mean)(g), true);
    }
}

}  // namespace buurtsim
