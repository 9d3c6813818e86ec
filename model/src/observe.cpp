// Phase 8: wellbeing and indicators.
//
// Loneliness: each adult has a latent De Jong Gierveld score
//   intercept + trait_sd * z + the resident-level risk factors
//   (living alone, vulnerability group, bijstand, disability benefit,
//   herkomst Europe / outside Europe, born abroad, 65+, 75+, 85+)
//   - tie_effect * log(1 + sum of tie strengths / 255)
//   - contact_effect * recent contacts per week,
// rounded and clamped to the DJG scale 0..11 (0-2 not lonely, 3-8 moderately,
// 9-11 severely lonely). z is a lasting standard-normal trait. The risk
// factors do not change during a run, so their part is summed once
// (loneliness_base); buurt differences come from who lives there.
//
// Subscales: the score counts unfavourable answers on 6 emotional and 5
// social items. Each of them is emotional with chance w (w higher for adults
// living alone: emotional loneliness goes with missing a partner), so the
// emotional count is the resident's lasting quantile u of Binomial(score, w),
// kept within what the item counts allow. Emotionally / socially lonely:
// 3 or more unfavourable answers on that subscale.
//
// Perceived cohesion: Utrecht's cohesion score asks five statements on a
// five-point scale. Each adult answers statement k with
//   round(3 + offset_k + embedding_effect * embedding + noise_sd * z_k), clamped to 1..5,
// where embedding = log(1 + in-buurt tie strengths / 255) + recent contacts
// per week, and z_k a lasting standard-normal trait, which shares a person
// factor across the five statements (State::cohesion_trait) so that one
// resident's answers correlate as in a survey scale. 4-5 counts as agreeing.
// A resident's score is the mean over the statements of (answer - 1) / 4 * 10,
// and the buurt's score the mean over its adults (0-10, like the survey).
#include "simulation_detail.hpp"
#include "tie_sums.hpp"

#include <set>

namespace buurtsim {
using namespace detail;

namespace {

// Scores are rounded half up, as round_small(x) = int(clamp(x, -2, 14) + 3.5) - 3 did (no libm call); the
// clamps to the scale that follow subsume its own clamp, so below it is written with those clamps only.

/// A resident's answer to a cohesion statement, from v = lead + ex + sd x z + 3.5 (in that order):
/// answer = clamp(round_small(v - 3.5), 1, 5) = int(clamp(v, 4, 8)) - 3 (the outer clamp subsumes
/// round_small's), so agreeing (4-5) is a clamped value >= 7 and answer - 1 is int(it) - 4. The clamp is
/// clamp_exact's MAXSD and MINSD as the choices they make (NaN gives 4), by masks, which GCC vectorises
/// (here it does not if-convert the ternaries).
inline double cohesion_clamped(double lead, double ex, double sd, float z) {
    const double v = lead + ex + sd * double(z) + 3.5, above = choose(v > 4.0, v, 4.0);
    return choose(above < 8.0, above, 8.0);
}

/// Cumulative Binomial(total, w) probabilities of the emotional item count, for w of adults
/// not living alone [0] and living alone [1]; the count is the first k with u < cdf[total][k].
struct ItemSplit {
    double cdf[2][12][12] = {};
    explicit ItemSplit(const LonelinessParams& l) {
        const double w[2] = {std::clamp(l.emotional_item_share, 0.0, 1.0),
                             std::clamp(l.emotional_item_share + l.living_alone_emotional_shift, 0.0, 1.0)};
        for (int a = 0; a < 2; ++a)
            for (int total = 0; total <= 11; ++total) {
                double c = 0, choose = 1;  // choose = C(total, k)
                for (int k = 0; k <= total; ++k) {
                    c += choose * std::pow(w[a], k) * std::pow(1 - w[a], total - k);
                    cdf[a][total][k] = k == total ? 2.0 : c;  // the last count always ends the search
                    choose = choose * (total - k) / (k + 1);
                }
            }
    }
    int emotional(int total, bool alone, double u) const {
        int k = 0;
        while (u >= cdf[alone][total][k]) ++k;
        return std::clamp(k, std::max(0, total - 5), std::min(6, total));
    }
};

}  // namespace

double Engine::loneliness_base(std::uint32_t i) const {
    const LonelinessParams& l = params_.loneliness;
    const std::uint8_t age = pop_.age[i], origin = pop_.origin[i], benefits = pop_.benefits[i];
    double x = l.intercept + l.trait_sd * state_.loneliness_trait[i];
    if (pop_.household_type[pop_.household[i]] == HouseholdType::single) x += l.living_alone_effect;
    if (pop_.vulnerability[i]) x += l.vulnerable_effect;
    if (benefits & benefit_bijstand) x += l.bijstand_effect;
    if (benefits & benefit_disability) x += l.disability_effect;
    if (origin & origin_europe) x += l.origin_europe_effect;
    if (origin & origin_outside_europe) x += l.origin_outside_europe_effect;
    if (origin & origin_born_abroad) x += l.born_abroad_effect;
    if (age >= senior_age) x += l.age_65_effect;
    if (age >= 75) x += l.age_75_effect;
    if (age >= 85) x += l.age_85_effect;
    return x;
}

namespace {

/// This week's contacts folded into the moving average, and an adult's DJG score from it and the row's
/// sums: the one formula observe and the initial state share. The score is round_small(latent) clamped to
/// 0..11, computed as int(clamp(latent + 3.5, 3, 14)) - 3 and stored by mask: no jump for a child. The
/// clamp is clamp_exact's MAXSD and MINSD written as the ternaries they compute (x > lo ? x : lo, then
/// m < hi ? m : hi): the same value for every x, and GCC vectorises a loop of these, not of the intrinsics.
inline void wellbeing_step(float& recent, float& week, std::uint8_t& djg, float base, unsigned adult, double log_all,
                           const LonelinessParams& l) {
    const double m = l.contact_memory;
    recent = float((1.0 - m) * recent + m * week);
    week = 0.f;
    const double latent = base - l.tie_effect * log_all - l.contact_effect * recent;
    const double y = latent + 3.5, above = y > 3.0 ? y : 3.0, clamped = above < 14.0 ? above : 14.0;
    djg = keep_unless(djg, std::uint8_t(int(clamped) - 3), adult);
}

}  // namespace

void Engine::update_wellbeing(std::uint32_t i, const Embedding& e) {
    State& s = state_;
    wellbeing_step(s.contacts_recent[i], s.contacts_week[i], s.djg[i], s.loneliness_base[i], unsigned(is_adult(i)), e.log_all,
                   params_.loneliness);
}

void Engine::observe() {
    State& s = state_;
    const CohesionParams& c = params_.cohesion;
    const LonelinessParams& lp = params_.loneliness;
    // 3 + the statement's offset: the first sum of each answer's formula, the same for everyone.
    const double lead[5] = {3.0 + c.know_each_other, 3.0 + c.interact_pleasantly, 3.0 + c.gezellig,
                            3.0 + c.interact_a_lot, 3.0 + c.feel_comfortable};
    const double wmo_cost = params_.wmo.cost_per_client_week;
    const double hour_cost = params_.costs.buurtteam_hour_eur;
    const CostParams& costs = params_.costs;
    const double nan = std::numeric_limits<double>::quiet_NaN();
    const ItemSplit split(params_.loneliness);
    // Hours a waiting resident will need: not waiting, a light question, a care question.
    const double hours_waiting[3] = {0.0, params_.buurtteam.case_hours_light, params_.buurtteam.case_hours_per_week};
    const std::uint32_t now = week_ + 1;  // the "seen" stamps are weeks + 1 (0: never)
    for_each_buurt_wide(pop_.geo.buurten.size(), [&, now](std::uint32_t b) __attribute__((always_inline)) {
        std::uint32_t adults = 0, seniors = 0, open = 0, waiting = 0, clients = 0, cared = 0, wmo = 0, wmo_year = 0,
                      general = 0;
        double waiting_hours = 0;
        std::uint32_t volunteers = 0, carers = 0, overburdened = 0, lonely = 0, severe = 0, severe_65 = 0;
        std::uint32_t know5 = 0, agree[5] = {0, 0, 0, 0, 0}, carers_supported = 0, emotional = 0, social = 0;
        std::uint32_t volunteers_year = 0, carers_year = 0, carers_year_65 = 0, bt_year = 0, bt_year_65 = 0;
        std::uint64_t ties_buurt = 0, score_halves = 0;
        // Raw pointers: through the vectors the compiler reloads every base after each byte store.
        const std::uint8_t* __restrict age = pop_.age.data();
        const QuestionStatus* __restrict status = s.status.data();
        const QuestionKind* __restrict kind = s.kind.data();
        const std::uint16_t* __restrict wmo_weeks = s.wmo_weeks.data();
        const std::uint16_t* __restrict general_weeks = s.general_weeks.data();
        const std::uint32_t* __restrict caring_for = s.caring_for.data();
        const std::uint8_t* __restrict volunteer = s.volunteer.data();
        const float* __restrict burden = s.burden.data();
        const std::uint32_t* __restrict carer_supported_until = s.carer_supported_until.data();
        const TieSummary* __restrict ties = s.ties.data();
        const float* __restrict base = s.loneliness_base.data();
        const float* const trait[5] = {s.cohesion_trait[0].data(), s.cohesion_trait[1].data(), s.cohesion_trait[2].data(),
                                       s.cohesion_trait[3].data(), s.cohesion_trait[4].data()};
        std::uint32_t* __restrict wmo_seen = s.wmo_seen.data();
        std::uint32_t* __restrict bt_seen = s.buurtteam_seen.data();
        std::uint32_t* __restrict carer_seen = s.carer_seen.data();
        std::uint32_t* __restrict volunteer_seen = s.volunteer_seen.data();
        float* __restrict recent = s.contacts_recent.data();
        float* __restrict contacts_week = s.contacts_week.data();
        std::uint8_t* __restrict djg = s.djg.data();
        std::uint8_t* __restrict items = s.emotional_items.data();
        // Branch-free: which residents are adults, carers or clients is a coin toss to the branch
        // predictor, and a mispredicted branch costs more than the arithmetic of both sides. So every
        // resident goes through the same steps and the counts are masked (bools as 0/1, & not &&).
        // Four loops over the buurt, not one: one loop's thirty counters do not fit in registers, and
        // counters kept on the stack cost a load and a store each; the buurt's rows stay in cache between.
        // "During the last 12 months": seen > 0 and seen + 52 > now. Stamps are never after now, so that
        // is one comparison with max(now, 52) - 52.
        const std::uint32_t year_floor = std::max(now, 52u) - 52u;
        const auto in_year = [year_floor](std::uint32_t seen) { return unsigned(seen > year_floor); };
        // 1. Everyone: contacts, and an adult's DJG score (wellbeing_step, without its branch). The table
        // reads of log(1 + strength / 255) first, in a loop of their own (a table read per resident keeps
        // a loop from vectorising); then the step, vectorised, on pointers to the buurt's first resident
        // indexed by a size_t (a 32-bit index may wrap as far as the compiler knows).
        const std::uint32_t r_begin = pop_.buurt_begin[b], r_end = pop_.buurt_begin[b + 1];
        const std::size_t n = r_end - r_begin;
        // The same loop reads the strengths to the own buurt (for cohesion, below) and counts the adults'
        // ties in the buurt, by mask.
        thread_local std::vector<double> log_buf;
        if (log_buf.size() < 2 * n) log_buf.resize(2 * n);
        double* __restrict log_all = log_buf.data();
        double* __restrict log_buurt = log_all + n;
        for (std::size_t k = 0; k < n; ++k) {
            const TieSummary& t = ties[r_begin + k];
            log_all[k] = log1p_strength(t.strength_all);
            log_buurt[k] = log1p_strength(t.strength_buurt);
            const unsigned adult = age[r_begin + k] >= adult_age;
            ties_buurt += t.ties_buurt & (0u - adult);
            know5 += adult & unsigned(t.nonhousehold_buurt >= 5);
        }
        {
            float* __restrict rec = recent + r_begin;
            float* __restrict cw = contacts_week + r_begin;
            std::uint8_t* __restrict dj = djg + r_begin;
            const float* __restrict bs = base + r_begin;
            const std::uint8_t* __restrict ag = age + r_begin;
            const LonelinessParams l = lp;  // a copy: read through the closure, the loop reloads it and stays scalar
            for (std::size_t k = 0; k < n; ++k)
                wellbeing_step(rec[k], cw[k], dj[k], bs[k], unsigned(ag[k] >= adult_age), log_all[k], l);
        }
        // 2. Everyone: questions, Wmo, care and volunteering stamps.
        const std::uint32_t this_week = week_;
        for (std::uint32_t i = r_begin; i < r_end; ++i) {
            const QuestionStatus st = status[i];
            open += st == QuestionStatus::open;
            const unsigned is_waiting = st == QuestionStatus::waiting, in_case = st == QuestionStatus::in_case;
            waiting += is_waiting;
            clients += in_case;
            cared += st == QuestionStatus::cared;
            general += general_weeks[i] > 0;
            const unsigned has_wmo = wmo_weeks[i] > 0;
            wmo += has_wmo;
            wmo_seen[i] = keep_unless(wmo_seen[i], now, has_wmo);
            wmo_year += in_year(wmo_seen[i]);
            bt_seen[i] = keep_unless(bt_seen[i], now, in_case);
        }
        for (std::uint32_t i = r_begin; i < r_end; ++i) {
            const unsigned carer = caring_for[i] != no_one;
            carer_seen[i] = keep_unless(carer_seen[i], now, carer);
            carers += carer;
            overburdened += carer & unsigned(burden[i] >= 1.f);
            carers_supported += carer & unsigned(carer_supported_until[i] > this_week);
            volunteer_seen[i] = keep_unless(volunteer_seen[i], now, unsigned(volunteer[i] != 0));
        }
        // The hours the waiting will need, summed over them in id order: the sum over everyone added 0.0
        // for the others, which leaves a sum of non-negative hours bit for bit as it was. Apart, so that
        // the loop above has no sum of doubles in order (which kept it scalar) and the compiler
        // vectorises it.
        for (std::uint32_t i = r_begin; i < r_end; ++i)
            if (status[i] == QuestionStatus::waiting) waiting_hours += hours_waiting[1u + unsigned(kind[i] == QuestionKind::care)];
        const std::uint32_t a_begin = adults_begin_[b], a_end = adults_begin_[b + 1];
        adults = a_end - a_begin;
        // 3. Adults: the 12-month counts and loneliness. First the emotional item count of those whose score
        // changed (rare; read in place over the buurt, one jump a resident); then the counts over everyone, masked to adults (seniors are adults), which the
        // compiler vectorises, where a loop over the adults' ids reads each array by index (the adults' tie
        // counts are summed in step 1, which reads the 12-byte summaries anyway).
        for (std::uint32_t i = r_begin; i < r_end; ++i) {
            const std::uint8_t score = djg[i];
            if (unsigned(items[i] >> 4 != score) & unsigned(age[i] >= adult_age)) {  // rare: an adult's score changed (one jump)
                const bool alone = pop_.household_type[pop_.household[i]] == HouseholdType::single;
                items[i] = std::uint8_t(score << 4 | split.emotional(score, alone, s.loneliness_split[i]));
            }
        }
        for (std::uint32_t i = r_begin; i < r_end; ++i) {
            const unsigned adult = age[i] >= adult_age;
            const unsigned senior = age[i] >= senior_age;
            seniors += senior;
            volunteers_year += adult & in_year(volunteer_seen[i]);
            const unsigned carer_year = in_year(carer_seen[i]), case_year = in_year(bt_seen[i]);
            carers_year += adult & carer_year;
            carers_year_65 += senior & carer_year;
            bt_year += adult & case_year;
            bt_year_65 += senior & case_year;
            volunteers += adult & unsigned(volunteer[i] != 0);
            const unsigned score = djg[i];
            const unsigned severe_now = score >= 9;
            lonely += adult & unsigned(score >= 3);
            severe += adult & severe_now;
            severe_65 += senior & severe_now;
            const unsigned e_items = items[i] & 0xFu;
            emotional += adult & unsigned(e_items >= 3);
            social += adult & unsigned(int(score) - int(e_items) >= 3);
        }
        // 4. Adults: the five cohesion statements (cohesion_clamped), over everyone, so that the loop
        // vectorises: a child's embedding is -infinity, which clamps every answer to 1 (and a NaN does too),
        // so children add nothing to the sums below (int(4) - 4 = 0, not agreeing). A resident's score is
        // the mean of (answer - 1) / 4 x 10 over the statements: a multiple of 0.5, so it is summed exactly
        // as a count of halves (the same value as summing the doubles): (steps / 4 x 10) / 5 = steps / 2.
                {
            const float* __restrict z0 = trait[0] + r_begin;
            const float* __restrict z1 = trait[1] + r_begin;
            const float* __restrict z2 = trait[2] + r_begin;
            const float* __restrict z3 = trait[3] + r_begin;
            const float* __restrict z4 = trait[4] + r_begin;
            const float* __restrict rec = recent + r_begin;
            const std::uint8_t* __restrict ag = age + r_begin;
            const double effect = c.embedding_effect, sd = c.noise_sd, none = -std::numeric_limits<double>::infinity();
            const double l0 = lead[0], l1 = lead[1], l2 = lead[2], l3 = lead[3], l4 = lead[4];
            std::uint64_t ints = 0, a0 = 0, a1 = 0, a2 = 0, a3 = 0, a4 = 0;
            for (std::size_t k = 0; k < n; ++k) {
                const double embedding = effect * (log_buurt[k] + double(rec[k]));
                const double ex = choose(ag[k] >= adult_age, embedding, none);
                const double y0 = cohesion_clamped(l0, ex, sd, z0[k]), y1 = cohesion_clamped(l1, ex, sd, z1[k]),
                             y2 = cohesion_clamped(l2, ex, sd, z2[k]), y3 = cohesion_clamped(l3, ex, sd, z3[k]),
                             y4 = cohesion_clamped(l4, ex, sd, z4[k]);
                ints += std::uint64_t(std::int64_t(std::int32_t(y0)) + std::int32_t(y1) + std::int32_t(y2) +
                                      std::int32_t(y3) + std::int32_t(y4));
                a0 += y0 >= 7.0;
                a1 += y1 >= 7.0;
                a2 += y2 >= 7.0;
                a3 += y3 >= 7.0;
                a4 += y4 >= 7.0;
            }
            score_halves = ints - 20 * std::uint64_t(n);  // every resident's five int(y) - 4
            agree[0] = std::uint32_t(a0), agree[1] = std::uint32_t(a1), agree[2] = std::uint32_t(a2);
            agree[3] = std::uint32_t(a3), agree[4] = std::uint32_t(a4);
        }
        const State::BuurtWeek& w = s.week[b];
        const auto share = [&](double x, std::uint32_t of) { return of ? x / of : nan; };
        if (week_ < burn_in_) return;  // wellbeing above is updated; nothing is recorded yet
        auto set = [&](Indicator ind, double v) { results_.at(ind, week_ - burn_in_, b) = v; };
        const double bt_cost = w.buurtteam_hours * hour_cost, wmo_eur = wmo * wmo_cost;
        const double iv_cost = levers_.intervention_cost_eur[b];
        set(Indicator::residents, pop_.buurt_begin[b + 1] - pop_.buurt_begin[b]);
        set(Indicator::adults, adults);
        set(Indicator::adults_65plus, seniors);
        set(Indicator::questions_new, w.new_questions);
        set(Indicator::questions_solved_network, w.solved_network);
        set(Indicator::questions_solved_community, w.solved_community);
        set(Indicator::questions_solved_professional, w.solved_professional);
        set(Indicator::questions_unmet_open, open);
        set(Indicator::questions_dropped, w.dropped);
        set(Indicator::escalations, w.escalations);
        set(Indicator::buurtteam_referrals, w.referrals);
        set(Indicator::buurtteam_started, w.cases_started);
        set(Indicator::buurtteam_clients, clients);
        set(Indicator::care_recipients, cared);
        set(Indicator::buurtteam_waiting, waiting);
        set(Indicator::buurtteam_wait_weeks, w.cases_started ? w.wait_sum / w.cases_started : nan);
        set(Indicator::buurtteam_hours, w.buurtteam_hours);
        set(Indicator::wmo_clients, wmo);
        set(Indicator::wmo_new, w.wmo_new);
        set(Indicator::wmo_cost_eur, wmo_eur);
        set(Indicator::informal_care_hours, w.informal_hours);
        set(Indicator::volunteer_hours, w.volunteer_hours);
        set(Indicator::volunteers, volunteers);
        set(Indicator::carers, carers);
        set(Indicator::carers_overburdened, overburdened);
        set(Indicator::carers_withdrawn, w.withdrawn);
        set(Indicator::meeting_visits, w.visits);
        set(Indicator::lonely_share, share(lonely, adults));
        set(Indicator::severely_lonely_share, share(severe, adults));
        set(Indicator::severely_lonely_share_65plus, share(severe_65, seniors));
        set(Indicator::cohesion_score, share(double(score_halves) * 0.5, adults));
        set(Indicator::cohesion_know_each_other, share(agree[0], adults));
        set(Indicator::cohesion_interact_pleasantly, share(agree[1], adults));
        set(Indicator::cohesion_gezellig, share(agree[2], adults));
        set(Indicator::cohesion_interact_a_lot, share(agree[3], adults));
        set(Indicator::cohesion_feel_comfortable, share(agree[4], adults));
        set(Indicator::mean_ties_in_buurt, share(double(ties_buurt), adults));
        set(Indicator::share_knowing_5_in_buurt, share(know5, adults));
        set(Indicator::buurtteam_cost_eur, bt_cost);
        set(Indicator::intervention_cost_eur, iv_cost);
        // Every euro has a payer (DESIGN 8); the sums are the parts added in one place (cost_parts).
        const double general_eur = general * costs.general_provision_week_eur;
        const double gp_eur = w.gp_contacts * costs.gp_contact_eur;
        const double poh_eur = w.poh_ggz_contacts * costs.poh_ggz_contact_eur;
        const double acute_eur = w.acute_contacts * costs.acute_contact_eur;
        const double gemeente = bt_cost + wmo_eur + general_eur + iv_cost, zvw = gp_eur + poh_eur + acute_eur;
        set(Indicator::general_provision_clients, general);
        set(Indicator::general_provision_cost_eur, general_eur);
        set(Indicator::gp_contacts, w.gp_contacts);
        set(Indicator::poh_ggz_contacts, w.poh_ggz_contacts);
        set(Indicator::acute_care_contacts, w.acute_contacts);
        set(Indicator::gp_cost_eur, gp_eur);
        set(Indicator::poh_ggz_cost_eur, poh_eur);
        set(Indicator::acute_care_cost_eur, acute_eur);
        set(Indicator::gemeente_cost_eur, gemeente);
        set(Indicator::zorgverzekeraar_cost_eur, zvw);
        set(Indicator::total_cost_eur, gemeente + zvw);
        set(Indicator::volunteers_year, volunteers_year);
        set(Indicator::carers_year, carers_year);
        set(Indicator::carers_year_65plus, carers_year_65);
        set(Indicator::buurtteam_clients_year, bt_year);
        set(Indicator::buurtteam_clients_year_65plus, bt_year_65);
        set(Indicator::wmo_referred_buurtteam, w.wmo_referred);
        set(Indicator::questions_brokered, w.brokered);
        set(Indicator::questions_light_help, w.light_help);
        set(Indicator::questions_carer_found, w.carer_found);
        set(Indicator::carers_supported, carers_supported);
        const std::uint32_t wijk = pop_.geo.buurten[b].wijk;
        const double resident_share =
            wijk_residents_[wijk] > 0 ? double(pop_.buurt_begin[b + 1] - pop_.buurt_begin[b]) / wijk_residents_[wijk] : 0.0;
        const double capacity = s.teams[wijk].capacity_hours();
        set(Indicator::questions_unmet, open + waiting + w.dropped);
        set(Indicator::crises, w.crises);
        set(Indicator::crises_waiting, w.crises_waiting);
        set(Indicator::buurtteam_left_list, w.left_list);
        set(Indicator::buurtteam_hours_needed, w.buurtteam_hours + waiting_hours);
        set(Indicator::buurtteam_capacity_hours, capacity * resident_share);
        set(Indicator::buurtteam_idle_hours, std::max(0.0, capacity - s.team_worked[wijk]) * resident_share);
        set(Indicator::wmo_assessed, w.wmo_assessed);
        set(Indicator::wmo_met_by_network, w.wmo_network);
        set(Indicator::wmo_met_by_general, w.wmo_general);
        set(Indicator::wmo_new_loket, w.wmo_new_loket);
        set(Indicator::wmo_clients_year, wmo_year);
        set(Indicator::lonely_emotional_share, share(emotional, adults));
        set(Indicator::lonely_social_share, share(social, adults));
    });
}

void Engine::snapshot() {
    const auto& weeks = params_.output.snapshot_weeks;
    if (week_ < burn_in_ || std::find(weeks.begin(), weeks.end(), std::int64_t(week_ - burn_in_)) == weeks.end())
        return;
    const State& s = state_;
    Snapshot snap;
    snap.week = week_ - burn_in_;
    const std::size_t n = pop_.size();
    snap.buurt = pop_.buurt;
    snap.age = pop_.age;
    snap.household = pop_.household;
    snap.vulnerability = pop_.vulnerability;
    snap.loneliness = s.djg;
    snap.self_reliance = s.self_reliance;
    snap.age_band.resize(n);
    snap.household_type.resize(n);
    snap.roles.resize(n);
    for (std::size_t i = 0; i < n; ++i) {
        snap.age_band[i] = age_band(pop_.age[i]);
        snap.household_type[i] = std::uint8_t(pop_.household_type[pop_.household[i]]);
        std::uint8_t r = 0;
        if (s.volunteer[i]) r |= role_volunteer;
        if (s.volunteer[i] == 2) r |= role_support_volunteer;
        if (s.caring_for[i] != no_one) r |= role_carer;
        if (s.status[i] == QuestionStatus::waiting || s.status[i] == QuestionStatus::in_case) r |= role_buurtteam_client;
        if (s.wmo_weeks[i] > 0) r |= role_wmo_client;
        snap.roles[i] = r;
        if (!is_adult(std::uint32_t(i))) snap.loneliness[i] = 0;
        for (std::uint64_t t = net_.begin(std::uint32_t(i)); t < net_.end(std::uint32_t(i)); ++t) {
            const std::uint32_t j = net_.neighbour[t];
            if (j <= i) continue;
            snap.source.push_back(std::uint32_t(i));
            snap.target.push_back(j);
            snap.tie_type.push_back(std::uint8_t(net_.type[t]));
            snap.strength.push_back(net_.strength[t]);
        }
    }
    results_.snapshots.push_back(std::move(snap));
}

}  // namespace buurtsim
