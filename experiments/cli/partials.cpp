// Partial files beside an output (OUT.partial-*, see buurtsim/io.hpp) are
// left only by a run killed in a way no handler sees (SIGKILL, a power
// loss). They are reported on start so they do not pile up unseen; only
// --clean-partials removes them, because one may belong to a run still
// writing the same output.
#include "commands.hpp"

#include "buurtsim/io.hpp"

#include <iostream>
#include <system_error>

namespace buurtsim::cli {

void report_partials(const std::filesystem::path& out, bool clean) {
    for (const auto& p : find_partial_files(out)) {
        if (clean) {
            std::error_code ec;
            std::filesystem::remove(p, ec);  // a symlink itself, never what it points to
            if (ec)
                std::cerr << "buurtsim: warning: cannot remove partial file '" << p.string() << "': " << ec.message()
                          << "\n";
            else
                std::cerr << "buurtsim: removed partial file '" << p.string() << "' (--clean-partials)\n";
        } else {
            std::cerr << "buurtsim: warning: '" << p.string()
                      << "' is a partial file of an earlier run that was killed (or of one writing " << out.string()
                      << " now); remove it, or run again with --clean-partials\n";
        }
    }
}

}  // namespace buurtsim::cli
