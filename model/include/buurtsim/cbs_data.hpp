#pragma once
/** @file cbs_data.hpp
 *  Reader for CBS "Kerncijfers wijken en buurten" CSV extracts. Columns are
 *  read by name; "." (CBS: not available or secret) becomes NaN.
 */
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace buurtsim {

/** @brief The largest CBS data file buurtsim reads (all of the Netherlands is about 10 MiB). */
inline constexpr std::uintmax_t max_data_file_bytes = std::uintmax_t(32) << 20;

/** @brief The largest value of a count column the model reads (cbs_count_columns): no Dutch
 *  area has more people or households (the Netherlands has about 18 million residents). */
inline constexpr double max_cbs_count = 20'000'000;

/** @brief Columns the model reads as counts of people or households: "." or a number in
 *  [0, max_cbs_count]. */
inline constexpr std::string_view cbs_count_columns[] = {
    "a_inw",   "a_man",   "a_vrouw", "a_00_14",  "a_15_24",  "a_25_44",  "a_45_64",  "a_65_oo",
    "a_hh",    "a_1p_hh", "a_hh_z_k", "a_hh_m_k", "a_soz_ow", "a_soz_wb", "a_soz_ao"};

/** @brief Area level as in the CBS `recs` column. */
enum class AreaLevel { gemeente, wijk, buurt };

/** @brief One CBS row: an area and its numeric columns. */
struct CbsRow {
    std::string code;    ///< gwb_code_10, e.g. "BU03440111"
    std::string name;    ///< regio
    AreaLevel level;
    std::size_t line;    ///< 1-based line in the file, for error messages
};

/** @brief A parsed CBS table. */
class CbsTable {
public:
    /** @brief Read a CBS CSV.
     *  @throws DataError naming file, line and column for a missing file, a file that is
     *          not a regular file or larger than max_data_file_bytes, a missing required
     *          column, a wrong field count, a non-numeric value, or a count column value
     *          outside [0, max_cbs_count]. */
    static CbsTable read_csv(const std::filesystem::path& path);

    const std::vector<CbsRow>& rows() const { return rows_; }
    /** @brief True if the file has this column. */
    bool has_column(std::string_view column) const;
    /** @brief Numeric value; NaN where CBS wrote ".". @throws DataError if the column is absent. */
    double value(std::size_t row, std::string_view column) const;
    /** @brief Index of the row with this code. @throws DataError if absent. */
    std::size_t row_of(std::string_view code) const;

    const std::filesystem::path& path() const { return path_; }
    /** @brief Lower-case hex sha256 of the file's bytes, for provenance. */
    const std::string& sha256() const { return sha256_; }

private:
    std::filesystem::path path_;
    std::string sha256_;
    std::vector<CbsRow> rows_;
    std::unordered_map<std::string, std::size_t> columns_;  // numeric column -> index
    std::vector<double> values_;                            // row-major rows_ x columns_
};

/** @brief Lower-case hex sha256 of a file's bytes. @throws DataError if unreadable. */
std::string sha256_file(const std::filesystem::path& path);

}  // namespace buurtsim
