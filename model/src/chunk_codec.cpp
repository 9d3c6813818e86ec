// HDF5's shuffle and deflate filters, reproduced (see chunk_codec.hpp): H5Z_filter_shuffle transposes the
// bytes of n elements of size s so byte j of element i lands at j*n + i, and any bytes past a whole number
// of elements stay in place; H5Z_filter_deflate calls compress2 on the result.
#include "chunk_codec.hpp"

#include "buurtsim/error.hpp"

#include <zlib.h>

#include <cstring>

namespace buurtsim::detail {

namespace {

void shuffle(const unsigned char* in, unsigned char* out, std::size_t bytes, std::size_t s) {
    const std::size_t n = bytes / s;
    for (std::size_t j = 0; j < s; ++j)
        for (std::size_t i = 0; i < n; ++i) out[j * n + i] = in[i * s + j];
    std::memcpy(out + n * s, in + n * s, bytes - n * s);
}

void unshuffle(const unsigned char* in, unsigned char* out, std::size_t bytes, std::size_t s) {
    const std::size_t n = bytes / s;
    for (std::size_t j = 0; j < s; ++j)
        for (std::size_t i = 0; i < n; ++i) out[i * s + j] = in[j * n + i];
    std::memcpy(out + n * s, in + n * s, bytes - n * s);
}

}  // namespace

std::vector<unsigned char> encode_chunk(const void* data, std::size_t bytes, std::size_t elem_size, unsigned level) {
    // HDF5 skips the shuffle for 1-byte elements (it would be the identity anyway).
    std::vector<unsigned char> shuffled(bytes);
    if (bytes > 0) shuffle(static_cast<const unsigned char*>(data), shuffled.data(), bytes, elem_size);
    uLongf n = compressBound(uLong(bytes));
    std::vector<unsigned char> out(n);
    const int rc = compress2(out.data(), &n, shuffled.data(), uLong(bytes), int(level));
    if (rc != Z_OK) throw InternalError("encode_chunk: zlib compress2 failed with code " + std::to_string(rc));
    out.resize(n);
    return out;
}

void decode_chunk(const unsigned char* in, std::size_t in_bytes, void* out, std::size_t bytes,
                  std::size_t elem_size, const std::string& what) {
    std::vector<unsigned char> shuffled(bytes);
    uLongf n = uLongf(bytes);
    const int rc = uncompress(shuffled.data(), &n, in, uLong(in_bytes));
    if (rc != Z_OK || n != bytes)
        throw IoError(what + ": a compressed block does not inflate to its " + std::to_string(bytes)
                      + " bytes (zlib code " + std::to_string(rc) + ")");
    if (bytes > 0) unshuffle(shuffled.data(), static_cast<unsigned char*>(out), bytes, elem_size);
}

}  // namespace buurtsim::detail
