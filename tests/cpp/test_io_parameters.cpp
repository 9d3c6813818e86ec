// The parameter values of a result file (model/src/io_parameters.cpp): written only with priors, as a
// string dimension scale and a (scenario, replicate, parameter) variable; read back exactly; a file of
// format 3.0 (no parameter_values) still reads; a malformed pair is an error naming the file.
#include "buurtsim/error.hpp"
#include "buurtsim/io.hpp"
#include "io_fixture.hpp"

#include <catch2/catch.hpp>
#include <hdf5.h>
#include <hdf5_hl.h>

using namespace buurtsim;
using namespace buurtsim::test;

namespace {

fs::path scratch(const std::string& name) { return scratch_in("test_io_parameters", name); }

/// Two scenarios, two replicates, two parameters; scenario b has no prior on the second (a fixed value).
ResultSet with_parameters() {
    ResultSet rs = wrap(tiny_geography(), fake_results(2, 3, 2));
    ScenarioRun b = rs.scenarios.front();
    b.name = "b";
    rs.scenarios.push_back(b);
    rs.parameters = {"help.hours_retired", "costs.buurtteam_hour_eur"};
    rs.scenarios[0].parameter_values = {{4.5, 90.0}, {3.25, 101.5}};
    rs.scenarios[1].parameter_values = {{4.5, 95.0}, {3.25, 95.0}};
    return rs;
}

bool exists(const fs::path& file, const char* name) {
    H f{H5Fopen(file.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT), H5Fclose};
    REQUIRE(f.id >= 0);
    return H5Lexists(f.id, name, H5P_DEFAULT) > 0;
}

}  // namespace

TEST_CASE("parameter values round-trip, the parameter dimension is a string dimension scale", "[io][prior]") {
    const fs::path out = scratch("roundtrip") / "p.h5";
    const ResultSet rs = with_parameters();
    write_results(out, rs, fake_provenance(5));
    const ResultSet back = read_results(out);
    CHECK(back.parameters == rs.parameters);
    REQUIRE(back.scenarios.size() == 2);
    for (std::size_t s = 0; s < 2; ++s) CHECK(back.scenarios[s].parameter_values == rs.scenarios[s].parameter_values);

    H f{H5Fopen(out.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT), H5Fclose};
    H dim{H5Dopen2(f.id, "parameter", H5P_DEFAULT), H5Dclose};
    CHECK(H5DSis_scale(dim.id) > 0);
    H type{H5Dget_type(dim.id), H5Tclose};
    CHECK(H5Tget_class(type.id) == H5T_STRING);
    std::int32_t dimid = -1;
    H a{H5Aopen(dim.id, "_Netcdf4Dimid", H5P_DEFAULT), H5Aclose};
    REQUIRE(H5Aread(a.id, H5T_NATIVE_INT32, &dimid) >= 0);
    CHECK(dimid == 4);
    H var{H5Dopen2(f.id, "parameter_values", H5P_DEFAULT), H5Dclose};
    H space{H5Dget_space(var.id), H5Sclose};
    hsize_t dims[3] = {0, 0, 0};
    REQUIRE(H5Sget_simple_extent_ndims(space.id) == 3);
    H5Sget_simple_extent_dims(space.id, dims, nullptr);
    CHECK((dims[0] == 2 && dims[1] == 2 && dims[2] == 2));
    CHECK(H5DSis_attached(var.id, dim.id, 2) > 0);
}

TEST_CASE("without priors a file has no parameter values, and a 3.0 file reads", "[io][prior]") {
    const fs::path out = scratch("none") / "n.h5";
    write_results(out, wrap(tiny_geography(), fake_results(1, 2, 2)), fake_provenance(5));
    CHECK_FALSE(exists(out, "parameter"));
    CHECK_FALSE(exists(out, "parameter_values"));
    CHECK(read_format_version(out) == format_version);
    set_format_version(out, "3.0");  // what buurtsim 3.0 wrote: the same layout without parameter_values
    const ResultSet back = read_results(out);
    CHECK(back.parameters.empty());
    CHECK(back.scenarios.front().parameter_values.empty());
    CHECK(back.scenarios.front().replicates.front().values[0].size() == 4);
}

TEST_CASE("a malformed parameter pair is an IoError naming the file, bad values are not written", "[io][prior]") {
    const fs::path out = scratch("malformed") / "m.h5";
    write_results(out, with_parameters(), fake_provenance(5));
    {
        H f{H5Fopen(out.c_str(), H5F_ACC_RDWR, H5P_DEFAULT), H5Fclose};
        REQUIRE(H5Ldelete(f.id, "parameter_values", H5P_DEFAULT) >= 0);
    }
    try {
        read_results(out);
        FAIL("expected an IoError");
    } catch (const IoError& e) {
        CHECK_THAT(e.what(), Catch::Contains(out.string()) && Catch::Contains("it has '/parameter' but not "
                                                                             "'/parameter_values'"));
    }
    ResultSet bad = with_parameters();
    bad.scenarios[1].parameter_values[0].pop_back();
    CHECK_THROWS_AS(write_results(scratch("bad") / "b.h5", bad, fake_provenance(5)), InternalError);
    bad = with_parameters();
    bad.scenarios[0].parameter_values[0][0] = -1;  // help.hours_retired must be >= 0
    CHECK_THROWS_WITH(write_results(scratch("bad") / "b.h5", bad, fake_provenance(5)),
                      Catch::Contains("help.hours_retired has the value -1") && Catch::Contains("outside its bounds"));
    bad = with_parameters();
    bad.parameters[1] = bad.parameters[0];
    CHECK_THROWS_WITH(write_results(scratch("bad") / "b.h5", bad, fake_provenance(5)), Catch::Contains("listed twice"));
}
