#pragma once
// Atomic replacement of a file (private to buurtsim_io): write a temporary
// beside the target, then rename it onto the target (docs/FORMAT.md "Writing").
#include <filesystem>
#include <cstddef>
#include <functional>
#include <vector>

namespace buurtsim::detail {

/** @brief An unused, unpredictable name beside `out`: "<name>.partial-" and 16 random characters.
 *         The writer must create it exclusively (O_CREAT|O_EXCL: never through a planted symlink). */
std::filesystem::path unique_temporary_path(const std::filesystem::path& out);

/** @brief Checks `out` (check_output_target with `inputs`), picks a temporary name, runs `write(tmp, created)`,
 *         which creates `tmp` exclusively and sets `created` once it exists, makes it mode 0644 and renames it onto
 *         `out` (again only onto a regular file or a new name). While `write` runs, a signal handler calling
 *         remove_partial_files_now() removes `tmp`. On any failure removes `tmp` (only if `write` created it) and
 *         leaves `out` as it was.
 *  @throws IoError (other exceptions than Error and InternalError become one, naming `out`) */
void atomic_replace(const std::filesystem::path& out, const std::vector<std::filesystem::path>& inputs,
                    const std::function<void(const std::filesystem::path& tmp, bool& created)>& write);

/** @brief Writes `bytes` to `tmp`, which must not exist: created O_CREAT|O_EXCL|O_NOFOLLOW, mode 0644, written,
 *         fsync'd and closed, every step checked (a full disk is an error here, not a crash later).
 *  @param created set once `tmp` exists
 *  @throws IoError naming `what` (the file being replaced), `tmp` and the reason */
void write_new_file(const std::filesystem::path& tmp, const char* bytes, std::size_t size, bool& created,
                    const std::filesystem::path& what);

/** @brief The bytes of a regular file. @throws IoError naming `what` (the file being replaced) */
std::vector<char> read_whole_file(const std::filesystem::path& in, const std::filesystem::path& what);

}  // namespace buurtsim::detail
