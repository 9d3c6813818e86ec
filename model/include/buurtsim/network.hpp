#pragma once
/** @file network.hpp
 *  The social network as compressed sparse rows (CSR): each undirected tie
 *  is stored in both endpoints' rows, sorted by neighbour id.
 */
#include "buurtsim/params.hpp"
#include "buurtsim/population.hpp"

#include <cstdint>
#include <vector>

namespace buurtsim {

/** @brief Tie types, strongest first: when two generators propose the same pair, the stronger type is kept.
 *  `met` ties are made during a run (meeting places, community help) and end when they fade;
 *  the others come from network generation and fade only to a floor. */
enum class TieType : std::uint8_t { household = 0, neighbour = 1, friend_ = 2, weak = 3, met = 4, n_types };

/** @brief Undirected network in CSR form with spare slots per row, so ties
 *  can be added and removed during a run without reallocating. Row i holds
 *  its ties in [begin(i), end(i)); the capacity is offset[i+1] - offset[i].
 *  Both ends of a tie always carry the same type and strength. Rows are
 *  sorted by neighbour id when built; ties added later go to the end. */
struct Network {
    static constexpr std::uint64_t npos = ~std::uint64_t(0);

    std::vector<std::uint64_t> offset;    ///< size residents+1: row starts (capacity based)
    std::vector<std::uint16_t> count;     ///< ties in each row
    std::vector<std::uint32_t> neighbour; ///< other endpoint
    std::vector<TieType> type;            ///< tie type
    std::vector<std::uint8_t> strength;   ///< 0..255, grows with contact and help, decays without

    std::size_t residents() const { return count.size(); }
    std::uint32_t degree(std::uint32_t i) const { return count[i]; }
    std::uint64_t begin(std::uint32_t i) const { return offset[i]; }
    std::uint64_t end(std::uint32_t i) const { return offset[i] + count[i]; }
    /** @brief Undirected ties (each stored at both ends). */
    std::size_t ties() const;
    /** @brief Slot of j in i's row, or npos. Linear: rows are short. */
    std::uint64_t find(std::uint32_t i, std::uint32_t j) const;
    /** @brief Add a tie at both ends if both rows have a free slot. @return false if either row is full. */
    bool add(std::uint32_t a, std::uint32_t b, TieType t, std::uint8_t s);
    /** @brief Remove the entry at `slot` of row i (this end only; the caller removes the other end). */
    void remove_at(std::uint32_t i, std::uint64_t slot);
};

/** @brief Generate households, street-block neighbours, friends (age homophily, city-wide) and weak ties.
 *  Deterministic in (seed, replicate), independent of thread count.
 *  @param slack free slots per row for ties made during the run */
Network build_network(const Population& pop, const NetworkParams& p, std::uint64_t seed,
                      std::uint32_t replicate, std::uint32_t slack = 0);

}  // namespace buurtsim
