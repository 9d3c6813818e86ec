// Reader for CBS "Kerncijfers wijken en buurten" CSV extracts.
//
// The file is read once into memory: its bytes give the sha256 recorded in
// every output file, and the same bytes are parsed, so the checksum always
// describes exactly what was simulated. Columns are found by name, never by
// position, because CBS adds and reorders columns between editions.
#include "buurtsim/cbs_data.hpp"

#include "buurtsim/error.hpp"
#include "input_file.hpp"

#include <openssl/evp.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <iterator>
#include <limits>
#include <memory>

namespace buurtsim {
namespace {

// Columns CBS fills with codes and names rather than numbers.
constexpr std::string_view text_columns[] = {"gwb_code_10", "gwb_code_8", "regio",
                                             "gm_naam",     "recs",       "gwb_code"};
// Without these a row cannot be placed or populated.
constexpr std::string_view required_columns[] = {"gwb_code_10", "regio", "recs", "a_inw"};

bool is_count_column(std::string_view name) {
    return std::find(std::begin(cbs_count_columns), std::end(cbs_count_columns), name)
           != std::end(cbs_count_columns);
}

bool is_text_column(std::string_view name) {
    return std::find(std::begin(text_columns), std::end(text_columns), name)
           != std::end(text_columns);
}

std::string read_bytes(const std::filesystem::path& path) {
    input_file::Contents file = input_file::read(path, max_data_file_bytes);
    if (file.problem != input_file::Problem::none)
        throw DataError(input_file::shown_path(path) + ": "
                        + input_file::describe(file, "CBS data file", max_data_file_bytes, "data files"));
    return std::move(file.bytes);
}

std::string sha256_hex(std::string_view bytes) {
    std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> ctx(EVP_MD_CTX_new(),
                                                                &EVP_MD_CTX_free);
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned int len = 0;
    if (!ctx || EVP_DigestInit_ex(ctx.get(), EVP_sha256(), nullptr) != 1
        || EVP_DigestUpdate(ctx.get(), bytes.data(), bytes.size()) != 1
        || EVP_DigestFinal_ex(ctx.get(), digest, &len) != 1)
        throw InternalError("OpenSSL sha256 failed");
    static constexpr char hex[] = "0123456789abcdef";
    std::string out(2 * len, '0');
    for (unsigned int i = 0; i < len; ++i) {
        out[2 * i] = hex[digest[i] >> 4];
        out[2 * i + 1] = hex[digest[i] & 0xF];
    }
    return out;
}

struct Record {
    std::size_t line;  // 1-based line where the record starts
    std::vector<std::string> fields;
};

// RFC 4180 records: quoted fields may hold commas, doubled quotes and line
// breaks; LF and CRLF both end a record. Empty lines are skipped.
class CsvReader {
public:
    CsvReader(std::string_view text, std::string path) : s_(text), path_(std::move(path)) {
        if (s_.substr(0, 3) == "\xEF\xBB\xBF") pos_ = 3;  // UTF-8 byte order mark
    }

    bool next(Record& rec) {
        // Skip blank lines between records.
        while (pos_ < s_.size() && (s_[pos_] == '\n' || s_[pos_] == '\r')) {
            if (s_[pos_] == '\n') ++line_;
            ++pos_;
        }
        if (pos_ >= s_.size()) return false;
        rec.line = line_;
        rec.fields.clear();
        std::string field;
        for (;;) {
            field.clear();
            if (pos_ < s_.size() && s_[pos_] == '"') {
                const std::size_t start_line = line_;
                ++pos_;
                for (;;) {
                    if (pos_ >= s_.size())
                        throw DataError(path_ + ":" + std::to_string(start_line)
                                        + ": quoted field is not closed (a field that starts with"
                                          " \" must end with \")");
                    const char c = s_[pos_++];
                    if (c == '"') {
                        if (pos_ < s_.size() && s_[pos_] == '"') {
                            field += '"';
                            ++pos_;
                        } else {
                            break;
                        }
                    } else {
                        if (c == '\n') ++line_;
                        field += c;
                    }
                }
                if (pos_ < s_.size() && s_[pos_] != ',' && s_[pos_] != '\n' && s_[pos_] != '\r')
                    throw DataError(path_ + ":" + std::to_string(line_)
                                    + ": text after a closing quote in field "
                                    + std::to_string(rec.fields.size() + 1)
                                    + " (a quoted field must be followed by , or end of line)");
            } else {
                while (pos_ < s_.size() && s_[pos_] != ',' && s_[pos_] != '\n' && s_[pos_] != '\r') {
                    if (s_[pos_] == '"')
                        throw DataError(path_ + ":" + std::to_string(line_)
                                        + ": stray \" inside unquoted field "
                                        + std::to_string(rec.fields.size() + 1)
                                        + " (quote the whole field and double inner quotes)");
                    field += s_[pos_++];
                }
            }
            rec.fields.push_back(field);
            if (pos_ >= s_.size()) return true;
            const char sep = s_[pos_++];
            if (sep == ',') continue;
            if (sep == '\r' && pos_ < s_.size() && s_[pos_] == '\n') ++pos_;
            ++line_;
            return true;
        }
    }

private:
    std::string_view s_;
    std::string path_;
    std::size_t pos_ = 0;
    std::size_t line_ = 1;
};

std::string_view trim(std::string_view v) {
    while (!v.empty() && (v.front() == ' ' || v.front() == '\t')) v.remove_prefix(1);
    while (!v.empty() && (v.back() == ' ' || v.back() == '\t')) v.remove_suffix(1);
    return v;
}

// "." is CBS for "not available or secret"; an empty cell is treated the same.
bool parse_number(std::string_view raw, double& out) {
    const std::string_view v = trim(raw);
    if (v.empty() || v == ".") {
        out = std::numeric_limits<double>::quiet_NaN();
        return true;
    }
    // from_chars would accept "nan"/"inf"; CBS never writes them, so they are errors.
    const char c0 = v.front();
    if (!(c0 == '-' || c0 == '.' || (c0 >= '0' && c0 <= '9'))) return false;
    double d = 0;
    const auto [end, ec] = std::from_chars(v.data(), v.data() + v.size(), d);
    if (ec != std::errc() || end != v.data() + v.size() || !std::isfinite(d)) return false;
    out = d;
    return true;
}

}  // namespace

std::string sha256_file(const std::filesystem::path& path) { return sha256_hex(read_bytes(path)); }

CbsTable CbsTable::read_csv(const std::filesystem::path& path) {
    CbsTable t;
    t.path_ = path;
    const std::string bytes = read_bytes(path);
    t.sha256_ = sha256_hex(bytes);
    const std::string p = path.string();

    CsvReader csv(bytes, p);
    Record header;
    if (!csv.next(header)) throw DataError(p + ": file is empty (expected a header row)");

    // Header: map names to positions; text columns are remembered separately.
    std::unordered_map<std::string, std::size_t> position;
    std::vector<std::size_t> numeric_field;  // file position of numeric column i
    std::vector<char> is_count;              // numeric column i is a count the model reads
    for (std::size_t i = 0; i < header.fields.size(); ++i) {
        const std::string name(trim(header.fields[i]));
        if (name.empty())
            throw DataError(p + ":" + std::to_string(header.line) + ": header field "
                            + std::to_string(i + 1) + " is empty (every column needs a name)");
        if (!position.emplace(name, i).second)
            throw DataError(p + ":" + std::to_string(header.line) + ": column " + name
                            + " appears twice in the header (column names must be unique)");
        if (!is_text_column(name)) {
            t.columns_.emplace(name, numeric_field.size());
            numeric_field.push_back(i);
            is_count.push_back(is_count_column(name));
        }
    }
    for (std::string_view req : required_columns)
        if (!position.count(std::string(req)))
            throw DataError(p + ":" + std::to_string(header.line) + ": required column "
                            + std::string(req) + " is missing from the header");
    const std::size_t f_code = position.at("gwb_code_10");
    const std::size_t f_name = position.at("regio");
    const std::size_t f_recs = position.at("recs");
    const std::size_t n_fields = header.fields.size();

    std::unordered_map<std::string, std::size_t> seen_codes;
    Record rec;
    while (csv.next(rec)) {
        const std::string at = p + ":" + std::to_string(rec.line) + ": ";
        if (rec.fields.size() != n_fields)
            throw DataError(at + "row has " + std::to_string(rec.fields.size())
                            + " fields, expected " + std::to_string(n_fields)
                            + " (one per header column; quote fields that contain commas)");
        CbsRow row;
        row.line = rec.line;
        row.code = std::string(trim(rec.fields[f_code]));
        row.name = std::string(trim(rec.fields[f_name]));
        if (row.code.empty())
            throw DataError(at + "column gwb_code_10: value \"\" is empty (expected an area code"
                                 " such as GM0344, WK034401 or BU03440111)");
        const std::string_view recs = trim(rec.fields[f_recs]);
        if (recs == "Gemeente")
            row.level = AreaLevel::gemeente;
        else if (recs == "Wijk")
            row.level = AreaLevel::wijk;
        else if (recs == "Buurt")
            row.level = AreaLevel::buurt;
        else
            throw DataError(at + "column recs: value \"" + std::string(recs)
                            + "\" is not a known area level (expected Gemeente, Wijk or Buurt)");
        if (auto [it, fresh] = seen_codes.emplace(row.code, rec.line); !fresh)
            throw DataError(at + "column gwb_code_10: value \"" + row.code
                            + "\" already appears on line " + std::to_string(it->second)
                            + " (area codes must be unique)");
        for (std::size_t c = 0; c < numeric_field.size(); ++c) {
            const std::string& raw = rec.fields[numeric_field[c]];
            double v = 0;
            if (!parse_number(raw, v))
                throw DataError(at + "column " + header.fields[numeric_field[c]] + ": value \""
                                + raw
                                + "\" is not a number (expected a number or \".\" for missing)");
            // Checked here, so that no count is ever scaled into an allocation.
            if (is_count[c] && !(std::isnan(v) || (v >= 0 && v <= max_cbs_count)))
                throw DataError(at + "column " + header.fields[numeric_field[c]] + ": value \"" + raw
                                + "\" is not a count of people or households (expected a number in [0, "
                                + std::to_string(std::int64_t(max_cbs_count)) + "] or \".\" for missing)");
            t.values_.push_back(v);
        }
        t.rows_.push_back(std::move(row));
    }
    return t;
}

bool CbsTable::has_column(std::string_view column) const {
    return columns_.count(std::string(column)) != 0;
}

double CbsTable::value(std::size_t row, std::string_view column) const {
    BUURTSIM_ASSERT(row < rows_.size());
    const auto it = columns_.find(std::string(column));
    if (it == columns_.end())
        throw DataError(path_.string() + ": no numeric column " + std::string(column)
                        + " (the model needs it; is this a CBS Kerncijfers wijken en buurten"
                          " extract?)");
    return values_[row * columns_.size() + it->second];
}

std::size_t CbsTable::row_of(std::string_view code) const {
    for (std::size_t i = 0; i < rows_.size(); ++i)
        if (rows_[i].code == code) return i;
    throw DataError(path_.string() + ": no row with gwb_code_10 \"" + std::string(code) + "\"");
}

}  // namespace buurtsim
