// The root group and /provenance of a result file (io_root.hpp; layout in docs/FORMAT.md).
#include "io_root.hpp"

#include "io_parameters.hpp"

#include "buurtsim/datasets.hpp"

#include <hdf5.h>
#include <hdf5_hl.h>

#include <algorithm>
#include <cstdint>
#include <string>

namespace buurtsim::detail {

namespace {

/// Names of the dimensions, in the order of a data variable's axes.
constexpr const char* dim_scenario = "scenario";
constexpr const char* dim_replicate = "replicate";
constexpr const char* dim_week = "week";
constexpr const char* dim_buurt = "buurt";

}  // namespace

Handle file_create_plist(const Writer& w) {
    Handle fcpl = w.plist(H5P_FILE_CREATE);
    w.check(H5Pset_link_creation_order(fcpl.get(), H5P_CRT_ORDER_TRACKED | H5P_CRT_ORDER_INDEXED),
            "H5Pset_link_creation_order");
    w.check(H5Pset_attr_creation_order(fcpl.get(), H5P_CRT_ORDER_TRACKED | H5P_CRT_ORDER_INDEXED),
            "H5Pset_attr_creation_order");
    return fcpl;
}

std::vector<Handle> write_root(const Writer& w, hid_t f, const ResultSet& rs, hsize_t n_week,
                               const Provenance& prov) {
    const Geography& geo = rs.geo;
    const hsize_t n_scen = rs.scenarios.size();
    const hsize_t n_rep = rs.replicate_ids.size();
    const hsize_t n_buurt = geo.buurten.size();

    // Root attributes (provenance's version, commit and seed are repeated here for a quick look).
    w.attr_string(f, "/", "title", "buurtsim results");
    w.attr_string(f, "/", "format_version", format_version);
    w.attr_string(f, "/", "buurtsim_version", prov.version);
    w.attr_string(f, "/", "git_commit", prov.git_commit);
    w.attr_u64(f, "/", "seed", prov.seed);
    std::vector<Handle> vars;
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

        // Data variables, one per indicator, dims (scenario, replicate, week, buurt): one chunk per scenario,
        // replicate and up to five years, so a finished replicate is whole chunks (the streaming writer's unit).
        const hid_t scales[4] = {scen.get(), rep.get(), week.get(), buurt.get()};
        const char* scale_names[4] = {dim_scenario, dim_replicate, dim_week, dim_buurt};
        Handle space = w.simple_space({n_scen, n_rep, n_week, n_buurt});
        const auto data_variables = dataset_specs(DatasetGroup::data_variable);
        BUURTSIM_ASSERT(data_variables.size() == n_indicators);
        for (std::size_t i = 0; i < n_indicators; ++i) {
            const DatasetSpec& var = *data_variables[i];
            const std::string name(var.name);
            const std::string path = "/" + name;
            Handle dcpl = w.dataset_plist();
            const hsize_t chunk[4] = {1, 1, std::min(n_week, max_chunk_weeks), n_buurt};
            w.check(H5Pset_chunk(dcpl.get(), 4, chunk), "H5Pset_chunk for '" + path + "'");
            if (shuffled(var.dtype)) w.check(H5Pset_shuffle(dcpl.get()), "H5Pset_shuffle for '" + path + "'");
            w.check(H5Pset_deflate(dcpl.get(), deflate_level), "H5Pset_deflate for '" + path + "'");
            Handle ds{w.check(H5Dcreate2(f, name.c_str(), w.file_type(var.dtype), space.get(), H5P_DEFAULT,
                                         dcpl.get(), H5P_DEFAULT),
                              "creating dataset '" + path + "'"),
                      H5Dclose};
            for (unsigned d = 0; d < 4; ++d)
                w.check(H5DSattach_scale(ds.get(), scales[d], d),
                        "attaching dimension scale '" + std::string(scale_names[d]) + "' to '" + path + "'");
            w.attributes(ds.get(), path, var);
            vars.push_back(std::move(ds));
        }

        // The parameters with a prior and the values each replicate used (io_parameters.cpp; none without).
        write_parameter_values(w, f, rs, scen.get(), rep.get(), 4);
    }
    return vars;
}

void write_provenance(const Writer& w, hid_t f, const Provenance& prov) {
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
    w.attr_i32(g.get(), gp, "resumed", prov.resumed);
}

}  // namespace buurtsim::detail
