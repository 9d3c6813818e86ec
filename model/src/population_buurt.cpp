// One buurt's residents (population.cpp, points 3 to 5): ages and sex,
// households built in the order that fills the most constrained roles first,
// then benefits. Each buurt draws on its own stream into its own buffer.
#include "population_internal.hpp"

#include "buurtsim/error.hpp"

#include <boost/random/discrete_distribution.hpp>
#include <boost/random/exponential_distribution.hpp>
#include <boost/random/uniform_int_distribution.hpp>

#include <algorithm>
#include <numeric>

namespace buurtsim::synth {
namespace {

using rng::Urng;

// National fallbacks used only when an edition publishes no benefit counts at
// all (population.cpp, point 5).
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

std::uint32_t uniform_int(Urng& g, std::uint32_t lo, std::uint32_t hi) {
    return boost::random::uniform_int_distribution<std::uint32_t>(lo, hi)(g);
}


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

double parent_weight(std::uint8_t age) {
    return age < 30 ? 0.4 : age < 35 ? 0.8 : age < 55 ? 1.0 : age < 65 ? 0.4 : 0.2;
}

double single_weight(std::uint8_t age) {
    return age < 25 ? 1.2 : age < 35 ? 1.3 : age < 55 ? 0.7 : age < 65 ? 0.9 : age < 75 ? 1.0 : age < 85 ? 1.6 : 2.6;
}

class BuurtBuilder {
public:
    BuurtBuilder(const CbsTable& t, const RowChain& chain, const PopulationParams& p, const BuurtTarget& target,
                 Urng g)
        : t_(t), chain_(chain), p_(p), g_(std::move(g)) {
        out_.target = target;
    }

    BuurtBuffer build() {
        if (out_.target.residents > 0) {
            make_residents();
            make_households();
            emit();
            assign_benefits();
        }
        return std::move(out_);
    }

private:
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

}  // namespace

BuurtBuffer build_buurt(const CbsTable& t, const RowChain& chain, const PopulationParams& p,
                        const BuurtTarget& target, rng::Urng g) {
    return BuurtBuilder(t, chain, p, target, std::move(g)).build();
}

}  // namespace buurtsim::synth
