// Synthetic population per buurt from CBS Kerncijfers wijken en buurten.
//
// ALGORITHM (why in brackets)
//
// 1. Targets. Per buurt the CBS counts are scaled by population.scale and
//    made integer: residents R = round-half-to-even(scale * a_inw) per buurt
//    (unbiased; the city total stays within 0.5 per buurt of the exact
//    value). Age bands, men/women and household types are split from R
//    (resp. the household count H) by largest remainder on the CBS
//    proportions, so they sum exactly (CBS rounds every count to 5, so the
//    raw bands need not add up to a_inw). H = round(scale * a_hh), or
//    R / g_hhgro where a_hh is missing or 0 while people live there.
//    A group of columns that is missing (".") or all zero in a buurt with
//    residents is taken as proportions from the buurt's wijk row, then the
//    gemeente row (the nearest area CBS did publish). Buurten with a_inw
//    missing or 0 are kept with 0 residents (industrial areas are real
//    buurten; interventions may still be placed there).
//
// 2. Feasibility repair of household counts (only bites in tiny buurten or
//    at small scale, where rounding makes the CBS numbers inconsistent):
//    with-children households need a child (0-14, or 15-24 living at home),
//    so an excess becomes without-children; children 0-14 need at least one
//    with-children household; when there are fewer adults than single (1),
//    couple (2) and parent (1) places, a couple becomes a single, then
//    singles are dropped, then with-children households; residents left over
//    need a multi-person household to join, else one single becomes a couple.
//    The repaired counts are the targets reported in Population::targets.
//
// 3. Ages. Exact band counts. Uniform within 0-14, 25-44 and 45-64. 65+ follows
//    the rough shape of the Dutch 65+ pyramid (CBS, 1 Jan 2023: 5-year
//    groups 65-69 ... 100-104 weighted 28.6, 25.4, 22.0, 13.1, 7.2, 2.9, 0.64,
//    0.07 %; assumption: Utrecht's elderly share the national shape).
//    15-24 ages depend on the role (drawn after household formation): one
//    in an adult role (single, partner, parent, housemate) is uniform 18-24;
//    one living as a child at home is 15..24 with weights 1, 1, 1, 0.9, 0.8,
//    ..., 0.3 [assumption: every 15-17 year-old lives at home, leaving home
//    spreads over 18-24]. [A uniform 15-24 would put 30 % minors into student
//    buurten such as Utrecht Science Park, where CBS counts almost only
//    single-person households.]
//    Sex: exactly the (scaled) number of men, chosen at random regardless of
//    age (simplification: CBS gives sex and age separately).
//
// 4. Households, built in this order so that the most constrained roles are
//    filled first:
//    a. with-children: one child each from the 0-14 pool (then 15-24); the
//       remaining 0-14 children go to with-children households uniformly at
//       random. Each gets 1 parent, or 2 with probability two_parent_share
//       as long as spare adults exist. Then 15-24 year-olds live at home
//       until families have 1.8 children on average [assumption: CBS's
//       national mean of children living at home per family], as far as
//       15-24 year-olds and spare adults allow. Parents are drawn from 25-64 with
//       weight 0.4 (25-29), 0.8 (30-34), 1.0 (35-54), 0.4 (55-64)
//       [assumption: typical age of parents with children at home]; if 25-64
//       runs out, from 18-24, then 65+. Partners are paired by similar age.
//    b. single-person households from the remaining adults, weighted by the
//       propensity to live alone: 18-24 1.2, 25-34 1.3, 35-54 0.7, 55-64 0.9,
//       65-74 1.0, 75-84 1.6, 85+ 2.6 [assumption: the shape of CBS shares
//       of persons living alone by age; students and the very old most often].
//    c. without-children households: 2 adults from the rest (18-24 weight 0.5,
//       others 1: young adults more often stay with parents or share a
//       house), paired by similar age.
//    d. every remaining resident (mostly 15-24 living at home, students in
//       shared houses, adult children, residents of institutions, which CBS
//       counts in a_inw but not in households) joins a uniformly random
//       multi-person household; in a with-children household a 15-24
//       year-old joins as a child. Hence every resident is in exactly one
//       household and the mean household size is R / H (close to CBS
//       g_hhgro except in buurten with large institutions).
//    Household order within a buurt is random, so that street blocks cut
//    from contiguous households mix household types.
//
// 5. Benefits. AOW: the scaled count a_soz_ow, given to the oldest residents
//    first (AOW is an age entitlement; 2023 AOW age 66y10m, so residents 66+
//    and 65 only if needed). Bijstand (a_soz_wb) and disability (a_soz_ao):
//    scaled counts drawn at random among residents 18-64, disjoint (receiving
//    both is rare). Where the buurt value is missing: the wijk's rate, then
//    the gemeente's (per resident 65+ for AOW, per resident 15-64 for the
//    others). Where the edition publishes none (the 2024 edition has these
//    columns empty at every level): AOW for everyone 67+ (legal AOW age
//    2024), bijstand 3.5 % and disability 6.8 % of residents 15-64
//    [assumption: national rates; CBS 85984NED, Nederland row of a later
//    release: 405,560 persons with bijstand and 785,330 with a disability
//    benefit, against about 11.5 million residents 15-64]. Counts are capped
//    at the eligible residents.
//
// 6. Vulnerability (independent Bernoulli draws per resident): psych (18-64),
//    NAH (18+), LVB (12+) with their prevalences, where residents on bijstand
//    or disability benefit have their odds multiplied by
//    benefit_vulnerability_odds. The base probability q solves
//      n_off * q + n_on * m q / (1 - q + m q) = prevalence * (n_off + n_on)
//    over the whole selected population (bisection), so the group's overall
//    expected prevalence stays the parameter while buurten with many
//    benefit recipients get more vulnerable residents. Homeless history
//    (18+) and frailty (65-74, 75-84, 85+) use their prevalences directly.
//
// Randomness: one Philox stream per buurt, keyed by the buurt's row in the
// CBS table (not its position in the selection, so a buurt gets the same
// residents whether simulated alone or with the city; only the vulnerability
// base rate depends on the selection). Sub-stream 0 builds the buurt, 1
// draws vulnerabilities. Buurten are built in parallel into their own
// buffers and concatenated in buurt order: identical for any thread count.
#include "buurtsim/population.hpp"

#include "buurtsim/error.hpp"
#include "buurtsim/rng.hpp"

#include <boost/random/discrete_distribution.hpp>
#include <boost/random/exponential_distribution.hpp>
#include <boost/random/uniform_int_distribution.hpp>
#include <boost/random/uniform_real_distribution.hpp>
#include <tbb/blocked_range.h>
#include <tbb/parallel_for.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <limits>
#include <numeric>
#include <optional>
#include <sstream>
#include <unordered_set>

namespace buurtsim {
namespace {

using rng::Urng;

constexpr std::array<std::string_view, n_age_bands> age_columns = {"a_00_14", "a_15_24", "a_25_44",
                                                                   "a_45_64", "a_65_oo"};
constexpr std::array<std::string_view, 3> household_columns = {"a_1p_hh", "a_hh_z_k", "a_hh_m_k"};

// National fallbacks used only when an edition publishes no benefit counts at
// all (see comment block, point 5).
constexpr double national_bijstand_rate = 0.035;    // per resident 15-64
constexpr double national_disability_rate = 0.068;  // per resident 15-64
constexpr std::uint8_t national_aow_age = 67;

// Shape of the 65+ age distribution, 5-year groups from 65 (point 3).
constexpr std::array<double, 8> old_age_weights = {28.6, 25.4, 22.0, 13.1, 7.2, 2.9, 0.64, 0.07};

// Age 15..24 of a 15-24 year-old living with parents: all 15-17 year-olds
// live at home, fewer with every year after (point 3).
constexpr std::array<double, 10> at_home_age_weights = {1.0, 1.0, 1.0, 0.9, 0.8, 0.7, 0.6, 0.5, 0.4, 0.3};
// Children of any age living at home per household with children (point 4a).
constexpr double children_per_family = 1.8;

// Sub-streams of rng::Stream::population per buurt.
constexpr std::uint32_t sub_build = 0;
constexpr std::uint32_t sub_vulnerability = 1;

// ---------------------------------------------------------------- helpers

double nan() { return std::numeric_limits<double>::quiet_NaN(); }

/// Round half to even, independent of the floating-point rounding mode.
std::uint32_t round_half_even(double x) {
    if (!(x > 0)) return 0;
    const double f = std::floor(x);
    const double d = x - f;
    double r = f;
    if (d > 0.5 || (d == 0.5 && std::fmod(f, 2.0) != 0)) r = f + 1;
    return static_cast<std::uint32_t>(r);
}

/// Split n into integers proportional to w, summing exactly to n (largest
/// remainder, ties to the lower index).
template <std::size_t N>
std::array<std::uint32_t, N> largest_remainder(std::uint32_t n, const std::array<double, N>& w) {
    std::array<std::uint32_t, N> out{};
    const double total = std::accumulate(w.begin(), w.end(), 0.0);
    BUURTSIM_ASSERT(total > 0);
    std::array<double, N> rest{};
    std::uint32_t given = 0;
    for (std::size_t i = 0; i < N; ++i) {
        const double q = n * w[i] / total;  // exact for integer counts
        out[i] = static_cast<std::uint32_t>(std::floor(q));
        rest[i] = q - out[i];
        given += out[i];
    }
    std::array<std::size_t, N> order;
    std::iota(order.begin(), order.end(), 0);
    std::stable_sort(order.begin(), order.end(),
                     [&](std::size_t a, std::size_t b) { return rest[a] > rest[b]; });
    for (std::size_t k = 0; given < n; k = (k + 1) % N, ++given) ++out[order[k]];
    return out;
}

std::uint32_t uniform_int(Urng& g, std::uint32_t lo, std::uint32_t hi) {
    return boost::random::uniform_int_distribution<std::uint32_t>(lo, hi)(g);
}

double uniform01(Urng& g) { return boost::random::uniform_real_distribution<double>(0.0, 1.0)(g); }

/// Fisher-Yates with Boost.Random (std::shuffle's algorithm is unspecified).
template <class T>
void shuffle(std::vector<T>& v, Urng& g) {
    for (std::size_t i = v.size(); i > 1; --i) std::swap(v[i - 1], v[uniform_int(g, 0, std::uint32_t(i - 1))]);
}

/// Weighted sampling without replacement of k items (Efraimidis-Spirakis:
/// the k smallest Exp(1)/w keys). Selected items are moved to `chosen` (in
/// key order); `pool` keeps the others in their previous relative order.
template <class WeightFn>
void take_weighted(std::vector<std::uint32_t>& pool, std::size_t k, WeightFn weight, Urng& g,
                   std::vector<std::uint32_t>& chosen) {
    k = std::min(k, pool.size());
    if (k == 0) return;
    boost::random::exponential_distribution<double> expo(1.0);
    std::vector<std::pair<double, std::uint32_t>> keys(pool.size());
    for (std::size_t i = 0; i < pool.size(); ++i) {
        const double w = weight(pool[i]);
        keys[i] = {w > 0 ? expo(g) / w : std::numeric_limits<double>::infinity(), std::uint32_t(i)};
    }
    std::nth_element(keys.begin(), keys.begin() + (k - 1), keys.end());
    std::sort(keys.begin(), keys.begin() + k);
    std::vector<char> taken(pool.size(), 0);
    for (std::size_t i = 0; i < k; ++i) {
        taken[keys[i].second] = 1;
        chosen.push_back(pool[keys[i].second]);
    }
    std::size_t out = 0;
    for (std::size_t i = 0; i < pool.size(); ++i)
        if (!taken[i]) pool[out++] = pool[i];
    pool.resize(out);
}

/// Move up to k items from the end of a (shuffled) pool into `chosen`.
std::size_t take_back(std::vector<std::uint32_t>& pool, std::size_t k, std::vector<std::uint32_t>& chosen) {
    k = std::min(k, pool.size());
    chosen.insert(chosen.end(), pool.end() - k, pool.end());
    pool.resize(pool.size() - k);
    return k;
}

// ---------------------------------------------------------- CBS look-ups

/// The buurt row and where its missing values come from.
struct RowChain {
    std::size_t buurt;
    std::optional<std::size_t> wijk;
    std::optional<std::size_t> gemeente;
};

double column_or_nan(const CbsTable& t, std::size_t row, std::string_view col) {
    return t.has_column(col) ? t.value(row, col) : nan();
}

/// Values of a group of columns from the first row of the chain where all are
/// present and their sum is positive; nullopt if no row qualifies.
template <std::size_t N>
std::optional<std::array<double, N>> shares(const CbsTable& t, const RowChain& chain,
                                            const std::array<std::string_view, N>& cols) {
    for (std::optional<std::size_t> row : {std::optional<std::size_t>(chain.buurt), chain.wijk, chain.gemeente}) {
        if (!row) continue;
        std::array<double, N> v{};
        double sum = 0;
        bool ok = true;
        for (std::size_t i = 0; i < N && ok; ++i) {
            v[i] = column_or_nan(t, *row, cols[i]);
            ok = std::isfinite(v[i]) && v[i] >= 0;
            sum += ok ? v[i] : 0;
        }
        if (ok && sum > 0) return v;
    }
    return std::nullopt;
}

/// First finite positive value of one column along the chain.
double chain_value(const CbsTable& t, const RowChain& chain, std::string_view col) {
    for (std::optional<std::size_t> row : {std::optional<std::size_t>(chain.buurt), chain.wijk, chain.gemeente}) {
        if (!row) continue;
        const double v = column_or_nan(t, *row, col);
        if (std::isfinite(v) && v > 0) return v;
    }
    return nan();
}

/// A benefit count for the buurt: the buurt's own (scaled) count, else a rate
/// per `base` resident from the wijk or gemeente row; nullopt if none.
std::optional<double> benefit_rate_or_count(const CbsTable& t, const RowChain& chain,
                                            std::string_view col,
                                            const std::vector<std::string_view>& base_cols,
                                            bool& is_count) {
    if (!t.has_column(col)) return std::nullopt;
    const double own = t.value(chain.buurt, col);
    if (std::isfinite(own) && own >= 0) {
        is_count = true;
        return own;
    }
    is_count = false;
    for (std::optional<std::size_t> row : {chain.wijk, chain.gemeente}) {
        if (!row) continue;
        const double v = t.value(*row, col);
        double base = 0;
        bool ok = std::isfinite(v) && v >= 0;
        for (std::string_view b : base_cols) {
            const double x = column_or_nan(t, *row, b);
            ok = ok && std::isfinite(x);
            base += ok ? x : 0;
        }
        if (ok && base > 0) return v / base;
    }
    return std::nullopt;
}

[[noreturn]] void no_shares(const CbsTable& t, const RowChain& chain, std::string_view what) {
    const CbsRow& r = t.rows()[chain.buurt];
    throw DataError(t.path().string() + ":" + std::to_string(r.line) + ": buurt " + r.code + " has "
                    + std::string(what)
                    + " missing or zero, and neither its wijk row nor the gemeente row gives"
                      " proportions to fall back on");
}

// ------------------------------------------------------ household targets

/// Make household counts consistent with the residents (point 2 above).
void repair_households(std::uint32_t kids, std::uint32_t young, std::uint32_t older,
                       BuurtTarget& t) {
    std::uint32_t& S = t.single_households;
    std::uint32_t& Z = t.households_without_children;
    std::uint32_t& W = t.households_with_children;
    const std::uint32_t R = t.residents;
    if (R == 0) {
        S = Z = W = 0;
        t.households = 0;
        return;
    }
    // Every with-children household needs a child: 0-14, or 15-24 at home.
    while (W > kids + young) --W, ++Z;
    // Children 0-14 cannot live without a with-children household.
    if (kids > 0 && W == 0) {
        if (Z > 0) --Z; else --S;  // H >= 1, so one of them is positive
        ++W;
    }
    // Adults (everyone 15+, as 15-24 can take adult roles aged 18-24) for
    // the single, couple and parent places; 15-24 used as children are not available.
    auto available = [&] { return young + older - (W > kids ? W - kids : 0); };
    auto needed = [&] { return S + 2 * Z + W; };
    while (needed() > available()) {
        if (Z > 0) --Z, ++S;
        else if (S > 0 && S + W > 1) --S;
        else if (W > (kids > 0 ? 1u : 0u)) --W;
        else break;  // only children live here (tiny scale): a household without an adult
    }
    // Residents beyond the minimal places need a multi-person household.
    const std::int64_t used = std::int64_t(needed()) + std::max(W, kids);
    if (std::int64_t(R) > used && Z + W == 0 && S > 0) --S, ++Z;
    t.households = S + Z + W;
}

// ----------------------------------------------------------- per buurt

struct BuurtBuffer {
    BuurtTarget target;
    std::vector<std::uint8_t> age, female, benefits;
    std::vector<std::uint32_t> household_size;  // per household, in output order
    std::vector<HouseholdType> household_type;
};

double parent_weight(std::uint8_t age) {
    return age < 30 ? 0.4 : age < 35 ? 0.8 : age < 55 ? 1.0 : age < 65 ? 0.4 : 0.2;
}

double single_weight(std::uint8_t age) {
    return age < 25 ? 1.2 : age < 35 ? 1.3 : age < 55 ? 0.7 : age < 65 ? 0.9 : age < 75 ? 1.0 : age < 85 ? 1.6 : 2.6;
}

class BuurtBuilder {
public:
    BuurtBuilder(const CbsTable& t, const RowChain& chain, const PopulationParams& p, Urng g)
        : t_(t), chain_(chain), p_(p), g_(std::move(g)) {}

    BuurtBuffer build() {
        make_targets();
        if (out_.target.residents > 0) {
            make_residents();
            make_households();
            emit();
            assign_benefits();
        }
        return std::move(out_);
    }

private:
    // --- 1 + 2: targets
    void make_targets() {
        BuurtTarget& T = out_.target;
        const double inw = t_.value(chain_.buurt, "a_inw");
        T.residents = round_half_even(p_.scale * (std::isfinite(inw) ? inw : 0.0));
        T.mean_household_size = chain_value(t_, chain_, "g_hhgro");
        if (T.residents == 0) return;
        const std::uint32_t R = T.residents;

        const auto age = shares(t_, chain_, age_columns);
        if (!age) no_shares(t_, chain_, "all age bands (a_00_14 ... a_65_oo)");
        const auto bands = largest_remainder(R, *age);
        std::copy(bands.begin(), bands.end(), T.age);

        const auto sex = shares<2>(t_, chain_, {"a_man", "a_vrouw"});
        if (!sex) no_shares(t_, chain_, "a_man and a_vrouw");
        T.men = largest_remainder(R, *sex)[0];

        const double hh = t_.has_column("a_hh") ? t_.value(chain_.buurt, "a_hh") : nan();
        std::uint32_t H = 0;
        if (std::isfinite(hh) && hh > 0) {
            H = round_half_even(p_.scale * hh);
        } else {
            if (!std::isfinite(T.mean_household_size)) no_shares(t_, chain_, "a_hh and g_hhgro");
            H = round_half_even(R / T.mean_household_size);
        }
        H = std::clamp<std::uint32_t>(H, 1, R);
        const auto types = shares(t_, chain_, household_columns);
        if (!types) no_shares(t_, chain_, "household types (a_1p_hh, a_hh_z_k, a_hh_m_k)");
        const auto split = largest_remainder(H, *types);
        T.single_households = split[0];
        T.households_without_children = split[1];
        T.households_with_children = split[2];
        repair_households(T.age[band_00_14], T.age[band_15_24],
                          T.age[band_25_44] + T.age[band_45_64] + T.age[band_65_plus], T);
    }

    // --- 3: ages (15-24 later, by role) and sex
    void make_residents() {
        const BuurtTarget& T = out_.target;
        const std::uint32_t R = T.residents;
        age_.assign(R, 0);
        young_.assign(R, 0);
        std::uint32_t i = 0;
        boost::random::discrete_distribution<int, double> old_group(old_age_weights.begin(),
                                                                    old_age_weights.end());
        for (int b = 0; b < n_age_bands; ++b) {
            for (std::uint32_t k = 0; k < T.age[b]; ++k, ++i) {
                switch (b) {
                case band_00_14: age_[i] = std::uint8_t(uniform_int(g_, 0, 14)); kids_.push_back(i); break;
                case band_15_24: young_[i] = 1; youth_.push_back(i); break;
                case band_25_44: age_[i] = std::uint8_t(uniform_int(g_, 25, 44)); adults_.push_back(i); break;
                case band_45_64: age_[i] = std::uint8_t(uniform_int(g_, 45, 64)); adults_.push_back(i); break;
                default:
                    age_[i] = std::uint8_t(65 + 5 * old_group(g_) + uniform_int(g_, 0, 4));
                    elderly_.push_back(i);
                }
            }
        }
        // Exactly T.men men, chosen uniformly (partial Fisher-Yates).
        female_.assign(R, 1);
        std::vector<std::uint32_t> idx(R);
        std::iota(idx.begin(), idx.end(), 0);
        for (std::uint32_t k = 0; k < T.men; ++k) {
            std::swap(idx[k], idx[uniform_int(g_, k, R - 1)]);
            female_[idx[k]] = 0;
        }
        shuffle(kids_, g_);
        shuffle(youth_, g_);
        shuffle(adults_, g_);
        shuffle(elderly_, g_);
    }

    std::uint32_t new_household(HouseholdType type) {
        hh_type_.push_back(type);
        return std::uint32_t(hh_type_.size() - 1);
    }
    void join(std::uint32_t person, std::uint32_t hh) { members_.push_back({hh, person}); }
    void adult_role(std::uint32_t person) {
        if (young_[person]) age_[person] = std::uint8_t(uniform_int(g_, 18, 24));
    }
    void child_role(std::uint32_t person) {
        if (young_[person]) age_[person] = std::uint8_t(15 + at_home_age_(g_));
    }
    std::uint8_t role_weight_age(std::uint32_t person) const { return young_[person] ? 20 : age_[person]; }

    /// Pair people of similar age: sort by age plus noise, then take neighbours.
    std::vector<std::uint32_t> pair_by_age(std::vector<std::uint32_t> people) {
        std::vector<std::pair<double, std::uint32_t>> key(people.size());
        for (std::size_t i = 0; i < people.size(); ++i)
            key[i] = {age_[people[i]] + 10.0 * uniform01(g_), people[i]};
        std::sort(key.begin(), key.end());
        for (std::size_t i = 0; i < people.size(); ++i) people[i] = key[i].second;
        return people;
    }

    // --- 4: households
    void make_households() {
        const BuurtTarget& T = out_.target;
        const std::uint32_t W = T.households_with_children;
        const std::uint32_t S = T.single_households;
        const std::uint32_t Z = T.households_without_children;

        // a. with children: first one child each, from 0-14 then 15-24.
        std::vector<std::uint32_t> families(W);
        for (auto& f : families) f = new_household(HouseholdType::with_children);
        const std::size_t n_kids = kids_.size();
        std::vector<std::uint32_t> first_children;
        take_back(kids_, W, first_children);
        take_back(youth_, W - first_children.size(), first_children);
        // Spare adults beyond the minimal places decide how many second parents
        // and older children at home fit.
        const std::uint32_t older = std::uint32_t(youth_.size() + adults_.size() + elderly_.size());
        std::uint32_t spare = older > S + 2 * Z + W ? older - (S + 2 * Z + W) : 0;
        std::uint32_t second = 0;
        for (std::uint32_t f = 0; f < W; ++f)
            if (spare > 0 && uniform01(g_) < p_.two_parent_share) ++second, --spare;
        // 15-24 year-olds at home, up to children_per_family children per family.
        std::vector<std::uint32_t> home_children;
        if (W > 0) {
            const double want = children_per_family * W - double(std::max<std::size_t>(n_kids, W));
            const auto n_home = std::min<std::uint32_t>(round_half_even(want), spare);
            spare -= std::uint32_t(take_back(youth_, n_home, home_children));
        }
        std::vector<std::uint32_t> parents;
        take_weighted(adults_, W + second, [&](std::uint32_t i) { return parent_weight(age_[i]); }, g_, parents);
        take_back(youth_, W + second - parents.size(), parents);
        take_back(elderly_, W + second - parents.size(), parents);
        for (std::uint32_t i : parents) adult_role(i);
        // The first 2*second drawn parents form couples, paired by age.
        const std::size_t n_couple = std::min<std::size_t>(2 * second, parents.size() & ~std::size_t(1));
        std::vector<std::uint32_t> couples =
            pair_by_age(std::vector<std::uint32_t>(parents.begin(), parents.begin() + n_couple));
        std::size_t f = 0;
        for (std::size_t k = 0; k + 1 < couples.size() && f < W; k += 2, ++f) {
            join(couples[k], families[f]);
            join(couples[k + 1], families[f]);
        }
        for (std::size_t k = n_couple; k < parents.size() && f < W; ++k, ++f) join(parents[k], families[f]);
        for (std::size_t k = 0; k < first_children.size(); ++k) {
            child_role(first_children[k]);
            join(first_children[k], families[k]);
        }
        BUURTSIM_ASSERT(kids_.empty() || W > 0);  // repair_households guarantees a family
        for (std::uint32_t c : kids_) join(c, families[uniform_int(g_, 0, W - 1)]);
        for (std::uint32_t c : home_children) {
            child_role(c);
            join(c, families[uniform_int(g_, 0, W - 1)]);
        }
        kids_.clear();

        // b. single-person households, weighted by propensity to live alone.
        std::vector<std::uint32_t> adult_pool;  // everyone who can take an adult role
        adult_pool.insert(adult_pool.end(), youth_.begin(), youth_.end());
        adult_pool.insert(adult_pool.end(), adults_.begin(), adults_.end());
        adult_pool.insert(adult_pool.end(), elderly_.begin(), elderly_.end());
        shuffle(adult_pool, g_);
        std::vector<std::uint32_t> singles;
        take_weighted(adult_pool, S, [&](std::uint32_t i) { return single_weight(role_weight_age(i)); }, g_, singles);
        for (std::uint32_t i : singles) {
            adult_role(i);
            join(i, new_household(HouseholdType::single));
        }

        // c. without children: two adults, paired by age.
        std::vector<std::uint32_t> partners;
        take_weighted(adult_pool, 2 * std::size_t(Z), [&](std::uint32_t i) { return young_[i] ? 0.5 : 1.0; }, g_, partners);
        for (std::uint32_t i : partners) adult_role(i);
        partners = pair_by_age(std::move(partners));
        std::vector<std::uint32_t> multi(families);
        for (std::uint32_t z = 0; z < Z; ++z) {
            const std::uint32_t h = new_household(HouseholdType::without_children);
            multi.push_back(h);
            for (std::size_t k = 2 * std::size_t(z); k < std::min(partners.size(), 2 * std::size_t(z) + 2); ++k)
                join(partners[k], h);
        }

        // d. everyone left joins a random multi-person household.
        for (std::uint32_t i : adult_pool) {
            BUURTSIM_ASSERT(!multi.empty());
            const std::uint32_t h = multi[uniform_int(g_, 0, std::uint32_t(multi.size() - 1))];
            if (hh_type_[h] == HouseholdType::with_children) child_role(i); else adult_role(i);
            join(i, h);
        }
    }

    // Write residents in (random) household order, members in joining order.
    void emit() {
        const std::size_t H = hh_type_.size();
        BUURTSIM_ASSERT(H == out_.target.households);
        BUURTSIM_ASSERT(members_.size() == out_.target.residents);
        std::vector<std::uint32_t> order(H);  // position -> local household
        std::iota(order.begin(), order.end(), 0);
        shuffle(order, g_);
        std::vector<std::uint32_t> pos(H);
        for (std::uint32_t k = 0; k < H; ++k) pos[order[k]] = k;
        std::vector<std::uint32_t> start(H + 1, 0);
        for (const auto& m : members_) ++start[pos[m.first] + 1];
        std::partial_sum(start.begin(), start.end(), start.begin());
        out_.household_size.resize(H);
        out_.household_type.resize(H);
        for (std::uint32_t k = 0; k < H; ++k) {
            out_.household_size[k] = start[k + 1] - start[k];
            out_.household_type[k] = hh_type_[order[k]];
        }
        const std::size_t R = members_.size();
        out_.age.resize(R);
        out_.female.resize(R);
        out_.benefits.assign(R, 0);
        for (const auto& m : members_) {
            const std::uint32_t at = start[pos[m.first]]++;
            out_.age[at] = age_[m.second];
            out_.female[at] = female_[m.second];
        }
    }

    // --- 5: benefits, on the emitted residents
    void assign_benefits() {
        BuurtTarget& T = out_.target;
        const auto& age = out_.age;
        const std::size_t R = age.size();

        // AOW: oldest first, random order within a year of age.
        std::vector<std::uint32_t> old;
        for (std::uint32_t i = 0; i < R; ++i)
            if (age[i] >= 65) old.push_back(i);
        shuffle(old, g_);
        std::stable_sort(old.begin(), old.end(), [&](std::uint32_t a, std::uint32_t b) { return age[a] > age[b]; });
        bool is_count = false;
        if (auto v = benefit_rate_or_count(t_, chain_, "a_soz_ow", {"a_65_oo"}, is_count))
            T.aow = is_count ? round_half_even(p_.scale * *v) : round_half_even(*v * T.age[band_65_plus]);
        else
            T.aow = std::uint32_t(std::count_if(old.begin(), old.end(), [&](std::uint32_t i) { return age[i] >= national_aow_age; }));
        T.aow = std::min<std::uint32_t>(T.aow, std::uint32_t(old.size()));
        for (std::uint32_t k = 0; k < T.aow; ++k) out_.benefits[old[k]] |= benefit_aow;

        // Bijstand and disability: random, disjoint, among 18-64.
        std::vector<std::uint32_t> working_age;
        for (std::uint32_t i = 0; i < R; ++i)
            if (age[i] >= 18 && age[i] < 65) working_age.push_back(i);
        const std::uint32_t base_15_64 = T.age[band_15_24] + T.age[band_25_44] + T.age[band_45_64];
        const std::vector<std::string_view> base_cols = {"a_15_24", "a_25_44", "a_45_64"};
        auto target = [&](std::string_view col, double national) {
            bool count = false;
            const auto v = benefit_rate_or_count(t_, chain_, col, base_cols, count);
            if (!v) return round_half_even(national * base_15_64);
            return count ? round_half_even(p_.scale * *v) : round_half_even(*v * base_15_64);
        };
        shuffle(working_age, g_);
        T.bijstand = std::min<std::uint32_t>(target("a_soz_wb", national_bijstand_rate), std::uint32_t(working_age.size()));
        T.disability = std::min<std::uint32_t>(target("a_soz_ao", national_disability_rate),
                                               std::uint32_t(working_age.size()) - T.bijstand);
        for (std::uint32_t k = 0; k < T.bijstand; ++k) out_.benefits[working_age[k]] |= benefit_bijstand;
        for (std::uint32_t k = 0; k < T.disability; ++k) out_.benefits[working_age[T.bijstand + k]] |= benefit_disability;
    }

    const CbsTable& t_;
    const RowChain& chain_;
    const PopulationParams& p_;
    Urng g_;
    BuurtBuffer out_;
    // working state, indexed by local person (band order)
    std::vector<std::uint8_t> age_, female_, young_;
    std::vector<std::uint32_t> kids_, youth_, adults_, elderly_;
    std::vector<HouseholdType> hh_type_;
    std::vector<std::pair<std::uint32_t, std::uint32_t>> members_;  // (household, person) in joining order
    boost::random::discrete_distribution<int, double> at_home_age_{at_home_age_weights.begin(),
                                                                    at_home_age_weights.end()};
};

// -------------------------------------------------------- vulnerability

/// Base probability q for residents off benefit so that the group's expected
/// prevalence is `prevalence` when on-benefit residents have odds x m.
double base_probability(double prevalence, double m, std::uint64_t n_off, std::uint64_t n_on) {
    if (n_on == 0 || m == 1 || prevalence <= 0 || prevalence >= 1) return prevalence;
    const double n = double(n_off + n_on);
    auto mean = [&](double q) { return (n_off * q + n_on * (m * q / (1 - q + m * q))) / n; };
    double lo = 0, hi = prevalence;  // mean(q) >= q, so q <= prevalence
    for (int it = 0; it < 100; ++it) {
        const double mid = 0.5 * (lo + hi);
        (mean(mid) < prevalence ? lo : hi) = mid;
    }
    return 0.5 * (lo + hi);
}

double raise_odds(double q, double m) { return m * q / (1 - q + m * q); }

struct GroupCounts {
    std::uint64_t off = 0, on = 0;
};

void check_params(const PopulationParams& p) {
    auto share = [](std::string_view key, double v, bool zero_ok) {
        if (!(v >= (zero_ok ? 0.0 : std::numeric_limits<double>::min()) && v <= 1.0)) {
            std::ostringstream s;
            s << key << " must be in " << (zero_ok ? "[0, 1]" : "(0, 1]") << ", got " << v;
            throw ParamError(s.str());
        }
    };
    share("population.scale", p.scale, false);
    share("population.two_parent_share", p.two_parent_share, true);
    share("population.psych_prevalence", p.psych_prevalence, true);
    share("population.homeless_history_prevalence", p.homeless_history_prevalence, true);
    share("population.nah_prevalence", p.nah_prevalence, true);
    share("population.lvb_prevalence", p.lvb_prevalence, true);
    share("population.frail_65_74", p.frail_65_74, true);
    share("population.frail_75_84", p.frail_75_84, true);
    share("population.frail_85_plus", p.frail_85_plus, true);
    if (!(p.benefit_vulnerability_odds >= 1 && std::isfinite(p.benefit_vulnerability_odds))) {
        std::ostringstream s;
        s << "population.benefit_vulnerability_odds must be >= 1, got " << p.benefit_vulnerability_odds;
        throw ParamError(s.str());
    }
}

std::string wijk_of_buurt(const std::string& buurt_code) { return "WK" + buurt_code.substr(2, 6); }

}  // namespace

// ================================================================ public

Geography select_geography(const CbsTable& table, const PopulationParams& p) {
    const auto& rows = table.rows();
    std::unordered_map<std::string, AreaLevel> level_of;
    for (const auto& r : rows) level_of.emplace(r.code, r.level);

    auto check = [&](std::string_view key, const std::vector<std::string>& codes, AreaLevel want,
                     std::string_view kind, std::string_view example, std::string_view other_key) {
        for (const auto& c : codes) {
            const auto it = level_of.find(c);
            if (it == level_of.end())
                throw ParamError(std::string(key) + ": unknown " + std::string(kind) + " code \"" + c
                                 + "\" (known codes look like " + std::string(example) + "; see "
                                 + table.path().string() + ")");
            if (it->second != want) {
                const std::string is = it->second == AreaLevel::gemeente ? "a gemeente"
                                       : it->second == AreaLevel::wijk   ? "a wijk"
                                                                         : "a buurt";
                throw ParamError(std::string(key) + ": \"" + c + "\" is " + is + " code, but this list takes "
                                 + std::string(kind) + " codes such as " + std::string(example)
                                 + (it->second == AreaLevel::gemeente
                                        ? " (leave both population.buurten and population.wijken empty for the whole gemeente)"
                                        : " (put it under " + std::string(other_key) + ")"));
            }
        }
    };
    check("population.buurten", p.buurten, AreaLevel::buurt, "buurt", "BU03440111", "population.wijken");
    check("population.wijken", p.wijken, AreaLevel::wijk, "wijk", "WK034401", "population.buurten");

    const bool all = p.buurten.empty() && p.wijken.empty();
    const std::unordered_set<std::string> want_buurt(p.buurten.begin(), p.buurten.end());
    const std::unordered_set<std::string> want_wijk(p.wijken.begin(), p.wijken.end());

    Geography geo;
    std::unordered_map<std::string, std::uint32_t> wijk_index;
    std::unordered_map<std::string, std::size_t> wijk_row;
    for (std::size_t i = 0; i < rows.size(); ++i)
        if (rows[i].level == AreaLevel::wijk) wijk_row.emplace(rows[i].code, i);
    std::vector<std::size_t> selected_wijk_rows;
    for (const auto& r : rows) {
        if (r.level != AreaLevel::buurt) continue;
        if (r.code.size() != 10 || r.code.compare(0, 2, "BU") != 0)
            throw DataError(table.path().string() + ":" + std::to_string(r.line) + ": column gwb_code_10: value \""
                            + r.code + "\" is not a buurt code (expected BU followed by 8 digits)");
        const std::string wk = wijk_of_buurt(r.code);
        if (!wijk_row.count(wk))
            throw DataError(table.path().string() + ":" + std::to_string(r.line) + ": buurt " + r.code
                            + " belongs to wijk " + wk + ", which has no row in the file");
        if (!(all || want_buurt.count(r.code) || want_wijk.count(wk))) continue;
        if (!wijk_index.count(wk)) {
            wijk_index.emplace(wk, 0);
            selected_wijk_rows.push_back(wijk_row.at(wk));
        }
        geo.buurten.push_back({r.code, r.name, 0});
    }
    // Wijken in file order, then point buurten at them.
    std::sort(selected_wijk_rows.begin(), selected_wijk_rows.end());
    for (std::size_t k = 0; k < selected_wijk_rows.size(); ++k) {
        const auto& r = rows[selected_wijk_rows[k]];
        wijk_index[r.code] = std::uint32_t(k);
        geo.wijken.push_back({r.code, r.name});
    }
    for (auto& b : geo.buurten) b.wijk = wijk_index.at(wijk_of_buurt(b.code));
    if (geo.buurten.empty())
        throw DataError(table.path().string() + ": no buurt rows (recs = Buurt) to simulate");
    if (geo.buurten.size() > std::numeric_limits<std::uint16_t>::max())
        throw DataError(table.path().string() + ": more buurten than buurtsim supports (65535)");
    return geo;
}

Population synthesize_population(const CbsTable& table, const PopulationParams& p, std::uint64_t seed,
                                 std::uint32_t replicate) {
    check_params(p);
    Population pop;
    pop.geo = select_geography(table, p);
    const std::size_t nb = pop.geo.buurten.size();

    std::optional<std::size_t> gemeente;
    for (std::size_t i = 0; i < table.rows().size() && !gemeente; ++i)
        if (table.rows()[i].level == AreaLevel::gemeente) gemeente = i;
    std::vector<RowChain> chains(nb);
    for (std::size_t b = 0; b < nb; ++b) {
        chains[b].buurt = table.row_of(pop.geo.buurten[b].code);
        chains[b].wijk = table.row_of(pop.geo.wijken[pop.geo.buurten[b].wijk].code);
        chains[b].gemeente = gemeente;
    }

    // Phase 1: each buurt on its own stream, into its own buffer.
    const rng::Key key(seed, replicate);
    std::vector<BuurtBuffer> buf(nb);
    tbb::parallel_for(tbb::blocked_range<std::size_t>(0, nb), [&](const tbb::blocked_range<std::size_t>& r) {
        for (std::size_t b = r.begin(); b != r.end(); ++b) {
            const auto row = std::uint32_t(chains[b].buurt);
            buf[b] = BuurtBuilder(table, chains[b], p, key.urng(rng::Stream::population, 0, row, sub_build)).build();
        }
    });

    // Concatenate in buurt order.
    std::vector<std::size_t> first_resident(nb + 1, 0), first_household(nb + 1, 0);
    for (std::size_t b = 0; b < nb; ++b) {
        first_resident[b + 1] = first_resident[b] + buf[b].age.size();
        first_household[b + 1] = first_household[b] + buf[b].household_type.size();
    }
    const std::size_t n = first_resident[nb], nh = first_household[nb];
    if (n >= std::numeric_limits<std::uint32_t>::max())
        throw DataError("population too large for 32-bit resident ids; lower population.scale");
    pop.targets.resize(nb);
    pop.buurt.resize(n);
    pop.age.resize(n);
    pop.female.resize(n);
    pop.household.resize(n);
    pop.vulnerability.assign(n, 0);
    pop.benefits.resize(n);
    pop.buurt_begin.resize(nb + 1);
    pop.household_begin.resize(nh + 1);
    pop.household_type.resize(nh);
    for (std::size_t b = 0; b <= nb; ++b) pop.buurt_begin[b] = std::uint32_t(first_resident[b]);
    pop.household_begin[nh] = std::uint32_t(n);
    tbb::parallel_for(tbb::blocked_range<std::size_t>(0, nb), [&](const tbb::blocked_range<std::size_t>& r) {
        for (std::size_t b = r.begin(); b != r.end(); ++b) {
            const BuurtBuffer& B = buf[b];
            pop.targets[b] = B.target;
            const std::size_t r0 = first_resident[b], h0 = first_household[b];
            std::copy(B.age.begin(), B.age.end(), pop.age.begin() + r0);
            std::copy(B.female.begin(), B.female.end(), pop.female.begin() + r0);
            std::copy(B.benefits.begin(), B.benefits.end(), pop.benefits.begin() + r0);
            std::fill(pop.buurt.begin() + r0, pop.buurt.begin() + first_resident[b + 1], std::uint16_t(b));
            std::size_t at = r0;
            for (std::size_t h = 0; h < B.household_size.size(); ++h) {
                pop.household_begin[h0 + h] = std::uint32_t(at);
                pop.household_type[h0 + h] = B.household_type[h];
                for (std::uint32_t k = 0; k < B.household_size[h]; ++k) pop.household[at++] = std::uint32_t(h0 + h);
            }
        }
    });
    buf.clear();

    // Phase 2: vulnerability. Base rates are solved over the whole selection
    // (integer counts, so the result does not depend on the thread count).
    const double m = p.benefit_vulnerability_odds;
    GroupCounts psych, nah, lvb;
    for (std::size_t i = 0; i < n; ++i) {
        const bool on = pop.benefits[i] & (benefit_bijstand | benefit_disability);
        const std::uint8_t a = pop.age[i];
        if (a >= 18 && a < 65) (on ? psych.on : psych.off)++;
        if (a >= 18) (on ? nah.on : nah.off)++;
        if (a >= 12) (on ? lvb.on : lvb.off)++;
    }
    const double q_psych = base_probability(p.psych_prevalence, m, psych.off, psych.on);
    const double q_nah = base_probability(p.nah_prevalence, m, nah.off, nah.on);
    const double q_lvb = base_probability(p.lvb_prevalence, m, lvb.off, lvb.on);
    tbb::parallel_for(tbb::blocked_range<std::size_t>(0, nb), [&](const tbb::blocked_range<std::size_t>& r) {
        for (std::size_t b = r.begin(); b != r.end(); ++b) {
            Urng g = key.urng(rng::Stream::population, 0, std::uint32_t(chains[b].buurt), sub_vulnerability);
            for (std::size_t i = pop.buurt_begin[b]; i < pop.buurt_begin[b + 1]; ++i) {
                const std::uint8_t a = pop.age[i];
                const bool on = pop.benefits[i] & (benefit_bijstand | benefit_disability);
                auto odds = [&](double q) { return on ? raise_odds(q, m) : q; };
                std::uint8_t v = 0;
                // One draw per group for everyone, so eligibility never shifts the stream.
                const double u_psych = uniform01(g), u_home = uniform01(g), u_nah = uniform01(g),
                             u_lvb = uniform01(g), u_frail = uniform01(g);
                if (a >= 18 && a < 65 && u_psych < odds(q_psych)) v |= vuln_psych;
                if (a >= 18 && u_home < p.homeless_history_prevalence) v |= vuln_homeless_history;
                if (a >= 18 && u_nah < odds(q_nah)) v |= vuln_nah;
                if (a >= 12 && u_lvb < odds(q_lvb)) v |= vuln_lvb;
                const double frail = a >= 85 ? p.frail_85_plus : a >= 75 ? p.frail_75_84 : a >= 65 ? p.frail_65_74 : 0;
                if (u_frail < frail) v |= vuln_frail;
                pop.vulnerability[i] = v;
            }
        }
    });
    return pop;
}

std::vector<double> residents_per_wijk(const Population& pop) {
    std::vector<double> r(pop.geo.wijken.size(), 0.0);
    for (std::size_t b = 0; b < pop.geo.buurten.size(); ++b)
        r[pop.geo.buurten[b].wijk] += pop.buurt_begin[b + 1] - pop.buurt_begin[b];
    return r;
}

}  // namespace buurtsim
