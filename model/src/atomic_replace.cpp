// Atomic replacement: a file at the target path is always complete.
#include "atomic_replace.hpp"

#include "buurtsim/error.hpp"
#include "buurtsim/io.hpp"

#include <unistd.h>

#include <string>
#include <system_error>

namespace buurtsim {

std::filesystem::path temporary_path(const std::filesystem::path& out) {
    std::filesystem::path tmp = out;
    tmp += ".partial-" + std::to_string(::getpid());
    return tmp;
}

namespace detail {

namespace fs = std::filesystem;

void atomic_replace(const fs::path& out, const fs::path& tmp, const std::function<void(bool& created)>& write) {
    bool created = false;
    const auto remove_tmp = [&] {
        std::error_code ec;
        if (created) fs::remove(tmp, ec);
    };
    try {
        write(created);
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
