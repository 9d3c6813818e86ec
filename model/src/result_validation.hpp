#pragma once
// The writer's checks of docs/FORMAT.md "Validity rules" (private to
// buurtsim_io): a result set that breaks one is a bug, so each failure is an
// InternalError naming the scenario, replicate, variable and value.
#include "buurtsim/indicators.hpp"
#include "buurtsim/io.hpp"

#include <cstddef>
#include <cstdint>
#include <string>

namespace buurtsim::detail {

/** @brief Rules 1-3 and 7-8 for everything write_results is given. @throws InternalError */
void validate_results(const ResultSet& rs);

/** @brief Rule 1 and the names, indices and geography behind rules 5-6, for a result set of `weeks` weeks,
 *         without (with_replicates false: a streamed file's layout) or with its replicates' count checked.
 *  @throws InternalError */
void validate_layout(const ResultSet& rs, std::uint32_t weeks, bool with_replicates);

/** @brief Rules 2-3 and 7-8 for one replicate's results of a run of `weeks` weeks and `n_buurt` buurten;
 *         `of` names it ("scenario 'x' replicate 3"). @throws InternalError */
void validate_replicate(const Results& res, const std::string& of, std::uint32_t weeks, std::size_t n_buurt);

/** @brief Rule 7 for one snapshot of a run of `weeks` weeks and `n_buurt` buurten; `of` names its run.
 *  @throws InternalError */
void validate_snapshot(const Snapshot& s, const std::string& of, std::uint32_t weeks, std::size_t n_buurt);

}  // namespace buurtsim::detail
