#pragma once
// Subcommands of the buurtsim CLI. Each returns the process exit code; user
// errors are thrown as buurtsim::Error and mapped to exit code 2 in main().
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace buurtsim::cli {

enum ExitCode : int { ok = 0, internal_error = 1, bad_input = 2 };  // and 128 + signal (signals.cpp)

struct RunOptions {
    std::vector<std::string> scenarios;
    std::string output;
    std::optional<std::int64_t> seed;
    std::optional<std::int64_t> replicates;
    std::optional<std::int64_t> only_replicate;  // run just this replicate of the batch
    int threads = 0;  // 0: all cores
    std::vector<std::string> overrides;
    std::vector<std::string> overlays;  ///< scenario fragments applied to every scenario before --set (e.g. priors)
    std::string data_dir;
    bool quiet = false;
    bool clean_partials = false;  ///< remove OUT.partial and OUT.partial-* left by a killed run
    bool resume = false;          ///< continue from OUT.partial of an interrupted run of the same command
    std::string command_line;
};

struct BenchOptions {
    int threads = 0;
    std::int64_t weeks = 52;
    double scale = 1.0;
    std::string data_dir;
    bool phases = false;  ///< also print seconds per phase of the weekly schedule
    int runs = 1;         ///< setup and loop repeated, each afresh; min / median / max reported
};

enum class TableFormat { text, csv, markdown };

struct CompareOptions {
    std::string file;
    std::string baseline;
    TableFormat format = TableFormat::text;
    std::int64_t weeks_from = 0;
    bool clean_partials = false;
};

int run_command(const RunOptions& o);
int compare_command(const CompareOptions& o);
int bench_command(const BenchOptions& o);

/** Default data directory: $BUURTSIM_DATA_DIR, else the source tree's data/. */
std::string default_data_dir();
/** The CBS table for an edition year inside a data directory. */
std::filesystem::path cbs_path(const std::string& data_dir, std::int64_t year);

/** SIGINT, SIGTERM, SIGHUP: remove the temporary file of a write in progress, keep the partial file of a
 *  streamed run (keep_partial_on_signal) for --resume, exit 128 + signal (signals.cpp). */
void install_signal_handlers();
/** From now on a signal reports `partial` as kept for --resume (empty: no partial file). Not async-signal-safe:
 *  call outside handlers. */
void keep_partial_on_signal(const std::filesystem::path& partial);
/** Reports (on stderr) temporaries OUT.partial-* beside `out` left by a killed write; removes them if `clean`. */
void report_partials(const std::filesystem::path& out, bool clean);
/** Partial files beside `out` (partials.cpp): temporaries OUT.partial-* left by a killed write are reported on
 *  stderr, or removed if `clean`. The partial file OUT.partial of an unfinished run is kept if `resume`,
 *  removed if `clean`, else refused with how to resume or discard it.
 *  @throws Error (UsageError for a leftover partial file without --resume or --clean-partials) */
void check_partials(const std::filesystem::path& out, bool clean, bool resume);

}  // namespace buurtsim::cli
