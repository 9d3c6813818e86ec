// Partial files beside an output (docs/FORMAT.md "Writing" and "Partial file"):
//  - OUT.partial-* : the temporary of a write in progress, left only by a write killed in a way no handler
//    sees (SIGKILL, a power loss). Reported on start so they do not pile up unseen; only --clean-partials
//    removes them, because one may belong to a run still writing the same output.
//  - OUT.partial : the finished replicates of a streamed run that did not finish (killed, a full disk, a
//    signal). It is work: --resume continues from it, --clean-partials discards it, and without either the
//    run is refused rather than overwrite it. A run that holds it now (its lock) is never disturbed.
#include "commands.hpp"

#include "buurtsim/error.hpp"
#include "buurtsim/io.hpp"
#include "buurtsim/result_stream.hpp"

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

void check_partials(const std::filesystem::path& out, bool clean, bool resume) {
    report_partials(out, clean);
    const std::filesystem::path partial = partial_file_path(out);
    std::error_code ec;
    if (resume || std::filesystem::symlink_status(partial, ec).type() == std::filesystem::file_type::not_found) return;
    if (clean) {
        remove_partial_file(partial);
        std::cerr << "buurtsim: removed partial file '" << partial.string() << "' (--clean-partials)\n";
        return;
    }
    throw UsageError("'" + partial.string() + "' holds the finished replicates of an earlier run writing "
                     + out.string() + " that did not finish (or of one writing it now). Continue it: run the same "
                     "command again with --resume; or discard it: run with --clean-partials");
}

}  // namespace buurtsim::cli
