// Atomic replacement: a file at the target path is always complete, and a
// write can neither clobber what is not a regular file nor be redirected.
//  - The target must be a new name or a regular file that is none of the
//    run's inputs (device + inode, so hard links and other spellings count).
//  - The temporary has an unpredictable name and is created exclusively:
//    O_EXCL fails on any existing name, a symlink included, so a file planted
//    at a guessed name cannot make the write land elsewhere.
//  - Its name sits in a fixed table a signal handler can read, so a killed
//    run removes it (remove_partial_files_now); one killed harder leaves
//    "<name>.partial-*", which find_partial_files reports.
#include "atomic_replace.hpp"

#include "buurtsim/error.hpp"
#include "buurtsim/io.hpp"
#include "buurtsim/testing.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <cerrno>
#include <cstring>
#include <random>
#include <string>
#include <vector>
#include <system_error>

namespace buurtsim {

namespace fs = std::filesystem;

namespace {

// Writes in progress, for the signal handler: a slot is free (0), being
// filled or emptied (1), holds a path the handler may unlink (2), or one it
// has unlinked, which stops that write (3). Fixed buffers, because a handler
// may not allocate.
struct PartialSlot {
    std::atomic<int> state{0};
    char path[4096] = {0};
};
static_assert(std::atomic<int>::is_always_lock_free, "the signal handler needs a lock-free flag");
std::array<PartialSlot, 16> g_partials;

std::string file_kind(mode_t m) {
    if (S_ISDIR(m)) return "a directory";
    if (S_ISLNK(m)) return "a symbolic link";
    if (S_ISCHR(m)) return "a character device";
    if (S_ISBLK(m)) return "a block device";
    if (S_ISFIFO(m)) return "a FIFO";
    if (S_ISSOCK(m)) return "a socket";
    return "not a regular file";
}

std::string errno_text(int e) { return std::error_code(e, std::generic_category()).message(); }

}  // namespace

std::string partial_prefix(const fs::path& out) { return out.filename().string() + ".partial-"; }

void check_output_target(const fs::path& out, const std::vector<fs::path>& inputs) {
    const std::string what = "cannot write '" + out.string() + "': ";
    if (out.empty() || !out.has_filename()) throw IoError(what + "not a file name");
    struct stat st{};
    if (::lstat(out.c_str(), &st) != 0) {
        if (errno == ENOENT) return;  // a new name (a missing directory is reported when writing)
        throw IoError(what + errno_text(errno));
    }
    if (!S_ISREG(st.st_mode))
        throw IoError(what + "it exists and is " + file_kind(st.st_mode)
                      + "; buurtsim replaces only regular files (name a new file or a regular one)");
    for (const fs::path& in : inputs) {
        struct stat si{};
        if (::stat(in.c_str(), &si) == 0 && si.st_dev == st.st_dev && si.st_ino == st.st_ino)
            throw IoError(what + "it is '" + in.string() + "', an input of this run; an output must not replace "
                          "its inputs (name another file)");
    }
}

std::vector<fs::path> find_partial_files(const fs::path& out) {
    std::vector<fs::path> found;
    const std::string prefix = partial_prefix(out);
    const fs::path dir = out.has_parent_path() ? out.parent_path() : fs::path(".");
    std::error_code ec;
    for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
        const std::string name = it->path().filename().string();
        if (name.size() > prefix.size() && name.compare(0, prefix.size(), prefix) == 0)
            found.push_back(out.has_parent_path() ? it->path() : fs::path(name));
    }
    std::sort(found.begin(), found.end());
    return found;
}

void remove_partial_files_now() noexcept {
    for (PartialSlot& s : g_partials) {
        int registered = 2;
        if (s.state.compare_exchange_strong(registered, 3)) ::unlink(s.path);  // lock-free and unlink: async-signal-safe
    }
}

TemporaryName::TemporaryName(const fs::path& out) : path_(detail::unique_temporary_path(out)) {
    // Registered before the file exists: a signal in between finds nothing to remove.
    const std::string s = path_.string();
    if (s.size() >= sizeof(PartialSlot::path)) return;  // PATH_MAX: the handler cannot help; still written safely
    for (std::size_t k = 0; k < g_partials.size(); ++k) {
        int free = 0;
        if (!g_partials[k].state.compare_exchange_strong(free, 1)) continue;
        std::memcpy(g_partials[k].path, s.c_str(), s.size() + 1);
        g_partials[k].state.store(2);
        slot_ = int(k);
        return;
    }
}

bool TemporaryName::stopped() const noexcept {
    return slot_ >= 0 && g_partials[std::size_t(slot_)].state.load() == 3;
}

TemporaryName::~TemporaryName() {
    if (slot_ < 0) return;
    g_partials[std::size_t(slot_)].state.store(1);
    g_partials[std::size_t(slot_)].path[0] = 0;
    g_partials[std::size_t(slot_)].state.store(0);
}

namespace detail {

fs::path unique_temporary_path(const fs::path& out) {
    // std::random_device reads the kernel's generator: the name cannot be
    // guessed from the pid or the time. 16 of 32 symbols: 80 bits.
    static constexpr char symbols[] = "abcdefghijklmnopqrstuvwxyz234567";
    std::random_device rd;
    std::string name = partial_prefix(out);
    for (int k = 0; k < 16; ++k) name += symbols[rd() % 32];
    return out.has_parent_path() ? out.parent_path() / name : fs::path(name);
}

void write_new_file(const fs::path& tmp, const char* bytes, std::size_t size, bool& created, const fs::path& what) {
    const std::string where = "cannot write result file '" + what.string() + "': ";
    const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644);
    if (fd < 0) throw IoError(where + "creating temporary file '" + tmp.string() + "' failed: " + errno_text(errno));
    created = true;
    std::string failure;
    // Mode 0644 whatever the umask: a result file is for reading by others, like one written with cp.
    if (::fchmod(fd, 0644) != 0) failure = "chmod of '" + tmp.string() + "' failed: " + errno_text(errno);
    for (std::size_t done = 0; failure.empty() && done < size;) {
        const ssize_t w = ::write(fd, bytes + done, std::min<std::size_t>(size - done, std::size_t(1) << 30));
        if (w < 0 && errno == EINTR) continue;
        if (w < 0) {
            failure = "writing '" + tmp.string() + "' failed after " + std::to_string(done) + " of "
                      + std::to_string(size) + " bytes: " + errno_text(errno);
            break;
        }
        done += std::size_t(w);
    }
    // fsync: the rename must not make visible a file whose blocks never reached the disk.
    if (failure.empty() && ::fsync(fd) != 0) failure = "fsync of '" + tmp.string() + "' failed: " + errno_text(errno);
    if (::close(fd) != 0 && failure.empty()) failure = "closing '" + tmp.string() + "' failed: " + errno_text(errno);
    if (!failure.empty()) throw IoError(where + failure);
}

std::vector<char> read_whole_file(const fs::path& in, const fs::path& what) {
    const std::string where = "cannot write result file '" + what.string() + "': reading '" + in.string() + "' failed: ";
    const int fd = ::open(in.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) throw IoError(where + errno_text(errno));
    struct stat st{};
    if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        ::close(fd);
        throw IoError(where + "not a regular file");
    }
    std::vector<char> bytes;
    bytes.reserve(std::size_t(st.st_size));
    char buf[1 << 16];
    for (;;) {
        const ssize_t n = ::read(fd, buf, sizeof buf);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) {
            const int e = errno;
            ::close(fd);
            throw IoError(where + errno_text(e));
        }
        if (n == 0) break;
        bytes.insert(bytes.end(), buf, buf + n);
    }
    ::close(fd);
    return bytes;
}

void atomic_replace(const fs::path& out, const std::vector<fs::path>& inputs,
                    const std::function<void(const fs::path& tmp, bool& created)>& write) {
    check_output_target(out, inputs);
    const TemporaryName name(out);  // registered for remove_partial_files_now before it is created
    const fs::path& tmp = name.path();
    bool created = false;
    const auto remove_tmp = [&] {
        std::error_code ec;
        if (created) fs::remove(tmp, ec);
    };
    try {
        write(tmp, created);
        test_stall("writing", [&] { return name.stopped(); });
        // A signal handler removed the temporary (and the process goes on): the old file stays.
        if (name.stopped())
            throw IoError("cannot write result file '" + out.string() + "': stopped by a signal; '" + out.string()
                          + "' is as it was");
        check_output_target(out, inputs);  // it may have changed during a long write
        std::error_code ec;
        fs::rename(tmp, out, ec);
        if (ec)
            throw IoError("cannot write result file '" + out.string() + "': renaming '" + tmp.string()
                          + "' onto it failed: " + ec.message());
    } catch (const Error&) {
        remove_tmp();
        throw;
    } catch (const InternalError&) {
        remove_tmp();
        throw;
    } catch (const std::exception& e) {
        remove_tmp();
        throw IoError("cannot write result file '" + out.string() + "': " + e.what());
    }
}

}  // namespace detail

}  // namespace buurtsim
