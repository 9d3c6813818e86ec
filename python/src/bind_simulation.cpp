// Running: the CBS table, one Simulation (one replicate, step by step), and
// run_batch (every scenario x replicate on TBB, as `buurtsim run` does).
// Long calls release the GIL; Ctrl-C (KeyboardInterrupt) is checked between
// weeks, and a stop signal while a file is written removes its temporary
// (CleanupOnSignal). Indicators leave as numpy arrays that view the C++ vectors (no
// copy, bind_results.cpp); the array's base keeps the owning object alive.
#include "bind.hpp"

#include "buurtsim/batch.hpp"
#include "buurtsim/cbs_data.hpp"
#include "buurtsim/error.hpp"
#include "buurtsim/io.hpp"
#include "buurtsim/population.hpp"
#include "buurtsim/scenario.hpp"
#include "buurtsim/simulation.hpp"
#include "buurtsim/version.hpp"

#include <pybind11/numpy.h>
#include <pybind11/stl.h>
#include <pybind11/stl/filesystem.h>

#include <signal.h>
#include <unistd.h>

#include <array>
#include <atomic>
#include <chrono>
#include <cstring>
#include <filesystem>
#include <limits>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

namespace buurtsim::python {
namespace {

namespace fs = std::filesystem;
using namespace pybind11::literals;

py::dict geography_dict(const Geography& geo) {
    std::vector<std::string> code, name, wcode, wname;
    for (const Buurt& b : geo.buurten) {
        code.push_back(b.code);
        name.push_back(b.name);
        wcode.push_back(geo.wijken.at(b.wijk).code);
        wname.push_back(geo.wijken.at(b.wijk).name);
    }
    return py::dict("buurt_code"_a = code, "buurt_name"_a = name, "wijk_code"_a = wcode, "wijk_name"_a = wname);
}

// ---------------------------------------------------------------- interruption

struct Interrupted : std::exception {
    const char* what() const noexcept override { return "interrupted"; }
};

/// Checks for Ctrl-C while the GIL is released: on the calling thread, at most
/// every 50 ms, it takes the GIL and runs Python's signal handlers. A raised
/// exception (KeyboardInterrupt) is kept, every job stops at its next week, and
/// rethrow() raises it once the GIL is back.
class SignalWatch {
public:
    SignalWatch() : caller_(std::this_thread::get_id()) {}
    void check() {
        if (stop_.load(std::memory_order_relaxed)) throw Interrupted();
        if (std::this_thread::get_id() != caller_) return;
        const auto now = std::chrono::steady_clock::now();
        if (now - last_ < std::chrono::milliseconds(50)) return;
        last_ = now;
        py::gil_scoped_acquire gil;
        if (PyErr_CheckSignals() != 0) {
            error_.emplace();  // fetches the Python error
            stop_ = true;
            throw Interrupted();
        }
    }
    /// Call with the GIL held.
    [[noreturn]] void rethrow() {
        if (error_) throw py::error_already_set(*error_);
        throw InternalError("interrupted without a Python exception");
    }

private:
    std::thread::id caller_;
    std::chrono::steady_clock::time_point last_{};
    std::atomic<bool> stop_{false};
    std::optional<py::error_already_set> error_;
};

/// Simulation::run, checking for Ctrl-C after every week, burn-in weeks included
/// (the same steps, so the same results).
void run_checked(Simulation& sim, SignalWatch& watch) {
    const auto weeks = std::uint32_t(sim.params().run.weeks);
    while (sim.week() < weeks) {
        sim.step();
        watch.check();
    }
}

// ---------------------------------------------------------------- signals while writing

constexpr std::array<int, 3> stop_signals{SIGINT, SIGTERM, SIGHUP};

// The actions the stop signals had before the first CleanupOnSignal; read by the handler, written only while
// it is not installed (under g_cleanup_mutex).
std::array<struct sigaction, stop_signals.size()> g_previous{};
std::array<bool, stop_signals.size()> g_installed{};
std::mutex g_cleanup_mutex;
int g_cleanup_users = 0;

extern "C" void remove_partials_then_previous(int sig, siginfo_t* info, void* context) {
    remove_partial_files_now();  // async-signal-safe, as is everything below
    std::size_t k = 0;
    while (k + 1 < stop_signals.size() && stop_signals[k] != sig) ++k;
    const struct sigaction& before = g_previous[k];
    if ((before.sa_flags & SA_SIGINFO) != 0) {
        before.sa_sigaction(sig, info, context);  // Python's own handler, or the program's
    } else if (before.sa_handler != SIG_DFL) {
        before.sa_handler(sig);  // e.g. Python's: KeyboardInterrupt, or a signal.signal() handler, once the write returns
    } else {
        const char* msg = sig == SIGINT    ? "buurtsim: interrupted (SIGINT) while writing; no partial file left\n"
                          : sig == SIGTERM ? "buurtsim: terminated (SIGTERM) while writing; no partial file left\n"
                                           : "buurtsim: hangup (SIGHUP) while writing; no partial file left\n";
        (void)!::write(STDERR_FILENO, msg, std::strlen(msg));
        // End by the same signal, as the default action would have: blocked while this handler runs, it is
        // delivered with the default action as the handler returns.
        ::signal(sig, SIG_DFL);
        ::raise(sig);
    }
}

/// While a file is written (GIL released or not), SIGINT, SIGTERM and SIGHUP first remove its temporary, which
/// also stops the write (remove_partial_files_now), then do what they did before: end the process (Python's
/// default for SIGTERM and SIGHUP: it still ends by that signal, a shell shows 128 + N), or run Python's
/// handler (SIGINT: KeyboardInterrupt). Either way no partial file is left and the old output stays (README
/// "Signals and exit codes"). An ignored signal stays ignored. Nested and concurrent writes share one
/// installation.
class CleanupOnSignal {
public:
    CleanupOnSignal() {
        const std::lock_guard<std::mutex> lock(g_cleanup_mutex);
        if (g_cleanup_users++ > 0) return;
        for (std::size_t k = 0; k < stop_signals.size(); ++k) {
            g_installed[k] = false;
            if (::sigaction(stop_signals[k], nullptr, &g_previous[k]) != 0) continue;
            if ((g_previous[k].sa_flags & SA_SIGINFO) == 0 && g_previous[k].sa_handler == SIG_IGN) continue;
            struct sigaction sa{};
            sa.sa_sigaction = remove_partials_then_previous;
            sigemptyset(&sa.sa_mask);
            for (int s : stop_signals) sigaddset(&sa.sa_mask, s);  // one handler at a time
            sa.sa_flags = SA_SIGINFO | (g_previous[k].sa_flags & SA_ONSTACK);
            g_installed[k] = ::sigaction(stop_signals[k], &sa, nullptr) == 0;
        }
    }
    CleanupOnSignal(const CleanupOnSignal&) = delete;
    CleanupOnSignal& operator=(const CleanupOnSignal&) = delete;
    ~CleanupOnSignal() {
        const std::lock_guard<std::mutex> lock(g_cleanup_mutex);
        if (--g_cleanup_users > 0) return;
        for (std::size_t k = 0; k < stop_signals.size(); ++k)
            if (g_installed[k]) ::sigaction(stop_signals[k], &g_previous[k], nullptr);
    }
};

/// write_results for Python: a signal Python handles (Ctrl-C) that stopped the write raises its exception
/// (KeyboardInterrupt), not the IoError saying the write stopped.
void write_results_checked(const fs::path& out, const ResultSet& results, const Provenance& prov) {
    const CleanupOnSignal signals;
    try {
        py::gil_scoped_release nogil;
        write_results(out, results, prov);
    } catch (const Error&) {
        if (PyErr_CheckSignals() != 0) throw py::error_already_set();
        throw;
    }
}

/// _core.TemporaryFile(out), a context manager for the Python writers (output_files.write_text): its name is
/// a fresh TemporaryName and, until __exit__, stop signals remove it (CleanupOnSignal).
class TemporaryFile {
public:
    explicit TemporaryFile(const fs::path& out) : name_(std::in_place, out), signals_(std::in_place) {}
    fs::path path() const {
        if (!name_) throw InternalError("TemporaryFile used after its with-block");
        return name_->path();
    }
    void close() {
        signals_.reset();
        name_.reset();
    }

private:
    std::optional<TemporaryName> name_;
    std::optional<CleanupOnSignal> signals_;
};

std::uint32_t replicate_index(std::int64_t k) {
    if (k < 0 || k > std::int64_t(std::numeric_limits<std::uint32_t>::max()))
        throw py::value_error("replicate must be an index >= 0, got " + std::to_string(k));
    return std::uint32_t(k);
}

// ---------------------------------------------------------------- a batch of runs

/// What `buurtsim run` writes: every scenario x replicate, and the provenance.
using Batch = BatchResult;

/// buurtsim::run_batch with the GIL released and Ctrl-C checked between weeks.
Batch run_batch_checked(const std::vector<Scenario>& scenarios, const CbsTable& data,
                        const std::vector<std::int64_t>& replicates, int threads, const std::string& command_line) {
    if (scenarios.empty()) throw py::value_error("run_batch needs at least one scenario");
    if (replicates.empty()) throw py::value_error("run_batch needs at least one replicate index");
    if (threads < 0) throw py::value_error("threads must be >= 0 (0: all cores), got " + std::to_string(threads));
    std::vector<std::uint32_t> ids;
    for (auto k : replicates) ids.push_back(replicate_index(k));

    SignalWatch watch;
    try {
        py::gil_scoped_release nogil;
        return run_batch(scenarios, data, ids, threads, command_line, [&](const BatchProgress&) { watch.check(); });
    } catch (const Interrupted&) {
        watch.rethrow();  // the GIL is held again
    }
}

Batch& as_batch(py::handle self) { return self.cast<Batch&>(); }

const ScenarioRun& scenario_at(const Batch& b, std::int64_t s) {
    if (s < 0 || std::size_t(s) >= b.results.scenarios.size())
        throw py::index_error("scenario position " + std::to_string(s) + " out of range (0-"
                              + std::to_string(b.results.scenarios.size() - 1) + ")");
    return b.results.scenarios[std::size_t(s)];
}

const Results& results_at(const Batch& b, std::int64_t s, std::int64_t j) {
    const ScenarioRun& run = scenario_at(b, s);
    if (j < 0 || std::size_t(j) >= run.replicates.size())
        throw py::index_error("replicate position " + std::to_string(j) + " out of range (0-"
                              + std::to_string(run.replicates.size() - 1) + ")");
    return run.replicates[std::size_t(j)];
}

}  // namespace

void bind_simulation(py::module_& m) {
    py::class_<CbsTable>(m, "CbsTable", "A CBS Kerncijfers wijken en buurten table (data/cbs/*.csv).")
        .def_static(
            "read_csv",
            [](const fs::path& path) {
                py::gil_scoped_release nogil;
                return CbsTable::read_csv(path);
            },
            "path"_a, "Read a CBS CSV extract. Raises buurtsim.DataError naming file, line and column.")
        .def_property_readonly("path", [](const CbsTable& t) { return t.path().string(); })
        .def_property_readonly("sha256", &CbsTable::sha256)
        .def_property_readonly("rows", [](const CbsTable& t) { return t.rows().size(); });

    m.def(
        "geography",
        [](const CbsTable& t, const Scenario& sc) { return geography_dict(select_geography(t, sc.params.population)); },
        "table"_a, "scenario"_a,
        "The buurten a scenario simulates: {buurt_code, buurt_name, wijk_code, wijk_name} lists in CBS order.");

    py::class_<Simulation>(m, "Simulation", R"doc(
One replicate of one scenario, step by step.

Simulation(scenario, table, replicate) builds the synthetic population and
network (GIL released); step() advances a week, run() to the horizon (GIL
released, Ctrl-C stops it between weeks). indicators() returns read-only
numpy arrays (weeks, buurten) that view the simulation's own memory: they
keep the simulation alive and show later weeks as they are simulated.
)doc")
        .def(py::init([](const Scenario& sc, const CbsTable& table, std::int64_t replicate) {
                 const std::uint32_t k = replicate_index(replicate);
                 py::gil_scoped_release nogil;
                 return std::make_unique<Simulation>(params_for_replicate(sc, k), table, k);
             }),
             "scenario"_a, "table"_a, "replicate"_a = 0)
        .def(
            "step",
            [](Simulation& sim) {
                py::gil_scoped_release nogil;
                sim.step();
            },
            "Advance one model week. The first run.burn_in_weeks steps are burn-in: `week` counts recorded "
            "weeks only. Raises InternalError at the horizon.")
        .def(
            "run",
            [](Simulation& sim) {
                SignalWatch watch;
                try {
                    py::gil_scoped_release nogil;
                    run_checked(sim, watch);
                } catch (const Interrupted&) {
                    watch.rethrow();
                }
            },
            "Run to run.weeks.")
        .def_property_readonly("week", &Simulation::week, "Recorded weeks done.")
        .def_property_readonly("weeks", [](const Simulation& s) { return s.params().run.weeks; })
        .def_property_readonly("residents", [](const Simulation& s) { return s.population().size(); })
        .def_property_readonly("geography", [](const Simulation& s) { return geography_dict(s.population().geo); })
        .def(
            "indicators", [](py::object self) { return indicator_views(self.cast<Simulation&>().results(), self); },
            "{name: read-only float64 array (weeks, buurten)}, views of the simulation's results (weeks not yet "
            "simulated are 0).")
        .def_property_readonly(
            "targeted",
            [](py::object self) {
                const auto& t = self.cast<Simulation&>().results().targeted;
                return view(t, {py::ssize_t(t.size())}, self);
            },
            "uint8 per buurt: 1 if an intervention of the scenario targets it.")
        .def(
            "snapshots", [](py::object self) { return snapshot_views(self.cast<Simulation&>().results(), self); },
            "Snapshots taken so far (output.snapshot_weeks): a list of dicts of read-only arrays.")
        .def_property_readonly_static(
            "phase_names",
            [](py::object) {
                std::vector<std::string> out;
                for (std::string_view n : Simulation::phase_names()) out.emplace_back(n);
                return out;
            },
            "Names of the weekly phases, in the order step() runs them.")
        .def("phase_seconds", &Simulation::phase_seconds,
             "Wall-clock seconds spent in each phase so far (burn-in included), in phase_names order.");

    py::class_<Batch>(m, "Batch", "Every scenario x replicate of one run_batch call, with its provenance.")
        .def_property_readonly("scenario_names",
                               [](const Batch& b) {
                                   std::vector<std::string> out;
                                   for (const auto& s : b.results.scenarios) out.push_back(s.name);
                                   return out;
                               })
        .def_property_readonly("replicate_ids", [](const Batch& b) { return b.results.replicate_ids; })
        .def_property_readonly("geography", [](const Batch& b) { return geography_dict(b.results.geo); })
        .def_property_readonly("provenance",
                               [](const Batch& b) {
                                   std::string files;
                                   for (const auto& f : b.provenance.data_files)
                                       files += (files.empty() ? "" : "\n") + f.sha256 + "  " + f.path;
                                   return py::dict("version"_a = b.provenance.version, "git_commit"_a = b.provenance.git_commit,
                                                   "seed"_a = b.provenance.seed, "data_files"_a = files,
                                                   "threads"_a = b.provenance.threads, "host"_a = b.provenance.host,
                                                   "command_line"_a = b.provenance.command_line,
                                                   "start_time"_a = b.provenance.start_time, "end_time"_a = b.provenance.end_time, "resumed"_a = b.provenance.resumed);
                               })
        .def_property_readonly("parameters", [](const Batch& b) { return b.results.parameters; },
                               "Names of the parameters with a prior in any scenario (empty: no priors).")
        .def(
            "parameter_values", [](const Batch& b, std::int64_t s) { return scenario_at(b, s).parameter_values; },
            "scenario"_a, "[replicate position][parameter]: the values each replicate used (parameters order).")
        .def("scenario_toml", [](const Batch& b, std::int64_t s) { return scenario_at(b, s).toml; }, "scenario"_a)
        .def("scenario_files", [](const Batch& b, std::int64_t s) { return scenario_at(b, s).files; }, "scenario"_a)
        .def(
            "indicators",
            [](py::object self, std::int64_t s, std::int64_t j) { return indicator_views(results_at(as_batch(self), s, j), self); },
            "scenario"_a, "replicate"_a,
            "{name: read-only float64 array (weeks, buurten)} of scenario position s, replicate position j (views).")
        .def(
            "targeted",
            [](py::object self, std::int64_t s) {
                const auto& t = scenario_at(as_batch(self), s).targeted;
                return view(t, {py::ssize_t(t.size())}, self);
            },
            "scenario"_a)
        .def(
            "snapshots",
            [](py::object self, std::int64_t s, std::int64_t j) { return snapshot_views(results_at(as_batch(self), s, j), self); },
            "scenario"_a, "replicate"_a)
        .def(
            "write",
            [](const Batch& b, const fs::path& out) { write_results_checked(out, b.results, b.provenance); },
            "path"_a, "Write the result file buurtsim run would write (atomically; docs/FORMAT.md).");

    m.def("run_batch", &run_batch_checked, "scenarios"_a, "table"_a, "replicates"_a, "threads"_a = 0,
          "command_line"_a = std::string("python: buurtsim.run"),
          R"doc(
Run every scenario x replicate index, as `buurtsim run` does (common random
numbers: replicate k of each scenario is keyed by (run.seed, k)). The
scenarios must agree on run.* and population.* (checked by buurtsim.run).
threads = 0 uses every core; results do not depend on it. The GIL is
released; Ctrl-C stops the run between weeks.
)doc");

    m.def(
        "check_result_file",
        [](const fs::path& path) {
            py::gil_scoped_release nogil;
            (void)read_results(path, {Indicator::residents});
        },
        "path"_a,
        "Raise buurtsim.IoError (the message of buurtsim compare) unless `path` is a result file this version reads.");

    m.def(
        "check_output_target",
        [](const fs::path& path, const std::vector<fs::path>& inputs) { check_output_target(path, inputs); },
        "path"_a, "inputs"_a = std::vector<fs::path>{},
        "Raise buurtsim.IoError unless `path` is a new name or a regular file that is none of `inputs` "
        "(the rule of buurtsim run -o).");
    m.def("find_partial_files", &find_partial_files, "path"_a,
          "Files beside `path` named like its temporary files (PATH.partial-*), left by a process that was killed.");
    m.def("partial_prefix", &partial_prefix, "path"_a, "The start of the name of every temporary file for `path`.");
    py::class_<TemporaryFile>(m, "TemporaryFile", R"doc(
with TemporaryFile(out) as tmp: a fresh temporary name beside `out` (PATH.partial- and 16 random
characters; create it with O_CREAT | O_EXCL | O_NOFOLLOW). Until the block ends, SIGINT, SIGTERM and
SIGHUP remove it first, then act as before (end the process; KeyboardInterrupt).
)doc")
        .def(py::init<const fs::path&>(), "out"_a)
        .def("__enter__", [](TemporaryFile& t) { return t.path().string(); })
        .def("__exit__", [](TemporaryFile& t, const py::args&) { t.close(); });
}

}  // namespace buurtsim::python
