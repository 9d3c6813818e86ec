// Result file writer: layout pinned against docs/FORMAT.md, read back with
// the HDF5 C API, atomic replacement and cleanup on failure.
#include "buurtsim/error.hpp"
#include "buurtsim/indicators.hpp"
#include "buurtsim/io.hpp"

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
#include <vector>

using namespace buurtsim;
namespace fs = std::filesystem;

namespace {

/// The datasets of a result file, sorted. Changing this list means a new
/// format_version and an updated docs/FORMAT.md.
const std::vector<std::string> pinned_datasets = {
    "buurt",
    "buurt_code",
    "buurt_name",
    "buurtteam_clients",
    "buurtteam_hours",
    "buurtteam_referrals",
    "buurtteam_started",
    "buurtteam_wait_weeks",
    "buurtteam_waiting",
    "informal_care_hours",
    "questions_dropped",
    "questions_new",
    "questions_solved_network",
    "questions_solved_professional",
    "questions_unmet_open",
    "replicate",
    "residents",
    "week",
    "wijk_code",
    "wijk_name",
};

/// A fresh, empty scratch directory for one test.
fs::path scratch(const std::string& name) {
    fs::path dir = fs::path(BUURTSIM_TEST_TMP) / "test_io" / name;
    fs::remove_all(dir);
    fs::create_directories(dir);
    return dir;
}

std::vector<std::string> dir_entries(const fs::path& dir) {
    std::vector<std::string> names;
    for (const auto& e : fs::directory_iterator(dir)) names.push_back(e.path().filename().string());
    std::sort(names.begin(), names.end());
    return names;
}

Geography tiny_geography() {
    Geography geo;
    geo.wijken = {{"WK034401", "West"}, {"WK034402", "Noordwest"}};
    geo.buurten = {{"BU03440101", "Lombok-Oost", 0}, {"BU03440201", "Zuilen — Oost", 1}};
    return geo;
}

/// Distinct value per position: 1000*indicator + 100*replicate + 10*week + buurt
/// (+0.25 for float indicators).
double fake_value(std::size_t i, std::uint32_t r, std::uint32_t w, std::uint32_t b) {
    double v = 1000.0 * double(i) + 100.0 * r + 10.0 * w + b;
    return indicator_specs()[i].integer ? v : v + 0.25;
}

std::vector<Results> fake_results(std::uint32_t reps, std::uint32_t weeks, std::uint32_t buurten) {
    std::vector<Results> out;
    for (std::uint32_t r = 0; r < reps; ++r) {
        Results res(weeks, buurten);
        for (std::size_t i = 0; i < n_indicators; ++i)
            for (std::uint32_t w = 0; w < weeks; ++w)
                for (std::uint32_t b = 0; b < buurten; ++b)
                    res.at(Indicator(i), w, b) = fake_value(i, r, w, b);
        out.push_back(std::move(res));
    }
    // NaN is valid for buurtteam_wait_weeks (no case started) and must survive.
    out[0].at(Indicator::buurtteam_wait_weeks, 1, 1) = std::nan("");
    return out;
}

Provenance fake_provenance(std::uint64_t seed) {
    Provenance p;
    p.version = "0.1.0";
    p.git_commit = "0123456789abcdef0123456789abcdef01234567-dirty";
    p.seed = seed;
    p.scenario_name = "tiny";
    p.scenario_toml = "[population]\nscale = 0.02\n";
    p.scenario_files = {"experiments/base.toml", "experiments/tiny.toml"};
    p.data_files = {{"data/a.csv", std::string(64, 'a')}, {"data/b.csv", std::string(64, 'b')}};
    p.threads = 3;
    p.host = "testhost";
    p.command_line = "buurtsim run tiny.toml -o out.h5";
    p.start_time = "2026-01-02T03:04:05Z";
    p.end_time = "2026-01-02T03:04:06Z";
    return p;
}

/// Closes an hid_t at scope exit.
struct H {
    hid_t id;
    herr_t (*close)(hid_t);
    ~H() {
        if (id >= 0) close(id);
    }
};

std::vector<std::string> root_links(hid_t file, H5O_type_t want) {
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
    const Geography geo = tiny_geography();
    const auto reps = fake_results(2, 3, 2);
    write_results(out, geo, reps, fake_provenance(42));
    REQUIRE(dir_entries(dir) == std::vector<std::string>{"out.h5"});  // no temporary left

    H file{H5Fopen(out.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT), H5Fclose};
    REQUIRE(file.id >= 0);

    SECTION("exact list of datasets and groups") {
        CHECK(root_links(file.id, H5O_TYPE_DATASET) == pinned_datasets);
        CHECK(root_links(file.id, H5O_TYPE_GROUP) == std::vector<std::string>{"provenance"});
        // The pinned list is the indicator table plus the coordinates.
        std::vector<std::string> expected = {"replicate", "week",      "buurt",    "buurt_code",
                                             "buurt_name", "wijk_code", "wijk_name"};
        for (const auto& s : indicator_specs()) expected.emplace_back(s.name);
        std::sort(expected.begin(), expected.end());
        CHECK(expected == pinned_datasets);
    }

    SECTION("root attributes") {
        CHECK(attr_names(file.id)
              == std::vector<std::string>{"buurtsim_version", "format_version", "git_commit", "scenario_name", "seed",
                                          "title"});
        CHECK(read_string_attr(file.id, "format_version") == format_version);
        CHECK(read_string_attr(file.id, "buurtsim_version") == "0.1.0");
        CHECK(read_string_attr(file.id, "git_commit") == "0123456789abcdef0123456789abcdef01234567-dirty");
        CHECK(read_string_attr(file.id, "scenario_name") == "tiny");
        CHECK(read_string_attr(file.id, "title") == "buurtsim results");
        CHECK(read_scalar_attr<std::uint64_t>(file.id, "seed", H5T_STD_U64LE, H5T_NATIVE_UINT64) == 42);
    }

    SECTION("dimension scales") {
        const std::vector<std::pair<const char*, hsize_t>> dims = {{"replicate", 2}, {"week", 3}, {"buurt", 2}};
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

    SECTION("coordinates along buurt") {
        CHECK(read_strings(file.id, "buurt_code") == std::vector<std::string>{"BU03440101", "BU03440201"});
        CHECK(read_strings(file.id, "buurt_name") == std::vector<std::string>{"Lombok-Oost", "Zuilen — Oost"});
        CHECK(read_strings(file.id, "wijk_code") == std::vector<std::string>{"WK034401", "WK034402"});
        CHECK(read_strings(file.id, "wijk_name") == std::vector<std::string>{"West", "Noordwest"});
        for (const char* name : {"buurt_code", "buurt_name", "wijk_code", "wijk_name"}) {
            INFO(name);
            H ds{H5Dopen2(file.id, name, H5P_DEFAULT), H5Dclose};
            CHECK(scale_names(ds.id) == std::vector<std::string>{"buurt"});
            CHECK(!read_string_attr(ds.id, "long_name").empty());
        }
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
            CHECK(dims_of(ds.id) == std::vector<hsize_t>{2, 3, 2});
            CHECK(scale_names(ds.id) == std::vector<std::string>{"replicate", "week", "buurt"});
            CHECK(attr_names(ds.id) == std::vector<std::string>{"DIMENSION_LIST", "coordinates", "long_name", "units"});
            CHECK(read_string_attr(ds.id, "units") == specs[i].unit);
            CHECK(read_string_attr(ds.id, "long_name") == specs[i].meaning);
            CHECK(read_string_attr(ds.id, "coordinates") == "buurt_code buurt_name wijk_code wijk_name");

            H dcpl{H5Dget_create_plist(ds.id), H5Pclose};
            REQUIRE(H5Pget_layout(dcpl.id) == H5D_CHUNKED);
            hsize_t chunk[3] = {};
            REQUIRE(H5Pget_chunk(dcpl.id, 3, chunk) == 3);
            CHECK(chunk[0] == 1);
            CHECK(chunk[1] == 3);
            CHECK(chunk[2] == 2);
            std::vector<H5Z_filter_t> filters;
            for (int k = 0; k < H5Pget_nfilters(dcpl.id); ++k) {
                unsigned flags = 0;
                size_t n = 0;
                unsigned cfg = 0;
                filters.push_back(H5Pget_filter2(dcpl.id, unsigned(k), &flags, &n, nullptr, 0, nullptr, &cfg));
            }
            CHECK(filters == std::vector<H5Z_filter_t>{H5Z_FILTER_SHUFFLE, H5Z_FILTER_DEFLATE});

            std::vector<double> v(2 * 3 * 2);
            REQUIRE(H5Dread(ds.id, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, v.data()) >= 0);
            for (std::uint32_t r = 0; r < 2; ++r)
                for (std::uint32_t w = 0; w < 3; ++w)
                    for (std::uint32_t b = 0; b < 2; ++b) {
                        const double got = v[(r * 3 + w) * 2 + b];
                        INFO("r=" << r << " w=" << w << " b=" << b);
                        if (Indicator(i) == Indicator::buurtteam_wait_weeks && r == 0 && w == 1 && b == 1)
                            CHECK(std::isnan(got));
                        else
                            CHECK(got == fake_value(i, r, w, b));
                    }
        }
        // One position spelled out, to catch a transposed layout that the loop could mirror.
        H ds{H5Dopen2(file.id, "questions_new", H5P_DEFAULT), H5Dclose};
        std::vector<std::int32_t> q(12);
        REQUIRE(H5Dread(ds.id, H5T_NATIVE_INT32, H5S_ALL, H5S_ALL, H5P_DEFAULT, q.data()) >= 0);
        CHECK(q[(1 * 3 + 2) * 2 + 0] == 1120);  // replicate 1, week 2, buurt 0
    }

    SECTION("provenance group") {
        H g{H5Gopen2(file.id, "provenance", H5P_DEFAULT), H5Gclose};
        REQUIRE(g.id >= 0);
        CHECK(attr_names(g.id)
              == std::vector<std::string>{"command_line", "data_files", "end_time", "git_commit", "host",
                                          "scenario_files", "scenario_name", "scenario_toml", "seed", "start_time",
                                          "threads", "version"});
        CHECK(read_string_attr(g.id, "version") == "0.1.0");
        CHECK(read_string_attr(g.id, "git_commit") == "0123456789abcdef0123456789abcdef01234567-dirty");
        CHECK(read_scalar_attr<std::uint64_t>(g.id, "seed", H5T_STD_U64LE, H5T_NATIVE_UINT64) == 42);
        CHECK(read_string_attr(g.id, "scenario_name") == "tiny");
        CHECK(read_string_attr(g.id, "scenario_toml") == "[population]\nscale = 0.02\n");
        CHECK(read_string_attr(g.id, "scenario_files") == "experiments/base.toml\nexperiments/tiny.toml");
        CHECK(read_string_attr(g.id, "data_files")
              == std::string(64, 'a') + "  data/a.csv\n" + std::string(64, 'b') + "  data/b.csv");
        CHECK(read_scalar_attr<std::int32_t>(g.id, "threads", H5T_STD_I32LE, H5T_NATIVE_INT32) == 3);
        CHECK(read_string_attr(g.id, "host") == "testhost");
        CHECK(read_string_attr(g.id, "command_line") == "buurtsim run tiny.toml -o out.h5");
        CHECK(read_string_attr(g.id, "start_time") == "2026-01-02T03:04:05Z");
        CHECK(read_string_attr(g.id, "end_time") == "2026-01-02T03:04:06Z");
    }
}

TEST_CASE("write_results chunks long runs by at most 260 weeks", "[io]") {
    const fs::path out = scratch("chunks") / "long.h5";
    Geography geo = tiny_geography();
    write_results(out, geo, fake_results(1, 300, 2), fake_provenance(1));
    H file{H5Fopen(out.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT), H5Fclose};
    H ds{H5Dopen2(file.id, "residents", H5P_DEFAULT), H5Dclose};
    H dcpl{H5Dget_create_plist(ds.id), H5Pclose};
    hsize_t chunk[3] = {};
    REQUIRE(H5Pget_chunk(dcpl.id, 3, chunk) == 3);
    CHECK(chunk[1] == 260);
    std::vector<std::int32_t> v(300 * 2);
    REQUIRE(H5Dread(ds.id, H5T_NATIVE_INT32, H5S_ALL, H5S_ALL, H5P_DEFAULT, v.data()) >= 0);
    CHECK(v[299 * 2 + 1] == 2991);  // last week, second chunk
}

TEST_CASE("write_results replaces an existing file", "[io]") {
    const fs::path dir = scratch("replace");
    const fs::path out = dir / "out.h5";
    const Geography geo = tiny_geography();
    write_results(out, geo, fake_results(2, 3, 2), fake_provenance(1));
    write_results(out, geo, fake_results(1, 4, 2), fake_provenance(2));
    CHECK(dir_entries(dir) == std::vector<std::string>{"out.h5"});
    H file{H5Fopen(out.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT), H5Fclose};
    REQUIRE(file.id >= 0);
    CHECK(read_scalar_attr<std::uint64_t>(file.id, "seed", H5T_STD_U64LE, H5T_NATIVE_UINT64) == 2);
    H ds{H5Dopen2(file.id, "residents", H5P_DEFAULT), H5Dclose};
    CHECK(dims_of(ds.id) == std::vector<hsize_t>{1, 4, 2});
}

TEST_CASE("write_results into a missing directory throws IoError and leaves nothing", "[io]") {
    const fs::path dir = scratch("missing");
    const fs::path out = dir / "no_such_dir" / "out.h5";
    try {
        write_results(out, tiny_geography(), fake_results(1, 2, 2), fake_provenance(1));
        FAIL("expected IoError");
    } catch (const IoError& e) {
        CHECK_THAT(e.what(), Catch::Contains(out.string()));
        CHECK_THAT(e.what(), Catch::Contains("does not exist"));
    }
    CHECK_FALSE(fs::exists(dir / "no_such_dir"));
    CHECK(dir_entries(dir).empty());
}

TEST_CASE("write_results failing after the file is written leaves no temporary", "[io]") {
    // The target is a non-empty directory: the HDF5 part succeeds, the final
    // rename fails, and the written temporary must be removed.
    const fs::path dir = scratch("rename_fails");
    const fs::path out = dir / "out.h5";
    fs::create_directories(out);
    std::ofstream(out / "keep.txt") << "keep";
    try {
        write_results(out, tiny_geography(), fake_results(2, 3, 2), fake_provenance(1));
        FAIL("expected IoError");
    } catch (const IoError& e) {
        CHECK_THAT(e.what(), Catch::Contains(out.string()));
        CHECK_THAT(e.what(), Catch::Contains("renaming"));
    }
    CHECK(dir_entries(dir) == std::vector<std::string>{"out.h5"});
    CHECK(fs::is_directory(out));
    CHECK(dir_entries(out) == std::vector<std::string>{"keep.txt"});
}

TEST_CASE("write_results failing inside HDF5 throws IoError naming the operation", "[io]") {
    // A directory squatting on the temporary's name makes H5Fcreate fail.
    const fs::path dir = scratch("create_fails");
    const fs::path out = dir / "out.h5";
    fs::create_directories(temporary_path(out));
    try {
        write_results(out, tiny_geography(), fake_results(1, 2, 2), fake_provenance(1));
        FAIL("expected IoError");
    } catch (const IoError& e) {
        const std::string msg = e.what();
        CHECK_THAT(msg, Catch::Contains(out.string()));
        CHECK_THAT(msg, Catch::Contains("creating temporary file"));
        CHECK_THAT(msg, Catch::Contains("(HDF5: "));
    }
    CHECK_FALSE(fs::exists(out));
    CHECK(fs::is_directory(temporary_path(out)));  // not ours: left alone
}

TEST_CASE("write_results rejects inconsistent results and keeps the old file", "[io]") {
    const fs::path dir = scratch("inconsistent");
    const fs::path out = dir / "out.h5";
    const Geography geo = tiny_geography();
    write_results(out, geo, fake_results(1, 3, 2), fake_provenance(7));
    const auto before = fs::file_size(out);

    auto reps = fake_results(2, 3, 2);
    SECTION("different weeks") { reps[1] = fake_results(1, 4, 2)[0]; }
    SECTION("buurten differ from the geography") { reps = fake_results(2, 3, 3); }
    SECTION("wrong number of values") { reps[1].values[3].pop_back(); }
    SECTION("no replicates") { reps.clear(); }
    SECTION("a count that is not a whole number") { reps[0].at(Indicator::residents, 0, 0) = 1.5; }
    SECTION("a negative count") { reps[1].at(Indicator::questions_new, 2, 1) = -1; }
    SECTION("an infinite hour total") { reps[0].at(Indicator::buurtteam_hours, 0, 0) = INFINITY; }
    SECTION("a buurt in a wijk that does not exist") {
        Geography bad = geo;
        bad.buurten[1].wijk = 2;
        CHECK_THROWS_AS(write_results(out, bad, reps, fake_provenance(8)), InternalError);
        reps.clear();  // checked already; the call below then fails the same way
    }
    CHECK_THROWS_AS(write_results(out, geo, reps, fake_provenance(8)), InternalError);
    CHECK(dir_entries(dir) == std::vector<std::string>{"out.h5"});
    CHECK(fs::file_size(out) == before);
    H file{H5Fopen(out.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT), H5Fclose};
    CHECK(read_scalar_attr<std::uint64_t>(file.id, "seed", H5T_STD_U64LE, H5T_NATIVE_UINT64) == 7);
}

TEST_CASE("temporary_path is beside the target and distinct from it", "[io]") {
    const fs::path out = fs::path("some") / "dir" / "out.h5";
    const fs::path tmp = temporary_path(out);
    CHECK(tmp.parent_path() == out.parent_path());
    CHECK(tmp != out);
    CHECK_THAT(tmp.filename().string(), Catch::StartsWith("out.h5.partial-"));
}

TEST_CASE("utc_now_iso8601 has the form YYYY-MM-DDTHH:MM:SSZ", "[io]") {
    const std::string now = utc_now_iso8601();
    CHECK(std::regex_match(now, std::regex(R"(20\d\d-[01]\d-[0-3]\dT[0-2]\d:[0-5]\d:[0-6]\dZ)")));
}

TEST_CASE("docs/FORMAT.md documents exactly the indicators", "[io][docs]") {
    const std::string text = read_text(fs::path(BUURTSIM_SOURCE_DIR) / "docs" / "FORMAT.md");
    CHECK_THAT(text, Catch::Contains(std::string("Current `format_version`: `") + format_version + "`"));

    const auto rows = markdown_table(text, "## Data variables");
    const auto& specs = indicator_specs();
    std::vector<std::string> documented, expected;
    for (const auto& row : rows) documented.push_back(unquote(row.at(0)));
    for (const auto& s : specs) expected.emplace_back(s.name);
    REQUIRE(documented == expected);
    for (std::size_t i = 0; i < n_indicators; ++i) {
        INFO(specs[i].name);
        REQUIRE(rows[i].size() == 5);  // | dataset | dtype | dims | units | meaning |
        CHECK(unquote(rows[i][1]) == (specs[i].integer ? "int32" : "float64"));
        CHECK(unquote(rows[i][2]) == "(replicate, week, buurt)");
        CHECK(unquote(rows[i][3]) == specs[i].unit);
        CHECK(rows[i][4] == specs[i].meaning);
    }

    // The coordinate tables name the remaining datasets of the pinned list.
    std::vector<std::string> all = documented;
    for (const auto& row : markdown_table(text, "## Dimensions")) all.push_back(unquote(row.at(0)));
    for (const auto& row : markdown_table(text, "## Coordinates")) all.push_back(unquote(row.at(0)));
    std::sort(all.begin(), all.end());
    CHECK(all == pinned_datasets);

    std::vector<std::string> prov;
    for (const auto& row : markdown_table(text, "## Provenance group `/provenance`")) prov.push_back(unquote(row.at(0)));
    std::sort(prov.begin(), prov.end());
    CHECK(prov == std::vector<std::string>{"command_line", "data_files", "end_time", "git_commit", "host",
                                           "scenario_files", "scenario_name", "scenario_toml", "seed", "start_time",
                                           "threads", "version"});
}
