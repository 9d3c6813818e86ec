#pragma once
// Snapshot groups of a result file (docs/FORMAT.md "Snapshot groups"),
// private to buurtsim_io: written by write_results after the root group.
#include "hdf5_util.hpp"

#include "buurtsim/io.hpp"

#include <cstddef>
#include <cstdint>
#include <string>

namespace buurtsim::detail {

/** @brief Name of the group of scenario s's snapshot of week w in replicate index r, e.g. "s0_r0_w0052". */
std::string snapshot_name(std::size_t s, std::uint32_t r, std::uint32_t week);

/** @brief /snapshots with every snapshot of `rs`, scenario by scenario, replicate by replicate, week by week;
 *         nothing if there is no snapshot. @throws IoError */
void write_snapshots(const Writer& w, hid_t file, const ResultSet& rs);

}  // namespace buurtsim::detail
