#pragma once
// Subcommands of the buurtsim CLI. Each returns the process exit code; user
// errors are thrown as buurtsim::Error and mapped to exit code 2 in main().
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace buurtsim::cli {

enum ExitCode : int { ok = 0, internal_error = 1, bad_input = 2, interrupted = 130 };

struct RunOptions {
    std::vector<std::string> scenarios;
    std::string output;
    std::optional<std::int64_t> seed;
    std::optional<std::int64_t> replicates;
    std::optional<std::int64_t> only_replicate;  // run just this replicate of the batch
    int threads = 0;  // 0: all cores
    std::vector<std::string> overrides;
    std::string data_dir;
    bool quiet = false;
    std::string command_line;
};

struct BenchOptions {
    int threads = 0;
    std::int64_t weeks = 52;
    double scale = 1.0;
    std::string data_dir;
    bool phases = false;  ///< also print seconds per phase of the weekly schedule
};

enum class TableFormat { text, csv, markdown };

struct CompareOptions {
    std::string file;
    std::string baseline;
    TableFormat format = TableFormat::text;
    std::int64_t weeks_from = 0;
};

int run_command(const RunOptions& o);
int compare_command(const CompareOptions& o);
int bench_command(const BenchOptions& o);

/** Default data directory: $BUURTSIM_DATA_DIR, else the source tree's data/. */
std::string default_data_dir();
/** The CBS table for an edition year inside a data directory. */
std::filesystem::path cbs_path(const std::string& data_dir, std::int64_t year);

/** Set by the signal handler; checked between weeks. */
bool interrupt_requested();
void install_signal_handlers();
/** While writing, a signal removes this file before the process ends. */
void set_partial_file(const std::filesystem::path& p);
void clear_partial_file();

}  // namespace buurtsim::cli
