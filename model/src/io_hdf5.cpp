// HDF5 result files, netCDF-4 compatible (docs/FORMAT.md): the root group
// (dimensions, coordinates, scenario and data variables, each as the dataset
// spec of buurtsim/datasets.hpp defines it) and provenance. The snapshot
// groups are in io_snapshots.cpp, the parameter values in io_parameters.cpp,
// /comparison in io_comparison.cpp, the checks
// in result_validation.cpp, the temporary-and-rename in atomic_replace.cpp.
#include "buurtsim/io.hpp"

#include "atomic_replace.hpp"
#include "hdf5_util.hpp"
#include "io_parameters.hpp"
#include "io_snapshots.hpp"
#include "result_validation.hpp"

#include "buurtsim/datasets.hpp"
#include "buurtsim/error.hpp"

#include <hdf5.h>
#include <hdf5_hl.h>

#include <algorithm>
#include <cstdint>
#include <ctime>
#include <string>
#include <system_error>
#include <vector>

namespace buurtsim {

namespace {

using detail::file_access_plist;
using detail::Handle;
using detail::QuietHdf5Errors;
using detail::Writer;
namespace fs = std::filesystem;

/// Most weeks in one chunk of a data variable (five years).
constexpr hsize_t max_chunk_weeks = 260;
using detail::deflate_level;

/// Names of the dimensions, in the order of a data variable's axes.
constexpr const char* dim_scenario = "scenario";
constexpr const char* dim_replicate = "replicate";
constexpr const char* dim_week = "week";
constexpr const char* dim_buurt = "buurt";

/** Writes the whole file at `tmp` and closes it; throws IoError on failure.
 *  Sets `created` once `tmp` exists, so the caller removes only a file it made. */
void write_file(const Writer& w, const fs::path& tmp, const ResultSet& rs, const Provenance& prov, bool& created) {
    const Geography& geo = rs.geo;
    const hsize_t n_scen = rs.scenarios.size();
    const hsize_t n_rep = rs.replicate_ids.size();
    const hsize_t n_week = rs.scenarios.front().replicates.front().weeks;
    const hsize_t n_buurt = geo.buurten.size();

    Handle fcpl = w.plist(H5P_FILE_CREATE);
    w.check(H5Pset_link_creation_order(fcpl.get(), H5P_CRT_ORDER_TRACKED | H5P_CRT_ORDER_INDEXED),
            "H5Pset_link_creation_order");
    w.check(H5Pset_attr_creation_order(fcpl.get(), H5P_CRT_ORDER_TRACKED | H5P_CRT_ORDER_INDEXED),
            "H5Pset_attr_creation_order");
    // In memory (in_memory_plist: a full disk cannot break HDF5); `tmp` is only the file's name in the library.
    Handle fapl = detail::in_memory_plist(w);
    Handle file{w.check(H5Fcreate(tmp.c_str(), H5F_ACC_EXCL, fcpl.get(), fapl.get()),
                        "creating the file in memory"),
                H5Fclose};
    const hid_t f = file.get();

    // Root attributes.
    w.attr_string(f, "/", "title", "buurtsim results");
    w.attr_string(f, "/", "format_version", format_version);
    w.attr_string(f, "/", "buurtsim_version", prov.version);
    w.attr_string(f, "/", "git_commit", prov.git_commit);
    w.attr_u64(f, "/", "seed", prov.seed);

    {
        // Dimension scales (also the coordinate variables of the dimensions).
        auto spec = [](DatasetGroup g, const char* name) -> const DatasetSpec& { return dataset_spec(g, name); };
        auto dimension = [&](Handle ds, const char* name) {
            w.attributes(ds.get(), std::string("/") + name, spec(DatasetGroup::dimension, name));
            return ds;
        };
        std::vector<std::int32_t> rep_ids(rs.replicate_ids.begin(), rs.replicate_ids.end());
        Handle scen = dimension(w.index_scale(f, dim_scenario, n_scen, 0), dim_scenario);
        Handle rep = dimension(w.int_scale(f, dim_replicate, rep_ids, 1), dim_replicate);
        Handle week = dimension(w.index_scale(f, dim_week, n_week, 2), dim_week);
        Handle buurt = dimension(w.index_scale(f, dim_buurt, n_buurt, 3), dim_buurt);

        // Auxiliary coordinates along buurt and scenario.
        std::vector<std::string> buurt_code, buurt_name, wijk_code, wijk_name;
        for (const auto& b : geo.buurten) {
            buurt_code.push_back(b.code);
            buurt_name.push_back(b.name);
            wijk_code.push_back(geo.wijken[b.wijk].code);
            wijk_name.push_back(geo.wijken[b.wijk].name);
        }
        const auto C = DatasetGroup::coordinate, V = DatasetGroup::scenario_variable;
        w.strings_1d(f, "", spec(C, "buurt_code"), buurt_code, buurt.get());
        w.strings_1d(f, "", spec(C, "buurt_name"), buurt_name, buurt.get());
        w.strings_1d(f, "", spec(C, "wijk_code"), wijk_code, buurt.get());
        w.strings_1d(f, "", spec(C, "wijk_name"), wijk_name, buurt.get());
        std::vector<std::string> names, tomls, files;
        for (const ScenarioRun& run : rs.scenarios) {
            names.push_back(run.name);
            tomls.push_back(run.toml);
            std::string joined;
            for (std::size_t k = 0; k < run.files.size(); ++k) joined += (k ? "\n" : "") + run.files[k];
            files.push_back(joined);
        }
        w.strings_1d(f, "", spec(C, "scenario_name"), names, scen.get());

        // Scenario variables.
        w.strings_1d(f, "", spec(V, "scenario_toml"), tomls, scen.get());
        w.strings_1d(f, "", spec(V, "scenario_files"), files, scen.get());
        {
            std::vector<std::int8_t> targeted(n_scen * n_buurt, 0);
            for (hsize_t sc = 0; sc < n_scen; ++sc)
                for (hsize_t b = 0; b < n_buurt && b < rs.scenarios[sc].targeted.size(); ++b)
                    targeted[sc * n_buurt + b] = std::int8_t(rs.scenarios[sc].targeted[b]);
            const std::string path = "/targeted";
            Handle space = w.simple_space({n_scen, n_buurt});
            Handle dcpl = w.dataset_plist();
            Handle ds{w.check(H5Dcreate2(f, "targeted", H5T_STD_I8LE, space.get(), H5P_DEFAULT, dcpl.get(),
                                         H5P_DEFAULT),
                              "creating dataset '" + path + "'"),
                      H5Dclose};
            w.check(H5Dwrite(ds.get(), H5T_NATIVE_INT8, H5S_ALL, H5S_ALL, H5P_DEFAULT, targeted.data()),
                    "writing dataset '" + path + "'");
            w.check(H5DSattach_scale(ds.get(), scen.get(), 0), "attaching dimension scale 'scenario' to '" + path + "'");
            w.check(H5DSattach_scale(ds.get(), buurt.get(), 1), "attaching dimension scale 'buurt' to '" + path + "'");
            w.attributes(ds.get(), path, spec(V, "targeted"));
        }

        // Data variables, one per indicator, dims (scenario, replicate, week, buurt).
        const hid_t scales[4] = {scen.get(), rep.get(), week.get(), buurt.get()};
        const char* scale_names[4] = {dim_scenario, dim_replicate, dim_week, dim_buurt};
        Handle space = w.simple_space({n_scen, n_rep, n_week, n_buurt});
        Handle mem_space = w.simple_space({1, 1, n_week, n_buurt});
        std::vector<std::int32_t> ints(n_week * n_buurt);
        const auto data_variables = dataset_specs(DatasetGroup::data_variable);
        BUURTSIM_ASSERT(data_variables.size() == n_indicators);
        for (std::size_t i = 0; i < n_indicators; ++i) {
            const DatasetSpec& var = *data_variables[i];
            const std::string name(var.name);
            const std::string path = "/" + name;
            const bool integer = var.dtype == Dtype::int32;
            Handle dcpl = w.dataset_plist();
            const hsize_t chunk[4] = {1, 1, std::min(n_week, max_chunk_weeks), n_buurt};
            w.check(H5Pset_chunk(dcpl.get(), 4, chunk), "H5Pset_chunk for '" + path + "'");
            w.check(H5Pset_shuffle(dcpl.get()), "H5Pset_shuffle for '" + path + "'");
            w.check(H5Pset_deflate(dcpl.get(), deflate_level), "H5Pset_deflate for '" + path + "'");
            Handle ds{w.check(H5Dcreate2(f, name.c_str(), w.file_type(var.dtype), space.get(),
                                         H5P_DEFAULT, dcpl.get(), H5P_DEFAULT),
                              "creating dataset '" + path + "'"),
                      H5Dclose};
            for (hsize_t sc = 0; sc < n_scen; ++sc)
                for (hsize_t r = 0; r < n_rep; ++r) {
                    const std::string what = "writing scenario " + std::to_string(sc) + " replicate "
                                             + std::to_string(rs.replicate_ids[r]) + " of '" + path + "'";
                    const hsize_t start[4] = {sc, r, 0, 0};
                    const hsize_t count[4] = {1, 1, n_week, n_buurt};
                    w.check(H5Sselect_hyperslab(space.get(), H5S_SELECT_SET, start, nullptr, count, nullptr), what);
                    const auto& v = rs.scenarios[sc].replicates[r].values[i];
                    herr_t st;
                    if (integer) {
                        // validate() checked these are whole numbers in int32 range.
                        for (std::size_t k = 0; k < ints.size(); ++k) ints[k] = std::int32_t(v[k]);
                        st = H5Dwrite(ds.get(), H5T_NATIVE_INT32, mem_space.get(), space.get(), H5P_DEFAULT,
                                      ints.data());
                    } else {
                        st = H5Dwrite(ds.get(), H5T_NATIVE_DOUBLE, mem_space.get(), space.get(), H5P_DEFAULT,
                                      v.data());
                    }
                    w.check(st, what);
                }
            for (unsigned d = 0; d < 4; ++d)
                w.check(H5DSattach_scale(ds.get(), scales[d], d),
                        "attaching dimension scale '" + std::string(scale_names[d]) + "' to '" + path + "'");
            w.attributes(ds.get(), path, var);
        }

        // The parameters with a prior and the values each replicate used (io_parameters.cpp).
        detail::write_parameter_values(w, f, rs, scen.get(), rep.get(), 4);
    }

    {
        // Provenance.
        Handle g = w.group(f, "provenance", "/provenance");
        const std::string gp = "/provenance";
        std::string data_files;
        for (std::size_t k = 0; k < prov.data_files.size(); ++k)
            data_files += (k ? "\n" : "") + prov.data_files[k].sha256 + "  " + prov.data_files[k].path;
        w.attr_string(g.get(), gp, "version", prov.version);
        w.attr_string(g.get(), gp, "git_commit", prov.git_commit);
        w.attr_u64(g.get(), gp, "seed", prov.seed);
        w.attr_string(g.get(), gp, "data_files", data_files);
        w.attr_i32(g.get(), gp, "threads", prov.threads);
        w.attr_string(g.get(), gp, "host", prov.host);
        w.attr_string(g.get(), gp, "command_line", prov.command_line);
        w.attr_string(g.get(), gp, "start_time", prov.start_time);
        w.attr_string(g.get(), gp, "end_time", prov.end_time);
    }

    // Snapshots, only when there are any: scenario by scenario, replicate by replicate, weeks in order.
    detail::write_snapshots(w, f, rs);

    const std::vector<char> image = detail::file_image(w, f);
    w.check(file.close(), "closing the file in memory");
    detail::write_new_file(tmp, image.data(), image.size(), created, w.out());
}

}  // namespace

std::string utc_now_iso8601() {
    const std::time_t now = std::time(nullptr);
    std::tm tm{};
    gmtime_r(&now, &tm);
    char buf[32];
    const std::size_t n = std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
    return std::string(buf, n);
}

void write_results(const std::filesystem::path& out, const ResultSet& results, const Provenance& prov) {
    detail::validate_results(results);
    if (out.empty() || !out.has_filename())
        throw IoError("cannot write result file '" + out.string() + "': not a file name");
    const fs::path dir = out.parent_path();
    if (!dir.empty()) {
        std::error_code ec;
        if (!fs::is_directory(dir, ec))
            throw IoError("cannot write result file '" + out.string() + "': directory '" + dir.string()
                          + (fs::exists(dir, ec) ? "' is not a directory" : "' does not exist"));
    }
    // The run's inputs: the output must not replace a scenario file (or one it extends) or a data file.
    std::vector<fs::path> inputs;
    for (const ScenarioRun& run : results.scenarios)
        for (const std::string& f : run.files) inputs.emplace_back(f);
    for (const DataFileRecord& d : prov.data_files) inputs.emplace_back(d.path);
    const Writer w(out);
    QuietHdf5Errors quiet;
    detail::atomic_replace(out, inputs, [&](const fs::path& tmp, bool& created) {
        write_file(w, tmp, results, prov, created);
    });
}

}  // namespace buurtsim
