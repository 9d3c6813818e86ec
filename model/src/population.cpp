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
// 7. Origin (CBS herkomst: a_geb_nl, a_geb_eu, a_geb_ne, a_gbl_eu, a_gbl_ne:
//    herkomst Nederland; born in the Netherlands with herkomst Europe or
//    outside Europe; born abroad in Europe or outside Europe). Exact counts
//    per buurt by largest remainder (point 1; wijk then gemeente proportions
//    where the buurt has none; a table without these columns gives everyone
//    herkomst Nederland), given to residents chosen uniformly at random,
//    independent of age, household and benefits [simplification: CBS gives
//    herkomst separately from the other counts, so children of a household
//    need not share it and the second generation is not younger].
//
// Files: geography.cpp selects the areas; population_targets.cpp does points
// 1-2 (with the look-ups of population_cbs.cpp), population_buurt.cpp points
// 3-5 for one buurt, population_vulnerability.cpp point 6, population_origin.cpp
// point 7; this file runs them in that order and assembles the buurten.
//
// Limits (hostile or broken input is an error, never an allocation): the
// selection must have at least one resident and at most max_residents
// (population.hpp), checked on the targets before any resident is built.
//
// Randomness: one Philox stream per buurt, keyed by the buurt's row in the
// CBS table (not its position in the selection, so a buurt gets the same
// residents whether simulated alone or with the city; only the vulnerability
// base rate depends on the selection). Sub-stream 0 builds the buurt, 1
// draws vulnerabilities, 2 origin (last, so adding it changed no other draw). Buurten are built in parallel into their own
// buffers and concatenated in buurt order: identical for any thread count.
#include "buurtsim/population.hpp"

#include "buurtsim/error.hpp"
#include "buurtsim/rng.hpp"
#include "population_internal.hpp"

#include <tbb/blocked_range.h>
#include <tbb/parallel_for.h>

#include <algorithm>
#include <charconv>
#include <optional>

namespace buurtsim {
namespace {

using namespace synth;

// The parameter table holds the ranges (params_table.cpp): PopulationParams
// built in code are checked against it as a scenario file would be.
void check_params(const PopulationParams& p) {
    Params all = default_params();
    all.population = p;
    validate(all);
}

std::string shortest_text(double v) {
    char buf[64];
    const auto r = std::to_chars(buf, buf + sizeof buf, v);
    return std::string(buf, r.ptr);
}

/// Residents the targets ask for, checked before anything is allocated for them.
void check_resident_total(const CbsTable& table, const PopulationParams& p, const std::vector<BuurtTarget>& targets) {
    std::uint64_t total = 0;
    for (const BuurtTarget& t : targets) total += t.residents;
    const std::size_t nb = targets.size();
    const std::string buurten = std::to_string(nb) + (nb == 1 ? " buurt" : " buurten");
    const std::string selection = p.buurten.empty() && p.wijken.empty()
                                      ? "the whole gemeente (" + buurten + ") has"
                                      : "the " + buurten + " selected by population.buurten and population.wijken "
                                            + (nb == 1 ? "has" : "have");
    const std::string at = " at population.scale = " + shortest_text(p.scale) + " (CBS a_inw in "
                           + table.path().string() + ")";
    if (total == 0)
        throw ParamError(selection + " no residents" + at
                         + "; select buurten where people live or raise population.scale");
    if (total > max_residents)
        throw ParamError(selection + " " + std::to_string(total) + " residents" + at
                         + ", more than buurtsim simulates (" + std::to_string(max_residents)
                         + "); lower population.scale or select fewer buurten");
}

}  // namespace

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

    // Points 1-2: targets, which need no randomness; the total is checked
    // before any buurt is built.
    std::vector<BuurtTarget> targets(nb);
    for (std::size_t b = 0; b < nb; ++b) targets[b] = buurt_target(table, chains[b], p);
    check_resident_total(table, p, targets);

    // Points 3-5: each buurt on its own stream, into its own buffer.
    const rng::Key key(seed, replicate);
    std::vector<BuurtBuffer> buf(nb);
    tbb::parallel_for(tbb::blocked_range<std::size_t>(0, nb), [&](const tbb::blocked_range<std::size_t>& r) {
        for (std::size_t b = r.begin(); b != r.end(); ++b) {
            const auto row = std::uint32_t(chains[b].buurt);
            buf[b] = build_buurt(table, chains[b], p, targets[b], key.urng(rng::Stream::population, 0, row, sub_build));
        }
    });

    // Concatenate in buurt order.
    std::vector<std::size_t> first_resident(nb + 1, 0), first_household(nb + 1, 0);
    for (std::size_t b = 0; b < nb; ++b) {
        first_resident[b + 1] = first_resident[b] + buf[b].age.size();
        first_household[b + 1] = first_household[b] + buf[b].household_type.size();
    }
    const std::size_t n = first_resident[nb], nh = first_household[nb];
    BUURTSIM_ASSERT(n <= max_residents);  // check_resident_total
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

    // Point 6: vulnerability.
    draw_vulnerability(pop, chains, p, key);
    // Point 7: origin.
    draw_origin(pop, chains, key);
    return pop;
}

}  // namespace buurtsim
