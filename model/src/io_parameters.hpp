#pragma once
// The parameter values of a result file (docs/FORMAT.md "Parameter values", format 3.1): the `parameter`
// dimension and `parameter_values(scenario, replicate, parameter)`, present when a scenario has priors.
// Private to buurtsim_io; io_hdf5.cpp, io_read_hdf5.cpp and result_validation.cpp each call one hook.
#include "hdf5_util.hpp"

#include "buurtsim/io.hpp"

#include <filesystem>

namespace buurtsim::detail {

/// The most parameters a file may list (read check; the table has a few hundred).
constexpr hsize_t max_read_parameters = 100000;

/** @brief ResultSet::parameters unique and non-empty names; every scenario with one value per replicate and
 *         parameter, each finite (or none at all when there are no parameters). @throws InternalError */
void validate_parameter_values(const ResultSet& rs);

/** @brief The dimension scale `parameter` (_Netcdf4Dimid `dimid`) and `parameter_values` in `file`, along the
 *         root scales `scenario` and `replicate`; nothing if rs.parameters is empty. @throws IoError */
void write_parameter_values(const Writer& w, hid_t file, const ResultSet& rs, hid_t scenario_scale,
                            hid_t replicate_scale, std::int32_t dimid);

/** @brief Fills rs.parameters and each scenario's parameter_values from `file` (scenarios and replicate_ids
 *         already read); leaves them empty if the file has none (no priors, or format 3.0).
 *  @throws IoError naming `in` for a malformed variable */
void read_parameter_values(hid_t file, const std::filesystem::path& in, ResultSet& rs);

}  // namespace buurtsim::detail
