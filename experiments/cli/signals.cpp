// The signal contract of the CLI (README "Signals and exit codes"): SIGINT,
// SIGTERM and SIGHUP end the process the same way in every phase (reading,
// burn-in, weeks, writing): the temporary file of a write in progress is
// removed, one line goes to stderr, and the exit code is 128 + the signal
// number (130, 143, 129). The handler ends the process itself: no phase has
// anything else to undo (inputs are only read; an output is replaced only by
// the final rename, which has happened or not), and a flag checked between
// weeks was not seen in the burn-in or while reading.
#include "commands.hpp"

#include "buurtsim/io.hpp"

#include <unistd.h>

#include <csignal>
#include <cstring>

namespace buurtsim::cli {
namespace {

extern "C" void on_signal(int sig) {
    remove_partial_files_now();  // async-signal-safe, as are strlen, write and _exit
    const char* msg = sig == SIGINT    ? "buurtsim: interrupted (SIGINT); no partial file left, exit 130\n"
                      : sig == SIGTERM ? "buurtsim: terminated (SIGTERM); no partial file left, exit 143\n"
                                       : "buurtsim: hangup (SIGHUP); no partial file left, exit 129\n";
    (void)!::write(STDERR_FILENO, msg, std::strlen(msg));
    ::_exit(128 + sig);
}

}  // namespace

void install_signal_handlers() {
    struct sigaction sa{};
    sa.sa_handler = on_signal;
    sigemptyset(&sa.sa_mask);
    // The other two are blocked while the handler runs: one handler, one exit code.
    for (int s : {SIGINT, SIGTERM, SIGHUP}) sigaddset(&sa.sa_mask, s);
    for (int s : {SIGINT, SIGTERM, SIGHUP}) ::sigaction(s, &sa, nullptr);
}

}  // namespace buurtsim::cli
