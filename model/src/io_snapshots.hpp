#pragma once
// Snapshot groups of a result file (docs/FORMAT.md "Snapshot groups"),
// private to buurtsim_io: written by write_results after the root group.
#include "hdf5_util.hpp"

#include "buurtsim/io.hpp"

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>

namespace buurtsim::detail {

/** @brief Name of the group of scenario s's snapshot of week w in replicate index r, e.g. "s0_r0_w0052". */
std::string snapshot_name(std::size_t s, std::uint32_t r, std::uint32_t week);

/** @brief Writes snapshot groups one at a time, in the order given (the order of the group's links); creates
 *         /snapshots with the first, so a file without snapshots has no such group. */
class SnapshotWriter {
public:
    /// `first_dimid`: the netCDF-4 dimension id of the first snapshot's first dimension (ids are unique in a file).
    SnapshotWriter(const Writer& w, hid_t file, std::int32_t first_dimid) : w_(w), file_(file), dimid_(first_dimid) {}
    /** @brief The group of `s`, of scenario index `scenario` and replicate index `replicate`. @throws IoError */
    void add(const Snapshot& s, std::size_t scenario, std::uint32_t replicate);

private:
    const Writer& w_;
    hid_t file_;
    std::optional<Handle> group_;
    std::int32_t dimid_;
};

/** @brief /snapshots with every snapshot of `rs`, scenario by scenario, replicate by replicate, week by week;
 *         nothing if there is no snapshot. @throws IoError */
void write_snapshots(const Writer& w, hid_t file, const ResultSet& rs);

}  // namespace buurtsim::detail
