#pragma once
/** @file cbs_data.hpp
 *  Reader for CBS "Kerncijfers wijken en buurten" CSV extracts. Columns are
 *  read by name; "." (CBS: not available or secret) becomes NaN.
 */
#include <cstddef>
#include <filesystem>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace buurtsim {

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
     *  @throws DataError naming file, line and column for a missing file, missing
     *          required column, wrong field count, or a non-numeric value. */
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
