// Snapshot groups: the state of every resident and tie at the end of a week,
// one netCDF-4 group each, every variable as the dataset spec defines it.
#include "io_snapshots.hpp"

#include "buurtsim/datasets.hpp"

#include <cstdio>
#include <vector>

namespace buurtsim::detail {

namespace {

/// The group holding the snapshots.
constexpr const char* snapshots_group = "snapshots";

/// One snapshot group: dimensions resident and tie, per-resident and per-tie
/// variables. `dimid` is the first free netCDF-4 dimension id; the two used are taken from it.
void write_snapshot(const Writer& w, hid_t parent, const std::string& parent_path, const Snapshot& s,
                    std::size_t scenario, std::uint32_t r, std::int32_t& dimid) {
    const std::string name = snapshot_name(scenario, r, s.week);
    const std::string gp = parent_path + "/" + name;
    Handle g = w.group(parent, name.c_str(), gp);
    w.attr_i32(g.get(), gp, "scenario", std::int32_t(scenario));
    w.attr_i32(g.get(), gp, "replicate", std::int32_t(r));
    w.attr_i32(g.get(), gp, "week", std::int32_t(s.week));

    auto scale = [&](const char* dim, hsize_t n) {
        const DatasetSpec& spec = dataset_spec(DatasetGroup::snapshot, dim);
        Handle ds = w.index_scale(g.get(), dim, n, dimid++, gp, true);
        w.attributes(ds.get(), gp + "/" + dim, spec);
        return ds;
    };
    Handle res = scale("resident", s.buurt.size());
    Handle tie = scale("tie", s.source.size());
    for_each_snapshot_variable(s, [&](const DatasetSpec& spec, const auto& values) {
        w.variable_1d(g.get(), gp, spec, values, spec.dims.at(0) == "resident" ? res.get() : tie.get());
    });
}

}  // namespace

/// Weeks are below 5200 (run.weeks <= 5200), so four digits sort them by name.
std::string snapshot_name(std::size_t s, std::uint32_t r, std::uint32_t week) {
    char buf[16];
    std::snprintf(buf, sizeof buf, "%04u", unsigned(week));
    return "s" + std::to_string(s) + "_r" + std::to_string(r) + "_w" + buf;
}

void write_snapshots(const Writer& w, hid_t file, const ResultSet& rs) {
    bool any_snapshot = false;
    for (const auto& run : rs.scenarios)
        for (const auto& res : run.replicates) any_snapshot = any_snapshot || !res.snapshots.empty();
    if (!any_snapshot) return;
    const std::string sp = std::string("/") + snapshots_group;
    Handle g = w.group(file, snapshots_group, sp);
    std::int32_t dimid = 4;  // netCDF-4 dimension ids are unique in the file; the root uses 0-3
    for (std::size_t sc = 0; sc < rs.scenarios.size(); ++sc)
        for (std::size_t r = 0; r < rs.replicate_ids.size(); ++r)
            for (const Snapshot& s : rs.scenarios[sc].replicates[r].snapshots)
                write_snapshot(w, g.get(), sp, s, sc, rs.replicate_ids[r], dimid);
}

}  // namespace buurtsim::detail
