// The partial file (partial_file.hpp). Layout, little-endian:
//   "BUURTSIM-PARTIAL\n"  u32 version  u64 header length  header text  u32 crc32(version .. header text)
//   then records:  u32 kind  u32 a  u32 b  u64 payload length  payload  u32 crc32(kind .. payload)
// The header text is one "key=value" line per entry, the value escaped (\\ and \n) so it stays one line.
#include "partial_file.hpp"

#include "buurtsim/error.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <system_error>

namespace buurtsim::detail {

namespace fs = std::filesystem;

namespace {

constexpr std::size_t magic_len = sizeof(PartialFile::magic) - 1;  // without the NUL
constexpr std::size_t prefix_len = magic_len + 1 + 4 + 8;           // magic, '\n', version, header length
constexpr std::size_t record_head = 4 + 4 + 4 + 8;
/// A header larger than this is not one we wrote (the resolved TOML of 10,000 scenarios is far less).
constexpr std::uint64_t max_header = std::uint64_t(1) << 30;

std::string errno_text(int e) { return std::error_code(e, std::generic_category()).message(); }

void put_u32(std::vector<unsigned char>& b, std::uint32_t v) {
    for (int k = 0; k < 4; ++k) b.push_back((unsigned char)(v >> (8 * k)));
}
void put_u64(std::vector<unsigned char>& b, std::uint64_t v) {
    for (int k = 0; k < 8; ++k) b.push_back((unsigned char)(v >> (8 * k)));
}
std::uint32_t get_u32(const unsigned char* p) {
    std::uint32_t v = 0;
    for (int k = 0; k < 4; ++k) v |= std::uint32_t(p[k]) << (8 * k);
    return v;
}
std::uint64_t get_u64(const unsigned char* p) {
    std::uint64_t v = 0;
    for (int k = 0; k < 8; ++k) v |= std::uint64_t(p[k]) << (8 * k);
    return v;
}

std::uint32_t crc(std::uint32_t c, const unsigned char* p, std::size_t n) {
    while (n > 0) {
        const uInt take = uInt(std::min<std::size_t>(n, std::size_t(1) << 30));
        c = std::uint32_t(crc32(c, p, take));
        p += take;
        n -= take;
    }
    return c;
}

std::string escape(const std::string& v) {
    std::string out;
    for (char c : v) {
        if (c == '\\') out += "\\\\";
        else if (c == '\n') out += "\\n";
        else out += c;
    }
    return out;
}

bool unescape(const std::string& v, std::string& out) {
    out.clear();
    for (std::size_t k = 0; k < v.size(); ++k) {
        if (v[k] != '\\') {
            out += v[k];
            continue;
        }
        if (++k == v.size()) return false;
        if (v[k] == '\\') out += '\\';
        else if (v[k] == 'n') out += '\n';
        else return false;
    }
    return true;
}

/// pread of exactly n bytes; false at the end of the file.
bool read_at(int fd, unsigned char* p, std::size_t n, std::uint64_t at, int& err) {
    while (n > 0) {
        const ssize_t got = ::pread(fd, p, n, off_t(at));
        if (got < 0 && errno == EINTR) continue;
        if (got < 0) {
            err = errno;
            return false;
        }
        if (got == 0) return false;
        p += got;
        n -= std::size_t(got);
        at += std::uint64_t(got);
    }
    return true;
}

bool write_at(int fd, const unsigned char* p, std::size_t n, std::uint64_t at, int& err) {
    while (n > 0) {
        const ssize_t put = ::pwrite(fd, p, std::min<std::size_t>(n, std::size_t(1) << 30), off_t(at));
        if (put < 0 && errno == EINTR) continue;
        if (put < 0) {
            err = errno;
            return false;
        }
        p += put;
        n -= std::size_t(put);
        at += std::uint64_t(put);
    }
    return true;
}

/// fsync of the directory holding `path`: a file's new (or removed) name survives a power loss only after it.
void sync_directory(const fs::path& path) {
    const fs::path dir = path.has_parent_path() ? path.parent_path() : fs::path(".");
    const int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0) return;  // nothing more can be done; the data itself is synced
    (void)::fsync(fd);
    ::close(fd);
}

void lock_or_throw(int fd, const fs::path& path) {
    if (::flock(fd, LOCK_EX | LOCK_NB) == 0) return;
    const int e = errno;
    ::close(fd);
    if (e == EWOULDBLOCK)
        throw IoError("partial file '" + path.string() + "' is in use: another buurtsim run is writing it now "
                      "(it holds the file's lock); wait for that run to end, or name another output");
    throw IoError("cannot lock partial file '" + path.string() + "': " + errno_text(e));
}

}  // namespace

PartialFile::PartialFile(PartialFile&& o) noexcept
    : path_(std::move(o.path_)), fd_(std::exchange(o.fd_, -1)), header_(std::move(o.header_)),
      records_(std::move(o.records_)), end_(o.end_), torn_bytes_(o.torn_bytes_) {}

PartialFile::~PartialFile() {
    if (fd_ >= 0) ::close(fd_);  // releases the lock
}

PartialFile PartialFile::create(const fs::path& path, const PartialHeader& header) {
    const std::string where = "partial file '" + path.string() + "': ";
    const int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644);
    if (fd < 0) throw IoError(where + "creating it failed: " + errno_text(errno));
    lock_or_throw(fd, path);
    PartialFile f(path, fd);
    f.header_ = header;
    std::string text;
    for (const auto& [k, v] : header) text += k + "=" + escape(v) + "\n";
    std::vector<unsigned char> b(magic, magic + magic_len);
    b.push_back('\n');
    put_u32(b, version);
    put_u64(b, text.size());
    b.insert(b.end(), text.begin(), text.end());
    put_u32(b, crc(0, b.data() + magic_len + 1, b.size() - magic_len - 1));
    int err = 0;
    std::string failure;
    if (::fchmod(fd, 0644) != 0) failure = "chmod failed: " + errno_text(errno);
    else if (!write_at(fd, b.data(), b.size(), 0, err)) failure = "writing its header failed: " + errno_text(err);
    else if (::fsync(fd) != 0) failure = "fsync failed: " + errno_text(errno);
    if (!failure.empty()) {
        ::unlink(path.c_str());  // only the header was in it: nothing of the run is lost
        throw IoError(where + failure);
    }
    sync_directory(path);
    f.end_ = b.size();
    return f;
}

PartialFile PartialFile::open(const fs::path& path) {
    const std::string p = "'" + path.string() + "'";
    const int fd = ::open(path.c_str(), O_RDWR | O_NOFOLLOW | O_CLOEXEC);
    if (fd < 0) throw IoError("cannot open partial file " + p + ": " + errno_text(errno));
    struct stat st{};
    if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        ::close(fd);
        throw IoError(p + " is not a regular file, so not a buurtsim partial file; move it away");
    }
    lock_or_throw(fd, path);
    PartialFile f(path, fd);
    const std::uint64_t size = std::uint64_t(st.st_size);
    const std::string not_ours = p + " is not a buurtsim partial file (it does not start with '" + std::string(magic)
                                 + "'); buurtsim leaves it alone: move it away, or name another output";
    const std::string corrupt = "partial file " + p + " is corrupt: ";
    const std::string fix = "; remove it (--clean-partials) and run again without --resume";
    unsigned char pre[prefix_len];
    int err = 0;
    if (!read_at(fd, pre, prefix_len, 0, err)) {
        if (err) throw IoError("cannot read partial file " + p + ": " + errno_text(err));
        if (size >= magic_len && std::memcmp(pre, magic, magic_len) == 0)
            throw IoError(corrupt + "it ends inside its header (" + std::to_string(size) + " bytes)" + fix);
        throw IoError(not_ours);
    }
    if (std::memcmp(pre, magic, magic_len) != 0 || pre[magic_len] != '\n') throw IoError(not_ours);
    const std::uint32_t ver = get_u32(pre + magic_len + 1);
    if (ver != version)
        throw IoError(p + " is a buurtsim partial file of layout version " + std::to_string(ver) + "; this buurtsim "
                      "reads version " + std::to_string(version) + " only: finish it with the buurtsim that wrote "
                      "it, or remove it (--clean-partials)");
    const std::uint64_t text_len = get_u64(pre + magic_len + 5);
    if (text_len > max_header || prefix_len + text_len + 4 > size)
        throw IoError(corrupt + "its header length (" + std::to_string(text_len) + " bytes) does not fit the file ("
                      + std::to_string(size) + " bytes)" + fix);
    std::vector<unsigned char> text(text_len + 4);
    if (!read_at(fd, text.data(), text.size(), prefix_len, err))
        throw IoError("cannot read partial file " + p + ": " + (err ? errno_text(err) : "it is shorter than its header"));
    std::uint32_t c = crc(0, pre + magic_len + 1, 12);
    c = crc(c, text.data(), text_len);
    if (c != get_u32(text.data() + text_len)) throw IoError(corrupt + "its header fails its checksum" + fix);
    for (std::size_t at = 0; at < text_len;) {
        const auto nl = std::find(text.begin() + std::ptrdiff_t(at), text.begin() + std::ptrdiff_t(text_len), '\n');
        const std::string line(text.begin() + std::ptrdiff_t(at), nl);
        const std::size_t eq = line.find('=');
        std::string value;
        if (eq == std::string::npos || !unescape(line.substr(eq + 1), value))
            throw IoError(corrupt + "header line '" + line.substr(0, 80) + "' is not key=value" + fix);
        f.header_.emplace_back(line.substr(0, eq), value);
        at = std::size_t(nl - text.begin()) + 1;
    }

    // The records: each whole and matching its checksum, except that the last may be torn.
    std::uint64_t at = prefix_len + text_len + 4;
    std::vector<unsigned char> buf(std::size_t(1) << 20);
    while (at < size) {
        unsigned char h[record_head];
        const auto torn = [&] {
            f.torn_bytes_ = size - at;
            return true;
        };
        if (size - at < record_head + 4 && torn()) break;
        if (!read_at(fd, h, record_head, at, err)) throw IoError("cannot read partial file " + p + ": " + errno_text(err));
        PartialRecord r;
        const std::uint32_t kind = get_u32(h);
        r.a = get_u32(h + 4);
        r.b = get_u32(h + 8);
        r.size = get_u64(h + 12);
        r.offset = at + record_head;
        if (kind != std::uint32_t(RecordKind::pair) && kind != std::uint32_t(RecordKind::resume)) {
            // A power loss can leave the end of the file zero-filled; anything else is not ours.
            bool zeros = true;
            for (std::uint64_t k = at; zeros && k < size;) {
                const std::size_t n = std::size_t(std::min<std::uint64_t>(buf.size(), size - k));
                if (!read_at(fd, buf.data(), n, k, err)) throw IoError("cannot read partial file " + p);
                zeros = std::all_of(buf.begin(), buf.begin() + std::ptrdiff_t(n), [](unsigned char x) { return x == 0; });
                k += n;
            }
            if (zeros && torn()) break;
            throw IoError(corrupt + "the record at byte " + std::to_string(at) + " is not a record" + fix);
        }
        r.kind = RecordKind(kind);
        if (r.size > size - r.offset || size - r.offset - r.size < 4) {
            torn();  // ends past the end of the file: the append a kill interrupted
            break;
        }
        std::uint32_t c2 = crc(0, h, record_head);
        for (std::uint64_t k = 0; k < r.size;) {
            const std::size_t n = std::size_t(std::min<std::uint64_t>(buf.size(), r.size - k));
            if (!read_at(fd, buf.data(), n, r.offset + k, err)) throw IoError("cannot read partial file " + p);
            c2 = crc(c2, buf.data(), n);
            k += n;
        }
        unsigned char tail[4];
        if (!read_at(fd, tail, 4, r.offset + r.size, err)) throw IoError("cannot read partial file " + p);
        const std::uint64_t next = r.offset + r.size + 4;
        if (c2 != get_u32(tail)) {
            if (next == size && torn()) break;  // the last record, zero-filled or half-written by a power loss
            throw IoError(corrupt + "the record at byte " + std::to_string(at) + " fails its checksum, and "
                          "records follow it" + fix);
        }
        f.records_.push_back(r);
        at = next;
    }
    f.end_ = at;
    return f;
}

PartialRecord PartialFile::append(RecordKind kind, std::uint32_t a, std::uint32_t b, const std::vector<unsigned char>& payload) {
    std::vector<unsigned char> h;
    put_u32(h, std::uint32_t(kind));
    put_u32(h, a);
    put_u32(h, b);
    put_u64(h, payload.size());
    std::uint32_t c = crc(0, h.data(), h.size());
    c = crc(c, payload.data(), payload.size());
    std::vector<unsigned char> t;
    put_u32(t, c);

    const std::lock_guard lock(mutex_);
    const std::string where = "partial file '" + path_.string() + "': ";
    int err = 0;
    std::string failure;
    // A torn record of the killed run goes first, so no stale bytes follow the new ones.
    if (torn_bytes_ > 0) {
        if (::ftruncate(fd_, off_t(end_)) != 0) throw IoError(where + "cutting off a torn record failed: " + errno_text(errno));
        torn_bytes_ = 0;
    }
    if (!write_at(fd_, h.data(), h.size(), end_, err) || !write_at(fd_, payload.data(), payload.size(), end_ + h.size(), err)
        || !write_at(fd_, t.data(), t.size(), end_ + h.size() + payload.size(), err))
        failure = "appending " + std::to_string(h.size() + payload.size() + 4) + " bytes failed: " + errno_text(err);
    else if (::fdatasync(fd_) != 0)
        failure = "fdatasync failed: " + errno_text(errno);
    if (!failure.empty()) {
        // Cut back to the records before: the file stays resumable once there is room again.
        (void)!::ftruncate(fd_, off_t(end_));
        throw IoError(where + failure);
    }
    const PartialRecord r{kind, a, b, end_ + h.size(), payload.size()};
    records_.push_back(r);
    end_ += h.size() + payload.size() + 4;
    return r;
}

std::vector<unsigned char> PartialFile::read(const PartialRecord& r, std::uint64_t max_bytes) const {
    std::vector<unsigned char> out(std::min(r.size, max_bytes));
    int err = 0;
    if (!read_at(fd_, out.data(), out.size(), r.offset, err))
        throw IoError("cannot read partial file '" + path_.string() + "': "
                      + (err ? errno_text(err) : "it ended inside a record"));
    return out;
}

void PartialFile::remove() {
    if (::unlink(path_.c_str()) != 0 && errno != ENOENT)
        throw IoError("cannot remove partial file '" + path_.string() + "': " + errno_text(errno));
    sync_directory(path_);
    ::close(std::exchange(fd_, -1));
}

}  // namespace buurtsim::detail
