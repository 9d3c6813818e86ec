#pragma once
/** @file version.hpp  Version and git commit recorded at build time. */
namespace buurtsim {
/** @brief Semantic version of the library, e.g. "0.1.0". */
const char* version();
/** @brief Git commit the binary was built from ("...-dirty" with local edits, "unknown" outside git). */
const char* git_commit();
}  // namespace buurtsim
