// Result files: the writer's layout pinned against docs/FORMAT.md and read
// back with the HDF5 C API, atomic replacement and cleanup on failure; the
// reader (read_results) round-trips it; /comparison is added atomically.
#include "buurtsim/compare.hpp"
#include "buurtsim/error.hpp"
#include "buurtsim/indicators.hpp"
#include "buurtsim/io.hpp"
#include "io_fixture.hpp"

#include <catch2/catch.hpp>
#include <hdf5.h>
#include <hdf5_hl.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>
#include <string>
#include <tuple>
#include <vector>

using namespace buurtsim;
using namespace buurtsim::test;
namespace fs = std::filesystem;

namespace {

fs::path scratch(const std::string& name) { return scratch_in("test_io", name); }

/// The datasets of a result file, sorted. Changing this list means a new
/// format_version and an updated docs/FORMAT.md.
const std::vector<std::string> pinned_datasets = {
    "acute_care_contacts",
    "acute_care_cost_eur",
    "adults",
    "adults_65plus",
    "buurt",
    "buurt_code",
    "buurt_name",
    "buurtteam_capacity_hours",
    "buurtteam_clients",
    "buurtteam_clients_year",
    "buurtteam_clients_year_65plus",
    "buurtteam_cost_eur",
    "buurtteam_hours",
    "buurtteam_hours_needed",
    "buurtteam_idle_hours",
    "buurtteam_left_list",
    "buurtteam_referrals",
    "buurtteam_started",
    "buurtteam_wait_weeks",
    "buurtteam_waiting",
    "care_recipients",
    "carers",
    "carers_overburdened",
    "carers_supported",
    "carers_withdrawn",
    "carers_year",
    "carers_year_65plus",
    "cohesion_feel_comfortable",
    "cohesion_gezellig",
    "cohesion_interact_a_lot",
    "cohesion_interact_pleasantly",
    "cohesion_know_each_other",
    "cohesion_score",
    "crises",
    "crises_waiting",
    "escalations",
    "gemeente_cost_eur",
    "general_provision_clients",
    "general_provision_cost_eur",
    "gp_contacts",
    "gp_cost_eur",
    "informal_care_hours",
    "intervention_cost_eur",
    "lonely_emotional_share",
    "lonely_share",
    "lonely_social_share",
    "mean_ties_in_buurt",
    "meeting_visits",
    "poh_ggz_contacts",
    "poh_ggz_cost_eur",
    "questions_brokered",
    "questions_carer_found",
    "questions_dropped",
    "questions_light_help",
    "questions_new",
    "questions_solved_community",
    "questions_solved_network",
    "questions_solved_professional",
    "questions_unmet",
    "questions_unmet_open",
    "replicate",
    "residents",
    "scenario",
    "scenario_files",
    "scenario_name",
    "scenario_toml",
    "severely_lonely_share",
    "severely_lonely_share_65plus",
    "share_knowing_5_in_buurt",
    "targeted",
    "total_cost_eur",
    "volunteer_hours",
    "volunteers",
    "volunteers_year",
    "week",
    "wijk_code",
    "wijk_name",
    "wmo_assessed",
    "wmo_clients",
    "wmo_clients_year",
    "wmo_cost_eur",
    "wmo_met_by_general",
    "wmo_met_by_network",
    "wmo_new",
    "wmo_new_loket",
    "wmo_referred_buurtteam",
    "zorgverzekeraar_cost_eur",
};

/// The datasets of one snapshot group `/snapshots/r<r>_w<week>`, sorted,
/// with their HDF5 dtypes (as FORMAT.md names them) and dimension.
struct SnapshotVar {
    const char* name;
    const char* dtype;
    const char* dim;
};
const std::vector<SnapshotVar> pinned_snapshot_datasets = {
    {"age", "uint8", "resident"},
    {"age_band", "uint8", "resident"},
    {"buurt", "uint16", "resident"},
    {"household", "uint32", "resident"},
    {"household_type", "uint8", "resident"},
    {"loneliness", "uint8", "resident"},
    {"resident", "int32", "resident"},
    {"roles", "uint8", "resident"},
    {"self_reliance", "float32", "resident"},
    {"source", "int32", "tie"},
    {"strength", "uint8", "tie"},
    {"target", "int32", "tie"},
    {"tie", "int32", "tie"},
    {"tie_type", "uint8", "tie"},
    {"vulnerability", "uint8", "resident"},
};

std::vector<std::string> pinned_snapshot_names() {
    std::vector<std::string> out;
    for (const auto& v : pinned_snapshot_datasets) out.emplace_back(v.name);
    return out;
}

hid_t file_type_of(const std::string& dtype) {
    if (dtype == "uint8") return H5T_STD_U8LE;
    if (dtype == "uint16") return H5T_STD_U16LE;
    if (dtype == "uint32") return H5T_STD_U32LE;
    if (dtype == "int32") return H5T_STD_I32LE;
    if (dtype == "float32") return H5T_IEEE_F32LE;
    FAIL("unknown dtype " << dtype);
    return -1;
}

/// Two scenarios, "tiny" (values of scenario 0) and "more" (values of scenario 1,
/// targeting the second buurt), replicates 0..reps-1.
ResultSet two_scenarios(std::uint32_t reps, std::uint32_t weeks) {
    ResultSet rs = wrap(tiny_geography(), fake_results(reps, weeks, 2, 0));
    ScenarioRun more;
    more.name = "more";
    more.toml = "name = \"more\"\n";
    more.files = {"more.toml"};
    more.replicates = fake_results(reps, weeks, 2, 1);
    more.targeted = {0, 1};
    rs.scenarios.push_back(std::move(more));
    return rs;
}

std::vector<std::string> links(hid_t loc, H5O_type_t want);
std::vector<std::string> root_links(hid_t file, H5O_type_t want) { return links(file, want); }

std::vector<std::string> links(hid_t file, H5O_type_t want) {
    struct Ctx {
        hid_t file;
        H5O_type_t want;
        std::vector<std::string> names;
    } ctx{file, want, {}};
    H5Literate(
        file, H5_INDEX_NAME, H5_ITER_INC, nullptr,
        [](hid_t g, const char* name, const H5L_info_t*, void* data) -> herr_t {
            auto& c = *static_cast<Ctx*>(data);
            H5O_info_t info;
            if (H5Oget_info_by_name(g, name, &info, H5P_DEFAULT) < 0) return -1;
            if (info.type == c.want) c.names.emplace_back(name);
            return 0;
        },
        &ctx);
    return ctx.names;
}

std::vector<std::string> attr_names(hid_t obj) {
    std::vector<std::string> names;
    H5Aiterate2(
        obj, H5_INDEX_NAME, H5_ITER_INC, nullptr,
        [](hid_t, const char* name, const H5A_info_t*, void* data) -> herr_t {
            static_cast<std::vector<std::string>*>(data)->emplace_back(name);
            return 0;
        },
        &names);
    return names;
}

/// A scalar variable-length UTF-8 string attribute (fails the test if it is anything else).
std::string read_string_attr(hid_t obj, const char* name) {
    INFO("attribute " << name);
    H a{H5Aopen(obj, name, H5P_DEFAULT), H5Aclose};
    REQUIRE(a.id >= 0);
    H type{H5Aget_type(a.id), H5Tclose};
    REQUIRE(H5Tget_class(type.id) == H5T_STRING);
    REQUIRE(H5Tis_variable_str(type.id) > 0);
    REQUIRE(H5Tget_cset(type.id) == H5T_CSET_UTF8);
    H space{H5Aget_space(a.id), H5Sclose};
    REQUIRE(H5Sget_simple_extent_type(space.id) == H5S_SCALAR);
    char* p = nullptr;
    REQUIRE(H5Aread(a.id, type.id, &p) >= 0);
    std::string s = p ? p : "";
    H5free_memory(p);
    return s;
}

template <class T>
T read_scalar_attr(hid_t obj, const char* name, hid_t file_type, hid_t mem_type) {
    INFO("attribute " << name);
    H a{H5Aopen(obj, name, H5P_DEFAULT), H5Aclose};
    REQUIRE(a.id >= 0);
    H type{H5Aget_type(a.id), H5Tclose};
    REQUIRE(H5Tequal(type.id, file_type) > 0);
    T v{};
    REQUIRE(H5Aread(a.id, mem_type, &v) >= 0);
    return v;
}

std::vector<std::string> read_strings(hid_t file, const char* name) {
    INFO("dataset " << name);
    H ds{H5Dopen2(file, name, H5P_DEFAULT), H5Dclose};
    REQUIRE(ds.id >= 0);
    H type{H5Dget_type(ds.id), H5Tclose};
    REQUIRE(H5Tis_variable_str(type.id) > 0);
    REQUIRE(H5Tget_cset(type.id) == H5T_CSET_UTF8);
    H space{H5Dget_space(ds.id), H5Sclose};
    std::vector<char*> p(std::size_t(H5Sget_simple_extent_npoints(space.id)));
    REQUIRE(H5Dread(ds.id, type.id, H5S_ALL, H5S_ALL, H5P_DEFAULT, p.data()) >= 0);
    std::vector<std::string> out;
    for (char* s : p) out.emplace_back(s ? s : "");
    H5Dvlen_reclaim(type.id, space.id, H5P_DEFAULT, p.data());
    return out;
}

std::vector<hsize_t> dims_of(hid_t ds) {
    H space{H5Dget_space(ds), H5Sclose};
    std::vector<hsize_t> d(std::size_t(H5Sget_simple_extent_ndims(space.id)));
    H5Sget_simple_extent_dims(space.id, d.data(), nullptr);
    return d;
}

/// Names of the dimension scales attached to each axis of `ds` (one per axis expected).
std::vector<std::string> scale_names(hid_t ds) {
    std::vector<std::string> out;
    const auto rank = dims_of(ds).size();
    for (unsigned d = 0; d < rank; ++d) {
        std::vector<std::string> found;
        H5DSiterate_scales(
            ds, d, nullptr,
            [](hid_t, unsigned, hid_t scale, void* data) -> herr_t {
                char name[256] = {};
                H5DSget_scale_name(scale, name, sizeof name);
                static_cast<std::vector<std::string>*>(data)->emplace_back(name);
                return 0;
            },
            &found);
        REQUIRE(found.size() == 1);
        out.push_back(found[0]);
    }
    return out;
}

/// A whole 1-D dataset, converted to T by HDF5.
template <class T>
std::vector<T> read_1d(hid_t loc, const char* name, hid_t mem_type) {
    INFO("dataset " << name);
    H ds{H5Dopen2(loc, name, H5P_DEFAULT), H5Dclose};
    REQUIRE(ds.id >= 0);
    const auto d = dims_of(ds.id);
    REQUIRE(d.size() == 1);
    std::vector<T> v(d[0]);
    if (!v.empty()) REQUIRE(H5Dread(ds.id, mem_type, H5S_ALL, H5S_ALL, H5P_DEFAULT, v.data()) >= 0);
    return v;
}

/// A 1-D numeric attribute read as uint8.
std::vector<std::uint8_t> read_u8_attr(hid_t obj, const char* name) {
    INFO("attribute " << name);
    H a{H5Aopen(obj, name, H5P_DEFAULT), H5Aclose};
    REQUIRE(a.id >= 0);
    H type{H5Aget_type(a.id), H5Tclose};
    CHECK(H5Tequal(type.id, H5T_STD_U8LE) > 0);
    H space{H5Aget_space(a.id), H5Sclose};
    std::vector<std::uint8_t> v(std::size_t(H5Sget_simple_extent_npoints(space.id)));
    REQUIRE(H5Aread(a.id, H5T_NATIVE_UINT8, v.data()) >= 0);
    return v;
}

std::string read_text(const fs::path& p) {
    std::ifstream in(p);
    REQUIRE(in.good());
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

std::string trim(std::string s) {
    const auto b = s.find_first_not_of(" \t");
    const auto e = s.find_last_not_of(" \t");
    return b == std::string::npos ? std::string() : s.substr(b, e - b + 1);
}

std::string unquote(std::string s) {
    s = trim(s);
    if (s.size() >= 2 && s.front() == '`' && s.back() == '`') s = s.substr(1, s.size() - 2);
    return s;
}

/// Rows (cells) of the markdown table under the heading `heading` in `text`.
std::vector<std::vector<std::string>> markdown_table(const std::string& text, const std::string& heading) {
    std::istringstream in(text);
    std::string line;
    bool in_section = false;
    bool in_code = false;
    std::vector<std::vector<std::string>> rows;
    while (std::getline(in, line)) {
        if (line.rfind("```", 0) == 0) in_code = !in_code;
        if (in_code) continue;
        if (line.rfind("#", 0) == 0) {
            if (in_section) break;
            in_section = trim(line) == heading;
            continue;
        }
        if (!in_section || line.rfind("|", 0) != 0) continue;
        std::vector<std::string> cells;
        std::string cell;
        std::istringstream row(line.substr(1));
        while (std::getline(row, cell, '|')) cells.push_back(trim(cell));
        if (!cells.empty() && cells.back().empty()) cells.pop_back();
        if (cells.empty() || cells[0].find("---") != std::string::npos) continue;
        rows.push_back(cells);
    }
    REQUIRE(rows.size() >= 2);  // a header and at least one row
    rows.erase(rows.begin());   // header
    return rows;
}

}  // namespace

TEST_CASE("write_results writes the documented layout", "[io]") {
    const fs::path dir = scratch("layout");
    const fs::path out = dir / "out.h5";
    const ResultSet rs = two_scenarios(2, 3);
    write_results(out, rs, fake_provenance(42));
    REQUIRE(dir_entries(dir) == std::vector<std::string>{"out.h5"});  // no temporary left

    H file{H5Fopen(out.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT), H5Fclose};
    REQUIRE(file.id >= 0);

    SECTION("exact list of datasets and groups") {
        CHECK(root_links(file.id, H5O_TYPE_DATASET) == pinned_datasets);
        CHECK(root_links(file.id, H5O_TYPE_GROUP) == std::vector<std::string>{"provenance"});
        // The pinned list is the indicator table plus the coordinates and scenario variables.
        std::vector<std::string> expected = {"scenario",   "replicate",     "week",          "buurt",
                                             "buurt_code", "buurt_name",    "wijk_code",     "wijk_name",
                                             "scenario_name", "scenario_toml", "scenario_files", "targeted"};
        for (const auto& s : indicator_specs()) expected.emplace_back(s.name);
        std::sort(expected.begin(), expected.end());
        CHECK(expected == pinned_datasets);
    }

    SECTION("root attributes") {
        CHECK(attr_names(file.id)
              == std::vector<std::string>{"buurtsim_version", "format_version", "git_commit", "seed", "title"});
        CHECK(read_string_attr(file.id, "format_version") == format_version);
        CHECK(read_string_attr(file.id, "buurtsim_version") == "0.1.0");
        CHECK(read_string_attr(file.id, "git_commit") == "0123456789abcdef0123456789abcdef01234567-dirty");
        CHECK(read_string_attr(file.id, "title") == "buurtsim results");
        CHECK(read_scalar_attr<std::uint64_t>(file.id, "seed", H5T_STD_U64LE, H5T_NATIVE_UINT64) == 42);
    }

    SECTION("dimension scales") {
        const std::vector<std::pair<const char*, hsize_t>> dims = {
            {"scenario", 2}, {"replicate", 2}, {"week", 3}, {"buurt", 2}};
        for (std::size_t k = 0; k < dims.size(); ++k) {
            const auto& [name, size] = dims[k];
            INFO("dimension " << name);
            H ds{H5Dopen2(file.id, name, H5P_DEFAULT), H5Dclose};
            REQUIRE(ds.id >= 0);
            CHECK(H5DSis_scale(ds.id) > 0);
            char scale_name[64] = {};
            H5DSget_scale_name(ds.id, scale_name, sizeof scale_name);
            CHECK(std::string(scale_name) == name);
            CHECK(dims_of(ds.id) == std::vector<hsize_t>{size});
            H type{H5Dget_type(ds.id), H5Tclose};
            CHECK(H5Tequal(type.id, H5T_STD_I32LE) > 0);
            std::vector<std::int32_t> v(size);
            REQUIRE(H5Dread(ds.id, H5T_NATIVE_INT32, H5S_ALL, H5S_ALL, H5P_DEFAULT, v.data()) >= 0);
            for (hsize_t i = 0; i < size; ++i) CHECK(v[i] == std::int32_t(i));
            // netCDF-4 dimension id, in axis order of the data variables.
            CHECK(read_scalar_attr<std::int32_t>(ds.id, "_Netcdf4Dimid", H5T_STD_I32LE, H5T_NATIVE_INT32)
                  == std::int32_t(k));
        }
        H week{H5Dopen2(file.id, "week", H5P_DEFAULT), H5Dclose};
        // "week since ..." would make xarray try to decode a CF time and fail.
        CHECK(read_string_attr(week.id, "units") == "week");
    }

    SECTION("coordinates along buurt and scenario") {
        CHECK(read_strings(file.id, "buurt_code") == std::vector<std::string>{"BU03440101", "BU03440201"});
        CHECK(read_strings(file.id, "buurt_name") == std::vector<std::string>{"Lombok-Oost", "Zuilen — Oost"});
        CHECK(read_strings(file.id, "wijk_code") == std::vector<std::string>{"WK034401", "WK034402"});
        CHECK(read_strings(file.id, "wijk_name") == std::vector<std::string>{"West", "Noordwest"});
        CHECK(read_strings(file.id, "scenario_name") == std::vector<std::string>{"tiny", "more"});
        for (const char* name : {"buurt_code", "buurt_name", "wijk_code", "wijk_name", "scenario_name"}) {
            INFO(name);
            H ds{H5Dopen2(file.id, name, H5P_DEFAULT), H5Dclose};
            CHECK(scale_names(ds.id)
                  == std::vector<std::string>{std::string(name) == "scenario_name" ? "scenario" : "buurt"});
            CHECK(!read_string_attr(ds.id, "long_name").empty());
        }
    }

    SECTION("scenario variables") {
        CHECK(read_strings(file.id, "scenario_toml")
              == std::vector<std::string>{"[population]\nscale = 0.02\n", "name = \"more\"\n"});
        CHECK(read_strings(file.id, "scenario_files")
              == std::vector<std::string>{"experiments/base.toml\nexperiments/tiny.toml", "more.toml"});
        for (const char* name : {"scenario_toml", "scenario_files"}) {
            INFO(name);
            H ds{H5Dopen2(file.id, name, H5P_DEFAULT), H5Dclose};
            CHECK(scale_names(ds.id) == std::vector<std::string>{"scenario"});
            CHECK(read_string_attr(ds.id, "coordinates") == "scenario_name");
            CHECK(!read_string_attr(ds.id, "long_name").empty());
        }
        H ds{H5Dopen2(file.id, "targeted", H5P_DEFAULT), H5Dclose};
        REQUIRE(ds.id >= 0);
        H type{H5Dget_type(ds.id), H5Tclose};
        CHECK(H5Tequal(type.id, H5T_STD_I8LE) > 0);
        CHECK(dims_of(ds.id) == std::vector<hsize_t>{2, 2});
        CHECK(scale_names(ds.id) == std::vector<std::string>{"scenario", "buurt"});
        std::vector<std::int8_t> t(4);
        REQUIRE(H5Dread(ds.id, H5T_NATIVE_INT8, H5S_ALL, H5S_ALL, H5P_DEFAULT, t.data()) >= 0);
        CHECK(t == std::vector<std::int8_t>{0, 0, 0, 1});  // "tiny" targets nothing (empty = none)
        CHECK(read_string_attr(ds.id, "flag_meanings") == "not_targeted targeted");
        CHECK(read_string_attr(ds.id, "coordinates") == "scenario_name buurt_code buurt_name wijk_code wijk_name");
    }

    SECTION("data variables: dtype, dims, attributes, storage, values") {
        const auto& specs = indicator_specs();
        for (std::size_t i = 0; i < n_indicators; ++i) {
            const std::string name(specs[i].name);
            INFO("dataset " << name);
            H ds{H5Dopen2(file.id, name.c_str(), H5P_DEFAULT), H5Dclose};
            REQUIRE(ds.id >= 0);
            H type{H5Dget_type(ds.id), H5Tclose};
            CHECK(H5Tequal(type.id, specs[i].integer ? H5T_STD_I32LE : H5T_IEEE_F64LE) > 0);
            CHECK(dims_of(ds.id) == std::vector<hsize_t>{2, 2, 3, 2});
            CHECK(scale_names(ds.id) == std::vector<std::string>{"scenario", "replicate", "week", "buurt"});
            CHECK(attr_names(ds.id) == std::vector<std::string>{"DIMENSION_LIST", "coordinates", "long_name", "units"});
            CHECK(read_string_attr(ds.id, "units") == specs[i].unit);
            CHECK(read_string_attr(ds.id, "long_name") == specs[i].meaning);
            CHECK(read_string_attr(ds.id, "coordinates") == "scenario_name buurt_code buurt_name wijk_code wijk_name");

            H dcpl{H5Dget_create_plist(ds.id), H5Pclose};
            REQUIRE(H5Pget_layout(dcpl.id) == H5D_CHUNKED);
            hsize_t chunk[4] = {};
            REQUIRE(H5Pget_chunk(dcpl.id, 4, chunk) == 4);
            CHECK(chunk[0] == 1);
            CHECK(chunk[1] == 1);
            CHECK(chunk[2] == 3);
            CHECK(chunk[3] == 2);
            std::vector<H5Z_filter_t> filters;
            for (int k = 0; k < H5Pget_nfilters(dcpl.id); ++k) {
                unsigned flags = 0;
                size_t n = 0;
                unsigned cfg = 0;
                filters.push_back(H5Pget_filter2(dcpl.id, unsigned(k), &flags, &n, nullptr, 0, nullptr, &cfg));
            }
            // Counts shuffled, then deflated; float64 deflated only (FORMAT.md "Data variables" says why).
            CHECK(filters
                  == (specs[i].integer ? std::vector<H5Z_filter_t>{H5Z_FILTER_SHUFFLE, H5Z_FILTER_DEFLATE}
                                       : std::vector<H5Z_filter_t>{H5Z_FILTER_DEFLATE}));

            std::vector<double> v(2 * 2 * 3 * 2);
            REQUIRE(H5Dread(ds.id, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, v.data()) >= 0);
            for (std::uint32_t sc = 0; sc < 2; ++sc)
                for (std::uint32_t r = 0; r < 2; ++r)
                    for (std::uint32_t w = 0; w < 3; ++w)
                        for (std::uint32_t b = 0; b < 2; ++b) {
                            const double got = v[((sc * 2 + r) * 3 + w) * 2 + b];
                            INFO("s=" << sc << " r=" << r << " w=" << w << " b=" << b);
                            if (Indicator(i) == Indicator::buurtteam_wait_weeks && r == 0 && w == 1 && b == 1)
                                CHECK(std::isnan(got));
                            else
                                CHECK(got == fake_value(i, r, w, b, sc));
                        }
        }
        // One position spelled out, to catch a transposed layout that the loop could mirror.
        H ds{H5Dopen2(file.id, "questions_new", H5P_DEFAULT), H5Dclose};
        std::vector<std::int32_t> q(24);
        REQUIRE(H5Dread(ds.id, H5T_NATIVE_INT32, H5S_ALL, H5S_ALL, H5P_DEFAULT, q.data()) >= 0);
        REQUIRE(std::size_t(Indicator::questions_new) == 3);
        CHECK(q[((1 * 2 + 1) * 3 + 2) * 2 + 0] == 103120);  // scenario 1, indicator 3, replicate 1, week 2, buurt 0
    }

    SECTION("provenance group") {
        H g{H5Gopen2(file.id, "provenance", H5P_DEFAULT), H5Gclose};
        REQUIRE(g.id >= 0);
        CHECK(attr_names(g.id)
              == std::vector<std::string>{"command_line", "data_files", "end_time", "git_commit", "host", "resumed",
                                          "seed", "start_time", "threads", "version"});
        CHECK(read_string_attr(g.id, "version") == "0.1.0");
        CHECK(read_string_attr(g.id, "git_commit") == "0123456789abcdef0123456789abcdef01234567-dirty");
        CHECK(read_scalar_attr<std::uint64_t>(g.id, "seed", H5T_STD_U64LE, H5T_NATIVE_UINT64) == 42);
        CHECK(read_string_attr(g.id, "data_files")
              == std::string(64, 'a') + "  data/a.csv\n" + std::string(64, 'b') + "  data/b.csv");
        CHECK(read_scalar_attr<std::int32_t>(g.id, "threads", H5T_STD_I32LE, H5T_NATIVE_INT32) == 3);
        CHECK(read_string_attr(g.id, "host") == "testhost");
        CHECK(read_string_attr(g.id, "command_line") == "buurtsim run tiny.toml -o out.h5");
        CHECK(read_string_attr(g.id, "start_time") == "2026-01-02T03:04:05Z");
        CHECK(read_string_attr(g.id, "end_time") == "2026-01-02T03:04:06Z");
    }
}

TEST_CASE("write_results: the replicate coordinate holds the replicate indices", "[io]") {
    // A batch re-run as replicate 3 alone (--only-replicate 3).
    const fs::path out = scratch("replicate_ids") / "r3.h5";
    ResultSet rs = wrap(tiny_geography(), fake_results(1, 2, 2));
    rs.replicate_ids = {3};
    rs.scenarios[0].replicates[0].snapshots = {fake_snapshot(1, 4, 2, 1)};
    write_results(out, rs, fake_provenance(1));
    H file{H5Fopen(out.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT), H5Fclose};
    CHECK(read_1d<std::int32_t>(file.id, "replicate", H5T_NATIVE_INT32) == std::vector<std::int32_t>{3});
    H snaps{H5Gopen2(file.id, "snapshots", H5P_DEFAULT), H5Gclose};
    REQUIRE(links(snaps.id, H5O_TYPE_GROUP) == std::vector<std::string>{"s0_r3_w0001"});
    H g{H5Gopen2(snaps.id, "s0_r3_w0001", H5P_DEFAULT), H5Gclose};
    CHECK(read_scalar_attr<std::int32_t>(g.id, "replicate", H5T_STD_I32LE, H5T_NATIVE_INT32) == 3);
    CHECK(read_scalar_attr<std::int32_t>(g.id, "scenario", H5T_STD_I32LE, H5T_NATIVE_INT32) == 0);
}

TEST_CASE("write_results writes snapshots as netCDF-4 groups under /snapshots", "[io][snapshots]") {
    const fs::path dir = scratch("snapshots");
    const fs::path out = dir / "snap.h5";
    const Geography geo = tiny_geography();
    auto reps = fake_results(2, 60, 2);
    reps[0].snapshots = {fake_snapshot(0, 7, 2, 1), fake_snapshot(52, 9, 2, 2)};
    reps[1].snapshots = {fake_snapshot(52, 5, 2, 3)};
    ResultSet rs = wrap(geo, reps);
    ScenarioRun more;
    more.name = "more";
    more.replicates = fake_results(2, 60, 2, 1);
    more.replicates[1].snapshots = {fake_snapshot(52, 6, 2, 4)};
    rs.scenarios.push_back(more);
    write_results(out, rs, fake_provenance(5));
    REQUIRE(dir_entries(dir) == std::vector<std::string>{"snap.h5"});

    H file{H5Fopen(out.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT), H5Fclose};
    REQUIRE(file.id >= 0);
    CHECK(root_links(file.id, H5O_TYPE_GROUP) == std::vector<std::string>{"provenance", "snapshots"});
    CHECK(root_links(file.id, H5O_TYPE_DATASET) == pinned_datasets);  // the root is unchanged
    H snaps{H5Gopen2(file.id, "snapshots", H5P_DEFAULT), H5Gclose};
    REQUIRE(snaps.id >= 0);
    CHECK(links(snaps.id, H5O_TYPE_DATASET).empty());
    CHECK(attr_names(snaps.id).empty());
    // Zero-padded weeks: names sort by scenario, replicate, then week.
    REQUIRE(links(snaps.id, H5O_TYPE_GROUP)
            == std::vector<std::string>{"s0_r0_w0000", "s0_r0_w0052", "s0_r1_w0052", "s1_r1_w0052"});

    std::vector<std::int32_t> dimids;
    const std::vector<std::tuple<const char*, std::size_t, std::size_t, const Snapshot*>> groups = {
        {"s0_r0_w0000", 0, 0, &reps[0].snapshots[0]},
        {"s0_r0_w0052", 0, 0, &reps[0].snapshots[1]},
        {"s0_r1_w0052", 0, 1, &reps[1].snapshots[0]},
        {"s1_r1_w0052", 1, 1, &rs.scenarios[1].replicates[1].snapshots[0]}};
    for (const auto& [name, sc, r, snap] : groups) {
        INFO("group " << name);
        H g{H5Gopen2(snaps.id, name, H5P_DEFAULT), H5Gclose};
        REQUIRE(g.id >= 0);
        const std::size_t n = snap->buurt.size(), e = snap->source.size();

        SECTION(std::string("pinned variable list and attributes of ") + name) {
            CHECK(links(g.id, H5O_TYPE_DATASET) == pinned_snapshot_names());
            CHECK(links(g.id, H5O_TYPE_GROUP).empty());
            CHECK(attr_names(g.id) == std::vector<std::string>{"replicate", "scenario", "week"});
            CHECK(read_scalar_attr<std::int32_t>(g.id, "scenario", H5T_STD_I32LE, H5T_NATIVE_INT32) == std::int32_t(sc));
            CHECK(read_scalar_attr<std::int32_t>(g.id, "replicate", H5T_STD_I32LE, H5T_NATIVE_INT32) == std::int32_t(r));
            CHECK(read_scalar_attr<std::int32_t>(g.id, "week", H5T_STD_I32LE, H5T_NATIVE_INT32)
                  == std::int32_t(snap->week));
        }

        SECTION(std::string("dimensions, dtypes, storage and attributes of ") + name) {
            for (const auto& v : pinned_snapshot_datasets) {
                INFO("dataset " << v.name);
                H ds{H5Dopen2(g.id, v.name, H5P_DEFAULT), H5Dclose};
                REQUIRE(ds.id >= 0);
                H type{H5Dget_type(ds.id), H5Tclose};
                CHECK(H5Tequal(type.id, file_type_of(v.dtype)) > 0);
                const bool per_resident = std::string(v.dim) == "resident";
                CHECK(dims_of(ds.id) == std::vector<hsize_t>{per_resident ? n : e});
                CHECK(!read_string_attr(ds.id, "long_name").empty());
                H dcpl{H5Dget_create_plist(ds.id), H5Pclose};
                REQUIRE(H5Pget_layout(dcpl.id) == H5D_CHUNKED);
                std::vector<H5Z_filter_t> filters;
                for (int k = 0; k < H5Pget_nfilters(dcpl.id); ++k) {
                    unsigned flags = 0, cfg = 0;
                    size_t nv = 0;
                    filters.push_back(H5Pget_filter2(dcpl.id, unsigned(k), &flags, &nv, nullptr, 0, nullptr, &cfg));
                }
                CHECK(filters == std::vector<H5Z_filter_t>{H5Z_FILTER_SHUFFLE, H5Z_FILTER_DEFLATE});
                if (std::string(v.name) == v.dim) {
                    CHECK(H5DSis_scale(ds.id) > 0);
                } else {
                    CHECK(scale_names(ds.id) == std::vector<std::string>{v.dim});
                }
            }
            H tt{H5Dopen2(g.id, "tie_type", H5P_DEFAULT), H5Dclose};
            CHECK(read_u8_attr(tt.id, "flag_values") == std::vector<std::uint8_t>{0, 1, 2, 3, 4});
            CHECK(read_string_attr(tt.id, "flag_meanings") == "household neighbour friend weak met");
            H ht{H5Dopen2(g.id, "household_type", H5P_DEFAULT), H5Dclose};
            CHECK(read_u8_attr(ht.id, "flag_values") == std::vector<std::uint8_t>{0, 1, 2});
            CHECK(read_string_attr(ht.id, "flag_meanings") == "single without_children with_children");
            H ab{H5Dopen2(g.id, "age_band", H5P_DEFAULT), H5Dclose};
            CHECK(read_u8_attr(ab.id, "flag_values") == std::vector<std::uint8_t>{0, 1, 2, 3, 4});
            H vu{H5Dopen2(g.id, "vulnerability", H5P_DEFAULT), H5Dclose};
            CHECK(read_u8_attr(vu.id, "flag_masks") == std::vector<std::uint8_t>{1, 2, 4, 8, 16});
            CHECK(read_string_attr(vu.id, "flag_meanings") == "psych homeless_history nah lvb frail");
            H ro{H5Dopen2(g.id, "roles", H5P_DEFAULT), H5Dclose};
            CHECK(read_u8_attr(ro.id, "flag_masks") == std::vector<std::uint8_t>{1, 2, 4, 8, 16});
            CHECK(read_string_attr(ro.id, "flag_meanings")
                  == "volunteer support_volunteer carer buurtteam_client wmo_client");
            H age{H5Dopen2(g.id, "age", H5P_DEFAULT), H5Dclose};
            CHECK(read_string_attr(age.id, "units") == "year");
        }

        SECTION(std::string("values round-trip in ") + name) {
            std::vector<std::int32_t> ids(n), tie_ids(e);
            for (std::size_t i = 0; i < n; ++i) ids[i] = std::int32_t(i);
            for (std::size_t k = 0; k < e; ++k) tie_ids[k] = std::int32_t(k);
            CHECK(read_1d<std::int32_t>(g.id, "resident", H5T_NATIVE_INT32) == ids);
            CHECK(read_1d<std::int32_t>(g.id, "tie", H5T_NATIVE_INT32) == tie_ids);
            CHECK(read_1d<std::uint16_t>(g.id, "buurt", H5T_NATIVE_UINT16) == snap->buurt);
            CHECK(read_1d<std::uint8_t>(g.id, "age", H5T_NATIVE_UINT8) == snap->age);
            CHECK(read_1d<std::uint8_t>(g.id, "age_band", H5T_NATIVE_UINT8) == snap->age_band);
            CHECK(read_1d<std::uint32_t>(g.id, "household", H5T_NATIVE_UINT32) == snap->household);
            CHECK(read_1d<std::uint8_t>(g.id, "household_type", H5T_NATIVE_UINT8) == snap->household_type);
            CHECK(read_1d<std::uint8_t>(g.id, "vulnerability", H5T_NATIVE_UINT8) == snap->vulnerability);
            CHECK(read_1d<std::uint8_t>(g.id, "loneliness", H5T_NATIVE_UINT8) == snap->loneliness);
            CHECK(read_1d<std::uint8_t>(g.id, "roles", H5T_NATIVE_UINT8) == snap->roles);
            CHECK(read_1d<float>(g.id, "self_reliance", H5T_NATIVE_FLOAT) == snap->self_reliance);
            CHECK(read_1d<std::uint32_t>(g.id, "source", H5T_NATIVE_UINT32) == snap->source);
            CHECK(read_1d<std::uint32_t>(g.id, "target", H5T_NATIVE_UINT32) == snap->target);
            CHECK(read_1d<std::uint8_t>(g.id, "tie_type", H5T_NATIVE_UINT8) == snap->tie_type);
            CHECK(read_1d<std::uint8_t>(g.id, "strength", H5T_NATIVE_UINT8) == snap->strength);
        }
    }
    // One tie spelled out: the ring closes with (0, n-1), weak, strength 255.
    H g{H5Gopen2(snaps.id, "s0_r0_w0052", H5P_DEFAULT), H5Gclose};
    const auto src = read_1d<std::int32_t>(g.id, "source", H5T_NATIVE_INT32);
    const auto tgt = read_1d<std::int32_t>(g.id, "target", H5T_NATIVE_INT32);
    REQUIRE(src.size() == 9);
    CHECK(src.back() == 0);
    CHECK(tgt.back() == 8);
    CHECK(read_1d<std::uint8_t>(g.id, "strength", H5T_NATIVE_UINT8).back() == 255);
    // netCDF-4 dimension ids are unique in the file: the root has 0-3, the
    // snapshot groups take 4, 5, ... in the order they are written.
    for (const auto& [name, sc, r, snap] : groups) {
        for (const char* dim : {"resident", "tie"}) {
            const std::string path = std::string(name) + "/" + dim;
            H ds{H5Dopen2(snaps.id, path.c_str(), H5P_DEFAULT), H5Dclose};
            REQUIRE(ds.id >= 0);
            dimids.push_back(read_scalar_attr<std::int32_t>(ds.id, "_Netcdf4Dimid", H5T_STD_I32LE, H5T_NATIVE_INT32));
        }
    }
    CHECK(dimids == std::vector<std::int32_t>{4, 5, 6, 7, 8, 9, 10, 11});
}

TEST_CASE("write_results: a snapshot without ties, and large snapshots chunked", "[io][snapshots]") {
    const fs::path dir = scratch("snapshot_edges");
    const fs::path out = dir / "snap.h5";
    auto reps = fake_results(1, 3, 2);
    Snapshot lonely = fake_snapshot(1, 1, 2, 4);  // one resident, no ties
    REQUIRE(lonely.source.empty());
    Snapshot big = fake_snapshot(2, 70000, 2, 5);
    reps[0].snapshots = {lonely, big};
    write_results(out, wrap(tiny_geography(), reps), fake_provenance(1));
    H file{H5Fopen(out.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT), H5Fclose};
    H g1{H5Gopen2(file.id, "snapshots/s0_r0_w0001", H5P_DEFAULT), H5Gclose};
    REQUIRE(g1.id >= 0);
    CHECK(links(g1.id, H5O_TYPE_DATASET) == pinned_snapshot_names());
    CHECK(read_1d<std::int32_t>(g1.id, "tie", H5T_NATIVE_INT32).empty());
    CHECK(read_1d<std::int32_t>(g1.id, "source", H5T_NATIVE_INT32).empty());
    CHECK(read_1d<std::uint8_t>(g1.id, "age", H5T_NATIVE_UINT8) == lonely.age);
    {
        H tie{H5Dopen2(g1.id, "tie", H5P_DEFAULT), H5Dclose};
        CHECK(H5DSis_scale(tie.id) > 0);
        H src{H5Dopen2(g1.id, "source", H5P_DEFAULT), H5Dclose};
        CHECK(scale_names(src.id) == std::vector<std::string>{"tie"});
    }
    H g2{H5Gopen2(file.id, "snapshots/s0_r0_w0002", H5P_DEFAULT), H5Gclose};
    H ds{H5Dopen2(g2.id, "household", H5P_DEFAULT), H5Dclose};
    H dcpl{H5Dget_create_plist(ds.id), H5Pclose};
    hsize_t chunk = 0;
    REQUIRE(H5Pget_chunk(dcpl.id, 1, &chunk) == 1);
    CHECK(chunk == 65536);
    CHECK(read_1d<std::uint32_t>(g2.id, "household", H5T_NATIVE_UINT32) == big.household);
    CHECK(read_1d<std::uint32_t>(g2.id, "target", H5T_NATIVE_UINT32) == big.target);
}

TEST_CASE("write_results chunks long runs by at most 260 weeks", "[io]") {
    const fs::path out = scratch("chunks") / "long.h5";
    Geography geo = tiny_geography();
    write_results(out, wrap(geo, fake_results(1, 300, 2)), fake_provenance(1));
    H file{H5Fopen(out.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT), H5Fclose};
    H ds{H5Dopen2(file.id, "residents", H5P_DEFAULT), H5Dclose};
    H dcpl{H5Dget_create_plist(ds.id), H5Pclose};
    hsize_t chunk[4] = {};
    REQUIRE(H5Pget_chunk(dcpl.id, 4, chunk) == 4);
    CHECK(chunk[2] == 260);
    std::vector<std::int32_t> v(300 * 2);
    REQUIRE(H5Dread(ds.id, H5T_NATIVE_INT32, H5S_ALL, H5S_ALL, H5P_DEFAULT, v.data()) >= 0);
    CHECK(v[299 * 2 + 1] == 2991);  // last week, second chunk
}

TEST_CASE("write_results replaces an existing file", "[io]") {
    const fs::path dir = scratch("replace");
    const fs::path out = dir / "out.h5";
    const Geography geo = tiny_geography();
    write_results(out, wrap(geo, fake_results(2, 3, 2)), fake_provenance(1));
    write_results(out, wrap(geo, fake_results(1, 4, 2)), fake_provenance(2));
    CHECK(dir_entries(dir) == std::vector<std::string>{"out.h5"});
    H file{H5Fopen(out.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT), H5Fclose};
    REQUIRE(file.id >= 0);
    CHECK(read_scalar_attr<std::uint64_t>(file.id, "seed", H5T_STD_U64LE, H5T_NATIVE_UINT64) == 2);
    H ds{H5Dopen2(file.id, "residents", H5P_DEFAULT), H5Dclose};
    CHECK(dims_of(ds.id) == std::vector<hsize_t>{1, 1, 4, 2});
}

TEST_CASE("write_results into a missing directory throws IoError and leaves nothing", "[io]") {
    const fs::path dir = scratch("missing");
    const fs::path out = dir / "no_such_dir" / "out.h5";
    try {
        write_results(out, wrap(tiny_geography(), fake_results(1, 2, 2)), fake_provenance(1));
        FAIL("expected IoError");
    } catch (const IoError& e) {
        CHECK_THAT(e.what(), Catch::Contains(out.string()));
        CHECK_THAT(e.what(), Catch::Contains("does not exist"));
    }
    CHECK_FALSE(fs::exists(dir / "no_such_dir"));
    CHECK(dir_entries(dir).empty());
}

TEST_CASE("write_results onto a directory is refused and leaves it alone", "[io]") {
    // Once the rename failed here, after the whole write; now the target is checked first
    // (check_output_target; its cases are in test_atomic_replace.cpp).
    const fs::path dir = scratch("rename_fails");
    const fs::path out = dir / "out.h5";
    fs::create_directories(out);
    std::ofstream(out / "keep.txt") << "keep";
    try {
        write_results(out, wrap(tiny_geography(), fake_results(2, 3, 2)), fake_provenance(1));
        FAIL("expected IoError");
    } catch (const IoError& e) {
        CHECK_THAT(e.what(), Catch::Contains(out.string()));
        CHECK_THAT(e.what(), Catch::Contains("is a directory"));
    }
    CHECK(dir_entries(dir) == std::vector<std::string>{"out.h5"});
    CHECK(fs::is_directory(out));
    CHECK(dir_entries(out) == std::vector<std::string>{"keep.txt"});
}

TEST_CASE("write_results rejects inconsistent results and keeps the old file", "[io]") {
    const fs::path dir = scratch("inconsistent");
    const fs::path out = dir / "out.h5";
    const Geography geo = tiny_geography();
    write_results(out, wrap(geo, fake_results(1, 3, 2)), fake_provenance(7));
    const auto before = fs::file_size(out);

    auto reps = fake_results(2, 3, 2);
    SECTION("different weeks") { reps[1] = fake_results(1, 4, 2)[0]; }
    SECTION("buurten differ from the geography") { reps = fake_results(2, 3, 3); }
    SECTION("wrong number of values") { reps[1].values[3].pop_back(); }
    SECTION("no replicates") { reps.clear(); }
    SECTION("a count that is not a whole number") { reps[0].at(Indicator::residents, 0, 0) = 1.5; }
    SECTION("a negative count") { reps[1].at(Indicator::questions_new, 2, 1) = -1; }
    SECTION("an infinite hour total") { reps[0].at(Indicator::buurtteam_hours, 0, 0) = INFINITY; }
    SECTION("a snapshot after the last week") { reps[1].snapshots = {fake_snapshot(3, 4, 2, 1)}; }
    SECTION("snapshots out of week order") {
        reps[0].snapshots = {fake_snapshot(2, 4, 2, 1), fake_snapshot(1, 4, 2, 1)};
    }
    SECTION("two snapshots of one week") {
        reps[0].snapshots = {fake_snapshot(1, 4, 2, 1), fake_snapshot(1, 4, 2, 1)};
    }
    SECTION("a snapshot array of the wrong length") {
        reps[0].snapshots = {fake_snapshot(1, 4, 2, 1)};
        reps[0].snapshots[0].roles.pop_back();
    }
    SECTION("a tie array of the wrong length") {
        reps[0].snapshots = {fake_snapshot(1, 4, 2, 1)};
        reps[0].snapshots[0].strength.push_back(1);
    }
    SECTION("a tie with source >= target") {
        reps[0].snapshots = {fake_snapshot(1, 4, 2, 1)};
        std::swap(reps[0].snapshots[0].source[1], reps[0].snapshots[0].target[1]);
    }
    SECTION("a tie to a resident that does not exist") {
        reps[0].snapshots = {fake_snapshot(1, 4, 2, 1)};
        reps[0].snapshots[0].target[0] = 4;
    }
    SECTION("a resident in a buurt that does not exist") {
        reps[0].snapshots = {fake_snapshot(1, 4, 2, 1)};
        reps[0].snapshots[0].buurt[2] = 2;
    }
    SECTION("an unknown tie type") {
        reps[0].snapshots = {fake_snapshot(1, 4, 2, 1)};
        reps[0].snapshots[0].tie_type[0] = 5;
    }
    SECTION("a loneliness score above 11") {
        reps[0].snapshots = {fake_snapshot(1, 4, 2, 1)};
        reps[0].snapshots[0].loneliness[0] = 12;
    }
    SECTION("self-reliance NaN") {
        reps[0].snapshots = {fake_snapshot(1, 4, 2, 1)};
        reps[0].snapshots[0].self_reliance[0] = std::nanf("");
    }
    SECTION("a buurt in a wijk that does not exist") {
        Geography bad = geo;
        bad.buurten[1].wijk = 2;
        CHECK_THROWS_AS(write_results(out, wrap(bad, reps), fake_provenance(8)), InternalError);
        reps.clear();  // checked already; the call below then fails the same way
    }
    CHECK_THROWS_AS(write_results(out, wrap(geo, reps), fake_provenance(8)), InternalError);
    CHECK(dir_entries(dir) == std::vector<std::string>{"out.h5"});
    CHECK(fs::file_size(out) == before);
    H file{H5Fopen(out.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT), H5Fclose};
    CHECK(read_scalar_attr<std::uint64_t>(file.id, "seed", H5T_STD_U64LE, H5T_NATIVE_UINT64) == 7);
}

TEST_CASE("write_results rejects inconsistent scenarios and keeps the old file", "[io]") {
    const fs::path dir = scratch("inconsistent_scenarios");
    const fs::path out = dir / "out.h5";
    write_results(out, wrap(tiny_geography(), fake_results(1, 3, 2)), fake_provenance(7));
    const auto before = fs::file_size(out);

    ResultSet rs = two_scenarios(2, 3);
    SECTION("two scenarios with one name") { rs.scenarios[1].name = "tiny"; }
    SECTION("a scenario with fewer replicates") { rs.scenarios[1].replicates.pop_back(); }
    SECTION("a scenario with other weeks") { rs.scenarios[1].replicates = fake_results(2, 4, 2, 1); }
    SECTION("targeted flags for the wrong number of buurten") { rs.scenarios[1].targeted = {1}; }
    SECTION("a targeted flag that is not 0 or 1") { rs.scenarios[1].targeted = {0, 2}; }
    SECTION("a replicate index twice") { rs.replicate_ids = {1, 1}; }
    SECTION("no scenarios") { rs.scenarios.clear(); }
    CHECK_THROWS_AS(write_results(out, rs, fake_provenance(8)), InternalError);
    CHECK(dir_entries(dir) == std::vector<std::string>{"out.h5"});
    CHECK(fs::file_size(out) == before);
}

TEST_CASE("read_results gives back what write_results wrote", "[io][read]") {
    const fs::path out = scratch("roundtrip") / "rt.h5";
    ResultSet rs = two_scenarios(3, 4);
    rs.replicate_ids = {0, 2, 5};
    write_results(out, rs, fake_provenance(9));
    CHECK(read_format_version(out) == format_version);

    const ResultSet back = read_results(out);
    CHECK(back.replicate_ids == rs.replicate_ids);
    REQUIRE(back.geo.buurten.size() == 2);
    REQUIRE(back.geo.wijken.size() == 2);
    for (std::size_t b = 0; b < 2; ++b) {
        CHECK(back.geo.buurten[b].code == rs.geo.buurten[b].code);
        CHECK(back.geo.buurten[b].name == rs.geo.buurten[b].name);
        CHECK(back.geo.wijken[back.geo.buurten[b].wijk].code == rs.geo.wijken[rs.geo.buurten[b].wijk].code);
        CHECK(back.geo.wijken[back.geo.buurten[b].wijk].name == rs.geo.wijken[rs.geo.buurten[b].wijk].name);
    }
    REQUIRE(back.scenarios.size() == 2);
    for (std::size_t sc = 0; sc < 2; ++sc) {
        const ScenarioRun& a = rs.scenarios[sc];
        const ScenarioRun& b = back.scenarios[sc];
        INFO("scenario " << a.name);
        CHECK(b.name == a.name);
        CHECK(b.toml == a.toml);
        CHECK(b.files == a.files);
        CHECK(b.targeted == (a.targeted.empty() ? std::vector<std::uint8_t>{0, 0} : a.targeted));
        REQUIRE(b.replicates.size() == 3);
        for (std::size_t r = 0; r < 3; ++r) {
            CHECK(b.replicates[r].weeks == 4);
            CHECK(b.replicates[r].buurten == 2);
            CHECK(b.replicates[r].snapshots.empty());
            for (std::size_t i = 0; i < n_indicators; ++i) {
                INFO("replicate " << r << " indicator " << indicator_specs()[i].name);
                const auto& x = a.replicates[r].values[i];
                const auto& y = b.replicates[r].values[i];
                REQUIRE(y.size() == x.size());
                for (std::size_t k = 0; k < x.size(); ++k)
                    CHECK((x[k] == y[k] || (std::isnan(x[k]) && std::isnan(y[k]))));
            }
        }
    }

    SECTION("only some indicators") {
        const ResultSet part = read_results(out, {Indicator::adults, Indicator::total_cost_eur});
        const Results& r = part.scenarios[1].replicates[2];
        CHECK(r.values[std::size_t(Indicator::adults)] == rs.scenarios[1].replicates[2].values[std::size_t(Indicator::adults)]);
        CHECK(r.values[std::size_t(Indicator::total_cost_eur)]
              == rs.scenarios[1].replicates[2].values[std::size_t(Indicator::total_cost_eur)]);
        CHECK(r.values[std::size_t(Indicator::residents)].empty());
    }
}

TEST_CASE("read_results rejects missing files, other files and other major versions", "[io][read]") {
    const fs::path dir = scratch("read_errors");
    SECTION("missing file") {
        try {
            read_results(dir / "nope.h5");
            FAIL("expected IoError");
        } catch (const IoError& e) {
            CHECK_THAT(e.what(), Catch::Contains("nope.h5") && Catch::Contains("no such file"));
        }
    }
    SECTION("not HDF5") {
        std::ofstream(dir / "text.h5") << "hello";
        CHECK_THROWS_WITH(read_results(dir / "text.h5"), Catch::Contains("not an HDF5 file"));
    }
    SECTION("HDF5 but not a result file") {
        H f{H5Fcreate((dir / "empty.h5").c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT), H5Fclose};
        REQUIRE(f.id >= 0);
        H5Fclose(f.id);
        f.id = -1;
        CHECK_THROWS_WITH(read_results(dir / "empty.h5"), Catch::Contains("not a buurtsim result file"));
    }
    SECTION("format 1.1 (one scenario, three dims)") {
        const fs::path old = dir / "old.h5";
        write_results(old, wrap(tiny_geography(), fake_results(1, 2, 2)), fake_provenance(1));
        set_format_version(old, "1.1");
        try {
            read_results(old);
            FAIL("expected IoError");
        } catch (const IoError& e) {
            const std::string msg = e.what();
            CHECK_THAT(msg, Catch::Contains("old.h5"));
            CHECK_THAT(msg, Catch::Contains("\"1.1\""));
            CHECK_THAT(msg, Catch::Contains("format_version 3.x"));
        }
    }
    SECTION("a later major version") {
        const fs::path next = dir / "next.h5";
        write_results(next, wrap(tiny_geography(), fake_results(1, 2, 2)), fake_provenance(1));
        set_format_version(next, "4.0");
        CHECK_THROWS_WITH(read_results(next), Catch::Contains("\"4.0\"") && Catch::Contains("newer"));
        // A 2.x file (total_cost_eur meant less) is refused as older.
        set_format_version(next, "2.1");
        CHECK_THROWS_WITH(read_results(next), Catch::Contains("\"2.1\"") && Catch::Contains("older"));
        // A later minor of our major is fine.
        set_format_version(next, "3.7");
        CHECK(read_results(next).scenarios.size() == 1);
    }
}

namespace {
Comparison fake_comparison(const std::string& tag, std::size_t rows) {
    Comparison c;
    c.baseline = "tiny";
    c.weeks_from = 1;
    c.weeks = 3;
    c.replicate_ids = {0, 1};
    c.version = "0.1.0";
    c.created = "2026-01-02T03:04:05Z";
    for (std::size_t k = 0; k < rows; ++k) {
        ComparisonRow r;
        r.scenario = "more";
        r.area = k % 2 ? "targeted" : "city";
        r.indicator = "buurtteam_hours";
        r.label = tag;
        r.unit = "h";
        r.buurten = std::int32_t(k);
        r.replicates = 2;
        r.baseline_mean = 1.5 + double(k);
        r.scenario_mean = 2.5;
        r.estimate = 1.0;
        r.ci_low = std::nan("");
        r.ci_high = 3.0;
        r.relative_change = 0.25;
        c.rows.push_back(r);
    }
    return c;
}

/// The pinned datasets of /comparison, in creation order.
const std::vector<std::string> pinned_comparison_datasets = {
    "row",         "scenario_name", "area",   "indicator", "label",  "unit",           "buurten",
    "replicates",  "baseline_mean", "scenario_mean", "estimate", "ci_low", "ci_high", "relative_change",
    "ui_low",      "ui_high",       "p_saving_exceeds_cost"};
}  // namespace

TEST_CASE("write_comparison adds /comparison atomically and replaces it", "[io][compare]") {
    const fs::path dir = scratch("comparison");
    const fs::path out = dir / "out.h5";
    ResultSet rs = two_scenarios(2, 3);
    rs.scenarios[1].replicates[0].snapshots = {fake_snapshot(1, 4, 2, 1)};  // takes netCDF dimension ids 4 and 5
    write_results(out, rs, fake_provenance(3));
    write_comparison(out, fake_comparison("first", 3));
    write_comparison(out, fake_comparison("second", 2));  // replaces
    CHECK(dir_entries(dir) == std::vector<std::string>{"out.h5"});

    H file{H5Fopen(out.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT), H5Fclose};
    REQUIRE(file.id >= 0);
    CHECK(root_links(file.id, H5O_TYPE_GROUP) == std::vector<std::string>{"comparison", "provenance", "snapshots"});
    CHECK(root_links(file.id, H5O_TYPE_DATASET) == pinned_datasets);
    H g{H5Gopen2(file.id, "comparison", H5P_DEFAULT), H5Gclose};
    auto sorted = pinned_comparison_datasets;
    std::sort(sorted.begin(), sorted.end());
    CHECK(links(g.id, H5O_TYPE_DATASET) == sorted);
    CHECK(attr_names(g.id) == std::vector<std::string>{"baseline", "buurtsim_version", "confidence", "created",
                                                        "parameters_with_priors", "replicate_ids", "weeks_from",
                                                        "weeks_to"});
    CHECK(read_string_attr(g.id, "baseline") == "tiny");
    CHECK(read_scalar_attr<std::int32_t>(g.id, "weeks_from", H5T_STD_I32LE, H5T_NATIVE_INT32) == 1);
    CHECK(read_scalar_attr<std::int32_t>(g.id, "weeks_to", H5T_STD_I32LE, H5T_NATIVE_INT32) == 2);
    CHECK(read_scalar_attr<double>(g.id, "confidence", H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE) == 0.95);
    CHECK(read_strings(g.id, "label") == std::vector<std::string>{"second", "second"});
    CHECK(read_strings(g.id, "area") == std::vector<std::string>{"city", "targeted"});
    CHECK(read_1d<std::int32_t>(g.id, "buurten", H5T_NATIVE_INT32) == std::vector<std::int32_t>{0, 1});
    CHECK(read_1d<double>(g.id, "baseline_mean", H5T_NATIVE_DOUBLE) == std::vector<double>{1.5, 2.5});
    CHECK(std::isnan(read_1d<double>(g.id, "ci_low", H5T_NATIVE_DOUBLE)[0]));
    for (const auto& name : pinned_comparison_datasets) {
        INFO(name);
        H ds{H5Dopen2(g.id, name.c_str(), H5P_DEFAULT), H5Dclose};
        CHECK(dims_of(ds.id) == std::vector<hsize_t>{2});
        if (name == "row") {
            CHECK(H5DSis_scale(ds.id) > 0);
            // One more than the largest dimension id in the file (snapshot: 4, 5).
            CHECK(read_scalar_attr<std::int32_t>(ds.id, "_Netcdf4Dimid", H5T_STD_I32LE, H5T_NATIVE_INT32) == 6);
        } else {
            CHECK(scale_names(ds.id) == std::vector<std::string>{"row"});
            CHECK(!read_string_attr(ds.id, "long_name").empty());
        }
    }
    // The data are untouched.
    const ResultSet back = read_results(out, {Indicator::questions_new});
    CHECK(back.scenarios[1].replicates[1].values[std::size_t(Indicator::questions_new)]
          == rs.scenarios[1].replicates[1].values[std::size_t(Indicator::questions_new)]);
}

TEST_CASE("write_comparison failures leave the file as it was", "[io][compare]") {
    const fs::path dir = scratch("comparison_fails");
    const fs::path out = dir / "out.h5";
    SECTION("missing file") {
        CHECK_THROWS_AS(write_comparison(out, fake_comparison("x", 1)), IoError);
        CHECK(dir_entries(dir).empty());
    }
    SECTION("a file of format 1") {
        write_results(out, wrap(tiny_geography(), fake_results(1, 2, 2)), fake_provenance(1));
        set_format_version(out, "1.1");
        const auto before = fs::file_size(out);
        CHECK_THROWS_WITH(write_comparison(out, fake_comparison("x", 1)), Catch::Contains("1.1"));
        CHECK(fs::file_size(out) == before);
        CHECK(dir_entries(dir) == std::vector<std::string>{"out.h5"});
    }
}

TEST_CASE("utc_now_iso8601 has the form YYYY-MM-DDTHH:MM:SSZ", "[io]") {
    const std::string now = utc_now_iso8601();
    CHECK(std::regex_match(now, std::regex(R"(20\d\d-[01]\d-[0-3]\dT[0-2]\d:[0-5]\d:[0-6]\dZ)")));
}

TEST_CASE("docs/FORMAT.md names exactly the pinned datasets", "[io][docs]") {
    // The tables themselves are generated from the dataset spec (tests/cpp/test_datasets.cpp);
    // here they must name the datasets this file pins, which the writer is checked against.
    const std::string text = read_text(fs::path(BUURTSIM_SOURCE_DIR) / "docs" / "FORMAT.md");
    CHECK_THAT(text, Catch::Contains(std::string("Current `format_version`: `") + format_version + "`"));

    std::vector<std::string> all;
    for (const char* heading : {"## Data variables", "## Dimensions", "## Coordinates", "## Scenario variables"})
        for (const auto& row : markdown_table(text, heading)) all.push_back(unquote(row.at(0)));
    std::sort(all.begin(), all.end());
    CHECK(all == pinned_datasets);

    std::vector<std::string> snap_names;
    for (const auto& row : markdown_table(text, "## Snapshot groups `/snapshots/s<S>_r<R>_w<WWWW>`"))
        snap_names.push_back(unquote(row.at(0)));
    std::sort(snap_names.begin(), snap_names.end());
    CHECK(snap_names == pinned_snapshot_names());
    std::vector<std::string> snap_attrs;
    for (const auto& row : markdown_table(text, "### Snapshot group attributes")) snap_attrs.push_back(unquote(row.at(0)));
    std::sort(snap_attrs.begin(), snap_attrs.end());
    CHECK(snap_attrs == std::vector<std::string>{"replicate", "scenario", "week"});

    std::vector<std::string> prov;
    for (const auto& row : markdown_table(text, "## Provenance group `/provenance`")) prov.push_back(unquote(row.at(0)));
    std::sort(prov.begin(), prov.end());
    CHECK(prov == std::vector<std::string>{"command_line", "data_files", "end_time", "git_commit", "host", "resumed",
                                           "seed", "start_time", "threads", "version"});

    // The comparison group: the pinned columns in order, and its attributes.
    std::vector<std::string> cmp;
    for (const auto& row : markdown_table(text, "## Comparison group `/comparison`")) cmp.push_back(unquote(row.at(0)));
    CHECK(cmp == pinned_comparison_datasets);
    std::vector<std::string> cmp_attrs;
    for (const auto& row : markdown_table(text, "### Comparison group attributes")) cmp_attrs.push_back(unquote(row.at(0)));
    std::sort(cmp_attrs.begin(), cmp_attrs.end());
    CHECK(cmp_attrs == std::vector<std::string>{"baseline", "buurtsim_version", "confidence", "created",
                                                "parameters_with_priors", "replicate_ids", "weeks_from", "weeks_to"});
}
