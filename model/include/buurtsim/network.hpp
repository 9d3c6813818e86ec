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

/** @brief Tie types, strongest first: when two generators propose the same pair, the stronger type is kept. */
enum class TieType : std::uint8_t { household = 0, neighbour = 1, friend_ = 2, weak = 3, n_types };

/** @brief Undirected network in CSR form. */
struct Network {
    std::vector<std::uint64_t> offset;    ///< size residents+1; ties of i are [offset[i], offset[i+1])
    std::vector<std::uint32_t> neighbour; ///< other endpoint
    std::vector<TieType> type;            ///< tie type
    std::vector<std::uint8_t> strength;   ///< 0..255, grows with contact (issue 3); initial by type

    std::size_t residents() const { return offset.empty() ? 0 : offset.size() - 1; }
    std::size_t ties() const { return neighbour.size() / 2; }  ///< undirected ties
    std::uint32_t degree(std::uint32_t i) const { return std::uint32_t(offset[i + 1] - offset[i]); }
};

/** @brief Generate households, street-block neighbours, friends (age homophily, city-wide) and weak ties.
 *  Deterministic in (seed, replicate), independent of thread count. */
Network build_network(const Population& pop, const NetworkParams& p, std::uint64_t seed,
                      std::uint32_t replicate);

}  // namespace buurtsim
