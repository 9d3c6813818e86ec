#pragma once
// The partial file of a streamed run, OUT.partial (private to buurtsim_io; docs/FORMAT.md "Partial
// file"): what the run is (a header of key = value entries) and every finished (scenario, replicate)
// as an appended, checksummed record. Only appends after the header: a kill (SIGKILL, power loss)
// can tear the record being written, never one before it, and a torn record fails its checksum or
// ends past the end of the file, so it is never counted. An exclusive flock marks the file in use: a
// second run on it is refused, and the lock goes with the process however it dies.
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

namespace buurtsim::detail {

/// Ordered key/value entries of the header; values may hold any text, newlines included.
using PartialHeader = std::vector<std::pair<std::string, std::string>>;

/// Kinds of record.
enum class RecordKind : std::uint32_t {
    pair = 0x52494150,    ///< "PAIR": one finished (scenario, replicate position); payload in result_stream.cpp
    resume = 0x4D555352,  ///< "RSUM": the run was resumed; payload: the command line, a newline, the UTC time
};

struct PartialRecord {
    RecordKind kind = RecordKind::pair;
    std::uint32_t a = 0, b = 0;  ///< pair: scenario index, replicate position; resume: 0, 0
    std::uint64_t offset = 0;    ///< of the payload in the file
    std::uint64_t size = 0;      ///< of the payload
};

class PartialFile {
public:
    /** @brief Creates `path` (which must not exist: O_EXCL, never through a symlink), locks it, writes and
     *         fsyncs the header and the directory entry. @throws IoError naming `path` */
    static PartialFile create(const std::filesystem::path& path, const PartialHeader& header);
    /** @brief Opens and locks an existing partial file, checks its magic, version and header checksum and
     *         every record's checksum. A torn last record (killed while appending) is cut off; a bad record
     *         with more after it is corruption. @throws IoError naming `path` and what is wrong */
    static PartialFile open(const std::filesystem::path& path);

    PartialFile(PartialFile&& o) noexcept;
    PartialFile& operator=(PartialFile&&) = delete;
    PartialFile(const PartialFile&) = delete;
    ~PartialFile();

    const std::filesystem::path& path() const { return path_; }
    const PartialHeader& header() const { return header_; }
    const std::vector<PartialRecord>& records() const { return records_; }
    /// Bytes cut off a torn last record when opened (0: none).
    std::uint64_t torn_bytes() const { return torn_bytes_; }

    /** @brief Appends a record and fdatasyncs it before returning it: once this returns the record counts. Safe
     *         to call from several threads. On failure (a full disk) the file is cut back to its records.
     *  @throws IoError naming the file and the cause */
    PartialRecord append(RecordKind kind, std::uint32_t a, std::uint32_t b, const std::vector<unsigned char>& payload);
    /** @brief The payload of a record, or its first `max_bytes`. @throws IoError */
    std::vector<unsigned char> read(const PartialRecord& r, std::uint64_t max_bytes = UINT64_MAX) const;
    /** @brief Unlinks the file (the run is complete) and closes it. @throws IoError */
    void remove();

    /// The first bytes of every partial file.
    static constexpr const char magic[] = "BUURTSIM-PARTIAL";
    /// Version of this file's own layout; a file of another version is refused.
    static constexpr std::uint32_t version = 1;

private:
    PartialFile(std::filesystem::path path, int fd) : path_(std::move(path)), fd_(fd) {}
    std::filesystem::path path_;
    int fd_ = -1;
    PartialHeader header_;
    std::vector<PartialRecord> records_;
    std::uint64_t end_ = 0;  // where the next record goes
    std::uint64_t torn_bytes_ = 0;
    mutable std::mutex mutex_;
};

}  // namespace buurtsim::detail
