// Result files validated on read (io_read_hdf5.cpp, docs/FORMAT.md "Read checks"): format_version parsed
// strictly, unique scenario names and replicate indices, dimension limits checked before allocating.
// Each file is a valid one from write_results with one thing broken.
#include "io_fixture.hpp"

#include "buurtsim/error.hpp"
#include "buurtsim/io.hpp"

#include <catch2/catch.hpp>
#include <hdf5.h>

#include <filesystem>
#include <string>
#include <vector>

using namespace buurtsim;
using namespace buurtsim::test;
namespace fs = std::filesystem;

namespace {

fs::path fresh_file(const std::string& name, std::uint32_t scenarios = 1) {
    const fs::path out = scratch_in("test_io_read_hdf5", name) / "out.h5";
    ResultSet rs = wrap(tiny_geography(), fake_results(2, 3, 2));
    for (std::uint32_t s = 1; s < scenarios; ++s) {
        ScenarioRun more = rs.scenarios.front();
        more.name = "s" + std::to_string(s);
        rs.scenarios.push_back(more);
    }
    write_results(out, rs, fake_provenance(1));
    return out;
}

std::string read_error(const fs::path& p) {
    try {
        (void)read_results(p);
    } catch (const IoError& e) {
        return e.what();
    }
    FAIL("expected IoError reading " << p);
    return "";
}


/// Replaces dataset `name` by an int32 one of length `n` that holds no data (chunked, never written): a
/// file can claim any length without being large.
void claim_length(const fs::path& p, const char* name, hsize_t n) {
    H f{H5Fopen(p.c_str(), H5F_ACC_RDWR, H5P_DEFAULT), H5Fclose};
    REQUIRE(f.id >= 0);
    REQUIRE(H5Ldelete(f.id, name, H5P_DEFAULT) >= 0);
    const hsize_t max = H5S_UNLIMITED, chunk = 1024;
    H space{H5Screate_simple(1, &n, &max), H5Sclose};
    H dcpl{H5Pcreate(H5P_DATASET_CREATE), H5Pclose};
    REQUIRE(H5Pset_chunk(dcpl.id, 1, &chunk) >= 0);
    H ds{H5Dcreate2(f.id, name, H5T_STD_I32LE, space.id, H5P_DEFAULT, dcpl.id, H5P_DEFAULT), H5Dclose};
    REQUIRE(ds.id >= 0);
}

void set_strings(const fs::path& p, const char* name, const std::vector<std::string>& values) {
    H f{H5Fopen(p.c_str(), H5F_ACC_RDWR, H5P_DEFAULT), H5Fclose};
    H ds{H5Dopen2(f.id, name, H5P_DEFAULT), H5Dclose};
    H type{H5Dget_type(ds.id), H5Tclose};
    std::vector<const char*> ptrs;
    for (const auto& v : values) ptrs.push_back(v.c_str());
    REQUIRE(H5Dwrite(ds.id, type.id, H5S_ALL, H5S_ALL, H5P_DEFAULT, ptrs.data()) >= 0);
}

}  // namespace

TEST_CASE("read_results: format_version must be MAJOR.MINOR, strictly", "[io][read]") {
    const fs::path out = fresh_file("version");
    CHECK_NOTHROW(read_results(out));
    // Once "99999999999999999999.0" threw std::out_of_range from stol: exit 1, "internal error: stol".
    for (const std::string bad : {"99999999999999999999.0", "2.99999999999999999999", "2", "2.", ".1", "2.x",
                                  "-2.1", "+2.1", " 2.1", "2.1 ", "2.1.3", "", "two.one", "2\n.1"}) {
        INFO("format_version = \"" << bad << "\"");
        set_format_version(out, bad);
        const std::string msg = read_error(out);
        CHECK_THAT(msg, Catch::Contains(out.string()) && Catch::Contains("is not of the form MAJOR.MINOR")
                            && Catch::Contains("reads 3.x"));
    }
    set_format_version(out, "4.0");
    CHECK_THAT(read_error(out), Catch::Contains("\"4.0\"") && Catch::Contains("newer buurtsim"));
    set_format_version(out, std::string(10000, '7') + ".1");
    CHECK(read_error(out).size() < 400);  // the message shows the start of a long value, not all of it
    set_format_version(out, "3.999");
    CHECK_NOTHROW(read_results(out));  // same major: readable
}

TEST_CASE("read_results: scenario names and replicate indices are unique", "[io][read]") {
    const fs::path out = fresh_file("unique", 3);
    CHECK(read_results(out).scenarios.size() == 3);
    set_strings(out, "scenario_name", {"tiny", "s1", "tiny"});
    CHECK_THAT(read_error(out), Catch::Contains("scenario_name \"tiny\" appears twice (positions 0 and 2)"));

    const fs::path out2 = fresh_file("unique_replicates");
    {
        H f{H5Fopen(out2.c_str(), H5F_ACC_RDWR, H5P_DEFAULT), H5Fclose};
        H ds{H5Dopen2(f.id, "replicate", H5P_DEFAULT), H5Dclose};
        const std::int32_t ids[2] = {4, 4};
        REQUIRE(H5Dwrite(ds.id, H5T_NATIVE_INT32, H5S_ALL, H5S_ALL, H5P_DEFAULT, ids) >= 0);
    }
    CHECK_THAT(read_error(out2), Catch::Contains("replicate index 4 appears twice"));
}

TEST_CASE("read_results checks dimension lengths before allocating", "[io][read]") {
    SECTION("a replicate dimension of 2^40 (was bad_alloc)") {
        const fs::path out = fresh_file("replicate_2_40");
        claim_length(out, "replicate", hsize_t(1) << 40);
        CHECK_THAT(read_error(out), Catch::Contains("dimension 'replicate' has length 1099511627776")
                                        && Catch::Contains("more than the 10000"));
    }
    SECTION("each dimension has its limit") {
        const struct {
            const char* name;
            hsize_t over;
        } cases[] = {{"scenario", max_read_scenarios + 1},
                     {"replicate", max_read_replicates + 1},
                     {"week", max_read_weeks + 1},
                     {"buurt", max_read_buurten + 1}};
        for (const auto& c : cases) {
            INFO(c.name);
            const fs::path out = fresh_file(std::string("limit_") + c.name);
            claim_length(out, c.name, c.over);
            CHECK_THAT(read_error(out), Catch::Contains(std::string("dimension '") + c.name + "' has length "
                                                        + std::to_string(c.over)));
        }
    }
    SECTION("the values of one variable are bounded too") {
        const fs::path out = fresh_file("values");
        claim_length(out, "replicate", max_read_replicates);
        claim_length(out, "week", max_read_weeks);
        // 1 x 10000 x 5200 x 2 = 1.04e8 < 2^28: the next check (shapes) refuses it, not the limit.
        CHECK_THAT(read_error(out), !Catch::Contains("buurtsim reads at once"));
        claim_length(out, "scenario", 6);
        CHECK_THAT(read_error(out), Catch::Contains("6 x 10000 x 5200 x 2 = 624000000 values")
                                        && Catch::Contains("buurtsim reads at once"));
    }
    SECTION("length 0") {
        const fs::path out = fresh_file("zero");
        claim_length(out, "week", 0);
        CHECK_THAT(read_error(out), Catch::Contains("dimension 'week' has length 0"));
    }
}
