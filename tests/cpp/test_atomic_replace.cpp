// Output safety of result files (atomic_replace.cpp, issue 11): which targets may be replaced, the
// temporary beside them, partial files, and a failing disk (RLIMIT_FSIZE stands in for a full one:
// write(2) fails with EFBIG at the limit, as with ENOSPC on a full disk).
#include "atomic_replace.hpp"
#include "io_fixture.hpp"

#include "buurtsim/compare.hpp"
#include "buurtsim/error.hpp"
#include "buurtsim/io.hpp"

#include <catch2/catch.hpp>
#include <hdf5.h>

#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <csignal>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <string>

using namespace buurtsim;
using namespace buurtsim::test;
namespace fs = std::filesystem;

namespace {

fs::path scratch(const std::string& name) { return scratch_in("test_atomic_replace", name); }

std::string read_text(const fs::path& p) {
    std::ifstream in(p, std::ios::binary);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

std::string error_of_write(const fs::path& out, const ResultSet& rs, const Provenance& prov) {
    try {
        write_results(out, rs, prov);
    } catch (const IoError& e) {
        return e.what();
    }
    FAIL("expected IoError writing " << out);
    return "";
}

/// Files may grow to `bytes` while in scope (soft limit; the hard one stays, so it can be raised again).
class FileSizeLimit {
public:
    explicit FileSizeLimit(rlim_t bytes) {
        old_handler_ = std::signal(SIGXFSZ, SIG_IGN);  // else the kernel kills the test at the limit
        REQUIRE(::getrlimit(RLIMIT_FSIZE, &old_) == 0);
        rlimit small = old_;
        small.rlim_cur = bytes;
        REQUIRE(::setrlimit(RLIMIT_FSIZE, &small) == 0);
    }
    ~FileSizeLimit() {
        ::setrlimit(RLIMIT_FSIZE, &old_);
        std::signal(SIGXFSZ, old_handler_);
    }

private:
    rlimit old_{};
    void (*old_handler_)(int) = nullptr;
};

}  // namespace

TEST_CASE("check_output_target: new names and regular files pass, anything else is refused", "[io][output]") {
    const fs::path dir = scratch("targets");
    CHECK_NOTHROW(check_output_target(dir / "new.h5"));
    std::ofstream(dir / "old.h5") << "old";
    CHECK_NOTHROW(check_output_target(dir / "old.h5"));

    auto refused = [](const fs::path& p) {
        try {
            check_output_target(p);
        } catch (const IoError& e) {
            return std::string(e.what());
        }
        return std::string("(accepted)");
    };
    SECTION("a character device") {
        const std::string msg = refused("/dev/null");
        CHECK_THAT(msg, Catch::Contains("'/dev/null'") && Catch::Contains("a character device")
                            && Catch::Contains("replaces only regular files"));
        CHECK_THAT(refused("/dev/full"), Catch::Contains("a character device"));
    }
    SECTION("a directory") { CHECK_THAT(refused(dir), Catch::Contains("a directory")); }
    SECTION("a FIFO") {
        REQUIRE(::mkfifo((dir / "fifo").c_str(), 0600) == 0);
        CHECK_THAT(refused(dir / "fifo"), Catch::Contains("a FIFO"));
    }
    SECTION("a socket") {
        const int fd = ::socket(AF_UNIX, SOCK_STREAM, 0);
        REQUIRE(fd >= 0);
        sockaddr_un addr{};
        addr.sun_family = AF_UNIX;
        const std::string path = (dir / "sock").string();
        REQUIRE(path.size() < sizeof addr.sun_path);
        std::copy(path.begin(), path.end(), addr.sun_path);
        REQUIRE(::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0);
        CHECK_THAT(refused(dir / "sock"), Catch::Contains("a socket"));
        ::close(fd);
    }
    SECTION("a symbolic link, also to a regular file or to nothing") {
        fs::create_symlink(dir / "old.h5", dir / "link.h5");
        fs::create_symlink(dir / "nothing", dir / "dangling.h5");
        CHECK_THAT(refused(dir / "link.h5"), Catch::Contains("a symbolic link"));
        CHECK_THAT(refused(dir / "dangling.h5"), Catch::Contains("a symbolic link"));
    }
}

TEST_CASE("check_output_target refuses an input of the run, by device and inode", "[io][output]") {
    const fs::path dir = scratch("inputs");
    std::ofstream(dir / "scenario.toml") << "name = \"x\"\n";
    std::ofstream(dir / "other.toml") << "name = \"y\"\n";
    const std::vector<fs::path> inputs{dir / "other.toml", dir / "scenario.toml"};
    CHECK_THROWS_WITH(check_output_target(dir / "scenario.toml", inputs),
                      Catch::Contains("an input of this run") && Catch::Contains("scenario.toml"));
    // Another spelling and a hard link are the same file.
    CHECK_THROWS_WITH(check_output_target(dir / "." / "scenario.toml", inputs), Catch::Contains("an input"));
    fs::create_hard_link(dir / "scenario.toml", dir / "hard.h5");
    CHECK_THROWS_WITH(check_output_target(dir / "hard.h5", inputs), Catch::Contains("an input"));
    std::ofstream(dir / "out.h5") << "old";
    CHECK_NOTHROW(check_output_target(dir / "out.h5", inputs));
}

TEST_CASE("write_results never replaces its own inputs or a non-regular file", "[io][output]") {
    const fs::path dir = scratch("write_refuses");
    ResultSet rs = wrap(tiny_geography(), fake_results(1, 2, 2));
    Provenance prov = fake_provenance(1);
    const fs::path scenario = dir / "s.toml", data = dir / "cbs.csv";
    std::ofstream(scenario) << "name = \"tiny\"\n";
    std::ofstream(data) << "a,b\n";
    rs.scenarios[0].files = {scenario.string()};
    prov.data_files = {{data.string(), std::string(64, 'a')}};
    CHECK_THAT(error_of_write(scenario, rs, prov), Catch::Contains("an input of this run"));
    CHECK_THAT(error_of_write(data, rs, prov), Catch::Contains("an input of this run"));
    CHECK(read_text(scenario) == "name = \"tiny\"\n");
    CHECK(read_text(data) == "a,b\n");
    CHECK_THAT(error_of_write("/dev/null", rs, prov), Catch::Contains("a character device"));
    CHECK(fs::is_character_file("/dev/null"));
    CHECK(dir_entries(dir) == std::vector<std::string>{"cbs.csv", "s.toml"});
}

TEST_CASE("temporary names are beside the target, unpredictable and never followed", "[io][output]") {
    const fs::path dir = scratch("temporary");
    const fs::path out = dir / "out.h5";
    std::set<std::string> names;
    for (int k = 0; k < 50; ++k) {
        const fs::path tmp = detail::unique_temporary_path(out);
        CHECK(tmp.parent_path() == out.parent_path());
        CHECK_THAT(tmp.filename().string(), Catch::StartsWith("out.h5.partial-"));
        CHECK(tmp.filename().string().size() == std::string("out.h5.partial-").size() + 16);
        names.insert(tmp.filename().string());
    }
    CHECK(names.size() == 50);
    CHECK(detail::unique_temporary_path("out.h5").parent_path().empty());

    // A symlink planted at the old, predictable name (OUT.partial-<pid>) or at any name: the
    // exclusive create never writes through it.
    const fs::path victim = dir / "victim.txt";
    std::ofstream(victim) << "victim";
    fs::create_symlink(victim, dir / ("out.h5.partial-" + std::to_string(::getpid())));
    bool created = false;
    fs::create_symlink(victim, dir / "planted");
    CHECK_THROWS_WITH(detail::write_new_file(dir / "planted", "x", 1, created, out),
                      Catch::Contains("creating temporary file") && Catch::Contains("exists"));
    CHECK_FALSE(created);
    write_results(out, wrap(tiny_geography(), fake_results(1, 2, 2)), fake_provenance(1));
    CHECK(read_text(victim) == "victim");
    CHECK(fs::is_regular_file(fs::symlink_status(out)));
    CHECK((fs::status(out).permissions() & fs::perms::all)
          == (fs::perms::owner_read | fs::perms::owner_write | fs::perms::group_read | fs::perms::others_read));
}

TEST_CASE("find_partial_files lists OUT.partial-* and nothing else", "[io][output]") {
    const fs::path dir = scratch("partials");
    const fs::path out = dir / "out.h5";
    CHECK(partial_prefix(out) == "out.h5.partial-");
    CHECK(find_partial_files(out).empty());
    std::ofstream(dir / "out.h5.partial-1234") << "left by a kill";
    std::ofstream(dir / "out.h5.partial-abcdefgh") << "left by a kill";
    std::ofstream(dir / "out.h5") << "result";
    std::ofstream(dir / "out.h5.partial-") << "no suffix: not ours";
    std::ofstream(dir / "other.h5.partial-1") << "another output's";
    CHECK(find_partial_files(out)
          == std::vector<fs::path>{dir / "out.h5.partial-1234", dir / "out.h5.partial-abcdefgh"});
    CHECK(find_partial_files(dir / "missing-dir" / "x.h5").empty());
}

TEST_CASE("remove_partial_files_now removes the temporaries and stops their writes", "[io][output][signal]") {
    const fs::path dir = scratch("stopped");
    const fs::path out = dir / "out.h5";
    std::ofstream(out) << "old";
    {
        const TemporaryName name(out);
        CHECK_THAT(name.path().filename().string(), Catch::StartsWith("out.h5.partial-"));
        std::ofstream(name.path()) << "half";
        CHECK_FALSE(name.stopped());
        remove_partial_files_now();  // what a signal handler calls
        CHECK(name.stopped());
        CHECK(dir_entries(dir) == std::vector<std::string>{"out.h5"});
    }
    CHECK_FALSE(TemporaryName(out).stopped());  // the slot is free again

    // A signal while the temporary is written, or before it exists (then the write creates it afterwards):
    // either way the write fails, the old file stays and nothing else is left.
    for (const bool after_create : {true, false}) {
        INFO("signal " << (after_create ? "after" : "before") << " the temporary is created");
        try {
            detail::atomic_replace(out, {}, [&](const fs::path& tmp, bool& created) {
                if (!after_create) remove_partial_files_now();
                detail::write_new_file(tmp, "new", 3, created, out);
                if (after_create) remove_partial_files_now();
            });
            FAIL("expected IoError");
        } catch (const IoError& e) {
            CHECK_THAT(e.what(), Catch::Contains("stopped by a signal") && Catch::Contains(out.string()));
        }
        CHECK(read_text(out) == "old");
        CHECK(dir_entries(dir) == std::vector<std::string>{"out.h5"});
    }
    // The next write works.
    detail::atomic_replace(out, {}, [&](const fs::path& tmp, bool& created) {
        detail::write_new_file(tmp, "new", 3, created, out);
    });
    CHECK(read_text(out) == "new");
}

TEST_CASE("a write failing on a full disk leaves the old file, no partial, and HDF5 usable", "[io][output][fault]") {
    const fs::path dir = scratch("full_disk");
    const fs::path out = dir / "out.h5";
    write_results(out, wrap(tiny_geography(), fake_results(1, 2, 2)), fake_provenance(1));
    const std::string before = read_text(out);
    // Big enough that the limit falls inside the write.
    const ResultSet big = wrap(tiny_geography(), fake_results(3, 300, 2));
    std::string msg;
    {
        const FileSizeLimit limit(20000);
        msg = error_of_write(out, big, fake_provenance(2));
    }
    CHECK_THAT(msg, Catch::Contains("'" + out.string() + "'") && Catch::Contains("partial-")
                        && Catch::Contains("File too large"));
    CHECK(read_text(out) == before);
    CHECK(dir_entries(dir) == std::vector<std::string>{"out.h5"});
    // Every HDF5 object is closed (the library once kept the file open and crashed at exit) and the next
    // write works.
    CHECK(H5Fget_obj_count(H5F_OBJ_ALL, H5F_OBJ_ALL) == 0);
    write_results(out, big, fake_provenance(3));
    CHECK(read_results(out).replicate_ids.size() == 3);
    CHECK(H5Fget_obj_count(H5F_OBJ_ALL, H5F_OBJ_ALL) == 0);
}

TEST_CASE("write_comparison failing on a full disk leaves the file as it was", "[io][output][fault]") {
    const fs::path dir = scratch("comparison_full_disk");
    const fs::path out = dir / "out.h5";
    write_results(out, wrap(tiny_geography(), fake_results(2, 300, 2)), fake_provenance(1));
    const std::string before = read_text(out);
    Comparison c;
    c.baseline = "tiny";
    c.weeks = 300;
    c.replicate_ids = {0, 1};
    c.version = "0.1.0";
    c.created = "2026-01-02T03:04:05Z";
    ComparisonRow r;
    r.scenario = "tiny";
    r.area = "city";
    r.indicator = "buurtteam_hours";
    r.label = "x";
    r.unit = "h";
    c.rows.assign(2000, r);  // enough to need more room than the limit leaves
    {
        const FileSizeLimit limit(before.size() / 2);
        CHECK_THROWS_WITH(write_comparison(out, c), Catch::Contains(out.string()) && Catch::Contains("File too large"));
    }
    CHECK(read_text(out) == before);
    CHECK(dir_entries(dir) == std::vector<std::string>{"out.h5"});
    CHECK(H5Fget_obj_count(H5F_OBJ_ALL, H5F_OBJ_ALL) == 0);
    CHECK_NOTHROW(write_comparison(out, c));
}
