// The streaming writer and its partial file (buurtsim/result_stream.hpp): a file assembled from pairs added in
// any order, over a "kill" (the stream dropped unfinished) and a resume, has every dataset of write_results'
// file of the same results, bit for bit; a torn last record is dropped, a corrupt or foreign partial file and
// one of another run are refused with the file and the rule named.
#include "io_fixture.hpp"

#include "buurtsim/error.hpp"
#include "buurtsim/result_stream.hpp"

#include <catch2/catch.hpp>
#include <hdf5.h>

#include <fstream>
#include <map>

using namespace buurtsim;
using namespace buurtsim::test;

namespace {

/// Every dataset of a file by path, as bytes (numbers, native type) or joined text (variable-length strings).
std::map<std::string, std::string> all_datasets(const fs::path& p) {
    std::map<std::string, std::string> out;
    H f{H5Fopen(p.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT), H5Fclose};
    REQUIRE(f.id >= 0);
    H5Ovisit2(
        f.id, H5_INDEX_CRT_ORDER, H5_ITER_INC,
        [](hid_t root, const char* name, const H5O_info_t* info, void* data) -> herr_t {
            if (info->type != H5O_TYPE_DATASET) return 0;
            H ds{H5Dopen2(root, name, H5P_DEFAULT), H5Dclose};
            H type{H5Dget_type(ds.id), H5Tclose};
            H space{H5Dget_space(ds.id), H5Sclose};
            const auto n = std::size_t(H5Sget_simple_extent_npoints(space.id));
            std::string bytes;
            if (H5Tis_variable_str(type.id) > 0) {
                std::vector<char*> strs(n);
                H5Dread(ds.id, type.id, H5S_ALL, H5S_ALL, H5P_DEFAULT, strs.data());
                for (char* s : strs) bytes += std::string(s ? s : "") + '\0';
                H5Dvlen_reclaim(type.id, space.id, H5P_DEFAULT, strs.data());
            } else {
                H native{H5Tget_native_type(type.id, H5T_DIR_ASCEND), H5Tclose};
                bytes.resize(n * H5Tget_size(native.id));
                H5Dread(ds.id, native.id, H5S_ALL, H5S_ALL, H5P_DEFAULT, bytes.data());
            }
            (*static_cast<std::map<std::string, std::string>*>(data))[name] = bytes;
            return 0;
        },
        &out, H5O_INFO_BASIC);
    return out;
}

/// Two scenarios x `reps` (>= 2) replicates over `weeks` weeks, with snapshots in some pairs and targeted buurten.
ResultSet example(std::uint32_t reps, std::uint32_t weeks) {
    REQUIRE(reps >= 2);
    const Geography geo = tiny_geography();
    ResultSet rs = wrap(geo, fake_results(reps, weeks, 2, 0));
    ScenarioRun more = rs.scenarios.front();
    more.name = "more";
    more.replicates = fake_results(reps, weeks, 2, 1);
    more.targeted = {0, 1};
    for (Results& r : more.replicates) r.targeted = more.targeted;
    rs.scenarios.push_back(std::move(more));
    rs.scenarios[0].replicates[1].snapshots = {fake_snapshot(0, 5, 2, 1), fake_snapshot(weeks - 1, 7, 2, 2)};
    rs.scenarios[1].replicates[0].snapshots = {fake_snapshot(1, 4, 2, 3)};
    // Parameter values, as a batch with priors records them (format 3.1): one per pair and parameter.
    rs.parameters = {"population.two_parent_share", "buurtteam.fte_per_10k"};
    for (std::size_t sc = 0; sc < 2; ++sc)
        for (std::uint32_t r = 0; r < reps; ++r)
            rs.scenarios[sc].parameter_values.push_back({0.5 + 0.125 * r, 4.0 + r + 0.5 * sc});
    return rs;
}

/// Adds pair (sc, r) of `rs` to the stream, with its parameter values.
void add(ResultStream& s, const ResultSet& rs, std::size_t sc, std::size_t r) {
    s.add(sc, r, rs.scenarios[sc].replicates[r], rs.scenarios[sc].parameter_values[r]);
}

StreamedRun layout_of(const ResultSet& rs, std::uint32_t weeks, std::uint64_t seed = 42) {
    StreamedRun run;
    run.layout = rs;
    for (ScenarioRun& s : run.layout.scenarios) {
        s.replicates.clear();
        s.targeted.clear();
        s.parameter_values.clear();
    }
    run.weeks = weeks;
    run.provenance = fake_provenance(seed);
    return run;
}

std::string error_of(const std::function<void()>& f) {
    try {
        f();
    } catch (const IoError& e) {
        return e.what();
    }
    return "(no IoError)";
}

}  // namespace

TEST_CASE("a streamed file has write_results' datasets, for any order of pairs and over a resume", "[stream]") {
    const fs::path dir = scratch_in("stream", "order");
    // 300 weeks: two week chunks per pair, the second one padded.
    for (const std::uint32_t weeks : {3u, 300u}) {
        const ResultSet rs = example(3, weeks);
        write_results(dir / "memory.h5", rs, fake_provenance(42));
        const auto expected = all_datasets(dir / "memory.h5");
        REQUIRE(expected.count("snapshots/s1_r0_w0001/strength") == 1);

        SECTION("reverse order, weeks " + std::to_string(weeks)) {
            auto s = ResultStream::start(dir / "out.h5", layout_of(rs, weeks));
            for (std::size_t r = 3; r-- > 0;)
                for (std::size_t sc = 2; sc-- > 0;) add(*s, rs, sc, r);
            s->finish();
            CHECK(all_datasets(dir / "out.h5") == expected);
            CHECK(dir_entries(dir) == std::vector<std::string>{"memory.h5", "out.h5"});
        }
        SECTION("killed after three pairs and resumed twice, weeks " + std::to_string(weeks)) {
            {
                auto s = ResultStream::start(dir / "out.h5", layout_of(rs, weeks));
                add(*s, rs, 1, 2);
                add(*s, rs, 0, 1);
                add(*s, rs, 1, 0);
            }  // dropped: what a kill leaves
            {
                auto s = ResultStream::resume(dir / "out.h5", layout_of(rs, weeks));
                CHECK(s->pairs_done() == 3);
                CHECK(s->done(0, 1));
                CHECK_FALSE(s->done(0, 0));
                // Read back as added, snapshots included.
                const Results back = s->read(0, 1);
                CHECK(back.values == rs.scenarios[0].replicates[1].values);
                REQUIRE(back.snapshots.size() == 2);
                CHECK(back.snapshots[1].strength == rs.scenarios[0].replicates[1].snapshots[1].strength);
                add(*s, rs, 0, 2);
            }
            auto s = ResultStream::resume(dir / "out.h5", layout_of(rs, weeks));
            CHECK(s->resumed() == 2);
            for (std::size_t sc = 0; sc < 2; ++sc)
                for (std::size_t r = 0; r < 3; ++r)
                    if (!s->done(sc, r)) add(*s, rs, sc, r);
            s->finish();
            CHECK(all_datasets(dir / "out.h5") == expected);
            CHECK_FALSE(fs::exists(dir / "out.h5.partial"));
        }
        fs::remove(dir / "out.h5");
    }
}

TEST_CASE("a partial file that is torn, corrupt, foreign, of another run or in use", "[stream]") {
    const fs::path dir = scratch_in("stream", "refusals");
    const ResultSet rs = example(2, 4);
    const fs::path out = dir / "out.h5", partial = dir / "out.h5.partial";
    const auto two_pairs = [&] {
        fs::remove(partial);
        auto s = ResultStream::start(out, layout_of(rs, 4));
        add(*s, rs, 0, 0);
        add(*s, rs, 1, 1);
    };

    SECTION("a torn last record is not counted, and the file finishes as if it was never written") {
        two_pairs();
        fs::resize_file(partial, fs::file_size(partial) - 7);
        auto s = ResultStream::resume(out, layout_of(rs, 4));
        CHECK(s->pairs_done() == 1);
        CHECK_FALSE(s->done(1, 1));
        for (std::size_t sc = 0; sc < 2; ++sc)
            for (std::size_t r = 0; r < 2; ++r)
                if (!s->done(sc, r)) add(*s, rs, sc, r);
        s->finish();
        write_results(dir / "memory.h5", rs, fake_provenance(42));
        CHECK(all_datasets(out) == all_datasets(dir / "memory.h5"));
    }
    SECTION("a damaged record with records after it is corruption") {
        two_pairs();
        const auto size = fs::file_size(partial);
        std::fstream f(partial, std::ios::in | std::ios::out | std::ios::binary);
        // Inside the first record: the header is a few kB, the two records about as much each.
        f.seekp(std::streamoff(size / 2 - size / 5));
        f.put('\x5a').put('\xa5');
        f.close();
        const std::string e = error_of([&] { ResultStream::resume(out, layout_of(rs, 4)); });
        CHECK_THAT(e, Catch::Contains("partial file '" + partial.string() + "' is corrupt"));
        CHECK_THAT(e, Catch::Contains("checksum") || Catch::Contains("not a record"));
        CHECK(fs::file_size(partial) == size);  // refused without a change
    }
    SECTION("a header cut short is corruption") {
        two_pairs();
        fs::resize_file(partial, 40);
        CHECK_THAT(error_of([&] { ResultStream::resume(out, layout_of(rs, 4)); }),
                   Catch::Contains("is corrupt") && Catch::Contains("header"));
    }
    SECTION("a file that is not a partial file") {
        std::ofstream(partial) << "ham and eggs\n";
        CHECK_THAT(error_of([&] { ResultStream::resume(out, layout_of(rs, 4)); }),
                   Catch::Contains("'" + partial.string() + "' is not a buurtsim partial file"));
        CHECK_THAT(error_of([&] { ResultStream::start(out, layout_of(rs, 4)); }), Catch::Contains("exists"));
    }
    SECTION("another run: the first key that differs, with both values") {
        two_pairs();
        CHECK_THAT(error_of([&] { ResultStream::resume(out, layout_of(rs, 4, 43)); }),
                   Catch::Contains("another run: seed is '42' there and '43' in this run"));
        StreamedRun other = layout_of(rs, 4);
        other.layout.scenarios[1].toml = "[population]\nscale = 0.03\n";
        CHECK_THAT(error_of([&] { ResultStream::resume(out, other); }),
                   Catch::Contains("scenario.1.toml differs at line 2: 'scale = 0.02' there, 'scale = 0.03' in this run"));
        other = layout_of(rs, 4);
        other.layout.replicate_ids = {0, 2};
        CHECK_THAT(error_of([&] { ResultStream::resume(out, other); }),
                   Catch::Contains("replicates is '0,1' there and '0,2' in this run"));
        // What only describes an invocation may differ.
        other = layout_of(rs, 4);
        other.provenance.threads = 1;
        other.provenance.command_line = "buurtsim run again";
        CHECK(ResultStream::resume(out, other)->pairs_done() == 2);
    }
    SECTION("a partial file a live run holds is refused, and not removed") {
        two_pairs();
        auto s = ResultStream::resume(out, layout_of(rs, 4));
        CHECK_THAT(error_of([&] { ResultStream::resume(out, layout_of(rs, 4)); }), Catch::Contains("is in use"));
        CHECK_THAT(error_of([&] { remove_partial_file(partial); }), Catch::Contains("is in use"));
        s.reset();
        remove_partial_file(partial);
        CHECK_FALSE(fs::exists(partial));
    }
    SECTION("nothing to resume") {
        CHECK_THAT(error_of([&] { ResultStream::resume(out, layout_of(rs, 4)); }),
                   Catch::Contains("there is no partial file '" + partial.string() + "'"));
    }
}

TEST_CASE("finish needs every pair, a pair goes in once", "[stream]") {
    const fs::path dir = scratch_in("stream", "misuse");
    const ResultSet rs = example(2, 2);
    auto s = ResultStream::start(dir / "out.h5", layout_of(rs, 2));
    add(*s, rs, 0, 0);
    CHECK_THROWS_AS(add(*s, rs, 0, 0), InternalError);
    CHECK_THROWS_AS(s->finish(), InternalError);
    CHECK_FALSE(fs::exists(dir / "out.h5"));
    Results bad = rs.scenarios[1].replicates[0];
    bad.values[0][0] = -1;  // a count below 0
    CHECK_THROWS_AS(s->add(1, 0, bad), InternalError);
}

TEST_CASE("parameter values go with their pair, and the snapshot dimensions come after `parameter`", "[stream]") {
    const fs::path dir = scratch_in("stream", "parameters");
    const ResultSet rs = example(2, 3);
    auto s = ResultStream::start(dir / "out.h5", layout_of(rs, 3));
    CHECK_THROWS_AS(s->add(0, 0, rs.scenarios[0].replicates[0], {0.5}), InternalError);  // one value short
    for (std::size_t r = 2; r-- > 0;)
        for (std::size_t sc = 0; sc < 2; ++sc) add(*s, rs, sc, r);
    s->finish();
    const ResultSet back = read_results(dir / "out.h5");
    CHECK(back.parameters == rs.parameters);
    for (std::size_t sc = 0; sc < 2; ++sc) CHECK(back.scenarios[sc].parameter_values == rs.scenarios[sc].parameter_values);
    // netCDF-4 dimension ids are unique in a file: scenario..buurt 0-3, parameter 4, snapshots from 5.
    H f{H5Fopen((dir / "out.h5").c_str(), H5F_ACC_RDONLY, H5P_DEFAULT), H5Fclose};
    H ds{H5Dopen2(f.id, "snapshots/s0_r1_w0000/resident", H5P_DEFAULT), H5Dclose};
    std::int32_t dimid = -1;
    H a{H5Aopen(ds.id, "_Netcdf4Dimid", H5P_DEFAULT), H5Aclose};
    REQUIRE(H5Aread(a.id, H5T_NATIVE_INT32, &dimid) >= 0);
    CHECK(dimid == 5);
}
