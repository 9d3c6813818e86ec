#pragma once
// One chunk's bytes as HDF5's filter pipeline stores them (private to buurtsim_io). The streaming writer
// compresses each finished replicate's chunks on the worker thread that ran it and the final file takes
// them verbatim (H5Dwrite_chunk), so the encoding must be exactly HDF5's: the shuffle filter (a byte
// transpose by element size) and then the deflate filter (zlib's compress2, zlib stream format).
#include <cstddef>
#include <string>
#include <vector>

namespace buurtsim::detail {

/** @brief Shuffle (element size `elem_size`) then deflate at `level`: what HDF5 writes for a chunk of a
 *         dataset with H5Pset_shuffle and H5Pset_deflate(level). @throws InternalError if zlib fails */
std::vector<unsigned char> encode_chunk(const void* data, std::size_t bytes, std::size_t elem_size, unsigned level);

/** @brief The inverse: inflate, then unshuffle, into exactly `bytes` bytes at `out`.
 *  @throws IoError naming `what` if the bytes are not a deflate stream of that length (a corrupt file) */
void decode_chunk(const unsigned char* in, std::size_t in_bytes, void* out, std::size_t bytes,
                  std::size_t elem_size, const std::string& what);

}  // namespace buurtsim::detail
