// The /comparison group of `buurtsim compare` (docs/FORMAT.md "Comparison
// group"), added to an existing result file atomically. Its columns are the
// comparison datasets of the dataset spec, in spec order.
#include "atomic_replace.hpp"
#include "hdf5_util.hpp"

#include "buurtsim/compare.hpp"
#include "buurtsim/datasets.hpp"
#include "buurtsim/error.hpp"
#include "buurtsim/io.hpp"

#include <cstdint>
#include <string>
#include <system_error>
#include <vector>

namespace buurtsim {

namespace {

using detail::Handle;
using detail::QuietHdf5Errors;
using detail::Writer;
namespace fs = std::filesystem;

/// The group of `buurtsim compare` and its dimension.
constexpr const char* comparison_group = "comparison";
constexpr const char* dim_row = "row";

/** Largest _Netcdf4Dimid of any dataset in the file, -1 if none: a new
 *  dimension takes the next id, so ids stay unique in the file. */
std::int32_t max_netcdf_dimid(hid_t file) {
    std::int32_t best = -1;
    H5Ovisit(
        file, H5_INDEX_NAME, H5_ITER_INC,
        [](hid_t obj, const char* name, const H5O_info_t* info, void* data) -> herr_t {
            if (info->type != H5O_TYPE_DATASET) return 0;
            if (H5Aexists_by_name(obj, name, "_Netcdf4Dimid", H5P_DEFAULT) <= 0) return 0;
            Handle a{H5Aopen_by_name(obj, name, "_Netcdf4Dimid", H5P_DEFAULT, H5P_DEFAULT), H5Aclose};
            std::int32_t v = -1;
            if (a.get() >= 0 && H5Aread(a.get(), H5T_NATIVE_INT32, &v) >= 0) {
                auto& b = *static_cast<std::int32_t*>(data);
                b = std::max(b, v);
            }
            return 0;
        },
        &best);
    return best;
}

/** Writes /comparison into the open file `f` (replacing an old one). */
void write_comparison_group(const Writer& w, hid_t f, const Comparison& c) {
    const std::string gp = std::string("/") + comparison_group;
    if (w.check(H5Lexists(f, comparison_group, H5P_DEFAULT), "looking up '" + gp + "'") > 0)
        w.check(H5Ldelete(f, comparison_group, H5P_DEFAULT), "deleting the old '" + gp + "'");
    const std::int32_t dimid = max_netcdf_dimid(f) + 1;
    Handle g = w.group(f, comparison_group, gp);
    w.attr_string(g.get(), gp, "baseline", c.baseline);
    w.attr_i32(g.get(), gp, "weeks_from", std::int32_t(c.weeks_from));
    w.attr_i32(g.get(), gp, "weeks_to", std::int32_t(c.weeks - 1));
    {
        std::vector<std::int32_t> ids(c.replicate_ids.begin(), c.replicate_ids.end());
        w.attr_array(g.get(), gp, "replicate_ids", H5T_STD_I32LE, H5T_NATIVE_INT32, ids.data(), ids.size());
    }
    w.attr_f64(g.get(), gp, "confidence", c.confidence);
    {
        std::string names;  // the parameters with priors, one per line: empty without priors
        for (std::size_t k = 0; k < c.parameters.size(); ++k) names += (k ? "\n" : "") + c.parameters[k];
        w.attr_string(g.get(), gp, "parameters_with_priors", names);
    }
    w.attr_string(g.get(), gp, "buurtsim_version", c.version);
    w.attr_string(g.get(), gp, "created", c.created);

    Handle row = w.index_scale(g.get(), dim_row, c.rows.size(), dimid, gp);
    w.attributes(row.get(), gp + "/" + dim_row, dataset_spec(DatasetGroup::comparison, dim_row));
    // The columns, in spec order.
    auto column = [&]<class T>(const DatasetSpec& spec, T) {
        std::vector<T> v;
        for (const auto& r : c.rows) v.push_back(std::get<T>(comparison_column(r, spec.name)));
        return v;
    };
    for (const DatasetSpec* spec : dataset_specs(DatasetGroup::comparison)) {
        if (spec->name == dim_row) continue;
        switch (spec->dtype) {
            case Dtype::string: w.strings_1d(g.get(), gp, *spec, column(*spec, std::string()), row.get()); break;
            case Dtype::int32: w.variable_1d(g.get(), gp, *spec, column(*spec, std::int32_t()), row.get()); break;
            case Dtype::float64: w.variable_1d(g.get(), gp, *spec, column(*spec, double()), row.get()); break;
            default: throw InternalError("write_comparison: no column type for " + std::string(spec->name));
        }
    }
}

}  // namespace

void write_comparison(const std::filesystem::path& file, const Comparison& comparison) {
    // Checks the file exists, is a buurtsim result and has our major version.
    const std::string version = read_format_version(file);
    const std::string ours = format_version;
    if (version.substr(0, version.find('.')) != ours.substr(0, ours.find('.')))
        throw IoError("cannot add a comparison to '" + file.string() + "': it has format_version " + version
                      + "; this buurtsim writes " + format_version);
    const Writer w(file);
    QuietHdf5Errors quiet;
    // The file is both the input and the target here, so no inputs to protect. It is opened as an image in
    // memory (in_memory_plist), changed there and written to the temporary, so HDF5 never writes to disk.
    detail::atomic_replace(file, {}, [&](const fs::path& tmp, bool& created) {
        std::vector<char> before = detail::read_whole_file(file, file);
        std::vector<char> after;
        {
            Handle fapl = detail::in_memory_plist(w, &before);
            Handle f{w.check(H5Fopen(tmp.c_str(), H5F_ACC_RDWR, fapl.get()), "opening it in memory"), H5Fclose};
            write_comparison_group(w, f.get(), comparison);
            after = detail::file_image(w, f.get());
            w.check(f.close(), "closing the file in memory");
        }
        detail::write_new_file(tmp, after.data(), after.size(), created, file);
    });
}

}  // namespace buurtsim
