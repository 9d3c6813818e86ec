// CBS loader: the real Utrecht extracts, and every error path on small files.
#include "buurtsim/cbs_data.hpp"
#include "buurtsim/error.hpp"

#include <catch2/catch.hpp>
#include <sys/stat.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

namespace fs = std::filesystem;
using buurtsim::AreaLevel;
using buurtsim::CbsTable;
using buurtsim::DataError;

namespace {

const fs::path data_dir = fs::path(BUURTSIM_SOURCE_DIR) / "data" / "cbs";

fs::path write_tmp(const std::string& name, const std::string& text) {
    const fs::path dir = fs::path(BUURTSIM_TEST_TMP) / "cbs_data";
    fs::create_directories(dir);
    const fs::path p = dir / name;
    std::ofstream(p, std::ios::binary) << text;
    return p;
}

const std::string header = "gwb_code_10,regio,recs,a_inw,a_man\n";

}  // namespace

TEST_CASE("real 2023 Utrecht extract", "[cbs]") {
    const auto t = CbsTable::read_csv(data_dir / "cbs-kwb-utrecht-2023.csv");
    int n[3] = {0, 0, 0};
    for (const auto& r : t.rows()) ++n[static_cast<int>(r.level)];
    CHECK(n[static_cast<int>(AreaLevel::gemeente)] == 1);
    CHECK(n[static_cast<int>(AreaLevel::wijk)] == 10);
    CHECK(n[static_cast<int>(AreaLevel::buurt)] == 111);

    const auto gm = t.row_of("GM0344");
    CHECK(t.rows()[gm].name == "Utrecht");
    CHECK(t.value(gm, "a_inw") == 367947);
    CHECK(std::isnan(t.value(gm, "g_ele")));  // "." in the file

    // A quoted name with a comma is one field.
    const auto b = t.row_of("BU03440111");
    CHECK(t.rows()[b].name == "Welgelegen, Den Hommel");
    CHECK(t.rows()[b].level == AreaLevel::buurt);
    CHECK(t.rows()[b].line == 4);
    CHECK(t.value(b, "a_inw") == 1810);
    CHECK(t.value(b, "g_hhgro") == Approx(1.6));

    CHECK(t.has_column("a_soz_wb"));
    CHECK_FALSE(t.has_column("regio"));  // text, not numeric
    CHECK_FALSE(t.has_column("no_such"));
    REQUIRE_THROWS_WITH(t.value(b, "no_such"), Catch::Contains("no_such"));
    REQUIRE_THROWS_WITH(t.row_of("BU99999999"), Catch::Contains("BU99999999"));

    CHECK(t.sha256().size() == 64);
    CHECK(t.sha256() == buurtsim::sha256_file(data_dir / "cbs-kwb-utrecht-2023.csv"));
}

TEST_CASE("real 2024 Utrecht extract", "[cbs]") {
    const auto t = CbsTable::read_csv(data_dir / "cbs-kwb-utrecht-2024.csv");
    CHECK(t.rows().size() == 122);
    CHECK(t.value(t.row_of("GM0344"), "a_inw") == 374238);
    CHECK(std::isnan(t.value(t.row_of("GM0344"), "a_soz_wb")));  // not published in 2024
}

TEST_CASE("sha256 of a known string", "[cbs]") {
    const auto p = write_tmp("abc.txt", "abc");
    CHECK(buurtsim::sha256_file(p)
          == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    REQUIRE_THROWS_AS(buurtsim::sha256_file(p.string() + ".missing"), DataError);
}

TEST_CASE("CRLF, quotes, missing values", "[cbs]") {
    const auto p = write_tmp("crlf.csv",
                             "\xEF\xBB\xBFgwb_code_10,regio,recs,a_inw,a_man\r\n"
                             "GM0344,Utrecht,Gemeente,100,.\r\n"
                             "\r\n"
                             "BU03440111,\"Welgelegen, \"\"Den\"\" Hommel\",Buurt,10,\r\n");
    const auto t = CbsTable::read_csv(p);
    REQUIRE(t.rows().size() == 2);
    CHECK(t.rows()[0].code == "GM0344");
    CHECK(t.rows()[1].name == "Welgelegen, \"Den\" Hommel");
    CHECK(t.rows()[1].line == 4);
    CHECK(t.value(1, "a_inw") == 10);
    CHECK(std::isnan(t.value(0, "a_man")));  // "."
    CHECK(std::isnan(t.value(1, "a_man")));  // empty
}

TEST_CASE("missing file names the path", "[cbs][errors]") {
    const fs::path p = fs::path(BUURTSIM_TEST_TMP) / "cbs_data" / "does-not-exist.csv";
    REQUIRE_THROWS_AS(CbsTable::read_csv(p), DataError);
    REQUIRE_THROWS_WITH(CbsTable::read_csv(p), Catch::Contains(p.string()));
}

TEST_CASE("non-numeric value names file, line, column, value and rule", "[cbs][errors]") {
    const auto p = write_tmp("bad_number.csv", header + "GM0344,Utrecht,Gemeente,100,50\n"
                                                        "BU03440111,X,Buurt,12a,5\n");
    REQUIRE_THROWS_AS(CbsTable::read_csv(p), DataError);
    REQUIRE_THROWS_WITH(CbsTable::read_csv(p),
                        Catch::Contains(p.string() + ":3: column a_inw: value \"12a\" is not a number"));
    REQUIRE_THROWS_WITH(CbsTable::read_csv(p), Catch::Contains("expected a number or \".\" for missing"));
    // nan/inf are not CBS numbers either.
    const auto q = write_tmp("nan.csv", header + "GM0344,Utrecht,Gemeente,100,nan\n");
    REQUIRE_THROWS_WITH(CbsTable::read_csv(q), Catch::Contains(":2: column a_man: value \"nan\""));
}

TEST_CASE("missing required column is named", "[cbs][errors]") {
    const std::vector<std::string> required = {"gwb_code_10", "regio", "recs", "a_inw"};
    for (const auto& col : required) {
        std::string h = "a_man";
        for (const auto& other : required)
            if (other != col) h += "," + other;
        const auto p = write_tmp("missing_" + col + ".csv", h + "\n1,A,B,C\n");
        REQUIRE_THROWS_AS(CbsTable::read_csv(p), DataError);
        REQUIRE_THROWS_WITH(CbsTable::read_csv(p), Catch::Contains(p.string() + ":1: required column " + col));
    }
}

TEST_CASE("wrong field count names line, expected and actual", "[cbs][errors]") {
    const auto p = write_tmp("short_row.csv", header + "GM0344,Utrecht,Gemeente,100,50\n"
                                                       "WK034401,Wijk 01 West,Wijk,100\n");
    REQUIRE_THROWS_WITH(CbsTable::read_csv(p),
                        Catch::Contains(p.string() + ":3: row has 4 fields, expected 5"));
    // An unquoted comma in a name gives one field too many.
    const auto q = write_tmp("unquoted_comma.csv", header + "BU03440111,Welgelegen, Den Hommel,Buurt,1,1\n");
    REQUIRE_THROWS_WITH(CbsTable::read_csv(q), Catch::Contains(q.string() + ":2: row has 6 fields, expected 5"));
}

TEST_CASE("unknown recs value names line, column and value", "[cbs][errors]") {
    const auto p = write_tmp("bad_recs.csv", header + "GM0344,Utrecht,Stad,100,50\n");
    REQUIRE_THROWS_WITH(CbsTable::read_csv(p),
                        Catch::Contains(p.string() + ":2: column recs: value \"Stad\" is not a known area level"));
}

TEST_CASE("other malformed input", "[cbs][errors]") {
    SECTION("empty file") {
        const auto p = write_tmp("empty.csv", "");
        REQUIRE_THROWS_WITH(CbsTable::read_csv(p), Catch::Contains(p.string() + ": file is empty"));
    }
    SECTION("duplicate column") {
        const auto p = write_tmp("dup_col.csv", "gwb_code_10,regio,recs,a_inw,a_inw\n");
        REQUIRE_THROWS_WITH(CbsTable::read_csv(p), Catch::Contains(":1: column a_inw appears twice"));
    }
    SECTION("duplicate code") {
        const auto p = write_tmp("dup_code.csv", header + "GM0344,U,Gemeente,1,1\nGM0344,U,Gemeente,1,1\n");
        REQUIRE_THROWS_WITH(CbsTable::read_csv(p),
                            Catch::Contains(":3: column gwb_code_10: value \"GM0344\" already appears on line 2"));
    }
    SECTION("empty code") {
        const auto p = write_tmp("empty_code.csv", header + ",U,Gemeente,1,1\n");
        REQUIRE_THROWS_WITH(CbsTable::read_csv(p), Catch::Contains(":2: column gwb_code_10: value \"\""));
    }
    SECTION("unclosed quote") {
        const auto p = write_tmp("unclosed.csv", header + "GM0344,\"Utrecht,Gemeente,1,1\n");
        REQUIRE_THROWS_WITH(CbsTable::read_csv(p), Catch::Contains(":2: quoted field is not closed"));
    }
    SECTION("stray quote") {
        const auto p = write_tmp("stray.csv", header + "GM0344,Ut\"recht,Gemeente,1,1\n");
        REQUIRE_THROWS_WITH(CbsTable::read_csv(p), Catch::Contains(":2: stray \""));
    }
}

// ------------------------------------------------------------------ hostile files

namespace {

// The message of the DataError that reading `p` throws; fails the test if it does not.
std::string read_error(const fs::path& p) {
    try {
        CbsTable::read_csv(p);
    } catch (const DataError& e) {
        return e.what();
    }
    FAIL("expected a DataError");
    return {};
}

}  // namespace

TEST_CASE("only regular files of bounded size are read", "[cbs][errors][hostile]") {
    const fs::path dir = fs::path(BUURTSIM_TEST_TMP) / "cbs_data";
    fs::create_directories(dir);
    SECTION("a FIFO is refused at once instead of blocking") {
        const fs::path fifo = dir / "fifo.csv";
        fs::remove(fifo);
        REQUIRE(::mkfifo(fifo.c_str(), 0600) == 0);
        CHECK(read_error(fifo) == fifo.string() + ": CBS data file is a FIFO (named pipe), not a regular file"
                                                  " (only regular files are read as input)");
        fs::remove(fifo);
    }
    SECTION("a device that never ends") {
        CHECK_THAT(read_error("/dev/zero"), Catch::StartsWith("/dev/zero: CBS data file is a character device"));
    }
    SECTION("a directory") {
        CHECK_THAT(read_error(dir), Catch::Contains("is a directory, not a regular file"));
    }
    SECTION("a file larger than the limit") {
        const fs::path big = dir / "big.csv";
        {
            std::ofstream out(big, std::ios::binary);
            out << header;
            out.seekp(std::streamoff(buurtsim::max_data_file_bytes));  // sparse: no disk needed
            out << "\n";
        }
        CHECK(read_error(big) == big.string() + ": CBS data file is larger than 32 MiB (33554432 bytes),"
                                                " the limit for data files");
        fs::remove(big);
    }
    SECTION("a file of exactly the limit is read") {
        const fs::path edge = dir / "edge.csv";
        {
            std::string text = header + "GM0344,Utrecht,Gemeente,10,5\n";
            text.resize(std::size_t(buurtsim::max_data_file_bytes), '\n');
            std::ofstream(edge, std::ios::binary) << text;
        }
        CHECK(CbsTable::read_csv(edge).rows().size() == 1);
        fs::remove(edge);
    }
    SECTION("a NUL byte in the name") {
        CHECK(read_error(std::string("data\0.csv", 9)) == "data\\0.csv: the name of CBS data file contains a NUL byte");
    }
}

TEST_CASE("counts the model reads must be counts", "[cbs][errors][hostile]") {
    SECTION("negative") {
        const auto p = write_tmp("negative.csv", header + "GM0344,Utrecht,Gemeente,10,5\nBU03440111,X,Buurt,-5,1\n");
        CHECK(read_error(p) == p.string() + ":3: column a_inw: value \"-5\" is not a count of people or households"
                                            " (expected a number in [0, 20000000] or \".\" for missing)");
    }
    SECTION("10^15 residents") {
        const auto p = write_tmp("huge.csv", header + "GM0344,Utrecht,Gemeente,1e15,5\n");
        CHECK_THAT(read_error(p), Catch::StartsWith(p.string() + ":2: column a_inw: value \"1e15\" is not a count"));
    }
    SECTION("other count columns, on any row") {
        const auto p = write_tmp("men.csv", header + "GM0344,Utrecht,Gemeente,10,20000001\n");
        CHECK_THAT(read_error(p), Catch::StartsWith(p.string() + ":2: column a_man: value \"20000001\""));
    }
    SECTION("the limit itself, missing values and columns the model does not read pass") {
        const auto p = write_tmp("edge-counts.csv", "gwb_code_10,regio,recs,a_inw,a_man,p_other\n"
                                                    "GM0344,Utrecht,Gemeente,20000000,.,-3\n");
        const auto t = CbsTable::read_csv(p);
        CHECK(t.value(0, "a_inw") == 20000000);
        CHECK(t.value(0, "p_other") == -3);
    }
}
