// Input files: regular files of bounded size only (input_file.hpp).
#include "input_file.hpp"

#include <cerrno>
#include <cstring>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace buurtsim::input_file {
namespace {

std::string kind_of(mode_t mode) {
    if (S_ISDIR(mode)) return "a directory";
    if (S_ISFIFO(mode)) return "a FIFO (named pipe)";
    if (S_ISCHR(mode)) return "a character device";
    if (S_ISBLK(mode)) return "a block device";
    if (S_ISSOCK(mode)) return "a socket";
    return "not a regular file";
}

struct Fd {
    int fd;
    ~Fd() {
        if (fd >= 0) ::close(fd);
    }
};

}  // namespace

Contents read(const std::filesystem::path& path, std::uintmax_t max_bytes) {
    Contents c;
    // The C library would stop at the NUL and open another file.
    if (path.native().find('\0') != std::string::npos) {
        c.problem = Problem::nul_in_name;
        return c;
    }
    // O_NONBLOCK: opening a FIFO without a writer must not wait; it is refused below.
    const Fd f{::open(path.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY)};
    if (f.fd < 0) {
        c.problem = Problem::cannot_open;
        c.error = errno;
        return c;
    }
    struct stat st {};
    if (::fstat(f.fd, &st) != 0) {
        c.problem = Problem::read_error;
        c.error = errno;
        return c;
    }
    if (!S_ISREG(st.st_mode)) {
        c.problem = Problem::not_regular;
        c.kind = kind_of(st.st_mode);
        return c;
    }
    if (st.st_size > 0 && std::uintmax_t(st.st_size) > max_bytes) {
        c.problem = Problem::too_large;
        return c;
    }
    // The size may be 0 (files in /proc) or grow while being read: read at most
    // one byte more than allowed and decide by what was read.
    c.bytes.resize(std::size_t(st.st_size > 0 ? st.st_size : 0));
    std::size_t have = 0;
    for (;;) {
        if (have == c.bytes.size()) {
            if (have > max_bytes) break;
            c.bytes.resize(std::min<std::uintmax_t>(max_bytes + 1, std::max<std::size_t>(2 * have, 65536)));
            if (have == c.bytes.size()) break;
        }
        const ssize_t got = ::read(f.fd, c.bytes.data() + have, c.bytes.size() - have);
        if (got < 0) {
            if (errno == EINTR) continue;
            c.problem = Problem::read_error;
            c.error = errno;
            c.bytes.clear();
            return c;
        }
        if (got == 0) break;
        have += std::size_t(got);
    }
    c.bytes.resize(have);
    if (have > max_bytes) {
        c.problem = Problem::too_large;
        c.bytes.clear();
    }
    return c;
}

std::string shown_path(const std::filesystem::path& path) {
    std::string out;
    for (const char c : path.string()) {
        if (c == '\0') out += "\\0";
        else out += c;
    }
    return out;
}

std::string describe(const Contents& c, std::string_view subject, std::uintmax_t max_bytes,
                     std::string_view limit_of) {
    const std::string s(subject);
    switch (c.problem) {
        case Problem::none: return {};
        case Problem::nul_in_name: return "the name of " + s + " contains a NUL byte";
        case Problem::cannot_open: return "cannot open " + s + " (" + std::strerror(c.error) + ")";
        case Problem::not_regular:
            return s + " is " + c.kind + ", not a regular file (only regular files are read as input)";
        case Problem::too_large:
            return s + " is larger than " + std::to_string(max_bytes / (1024 * 1024)) + " MiB ("
                   + std::to_string(max_bytes) + " bytes), the limit for " + std::string(limit_of);
        case Problem::read_error: return "cannot read " + s + " (" + std::strerror(c.error) + ")";
    }
    return {};
}

}  // namespace buurtsim::input_file
