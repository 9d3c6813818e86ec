// HDF5 result files written from a whole ResultSet in memory (write_results; the Python package's
// run(output=)). The root group and provenance are in io_root.cpp, shared with the streaming writer
// (result_stream.cpp, `buurtsim run`); the snapshot groups in io_snapshots.cpp, the
// parameter values in io_parameters.cpp, /comparison in
// io_comparison.cpp, the checks in result_validation.cpp, the temporary-and-rename in atomic_replace.cpp.
#include "buurtsim/io.hpp"

#include "atomic_replace.hpp"
#include "hdf5_util.hpp"
#include "io_root.hpp"
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

/** Writes the whole file at `tmp` and closes it; throws IoError on failure.
 *  Sets `created` once `tmp` exists, so the caller removes only a file it made. */
void write_file(const Writer& w, const fs::path& tmp, const ResultSet& rs, const Provenance& prov, bool& created) {
    const hsize_t n_scen = rs.scenarios.size();
    const hsize_t n_rep = rs.replicate_ids.size();
    const hsize_t n_week = rs.scenarios.front().replicates.front().weeks;
    const hsize_t n_buurt = rs.geo.buurten.size();

    Handle fcpl = detail::file_create_plist(w);
    // In memory (in_memory_plist: a full disk cannot break HDF5); `tmp` is only the file's name in the library.
    Handle fapl = detail::in_memory_plist(w);
    Handle file{w.check(H5Fcreate(tmp.c_str(), H5F_ACC_EXCL, fcpl.get(), fapl.get()),
                        "creating the file in memory"),
                H5Fclose};
    const hid_t f = file.get();

    {
        const std::vector<Handle> vars = detail::write_root(w, f, rs, n_week, prov);
        Handle space = w.simple_space({n_scen, n_rep, n_week, n_buurt});
        Handle mem_space = w.simple_space({1, 1, n_week, n_buurt});
        std::vector<std::int32_t> ints(n_week * n_buurt);
        const auto data_variables = dataset_specs(DatasetGroup::data_variable);
        for (std::size_t i = 0; i < n_indicators; ++i) {
            const std::string path = "/" + std::string(data_variables[i]->name);
            const bool integer = data_variables[i]->dtype == Dtype::int32;
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
                        st = H5Dwrite(vars[i].get(), H5T_NATIVE_INT32, mem_space.get(), space.get(), H5P_DEFAULT,
                                      ints.data());
                    } else {
                        st = H5Dwrite(vars[i].get(), H5T_NATIVE_DOUBLE, mem_space.get(), space.get(), H5P_DEFAULT,
                                      v.data());
                    }
                    w.check(st, what);
                }
        }
    }

    detail::write_provenance(w, f, prov);

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
