#pragma once
// Shared set-up for the result-file tests (test_io, test_atomic_replace, test_io_read_hdf5):
// a tiny geography, results with a distinct value per position, provenance, scratch directories,
// and HDF5 handles for breaking a written file on purpose.
#include "buurtsim/indicators.hpp"
#include "buurtsim/io.hpp"

#include <catch2/catch.hpp>
#include <hdf5.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace buurtsim::test {

namespace fs = std::filesystem;

/// A fresh, empty scratch directory for one test.
inline fs::path scratch_in(const std::string& group, const std::string& name) {
    fs::path dir = fs::path(BUURTSIM_TEST_TMP) / group / name;
    fs::remove_all(dir);
    fs::create_directories(dir);
    return dir;
}

inline std::vector<std::string> dir_entries(const fs::path& dir) {
    std::vector<std::string> names;
    for (const auto& e : fs::directory_iterator(dir)) names.push_back(e.path().filename().string());
    std::sort(names.begin(), names.end());
    return names;
}

inline Geography tiny_geography() {
    Geography geo;
    geo.wijken = {{"WK034401", "West"}, {"WK034402", "Noordwest"}};
    geo.buurten = {{"BU03440101", "Lombok-Oost", 0}, {"BU03440201", "Zuilen — Oost", 1}};
    return geo;
}

/// Distinct value per position: 100000*scenario + 1000*indicator + 100*replicate
/// + 10*week + buurt (+0.25 for float indicators).
inline double fake_value(std::size_t i, std::uint32_t r, std::uint32_t w, std::uint32_t b, std::uint32_t s = 0) {
    double v = 100000.0 * s + 1000.0 * double(i) + 100.0 * r + 10.0 * w + b;
    return indicator_specs()[i].integer ? v : v + 0.25;
}

inline std::vector<Results> fake_results(std::uint32_t reps, std::uint32_t weeks, std::uint32_t buurten,
                                  std::uint32_t s = 0) {
    std::vector<Results> out;
    for (std::uint32_t r = 0; r < reps; ++r) {
        Results res(weeks, buurten);
        for (std::size_t i = 0; i < n_indicators; ++i)
            for (std::uint32_t w = 0; w < weeks; ++w)
                for (std::uint32_t b = 0; b < buurten; ++b)
                    res.at(Indicator(i), w, b) = fake_value(i, r, w, b, s);
        out.push_back(std::move(res));
    }
    // NaN is valid for buurtteam_wait_weeks (no case started) and must survive.
    out[0].at(Indicator::buurtteam_wait_weeks, 1, 1) = std::nan("");
    return out;
}

/// A small snapshot of `n` residents in `buurten` buurten with a ring of ties
/// (i, i+1) plus (0, n-1); values depend on (seed, i) so groups differ.
inline Snapshot fake_snapshot(std::uint32_t week, std::uint32_t n, std::uint32_t buurten, std::uint32_t seed) {
    Snapshot s;
    s.week = week;
    for (std::uint32_t i = 0; i < n; ++i) {
        s.buurt.push_back(std::uint16_t(i % buurten));
        const std::uint8_t age = std::uint8_t((7 * i + 3 * seed) % 100);
        s.age.push_back(age);
        s.age_band.push_back(age < 15 ? 0 : age < 25 ? 1 : age < 45 ? 2 : age < 65 ? 3 : 4);
        s.household.push_back(i / 2 + 1000u * seed);
        s.household_type.push_back(std::uint8_t((i + seed) % 3));
        s.vulnerability.push_back(std::uint8_t((i * 5 + seed) % 32));
        s.loneliness.push_back(age < 18 ? 0 : std::uint8_t((i + seed) % 12));
        s.roles.push_back(std::uint8_t((i * 3 + seed) % 32));
        s.self_reliance.push_back(float(i % 11) / 10.f);
    }
    for (std::uint32_t i = 0; i + 1 < n; ++i) {
        s.source.push_back(i);
        s.target.push_back(i + 1);
        s.tie_type.push_back(std::uint8_t((i + seed) % 5));
        s.strength.push_back(std::uint8_t((37 * i + seed) % 256));
    }
    if (n > 2) {
        s.source.push_back(0);
        s.target.push_back(n - 1);
        s.tie_type.push_back(3);
        s.strength.push_back(255);
    }
    return s;
}

/// One scenario "tiny" holding `reps` as replicates 0..K-1.
inline ResultSet wrap(const Geography& geo, std::vector<Results> reps) {
    ResultSet rs;
    rs.geo = geo;
    for (std::uint32_t k = 0; k < reps.size(); ++k) rs.replicate_ids.push_back(k);
    ScenarioRun run;
    run.name = "tiny";
    run.toml = "[population]\nscale = 0.02\n";
    run.files = {"experiments/base.toml", "experiments/tiny.toml"};
    run.replicates = std::move(reps);
    rs.scenarios.push_back(std::move(run));
    return rs;
}

inline Provenance fake_provenance(std::uint64_t seed) {
    Provenance p;
    p.version = "0.1.0";
    p.git_commit = "0123456789abcdef0123456789abcdef01234567-dirty";
    p.seed = seed;
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

/// Rewrites the root attribute format_version of an existing file.
inline void set_format_version(const fs::path& p, const std::string& v) {
    H f{H5Fopen(p.c_str(), H5F_ACC_RDWR, H5P_DEFAULT), H5Fclose};
    REQUIRE(f.id >= 0);
    REQUIRE(H5Adelete(f.id, "format_version") >= 0);
    H type{H5Tcopy(H5T_C_S1), H5Tclose};
    H5Tset_size(type.id, H5T_VARIABLE);
    H space{H5Screate(H5S_SCALAR), H5Sclose};
    H a{H5Acreate2(f.id, "format_version", type.id, space.id, H5P_DEFAULT, H5P_DEFAULT), H5Aclose};
    const char* s = v.c_str();
    REQUIRE(H5Awrite(a.id, type.id, &s) >= 0);
}

}  // namespace buurtsim::test
