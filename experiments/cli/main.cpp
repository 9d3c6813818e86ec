// buurtsim command line. Only here are exceptions turned into messages and
// exit codes: 0 ok, 2 bad input (scenario, data, arguments) or a failed write,
// 1 internal error; a signal exits 128 + its number (signals.cpp).
#include "commands.hpp"

#include "buurtsim/error.hpp"
#include "buurtsim/io.hpp"
#include "buurtsim/params.hpp"
#include "buurtsim/result_stream.hpp"
#include "buurtsim/scenario.hpp"
#include "buurtsim/version.hpp"

#include <CLI/CLI.hpp>

#include <cerrno>
#include <cstring>
#include <iostream>
#include <string>

using namespace buurtsim;

namespace {

std::string join_args(int argc, char** argv) {
    std::string s;
    for (int i = 0; i < argc; ++i) s += (i ? " " : "") + std::string(argv[i]);
    return s;
}

/// Standard output is a result too (params --toml, compare): a write that failed (a full disk, a closed
/// pipe) must not end with exit 0.
void check_stdout() {
    // errno of a write that failed earlier (the stream stops writing then) is kept; else of the flush.
    if (std::cout) errno = 0;
    std::cout.flush();
    if (!std::cout)
        throw IoError(std::string("cannot write to standard output: ")
                      + (errno ? std::strerror(errno) : "the write failed") + "; the output is incomplete");
}

}  // namespace

int main(int argc, char** argv) {
    cli::install_signal_handlers();  // first: the contract holds in every phase
    // A write HDF5 made to disk itself and that failed (a full disk while the result file is assembled)
    // leaves a file the library cannot close, and its clean-up at exit would crash: this process has
    // closed everything it wrote by the time it exits, so the clean-up is not needed.
    skip_hdf5_cleanup_at_exit();
    CLI::App app{"buurtsim: agent-based simulation of neighbourhood support networks in Utrecht"};
    app.set_version_flag("--version", std::string("buurtsim ") + version() + " (" + git_commit() + ")");
    app.require_subcommand(1);
    app.footer(
        "Exit codes: 0 success, 2 bad input (scenario, data or arguments) or a failed write, 1 internal error, "
        "128 + signal number after SIGINT (130), SIGTERM (143) or SIGHUP (129), with no result file written: run keeps "
        "the replicates finished so far in OUTPUT.partial for --resume.\nDocs: README.md, docs/ODD.md, docs/PARAMETERS.md, docs/FORMAT.md");

    cli::RunOptions run;
    run.data_dir = cli::default_data_dir();
    auto* run_cmd = app.add_subcommand(
        "run", "Run one or more scenarios with the same replicate seeds (common random numbers) into one HDF5 file");
    run_cmd->add_option("scenario", run.scenarios,
                        "Scenario TOML file(s); several must share run.* and population.* and have unique names")
        ->required()
        ->check(CLI::ExistingFile);
    run_cmd->add_option("-o,--output", run.output,
                        "Result file (.h5), written atomically once every replicate is done; until then the finished "
                        "replicates are in OUTPUT.partial")
        ->required();
    run_cmd->add_option("--seed", run.seed, "Master seed (overrides run.seed)");
    run_cmd->add_option("--replicates", run.replicates, "Replicates (overrides run.replicates)");
    run_cmd->add_option("--only-replicate", run.only_replicate,
                        "Run only replicate K of the batch (same values as replicate K of a full run)")
        ->check(CLI::NonNegativeNumber);
    run_cmd->add_option("--threads", run.threads, "Worker threads (0: all cores); results do not depend on it")
        ->check(CLI::Range(0, 1024));
    run_cmd->add_option("--overlay", run.overlays,
                        "Apply a scenario fragment to every scenario, after its file and before --set, e.g. the "
                        "priors of data/params/utrecht-2023-uncertainty.toml; repeatable")
        ->check(CLI::ExistingFile);
    run_cmd->add_option("--set", run.overrides,
                        "Override a parameter: key=value (TOML value, or a prior such as "
                        "'{ prior = \"uniform\", lo = 1.0, hi = 2.0 }'), repeatable");
    run_cmd->add_option("--data-dir", run.data_dir, "Directory holding cbs/ tables")->check(CLI::ExistingDirectory);
    run_cmd->add_flag("-q,--quiet", run.quiet, "No summary table and no progress line");
    auto* clean_flag = run_cmd->add_flag(
        "--clean-partials", run.clean_partials,
        "Start afresh: remove OUTPUT.partial (the finished replicates of an unfinished run; without this or "
        "--resume the run is refused) and OUTPUT.partial-* temporaries left by a killed write (else only reported)");
    run_cmd
        ->add_flag("--resume", run.resume,
                   "Continue an interrupted run (killed, out of disk, a signal) from OUTPUT.partial: give the same "
                   "scenario files and options (--threads may differ); the result is identical to an uninterrupted "
                   "run. Refused, naming what differs, if OUTPUT.partial is of another run")
        ->excludes(clean_flag);

    cli::BenchOptions bench;
    bench.data_dir = cli::default_data_dir();
    auto* bench_cmd = app.add_subcommand(
        "bench", "Benchmark: all of Utrecht for 52 weeks; last line is machine-readable");
    bench_cmd->add_option("--threads", bench.threads, "Worker threads (0: all cores)")->check(CLI::Range(0, 1024));
    bench_cmd->add_option("--weeks", bench.weeks, "Weeks to simulate")->check(CLI::Range(1, 5200));
    bench_cmd->add_option("--scale", bench.scale, "Population scale")->check(CLI::Range(0.001, 1.0));
    bench_cmd->add_flag("--phases", bench.phases, "Also print the time per phase of the weekly schedule");
    bench_cmd->add_option("--runs", bench.runs,
                          "Repeat setup and loop this many times, each afresh, and report min / median / max (the phase "
                          "table is the median run's); every run must give the same results_digest")
        ->check(CLI::Range(1, 100));
    bench_cmd->add_option("--data-dir", bench.data_dir, "Directory holding cbs/ tables")->check(CLI::ExistingDirectory);

    cli::CompareOptions compare;
    auto* compare_cmd = app.add_subcommand(
        "compare", "Paired differences of every scenario in a result file from a baseline, with 95 % intervals; "
                   "also stored in the file as /comparison");
    compare_cmd->add_option("file", compare.file, "Result file (.h5) of buurtsim run with several scenarios")
        ->required()
        ->check(CLI::ExistingFile);
    compare_cmd->add_option("--baseline", compare.baseline, "Name of the baseline scenario")->required();
    std::string compare_format = "text";
    compare_cmd->add_option("--format", compare_format, "Table format (default text)")
        ->check(CLI::IsMember({"text", "csv", "markdown"}));
    compare_cmd->add_option("--weeks-from", compare.weeks_from,
                            "First week of the horizon (e.g. skip the weeks before interventions start)")
        ->check(CLI::NonNegativeNumber);
    compare_cmd->add_flag("--clean-partials", compare.clean_partials,
                          "Remove FILE.partial-* files left by an earlier compare that was killed");

    bool markdown = false, toml = false, json = false;
    auto* params_cmd = app.add_subcommand("params", "Print the parameter table (docs/PARAMETERS.md) or defaults");
    auto* md_flag = params_cmd->add_flag("--markdown", markdown, "Markdown table, as in docs/PARAMETERS.md");
    auto* toml_flag = params_cmd->add_flag("--toml", toml, "All defaults as a scenario file")->excludes(md_flag);
    params_cmd->add_flag("--json", json, "The table as JSON, plausible ranges included (for tools)")
        ->excludes(md_flag)
        ->excludes(toml_flag);

    try {
        app.parse(argc, argv);
    } catch (const CLI::ParseError& e) {
        const int rc = app.exit(e);
        return rc == 0 ? cli::ok : cli::bad_input;
    }

    try {
        int rc = cli::internal_error;
        if (*run_cmd) {
            run.command_line = join_args(argc, argv);
            rc = cli::run_command(run);
        } else if (*bench_cmd) {
            rc = cli::bench_command(bench);
        } else if (*compare_cmd) {
            compare.format = compare_format == "csv"        ? cli::TableFormat::csv
                             : compare_format == "markdown" ? cli::TableFormat::markdown
                                                            : cli::TableFormat::text;
            rc = cli::compare_command(compare);
        } else if (*params_cmd) {
            std::cout << (toml ? to_toml(default_params()) : json ? parameters_json() : parameters_markdown());
            rc = cli::ok;
        }
        check_stdout();
        return rc;
    } catch (const Error& e) {
        std::cerr << "buurtsim: error: " << e.what() << "\n";
        return cli::bad_input;
    } catch (const InternalError& e) {
        std::cerr << "buurtsim: internal error (please report): " << e.what() << "\n";
        return cli::internal_error;
    } catch (const std::exception& e) {
        std::cerr << "buurtsim: internal error (please report): " << e.what() << "\n";
        return cli::internal_error;
    }
    return cli::internal_error;
}
