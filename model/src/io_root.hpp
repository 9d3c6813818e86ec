#pragma once
// The parts of a result file both writers make the same way (private to buurtsim_io): the in-memory
// writer of a whole ResultSet (io_hdf5.cpp) and the streaming writer that assembles the file from a
// partial file (result_stream.cpp). Sharing them keeps the two files alike in every dataset and
// attribute, which test_result_stream.cpp checks.
#include "hdf5_util.hpp"

#include "buurtsim/io.hpp"

#include <vector>

namespace buurtsim::detail {

/// Most weeks in one chunk of a data variable (five years): chunks are (1, 1, min(W, 260), B).
constexpr hsize_t max_chunk_weeks = 260;

/** Whether a data variable's chunks are shuffled before deflate. Measured on a 40-replicate file
 *  (docs/PERFORMANCE.md "Ensembles in constant memory"): shuffling makes the int32 counts 30 % smaller but the
 *  float64 hours, costs and shares 86 % larger than deflate alone (their repeated byte patterns are whole
 *  doubles), and costs CPU either way. */
inline bool shuffled(Dtype d) { return d == Dtype::int32; }

/** File creation properties of a result file: link and attribute creation order tracked (as netCDF-4 does). */
Handle file_create_plist(const Writer& w);

/** @brief The root group of `rs` in `file`: root attributes (version, commit and seed from `prov`), the dimensions (W = `n_week`), the coordinates,
 *         the scenario variables (`targeted` from each ScenarioRun::targeted), every data variable created,
 *         chunked, compressed, with its scales attached and its attributes, but no values written, and the
 *         parameter dimension and parameter_values (from ScenarioRun::parameter_values) if rs.parameters is set.
 *  @return the data variables, in indicator order. @throws IoError */
std::vector<Handle> write_root(const Writer& w, hid_t file, const ResultSet& rs, hsize_t n_week,
                               const Provenance& prov);

/** @brief The first netCDF-4 dimension id free after the root group's (scenario, replicate, week, buurt and,
 *         with priors, parameter): where the snapshot groups' dimensions start. */
inline std::int32_t first_free_dimid(const ResultSet& rs) { return rs.parameters.empty() ? 4 : 5; }

/** @brief The group /provenance. @throws IoError */
void write_provenance(const Writer& w, hid_t file, const Provenance& prov);

}  // namespace buurtsim::detail
