// Snapshot groups: the state of every resident and tie at the end of a week,
// one netCDF-4 group each, every variable as the dataset spec defines it.
#include "io_snapshots.hpp"

#include "io_root.hpp"

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

void SnapshotWriter::add(const Snapshot& s, std::size_t scenario, std::uint32_t replicate) {
    const std::string sp = std::string("/") + snapshots_group;
    if (!group_) group_.emplace(w_.group(file_, snapshots_group, sp));
    write_snapshot(w_, group_->get(), sp, s, scenario, replicate, dimid_);
}

void write_snapshots(const Writer& w, hid_t file, const ResultSet& rs) {
    SnapshotWriter out(w, file, first_free_dimid(rs));
    for (std::size_t sc = 0; sc < rs.scenarios.size(); ++sc)
        for (std::size_t r = 0; r < rs.replicate_ids.size(); ++r)
            for (const Snapshot& s : rs.scenarios[sc].replicates[r].snapshots) out.add(s, sc, rs.replicate_ids[r]);
}

}  // namespace buurtsim::detail
