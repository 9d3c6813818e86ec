// The parameter values of a result file (io_parameters.hpp): what each (scenario, replicate) used of the
// parameters that have a prior anywhere in the file.
#include "io_parameters.hpp"

#include "buurtsim/datasets.hpp"
#include "buurtsim/error.hpp"
#include "buurtsim/params.hpp"

#include <cmath>
#include <string>
#include <vector>

namespace buurtsim::detail {

namespace {

constexpr const char* dim_parameter = "parameter";
constexpr const char* var_values = "parameter_values";

const ParamSpec* find(const std::string& name) {
    for (const ParamSpec& s : param_table())
        if (s.name == name) return s.type() == ParamType::real ? &s : nullptr;
    return nullptr;
}

}  // namespace

void validate_parameter_values(const ResultSet& rs) {
    for (std::size_t k = 0; k < rs.parameters.size(); ++k) {
        if (rs.parameters[k].empty()) throw InternalError("write_results: parameter " + std::to_string(k) + " has no name");
        for (std::size_t j = 0; j < k; ++j)
            if (rs.parameters[j] == rs.parameters[k])
                throw InternalError("write_results: parameter " + rs.parameters[k] + " is listed twice");
    }
    for (const ScenarioRun& run : rs.scenarios) {
        const std::string scen = "write_results: scenario '" + run.name + "'";
        if (rs.parameters.empty()) {
            if (!run.parameter_values.empty()) throw InternalError(scen + " has parameter values but no parameters");
            continue;
        }
        if (run.parameter_values.size() != rs.replicate_ids.size())
            throw InternalError(scen + " has parameter values of " + std::to_string(run.parameter_values.size())
                                + " replicates, expected " + std::to_string(rs.replicate_ids.size()));
        for (std::size_t r = 0; r < run.parameter_values.size(); ++r) {
            const auto& v = run.parameter_values[r];
            if (v.size() != rs.parameters.size())
                throw InternalError(scen + " replicate " + std::to_string(rs.replicate_ids[r]) + " has "
                                    + std::to_string(v.size()) + " parameter values, expected "
                                    + std::to_string(rs.parameters.size()));
            for (std::size_t k = 0; k < v.size(); ++k) {
                const ParamSpec* spec = find(rs.parameters[k]);
                const bool in_bounds = spec && (spec->min_exclusive ? v[k] > spec->min : v[k] >= spec->min)
                                       && v[k] <= spec->max;
                if (!std::isfinite(v[k]) || !in_bounds)
                    throw InternalError(scen + " replicate " + std::to_string(rs.replicate_ids[r]) + " parameter "
                                        + rs.parameters[k] + " has the value " + std::to_string(v[k])
                                        + (spec ? ", outside its bounds" : ", and it is not a parameter"));
            }
        }
    }
}

void write_parameter_values(const Writer& w, hid_t f, const ResultSet& rs, hid_t scenario_scale,
                            hid_t replicate_scale, std::int32_t dimid) {
    if (rs.parameters.empty()) return;
    const auto P = DatasetGroup::parameter;
    const hsize_t n_scen = rs.scenarios.size(), n_rep = rs.replicate_ids.size(), n_par = rs.parameters.size();

    // The dimension scale holds the names themselves: a string coordinate, so ds.sel(parameter="...") works.
    const std::string dim_path = std::string("/") + dim_parameter;
    Handle type = w.utf8_string_type();
    Handle space = w.simple_space({n_par});
    Handle dcpl = w.dataset_plist();
    Handle dim{w.check(H5Dcreate2(f, dim_parameter, type.get(), space.get(), H5P_DEFAULT, dcpl.get(), H5P_DEFAULT),
                       "creating dataset '" + dim_path + "'"),
               H5Dclose};
    std::vector<const char*> names;
    for (const std::string& n : rs.parameters) names.push_back(n.c_str());
    w.check(H5Dwrite(dim.get(), type.get(), H5S_ALL, H5S_ALL, H5P_DEFAULT, names.data()), "writing dataset '" + dim_path + "'");
    w.check(H5DSset_scale(dim.get(), dim_parameter), "making '" + dim_path + "' a dimension scale");
    w.attr_i32(dim.get(), dim_path, "_Netcdf4Dimid", dimid);
    w.attributes(dim.get(), dim_path, dataset_spec(P, dim_parameter));

    std::vector<double> values;
    values.reserve(n_scen * n_rep * n_par);
    for (const ScenarioRun& run : rs.scenarios)
        for (const auto& rep : run.parameter_values) values.insert(values.end(), rep.begin(), rep.end());
    const std::string path = std::string("/") + var_values;
    Handle vspace = w.simple_space({n_scen, n_rep, n_par});
    Handle vdcpl = w.dataset_plist();
    Handle ds{w.check(H5Dcreate2(f, var_values, H5T_IEEE_F64LE, vspace.get(), H5P_DEFAULT, vdcpl.get(), H5P_DEFAULT),
                      "creating dataset '" + path + "'"),
              H5Dclose};
    w.check(H5Dwrite(ds.get(), H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, values.data()), "writing dataset '" + path + "'");
    const hid_t scales[3] = {scenario_scale, replicate_scale, dim.get()};
    const char* scale_names[3] = {"scenario", "replicate", dim_parameter};
    for (unsigned d = 0; d < 3; ++d)
        w.check(H5DSattach_scale(ds.get(), scales[d], d),
                "attaching dimension scale '" + std::string(scale_names[d]) + "' to '" + path + "'");
    w.attributes(ds.get(), path, dataset_spec(P, var_values));
}

void read_parameter_values(hid_t f, const std::filesystem::path& in, ResultSet& rs) {
    auto fail = [&](const std::string& what) -> IoError {
        const std::string cause = hdf5_cause();
        return IoError("cannot read result file '" + in.string() + "': " + what
                       + (cause.empty() ? std::string() : " (HDF5: " + cause + ")"));
    };
    const htri_t has_dim = H5Lexists(f, dim_parameter, H5P_DEFAULT), has_var = H5Lexists(f, var_values, H5P_DEFAULT);
    if (has_dim < 0 || has_var < 0) throw fail("looking up '/parameter' and '/parameter_values'");
    if (has_dim == 0 && has_var == 0) return;  // no priors, or a file of format 3.0
    if (has_dim == 0 || has_var == 0)
        throw fail(std::string("it has '/") + (has_dim ? dim_parameter : var_values) + "' but not '/"
                   + (has_dim ? var_values : dim_parameter) + "' (docs/FORMAT.md: both or neither)");

    auto open = [&](const char* name) {
        const hid_t id = H5Dopen2(f, name, H5P_DEFAULT);
        if (id < 0) throw fail("opening dataset '/" + std::string(name) + "'");
        return Handle{id, H5Dclose};
    };
    auto shape = [&](hid_t ds, const char* name) {
        Handle space{H5Dget_space(ds), H5Sclose};
        const int rank = space.get() < 0 ? -1 : H5Sget_simple_extent_ndims(space.get());
        if (rank < 0) throw fail("reading the shape of '/" + std::string(name) + "'");
        std::vector<hsize_t> d(std::size_t(rank), 0);
        if (rank > 0) H5Sget_simple_extent_dims(space.get(), d.data(), nullptr);
        return d;
    };

    Handle dim = open(dim_parameter);
    const auto dshape = shape(dim.get(), dim_parameter);
    if (dshape.size() != 1 || dshape[0] == 0 || dshape[0] > max_read_parameters)
        throw fail("'/parameter' must be 1-D with 1 to " + std::to_string(max_read_parameters) + " names");
    const hsize_t n_par = dshape[0];
    {
        Handle ftype{H5Dget_type(dim.get()), H5Tclose};
        if (ftype.get() < 0 || H5Tget_class(ftype.get()) != H5T_STRING || H5Tis_variable_str(ftype.get()) <= 0)
            throw fail("'/parameter' is not a variable-length string dataset");
        Handle mtype{H5Tcopy(H5T_C_S1), H5Tclose};
        H5Tset_size(mtype.get(), H5T_VARIABLE);
        H5Tset_cset(mtype.get(), H5Tget_cset(ftype.get()));
        std::vector<char*> p(n_par, nullptr);
        if (H5Dread(dim.get(), mtype.get(), H5S_ALL, H5S_ALL, H5P_DEFAULT, p.data()) < 0) throw fail("reading '/parameter'");
        for (char* s : p) rs.parameters.emplace_back(s ? s : "");
        Handle space{H5Dget_space(dim.get()), H5Sclose};
        H5Dvlen_reclaim(mtype.get(), space.get(), H5P_DEFAULT, p.data());
    }
    for (std::size_t k = 0; k < rs.parameters.size(); ++k)
        for (std::size_t j = 0; j < k; ++j)
            if (rs.parameters[j] == rs.parameters[k])
                throw fail("parameter \"" + rs.parameters[k] + "\" appears twice in '/parameter' (docs/FORMAT.md: unique)");

    Handle ds = open(var_values);
    const hsize_t n_scen = rs.scenarios.size(), n_rep = rs.replicate_ids.size();
    if (n_scen * n_rep * n_par > max_read_values)  // each factor is bounded: no overflow
        throw fail("'/parameter_values' would hold more than the " + std::to_string(max_read_values)
                   + " values buurtsim reads at once (docs/FORMAT.md, Read checks)");
    if (shape(ds.get(), var_values) != std::vector<hsize_t>{n_scen, n_rep, n_par})
        throw fail("'/parameter_values' does not have the shape (scenario, replicate, parameter) = ("
                   + std::to_string(n_scen) + ", " + std::to_string(n_rep) + ", " + std::to_string(n_par) + ")");
    {
        Handle ftype{H5Dget_type(ds.get()), H5Tclose};
        if (ftype.get() < 0 || H5Tget_class(ftype.get()) != H5T_FLOAT) throw fail("'/parameter_values' is not of dtype float64");
    }
    std::vector<double> all(n_scen * n_rep * n_par);
    if (H5Dread(ds.get(), H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, all.data()) < 0)
        throw fail("reading '/parameter_values'");
    for (hsize_t s = 0; s < n_scen; ++s) {
        auto& run = rs.scenarios[s].parameter_values;
        run.resize(n_rep);
        for (hsize_t r = 0; r < n_rep; ++r) {
            const auto first = all.begin() + std::ptrdiff_t((s * n_rep + r) * n_par);
            run[r].assign(first, first + std::ptrdiff_t(n_par));
        }
    }
}

}  // namespace buurtsim::detail
