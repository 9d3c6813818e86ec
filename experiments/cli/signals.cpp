// The signal contract of the CLI (README "Signals and exit codes"): SIGINT,
// SIGTERM and SIGHUP end the process the same way in every phase (reading,
// burn-in, weeks, writing): the temporary file of a write in progress is
// removed, one line goes to stderr, and the exit code is 128 + the signal
// number (130, 143, 129). The partial file of a streamed run (OUT.partial) is
// kept: it holds only whole, checksummed replicates, and the user may want to
// continue with --resume; the line says so. The handler ends the process
// itself: no phase has anything else to undo (inputs are only read; an output
// is replaced only by the final rename, which has happened or not), and a flag
// checked between weeks was not seen in the burn-in or while reading.
#include "commands.hpp"

#include "buurtsim/io.hpp"

#include <unistd.h>

#include <atomic>
#include <csignal>
#include <cstdio>
#include <cstring>

namespace buurtsim::cli {
namespace {

// The three lines for a run with a partial file, formatted outside the handler (which may not allocate).
char g_kept[3][8192];
std::atomic<bool> g_have_kept{false};

int slot(int sig) { return sig == SIGINT ? 0 : sig == SIGTERM ? 1 : 2; }

extern "C" void on_signal(int sig) {
    remove_partial_files_now();  // async-signal-safe, as are strlen, write and _exit
    const char* msg = g_have_kept.load() ? g_kept[slot(sig)]
                      : sig == SIGINT    ? "buurtsim: interrupted (SIGINT); no partial file left, exit 130\n"
                      : sig == SIGTERM   ? "buurtsim: terminated (SIGTERM); no partial file left, exit 143\n"
                                         : "buurtsim: hangup (SIGHUP); no partial file left, exit 129\n";
    (void)!::write(STDERR_FILENO, msg, std::strlen(msg));
    ::_exit(128 + sig);
}

}  // namespace

void keep_partial_on_signal(const std::filesystem::path& partial) {
    g_have_kept.store(false);
    if (partial.empty()) return;
    const char* what[3] = {"interrupted (SIGINT)", "terminated (SIGTERM)", "hangup (SIGHUP)"};
    const int code[3] = {130, 143, 129};
    for (int k = 0; k < 3; ++k)
        std::snprintf(g_kept[k], sizeof g_kept[k],
                      "buurtsim: %s; no result file written; the finished replicates are kept in '%s': run the "
                      "same command with --resume to continue (or with --clean-partials to discard them), exit %d\n",
                      what[k], partial.c_str(), code[k]);
    g_have_kept.store(true);
}

void install_signal_handlers() {
    struct sigaction sa{};
    sa.sa_handler = on_signal;
    sigemptyset(&sa.sa_mask);
    // The other two are blocked while the handler runs: one handler, one exit code.
    for (int s : {SIGINT, SIGTERM, SIGHUP}) sigaddset(&sa.sa_mask, s);
    for (int s : {SIGINT, SIGTERM, SIGHUP}) ::sigaction(s, &sa, nullptr);
}

}  // namespace buurtsim::cli
