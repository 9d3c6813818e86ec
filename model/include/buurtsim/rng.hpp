#pragma once
/** @file rng.hpp
 *  Counter-based randomness. Every draw is a pure function of
 *  (seed, replicate, stream, week, agent, sub), so results do not depend on
 *  which thread makes a draw or in which order: there is no generator
 *  state shared between agents. Replicate k is keyed only by (seed, k),
 *  so every scenario run with the same seed shares its random numbers
 *  (common random numbers).
 */
// philox.h first: it sets the feature macros MicroURNG.hpp relies on.
#include <Random123/philox.h>

#include <Random123/MicroURNG.hpp>
#include <Random123/uniform.hpp>

#include <limits>
#include <memory>

#include <array>
#include <cstdint>
#include <vector>

namespace buurtsim::rng {

/** @brief One tag per independent purpose; never reuse a value. */
enum class Stream : std::uint32_t {
    population = 1,
    network = 2,
    questions = 3,
    ask_network = 4,
    buurtteam = 5,
    referral = 6,
    init = 7,
    health = 8,
    meeting = 9,
    community = 10,
    escalation = 11,
    wmo = 12,
    roles = 13,
    carers = 14,
    intervention = 15,
    waiting_list = 16,   ///< harm while waiting: escalation of residents on a buurtteam waiting list
    wmo_loket = 17,      ///< applications at the Wmo loket
    wmo_assessment = 18, ///< the voorliggend-veld assessment of a Wmo need (ties asked, algemene voorziening)
    health_care = 19,    ///< huisarts, POH-GGZ and acute-care contacts
    prior = 20,          ///< a replicate's draws of the scenario's priors (prior.hpp), one counter per parameter name
};

using Philox = r123::Philox4x32;
/** @brief A C++ URNG over Philox, usable with Boost.Random distributions. */
using Urng = r123::MicroURNG<Philox>;

/** @brief Philox key for (seed, replicate): splitmix64 of both, so nearby seeds are unrelated. */
inline Philox::ukey_type make_key(std::uint64_t seed, std::uint32_t replicate) {
    std::uint64_t z = seed + 0x9E3779B97F4A7C15ULL * (std::uint64_t(replicate) + 1);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    z ^= z >> 31;
    return {{std::uint32_t(z), std::uint32_t(z >> 32)}};
}

/** @brief Key of one simulation run; cheap to copy into parallel loops. */
struct Key {
    Philox::ukey_type key;
    Key(std::uint64_t seed, std::uint32_t replicate) : key(make_key(seed, replicate)) {}

    /** @brief A generator for one (stream, week, agent, sub) context.
     *  @param sub  extra index (a round, a tie, a case); must fit in 16 bits. */
    Urng urng(Stream s, std::uint32_t week, std::uint32_t agent, std::uint32_t sub = 0) const {
        Philox::ctr_type c{{agent, week, (std::uint32_t(s) << 16) | (sub & 0xFFFFu), 0u}};
        return Urng(c, key);
    }

    /** @brief The raw Philox block behind uniform4, for agents first .. first + count - 1 of one
     *  (stream, week, sub) context, into out[0 .. count): the same bits as one uniform4 call per agent,
     *  computed eight or more agents at a time where the processor allows (rng_run.cpp).
     *  @param simd false: one agent at a time (the tests compare both) */
    void blocks4(Stream s, std::uint32_t week, std::uint32_t first, std::uint32_t count, std::uint32_t sub,
                 std::array<std::uint32_t, 4>* out, bool simd = true) const;
    /** @brief blocks4 for a list of agents: out[k] is the block of agent ids[k] (the same bits as
     *  uniform4 for it), for phases that draw for some residents of a buurt only (its adults). */
    void blocks4_of(Stream s, std::uint32_t week, const std::uint32_t* ids, std::uint32_t count, std::uint32_t sub,
                    std::array<std::uint32_t, 4>* out, bool simd = true) const;
    /** @brief Four uniform [0,1) doubles for one context in a single Philox call (hot paths). */
    std::array<double, 4> uniform4(Stream s, std::uint32_t week, std::uint32_t agent,
                                   std::uint32_t sub = 0) const {
        Philox::ctr_type c{{agent, week, (std::uint32_t(s) << 16) | (sub & 0xFFFFu), 0x80000000u}};
        Philox::ctr_type r = Philox()(c, Philox::key_type(key));
        return {r123::u01<double>(r[0]), r123::u01<double>(r[1]), r123::u01<double>(r[2]),
                r123::u01<double>(r[3])};
    }
};

/** @brief uniform4 of every agent in [first, last) for one (stream, week, sub), drawn in one batch:
 *  phases that draw for every resident of a buurt read them from here (the same values as uniform4). */
class Uniform4Run {
public:
    Uniform4Run(const Key& key, Stream s, std::uint32_t week, std::uint32_t first, std::uint32_t last,
                std::uint32_t sub = 0)
        // Default-initialised (not zeroed): blocks4 writes every block, and zeroing a buurt's blocks
        // first cost as much as a fifth of drawing them.
        : first_(first), blocks_(new std::array<std::uint32_t, 4>[last - first]) {
        key.blocks4(s, week, first, last - first, sub, blocks_.get());
    }
    /** @brief The four uniforms of agent i (first <= i < last). */
    std::array<double, 4> operator[](std::uint32_t i) const {
        const auto& r = blocks_[i - first_];
        return {r123::u01<double>(r[0]), r123::u01<double>(r[1]), r123::u01<double>(r[2]), r123::u01<double>(r[3])};
    }

    /** @brief The raw blocks, agent first's at [0]: for loops that convert them in vector registers. */
    const std::array<std::uint32_t, 4>* blocks() const { return blocks_.get(); }

private:
    std::uint32_t first_;
    std::unique_ptr<std::array<std::uint32_t, 4>[]> blocks_;
};

}  // namespace buurtsim::rng
