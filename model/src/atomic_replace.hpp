#pragma once
// Atomic replacement of a file (private to buurtsim_io): write a temporary
// beside the target, then rename it onto the target (docs/FORMAT.md "Writing").
#include <filesystem>
#include <functional>

namespace buurtsim::detail {

/** @brief Runs `write(created)`, which writes `tmp` and sets `created` once `tmp` exists, then renames
 *         `tmp` onto `out`. On any failure removes `tmp` (only if `write` created it) and leaves `out` as it was.
 *  @throws IoError (other exceptions than Error and InternalError become one, naming `out`) */
void atomic_replace(const std::filesystem::path& out, const std::filesystem::path& tmp,
                    const std::function<void(bool& created)>& write);

}  // namespace buurtsim::detail
