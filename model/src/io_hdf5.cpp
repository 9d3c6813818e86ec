// HDF5 result files, netCDF-4 compatible. The layout is specified in
// docs/FORMAT.md; keep the two in step (tests/cpp/test_io.cpp and
// tests/python/test_output_format.py check they agree).
#include "buurtsim/io.hpp"

#include "buurtsim/compare.hpp"
#include "buurtsim/error.hpp"
#include "buurtsim/network.hpp"  // TieType codes of the snapshot tie_type variable
#include "hdf5_util.hpp"

#include <hdf5.h>
#include <hdf5_hl.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <ctime>
#include <limits>
#include <string>
#include <string_view>
#include <system_error>
#include <utility>
#include <vector>

namespace buurtsim {

namespace {

using detail::Handle;
using detail::hdf5_cause;
using detail::QuietHdf5Errors;
namespace fs = std::filesystem;

/// Most weeks in one chunk of a data variable (five years).
constexpr hsize_t max_chunk_weeks = 260;
/// gzip level of the data variables.
constexpr unsigned deflate_level = 4;
/// Most elements in one chunk of a snapshot variable.
constexpr hsize_t max_chunk_snapshot = hsize_t(1) << 16;
/// Tie type codes and their flag_meanings; docs/FORMAT.md lists the same.
static_assert(std::size_t(TieType::n_types) == 5, "update tie_type_meanings, validate_snapshot and docs/FORMAT.md");
static_assert(std::uint8_t(TieType::household) == 0 && std::uint8_t(TieType::neighbour) == 1
                  && std::uint8_t(TieType::friend_) == 2 && std::uint8_t(TieType::weak) == 3
                  && std::uint8_t(TieType::met) == 4,
              "tie_type codes are part of the file format");
constexpr const char* tie_type_meanings = "household neighbour friend weak met";
/// The group holding the snapshots, and the dimensions inside each snapshot group.
constexpr const char* snapshots_group = "snapshots";
constexpr const char* dim_resident = "resident";
constexpr const char* dim_tie = "tie";

/// Names of the dimensions, in the order of a data variable's axes.
constexpr const char* dim_scenario = "scenario";
constexpr const char* dim_replicate = "replicate";
constexpr const char* dim_week = "week";
constexpr const char* dim_buurt = "buurt";
/// The auxiliary coordinates every data variable names (xarray loads them as coordinates).
constexpr const char* coordinates_attr = "scenario_name buurt_code buurt_name wijk_code wijk_name";
/// The group of `buurtsim compare` and its dimension.
constexpr const char* comparison_group = "comparison";
constexpr const char* dim_row = "row";

/** Writes one file; every failure becomes an IoError naming `out` and the operation. */
class Writer {
public:
    explicit Writer(const fs::path& out) : out_(out) {}

    [[noreturn]] void fail(const std::string& what) const {
        std::string cause = hdf5_cause();
        throw IoError("cannot write result file '" + out_.string() + "': " + what + " failed"
                      + (cause.empty() ? std::string() : " (HDF5: " + cause + ")"));
    }
    /// Returns `v` (an hid_t or herr_t) if HDF5 reported success, else throws.
    template <class T>
    T check(T v, const std::string& what) const {
        if (v < 0) fail(what);
        return v;
    }

    Handle type_copy(hid_t t) const { return {check(H5Tcopy(t), "H5Tcopy"), H5Tclose}; }
    Handle utf8_string_type() const {
        Handle t = type_copy(H5T_C_S1);
        check(H5Tset_size(t.get(), H5T_VARIABLE), "H5Tset_size(H5T_VARIABLE)");
        check(H5Tset_cset(t.get(), H5T_CSET_UTF8), "H5Tset_cset(UTF8)");
        return t;
    }
    Handle scalar_space() const { return {check(H5Screate(H5S_SCALAR), "H5Screate"), H5Sclose}; }
    Handle simple_space(const std::vector<hsize_t>& dims) const {
        return {check(H5Screate_simple(int(dims.size()), dims.data(), nullptr), "H5Screate_simple"),
                H5Sclose};
    }
    Handle plist(hid_t cls) const { return {check(H5Pcreate(cls), "H5Pcreate"), H5Pclose}; }

    /// Dataset creation property list that tracks attribute order (as netCDF-4 does).
    Handle dataset_plist() const {
        Handle p = plist(H5P_DATASET_CREATE);
        check(H5Pset_attr_creation_order(p.get(), H5P_CRT_ORDER_TRACKED | H5P_CRT_ORDER_INDEXED),
              "H5Pset_attr_creation_order");
        return p;
    }

    void attr_string(hid_t obj, const std::string& obj_name, const char* name,
                     const std::string& value) const {
        const std::string what = "writing attribute '" + std::string(name) + "' of '" + obj_name + "'";
        Handle type = utf8_string_type();
        Handle space = scalar_space();
        Handle attr{check(H5Acreate2(obj, name, type.get(), space.get(), H5P_DEFAULT, H5P_DEFAULT), what),
                    H5Aclose};
        const char* p = value.c_str();
        check(H5Awrite(attr.get(), type.get(), &p), what);
    }
    void attr_u64(hid_t obj, const std::string& obj_name, const char* name, std::uint64_t value) const {
        const std::string what = "writing attribute '" + std::string(name) + "' of '" + obj_name + "'";
        Handle space = scalar_space();
        Handle attr{check(H5Acreate2(obj, name, H5T_STD_U64LE, space.get(), H5P_DEFAULT, H5P_DEFAULT), what),
                    H5Aclose};
        check(H5Awrite(attr.get(), H5T_NATIVE_UINT64, &value), what);
    }
    void attr_f64(hid_t obj, const std::string& obj_name, const char* name, double value) const {
        const std::string what = "writing attribute '" + std::string(name) + "' of '" + obj_name + "'";
        Handle space = scalar_space();
        Handle attr{check(H5Acreate2(obj, name, H5T_IEEE_F64LE, space.get(), H5P_DEFAULT, H5P_DEFAULT), what),
                    H5Aclose};
        check(H5Awrite(attr.get(), H5T_NATIVE_DOUBLE, &value), what);
    }
    void attr_i32(hid_t obj, const std::string& obj_name, const char* name, std::int32_t value) const {
        const std::string what = "writing attribute '" + std::string(name) + "' of '" + obj_name + "'";
        Handle space = scalar_space();
        Handle attr{check(H5Acreate2(obj, name, H5T_STD_I32LE, space.get(), H5P_DEFAULT, H5P_DEFAULT), what),
                    H5Aclose};
        check(H5Awrite(attr.get(), H5T_NATIVE_INT32, &value), what);
    }

    /// A 1-D numeric attribute of `n` values of `file_type`, read from memory of `mem_type`.
    void attr_array(hid_t obj, const std::string& obj_name, const char* name, hid_t file_type, hid_t mem_type,
                    const void* values, hsize_t n) const {
        const std::string what = "writing attribute '" + std::string(name) + "' of '" + obj_name + "'";
        Handle space = simple_space({n});
        Handle attr{check(H5Acreate2(obj, name, file_type, space.get(), H5P_DEFAULT, H5P_DEFAULT), what), H5Aclose};
        check(H5Awrite(attr.get(), mem_type, values), what);
    }

    /// A group that tracks link and attribute creation order (as netCDF-4 does).
    Handle group(hid_t loc, const char* name, const std::string& path) const {
        Handle gcpl = plist(H5P_GROUP_CREATE);
        check(H5Pset_link_creation_order(gcpl.get(), H5P_CRT_ORDER_TRACKED | H5P_CRT_ORDER_INDEXED),
              "H5Pset_link_creation_order");
        check(H5Pset_attr_creation_order(gcpl.get(), H5P_CRT_ORDER_TRACKED | H5P_CRT_ORDER_INDEXED),
              "H5Pset_attr_creation_order");
        return {check(H5Gcreate2(loc, name, H5P_DEFAULT, gcpl.get(), H5P_DEFAULT), "creating group '" + path + "'"),
                H5Gclose};
    }

    /// Dataset creation properties of a 1-D variable of n elements: chunked,
    /// shuffled and gzipped, or contiguous when empty (HDF5 cannot chunk a
    /// fixed-size empty dataset).
    Handle compressed_1d_plist(hsize_t n, const std::string& path) const {
        Handle dcpl = dataset_plist();
        if (n == 0) return dcpl;
        const hsize_t chunk = std::min(n, max_chunk_snapshot);
        check(H5Pset_chunk(dcpl.get(), 1, &chunk), "H5Pset_chunk for '" + path + "'");
        check(H5Pset_shuffle(dcpl.get()), "H5Pset_shuffle for '" + path + "'");
        check(H5Pset_deflate(dcpl.get(), deflate_level), "H5Pset_deflate for '" + path + "'");
        return dcpl;
    }

    /// A 1-D int32 dimension scale 0..n-1 named `name` in `loc` (whose path is
    /// `loc_path`, "" for the root); `dimid` is netCDF-4's _Netcdf4Dimid.
    Handle index_scale(hid_t loc, const char* name, hsize_t n, std::int32_t dimid,
                       const std::string& loc_path = "", bool compress = false) const {
        std::vector<std::int32_t> index(n);
        for (hsize_t i = 0; i < n; ++i) index[i] = std::int32_t(i);
        return int_scale(loc, name, index, dimid, loc_path, compress);
    }

    /// Same, holding the given values (e.g. the replicate indices of a partial batch).
    Handle int_scale(hid_t loc, const char* name, const std::vector<std::int32_t>& index, std::int32_t dimid,
                     const std::string& loc_path = "", bool compress = false) const {
        const std::string path = loc_path + "/" + name;
        const hsize_t n = index.size();
        Handle space = simple_space({n});
        Handle dcpl = compress ? compressed_1d_plist(n, path) : dataset_plist();
        Handle ds{check(H5Dcreate2(loc, name, H5T_STD_I32LE, space.get(), H5P_DEFAULT, dcpl.get(), H5P_DEFAULT),
                        "creating dataset '" + path + "'"),
                  H5Dclose};
        if (n > 0)
            check(H5Dwrite(ds.get(), H5T_NATIVE_INT32, H5S_ALL, H5S_ALL, H5P_DEFAULT, index.data()),
                  "writing dataset '" + path + "'");
        check(H5DSset_scale(ds.get(), name), "making '" + path + "' a dimension scale");
        attr_i32(ds.get(), path, "_Netcdf4Dimid", dimid);
        return ds;
    }

    /// A 1-D variable-length UTF-8 string variable along the dimension scale `scale` (named `scale_name`).
    Handle strings_1d(hid_t loc, const std::string& loc_path, const char* name, const std::vector<std::string>& values,
                      hid_t scale, const char* scale_name, const std::string& long_name) const {
        const std::string path = loc_path + "/" + name;
        Handle type = utf8_string_type();
        Handle space = simple_space({hsize_t(values.size())});
        Handle dcpl = dataset_plist();
        Handle ds{check(H5Dcreate2(loc, name, type.get(), space.get(), H5P_DEFAULT, dcpl.get(), H5P_DEFAULT),
                        "creating dataset '" + path + "'"),
                  H5Dclose};
        std::vector<const char*> ptrs;
        ptrs.reserve(values.size());
        for (const auto& v : values) ptrs.push_back(v.c_str());
        if (!values.empty())
            check(H5Dwrite(ds.get(), type.get(), H5S_ALL, H5S_ALL, H5P_DEFAULT, ptrs.data()),
                  "writing dataset '" + path + "'");
        check(H5DSattach_scale(ds.get(), scale, 0),
              "attaching dimension scale '" + std::string(scale_name) + "' to '" + path + "'");
        attr_string(ds.get(), path, "long_name", long_name);
        return ds;
    }

    /// A 1-D variable along the dimension scale `scale` (named `scale_name`),
    /// stored as `file_type`, written from `values` (memory type `mem_type`).
    template <class T>
    Handle variable_1d(hid_t loc, const std::string& loc_path, const char* name, hid_t file_type, hid_t mem_type,
                       const std::vector<T>& values, hid_t scale, const char* scale_name) const {
        const std::string path = loc_path + "/" + name;
        const hsize_t n = values.size();
        Handle space = simple_space({n});
        Handle dcpl = compressed_1d_plist(n, path);
        Handle ds{check(H5Dcreate2(loc, name, file_type, space.get(), H5P_DEFAULT, dcpl.get(), H5P_DEFAULT),
                        "creating dataset '" + path + "'"),
                  H5Dclose};
        if (n > 0)
            check(H5Dwrite(ds.get(), mem_type, H5S_ALL, H5S_ALL, H5P_DEFAULT, values.data()),
                  "writing dataset '" + path + "'");
        check(H5DSattach_scale(ds.get(), scale, 0),
              "attaching dimension scale '" + std::string(scale_name) + "' to '" + path + "'");
        return ds;
    }

private:
    fs::path out_;
};

/// Name of the group of scenario s's snapshot of week w in replicate r (the
/// replicate index, not the position), e.g. "s0_r0_w0052". Weeks are below
/// 5200 (run.weeks <= 5200), so four digits sort them by name.
std::string snapshot_name(std::size_t s, std::uint32_t r, std::uint32_t week) {
    char buf[16];
    std::snprintf(buf, sizeof buf, "%04u", unsigned(week));
    return "s" + std::to_string(s) + "_r" + std::to_string(r) + "_w" + buf;
}

/// The snapshot checks of docs/FORMAT.md ("Validity rules"); a failure is a bug.
void validate_snapshot(const Snapshot& s, const std::string& of, std::uint32_t weeks, std::size_t n_buurt) {
    const std::string where = "write_results: " + of + " snapshot of week " + std::to_string(s.week);
    if (s.week >= weeks)
        throw InternalError(where + ": the run has only " + std::to_string(weeks) + " weeks");
    const std::size_t n = s.buurt.size();
    if (n > std::size_t(std::numeric_limits<std::int32_t>::max()))
        throw InternalError(where + ": too many residents for int32 ids");
    auto same_size = [&](std::size_t size, const char* name, std::size_t expected, const char* of) {
        if (size != expected)
            throw InternalError(where + ": " + name + " has " + std::to_string(size) + " values, " + of + " has "
                                + std::to_string(expected));
    };
    same_size(s.age.size(), "age", n, "buurt");
    same_size(s.age_band.size(), "age_band", n, "buurt");
    same_size(s.household.size(), "household", n, "buurt");
    same_size(s.household_type.size(), "household_type", n, "buurt");
    same_size(s.vulnerability.size(), "vulnerability", n, "buurt");
    same_size(s.loneliness.size(), "loneliness", n, "buurt");
    same_size(s.roles.size(), "roles", n, "buurt");
    same_size(s.self_reliance.size(), "self_reliance", n, "buurt");
    const std::size_t e = s.source.size();
    if (e > std::size_t(std::numeric_limits<std::int32_t>::max()))
        throw InternalError(where + ": too many ties for int32 ids");
    same_size(s.target.size(), "target", e, "source");
    same_size(s.tie_type.size(), "tie_type", e, "source");
    same_size(s.strength.size(), "strength", e, "source");
    auto bad = [&](const char* name, std::size_t k, double v) {
        throw InternalError(where + ": " + name + "[" + std::to_string(k) + "] has invalid value " + std::to_string(v));
    };
    for (std::size_t i = 0; i < n; ++i) {
        if (s.buurt[i] >= n_buurt) bad("buurt", i, s.buurt[i]);
        if (s.age_band[i] > 4) bad("age_band", i, s.age_band[i]);
        if (s.household_type[i] > 2) bad("household_type", i, s.household_type[i]);
        if (s.vulnerability[i] > 31) bad("vulnerability", i, s.vulnerability[i]);
        if (s.loneliness[i] > 11) bad("loneliness", i, s.loneliness[i]);
        if (s.roles[i] > 31) bad("roles", i, s.roles[i]);
        if (!(s.self_reliance[i] >= 0.f && s.self_reliance[i] <= 1.f)) bad("self_reliance", i, s.self_reliance[i]);
    }
    for (std::size_t k = 0; k < e; ++k) {
        if (!(s.source[k] < s.target[k])) bad("source (must be < target)", k, s.source[k]);
        if (s.target[k] >= n) bad("target (must be a resident id)", k, s.target[k]);
        if (s.tie_type[k] >= std::uint8_t(TieType::n_types)) bad("tie_type", k, s.tie_type[k]);
    }
}

void validate(const ResultSet& rs) {
    const Geography& geo = rs.geo;
    if (rs.scenarios.empty()) throw InternalError("write_results: no scenarios to write");
    if (rs.replicate_ids.empty()) throw InternalError("write_results: no replicates to write");
    if (geo.buurten.empty()) throw InternalError("write_results: the geography has no buurten");
    if (rs.replicate_ids.size() > std::size_t(std::numeric_limits<std::int32_t>::max())
        || rs.scenarios.size() > std::size_t(std::numeric_limits<std::int32_t>::max()))
        throw InternalError("write_results: too many replicates or scenarios");
    for (std::size_t k = 0; k < rs.replicate_ids.size(); ++k) {
        if (rs.replicate_ids[k] > std::uint32_t(std::numeric_limits<std::int32_t>::max()))
            throw InternalError("write_results: replicate index " + std::to_string(rs.replicate_ids[k])
                                + " does not fit int32");
        for (std::size_t j = 0; j < k; ++j)
            if (rs.replicate_ids[j] == rs.replicate_ids[k])
                throw InternalError("write_results: replicate index " + std::to_string(rs.replicate_ids[k])
                                    + " appears twice");
    }
    for (std::size_t b = 0; b < geo.buurten.size(); ++b)
        if (geo.buurten[b].wijk >= geo.wijken.size())
            throw InternalError("write_results: buurt " + geo.buurten[b].code + " has wijk index "
                                + std::to_string(geo.buurten[b].wijk) + " but the geography has "
                                + std::to_string(geo.wijken.size()) + " wijken");
    const auto& first = rs.scenarios.front().replicates;
    if (first.empty()) throw InternalError("write_results: scenario '" + rs.scenarios.front().name + "' has no replicates");
    const std::uint32_t weeks = first.front().weeks;
    if (weeks == 0) throw InternalError("write_results: results have 0 weeks");
    const auto& specs = indicator_specs();
    for (std::size_t sc = 0; sc < rs.scenarios.size(); ++sc) {
        const ScenarioRun& run = rs.scenarios[sc];
        const std::string scen = "scenario '" + run.name + "'";
        for (std::size_t j = 0; j < sc; ++j)
            if (rs.scenarios[j].name == run.name)
                throw InternalError("write_results: two scenarios are named '" + run.name + "'");
        if (run.replicates.size() != rs.replicate_ids.size())
            throw InternalError("write_results: " + scen + " has " + std::to_string(run.replicates.size())
                                + " replicates, expected " + std::to_string(rs.replicate_ids.size()));
        if (!run.targeted.empty() && run.targeted.size() != geo.buurten.size())
            throw InternalError("write_results: " + scen + " has " + std::to_string(run.targeted.size())
                                + " targeted flags, the geography has " + std::to_string(geo.buurten.size())
                                + " buurten");
        for (std::uint8_t t : run.targeted)
            if (t > 1) throw InternalError("write_results: " + scen + " has a targeted flag " + std::to_string(t));
        for (std::size_t r = 0; r < run.replicates.size(); ++r) {
            const Results& res = run.replicates[r];
            const std::string where = "write_results: " + scen + " replicate " + std::to_string(rs.replicate_ids[r]);
            if (res.weeks != weeks)
                throw InternalError(where + " has " + std::to_string(res.weeks) + " weeks, the first has "
                                    + std::to_string(weeks));
            if (res.buurten != geo.buurten.size())
                throw InternalError(where + " has " + std::to_string(res.buurten) + " buurten, the geography has "
                                    + std::to_string(geo.buurten.size()));
            const std::size_t n = std::size_t(weeks) * res.buurten;
            for (std::size_t i = 0; i < n_indicators; ++i) {
                const auto& v = res.values[i];
                const std::string ind = where + " indicator " + std::string(specs[i].name);
                if (v.size() != n)
                    throw InternalError(ind + " has " + std::to_string(v.size())
                                        + " values, expected weeks*buurten = " + std::to_string(n));
                // The validity rules of docs/FORMAT.md: counts are whole numbers >= 0
                // that fit int32; other values are >= 0 or NaN, never infinite.
                for (std::size_t k = 0; k < n; ++k) {
                    const double x = v[k];
                    const bool ok = specs[i].integer
                                        ? (x >= 0 && x <= double(std::numeric_limits<std::int32_t>::max())
                                           && x == std::floor(x))
                                        : (std::isnan(x) || (x >= 0 && std::isfinite(x)));
                    if (!ok)
                        throw InternalError(ind + " week " + std::to_string(k / res.buurten) + " buurt "
                                            + std::to_string(k % res.buurten) + " has invalid value "
                                            + std::to_string(x));
                }
            }
            for (std::size_t k = 0; k < res.snapshots.size(); ++k) {
                validate_snapshot(res.snapshots[k], scen + " replicate " + std::to_string(rs.replicate_ids[r]),
                                  weeks, geo.buurten.size());
                if (k > 0 && res.snapshots[k].week <= res.snapshots[k - 1].week)
                    throw InternalError(where + ": snapshot weeks are not strictly increasing ("
                                        + std::to_string(res.snapshots[k - 1].week) + " then "
                                        + std::to_string(res.snapshots[k].week) + ")");
            }
        }
    }
}

/// One snapshot group: dimensions resident and tie, per-resident and per-tie
/// variables (docs/FORMAT.md, "Snapshot groups"). `dimid` is the first free
/// netCDF-4 dimension id; the two used are taken from it.
void write_snapshot(const Writer& w, hid_t parent, const std::string& parent_path, const Snapshot& s,
                    std::size_t scenario, std::uint32_t r, std::int32_t& dimid) {
    const std::string name = snapshot_name(scenario, r, s.week);
    const std::string gp = parent_path + "/" + name;
    Handle g = w.group(parent, name.c_str(), gp);
    w.attr_i32(g.get(), gp, "scenario", std::int32_t(scenario));
    w.attr_i32(g.get(), gp, "replicate", std::int32_t(r));
    w.attr_i32(g.get(), gp, "week", std::int32_t(s.week));

    Handle res = w.index_scale(g.get(), dim_resident, s.buurt.size(), dimid++, gp, true);
    w.attr_string(res.get(), gp + "/resident", "long_name",
                  "resident id: index into the replicate's synthetic population");
    Handle tie = w.index_scale(g.get(), dim_tie, s.source.size(), dimid++, gp, true);
    w.attr_string(tie.get(), gp + "/tie", "long_name", "tie index");

    // Per-resident variables.
    auto per_resident = [&](const char* var, hid_t file_type, hid_t mem_type, const auto& values, const char* units,
                            const std::string& long_name) {
        Handle ds = w.variable_1d(g.get(), gp, var, file_type, mem_type, values, res.get(), dim_resident);
        if (*units) w.attr_string(ds.get(), gp + "/" + var, "units", units);
        w.attr_string(ds.get(), gp + "/" + var, "long_name", long_name);
        return ds;
    };
    auto per_tie = [&](const char* var, hid_t file_type, hid_t mem_type, const auto& values, const char* units,
                       const std::string& long_name) {
        Handle ds = w.variable_1d(g.get(), gp, var, file_type, mem_type, values, tie.get(), dim_tie);
        if (*units) w.attr_string(ds.get(), gp + "/" + var, "units", units);
        w.attr_string(ds.get(), gp + "/" + var, "long_name", long_name);
        return ds;
    };
    // CF flag attributes: flag_values for codes, flag_masks for bitmasks,
    // stored in the variable's own dtype (uint8), and flag_meanings.
    auto flags = [&](const Handle& ds, const char* var, const char* kind, std::vector<std::uint8_t> values,
                     const char* meanings) {
        w.attr_array(ds.get(), gp + "/" + var, kind, H5T_STD_U8LE, H5T_NATIVE_UINT8, values.data(), values.size());
        w.attr_string(ds.get(), gp + "/" + var, "flag_meanings", meanings);
    };

    per_resident("buurt", H5T_STD_U16LE, H5T_NATIVE_UINT16, s.buurt, "",
                 "buurt the resident lives in: index along the root buurt dimension (codes in /buurt_code)");
    per_resident("age", H5T_STD_U8LE, H5T_NATIVE_UINT8, s.age, "year", "age in whole years");
    {
        Handle ds = per_resident("age_band", H5T_STD_U8LE, H5T_NATIVE_UINT8, s.age_band, "",
                                 "CBS age band: 0 0-14, 1 15-24, 2 25-44, 3 45-64, 4 65+");
        flags(ds, "age_band", "flag_values", {0, 1, 2, 3, 4}, "age_0_14 age_15_24 age_25_44 age_45_64 age_65_plus");
    }
    per_resident("household", H5T_STD_U32LE, H5T_NATIVE_UINT32, s.household, "",
                 "household id; residents with the same id live together");
    {
        Handle ds = per_resident("household_type", H5T_STD_U8LE, H5T_NATIVE_UINT8, s.household_type, "",
                                 "household type: 0 single, 1 without children, 2 with children");
        flags(ds, "household_type", "flag_values", {0, 1, 2}, "single without_children with_children");
    }
    {
        Handle ds = per_resident("vulnerability", H5T_STD_U8LE, H5T_NATIVE_UINT8, s.vulnerability, "",
                                 "vulnerability groups, a bitmask: 1 psych (EPA), 2 homeless history, 4 NAH,"
                                 " 8 LVB, 16 frail; 0 none");
        flags(ds, "vulnerability", "flag_masks", {1, 2, 4, 8, 16}, "psych homeless_history nah lvb frail");
    }
    per_resident("loneliness", H5T_STD_U8LE, H5T_NATIVE_UINT8, s.loneliness, "",
                 "De Jong Gierveld loneliness score 0-11 (3-8 lonely, 9-11 severely lonely); 0 for residents under 18");
    {
        Handle ds = per_resident("roles", H5T_STD_U8LE, H5T_NATIVE_UINT8, s.roles, "",
                                 "roles at the end of the week, a bitmask: 1 volunteer, 2 support volunteer,"
                                 " 4 carer (mantelzorg), 8 buurtteam client (waiting or in a case), 16 Wmo client");
        flags(ds, "roles", "flag_masks", {1, 2, 4, 8, 16},
              "volunteer support_volunteer carer buurtteam_client wmo_client");
    }
    per_resident("self_reliance", H5T_IEEE_F32LE, H5T_NATIVE_FLOAT, s.self_reliance, "1",
                 "self-reliance, 0 (none) to 1 (fully self-reliant)");

    // Per-tie variables: resident ids as int32, the dtype of the resident dimension.
    const std::vector<std::int32_t> source(s.source.begin(), s.source.end());
    const std::vector<std::int32_t> target(s.target.begin(), s.target.end());
    per_tie("source", H5T_STD_I32LE, H5T_NATIVE_INT32, source, "", "resident id of one end (source < target)");
    per_tie("target", H5T_STD_I32LE, H5T_NATIVE_INT32, target, "", "resident id of the other end");
    {
        Handle ds = per_tie("tie_type", H5T_STD_U8LE, H5T_NATIVE_UINT8, s.tie_type, "",
                            "tie type: 0 household, 1 neighbour, 2 friend, 3 weak (acquaintance),"
                            " 4 met (made during the run at a meeting place or through help)");
        flags(ds, "tie_type", "flag_values", {0, 1, 2, 3, 4}, tie_type_meanings);
    }
    per_tie("strength", H5T_STD_U8LE, H5T_NATIVE_UINT8, s.strength, "1", "tie strength, 0 (faded) to 255");
}

/** File creation and access property lists of every file we write: creation
 *  order tracked, objects readable by HDF5 1.8 (and so by any netCDF-4 reader). */
Handle file_access_plist(const Writer& w) {
    Handle fapl = w.plist(H5P_FILE_ACCESS);
    // Objects readable by HDF5 1.8 (and so by any netCDF-4 reader), like netCDF-C writes.
    w.check(H5Pset_libver_bounds(fapl.get(), H5F_LIBVER_EARLIEST, H5F_LIBVER_V18), "H5Pset_libver_bounds");
    w.check(H5Pset_fclose_degree(fapl.get(), H5F_CLOSE_STRONG), "H5Pset_fclose_degree");
    return fapl;
}

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
    Handle fapl = file_access_plist(w);
    Handle file{w.check(H5Fcreate(tmp.c_str(), H5F_ACC_TRUNC, fcpl.get(), fapl.get()),
                        "creating temporary file '" + tmp.string() + "'"),
                H5Fclose};
    created = true;
    const hid_t f = file.get();

    // Root attributes.
    w.attr_string(f, "/", "title", "buurtsim results");
    w.attr_string(f, "/", "format_version", format_version);
    w.attr_string(f, "/", "buurtsim_version", prov.version);
    w.attr_string(f, "/", "git_commit", prov.git_commit);
    w.attr_u64(f, "/", "seed", prov.seed);

    {
        // Dimension scales (also the coordinate variables of the dimensions).
        Handle scen = w.index_scale(f, dim_scenario, n_scen, 0);
        w.attr_string(scen.get(), "/scenario", "long_name", "scenario index; names in scenario_name");
        std::vector<std::int32_t> rep_ids(rs.replicate_ids.begin(), rs.replicate_ids.end());
        Handle rep = w.int_scale(f, dim_replicate, rep_ids, 1);
        w.attr_string(rep.get(), "/replicate", "long_name",
                      "replicate index k: random streams keyed by (seed, k), shared by every scenario");
        Handle week = w.index_scale(f, dim_week, n_week, 2);
        // Not "week since start": xarray would try (and fail) to decode that as a CF time.
        w.attr_string(week.get(), "/week", "units", "week");
        w.attr_string(week.get(), "/week", "long_name", "weeks since the start of the simulation");
        Handle buurt = w.index_scale(f, dim_buurt, n_buurt, 3);
        w.attr_string(buurt.get(), "/buurt", "long_name", "buurt index in the order of buurt_code");

        // Auxiliary coordinates along buurt and scenario.
        std::vector<std::string> buurt_code, buurt_name, wijk_code, wijk_name;
        for (const auto& b : geo.buurten) {
            buurt_code.push_back(b.code);
            buurt_name.push_back(b.name);
            wijk_code.push_back(geo.wijken[b.wijk].code);
            wijk_name.push_back(geo.wijken[b.wijk].name);
        }
        w.strings_1d(f, "", "buurt_code", buurt_code, buurt.get(), dim_buurt, "CBS buurt code");
        w.strings_1d(f, "", "buurt_name", buurt_name, buurt.get(), dim_buurt, "CBS buurt name");
        w.strings_1d(f, "", "wijk_code", wijk_code, buurt.get(), dim_buurt, "CBS code of the wijk containing the buurt");
        w.strings_1d(f, "", "wijk_name", wijk_name, buurt.get(), dim_buurt, "CBS name of the wijk containing the buurt");
        std::vector<std::string> names, tomls, files;
        for (const ScenarioRun& run : rs.scenarios) {
            names.push_back(run.name);
            tomls.push_back(run.toml);
            std::string joined;
            for (std::size_t k = 0; k < run.files.size(); ++k) joined += (k ? "\n" : "") + run.files[k];
            files.push_back(joined);
        }
        w.strings_1d(f, "", "scenario_name", names, scen.get(), dim_scenario, "scenario name (unique in the file)");

        // Scenario variables.
        {
            Handle ds = w.strings_1d(f, "", "scenario_toml", tomls, scen.get(), dim_scenario,
                                     "the fully resolved scenario as TOML");
            w.attr_string(ds.get(), "/scenario_toml", "coordinates", "scenario_name");
        }
        {
            Handle ds = w.strings_1d(f, "", "scenario_files", files, scen.get(), dim_scenario,
                                     "scenario files read, base first, one path per line");
            w.attr_string(ds.get(), "/scenario_files", "coordinates", "scenario_name");
        }
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
            w.attr_string(ds.get(), path, "long_name", "1 if an intervention of the scenario targets the buurt, else 0");
            const std::int8_t flag_values[2] = {0, 1};
            w.attr_array(ds.get(), path, "flag_values", H5T_STD_I8LE, H5T_NATIVE_INT8, flag_values, 2);
            w.attr_string(ds.get(), path, "flag_meanings", "not_targeted targeted");
            w.attr_string(ds.get(), path, "coordinates", coordinates_attr);
        }

        // Data variables, one per indicator, dims (scenario, replicate, week, buurt).
        const hid_t scales[4] = {scen.get(), rep.get(), week.get(), buurt.get()};
        const char* scale_names[4] = {dim_scenario, dim_replicate, dim_week, dim_buurt};
        Handle space = w.simple_space({n_scen, n_rep, n_week, n_buurt});
        Handle mem_space = w.simple_space({1, 1, n_week, n_buurt});
        std::vector<std::int32_t> ints(n_week * n_buurt);
        const auto& specs = indicator_specs();
        for (std::size_t i = 0; i < n_indicators; ++i) {
            const std::string name(specs[i].name);
            const std::string path = "/" + name;
            const bool integer = specs[i].integer;
            Handle dcpl = w.dataset_plist();
            const hsize_t chunk[4] = {1, 1, std::min(n_week, max_chunk_weeks), n_buurt};
            w.check(H5Pset_chunk(dcpl.get(), 4, chunk), "H5Pset_chunk for '" + path + "'");
            w.check(H5Pset_shuffle(dcpl.get()), "H5Pset_shuffle for '" + path + "'");
            w.check(H5Pset_deflate(dcpl.get(), deflate_level), "H5Pset_deflate for '" + path + "'");
            Handle ds{w.check(H5Dcreate2(f, name.c_str(), integer ? H5T_STD_I32LE : H5T_IEEE_F64LE, space.get(),
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
            w.attr_string(ds.get(), path, "units", std::string(specs[i].unit));
            w.attr_string(ds.get(), path, "long_name", std::string(specs[i].meaning));
            w.attr_string(ds.get(), path, "coordinates", coordinates_attr);
        }
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
    bool any_snapshot = false;
    for (const auto& run : rs.scenarios)
        for (const auto& res : run.replicates) any_snapshot = any_snapshot || !res.snapshots.empty();
    if (any_snapshot) {
        const std::string sp = std::string("/") + snapshots_group;
        Handle g = w.group(f, snapshots_group, sp);
        std::int32_t dimid = 4;  // netCDF-4 dimension ids are unique in the file; the root uses 0-3
        for (std::size_t sc = 0; sc < rs.scenarios.size(); ++sc)
            for (std::size_t r = 0; r < rs.replicate_ids.size(); ++r)
                for (const Snapshot& s : rs.scenarios[sc].replicates[r].snapshots)
                    write_snapshot(w, g.get(), sp, s, sc, rs.replicate_ids[r], dimid);
    }

    // Closing flushes; a failure here (e.g. disk full) must not be ignored.
    w.check(file.close(), "closing (flushing) temporary file '" + tmp.string() + "'");
}

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
    w.attr_string(g.get(), gp, "buurtsim_version", c.version);
    w.attr_string(g.get(), gp, "created", c.created);

    const hsize_t n = c.rows.size();
    Handle row = w.index_scale(g.get(), dim_row, n, dimid, gp);
    w.attr_string(row.get(), gp + "/row", "long_name", "row of the comparison table");
    auto strings = [&](const char* name, auto get, const char* long_name) {
        std::vector<std::string> v;
        for (const auto& r : c.rows) v.push_back(get(r));
        w.strings_1d(g.get(), gp, name, v, row.get(), dim_row, long_name);
    };
    auto numbers = [&](const char* name, hid_t file_type, hid_t mem_type, const auto& v, const char* long_name) {
        Handle ds = w.variable_1d(g.get(), gp, name, file_type, mem_type, v, row.get(), dim_row);
        w.attr_string(ds.get(), gp + "/" + name, "long_name", long_name);
    };
    auto doubles = [&](const char* name, auto get, const char* long_name) {
        std::vector<double> v;
        for (const auto& r : c.rows) v.push_back(get(r));
        numbers(name, H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, v, long_name);
    };
    auto ints = [&](const char* name, auto get, const char* long_name) {
        std::vector<std::int32_t> v;
        for (const auto& r : c.rows) v.push_back(get(r));
        numbers(name, H5T_STD_I32LE, H5T_NATIVE_INT32, v, long_name);
    };
    using R = ComparisonRow;
    strings("scenario_name", [](const R& r) { return r.scenario; }, "scenario compared with the baseline");
    strings("area", [](const R& r) { return r.area; }, "city: all buurten of the file; targeted: the buurten the scenario's interventions target");
    strings("indicator", [](const R& r) { return r.indicator; }, "indicator name, or euro_saved_per_euro_spent");
    strings("label", [](const R& r) { return r.label; }, "plain-language label of the indicator");
    strings("unit", [](const R& r) { return r.unit; }, "unit of the horizon values and of the estimate");
    ints("buurten", [](const R& r) { return r.buurten; }, "number of buurten in the area");
    ints("replicates", [](const R& r) { return r.replicates; }, "replicate pairs with a finite value");
    doubles("baseline_mean", [](const R& r) { return r.baseline_mean; }, "baseline horizon value, mean over replicates");
    doubles("scenario_mean", [](const R& r) { return r.scenario_mean; }, "scenario horizon value, mean over replicates");
    doubles("estimate", [](const R& r) { return r.estimate; },
            "mean over replicates of the paired difference scenario - baseline (euro_saved_per_euro_spent: of the ratio)");
    doubles("ci_low", [](const R& r) { return r.ci_low; }, "lower end of the t confidence interval of the estimate");
    doubles("ci_high", [](const R& r) { return r.ci_high; }, "upper end of the t confidence interval of the estimate");
    doubles("relative_change", [](const R& r) { return r.relative_change; }, "estimate / baseline_mean");
}

}  // namespace

std::filesystem::path temporary_path(const std::filesystem::path& out) {
    std::filesystem::path tmp = out;
    tmp += ".partial-" + std::to_string(::getpid());
    return tmp;
}

std::string utc_now_iso8601() {
    const std::time_t now = std::time(nullptr);
    std::tm tm{};
    gmtime_r(&now, &tm);
    char buf[32];
    const std::size_t n = std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
    return std::string(buf, n);
}

namespace {

/** Runs `write(tmp)`, then renames `tmp` onto `out`; on any failure removes
 *  `tmp` (only if `write` created it) and leaves `out` as it was. */
template <class Write>
void atomic_replace(const fs::path& out, const fs::path& tmp, Write write) {
    bool created = false;
    const auto remove_tmp = [&] {
        std::error_code ec;
        if (created) fs::remove(tmp, ec);
    };
    try {
        write(created);
        std::error_code ec;
        fs::rename(tmp, out, ec);
        if (ec)
            throw IoError("cannot write result file '" + out.string() + "': renaming '" + tmp.string()
                          + "' onto it failed: " + ec.message());
    } catch (const Error&) {
        remove_tmp();
        throw;
    } catch (const InternalError&) {
        remove_tmp();
        throw;
    } catch (const std::exception& e) {
        remove_tmp();
        throw IoError("cannot write result file '" + out.string() + "': " + e.what());
    }
}

}  // namespace

void write_results(const std::filesystem::path& out, const ResultSet& results, const Provenance& prov) {
    validate(results);
    if (out.empty() || !out.has_filename())
        throw IoError("cannot write result file '" + out.string() + "': not a file name");
    const fs::path dir = out.parent_path();
    if (!dir.empty()) {
        std::error_code ec;
        if (!fs::is_directory(dir, ec))
            throw IoError("cannot write result file '" + out.string() + "': directory '" + dir.string()
                          + (fs::exists(dir, ec) ? "' is not a directory" : "' does not exist"));
    }
    const fs::path tmp = temporary_path(out);
    const Writer w(out);
    QuietHdf5Errors quiet;
    atomic_replace(out, tmp, [&](bool& created) { write_file(w, tmp, results, prov, created); });
}

void write_comparison(const std::filesystem::path& file, const Comparison& comparison) {
    // Checks the file exists, is a buurtsim result and has our major version.
    const std::string version = read_format_version(file);
    const std::string ours = format_version;
    if (version.substr(0, version.find('.')) != ours.substr(0, ours.find('.')))
        throw IoError("cannot add a comparison to '" + file.string() + "': it has format_version " + version
                      + "; this buurtsim writes " + format_version);
    const fs::path tmp = temporary_path(file);
    const Writer w(file);
    QuietHdf5Errors quiet;
    atomic_replace(file, tmp, [&](bool& created) {
        std::error_code ec;
        if (fs::exists(tmp, ec))
            throw IoError("cannot write result file '" + file.string() + "': temporary file '" + tmp.string()
                          + "' is in the way");
        fs::copy_file(file, tmp, fs::copy_options::none, ec);
        created = fs::exists(tmp);  // also a partly written copy, which must go
        if (ec)
            throw IoError("cannot write result file '" + file.string() + "': copying it to '" + tmp.string()
                          + "' failed: " + ec.message());
        Handle fapl = file_access_plist(w);
        Handle f{w.check(H5Fopen(tmp.c_str(), H5F_ACC_RDWR, fapl.get()), "opening '" + tmp.string() + "'"),
                 H5Fclose};
        write_comparison_group(w, f.get(), comparison);
        w.check(f.close(), "closing (flushing) temporary file '" + tmp.string() + "'");
    });
}

}  // namespace buurtsim
